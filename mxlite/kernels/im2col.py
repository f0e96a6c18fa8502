"""Unfolding images into convolution columns (im2col) and folding them back (col2im).

``col`` rows are ``(c * kh + ky) * kw + kx``: input channel ``c`` seen through kernel
tap ``(ky, kx)`` at every output position, in one of two layouts -- K-first
``(C*kh*kw, B, oh*ow)`` (one GEMM over a chunk of images) or per image
``(B, C*kh*kw, oh*ow)`` (one GEMM per image).  Padding taps read as zero.
"""
import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def span(off, stride, size, n_out):
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


# inline='always': called per tap from the four kernels below, as a real call it ran
# 15-40% slower (measured on LeNet's and ResNet's shapes); inlined it matches the
# hand-written loops
@njit(cache=True, nogil=True, inline='always')
def _unfold_tap(plane, dst, ky, kx, sh, sw, ph, pw, dh, dw, oh, ow):
    """dst (oh*ow,) <- one input plane (H, W) seen through tap (ky, kx); zero where the tap
    falls in the padding.

    One short output row at a time with a per-element bounds test: LLVM
    vectorises this form (a masked select), measured 1.2-1.7x faster than
    numpy's strided window copy and faster than splitting each row into
    padding and interior loops (or flat indexing, or clamped loads).
    """
    H, W = plane.shape
    for oy in range(oh):
        iy = oy * sh - ph + ky * dh
        d = dst[oy * ow:(oy + 1) * ow]
        if iy < 0 or iy >= H:
            d[:] = 0
            continue
        src = plane[iy]
        for ox in range(ow):
            ix = ox * sw - pw + kx * dw
            if ix >= 0 and ix < W:
                d[ox] = src[ix]
            else:
                d[ox] = 0


@njit(cache=True, nogil=True, inline='always')
def _fold_tap(src, plane, ky, kx, sh, sw, ph, pw, dh, dw, oh, ow):
    """plane (H, W) += src (oh*ow,) added back through tap (ky, kx) (padding dropped).

    Each image's plane stays in L1 while its taps add: 3.5-4.5x faster than one
    strided numpy add per tap (measured on LeNet's and ResNet's shapes).
    """
    H, W = plane.shape
    for oy in range(oh):
        iy = oy * sh - ph + ky * dh
        if iy < 0 or iy >= H:
            continue
        s = src[oy * ow:(oy + 1) * ow]
        d = plane[iy]
        for ox in range(ow):
            ix = ox * sw - pw + kx * dw
            if ix >= 0 and ix < W:
                d[ix] += s[ox]


# The two layouts differ only in which of (row, image) is outermost in ``col``; each runs
# its loops in its own memory order (through a transposed view the other ran 4x slower).

@njit(cache=True, nogil=True)
def _im2col_kbp(x, col, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow):
    """col (C*kh*kw, B, oh*ow) <- x (B, C, H, W)."""
    B, C = x.shape[0], x.shape[1]
    for c in range(C):
        for ky in range(kh):
            for kx in range(kw):
                row = (c * kh + ky) * kw + kx
                for b in range(B):
                    _unfold_tap(x[b, c], col[row, b], ky, kx, sh, sw, ph, pw, dh, dw, oh, ow)


@njit(cache=True, nogil=True)
def _col2im_kbp(col, x, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow):
    """x (B, C, H, W) = the sum of col (C*kh*kw, B, oh*ow) folded back (overwrites x)."""
    B, C = x.shape[0], x.shape[1]
    x[...] = 0
    for c in range(C):
        for ky in range(kh):
            for kx in range(kw):
                row = (c * kh + ky) * kw + kx
                for b in range(B):
                    _fold_tap(col[row, b], x[b, c], ky, kx, sh, sw, ph, pw, dh, dw, oh, ow)


@njit(cache=True, nogil=True)
def _im2col_bkp(x, col, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow):
    """col (B, C*kh*kw, oh*ow) <- x (B, C, H, W), image outermost."""
    B, C = x.shape[0], x.shape[1]
    for b in range(B):
        for c in range(C):
            for ky in range(kh):
                for kx in range(kw):
                    row = (c * kh + ky) * kw + kx
                    _unfold_tap(x[b, c], col[b, row], ky, kx, sh, sw, ph, pw, dh, dw, oh, ow)


@njit(cache=True, nogil=True)
def _col2im_bkp(col, x, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow):
    """x (B, C, H, W) = col (B, C*kh*kw, oh*ow) folded back (overwrites x), image outermost."""
    B, C = x.shape[0], x.shape[1]
    x[...] = 0
    for b in range(B):
        for c in range(C):
            for ky in range(kh):
                for kx in range(kw):
                    row = (c * kh + ky) * kw + kx
                    _fold_tap(col[b, row], x[b, c], ky, kx, sh, sw, ph, pw, dh, dw, oh, ow)


# Unit stride, no padding, no dilation (LeNet's layers, any "valid" convolution; padded
# ones after ``padded``): every output row of a tap is a straight copy of an input row
# segment.  Without the per-element bounds test of the tap helpers above, LLVM emits plain
# vector moves: the whole forward of LeNet's second layer 3.24 -> 2.56 ms, its first 0.70
# -> 0.56 ms per 64 images; ResNet's 8x8 pad-1 layers through the padded copy: forward
# 2.6-2.9 -> 1.8-2.2 ms, backward 4.7 -> 3.6-4.3 ms (in-process A/B).  Handling padding
# inside these loops (zeroed row ends, skipped rows) measured slower than the bounds-tested
# helpers: padded layers copy into a padded buffer first instead.

@njit(cache=True, nogil=True, inline='always')
def _copy_window(plane, dst, ky, kx, oh, ow):
    """dst (oh*ow,) <- the oh x ow window of ``plane`` at (ky, kx), row by row."""
    for oy in range(oh):
        src = plane[oy + ky, kx:kx + ow]
        d = dst[oy * ow:(oy + 1) * ow]
        for ox in range(ow):
            d[ox] = src[ox]


@njit(cache=True, nogil=True, inline='always')
def _add_window(src, plane, ky, kx, oh, ow):
    """The oh x ow window of ``plane`` at (ky, kx) += src (oh*ow,), row by row."""
    for oy in range(oh):
        d = plane[oy + ky, kx:kx + ow]
        s = src[oy * ow:(oy + 1) * ow]
        for ox in range(ow):
            d[ox] += s[ox]


# Each layout walks its loops in its own memory order, as the bounds-tested kernels do.

@njit(cache=True, nogil=True)
def _im2col_bkp_valid(x, col, kh, kw, oh, ow):
    """col (B, C*kh*kw, oh*ow) <- x (B, C, H, W), stride 1, no padding or dilation."""
    B, C = x.shape[0], x.shape[1]
    for b in range(B):
        for c in range(C):
            for ky in range(kh):
                for kx in range(kw):
                    _copy_window(x[b, c], col[b, (c * kh + ky) * kw + kx], ky, kx, oh, ow)


@njit(cache=True, nogil=True)
def _col2im_bkp_valid(col, x, kh, kw, oh, ow):
    """x (B, C, H, W) = col (B, C*kh*kw, oh*ow) folded back, stride 1, no padding or
    dilation (overwrites x)."""
    B, C = x.shape[0], x.shape[1]
    x[...] = 0
    for b in range(B):
        for c in range(C):
            for ky in range(kh):
                for kx in range(kw):
                    _add_window(col[b, (c * kh + ky) * kw + kx], x[b, c], ky, kx, oh, ow)


@njit(cache=True, nogil=True)
def _im2col_kbp_valid(x, col, kh, kw, oh, ow):
    """col (C*kh*kw, B, oh*ow) <- x (B, C, H, W), stride 1, no padding or dilation."""
    B, C = x.shape[0], x.shape[1]
    for c in range(C):
        for ky in range(kh):
            for kx in range(kw):
                for b in range(B):
                    _copy_window(x[b, c], col[(c * kh + ky) * kw + kx, b], ky, kx, oh, ow)


@njit(cache=True, nogil=True)
def _col2im_kbp_valid(col, x, kh, kw, oh, ow):
    """x (B, C, H, W) = col (C*kh*kw, B, oh*ow) folded back, stride 1, no padding or
    dilation (overwrites x)."""
    B, C = x.shape[0], x.shape[1]
    x[...] = 0
    for c in range(C):
        for ky in range(kh):
            for kx in range(kw):
                for b in range(B):
                    _add_window(col[(c * kh + ky) * kw + kx, b], x[b, c], ky, kx, oh, ow)


def _unit(sh, sw, dh, dw):
    """Unit stride, no dilation: padded layers take the valid kernels on a padded copy."""
    return sh == sw == 1 and dh == dw == 1


def padded(x, ph, pw):
    """x (B, C, H, W) with ph rows and pw columns of zeros on each side (x itself if none).

    The copy costs (H + 2 ph)(W + 2 pw) per plane against the kh kw H W of the columns
    unfolded from it, and lets padded unit-stride layers (ResNet's 3x3 pad-1) use the
    straight-copy kernels instead of the per-element bounds test.
    """
    if ph == 0 and pw == 0:
        return np.ascontiguousarray(x)
    B, C, H, W = x.shape
    xp = np.zeros((B, C, H + 2 * ph, W + 2 * pw), x.dtype)
    xp[:, :, ph:ph + H, pw:pw + W] = x
    return xp


def im2col(x, col, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, kfirst):
    """Unfold ``x`` (B, C, H, W) into ``col``: (B, C*kh*kw, oh*ow), or
    (C*kh*kw, B, oh*ow) when ``kfirst`` (one GEMM for the whole chunk)."""
    B, K = x.shape[0], x.shape[1] * kh * kw
    if _unit(sh, sw, dh, dw):
        fn = _im2col_kbp_valid if kfirst else _im2col_bkp_valid
        fn(padded(x, ph, pw), col.reshape((K, B, oh * ow) if kfirst else (B, K, oh * ow)),
           kh, kw, oh, ow)
        return
    fn = _im2col_kbp if kfirst else _im2col_bkp
    fn(np.ascontiguousarray(x), col.reshape((K, B, oh * ow) if kfirst else (B, K, oh * ow)),
       kh, kw, sh, sw, ph, pw, dh, dw, oh, ow)


def col2im(col, x, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, kfirst):
    """Fold ``col`` (layout as in im2col) back into ``x`` (B, C, H, W), overwriting it."""
    B, K = x.shape[0], x.shape[1] * kh * kw
    c3 = col.reshape((K, B, oh * ow) if kfirst else (B, K, oh * ow))
    dst = x if x.flags.c_contiguous else np.empty(x.shape, x.dtype)
    if _unit(sh, sw, dh, dw):
        fold = _col2im_kbp_valid if kfirst else _col2im_bkp_valid
        if ph or pw:            # fold into a padded buffer, keep its interior
            H, W = x.shape[2], x.shape[3]
            xp = np.empty((B, x.shape[1], H + 2 * ph, W + 2 * pw), x.dtype)
            fold(c3, xp, kh, kw, oh, ow)
            x[...] = xp[:, :, ph:ph + H, pw:pw + W]
            return
        fold(c3, dst, kh, kw, oh, ow)
    else:
        fn = _col2im_kbp if kfirst else _col2im_bkp
        fn(c3, dst, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow)
    if dst is not x:
        x[...] = dst
