"""Pieces shared by the neural-network operator families.

Spatial parameters (kernel, stride, dilate, pad), float-only dtype checks,
and the ``req`` test every backward uses.  Pure Python: nothing here
imports Numba.
"""
import numpy as np

from ..base import MXNetError
from .infer import fmt

FLOAT_TYPES = (np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64))

# GPU/cuDNN tuning knobs MXNet accepts; they have no effect on the CPU.
NO_EFFECT_DOC = 'accepted for compatibility; no effect on the CPU'


def tup(t):
    """A tuple as MXNet prints it in errors: (3, 3)."""
    return '(' + ', '.join(str(v) for v in t) + (',)' if len(t) == 1 else ')')


def spatial(op, attrs, nd, names=('stride', 'dilate', 'pad'), defaults=(1, 1, 0)):
    """``attrs``'s per-dimension parameters expanded to ``nd`` values each.

    Empty means the default; a length other than ``nd`` is an error that
    names the parameter, as are strides/dilations below 1 and negative pads.
    """
    out = []
    for name, default in zip(names, defaults):
        v = getattr(attrs, name)
        if v is None or len(v) == 0:
            out.append((default,) * nd)
            continue
        v = tuple(v)
        if len(v) != nd:
            raise MXNetError('%s: %s %s has %d value%s but kernel %s has %d; give one value per '
                             'spatial dimension' % (op, name, tup(v), len(v), '' if len(v) == 1 else 's',
                                                    tup(attrs.kernel), nd))
        low = 0 if default == 0 else 1
        if any(x is None or x < low for x in v):
            raise MXNetError('%s: %s %s must be %s' % (op, name, tup(v),
                                                      'non-negative' if low == 0 else 'at least 1'))
        out.append(v)
    return out


def check_layout(op, layout, nd):
    """Only channel-first layouts are implemented."""
    if layout is None:
        return
    want = {1: 'NCW', 2: 'NCHW', 3: 'NCDHW'}.get(nd)
    if layout != want:
        raise MXNetError("%s: layout %r is not supported by mxlite; use layout=%r (channels first) "
                         "and transpose the data" % (op, layout, want))


def float_type(op, name, t):
    """Check that ``t`` is a float dtype (or unknown)."""
    if t is not None and np.dtype(t) not in FLOAT_TYPES:
        raise MXNetError('%s: %s has dtype %s; this operator needs float16, float32 or float64 '
                         "(convert with .astype('float32'))" % (op, name, np.dtype(t).name))
    return t


def uniform_float_type(op, names, in_types, n_out, n_hidden_float=0):
    """All inputs share one float dtype (MXNet's "requires uniform type")."""
    common = None
    first = None
    for name, t in zip(names, in_types):
        if t is None:
            continue
        float_type(op, name, t)
        if common is None:
            common, first = np.dtype(t), name
        elif np.dtype(t) != common:
            raise MXNetError("%s: %s has dtype %s but %s has dtype %s; all inputs must have the same "
                             "dtype (convert with .astype('%s'))"
                             % (op, name, np.dtype(t).name, first, common.name, common.name))
    return [common] * len(in_types), [common] * n_out


def compute_dtype(a):
    """Kernels run in float32 or float64; float16 computes in float32."""
    return np.float64 if a.dtype == np.float64 else np.float32


def as_compute(a):
    """``a`` as a C-contiguous array of its compute dtype (no copy when it already is)."""
    return np.ascontiguousarray(a, dtype=compute_dtype(a))


def wanted(ctx, i):
    """Whether backward must produce the gradient of argument ``i``."""
    return ctx.req is None or ctx.req[i] != 'null'


def grad_buffer(ctx, i, shape, dtype):
    """A contiguous buffer for argument ``i``'s gradient in the compute dtype."""
    if ctx.has_buffer(i):
        b = ctx.buffers[i]
        if b.flags.c_contiguous and b.dtype == dtype and b.shape == tuple(shape):
            return b
    return np.empty(shape, dtype=dtype)


def out_buffer(ctx, i, shape, dtype):
    """A contiguous output buffer of the compute dtype; ``finish`` copies back if needed."""
    if ctx.has_buffer(i):
        b = ctx.buffers[i]
        if b.flags.c_contiguous and b.dtype == dtype:
            return b
    return np.empty(shape, dtype=dtype)


def finish(ctx, i, result, dtype):
    """Deliver ``result`` as output ``i`` of ``dtype`` (into the caller's buffer if any)."""
    if ctx.has_buffer(i):
        b = ctx.buffers[i]
        if b is not result:
            np.copyto(b, result, casting='unsafe')
        return b
    if result.dtype != dtype:
        return result.astype(dtype)
    return result


def check_known_shape(op, name, have, want):
    """``have`` (possibly partial) must agree with ``want``; returns the merged shape."""
    if have is None:
        return tuple(want)
    if len(have) != len(want) or any(h and w and h != w for h, w in zip(have, want)):
        raise MXNetError('%s: %s has shape %s but %s is expected' % (op, name, fmt(have), fmt(want)))
    return tuple(h or w for h, w in zip(have, want))
