"""Normalisation kernels: batch statistics per channel, per-row statistics.

BatchNorm views its input as (outer, C, inner) and reduces over outer and
inner for each channel (parallel over channels): one pass for the sums
(accumulated in float64), one pass to normalise.  LayerNorm/InstanceNorm
view theirs as (rows, n) and reduce each row (parallel over rows).
"""
import math

from numba import njit, prange


@njit(cache=True, nogil=True, parallel=True)
def channel_stats(x, mean, invstd, eps):
    """mean[c] and 1 / sqrt(biased var + eps) over axes 0 and 2 of x (O, C, I)."""
    O, C, I = x.shape
    m = O * I
    for c in prange(C):
        s = 0.0
        ss = 0.0
        for o in range(O):
            for i in range(I):
                v = x[o, c, i]
                s += v
                ss += v * v
        mu = s / m
        var = ss / m - mu * mu
        if var < 0:
            var = 0.0
        mean[c] = mu
        invstd[c] = 1.0 / math.sqrt(var + eps)


@njit(cache=True, nogil=True, parallel=True)
def channel_affine(x, mean, invstd, gamma, beta, y):
    """y = (x - mean[c]) * invstd[c] * gamma[c] + beta[c] on (O, C, I)."""
    O, C, I = x.shape
    if I == 1:
        for o in prange(O):
            for c in range(C):
                a = invstd[c] * gamma[c]
                y[o, c, 0] = (x[o, c, 0] - mean[c]) * a + beta[c]
        return
    for oc in prange(O * C):
        o = oc // C
        c = oc - o * C
        a = invstd[c] * gamma[c]
        b = beta[c] - mean[c] * a
        for i in range(I):
            y[o, c, i] = x[o, c, i] * a + b


@njit(cache=True, nogil=True, parallel=True)
def channel_grad_sums(x, dy, mean, invstd, sum_dy, sum_dy_xhat):
    """Per channel: sum(dy) and sum(dy * xhat), xhat = (x - mean) * invstd."""
    O, C, I = x.shape
    for c in prange(C):
        s = 0.0
        sx = 0.0
        mu = mean[c]
        for o in range(O):
            for i in range(I):
                g = dy[o, c, i]
                s += g
                sx += g * (x[o, c, i] - mu)
        sum_dy[c] = s
        sum_dy_xhat[c] = sx * invstd[c]


@njit(cache=True, nogil=True, parallel=True)
def batchnorm_dx(x, dy, mean, invstd, gamma, sum_dy, sum_dy_xhat, dx, batch_stats):
    """dx of batch norm; with batch statistics the mean/var terms are included."""
    O, C, I = x.shape
    m = O * I
    for oc in prange(O * C):
        o = oc // C
        c = oc - o * C
        k = gamma[c] * invstd[c]
        if batch_stats:
            mu = mean[c]
            a = sum_dy[c] / m
            b = sum_dy_xhat[c] / m * invstd[c]
            for i in range(I):
                dx[o, c, i] = k * (dy[o, c, i] - a - (x[o, c, i] - mu) * b)
        else:
            for i in range(I):
                dx[o, c, i] = k * dy[o, c, i]


@njit(cache=True, nogil=True, parallel=True)
def row_stats(x, mean, invstd, eps):
    """Per row of x (R, n): mean and 1 / sqrt(biased var + eps), two-pass."""
    R, n = x.shape
    for r in prange(R):
        s = 0.0
        for k in range(n):
            s += x[r, k]
        mu = s / n
        ss = 0.0
        for k in range(n):
            d = x[r, k] - mu
            ss += d * d
        mean[r] = mu
        invstd[r] = 1.0 / math.sqrt(ss / n + eps)


@njit(cache=True, nogil=True, parallel=True)
def row_grad(x, dy, mean, invstd, gscale, dx):
    """dx for row normalisation: ``gscale`` (R, n) scales dy (gamma broadcast per element)."""
    R, n = x.shape
    for r in prange(R):
        mu = mean[r]
        inv = invstd[r]
        a = 0.0
        b = 0.0
        for k in range(n):
            g = dy[r, k] * gscale[r, k]
            a += g
            b += g * (x[r, k] - mu) * inv
        a /= n
        b /= n
        for k in range(n):
            g = dy[r, k] * gscale[r, k]
            dx[r, k] = inv * (g - a - (x[r, k] - mu) * inv * b)
