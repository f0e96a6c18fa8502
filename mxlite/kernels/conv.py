"""Convolution kernels: im2col/col2im around BLAS GEMMs, and a direct kernel.

Layouts are NCHW (1-D convolutions arrive as NCHW with H == 1).  ``col``
buffers are ``(B, C * kh * kw, oh * ow)``: row ``(c * kh + ky) * kw + kx``
holds input channel ``c`` seen through kernel tap ``(ky, kx)`` at every
output position, so ``weight.reshape(F, -1) @ col[b]`` is the convolution of
image ``b`` and the rows of one group are contiguous.

The drivers (``conv_forward``, ``conv_backward``, ``deconv_forward``, ...)
work on chunks of images so the ``col`` buffer stays a few MB (cache
resident) whatever the batch size.  Shapes are checked by the registry
(``mxlite/ops/nn_conv.py``) before anything here runs.
"""
import numpy as np
from numba import njit, prange

from ._threads import call

# Keep one chunk's col buffer around this size: big enough for BLAS to
# stream, small enough to stay in the last-level cache.
_COL_BYTES = 8 << 20


@njit(cache=True, nogil=True)
def _span(off, stride, size, n_out):
    """Output positions o in [lo, hi) with 0 <= o * stride + off < size."""
    lo = 0
    if off < 0:
        lo = (-off + stride - 1) // stride
    hi = 0
    if size - off > 0:
        hi = (size - off + stride - 1) // stride
    if hi > n_out:
        hi = n_out
    if lo > hi:
        lo = hi
    return lo, hi


@njit(cache=True, nogil=True, parallel=True)
def im2col(x, col, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow):
    """Unfold ``x`` (B, C, H, W) into ``col`` (B, C*kh*kw, oh*ow).

    Rows are written with slice assignments: Numba turns those into tight
    copies, where per-element computed indices would not vectorise.
    """
    B, C, H, W = x.shape
    for bc in prange(B * C):
        b = bc // C
        c = bc - b * C
        for ky in range(kh):
            for kx in range(kw):
                r = col[b, (c * kh + ky) * kw + kx].reshape((oh, ow))
                offx = kx * dw - pw
                lo, hi = _span(offx, sw, W, ow)
                for oy in range(oh):
                    iy = oy * sh - ph + ky * dh
                    if iy < 0 or iy >= H or hi <= lo:
                        r[oy, :] = 0
                        continue
                    r[oy, :lo] = 0
                    if sw == 1:
                        r[oy, lo:hi] = x[b, c, iy, lo + offx:hi + offx]
                    else:
                        r[oy, lo:hi] = x[b, c, iy, lo * sw + offx:(hi - 1) * sw + offx + 1:sw]
                    r[oy, hi:] = 0


@njit(cache=True, nogil=True, parallel=True)
def col2im(col, x, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow):
    """Fold ``col`` (B, C*kh*kw, oh*ow) back into ``x`` (B, C, H, W), overwriting it."""
    B, C, H, W = x.shape
    for bc in prange(B * C):
        b = bc // C
        c = bc - b * C
        x[b, c] = 0
        for ky in range(kh):
            for kx in range(kw):
                r = col[b, (c * kh + ky) * kw + kx].reshape((oh, ow))
                offx = kx * dw - pw
                lo, hi = _span(offx, sw, W, ow)
                if hi <= lo:
                    continue
                for oy in range(oh):
                    iy = oy * sh - ph + ky * dh
                    if iy < 0 or iy >= H:
                        continue
                    if sw == 1:
                        x[b, c, iy, lo + offx:hi + offx] += r[oy, lo:hi]
                    else:
                        x[b, c, iy, lo * sw + offx:(hi - 1) * sw + offx + 1:sw] += r[oy, lo:hi]


@njit(cache=True, nogil=True, parallel=True)
def direct_forward(x, w, out, sh, sw, ph, pw, dh, dw, groups):
    """Direct convolution for few input channels: out (N, F, oh, ow), no GEMM."""
    N, C, H, W = x.shape
    F, Cg, kh, kw = w.shape
    oh, ow = out.shape[2], out.shape[3]
    Fg = F // groups
    for nf in prange(N * F):
        n = nf // F
        f = nf - n * F
        g = f // Fg
        for oy in range(oh):
            for ox in range(ow):
                out[n, f, oy, ox] = 0
        for cc in range(Cg):
            c = g * Cg + cc
            for ky in range(kh):
                for kx in range(kw):
                    wv = w[f, cc, ky, kx]
                    offx = kx * dw - pw
                    lo, hi = _span(offx, sw, W, ow)
                    for oy in range(oh):
                        iy = oy * sh - ph + ky * dh
                        if iy < 0 or iy >= H:
                            continue
                        if sw == 1:
                            for ox in range(lo, hi):
                                out[n, f, oy, ox] += wv * x[n, c, iy, ox + offx]
                        else:
                            for ox in range(lo, hi):
                                out[n, f, oy, ox] += wv * x[n, c, iy, ox * sw + offx]


@njit(cache=True, nogil=True, parallel=True)
def add_channel_bias(out, bias):
    """out (N, F, P) += bias[f]."""
    N, F, P = out.shape
    for nf in prange(N * F):
        n = nf // F
        f = nf - n * F
        b = bias[f]
        for p in range(P):
            out[n, f, p] += b


@njit(cache=True, nogil=True)
def channel_sum(dy, acc):
    """acc[f] += sum over n, p of dy (N, F, P), accumulated in acc's precision."""
    N, F, P = dy.shape
    for n in range(N):
        for f in range(F):
            s = 0.0
            for p in range(P):
                s += dy[n, f, p]
            acc[f] += s


def chunk_size(n, bytes_per_image):
    return int(max(1, min(n, _COL_BYTES // max(1, bytes_per_image))))


def _geometry(x_shape, w_shape, geo):
    kh, kw, sh, sw, ph, pw, dh, dw = geo
    H, W = x_shape[2], x_shape[3]
    oh = (H + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (W + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    return oh, ow


def _is_pointwise(geo):
    kh, kw, sh, sw, ph, pw, dh, dw = geo
    return kh == 1 and kw == 1 and sh == 1 and sw == 1 and ph == 0 and pw == 0


def use_direct(x_shape, w_shape, groups):
    """The direct kernel wins when each output sums over very few taps."""
    Cg, kh, kw = w_shape[1], w_shape[2], w_shape[3]
    return Cg * kh * kw <= 32 and groups == 1


def conv_forward(x, w, bias, out, geo, groups):
    """out (N, F, oh, ow) = conv(x (N, C, H, W), w (F, C/g, kh, kw)) + bias."""
    N, C = x.shape[0], x.shape[1]
    F = w.shape[0]
    kh, kw, sh, sw, ph, pw, dh, dw = geo
    oh, ow = out.shape[2], out.shape[3]
    P = oh * ow
    out3 = out.reshape(N, F, P)
    if use_direct(x.shape, w.shape, groups):
        call(direct_forward, out.size * w.shape[1] * kh * kw, x, w, out, sh, sw, ph, pw, dh, dw, groups)
    else:
        Fg, Cg = F // groups, C // groups
        Kg = Cg * kh * kw
        wm = w.reshape(groups, Fg, Kg)
        if _is_pointwise(geo):
            x3 = x.reshape(N, C, P)
            for g in range(groups):
                np.matmul(wm[g], x3[:, g * Cg:(g + 1) * Cg], out=out3[:, g * Fg:(g + 1) * Fg])
        else:
            bs = chunk_size(N, C * kh * kw * P * x.itemsize)
            col = np.empty((bs, C * kh * kw, P), dtype=x.dtype)
            for b0 in range(0, N, bs):
                b1 = min(N, b0 + bs)
                cb = col[:b1 - b0]
                call(im2col, cb.size, x[b0:b1], cb, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow)
                for g in range(groups):
                    np.matmul(wm[g], cb[:, g * Kg:(g + 1) * Kg],
                              out=out3[b0:b1, g * Fg:(g + 1) * Fg])
    if bias is not None:
        call(add_channel_bias, out3.size, out3, bias)
    return out


def conv_backward(x, w, dy, dx, dw_out, db, geo, groups):
    """Gradients of conv_forward; ``dx``/``dw_out``/``db`` may be None (not wanted)."""
    N, C = x.shape[0], x.shape[1]
    F = w.shape[0]
    kh, kw, sh, sw, ph, pw, dh, dw = geo
    oh, ow = dy.shape[2], dy.shape[3]
    P = oh * ow
    Fg, Cg = F // groups, C // groups
    Kg = Cg * kh * kw
    dy3 = np.ascontiguousarray(dy).reshape(N, F, P)
    wm = w.reshape(groups, Fg, Kg)
    if db is not None:
        acc = np.zeros(F, dtype=np.float64)
        channel_sum(dy3, acc)
        db[...] = acc
    if dx is None and dw_out is None:
        return
    dwm = None
    if dw_out is not None:
        dwm = dw_out.reshape(groups, Fg, Kg)
        dwm[...] = 0
    if _is_pointwise(geo):
        x3 = x.reshape(N, C, P)
        for g in range(groups):
            if dwm is not None:
                dwm[g] += np.matmul(dy3[:, g * Fg:(g + 1) * Fg],
                                    x3[:, g * Cg:(g + 1) * Cg].transpose(0, 2, 1)).sum(axis=0)
            if dx is not None:
                np.matmul(wm[g].T, dy3[:, g * Fg:(g + 1) * Fg],
                          out=dx.reshape(N, C, P)[:, g * Cg:(g + 1) * Cg])
        return
    bs = chunk_size(N, C * kh * kw * P * x.itemsize)
    col = np.empty((bs, C * kh * kw, P), dtype=x.dtype)
    for b0 in range(0, N, bs):
        b1 = min(N, b0 + bs)
        cb = col[:b1 - b0]
        dyb = dy3[b0:b1]
        if dwm is not None:
            call(im2col, cb.size, x[b0:b1], cb, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow)
            for g in range(groups):
                part = np.matmul(dyb[:, g * Fg:(g + 1) * Fg],
                                 cb[:, g * Kg:(g + 1) * Kg].transpose(0, 2, 1))
                dwm[g] += part.sum(axis=0)
        if dx is not None:
            for g in range(groups):
                np.matmul(wm[g].T, dyb[:, g * Fg:(g + 1) * Fg], out=cb[:, g * Kg:(g + 1) * Kg])
            call(col2im, cb.size, cb, dx[b0:b1], kh, kw, sh, sw, ph, pw, dh, dw, oh, ow)


def deconv_forward(x, w, bias, out, geo, groups):
    """Transposed convolution: out (N, F, OH, OW) from x (N, C, H, W), w (C, F/g, kh, kw).

    It is the data-gradient of the convolution mapping ``out`` to ``x``.
    """
    N, C, H, W = x.shape
    Fg = w.shape[1]
    F = Fg * groups
    Cg = C // groups
    kh, kw, sh, sw, ph, pw, dh, dw = geo
    P = H * W
    Kg = Fg * kh * kw
    x3 = np.ascontiguousarray(x).reshape(N, C, P)
    wm = w.reshape(groups, Cg, Kg)
    bs = chunk_size(N, F * kh * kw * P * x.itemsize)
    col = np.empty((bs, F * kh * kw, P), dtype=x.dtype)
    for b0 in range(0, N, bs):
        b1 = min(N, b0 + bs)
        cb = col[:b1 - b0]
        for g in range(groups):
            np.matmul(wm[g].T, x3[b0:b1, g * Cg:(g + 1) * Cg], out=cb[:, g * Kg:(g + 1) * Kg])
        call(col2im, cb.size, cb, out[b0:b1], kh, kw, sh, sw, ph, pw, dh, dw, H, W)
    if bias is not None:
        call(add_channel_bias, out.size, out.reshape(N, F, -1), bias)
    return out


def deconv_backward(x, w, dy, dx, dw_out, db, geo, groups):
    """Gradients of deconv_forward (dy has the deconvolution's output shape)."""
    N, C, H, W = x.shape
    Fg = w.shape[1]
    F = Fg * groups
    Cg = C // groups
    kh, kw, sh, sw, ph, pw, dh, dw = geo
    P = H * W
    Kg = Fg * kh * kw
    dy = np.ascontiguousarray(dy)
    if db is not None:
        acc = np.zeros(F, dtype=np.float64)
        channel_sum(dy.reshape(N, F, -1), acc)
        db[...] = acc
    if dx is None and dw_out is None:
        return
    x3 = np.ascontiguousarray(x).reshape(N, C, P)
    wm = w.reshape(groups, Cg, Kg)
    dwm = None
    if dw_out is not None:
        dwm = dw_out.reshape(groups, Cg, Kg)
        dwm[...] = 0
    dx3 = dx.reshape(N, C, P) if dx is not None else None
    bs = chunk_size(N, F * kh * kw * P * x.itemsize)
    col = np.empty((bs, F * kh * kw, P), dtype=x.dtype)
    for b0 in range(0, N, bs):
        b1 = min(N, b0 + bs)
        cb = col[:b1 - b0]
        call(im2col, cb.size, dy[b0:b1], cb, kh, kw, sh, sw, ph, pw, dh, dw, H, W)
        for g in range(groups):
            cg = cb[:, g * Kg:(g + 1) * Kg]
            if dx3 is not None:
                np.matmul(wm[g], cg, out=dx3[b0:b1, g * Cg:(g + 1) * Cg])
            if dwm is not None:
                dwm[g] += np.matmul(x3[b0:b1, g * Cg:(g + 1) * Cg], cg.transpose(0, 2, 1)).sum(axis=0)
