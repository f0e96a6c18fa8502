"""Fusing many small arrays into a few large flat buffers for MPI.

One MPI call per tiny bias vector would spend the whole step in latency;
:class:`FusionBuffer` packs arrays back to back into one reusable buffer of
a single dtype (float16 is summed in float32), so a training step makes one
allreduce per ``MXLITE_KVSTORE_FUSION_MB`` of gradients.
"""
import os

import numpy as np

from ..base import MXNetError

__all__ = ['FusionBuffer', 'reduce_dtype', 'fusion_bytes_from_env']

DEFAULT_FUSION_MB = 16.0
_SUMMABLE = frozenset('fdilqbhBHILQ')


def fusion_bytes_from_env():
    """Bucket size in bytes from ``MXLITE_KVSTORE_FUSION_MB`` (default 16)."""
    raw = os.environ.get('MXLITE_KVSTORE_FUSION_MB', '')
    if not raw.strip():
        return int(DEFAULT_FUSION_MB * (1 << 20))
    try:
        value = float(raw)
    except ValueError:
        raise MXNetError('MXLITE_KVSTORE_FUSION_MB=%r: expected a size in megabytes' % raw) \
            from None
    if value <= 0:
        raise MXNetError('MXLITE_KVSTORE_FUSION_MB=%r must be positive' % raw)
    return max(1024, int(value * (1 << 20)))


_REDUCE_DTYPES = {}
_DESCRIPTIONS = {}


def reduce_dtype(dtype, key):
    """The dtype arrays of ``dtype`` are summed in (float16 -> float32)."""
    found = _REDUCE_DTYPES.get(dtype)
    if found is not None:
        return found
    found = _REDUCE_DTYPES[dtype] = _reduce_dtype(dtype, key)
    return found


def _reduce_dtype(dtype, key):
    dtype = np.dtype(dtype)
    if dtype == np.float16:
        return np.dtype(np.float32)
    if dtype.char not in _SUMMABLE:
        raise MXNetError('distributed KVStore: key %r has dtype %s, which cannot be summed across '
                         'workers; push float or integer arrays' % (key, dtype))
    return dtype


class FusionBuffer:
    """A flat buffer of one dtype holding ``(key, array)`` entries back to back."""

    def __init__(self, dtype, capacity_bytes):
        self.dtype = np.dtype(dtype)
        self.capacity = max(1, capacity_bytes // self.dtype.itemsize)
        self._buf = np.empty(0, dtype=self.dtype)
        self.entries = []
        self._described = []
        self.used = 0

    def fits(self, size):
        return self.used + size <= self.capacity

    def add(self, key, array):
        """Copy ``array`` (cast to the buffer's dtype) after the current entries."""
        size = array.size
        end = self.used + size
        if end > self.capacity:
            raise MXNetError('FusionBuffer: %d elements do not fit (%d of %d used)'
                             % (size, self.used, self.capacity))
        if end > self._buf.size:
            grown = np.empty(min(self.capacity, max(end, 2 * self._buf.size)), dtype=self.dtype)
            grown[:self.used] = self._buf[:self.used]
            self._buf = grown
        self._buf[self.used:end] = array.reshape(-1)
        self.entries.append((key, self.used, end, array.shape, array.dtype))
        self._described.append(_describe(key, array.shape, array.dtype))
        self.used = end

    def flat(self):
        """The filled part of the buffer (contiguous, for MPI)."""
        return self._buf[:self.used]

    def views(self):
        """``(key, array)`` per entry: views into the buffer, cast back where needed."""
        buf = self._buf
        for key, start, end, shape, dtype in self.entries:
            view = buf[start:end].reshape(shape)
            yield key, (view if view.dtype == dtype else view.astype(dtype))

    def keys(self):
        return [e[0] for e in self.entries]

    def describe(self):
        """``key:shape:dtype;...``: what the header compares across workers."""
        return ';'.join(self._described)

    def clear(self):
        self.entries = []
        self._described = []
        self.used = 0


def _describe(key, shape, dtype):
    """``key:shape:dtype``, cached: the same keys come back every step."""
    sig = (key, shape, dtype)
    text = _DESCRIPTIONS.get(sig)
    if text is None:
        text = _DESCRIPTIONS[sig] = '%s:%s:%s' % (key, 'x'.join(map(str, shape)), dtype.str)
    return text
