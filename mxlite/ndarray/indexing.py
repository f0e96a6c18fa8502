"""``NDArray.__getitem__`` / ``__setitem__`` with MXNet 1.x semantics.

* A key of ints and first-axis slices gives a view sharing memory; a
  selection that would be non-contiguous gives a copy.
* Indexing every axis with ints gives shape ``(1,)``, not a 0-d array.
* NDArray / list / numpy keys are advanced indexing (a copy); float index
  arrays are truncated to integers.
* While autograd records, indexing goes through registry operators so
  gradients flow.
"""
import numbers

import numpy as np

from ..base import MXNetError
from . import invoke as _inv


def _convert_key(key):
    from .ndarray import NDArray
    if isinstance(key, NDArray):
        return key._data.astype(np.int64) if key._data.dtype.kind == 'f' else key._data
    if isinstance(key, np.ndarray) and key.dtype.kind == 'f':
        return key.astype(np.int64)
    if isinstance(key, tuple):
        return tuple(_convert_key(k) for k in key)
    if isinstance(key, list):
        return np.asarray(key, dtype=np.int64) if all(isinstance(k, numbers.Integral) for k in key) \
            else np.asarray(key).astype(np.int64)
    return key


def _is_basic(key):
    parts = key if isinstance(key, tuple) else (key,)
    return all(isinstance(k, (numbers.Integral, slice)) or k is None or k is Ellipsis
               for k in parts)


def _bounds_error(self, key, err):
    return MXNetError('index %r is out of bounds for NDArray of shape %s (%s)'
                      % (key, self.shape, err))


def getitem(self, key):
    from .ndarray import NDArray
    if self.ndim == 0:
        raise MXNetError('cannot index a 0-d NDArray; use asscalar()')
    k = _convert_key(key)
    if _inv.STATE.recording and _inv.STATE.recorder is not None:
        return _getitem_recorded(self, k)
    try:
        r = self._data[k]
    except IndexError as e:
        raise _bounds_error(self, key, e) from None
    if _is_basic(k):
        if r.ndim == 0:
            r = r.reshape(1)
        if not r.flags.c_contiguous:
            r = np.ascontiguousarray(r)
        return NDArray(r, self._ctx)
    return NDArray(np.ascontiguousarray(r), self._ctx)


def _getitem_recorded(self, k):
    """Indexing as registry ops (slice, take, Reshape), so autograd can differentiate it."""
    from .ndarray import _op
    if not _is_basic(k):
        if isinstance(k, np.ndarray):
            from .ndarray import NDArray
            return _op('take', self, NDArray(k.astype(np.float32), self._ctx), axis=0)
        raise MXNetError('advanced indexing with %r is not differentiable in mxlite; use '
                         'take/pick/gather_nd inside autograd.record()' % (k,))
    parts = list(k) if isinstance(k, tuple) else [k]
    if any(p is None or p is Ellipsis for p in parts):
        raise MXNetError('indexing with None/Ellipsis inside autograd.record() is not supported; '
                         'use expand_dims / slice')
    if len(parts) > self.ndim:
        raise MXNetError('too many indices (%d) for NDArray of shape %s' % (len(parts), self.shape))
    begin, end, step, drop = [], [], [], []
    for ax, p in enumerate(parts):
        n = self.shape[ax]
        if isinstance(p, slice):
            begin.append(p.start)
            end.append(p.stop)
            step.append(p.step)
        else:
            i = int(p)
            if i < -n or i >= n:
                raise MXNetError('index %d is out of bounds for axis %d with size %d' % (i, ax, n))
            i = i + n if i < 0 else i
            begin.append(i)
            end.append(i + 1)
            step.append(1)
            drop.append(ax)
    r = _op('slice', self, begin=tuple(begin), end=tuple(end), step=tuple(step))
    if drop:
        shape = tuple(d for ax, d in enumerate(r.shape) if ax not in drop) or (1,)
        r = _op('Reshape', r, shape=shape)
    return r


def setitem(self, key, value):
    from .ndarray import NDArray
    if not self.writable:
        raise MXNetError('trying to assign to a read-only NDArray')
    k = _convert_key(key)
    if isinstance(value, NDArray):
        v = value._data
    elif isinstance(value, (numbers.Number, np.generic)):
        v = value
    else:
        v = np.asarray(value)
    try:
        if self.ndim == 0:
            self._data[...] = v
        else:
            self._data[k] = v
    except IndexError as e:
        raise _bounds_error(self, key, e) from None
    except ValueError as e:
        target = self._data[k].shape if self.ndim else ()
        raise MXNetError('cannot assign a value of shape %s to NDArray[%r] of shape %s (%s)'
                         % (np.shape(v), key, target, e)) from None
