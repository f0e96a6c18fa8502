"""Pooling kernels over (planes, H, W) arrays, parallel over planes.

A window of output (oy, ox) starts at (oy * sh - ph, ox * sw - pw) and spans
(kh, kw); it is clipped to the input for max/sum/lp, while average pooling
with ``count_include_pad`` divides by the window clipped to the padded input
(``hlim = H + bottom pad``, ``wlim = W + right pad``) -- MXNet's rule.  An
empty window gives the lowest finite value for max and 0 otherwise.

Pool type codes: 0 max, 1 avg, 2 sum, 3 lp (``p`` 1, 2 or 3).
"""
import math

import numpy as np
from numba import njit, prange

MAX, AVG, SUM, LP = 0, 1, 2, 3


@njit(cache=True, nogil=True)
def _root(s, p):
    if p == 1:
        return s
    if p == 2:
        return math.sqrt(s)
    return math.copysign(abs(s) ** (1.0 / 3.0), s)


@njit(cache=True, nogil=True)
def _power(v, p):
    if p == 1:
        return v
    if p == 2:
        return v * v
    return v * v * v


@njit(cache=True, nogil=True, parallel=True)
def pool_forward(x, out, kind, kh, kw, sh, sw, ph, pw, hlim, wlim, include_pad, p, lowest):
    P, H, W = x.shape
    oh, ow = out.shape[1], out.shape[2]
    for pl in prange(P):
        for oy in range(oh):
            hs = oy * sh - ph
            he = min(hs + kh, hlim)
            hs0 = max(hs, 0)
            he0 = min(he, H)
            for ox in range(ow):
                ws = ox * sw - pw
                we = min(ws + kw, wlim)
                ws0 = max(ws, 0)
                we0 = min(we, W)
                if kind == 0:
                    m = lowest
                    for iy in range(hs0, he0):
                        for ix in range(ws0, we0):
                            v = x[pl, iy, ix]
                            if v > m:
                                m = v
                    out[pl, oy, ox] = m
                else:
                    s = 0.0
                    if kind == 3:
                        for iy in range(hs0, he0):
                            for ix in range(ws0, we0):
                                s += _power(x[pl, iy, ix], p)
                        out[pl, oy, ox] = _root(s, p)
                    else:
                        for iy in range(hs0, he0):
                            for ix in range(ws0, we0):
                                s += x[pl, iy, ix]
                        if kind == 1:
                            if include_pad:
                                n = (he - hs) * (we - ws)
                            else:
                                n = (he0 - hs0) * (we0 - ws0)
                            out[pl, oy, ox] = s / n if n > 0 else 0.0
                        else:
                            out[pl, oy, ox] = s


@njit(cache=True, nogil=True, parallel=True)
def pool_backward(x, y, dy, dx, kind, kh, kw, sh, sw, ph, pw, hlim, wlim, include_pad, p):
    """dx (overwritten) from dy; max routes to the first maximum of each window."""
    P, H, W = x.shape
    oh, ow = dy.shape[1], dy.shape[2]
    for pl in prange(P):
        for iy in range(H):
            for ix in range(W):
                dx[pl, iy, ix] = 0
        for oy in range(oh):
            hs = oy * sh - ph
            he = min(hs + kh, hlim)
            hs0 = max(hs, 0)
            he0 = min(he, H)
            for ox in range(ow):
                ws = ox * sw - pw
                we = min(ws + kw, wlim)
                ws0 = max(ws, 0)
                we0 = min(we, W)
                g = dy[pl, oy, ox]
                if kind == 0:
                    m = y[pl, oy, ox]
                    found = False
                    for iy in range(hs0, he0):
                        for ix in range(ws0, we0):
                            if x[pl, iy, ix] == m:
                                dx[pl, iy, ix] += g
                                found = True
                                break
                        if found:
                            break
                elif kind == 3:
                    r = y[pl, oy, ox]
                    if r == 0:
                        continue
                    for iy in range(hs0, he0):
                        for ix in range(ws0, we0):
                            if p == 1:
                                dx[pl, iy, ix] += g
                            elif p == 2:
                                dx[pl, iy, ix] += g * x[pl, iy, ix] / r
                            else:
                                q = x[pl, iy, ix] / r
                                dx[pl, iy, ix] += g * q * q
                else:
                    if kind == 1:
                        if include_pad:
                            n = (he - hs) * (we - ws)
                        else:
                            n = (he0 - hs0) * (we0 - ws0)
                        if n <= 0:
                            continue
                        g = g / n
                    for iy in range(hs0, he0):
                        for ix in range(ws0, we0):
                            dx[pl, iy, ix] += g


@njit(cache=True, nogil=True, parallel=True)
def global_pool_forward(x, out, kind, p):
    """Pool every (plane) row of x (P, L) down to one value."""
    P, L = x.shape
    for pl in prange(P):
        if kind == 0:
            m = x[pl, 0]
            for i in range(1, L):
                if x[pl, i] > m:
                    m = x[pl, i]
            out[pl] = m
        elif kind == 3:
            s = 0.0
            for i in range(L):
                s += _power(x[pl, i], p)
            out[pl] = _root(s, p)
        else:
            s = 0.0
            for i in range(L):
                s += x[pl, i]
            out[pl] = s / L if kind == 1 else s


@njit(cache=True, nogil=True)
def _cround(v):
    """C's round(): halves away from zero."""
    return int(math.floor(v + 0.5)) if v >= 0 else int(math.ceil(v - 0.5))


@njit(cache=True, nogil=True)
def roi_pool_forward(x, rois, out, argmax, scale):
    """ROIPooling (max): out (R, C, ph, pw), argmax the flat input index (or -1)."""
    N, C, H, W = x.shape
    R, _, PH, PW = out.shape
    for r in range(R):
        b = int(rois[r, 0])
        x1 = _cround(rois[r, 1] * scale)
        y1 = _cround(rois[r, 2] * scale)
        x2 = _cround(rois[r, 3] * scale)
        y2 = _cround(rois[r, 4] * scale)
        rh = max(y2 - y1 + 1, 1)
        rw = max(x2 - x1 + 1, 1)
        bh = rh / PH
        bw = rw / PW
        for c in range(C):
            for py in range(PH):
                hs = min(max(int(math.floor(py * bh)) + y1, 0), H)
                he = min(max(int(math.ceil((py + 1) * bh)) + y1, 0), H)
                for px in range(PW):
                    ws = min(max(int(math.floor(px * bw)) + x1, 0), W)
                    we = min(max(int(math.ceil((px + 1) * bw)) + x1, 0), W)
                    if he <= hs or we <= ws or b < 0 or b >= N:
                        out[r, c, py, px] = 0
                        argmax[r, c, py, px] = -1
                        continue
                    m = x[b, c, hs, ws]
                    a = (hs * W) + ws
                    for iy in range(hs, he):
                        for ix in range(ws, we):
                            if x[b, c, iy, ix] > m:
                                m = x[b, c, iy, ix]
                                a = iy * W + ix
                    out[r, c, py, px] = m
                    argmax[r, c, py, px] = a


@njit(cache=True, nogil=True)
def roi_pool_backward(dy, rois, argmax, dx):
    R, C, PH, PW = dy.shape
    N, _, H, W = dx.shape
    for r in range(R):
        b = int(rois[r, 0])
        for c in range(C):
            for py in range(PH):
                for px in range(PW):
                    a = argmax[r, c, py, px]
                    if a >= 0:
                        dx[b, c, a // W, a % W] += dy[r, c, py, px]


def lowest(dtype):
    return float(np.finfo(dtype).min)
