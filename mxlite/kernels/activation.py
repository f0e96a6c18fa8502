"""Elementwise activation kernels over flat contiguous arrays.

Codes: 0 relu, 1 sigmoid, 2 tanh, 3 softrelu, 4 softsign (Activation);
10 leaky, 11 elu, 12 selu, 13 gelu (LeakyReLU).  ``a`` is the slope / alpha
parameter where one applies.

``forward``/``backward`` pick the engine: the piecewise-linear functions and
every backward (products of saved values) are Numba loops, one per code so
each stays tight and vectorisable; the transcendental forwards (exp, tanh)
use numpy's SIMD ufuncs, which are an order of magnitude faster than Numba's
scalar libm calls.  Large arrays are split across mxlite's threads
(``_threads.split``); the Numba loops are serial, which compiles several
times faster than ``parallel=True`` (a parfor per branch) at the same speed.
"""
import math

import numpy as np
from numba import njit

from . import _threads

RELU, SIGMOID, TANH, SOFTRELU, SOFTSIGN = 0, 1, 2, 3, 4
LEAKY, ELU, SELU, GELU = 10, 11, 12, 13

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_LAMBDA = 1.0507009873554804934193349852946
_SQRT1_2 = 0.70710678118654752440
_INV_SQRT_2PI = 0.39894228040143267794


@njit(cache=True, nogil=True)
def _forward_nb(x, out, kind, a):
    """The forwards without transcendental functions (and gelu, which needs erf)."""
    n = x.shape[0]
    if kind == RELU:
        for i in range(n):
            v = x[i]
            out[i] = v if v > 0 else 0
    elif kind == SOFTSIGN:
        for i in range(n):
            out[i] = x[i] / (1 + abs(x[i]))
    elif kind == LEAKY:
        for i in range(n):
            v = x[i]
            out[i] = v if v > 0 else a * v
    elif kind == GELU:
        for i in range(n):
            v = x[i]
            out[i] = 0.5 * v * (1 + math.erf(v * _SQRT1_2))


@njit(cache=True, nogil=True)
def _backward_nb(x, y, g, dx, kind, a):
    """dx = g * f'(x), using the saved output y where that is cheaper."""
    n = g.shape[0]
    if kind == RELU:
        for i in range(n):
            dx[i] = g[i] if y[i] > 0 else 0
    elif kind == SIGMOID:
        for i in range(n):
            dx[i] = g[i] * y[i] * (1 - y[i])
    elif kind == TANH:
        for i in range(n):
            dx[i] = g[i] * (1 - y[i] * y[i])
    elif kind == SOFTRELU:
        for i in range(n):
            dx[i] = g[i] * -math.expm1(-y[i])
    elif kind == SOFTSIGN:
        for i in range(n):
            d = 1 + abs(x[i])
            dx[i] = g[i] / (d * d)
    elif kind == LEAKY:
        for i in range(n):
            dx[i] = g[i] if x[i] > 0 else a * g[i]
    elif kind == ELU:
        for i in range(n):
            dx[i] = g[i] if x[i] > 0 else g[i] * (y[i] + a)
    elif kind == SELU:
        # MXNet 1.x computes lambda * (y + alpha) below 0, not the true derivative
        # y + lambda * alpha; we match MXNet.
        for i in range(n):
            dx[i] = g[i] * SELU_LAMBDA if x[i] > 0 else g[i] * SELU_LAMBDA * (y[i] + SELU_ALPHA)
    elif kind == GELU:
        for i in range(n):
            v = x[i]
            cdf = 0.5 * (1 + math.erf(v * _SQRT1_2))
            dx[i] = g[i] * (cdf + v * _INV_SQRT_2PI * math.exp(-0.5 * v * v))


@njit(cache=True, nogil=True)
def _prelu_forward_nb(x, gamma, out):
    """x, out (N, C, S); gamma (C,) -- or (1,) broadcast."""
    N, C, S = x.shape
    one = gamma.shape[0] == 1
    for nc in range(N * C):
        b = nc // C
        c = nc - b * C
        s = gamma[0] if one else gamma[c]
        for i in range(S):
            v = x[b, c, i]
            out[b, c, i] = v if v > 0 else s * v


@njit(cache=True, nogil=True)
def prelu_backward(x, gamma, g, dx, dgamma):
    N, C, S = x.shape
    one = gamma.shape[0] == 1
    for c in range(dgamma.shape[0]):
        dgamma[c] = 0
    for b in range(N):
        for c in range(C):
            s = gamma[0] if one else gamma[c]
            acc = 0.0
            for i in range(S):
                v = x[b, c, i]
                if v > 0:
                    dx[b, c, i] = g[b, c, i]
                else:
                    dx[b, c, i] = s * g[b, c, i]
                    acc += g[b, c, i] * v
            if one:
                dgamma[0] += acc
            else:
                dgamma[c] += acc


def prelu_forward(x, gamma, out):
    _threads.call(_prelu_forward_nb, x.size, x, gamma, out)


@njit(cache=True, nogil=True)
def rrelu_forward(x, slopes, out):
    n = x.shape[0]
    for i in range(n):
        v = x[i]
        out[i] = v if v > 0 else slopes[i] * v


def _sigmoid(x, out):
    np.negative(x, out=out)
    np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)


def _softrelu(x, out):
    # log(1 + exp(x)) = max(x, 0) + log1p(exp(-|x|)), without overflow
    t = np.abs(x)
    np.negative(t, out=t)
    np.exp(t, out=t)
    np.log1p(t, out=t)
    np.maximum(x, 0, out=out)
    out += t


def _elu_like(scale, alpha):
    def fn(x, out):
        t = np.minimum(x, 0)
        np.expm1(t, out=t)
        t *= alpha
        np.maximum(x, 0, out=out)
        out += t
        if scale != 1.0:
            out *= scale
    return fn


def forward(x, out, kind, a):
    """out = f(x) for flat contiguous x, out."""
    if kind == SIGMOID:
        _threads.split(_sigmoid, [x, out])
    elif kind == TANH:
        _threads.split(lambda xs, os: np.tanh(xs, out=os), [x, out])
    elif kind == SOFTRELU:
        _threads.split(_softrelu, [x, out])
    elif kind == ELU:
        _threads.split(_elu_like(1.0, a), [x, out])
    elif kind == SELU:
        _threads.split(_elu_like(SELU_LAMBDA, SELU_ALPHA), [x, out])
    else:
        _threads.split(lambda xs, os: _forward_nb(xs, os, kind, a), [x, out],
                       _threads.SPLIT_MEMORY_BOUND)


def backward(x, y, g, dx, kind, a):
    """dx = g * f'(x) from the saved input x and output y (flat, contiguous)."""
    _threads.split(lambda xs, ys, gs, dxs: _backward_nb(xs, ys, gs, dxs, kind, a), [x, y, g, dx],
                   _threads.SPLIT_MEMORY_BOUND)
