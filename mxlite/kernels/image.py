"""Image kernels for the data pipeline (ImageRecordIter's last step).

``write_chw_*`` turn one augmented OpenCV image (HWC, BGR[A] or gray, uint8)
into a CHW slot of the output batch: channel swap to RGB[A], optional
horizontal mirror, and the normalisation MXNet applies,
``(pixel - mean) * mult + bias`` in float32 (mean from a per-channel value
or a mean image indexed at the unmirrored position).  They run without the
GIL so decoding threads scale.
"""
import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def write_chw_float(img, out, swap, mirror, mean, meanimg, use_meanimg, mult, bias):
    """out[k, i, j'] = (img[i, j, swap[k]] - mean) * mult[k] + bias[k] (float32).

    Without a mean image the value depends only on the pixel value, so a
    256-entry table per channel gives the same float32 results faster.
    """
    h, w, c = img.shape
    if use_meanimg:
        for k in range(c):
            src_k = swap[k]
            mu = mult[k]
            b = bias[k]
            for i in range(h):
                for j in range(w):
                    v = np.float32(np.float32(img[i, j, src_k]) - meanimg[k, i, j])
                    v = np.float32(np.float32(v * mu) + b)
                    if mirror:
                        out[k, i, w - 1 - j] = v
                    else:
                        out[k, i, j] = v
        return
    lut = np.empty((c, 256), np.float32)
    for k in range(c):
        for v in range(256):
            lut[k, v] = np.float32(np.float32(np.float32(np.float32(v) - mean[k]) * mult[k])
                                   + bias[k])
    for i in range(h):
        for k in range(c):
            src_k = swap[k]
            orow = out[k, i]
            table = lut[k]
            if mirror:
                for j in range(w):
                    orow[w - 1 - j] = table[img[i, j, src_k]]
            else:
                for j in range(w):
                    orow[j] = table[img[i, j, src_k]]


@njit(cache=True, nogil=True)
def write_chw_uint8(img, out, swap, mirror):
    """Channel swap and mirror only (MXNet applies no normalisation to uint8 output)."""
    h, w, c = img.shape
    for i in range(h):
        for k in range(c):
            src_k = swap[k]
            orow = out[k, i]
            if mirror:
                for j in range(w):
                    orow[w - 1 - j] = img[i, j, src_k]
            else:
                for j in range(w):
                    orow[j] = img[i, j, src_k]


@njit(cache=True, nogil=True)
def _round_half_away(x):
    if x >= 0:
        return np.floor(x + 0.5)
    return -np.floor(-x + 0.5)


@njit(cache=True, nogil=True)
def write_chw_int8(img, out, swap, mirror, mean_int, meanimg, use_meanimg):
    """saturate_cast<int8>(pixel - round(mean)), as MXNet's int8 output."""
    h, w, c = img.shape
    for k in range(c):
        src_k = swap[k]
        for i in range(h):
            for j in range(w):
                if use_meanimg:
                    m = np.int64(_round_half_away(meanimg[k, i, j]))
                else:
                    m = np.int64(mean_int[k])
                v = np.int64(img[i, j, src_k]) - m
                if v > 127:
                    v = 127
                elif v < -128:
                    v = -128
                if mirror:
                    out[k, i, w - 1 - j] = v
                else:
                    out[k, i, j] = v


@njit(cache=True, nogil=True)
def add_clamped(img, delta, limit):
    """img[..., k] = clamp(img[..., k] + delta[k], 0, limit[k]) with C int truncation."""
    h, w, c = img.shape
    for i in range(h):
        for j in range(w):
            for k in range(c):
                v = np.int64(img[i, j, k])
                v = v + delta[k]
                if v < 0:
                    v = 0
                elif v > limit[k]:
                    v = limit[k]
                img[i, j, k] = v


@njit(cache=True, nogil=True)
def add_float_trunc(img, delta):
    """img[..., k] = clamp(int(img + delta[k]), 0, 255): MXNet's PCA-noise step."""
    h, w, c = img.shape
    for i in range(h):
        for j in range(w):
            for k in range(c):
                v = np.int64(np.float32(np.float32(img[i, j, k]) + delta[k]))
                if v < 0:
                    v = 0
                elif v > 255:
                    v = 255
                img[i, j, k] = v
