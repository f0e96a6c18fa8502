"""Winograd F(2x2, 3x3) convolution for 3x3, stride-1, undilated, ungrouped layers.

Each 4x4 input tile (tiles step by 2) gives a 2x2 output tile:
``Y = A^T [(G g G^T) * (B^T d B)] A``.  Over a band of tile rows of one image
the 16 elementwise products become 16 GEMMs ``U[k] (F x C) @ V[k] (C x tiles)``:
2.25x fewer multiplications than im2col + GEMM, for two cheap transforms.
The rounding differs from the direct sum by a few float32 ulps.

Layouts: ``V`` and ``M`` are (16, channels, tiles of the band) with tile index
``(ti - ti0) * tw + tj``; ``k = 4 * row + column`` of the 4x4 transform.
"""
import numpy as np
from numba import njit

from . import packed_gemm
from .packed_gemm import NR, _gemm2

_G = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0.0, 0.0, 1.0]])


def transform_weight(w):
    """U (16, F, C) = G g G^T for every (f, c) kernel g (3 x 3)."""
    F, C = w.shape[0], w.shape[1]
    u = np.einsum('ai,fcij,bj->abfc', _G, w.astype(np.float64), _G)
    return np.ascontiguousarray(u.reshape(16, F, C), dtype=w.dtype)


@njit(cache=True, nogil=True)
def _input_rows(xp, v, ti0, ti1, tw, tbase, s):
    """V[k, c, tbase + (ti - ti0) * tw + tj] = (B^T d B)[k] for the 4x4 tiles d in tile rows
    ti0:ti1 of one padded image xp (C, Hp, Wp); ``s`` is a (4, Wp) scratch.

    Per tile row: B^T combines the four input rows into four contiguous rows
    ``s``, then each of the 16 outputs is one loop over the tiles reading
    ``s`` at stride 2 and writing a contiguous run of V: simple loops that
    vectorise (a loop writing all 16 outputs per tile does not).
    """
    C, Hp, Wp = xp.shape
    for c in range(C):
        plane = xp[c]
        for ti in range(ti0, ti1):
            r0 = plane[2 * ti]
            r1 = plane[2 * ti + 1]
            r2 = plane[2 * ti + 2]
            r3 = plane[2 * ti + 3]
            for x in range(Wp):
                s[0, x] = r0[x] - r2[x]
                s[1, x] = r1[x] + r2[x]
                s[2, x] = r2[x] - r1[x]
                s[3, x] = r1[x] - r3[x]
            base = tbase + (ti - ti0) * tw
            for i in range(4):
                si = s[i]
                o0 = v[4 * i, c, base:base + tw]
                o1 = v[4 * i + 1, c, base:base + tw]
                o2 = v[4 * i + 2, c, base:base + tw]
                o3 = v[4 * i + 3, c, base:base + tw]
                for j in range(tw):
                    o0[j] = si[2 * j] - si[2 * j + 2]
                for j in range(tw):
                    o1[j] = si[2 * j + 1] + si[2 * j + 2]
                for j in range(tw):
                    o2[j] = si[2 * j + 2] - si[2 * j + 1]
                for j in range(tw):
                    o3[j] = si[2 * j + 1] - si[2 * j + 3]


@njit(cache=True, nogil=True)
def _output_rows(m, out, ti0, ti1, tw, tbase, bias, use_bias, a, row):
    """out (F, oh, ow) rows of tile rows ti0:ti1 = A^T M A for every tile (plus bias), the
    tiles' M at m[:, :, tbase + (ti - ti0) * tw + tj]; ``a`` (8, tw), ``row`` (2 * tw) scratch.

    Per tile row: A^T reduces the 16 contiguous runs of M to 8 (``a``), then
    A gives two output rows, assembled in a scratch row and copied out.
    """
    F, oh, ow = out.shape
    for f in range(F):
        bv = bias[f] if use_bias else 0.0
        for ti in range(ti0, ti1):
            base = tbase + (ti - ti0) * tw
            for col in range(4):
                m0 = m[col, f, base:base + tw]
                m1 = m[4 + col, f, base:base + tw]
                m2 = m[8 + col, f, base:base + tw]
                m3 = m[12 + col, f, base:base + tw]
                a0 = a[col]
                a1 = a[4 + col]
                for j in range(tw):
                    a0[j] = m0[j] + m1[j] + m2[j]
                    a1[j] = m1[j] - m2[j] - m3[j]
            y = 2 * ti
            for half in range(2):
                if y + half >= oh:
                    break
                p0 = a[4 * half]
                p1 = a[4 * half + 1]
                p2 = a[4 * half + 2]
                p3 = a[4 * half + 3]
                for j in range(tw):
                    row[2 * j] = p0[j] + p1[j] + p2[j] + bv
                    row[2 * j + 1] = p1[j] - p2[j] - p3[j] + bv
                out[f, y + half, :] = row[:ow]


@njit(cache=True, nogil=True)
def _grad_output_rows(dy, dm, ti0, ti1, tw, tbase, e0, e1, r):
    """dM[k, f, tbase + (ti - ti0) * tw + tj] = (A g A^T)[k] for the 2x2 tiles g in tile rows
    ti0:ti1 of one image's dy (F, oh, ow), zero past its edge; e0, e1 (2 * tw) and
    r (4, 2 * tw) are scratch.

    The transpose of the output transform: the gradient reaching M when Y = A^T M A.
    """
    F, oh, ow = dy.shape
    e0[ow:] = 0
    e1[ow:] = 0
    for f in range(F):
        for ti in range(ti0, ti1):
            y = 2 * ti
            e0[:ow] = dy[f, y]
            if y + 1 < oh:
                e1[:ow] = dy[f, y + 1]
            else:
                e1[:] = 0
            for x in range(2 * tw):
                r[0, x] = e0[x]
                r[1, x] = e0[x] + e1[x]
                r[2, x] = e0[x] - e1[x]
                r[3, x] = -e1[x]
            base = tbase + (ti - ti0) * tw
            for i in range(4):
                ri = r[i]
                o0 = dm[4 * i, f, base:base + tw]
                o1 = dm[4 * i + 1, f, base:base + tw]
                o2 = dm[4 * i + 2, f, base:base + tw]
                o3 = dm[4 * i + 3, f, base:base + tw]
                for j in range(tw):
                    o0[j] = ri[2 * j]
                for j in range(tw):
                    o1[j] = ri[2 * j] + ri[2 * j + 1]
                for j in range(tw):
                    o2[j] = ri[2 * j] - ri[2 * j + 1]
                for j in range(tw):
                    o3[j] = -ri[2 * j + 1]


@njit(cache=True, nogil=True)
def _grad_band(xp, dy, v, dm, ti0, ti1, tw):
    """V and dM of tile rows ti0:ti1 of one image (padded input xp, output gradient dy)."""
    s = np.empty((4, xp.shape[2]), v.dtype)
    e0 = np.zeros(2 * tw, dm.dtype)
    e1 = np.zeros(2 * tw, dm.dtype)
    r = np.empty((4, 2 * tw), dm.dtype)
    _input_rows(xp, v, ti0, ti1, tw, 0, s)
    _grad_output_rows(dy, dm, ti0, ti1, tw, 0, e0, e1, r)


def weight_grad_from(du):
    """dW (F, C, 3, 3) = G^T dU G from the Winograd-domain gradient dU (16, F, C)."""
    F, C = du.shape[1], du.shape[2]
    return np.einsum('ai,abfc,bj->fcij', _G, du.astype(np.float64).reshape(4, 4, F, C), _G)


def weight_grad_part(x, dy, ph, pw):
    """The Winograd-domain weight gradient dU (16, F, C) of images x (B, C, H, W) with
    output gradient dy (B, F, oh, ow): dU[k] = dM[k] @ V[k]^T summed over tiles, a band
    of tile rows at a time (as the forward: V and dM stay in cache for the products)."""
    B, C, H, W = x.shape
    F, oh, ow = dy.shape[1], dy.shape[2], dy.shape[3]
    th, tw = -(-oh // 2), -(-ow // 2)
    # bands of equal height (the products need no whole panels here: OpenBLAS takes the
    # transposed V as it is)
    most = max(1, min(th, BAND_BYTES // (16 * (C + F) * tw * x.itemsize)))
    R = -(-th // -(-th // most))
    xp = np.zeros((C, 2 * th + 2, 2 * tw + 2), x.dtype)
    v = np.empty((16, C, R * tw), x.dtype)
    dm = np.empty((16, F, R * tw), x.dtype)
    du = np.zeros((16, F, C), x.dtype)
    prod = np.empty_like(du)
    dy = np.ascontiguousarray(dy)
    for b in range(B):
        xp[:, ph:ph + H, pw:pw + W] = x[b]      # the border stays zero
        for ti0 in range(0, th, R):
            ti1 = min(th, ti0 + R)
            t = (ti1 - ti0) * tw
            _grad_band(xp, dy[b], v, dm, ti0, ti1, tw)
            np.matmul(dm[:, :, :t], v[:, :, :t].transpose(0, 2, 1), out=prod)
            du += prod
    return du


_MIN_OUTPUTS = 100   # output positions per image from which Winograd pays


def applicable(x_shape, w_shape, geo, groups, dtype):
    """3x3, stride 1, no dilation, one group, float32, and enough channels and output
    positions to pay: below ~10x10 outputs per image the tile transforms cost more than the
    multiplications saved (measured at 32 images: 7x7 outputs 1.4x slower than im2col,
    2x2 outputs 6x slower; 12x12 and up faster)."""
    kh, kw, sh, sw, ph, pw, dh, dw = geo
    return (kh == 3 and kw == 3 and sh == 1 and sw == 1 and dh == 1 and dw == 1 and groups == 1
            and dtype == np.float32 and x_shape[1] >= 16 and w_shape[0] >= 16
            and x_shape[2] + 2 * ph >= 4 and x_shape[3] + 2 * pw >= 4
            and (x_shape[2] + 2 * ph - 2) * (x_shape[3] + 2 * pw - 2) >= _MIN_OUTPUTS)


# Bytes of V and M (both 16 x channels x tiles) one band of tile rows may take: the
# fused forward keeps a band's transforms and products in L2/L3 instead of streaming
# whole images through memory (OpenBLAS and the micro-kernel both ran the 16 products of
# ResNet's 56x56 layer at ~74 GFLOP/s over whole images, ~100 on bands this size).
BAND_BYTES = 2 << 20


def band_rows(th, tw, C, F):
    """Tile rows per band: the most that fit BAND_BYTES, preferring fewer padded columns
    (a band's tile count is rounded up to whole NR-column panels)."""
    options = []            # (padded share, rows) of every band that fits
    for r in range(1, th + 1):
        t = r * tw
        tp = -(-t // NR) * NR
        if r > 1 and 16 * (C + F) * tp * 4 > BAND_BYTES:
            break
        options.append(((tp - t) / tp, r))
    least = min(w for w, _ in options)
    return max(r for w, r in options if w <= least + 0.02)


@njit(cache=True, nogil=True)
def _conv_bands(x, upan, F, bias, use_bias, out, ph, pw, R, v, m, xp, panel, scratch):
    """The Winograd convolution of x (B, C, H, W) into out, R tile rows at a time: input
    transform, the 16 products on the micro-kernel GEMM (``upan``: U packed per k), output
    transform, while the band's V and M are still in cache."""
    B, C, H, W = x.shape
    oh, ow = out.shape[2], out.shape[3]
    th, tw = (oh + 1) // 2, (ow + 1) // 2
    s = np.empty((4, xp.shape[2]), x.dtype)
    a = np.empty((8, tw), x.dtype)
    row = np.empty(2 * tw, x.dtype)
    for b in range(B):
        xp[:, ph:ph + H, pw:pw + W] = x[b]      # the border stays zero
        for ti0 in range(0, th, R):
            ti1 = min(th, ti0 + R)
            tp = -(-((ti1 - ti0) * tw) // NR) * NR
            _input_rows(xp, v, ti0, ti1, tw, 0, s)
            for k in range(16):
                _gemm2(upan[k], False, F, v[k, :, :tp], m[k, :, :tp], False, panel, scratch)
            _output_rows(m, out[b], ti0, ti1, tw, 0, bias, use_bias, a, row)


def pack_weight(u):
    """U (16, F, C) packed for the micro-kernel, one panel per k (see packed_gemm)."""
    return np.stack([packed_gemm.pack(u[k]) for k in range(16)])


def conv_part(x, u, bias, out, ph, pw, upan=None):
    """Winograd convolution of images x (B, C, H, W) into out (B, F, oh, ow), serially, a
    band of tile rows at a time (``upan``: pack_weight(u), when the caller has it)."""
    B, C, H, W = x.shape
    F = u.shape[1]
    oh, ow = out.shape[2], out.shape[3]
    th, tw = -(-oh // 2), -(-ow // 2)
    R = band_rows(th, tw, C, F)
    tp = -(-(R * tw) // NR) * NR
    use_bias = bias is not None
    bias_arr = bias if use_bias else np.zeros(1, x.dtype)
    if upan is None:
        upan = pack_weight(u)
    # V's padded columns must hold finite numbers (their products are never read): zeros
    v = np.zeros((16, C, tp), x.dtype)
    m = np.empty((16, F, tp), x.dtype)
    xp = np.zeros((C, 2 * th + 2, 2 * tw + 2), x.dtype)
    _conv_bands(np.ascontiguousarray(x), upan, F, bias_arr, use_bias, out, ph, pw, R, v, m, xp,
                *packed_gemm.scratch(C))
