"""Transposed convolution (Deconvolution): the data gradient of a convolution, run as
GEMMs into columns and a col2im, and its gradients."""
import numpy as np

from ._threads import batch_parallel
from .conv import add_channel_bias, channel_sum
from .conv_cols import Cols, to_fbp


def _dims(x, w, geo, groups):
    """(N, C, H, W, F, Cg, K, Kg, P, x3, wm) of a deconvolution: F output channels, K = F kh
    kw column rows (Kg per group), P = H W input positions, x as (N, C, P), w as (groups,
    Cg, Kg)."""
    N, C, H, W = x.shape
    Fg, kh, kw = w.shape[1], geo[0], geo[1]
    Cg = C // groups
    Kg = Fg * kh * kw
    return (N, C, H, W, Fg * groups, Cg, Kg * groups, Kg, H * W,
            np.ascontiguousarray(x).reshape(N, C, H * W), w.reshape(groups, Cg, Kg))


def deconv_forward(x, w, bias, out, geo, groups):
    """Transposed convolution: out (N, F, OH, OW) from x (N, C, H, W), w (C, F/g, kh, kw).

    It is the data-gradient of the convolution mapping ``out`` to ``x``.
    """
    N, C, H, W, F, Cg, K, Kg, P, x3, wm = _dims(x, w, geo, groups)

    def part(n0, n1):
        cols = Cols(n1 - n0, K, P, x.dtype)
        for b0 in range(n0, n1, cols.bs):
            b1 = min(n1, b0 + cols.bs)
            cb = cols.chunk(b1 - b0)
            xf = to_fbp(x3[b0:b1]) if cols.kfirst else None
            for g in range(groups):
                rows = cols.rows(cb, g * Kg, (g + 1) * Kg)
                src = xf[g * Cg:(g + 1) * Cg] if cols.kfirst else x3[b0:b1, g * Cg:(g + 1) * Cg]
                np.matmul(wm[g].T, src, out=rows)
            cols.col2im(cb, out[b0:b1], geo, H, W)
        if bias is not None:
            add_channel_bias(out[n0:n1].reshape(n1 - n0, F, -1), bias)

    batch_parallel(part, N)
    return out


def deconv_backward(x, w, dy, dx, dw_out, db, geo, groups):
    """Gradients of deconv_forward (dy has the deconvolution's output shape)."""
    N, C, H, W, F, Cg, K, Kg, P, x3, wm = _dims(x, w, geo, groups)
    dy = np.ascontiguousarray(dy)
    if db is not None:
        acc = np.zeros(F, dtype=np.float64)
        channel_sum(dy.reshape(N, F, -1), acc)
        db[...] = acc
    if dx is None and dw_out is None:
        return
    dx3 = dx.reshape(N, C, P) if dx is not None else None

    def part(n0, n1):
        dwp = np.zeros((groups, Cg, Kg), dtype=x.dtype) if dw_out is not None else None
        cols = Cols(n1 - n0, K, P, x.dtype)
        for b0 in range(n0, n1, cols.bs):
            b1 = min(n1, b0 + cols.bs)
            nb = b1 - b0
            cb = cols.chunk(nb)
            cols.im2col(dy[b0:b1], cb, geo, H, W)
            xf = to_fbp(x3[b0:b1]) if cols.kfirst else None
            for g in range(groups):
                rows = cols.rows(cb, g * Kg, (g + 1) * Kg)
                if cols.kfirst:
                    if dx3 is not None:
                        res = np.matmul(wm[g], rows).reshape(Cg, nb, P)
                        dx3[b0:b1, g * Cg:(g + 1) * Cg] = res.transpose(1, 0, 2)
                    if dwp is not None:
                        dwp[g] += np.matmul(xf[g * Cg:(g + 1) * Cg], rows.T)
                else:
                    if dx3 is not None:
                        np.matmul(wm[g], rows, out=dx3[b0:b1, g * Cg:(g + 1) * Cg])
                    if dwp is not None:
                        dwp[g] += np.matmul(x3[b0:b1, g * Cg:(g + 1) * Cg],
                                            rows.transpose(0, 2, 1)).sum(axis=0)
        return dwp

    parts = batch_parallel(part, N)
    if dw_out is not None:
        total = parts[0]
        for p in parts[1:]:
            total += p
        dw_out[...] = total.reshape(dw_out.shape)
