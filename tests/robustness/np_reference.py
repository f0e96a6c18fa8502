"""Float64 numpy references of the operators the shape fuzz drives, with MXNet's rules.

Each function takes numpy inputs and MXNet's parameters, and either returns
the float64 result or raises :class:`Invalid` when MXNet refuses the call
(inconsistent shapes or parameters).  They are written from MXNet 1.x's
definitions (output-size formulas, window clipping, Reshape's special
codes), independently of mxlite's kernels.
"""
import math

import numpy as np


class Invalid(Exception):
    """MXNet refuses this call."""


def _expand(name, v, nd, default, low):
    v = tuple(v) if v else ()
    if not v:
        return (default,) * nd
    if len(v) != nd:
        raise Invalid('%s has %d values for %d spatial dims' % (name, len(v), nd))
    if any(x < low for x in v):
        raise Invalid('%s %s below %d' % (name, v, low))
    return v


def _spatial_check(x, nd):
    if nd == 3:
        raise Invalid('3-D kernels are not supported by mxlite')
    if nd not in (1, 2):
        raise Invalid('kernel must have 1 or 2 dims')
    if x.ndim != nd + 2:
        raise Invalid('data rank %d for a %d-D kernel' % (x.ndim, nd))


def _as2d(a, nd):
    """View 1-D (N, C, W) data as (N, C, 1, W)."""
    return a[:, :, None, :] if nd == 1 else a


def convolution(x, w, b, kernel, num_filter, stride=(), dilate=(), pad=(), num_group=1,
                no_bias=False):
    nd = len(kernel)
    _spatial_check(x, nd)
    if any(k < 1 for k in kernel):
        raise Invalid('kernel below 1')
    s = _expand('stride', stride, nd, 1, 1)
    d = _expand('dilate', dilate, nd, 1, 1)
    p = _expand('pad', pad, nd, 0, 0)
    F, G = num_filter, num_group
    if F < 1 or G < 1 or F % G:
        raise Invalid('num_filter/num_group')
    N, C = x.shape[:2]
    if C == 0 or C % G:
        raise Invalid('channels %d vs groups %d' % (C, G))
    if w.shape != (F, C // G) + tuple(kernel):
        raise Invalid('weight shape')
    if not no_bias and b.shape != (F,):
        raise Invalid('bias shape')
    sp = x.shape[2:]
    out_sp = []
    for n, k, ss, dd, pp in zip(sp, kernel, s, d, p):
        dk = dd * (k - 1) + 1
        if dk > n + 2 * pp:
            raise Invalid('dilated kernel larger than padded input')
        out_sp.append((n + 2 * pp - dk) // ss + 1)
    x2 = _as2d(x.astype(np.float64), nd)
    w2 = _as2d(w.astype(np.float64), nd)
    (sh, sw), (dh, dw), (ph, pw) = [((e,) + t if nd == 1 else t) for e, t in ((1, s), (1, d),
                                                                              (0, p))]
    xp = np.pad(x2, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    OH, OW = ([1] + out_sp) if nd == 1 else out_sp
    kh, kw = w2.shape[2:]
    out = np.zeros((N, F, OH, OW))
    cg, fg = C // G, F // G
    for g in range(G):
        xs = xp[:, g * cg:(g + 1) * cg]
        ws = w2[g * fg:(g + 1) * fg]
        for ky in range(kh):
            for kx in range(kw):
                patch = xs[:, :, ky * dh:ky * dh + sh * (OH - 1) + 1:sh,
                           kx * dw:kx * dw + sw * (OW - 1) + 1:sw]
                out[:, g * fg:(g + 1) * fg] += np.einsum('nchw,fc->nfhw', patch, ws[:, :, ky, kx])
    if not no_bias:
        out += b.astype(np.float64)[None, :, None, None]
    return out[:, :, 0, :] if nd == 1 else out


def deconvolution(x, w, b, kernel, num_filter, stride=(), dilate=(), pad=(), adj=(),
                  target_shape=(), num_group=1, no_bias=True):
    nd = len(kernel)
    _spatial_check(x, nd)
    if any(k < 1 for k in kernel):
        raise Invalid('kernel below 1')
    s = _expand('stride', stride, nd, 1, 1)
    d = _expand('dilate', dilate, nd, 1, 1)
    p = _expand('pad', pad, nd, 0, 0)
    a = _expand('adj', adj, nd, 0, 0)
    F, G = num_filter, num_group
    if F < 1 or G < 1 or F % G:
        raise Invalid('num_filter/num_group')
    N, C = x.shape[:2]
    if C == 0 or C % G:
        raise Invalid('channels %d vs groups %d' % (C, G))
    if w.shape != (C, F // G) + tuple(kernel):
        raise Invalid('weight shape')
    if not no_bias and b.shape != (F,):
        raise Invalid('bias shape')
    sp = x.shape[2:]
    full = [ss * (n - 1) + dd * (k - 1) + 1 for n, k, ss, dd in zip(sp, kernel, s, d)]
    if target_shape and any(target_shape):
        if len(target_shape) != nd:
            raise Invalid('target_shape length')
        p, a = [], []
        for L, t in zip(full, target_shape):
            if L < t:
                raise Invalid('target_shape too big')
            p.append((L - t + 1) // 2)
            a.append((L - t) % 2)
    if any(aa >= ss for aa, ss in zip(a, s)):
        raise Invalid('adj must be smaller than stride')
    size = [L - 2 * pp + aa for L, pp, aa in zip(full, p, a)]
    if any(z < 1 for z in size):
        raise Invalid('empty output')
    x2 = _as2d(x.astype(np.float64), nd)
    w2 = _as2d(w.astype(np.float64), nd)
    (sh, sw), (dh, dw) = [((1,) + t if nd == 1 else t) for t in (s, d)]
    H, W = x2.shape[2:]
    kh, kw = w2.shape[2:]
    LH, LW = ([1] + full) if nd == 1 else full
    T = np.zeros((N, F, LH, LW))
    cg, fg = C // G, F // G
    for g in range(G):
        xs = x2[:, g * cg:(g + 1) * cg]
        ws = w2[g * cg:(g + 1) * cg]
        for ky in range(kh):
            for kx in range(kw):
                T[:, g * fg:(g + 1) * fg, ky * dh:ky * dh + sh * (H - 1) + 1:sh,
                  kx * dw:kx * dw + sw * (W - 1) + 1:sw] += np.einsum('nchw,cf->nfhw', xs,
                                                                      ws[:, :, ky, kx])
    # crop pad at the start; adj rows past the full result are zeros
    (ph, pw), (zh, zw) = [((0,) + tuple(t) if nd == 1 else tuple(t)) for t in (p, size)]
    zh = 1 if nd == 1 else zh
    out = np.zeros((N, F, zh, zw))
    src = T[:, :, ph:ph + zh, pw:pw + zw]
    out[:, :, :src.shape[2], :src.shape[3]] = src
    if not no_bias:
        out += b.astype(np.float64)[None, :, None, None]
    return out[:, :, 0, :] if nd == 1 else out


def _lowest(dtype):
    return float(np.finfo(np.float64 if dtype == np.float64 else np.float32).min)


def pooling(x, kernel=(), pool_type='max', global_pool=False, pooling_convention='valid',
            stride=(), pad=(), p_value=None, count_include_pad=None):
    if x.ndim < 3:
        raise Invalid('data rank below 3')
    if pool_type == 'lp' and p_value not in (1, 2, 3):
        raise Invalid('p_value')
    xf = x.astype(np.float64)
    p_val = p_value or 1
    if global_pool:
        if 0 in x.shape[2:] and x.shape[0] * x.shape[1]:
            raise Invalid('global pooling of an empty input')
        flat = xf.reshape(x.shape[0], x.shape[1], math.prod(x.shape[2:]))
        if pool_type == 'max':
            r = flat.max(axis=2)
        elif pool_type == 'avg':
            r = flat.mean(axis=2)
        elif pool_type == 'sum':
            r = flat.sum(axis=2)
        else:
            r = _root(np.sum(flat ** p_val, axis=2), p_val)
        return r.reshape(x.shape[:2] + (1,) * (x.ndim - 2))
    nd = len(kernel)
    if nd == 0:
        raise Invalid('kernel required')
    _spatial_check(x, nd)
    if any(k < 1 for k in kernel):
        raise Invalid('kernel below 1')
    s = _expand('stride', stride, nd, 1, 1)
    p = _expand('pad', pad, nd, 0, 0)
    if any(pp >= k for pp, k in zip(p, kernel)):
        raise Invalid('pad must be smaller than kernel')
    conv = pooling_convention
    if conv == 'same' and (nd != 1 or any(p)):
        raise Invalid("'same' is 1-D without pad")
    geo = []          # (out, pad_before, limit = n + pad_after) per spatial dim
    for n, k, ss, pp in zip(x.shape[2:], kernel, s, p):
        if conv == 'same':
            o = -(-n // ss)
            total = max((o - 1) * ss + k - n, 0)
            geo.append((o, total // 2, n + total - total // 2))
            continue
        if k > n + 2 * pp:
            raise Invalid('kernel larger than padded input')
        o = (n + 2 * pp - k) // ss + 1 if conv == 'valid' else -(-(n + 2 * pp - k) // ss) + 1
        geo.append((o, pp, n + pp))
    include = count_include_pad is None or count_include_pad
    lowest = _lowest(x.dtype)
    out = np.zeros(x.shape[:2] + tuple(g[0] for g in geo))
    for idx in np.ndindex(*out.shape[2:]):
        lo, hi, lo0, hi0 = [], [], [], []
        for o_i, (o, before, lim), k, ss, n in zip(idx, geo, kernel, s, x.shape[2:]):
            start = o_i * ss - before
            end = min(start + k, lim)
            lo.append(start)
            hi.append(end)
            lo0.append(max(start, 0))
            hi0.append(min(end, n))
        win = xf[(slice(None), slice(None)) + tuple(slice(a, max(a, b)) for a, b in zip(lo0, hi0))]
        count = int(np.prod([max(b - a, 0) for a, b in zip(lo0, hi0)]))
        win = win.reshape(x.shape[0], x.shape[1], count)
        sel = (slice(None), slice(None)) + idx
        if pool_type == 'max':
            out[sel] = win.max(axis=2) if count else lowest
        elif pool_type == 'sum':
            out[sel] = win.sum(axis=2)
        elif pool_type == 'lp':
            out[sel] = _root(np.sum(win ** p_val, axis=2), p_val)
        else:
            denom = int(np.prod([b - a for a, b in zip(lo, hi)])) if include else count
            out[sel] = win.sum(axis=2) / denom if denom > 0 else 0.0
    return out


def _root(v, p):
    if p == 1:
        return v
    if p == 2:
        return np.sqrt(v)
    return np.cbrt(v)


def fully_connected(x, w, b, num_hidden, no_bias=False, flatten=True):
    if num_hidden < 1:
        raise Invalid('num_hidden')
    if x.ndim == 0:
        raise Invalid('scalar data')
    x2 = x.reshape(x.shape[0], math.prod(x.shape[1:])) if flatten else x
    K = x2.shape[-1] if x2.ndim else 0
    if w.shape != (num_hidden, K):
        raise Invalid('weight shape')
    if not no_bias and b.shape != (num_hidden,):
        raise Invalid('bias shape')
    out = x2.astype(np.float64) @ w.astype(np.float64).T
    if not no_bias:
        out = out + b.astype(np.float64)
    return out


def batch_norm(x, gamma, beta, mean, var, eps=1e-3, momentum=0.9, fix_gamma=True,
               use_global_stats=False, axis=1, training=False):
    """(output, new moving_mean, new moving_var); MXNet's biased batch variance."""
    if x.ndim < 1 or not -x.ndim <= axis < x.ndim:
        raise Invalid('axis')
    ax = axis % x.ndim
    C = x.shape[ax]
    for a in (gamma, beta, mean, var):
        if a.shape != (C,):
            raise Invalid('parameter shape')
    shape = [1] * x.ndim
    shape[ax] = C
    xf = x.astype(np.float64)
    g = np.ones(C) if fix_gamma else gamma.astype(np.float64)
    mm, mv = mean.astype(np.float64), var.astype(np.float64)
    if training and not use_global_stats and x.size:
        red = tuple(i for i in range(x.ndim) if i != ax)
        m = xf.mean(axis=red)
        v = xf.var(axis=red)
        new_mm = mm * momentum + m * (1 - momentum)
        new_mv = mv * momentum + v * (1 - momentum)
    elif training and not use_global_stats:
        # an empty batch has no statistics: the output is empty, the moving ones stay
        m, v, new_mm, new_mv = np.zeros(C), np.ones(C), mm, mv
    else:
        m, v, new_mm, new_mv = mm, mv, mm, mv
    out = (xf - m.reshape(shape)) / np.sqrt(v.reshape(shape) + eps) * g.reshape(shape) \
        + beta.astype(np.float64).reshape(shape)
    return out, new_mm, new_mv


def concat(arrays, dim=1):
    if not arrays:
        raise Invalid('no inputs')
    nd = arrays[0].ndim
    if not -nd <= dim < nd:
        raise Invalid('dim')
    ax = dim % nd
    for a in arrays[1:]:
        if a.ndim != nd or any(x != y for i, (x, y) in enumerate(zip(a.shape, arrays[0].shape))
                               if i != ax):
            raise Invalid('shapes differ outside dim')
    return np.concatenate([a.astype(np.float64) for a in arrays], axis=ax)


def reshape_shape(ishape, spec, reverse=False):
    """MXNet's InferReshapeShape (special codes 0, -1, -2, -3, -4)."""
    dshape, param = list(ishape), list(spec)
    if reverse:
        dshape.reverse()
        param.reverse()
    out, src, inf, i = [], 0, -1, 0
    while i < len(param):
        v = param[i]
        if v == 0:
            if src >= len(dshape):
                raise Invalid('0 past the input dims')
            out.append(dshape[src])
            src += 1
        elif v == -1:
            if inf >= 0:
                raise Invalid('two -1')
            inf = len(out)
            out.append(1)
            src += 1
        elif v == -2:
            out.extend(dshape[src:])
            src = len(dshape)
        elif v == -3:
            if src + 1 >= len(dshape):
                raise Invalid('-3 past the input dims')
            out.append(dshape[src] * dshape[src + 1])
            src += 2
        elif v == -4:
            if i + 2 >= len(param) or src >= len(dshape):
                raise Invalid('-4 needs two values and an input dim')
            d0, d1, d2 = dshape[src], param[i + 1], param[i + 2]
            i += 2
            if d1 == -1 and d2 == -1:
                raise Invalid('-4 with two -1')
            if d1 == -1:
                if d2 == 0 or d0 % d2:
                    raise Invalid('-4 split')
                d1 = d0 // d2
            if d2 == -1:
                if d1 == 0 or d0 % d1:
                    raise Invalid('-4 split')
                d2 = d0 // d1
            if d1 * d2 != d0 or d1 < 0 or d2 < 0:
                raise Invalid('-4 split')
            out.extend([d1, d2])
            src += 1
        elif v > 0:
            out.append(v)
            src += 1
        else:
            raise Invalid('bad code %d' % v)
        i += 1
    total = math.prod(ishape)
    if inf >= 0:
        rest = math.prod(out)
        if rest == 0 or total % rest:
            raise Invalid('cannot infer -1')
        out[inf] = total // rest
    if reverse:
        out.reverse()
    if math.prod(out) != total:
        raise Invalid('size changes')
    return tuple(out)


def slice_(x, begin, end, step=()):
    """MXNet's slice: Python slicing per axis (None = whole axis); a slice that empties a
    non-empty axis is refused."""
    if len(begin) != len(end) or (step and len(step) != len(begin)):
        raise Invalid('lengths differ')
    if len(begin) > x.ndim:
        raise Invalid('more entries than dims')
    idx = []
    for i in range(x.ndim):
        if i >= len(begin):
            idx.append(slice(None))
            continue
        st = step[i] if step and step[i] is not None else 1
        if st == 0:
            raise Invalid('step 0')
        sl = slice(begin[i], end[i], st)
        if len(range(*sl.indices(x.shape[i]))) == 0 and x.shape[i]:
            raise Invalid('slicing away a whole non-empty axis')
        idx.append(sl)
    return x.astype(np.float64)[tuple(idx)]


def take(a, indices, axis=0, mode='clip'):
    if a.ndim == 0 or not -a.ndim <= axis < a.ndim:
        raise Invalid('axis')
    ax = axis % a.ndim
    n = a.shape[ax]
    j = np.trunc(indices.astype(np.float64))
    if not np.isfinite(j).all():
        raise Invalid('non-finite index')       # excluded by the fuzz: undefined in MXNet
    j = j.astype(np.int64)
    if n == 0:
        if j.size:
            raise Invalid('take from an empty axis')
        return np.zeros(a.shape[:ax] + indices.shape + a.shape[ax + 1:])
    if mode == 'clip':
        j = np.clip(j, 0, n - 1)
    elif mode == 'wrap':
        j = np.mod(j, n)
    else:
        if (j < -n).any() or (j >= n).any():
            raise Invalid('index out of range')
        j = np.where(j < 0, j + n, j)
    return np.take(a.astype(np.float64), j, axis=ax)
