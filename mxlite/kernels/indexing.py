"""Gather/scatter kernels: pick, one_hot, take.

Arrays are viewed as (outer, axis, inner) blocks so one kernel serves every
axis.  Indices arrive as float or int arrays (MXNet passes float indices);
out-of-range handling ('clip'/'wrap') is done here, validated modes only.
"""
import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _fix_index(i, n, wrap):
    j = int(i)
    if wrap:
        j = j % n
        if j < 0:
            j += n
    else:
        if j < 0:
            j = 0
        elif j >= n:
            j = n - 1
    return j


@njit(cache=True, nogil=True)
def pick3(x, idx, out, wrap):
    """out[o, i] = x[o, idx[o, i], i] for x of shape (O, K, I)."""
    O, K, I = x.shape
    for o in range(O):
        for i in range(I):
            out[o, i] = x[o, _fix_index(idx[o, i], K, wrap), i]


@njit(cache=True, nogil=True)
def pick3_backward(g, idx, gx, wrap):
    """gx[o, idx[o, i], i] += g[o, i]; gx is zeroed by the caller."""
    O, K, I = gx.shape
    for o in range(O):
        for i in range(I):
            gx[o, _fix_index(idx[o, i], K, wrap), i] += g[o, i]


@njit(cache=True, nogil=True)
def one_hot(idx, depth, on_value, off_value, out):
    """out has shape (len(idx), depth); indices outside [0, depth) give all-off rows."""
    n = idx.shape[0]
    for r in range(n):
        for c in range(depth):
            out[r, c] = off_value
        j = int(idx[r])
        if 0 <= j < depth:
            out[r, j] = on_value


@njit(cache=True, nogil=True)
def take3(x, idx, out, wrap):
    """out[o, j, i] = x[o, idx[j], i] for x of shape (O, K, I)."""
    O, K, I = x.shape
    J = idx.shape[0]
    for j in range(J):
        k = _fix_index(idx[j], K, wrap)
        for o in range(O):
            for i in range(I):
                out[o, j, i] = x[o, k, i]


@njit(cache=True, nogil=True)
def take3_backward(g, idx, gx, wrap):
    """Scatter-add of take3; gx (O, K, I) is zeroed by the caller."""
    O, K, I = gx.shape
    J = idx.shape[0]
    for j in range(J):
        k = _fix_index(idx[j], K, wrap)
        for o in range(O):
            for i in range(I):
                gx[o, k, i] += g[o, j, i]


def as_index(a):
    """Indices as a contiguous float64 or int64 array (what the kernels take)."""
    if a.dtype.kind == 'f':
        return np.ascontiguousarray(a, dtype=np.float64)
    return np.ascontiguousarray(a, dtype=np.int64)
