"""Shared pieces of shape and type inference, with MXNet-style errors.

A shape is a tuple of ints or ``None`` (unknown).  As in MXNet 1.x, a 0
inside a shape is an unknown dimension (Gluon's deferred ``in_units=0``) --
except while :func:`concrete_shapes` is active (an imperative call on real
arrays), where operators that care read a 0 as an empty axis.
"""
import contextlib
import threading

import numpy as np

from ..base import MXNetError

__all__ = ['fmt', 'merge_shape', 'same_shape', 'same_type', 'broadcast_shape',
           'norm_axis', 'norm_axes', 'known', 'shape_size', 'concrete_shapes',
           'shapes_are_concrete']

_STATE = threading.local()


@contextlib.contextmanager
def concrete_shapes():
    """Inference on the shapes of real arrays: a 0 is an empty axis, not an unknown one."""
    old = getattr(_STATE, 'concrete', False)
    _STATE.concrete = True
    try:
        yield
    finally:
        _STATE.concrete = old


def shapes_are_concrete():
    return getattr(_STATE, 'concrete', False)


def fmt(shape):
    """A shape as users read it: ``(2, 3)``, ``?`` when unknown."""
    if shape is None:
        return '?'
    return '(' + ', '.join('?' if d == 0 else str(d) for d in shape) + (',)' if len(shape) == 1 else ')')


def known(shape):
    """True when every dimension of ``shape`` is known."""
    return shape is not None and all(d > 0 for d in shape)


def shape_size(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def merge_shape(op, name, have, new):
    """Combine two views of one shape; raise naming ``name`` if they clash."""
    if have is None:
        return None if new is None else tuple(new)
    if new is None:
        return tuple(have)
    if len(have) != len(new):
        raise MXNetError('%s: shape mismatch for %s: %s vs %s' % (op, name, fmt(have), fmt(new)))
    out = []
    for a, b in zip(have, new):
        if a == 0:
            out.append(b)
        elif b == 0 or a == b:
            out.append(a)
        else:
            raise MXNetError('%s: shape mismatch for %s: %s vs %s' % (op, name, fmt(have), fmt(new)))
    return tuple(out)


def same_shape(op, names, in_shapes, n_out):
    """All inputs and outputs share one shape (elementwise operators)."""
    common = None
    first = None
    for name, s in zip(names, in_shapes):
        if s is None:
            continue
        if common is None:
            common, first = tuple(s), name
            continue
        try:
            common = merge_shape(op, name, common, s)
        except MXNetError:
            raise MXNetError(
                "%s: input '%s' has shape %s but '%s' has shape %s; the shapes must be "
                "equal (use the broadcast_* operators to broadcast)"
                % (op, name, fmt(s), first, fmt(common))) from None
    return [common] * len(in_shapes), [common] * n_out


def same_type(op, names, in_types, n_out):
    """All inputs and outputs share the first known dtype."""
    common = None
    first = None
    for name, t in zip(names, in_types):
        if t is None:
            continue
        if common is None:
            common, first = t, name
        elif t != common:
            raise MXNetError(
                "%s: input '%s' has dtype %s but '%s' has dtype %s; convert one with "
                ".astype('%s')" % (op, name, np.dtype(t).name, first, np.dtype(common).name,
                                   np.dtype(common).name))
    return [common] * len(in_types), [common] * n_out


def broadcast_shape(op, lhs, rhs):
    """numpy broadcasting of two shapes, with MXNet's error wording."""
    if lhs is None or rhs is None:
        return None
    n = max(len(lhs), len(rhs))
    a = (1,) * (n - len(lhs)) + tuple(lhs)
    b = (1,) * (n - len(rhs)) + tuple(rhs)
    out = []
    for x, y in zip(a, b):
        if x == y or y == 1:
            out.append(x)
        elif x == 1:
            out.append(y)
        else:
            raise MXNetError('%s: operands could not be broadcast together with shapes %s %s'
                             % (op, fmt(lhs), fmt(rhs)))
    return tuple(out)


def norm_axis(op, axis, ndim, name='axis'):
    """A single axis in ``[0, ndim)``; negative counts from the end."""
    if axis < -ndim or axis >= ndim:
        raise MXNetError('%s: %s %d is out of range for an input with %d dimension%s'
                         % (op, name, axis, ndim, '' if ndim == 1 else 's'))
    return axis + ndim if axis < 0 else axis


def norm_axes(op, axis, ndim, exclude=False):
    """Reduction axes: ``None``/``()`` means all, an int or tuple otherwise."""
    if axis is None or axis == ():
        axes = tuple(range(ndim))
        if exclude:
            axes = ()
        return axes
    if isinstance(axis, int):
        axis = (axis,)
    axes = tuple(sorted(set(norm_axis(op, a, ndim) for a in axis)))
    if len(axes) != len(axis):
        raise MXNetError('%s: axis %s contains the same axis twice' % (op, axis))
    if exclude:
        axes = tuple(i for i in range(ndim) if i not in axes)
    return axes
