"""Convolution: im2col + BLAS GEMMs (``conv_forward``/``conv_backward``), a direct kernel
for depthwise-like groups, Winograd where it pays, and the kernel-window crop for small maps.

The drivers split the batch into one contiguous part per thread
(``_threads.batch_parallel``); each part runs the serial kernels and single-threaded GEMMs
on its own column buffer (``conv_cols``), chunked so it stays a few MB (cache resident)
whatever the batch size.  Layouts are NCHW (1-D convolutions arrive as NCHW with H == 1);
column layouts are described in ``im2col``.  Shapes are checked by the registry
(``mxlite/ops/nn_conv.py``) before anything here runs.
"""
import numpy as np
from numba import njit

from ._threads import batch_parallel, gemm
from . import packed_gemm, winograd
from .conv_cols import KFIRST_MAX_P, Cols, keeper, to_fbp
from .im2col import _im2col_bkp_valid, _unit, padded, span
from .packed_gemm import _gemm2


@njit(cache=True, nogil=True)
def direct_forward(x, w, out, sh, sw, ph, pw, dh, dw, groups):
    """Direct convolution for few taps per output: out (N, F, oh, ow), no GEMM.

    Each tap adds ``w * shifted input row`` to an output row; rows are views
    starting at their first valid element, so the inner loop vectorises.
    """
    N, C, H, W = x.shape
    F, Cg, kh, kw = w.shape
    oh, ow = out.shape[2], out.shape[3]
    Fg = F // groups
    for nf in range(N * F):
        n = nf // F
        f = nf - n * F
        g = f // Fg
        out[n, f] = 0
        for cc in range(Cg):
            c = g * Cg + cc
            for ky in range(kh):
                for kx in range(kw):
                    wv = w[f, cc, ky, kx]
                    offx = kx * dw - pw
                    lo, hi = span(offx, sw, W, ow)
                    m = hi - lo
                    if m <= 0:
                        continue
                    for oy in range(oh):
                        iy = oy * sh - ph + ky * dh
                        if iy < 0 or iy >= H:
                            continue
                        o = out[n, f, oy, lo:hi]
                        if sw == 1:
                            src = x[n, c, iy, lo + offx:hi + offx]
                            for i in range(m):
                                o[i] += wv * src[i]
                        else:
                            srcs = x[n, c, iy, lo * sw + offx:(hi - 1) * sw + offx + 1:sw]
                            for i in range(m):
                                o[i] += wv * srcs[i]


@njit(cache=True, nogil=True)
def add_channel_bias(out, bias):
    """out (N, F, P) += bias[f]."""
    N, F, P = out.shape
    for nf in range(N * F):
        n = nf // F
        f = nf - n * F
        b = bias[f]
        for p in range(P):
            out[n, f, p] += b


@njit(cache=True, nogil=True, fastmath=True)
def _channel_sum(dy, acc, zero):
    N, F, P = dy.shape
    for f in range(F):
        s = 0.0
        for n in range(N):
            t = zero
            for p in range(P):
                t += dy[n, f, p]
            s += t
        acc[f] += s


def channel_sum(dy, acc):
    """acc[f] += sum over n, p of dy (N, F, P).

    Each (n, f) row is summed in dy's precision with reordered (vector) partial
    sums, the rows in acc's: 13x faster than a float64 scalar loop on
    LeNet's first layer, with the accuracy of a pairwise sum.
    """
    _channel_sum(dy, acc, dy.dtype.type(0))




def _is_pointwise(geo):
    kh, kw, sh, sw, ph, pw, dh, dw = geo
    return kh == 1 and kw == 1 and sh == 1 and sw == 1 and ph == 0 and pw == 0


def _flip_ok(geo, groups, P):
    """Whether conv_backward computes dx as a convolution (stride 1, large images)."""
    kh, kw, sh, sw, ph, pw, dh, dw = geo
    return (groups == 1 and sh == 1 and sw == 1 and P >= KFIRST_MAX_P and not _is_pointwise(geo)
            and ph <= dh * (kh - 1) and pw <= dw * (kw - 1))


def use_direct(x_shape, w_shape, groups):
    """The direct kernel wins for grouped convolutions whose per-group GEMMs
    would be tiny (depthwise-like); otherwise im2col + one GEMM per chunk does
    (measured: LeNet's 1-channel 5x5 layer runs 4x faster through im2col)."""
    Cg, kh, kw = w_shape[1], w_shape[2], w_shape[3]
    return groups > 1 and Cg * kh * kw <= 32



def _use_per_image(P):
    """Columns laid out per image (B, K, P) from 8x8 outputs per image, else K-first."""
    return P >= _PER_IMAGE_MIN_P


# Below this many output columns (images x positions) in the whole batch, threads split
# each GEMM's rows instead of the batch: halving an already narrow product (ResNet's last
# stages on small images, N*P = 32..128) made the 2-thread run slower than 1 thread, and
# the weight gradient's inner dimension is exactly those columns.
_NARROW_COLS = 256
_PER_IMAGE_MIN_P = 64     # output positions per image from which forward GEMMs go per image


def _image_mm(a, b, out):
    """out (nb, m, P) = a @ b per image (a of batch 1 broadcast): the per-image layout's
    products, on the micro-kernel GEMM for float32 (measured on LeNet's second layer:
    forward 2.8 -> 2.1 ms, data gradient's columns 2.4 -> 2.0 ms per 64 images, where
    OpenBLAS ran 55-85 GFLOP/s on these short products)."""
    if out.dtype == np.float32 and a.dtype == np.float32 and b.dtype == np.float32:
        return packed_gemm.matmul(a, b, out)
    return np.matmul(a, b, out=out)


@njit(cache=True, nogil=True)
def _valid_forward(x, apanel, F, cols, out3, kh, kw, oh, ow, panel, scratch):
    """out3[b] (F, P) = W . im2col(x[b]) image by image, for unit-stride unpadded
    undilated layers: each image's columns go into ``cols[b]`` (the kept buffer) or, when
    ``cols`` holds one image, into that one -- and are multiplied while still in cache.

    Through whole-batch columns LeNet's first layer wrote and read back 3.7 MB per call
    and did not speed up on a second thread (memory-bound: 0.58 ms on 1 thread, 0.57 on 2).
    """
    for b in range(x.shape[0]):
        cb = cols[b:b + 1] if cols.shape[0] > 1 else cols
        _im2col_bkp_valid(x[b:b + 1], cb, kh, kw, oh, ow)
        _gemm2(apanel, False, F, cb[0], out3[b], False, panel, scratch)


def _plain_mm(a, b, out=None):
    return np.matmul(a, b) if out is None else np.matmul(a, b, out=out)


def _split_mm(a, b, out=None):
    """a @ b with the rows of ``a`` split across threads (``_threads.gemm``)."""
    if out is None:
        out = np.empty((a.shape[0], b.shape[1]), np.result_type(a, b))
    return gemm(a, b, out)


def _run_parts(part, N, P, gemm_based=True):
    """Run ``part(n0, n1, mm)`` over the batch: split across threads (batch_parallel),
    or in one call whose GEMMs split their rows when the batch is narrow."""
    if gemm_based and N * P < _NARROW_COLS:
        return [part(0, N, _split_mm)]
    return batch_parallel(lambda n0, n1: part(n0, n1, _plain_mm), N)



def _tap_range(k, s, p, d, n, o):
    """First and last kernel taps (along one axis) that reach the input for some output
    position; None when no tap does."""
    first = last = None
    for t in range(k):
        # output positions o_ with 0 <= o_ * s - p + t * d <= n - 1
        lo = max(0, -(-(p - t * d) // s))
        hi = min(o - 1, (n - 1 + p - t * d) // s)
        if lo <= hi:
            first = t if first is None else first
            last = t
    return None if first is None else (first, last)


def _cropped(x_shape, w_shape, geo, oh, ow):
    """Taps that only ever see padding contribute nothing: ``((ky0, ky1, kx0, kx1), geo)``
    of the kernel window that does, or None when it is the whole kernel.

    Small feature maps under wide padding hit this (a 3x3 pad-1 convolution of
    1x1 images uses its centre tap only: 9x fewer multiply-adds, as ResNet's
    last stage on CIFAR-sized inputs has).
    """
    kh, kw, sh, sw, ph, pw, dh, dw = geo
    ry = _tap_range(kh, sh, ph, dh, x_shape[2], oh)
    rx = _tap_range(kw, sw, pw, dw, x_shape[3], ow)
    if ry is None or rx is None or (ry == (0, kh - 1) and rx == (0, kw - 1)):
        return None
    (y0, y1), (x0, x1) = ry, rx
    if y0 * dh > ph or x0 * dw > pw:      # would need a negative padding
        return None
    return (y0, y1 + 1, x0, x1 + 1), (y1 - y0 + 1, x1 - x0 + 1, sh, sw, ph - y0 * dh,
                                      pw - x0 * dw, dh, dw)


def _window_taps(kh, kw, y0, y1, x0, x1):
    """Flat indices (ky * kw + kx) of the kernel taps in rows y0:y1, columns x0:x1."""
    return (np.arange(y0, y1)[:, None] * kw + np.arange(x0, x1)[None, :]).ravel()


def _crop_weight(w, y0, y1, x0, x1):
    """Contiguous w[:, :, y0:y1, x0:x1].  A gather of whole taps: numpy's strided copy of
    these few-element runs took 1.4 ms for ResNet's 512x256x3x3 weight (3.4x slower, as
    long as the GEMM it feeds)."""
    F, C, kh, kw = w.shape
    taps = _window_taps(kh, kw, y0, y1, x0, x1)
    w2d = w.reshape(F * C, kh * kw)
    if taps.size == 1:          # one tap (1x1 maps): a strided column copy is fastest
        return np.ascontiguousarray(w2d[:, taps[0]]).reshape(F, C, 1, 1)
    # np.take, not w2d[:, taps]: fancy indexing returns a column-major result here
    return np.take(w2d, taps, axis=1).reshape(F, C, y1 - y0, x1 - x0)


def _uncrop_grad(dwc, dw_out, y0, y1, x0, x1):
    """dw_out = dwc inside the window, zero outside (taps that only see padding)."""
    F, C, kh, kw = dw_out.shape
    if not dw_out.flags.c_contiguous:       # reshape would copy: fill a temporary
        tmp = np.empty(dw_out.shape, dw_out.dtype)
        _uncrop_grad(dwc, tmp, y0, y1, x0, x1)
        dw_out[...] = tmp
        return
    flat = dw_out.reshape(F * C, kh * kw)
    flat[...] = 0
    flat[:, _window_taps(kh, kw, y0, y1, x0, x1)] = dwc.reshape(F * C, -1)


def conv_forward(x, w, bias, out, geo, groups, keep=None):
    """out (N, F, oh, ow) = conv(x (N, C, H, W), w (F, C/g, kh, kw)) + bias.

    ``keep``: a dict that lives until this call's backward (the operator's
    ``ctx.state`` in training), where the im2col columns are kept for it.
    """
    crop = _cropped(x.shape, w.shape, geo, out.shape[2], out.shape[3])
    if crop is not None:
        (y0, y1, x0, x1), geo = crop
        w = _crop_weight(w, y0, y1, x0, x1)
    return _conv_forward(x, w, bias, out, geo, groups, keep)


def _conv_forward(x, w, bias, out, geo, groups, keep=None):
    N, C = x.shape[0], x.shape[1]
    F = w.shape[0]
    kh, kw, sh, sw, ph, pw, dh, dw = geo
    oh, ow = out.shape[2], out.shape[3]
    P = oh * ow
    out3 = out.reshape(N, F, P)
    Fg, Cg = F // groups, C // groups
    Kg = Cg * kh * kw
    wm = w.reshape(groups, Fg, Kg)
    direct = use_direct(x.shape, w.shape, groups)
    pointwise = _is_pointwise(geo) and P >= KFIRST_MAX_P
    wino = winograd.applicable(x.shape, w.shape, geo, groups, x.dtype)
    u = winograd.transform_weight(w) if wino else None
    upan = winograd.pack_weight(u) if wino else None
    per_image = _use_per_image(P)
    kc = None
    if not (wino or direct or pointwise):
        kc = keeper(keep, (x.shape, x.dtype, w.shape, geo, groups), N * C * kh * kw * P * x.itemsize)
    elif keep is not None:
        keep.pop('cols', None)
    # unit-stride unpadded layers in the per-image layout: unfold and multiply per image
    fused = (not (wino or direct or pointwise) and per_image and groups == 1
             and _unit(sh, sw, dh, dw) and x.dtype == np.float32 and w.dtype == np.float32)
    if fused:
        apanel = packed_gemm.pack(wm[0])
        xc = padded(x, ph, pw)

    def part(n0, n1, mm):
        if wino:
            winograd.conv_part(x[n0:n1], u, bias, out[n0:n1], ph, pw, upan)
            return
        if direct:
            direct_forward(x[n0:n1], w, out[n0:n1], sh, sw, ph, pw, dh, dw, groups)
        elif pointwise:
            x3 = x.reshape(N, C, P)
            for g in range(groups):
                np.matmul(wm[g], x3[n0:n1, g * Cg:(g + 1) * Cg], out=out3[n0:n1, g * Fg:(g + 1) * Fg])
        else:
            # from 8x8 outputs per image, per-image GEMMs written straight into the output
            # beat one GEMM over the chunk plus a transposition (measured: LeNet's first
            # layer 2.5x, its second 15%, ResNet's 8x8..28x28 layers 3-6% faster; below
            # 8x8 the per-image products get too narrow and the chunk GEMM wins)
            K, nb = C * kh * kw, n1 - n0
            buf = None
            if kc is not None:
                buf = kc.buffer(n0, n1, (nb, K, P) if per_image else (K, nb, P), x.dtype)
            if fused:
                _valid_forward(xc[n0:n1], apanel, F, buf if buf is not None else
                               np.empty((1, K, P), np.float32), out3[n0:n1], kh, kw, oh, ow,
                               *packed_gemm.scratch(K))
                if buf is not None:
                    kc.done(n0, n1)
                if bias is not None:
                    add_channel_bias(out3[n0:n1], bias)
                return
            cols = Cols(nb, K, P, x.dtype, kfirst=not per_image, buf=buf)
            for b0 in range(n0, n1, cols.bs):
                b1 = min(n1, b0 + cols.bs)
                cb = cols.chunk(b1 - b0)
                cols.im2col(x[b0:b1], cb, geo, oh, ow)
                for g in range(groups):
                    rows = cols.rows(cb, g * Kg, (g + 1) * Kg)
                    if cols.kfirst and Fg <= 32:
                        # few filters: OpenBLAS runs the transposed product faster (measured
                        # 1.4x on LeNet's first layer)
                        res = mm(rows.T, wm[g].T).reshape(b1 - b0, P, Fg)
                        out3[b0:b1, g * Fg:(g + 1) * Fg] = res.transpose(0, 2, 1)
                    elif cols.kfirst:
                        res = mm(wm[g], rows).reshape(Fg, b1 - b0, P)
                        out3[b0:b1, g * Fg:(g + 1) * Fg] = res.transpose(1, 0, 2)
                    else:
                        _image_mm(wm[g], rows, out3[b0:b1, g * Fg:(g + 1) * Fg])
            if buf is not None:
                kc.done(n0, n1)
        if bias is not None:
            add_channel_bias(out3[n0:n1], bias)

    _run_parts(part, N, P, gemm_based=not (wino or direct))
    return out


def conv_backward(x, w, dy, dx, dw_out, db, geo, groups, kept=None):
    """Gradients of conv_forward; ``dx``/``dw_out``/``db`` may be None (not wanted).

    ``kept``: the forward's ``keep`` dict; its columns, when they match, save an im2col.
    """
    kc = None if kept is None else kept.get('cols')
    crop = _cropped(x.shape, w.shape, geo, dy.shape[2], dy.shape[3])
    if crop is None:
        return _conv_backward(x, w, dy, dx, dw_out, db, geo, groups, kc)
    (y0, y1, x0, x1), geo = crop
    wc = _crop_weight(w, y0, y1, x0, x1)
    dwc = None if dw_out is None else np.empty(wc.shape, dw_out.dtype)
    _conv_backward(x, wc, dy, dx, dwc, db, geo, groups, kc)
    if dw_out is not None:
        _uncrop_grad(dwc, dw_out, y0, y1, x0, x1)


# Output positions per image up to which the weight gradient runs on the micro-kernel GEMM
# (columns read in place, dy transposed once): 15-20% faster than OpenBLAS on 8x8 maps
# (LeNet's second layer 3.65 -> 3.0 ms per 64 images, ResNet's 8x8 layers 17.5 -> 14.9
# ms), level from 16x16 maps on.
_PG_WEIGHT_GRAD_MAX_P = 128


def _weight_grad_per_image(dyb, rows, acc):
    """acc (Fg, Kg) += sum over images of dy (nb, Fg, P) . cols (nb, Kg, P)^T.

    Few filters and taps (LeNet's first layer: 20 x 25): one batched product and a
    sum, 3.9x faster than a K-first GEMM with a 37k-long inner dimension; small maps
    in float32: the micro-kernel GEMM, dW^T = cols . dy^T over the whole batch in one call;
    otherwise one (Kg, Fg) GEMM per image into a running sum (the batched temporary
    would be MBs; that orientation ran 1.2-1.3x faster in OpenBLAS than (Fg, Kg)).
    """
    nb, Fg, P = dyb.shape
    Kg = rows.shape[1]
    if nb * Fg * Kg <= 1 << 18:
        acc += np.matmul(dyb, rows.transpose(0, 2, 1)).sum(axis=0)
        return
    if P <= _PG_WEIGHT_GRAD_MAX_P and rows.dtype == np.float32 and dyb.dtype == np.float32:
        # dy^T's rows padded to whole micro-kernel panels (zeros: their products are dropped)
        fp = -(-Fg // packed_gemm.NR) * packed_gemm.NR
        dyt = np.zeros((nb, P, fp), np.float32) if fp != Fg else np.empty((nb, P, fp), np.float32)
        dyt[:, :, :Fg] = dyb.transpose(0, 2, 1)
        dwt = np.empty((Kg, fp), np.float32)
        packed_gemm.matmul(rows, dyt, dwt, a_in_place=True)
        acc += dwt[:, :Fg].T
        return
    tot = np.matmul(rows[0], dyb[0].T)
    tmp = np.empty_like(tot)
    for b in range(1, nb):
        np.matmul(rows[b], dyb[b].T, out=tmp)
        tot += tmp
    acc += tot.T


def _conv_backward(x, w, dy, dx, dw_out, db, geo, groups, kc=None):
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
    if dx is not None and _flip_ok(geo, groups, P):
        # stride 1: the data gradient is a convolution of dy with the flipped,
        # transposed kernel -- one GEMM and an im2col instead of a GEMM and a col2im
        wflip = np.ascontiguousarray(w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3))
        conv_forward(dy3.reshape(dy.shape), wflip, None, dx,
                     (kh, kw, 1, 1, dh * (kh - 1) - ph, dw * (kw - 1) - pw, dh, dw), 1)
        dx = None
    if dw_out is not None and winograd.applicable(x.shape, w.shape, geo, groups, x.dtype):
        parts = batch_parallel(lambda n0, n1: winograd.weight_grad_part(
            x[n0:n1], dy3.reshape(dy.shape)[n0:n1], ph, pw), N)
        du = parts[0]
        for p in parts[1:]:
            du += p
        dw_out[...] = winograd.weight_grad_from(du)
        dw_out = None
    if dx is None and dw_out is None:
        return
    pointwise = _is_pointwise(geo) and P >= KFIRST_MAX_P
    # the forward's layout, so its kept columns fit (per image from 8x8 outputs: the data
    # gradient's columns then need no transposed dy either, measured 1.1-3x faster)
    per_image = _use_per_image(P)
    key = (x.shape, x.dtype, w.shape, geo, groups)

    def part(n0, n1, mm):
        dwp = np.zeros((groups, Fg, Kg), dtype=x.dtype) if dw_out is not None else None
        if pointwise:
            x3 = x.reshape(N, C, P)
            for g in range(groups):
                dyg = dy3[n0:n1, g * Fg:(g + 1) * Fg]
                if dwp is not None:
                    dwp[g] = np.matmul(dyg, x3[n0:n1, g * Cg:(g + 1) * Cg].transpose(0, 2, 1)).sum(axis=0)
                if dx is not None:
                    np.matmul(wm[g].T, dyg, out=dx.reshape(N, C, P)[n0:n1, g * Cg:(g + 1) * Cg])
            return dwp
        nb = n1 - n0
        have = None if kc is None else kc.take(key, n0, n1)
        cols = Cols(nb, C * kh * kw, P, x.dtype, kfirst=not per_image, buf=have)
        for b0 in range(n0, n1, cols.bs):
            b1 = min(n1, b0 + cols.bs)
            cb = cols.chunk(b1 - b0)
            dyb = dy3[b0:b1]
            dyf = to_fbp(dyb) if cols.kfirst else None
            if dwp is not None:
                if have is None:
                    cols.im2col(x[b0:b1], cb, geo, oh, ow)
                for g in range(groups):
                    rows = cols.rows(cb, g * Kg, (g + 1) * Kg)
                    if cols.kfirst:
                        dwp[g] += mm(dyf[g * Fg:(g + 1) * Fg], rows.T)
                    else:
                        _weight_grad_per_image(dyb[:, g * Fg:(g + 1) * Fg], rows, dwp[g])
            if dx is not None:
                for g in range(groups):
                    rows = cols.rows(cb, g * Kg, (g + 1) * Kg)
                    if cols.kfirst:
                        mm(wm[g].T, dyf[g * Fg:(g + 1) * Fg], out=rows)
                    else:
                        _image_mm(wm[g].T, dyb[:, g * Fg:(g + 1) * Fg], rows)
                cols.col2im(cb, dx[b0:b1], geo, oh, ow)
        return dwp

    parts = _run_parts(part, N, P)
    if dw_out is not None:
        total = parts[0]
        for p in parts[1:]:
            total += p
        dw_out[...] = total.reshape(dw_out.shape)
