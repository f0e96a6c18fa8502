"""Softmax family kernels over (outer, n, inner) views, reducing over ``n``.

``inner == 1`` (the last axis) is the fast path: one contiguous row per
outer index.  Otherwise each outer block keeps per-``inner`` running values
so memory is still walked contiguously.  ``lens`` (outer, inner) limits the
reduction to the first ``lens[o, j]`` entries (softmax's ``use_length``);
entries past it are 0.  Rows are independent, so outer blocks run in
parallel.  ``sign`` is -1 for softmin.
"""
import math

import numpy as np
from numba import njit

from . import _threads


def _rows_numpy(c, log):
    """softmax/log_softmax of c * x over the last axis of 2-D pieces, with numpy's SIMD exp."""
    def fn(x, y):
        if c == 1.0:
            np.copyto(y, x)
        else:
            np.multiply(x, y.dtype.type(c), out=y)
        y -= y.max(axis=1, keepdims=True)
        if log:
            t = np.exp(y)
            y -= np.log(t.sum(axis=1, keepdims=True))
        else:
            np.exp(y, out=y)
            y /= y.sum(axis=1, keepdims=True)
    return fn


def forward(x, y, inv_t, sign, log, lens, use_len):
    """Softmax of (O, N, I) x into y; rows (I == 1, no lengths) go through numpy."""
    if x.shape[2] == 1 and not use_len:
        _threads.split(_rows_numpy(sign * inv_t, log), [x[:, :, 0], y[:, :, 0]])
        return
    _threads.call(softmax_forward, x.size, x, y, inv_t, sign, log, lens, use_len)


def _rows_backward_numpy(scale, log):
    """dx of softmax/log_softmax over the last axis of 2-D pieces (numpy's SIMD loops and
    pairwise sums: 3x faster than the scalar kernel on (128, 1000)); softmax itself takes
    the fused fastmath kernel below, log_softmax keeps numpy's vectorised exp."""
    def fn(y, g, dx):
        if log:
            np.exp(y, out=dx)
            dx *= g.sum(axis=1, keepdims=True)
            np.subtract(g, dx, out=dx)
        else:
            np.multiply(g, y, out=dx)
            acc = dx.sum(axis=1, keepdims=True)
            np.subtract(g, acc, out=dx)
            dx *= y
        if scale != 1.0:
            dx *= dx.dtype.type(scale)
    return fn


@njit(cache=True, nogil=True, fastmath=True)
def _rows_backward(y, g, dx, scale):
    """dx = scale * y * (g - sum(g * y)) row by row: one fused pass for the dot, one for
    the result (fastmath lets LLVM vectorise the sum; 4x faster than numpy's four passes
    on (128, 1000): 117 -> 30 us)."""
    for r in range(y.shape[0]):
        yr = y[r]
        gr = g[r]
        d = dx[r]
        acc = yr.dtype.type(0)
        for k in range(yr.shape[0]):
            acc += gr[k] * yr[k]
        for k in range(yr.shape[0]):
            d[k] = scale * yr[k] * (gr[k] - acc)


def backward(y, g, dx, scale, log, lens, use_len):
    if y.shape[2] == 1 and not use_len:
        if not log:
            _threads.split(lambda ys, gs, ds: _rows_backward(ys, gs, ds, ys.dtype.type(scale)),
                           [y[:, :, 0], g[:, :, 0], dx[:, :, 0]])
            return
        _threads.split(_rows_backward_numpy(scale, log), [y[:, :, 0], g[:, :, 0], dx[:, :, 0]])
        return
    _threads.call(softmax_backward, y.size, y, g, dx, scale, log, lens, use_len)


@njit(cache=True, nogil=True)
def softmax_forward(x, y, inv_t, sign, log, lens, use_len):
    """General case (an inner axis, or lengths): per (outer, inner) position,
    over the first lens entries of n.  Serial: the common last-axis case goes
    through numpy, and this one is rarely large."""
    O, N, I = x.shape
    m = np.empty(I)
    s = np.empty(I)
    lim = np.empty(I, dtype=np.int64)
    for o in range(O):
        for j in range(I):
            m[j] = -np.inf
            s[j] = 0.0
            lim[j] = min(max(lens[o, j], 0), N) if use_len else N
        for k in range(N):
            for j in range(I):
                if k < lim[j]:
                    v = sign * x[o, k, j] * inv_t
                    if v > m[j]:
                        m[j] = v
        for k in range(N):
            for j in range(I):
                if k < lim[j]:
                    e = math.exp(sign * x[o, k, j] * inv_t - m[j])
                    s[j] += e
                    y[o, k, j] = e
                else:
                    y[o, k, j] = 0
        for j in range(I):
            s[j] = math.log(s[j]) + m[j] if log else 1.0 / s[j]
        for k in range(N):
            for j in range(I):
                if k < lim[j]:
                    if log:
                        y[o, k, j] = sign * x[o, k, j] * inv_t - s[j]
                    else:
                        y[o, k, j] *= s[j]


@njit(cache=True, nogil=True)
def softmax_backward(y, g, dx, scale, log, lens, use_len):
    """dx from the saved output y; ``scale`` = sign / temperature (memory bound: serial)."""
    O, N, I = y.shape
    for o in range(O):
        for j in range(I):
            limit = N
            if use_len:
                limit = min(max(lens[o, j], 0), N)
            acc = 0.0
            if log:
                for k in range(limit):
                    acc += g[o, k, j]
                for k in range(limit):
                    dx[o, k, j] = scale * (g[o, k, j] - math.exp(y[o, k, j]) * acc)
            else:
                for k in range(limit):
                    acc += g[o, k, j] * y[o, k, j]
                for k in range(limit):
                    dx[o, k, j] = scale * y[o, k, j] * (g[o, k, j] - acc)
            for k in range(limit, N):
                dx[o, k, j] = 0


@njit(cache=True, nogil=True)
def softmax_output_grad(p, label, dx, ignore_label, use_ignore, smooth, scale):
    """SoftmaxOutput's gradient on (O, K, I) probabilities and (O, I) labels.

    dx = (p - onehot(label)) * scale, with label smoothing ``smooth`` spread
    over the other K - 1 classes; ignored labels give zero rows.
    """
    O, K, I = p.shape
    off = smooth / (K - 1) if K > 1 else 0.0
    ig = int(ignore_label)
    for o in range(O):
        for j in range(I):
            t = int(label[o, j])
            if use_ignore and t == ig:
                for k in range(K):
                    dx[o, k, j] = 0
                continue
            for k in range(K):
                if k == t:
                    dx[o, k, j] = (p[o, k, j] - (1.0 - smooth)) * scale
                else:
                    dx[o, k, j] = (p[o, k, j] - off) * scale
