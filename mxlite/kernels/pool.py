"""Pooling kernels over (planes, H, W) arrays; the drivers split the planes across threads.

A window of output (oy, ox) starts at (oy * sh - ph, ox * sw - pw) and spans
(kh, kw); it is clipped to the input for max/sum/lp, while average pooling
with ``count_include_pad`` divides by the window clipped to the padded input
(``hlim = H + bottom pad``, ``wlim = W + right pad``) -- MXNet's rule.  An
empty window gives the lowest finite value for max and 0 otherwise.

Pool type codes: 0 max, 1 avg, 2 sum, 3 lp (``p`` 1, 2 or 3).

The kernels are serial (``_threads.split`` runs parts of the planes on
mxlite's threads): Numba's parallel lowering took ~11 s of compilation for
the two specialised kernels of one window size, against well under a second
each serial, at the same speed.
"""
import math

import numpy as np
from numba import njit

from ._threads import split, SPLIT_POOL_FORWARD

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


@njit(cache=True, nogil=True)
def _window_value(x, pl, hs, ws, kh, kw, H, W, hlim, wlim, kind, include_pad, p, lowest):
    """Pooled value of the window at (hs, ws), clipped to the input."""
    he = min(hs + kh, hlim)
    we = min(ws + kw, wlim)
    hs0 = max(hs, 0)
    ws0 = max(ws, 0)
    he0 = min(he, H)
    we0 = min(we, W)
    if kind == 0:
        m = lowest
        for iy in range(hs0, he0):
            for ix in range(ws0, we0):
                v = x[pl, iy, ix]
                if v > m:
                    m = v
        return m
    s = 0.0
    if kind == 3:
        for iy in range(hs0, he0):
            for ix in range(ws0, we0):
                s += _power(x[pl, iy, ix], p)
        return _root(s, p)
    for iy in range(hs0, he0):
        for ix in range(ws0, we0):
            s += x[pl, iy, ix]
    if kind == 1:
        if include_pad:
            n = (he - hs) * (we - ws)
        else:
            n = (he0 - hs0) * (we0 - ws0)
        return s / n if n > 0 else 0.0
    return s


@njit(cache=True, nogil=True)
def _window_grad(x, yv, g, dx, pl, hs, ws, kh, kw, H, W, hlim, wlim, kind, include_pad, p):
    """Add the gradient ``g`` of the window at (hs, ws) (value ``yv``) into dx."""
    he = min(hs + kh, hlim)
    we = min(ws + kw, wlim)
    hs0 = max(hs, 0)
    ws0 = max(ws, 0)
    he0 = min(he, H)
    we0 = min(we, W)
    if kind == 0:
        for iy in range(hs0, he0):
            for ix in range(ws0, we0):
                if x[pl, iy, ix] == yv:
                    dx[pl, iy, ix] += g
                    return
        return
    if kind == 3:
        if yv == 0:
            return
        for iy in range(hs0, he0):
            for ix in range(ws0, we0):
                if p == 1:
                    dx[pl, iy, ix] += g
                elif p == 2:
                    dx[pl, iy, ix] += g * x[pl, iy, ix] / yv
                else:
                    q = x[pl, iy, ix] / yv
                    dx[pl, iy, ix] += g * q * q
        return
    if kind == 1:
        if include_pad:
            n = (he - hs) * (we - ws)
        else:
            n = (he0 - hs0) * (we0 - ws0)
        if n <= 0:
            return
        g = g / n
    for iy in range(hs0, he0):
        for ix in range(ws0, we0):
            dx[pl, iy, ix] += g


@njit(cache=True, nogil=True)
def pool_forward(x, out, kind, kh, kw, sh, sw, ph, pw, hlim, wlim, include_pad, p, lowest, box):
    """Any window geometry (runtime sizes), every window clipped; outputs inside
    ``box`` = (oy0, oy1, ox0, ox1) are left to a specialised kernel."""
    P, H, W = x.shape
    oh, ow = out.shape[1], out.shape[2]
    oy0, oy1, ox0, ox1 = box
    for pl in range(P):
        for oy in range(oh):
            inside = oy >= oy0 and oy < oy1
            for ox in range(ow):
                if inside and ox >= ox0 and ox < ox1:
                    continue
                out[pl, oy, ox] = _window_value(x, pl, oy * sh - ph, ox * sw - pw, kh, kw, H, W,
                                                hlim, wlim, kind, include_pad, p, lowest)


@njit(cache=True, nogil=True)
def pool_backward(x, y, dy, dx, kind, kh, kw, sh, sw, ph, pw, hlim, wlim, include_pad, p, box):
    """dx (zeroed here) from dy, except for the outputs inside ``box``; max routes
    to the first maximum of each window."""
    P, H, W = x.shape
    oh, ow = dy.shape[1], dy.shape[2]
    oy0, oy1, ox0, ox1 = box
    for pl in range(P):
        dx[pl] = 0
        for oy in range(oh):
            inside = oy >= oy0 and oy < oy1
            for ox in range(ow):
                if inside and ox >= ox0 and ox < ox1:
                    continue
                _window_grad(x, y[pl, oy, ox], dy[pl, oy, ox], dx, pl, oy * sh - ph, ox * sw - pw,
                             kh, kw, H, W, hlim, wlim, kind, include_pad, p)


def _interior(n_out, stride, pad, k, n):
    """Outputs [lo, hi) whose windows lie inside the (unpadded) input."""
    lo = (pad + stride - 1) // stride
    hi = min(n_out, (n + pad - k) // stride + 1)
    return min(lo, hi), hi


# Border windows of the fast kernels below: module-level (not closures) so that the
# closures' captured values stay plain ints -- a captured dispatcher pickles
# differently in every process, which made Numba's cache miss on every start.
@njit(cache=True, nogil=True)
def _border_fwd(x, out, pl, oy, ox_from, ox_to, kind, kh, kw, sh, sw, ph, pw, hlim, wlim,
                include_pad, lowest):
    H, W = x.shape[1], x.shape[2]
    hs = oy * sh - ph
    for ox in range(ox_from, ox_to):
        ws = ox * sw - pw
        m = lowest
        acc = 0.0
        cnt = 0
        for r in range(kh):
            iy = hs + r
            if iy >= 0 and iy < H:
                for c in range(kw):
                    ix = ws + c
                    if ix >= 0 and ix < W:
                        v = x[pl, iy, ix]
                        m = max(m, v)
                        acc += v
                        cnt += 1
        if kind == 0:
            out[pl, oy, ox] = m
        elif kind == 1:
            n = (min(hs + kh, hlim) - hs) * (min(ws + kw, wlim) - ws) if include_pad else cnt
            out[pl, oy, ox] = acc / n if n > 0 else 0.0
        else:
            out[pl, oy, ox] = acc

@njit(cache=True, nogil=True)
def _border_bwd(x, dy, dx, pl, oy, ox_from, ox_to, kind, kh, kw, sh, sw, ph, pw, hlim, wlim,
                include_pad):
    H, W = x.shape[1], x.shape[2]
    hs = oy * sh - ph
    for ox in range(ox_from, ox_to):
        ws = ox * sw - pw
        g = dy[pl, oy, ox]
        if kind == 0:
            # the first maximum (row-major) of the clipped window
            by = -1
            bx = -1
            for r in range(kh):
                iy = hs + r
                if iy >= 0 and iy < H:
                    for c in range(kw):
                        ix = ws + c
                        if ix >= 0 and ix < W:
                            if by < 0 or x[pl, iy, ix] > x[pl, by, bx]:
                                by = iy
                                bx = ix
            if by >= 0:
                dx[pl, by, bx] += g
            continue
        if kind == 1:
            cnt = 0
            for r in range(kh):
                if hs + r >= 0 and hs + r < H:
                    for c in range(kw):
                        if ws + c >= 0 and ws + c < W:
                            cnt += 1
            n = (min(hs + kh, hlim) - hs) * (min(ws + kw, wlim) - ws) if include_pad else cnt
            if n <= 0:
                continue
            g = g / n
        for r in range(kh):
            iy = hs + r
            if iy >= 0 and iy < H:
                for c in range(kw):
                    ix = ws + c
                    if ix >= 0 and ix < W:
                        dx[pl, iy, ix] += g


def _make_fast(kh, kw, sh, sw):
    """Kernels with the window size and stride compiled in (closure constants).

    Windows wholly inside the input (the box oy0:oy1, ox0:ox1) run a
    fixed-size loop that LLVM unrolls and vectorises across outputs (10x
    faster than runtime-sized loops); they index a view starting at the
    first interior window, so every index is non-negative by construction
    (no wraparound checks).  Border windows are clipped inline.
    Kinds: max, avg and sum (lp always takes the generic kernels).
    """
    area = kh * kw

    @njit(cache=True, nogil=True)
    def forward(x, out, kind, ph, pw, hlim, wlim, include_pad, lowest, oy0, oy1, ox0, ox1):
        P, H, W = x.shape
        oh, ow = out.shape[1], out.shape[2]
        scale = 1.0 / area if kind == 1 else 1.0
        # one scratch row for every plane (allocating per plane cost 0.1 us a plane: as much
        # as the pooling of a small map)
        orow = np.empty(max(0, ox1 - ox0), dtype=out.dtype)     # contiguous: vectorised stores
        for pl in range(P):
            # border windows, clipped: whole rows outside the box, the ends of rows inside it
            # (calls only for non-empty ranges: a call costs more than a short row)
            for oy in range(oh):
                if oy >= oy0 and oy < oy1:
                    if ox0 > 0:
                        _border_fwd(x, out, pl, oy, 0, ox0, kind, kh, kw, sh, sw, ph, pw, hlim,
                                    wlim, include_pad, lowest)
                    if ox1 < ow:
                        _border_fwd(x, out, pl, oy, ox1, ow, kind, kh, kw, sh, sw, ph, pw, hlim,
                                    wlim, include_pad, lowest)
                else:
                    _border_fwd(x, out, pl, oy, 0, ow, kind, kh, kw, sh, sw, ph, pw, hlim, wlim,
                                include_pad, lowest)
            if oy1 <= oy0 or ox1 <= ox0:
                continue
            # interior: output row by output row, one input row (a 1-D view starting at
            # the first interior window) at a time
            y0 = oy0 * sh - ph
            x0 = ox0 * sw - pw
            nxi = ox1 - ox0
            for i in range(oy1 - oy0):
                row = x[pl, y0 + i * sh, x0:]
                if kind == 0:
                    for j in range(nxi):
                        m = row[j * sw]
                        for c in range(kw):
                            m = max(m, row[j * sw + c])
                        orow[j] = m
                    for r in range(1, kh):
                        row = x[pl, y0 + i * sh + r, x0:]
                        for j in range(nxi):
                            m = orow[j]
                            for c in range(kw):
                                m = max(m, row[j * sw + c])
                            orow[j] = m
                else:
                    for j in range(nxi):
                        acc = row[j * sw]
                        for c in range(1, kw):
                            acc += row[j * sw + c]
                        orow[j] = acc
                    for r in range(1, kh):
                        row = x[pl, y0 + i * sh + r, x0:]
                        for j in range(nxi):
                            acc = orow[j]
                            for c in range(kw):
                                acc += row[j * sw + c]
                            orow[j] = acc
                    if kind == 1:
                        for j in range(nxi):
                            orow[j] *= scale
                out[pl, oy0 + i, ox0:ox1] = orow

    @njit(cache=True, nogil=True)
    def backward(x, dy, dx, kind, ph, pw, hlim, wlim, include_pad, oy0, oy1, ox0, ox1):
        P, H, W = x.shape
        oh, ow = dy.shape[1], dy.shape[2]
        scale = 1.0 / area if kind == 1 else 1.0
        best = np.empty(max(0, ox1 - ox0), dtype=x.dtype)     # scratch rows for every plane
        bk = np.empty(max(0, ox1 - ox0), dtype=np.int64)
        for pl in range(P):
            dx[pl] = 0
            for oy in range(oh):
                if oy >= oy0 and oy < oy1:
                    if ox0 > 0:
                        _border_bwd(x, dy, dx, pl, oy, 0, ox0, kind, kh, kw, sh, sw, ph, pw, hlim,
                                    wlim, include_pad)
                    if ox1 < ow:
                        _border_bwd(x, dy, dx, pl, oy, ox1, ow, kind, kh, kw, sh, sw, ph, pw, hlim,
                                    wlim, include_pad)
                else:
                    _border_bwd(x, dy, dx, pl, oy, 0, ow, kind, kh, kw, sh, sw, ph, pw, hlim,
                                    wlim, include_pad)
            if oy1 <= oy0 or ox1 <= ox0:
                continue
            y0 = oy0 * sh - ph
            x0 = ox0 * sw - pw
            nxi = ox1 - ox0
            if kind == 0:
                for i in range(oy1 - oy0):
                    # argmax of every window of the output row, input row by input row
                    # (selects, not branches: the argmax position is random) ...
                    for r in range(kh):
                        row = x[pl, y0 + i * sh + r, x0:]
                        for j in range(nxi):
                            b = row[j * sw] if r == 0 else best[j]
                            k = 0 if r == 0 else bk[j]
                            for c in range(kw):
                                v = row[j * sw + c]
                                gt = v > b
                                b = v if gt else b
                                k = r * kw + c if gt else k
                            best[j] = b
                            bk[j] = k
                    # ... then the scatter
                    grow = dy[pl, oy0 + i, ox0:ox1]
                    for j in range(nxi):
                        k = bk[j]
                        dx[pl, y0 + i * sh + k // kw, x0 + j * sw + k % kw] += grow[j]
            else:
                for i in range(oy1 - oy0):
                    grow = dy[pl, oy0 + i, ox0:ox1]
                    for r in range(kh):
                        drow = dx[pl, y0 + i * sh + r, x0:]
                        for j in range(nxi):
                            g = grow[j] * scale
                            for c in range(kw):
                                drow[j * sw + c] += g

    return forward, backward


# (kh, kw, sh, sw) of the windows networks use most; float32 only (other dtypes and
# geometries take the generic kernels, which saves compiling rarely used variants).
_FAST = {k: _make_fast(*k) for k in ((2, 2, 2, 2), (3, 3, 2, 2), (3, 3, 1, 1))}
_NO_BOX = (0, 0, 0, 0)


def _fast(x, kind, kh, kw, sh, sw):
    if x.dtype != np.float32 or kind == LP:
        return None
    return _FAST.get((kh, kw, sh, sw))


def _box(H, W, out_shape, kh, kw, sh, sw, ph, pw):
    oy0, oy1 = _interior(out_shape[1], sh, ph, kh, H)
    ox0, ox1 = _interior(out_shape[2], sw, pw, kw, W)
    return oy0, oy1, ox0, ox1


# 3x3 stride-2 pad-1 sum/average pooling (ResNet/Inception-style) whose windows all lie in
# the padded input, so every average divides by 9: separable kernels -- the window's rows
# are summed into one row first, then every output takes three neighbours of it; the
# backward gathers each input's windows instead of scattering into overlapping ones.
# On (32, 64, 56, 56), 1 thread: forward 7.1 -> 1.9 ms, backward 12.6 -> 2.5 ms.

def _sum3s2(x_shape, out_shape, kind, kh, kw, sh, sw, ph, pw, hlim, wlim, include_pad, dtype):
    """Whether the separable 3x3/2 pad-1 kernels apply; their scale (1/9 or 1) or None."""
    if (kind not in (AVG, SUM) or (kh, kw, sh, sw, ph, pw) != (3, 3, 2, 2, 1, 1)
            or dtype != np.float32 or (kind == AVG and not include_pad)):
        return None
    oh, ow = out_shape[1], out_shape[2]
    if 2 * oh > hlim or 2 * ow > wlim or 2 * oh > x_shape[1] + 1 or 2 * ow > x_shape[2] + 1:
        return None
    return 1.0 / 9.0 if kind == AVG else 1.0


@njit(cache=True, nogil=True, fastmath=True)
def _sum3s2_forward(x, out, scale):
    P, H, W = x.shape
    oh, ow = out.shape[1], out.shape[2]
    t = np.zeros(W + 2, x.dtype)          # column sums; t[0], t[W + 1]: the zero padding
    sc = x.dtype.type(scale)
    for pl in range(P):
        for oy in range(oh):
            r0 = max(2 * oy - 1, 0)
            r1 = min(2 * oy + 2, H)
            row = x[pl, r0]
            for i in range(W):
                t[i + 1] = row[i]
            for iy in range(r0 + 1, r1):
                row = x[pl, iy]
                for i in range(W):
                    t[i + 1] += row[i]
            o = out[pl, oy]
            for ox in range(ow):
                o[ox] = (t[2 * ox] + t[2 * ox + 1] + t[2 * ox + 2]) * sc


@njit(cache=True, nogil=True, fastmath=True)
def _sum3s2_backward(dy, dx, scale):
    P, oh, ow = dy.shape
    H, W = dx.shape[1], dx.shape[2]
    g = np.zeros(W // 2 + 2, dy.dtype)    # the row's window gradients, zero past ow
    sc = dy.dtype.type(scale)
    for pl in range(P):
        for iy in range(H):
            # windows oy covering row iy: 2 oy - 1 <= iy <= 2 oy + 1
            lo = iy // 2
            hi = min((iy + 1) // 2, oh - 1)
            gr = dy[pl, lo] if lo < oh else dy[pl, oh - 1]
            for ox in range(ow):
                g[ox] = gr[ox] if lo < oh else 0.0
            for oy in range(lo + 1, hi + 1):
                gr = dy[pl, oy]
                for ox in range(ow):
                    g[ox] += gr[ox]
            d = dx[pl, iy]
            # column 2m sees window m only, column 2m + 1 windows m and m + 1
            for m in range(W // 2):
                d[2 * m] = g[m] * sc
                d[2 * m + 1] = (g[m] + g[m + 1]) * sc
            if W % 2:
                d[W - 1] = g[W // 2] * sc


def forward(x, out, kind, kh, kw, sh, sw, ph, pw, hlim, wlim, include_pad, p, lowest):
    scale = _sum3s2(x.shape, out.shape, kind, kh, kw, sh, sw, ph, pw, hlim, wlim, include_pad,
                    x.dtype)
    if scale is not None:
        split(lambda xs, os: _sum3s2_forward(xs, os, scale), [x, out], SPLIT_POOL_FORWARD)
        return
    fast = _fast(x, kind, kh, kw, sh, sw)
    if fast is None:
        split(lambda xs, os: pool_forward(xs, os, kind, kh, kw, sh, sw, ph, pw, hlim, wlim,
                                          include_pad, p, lowest, _NO_BOX), [x, out],
              SPLIT_POOL_FORWARD)
        return
    box = _box(x.shape[1], x.shape[2], out.shape, kh, kw, sh, sw, ph, pw)
    split(lambda xs, os: fast[0](xs, os, kind, ph, pw, hlim, wlim, include_pad, lowest, *box),
          [x, out], SPLIT_POOL_FORWARD)


@njit(cache=True, nogil=True)
def _max2x2_backward(x, y, dy, dx):
    """dx of a 2x2, stride-2, unpadded max pooling whose windows cover x (H = 2 oh, W = 2 ow).

    Each window's gradient goes to its first input (scan order) equal to the forward's
    output y, zeros to the other three: selects on whole rows that LLVM vectorises, faster
    than finding each window's argmax again (LeNet's pools 0.95 -> 0.80 ms, 0.61 -> 0.39 ms).
    """
    P, oh, ow = dy.shape
    for pl in range(P):
        for i in range(oh):
            x0 = x[pl, 2 * i]
            x1 = x[pl, 2 * i + 1]
            d0 = dx[pl, 2 * i]
            d1 = dx[pl, 2 * i + 1]
            m = y[pl, i]
            g = dy[pl, i]
            for j in range(ow):
                mj = m[j]
                gj = g[j]
                # & of comparisons, not short-circuit logic: no branches in the loop
                na = x0[2 * j] != mj
                nb = x0[2 * j + 1] != mj
                nc = x1[2 * j] != mj
                ta = x0[2 * j] == mj
                tb = (x0[2 * j + 1] == mj) & na
                tc = (x1[2 * j] == mj) & na & nb
                td = na & nb & nc
                d0[2 * j] = gj if ta else 0.0
                d0[2 * j + 1] = gj if tb else 0.0
                d1[2 * j] = gj if tc else 0.0
                d1[2 * j + 1] = gj if td else 0.0


def backward(x, y, dy, dx, kind, kh, kw, sh, sw, ph, pw, hlim, wlim, include_pad, p):
    scale = _sum3s2(x.shape, dy.shape, kind, kh, kw, sh, sw, ph, pw, hlim, wlim, include_pad,
                    x.dtype)
    if scale is not None:
        split(lambda dys, dxs: _sum3s2_backward(dys, dxs, scale), [dy, dx])
        return
    fast = _fast(x, kind, kh, kw, sh, sw)
    if fast is None:
        split(lambda xs, ys, dys, dxs: pool_backward(xs, ys, dys, dxs, kind, kh, kw, sh, sw, ph,
                                                     pw, hlim, wlim, include_pad, p, _NO_BOX),
              [x, y, dy, dx])
        return
    if (kind == MAX and (kh, kw, sh, sw, ph, pw) == (2, 2, 2, 2, 0, 0) and y.dtype == x.dtype
            and x.shape[1] == 2 * dy.shape[1] and x.shape[2] == 2 * dy.shape[2]):
        split(_max2x2_backward, [x, y, dy, dx])
        return
    box = _box(x.shape[1], x.shape[2], dy.shape, kh, kw, sh, sw, ph, pw)
    split(lambda xs, dys, dxs: fast[1](xs, dys, dxs, kind, ph, pw, hlim, wlim, include_pad, *box),
          [x, dy, dx])


@njit(cache=True, nogil=True)
def global_pool_forward(x, out, kind, p):
    """Pool every (plane) row of x (P, L) down to one value (memory bound: serial)."""
    P, L = x.shape
    for pl in range(P):
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
