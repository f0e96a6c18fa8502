"""Local key-value stores: the parameter synchronisation point of data parallelism.

``push`` sums the values given for a key (one per device); with an updater
set (``set_optimizer``) the sum is applied to the stored weight, otherwise it
replaces the stored value.  ``pull`` copies the stored value out to every
array given.  The local types ('local', 'device', 'local_allreduce_cpu',
'local_allreduce_device') behave the same on the CPU.
"""
import numpy as np

from ..base import MXNetError, string_types
from ..ndarray.ndarray import NDArray

__all__ = ['KVStore', 'LOCAL_TYPES']

LOCAL_TYPES = ('local', 'device', 'local_allreduce_cpu', 'local_allreduce_device', 'local_update_cpu',
               'nccl')


def _keys_values(key, value, what):
    if isinstance(key, (list, tuple)):
        if not isinstance(value, (list, tuple)) or len(value) != len(key):
            raise MXNetError('KVStore.%s: %d keys need a list of %d values' % (what, len(key), len(key)))
        return list(key), list(value)
    return [key], [value]


def _as_list(v):
    return list(v) if isinstance(v, (list, tuple)) else [v]


class KVStore:
    """A key-value store for parameters and gradients (single process)."""

    OPTIMIZER = 'optimizer'

    def __init__(self, kv_type='local'):
        self._type = kv_type
        self._store = {}
        self._updater = None
        self._optimizer = None
        self._str_key_ints = {}

    @property
    def type(self):
        return self._type

    @property
    def rank(self):
        return 0

    @property
    def num_workers(self):
        return 1

    def _check_key(self, k):
        if not isinstance(k, (int, np.integer) + string_types):
            raise MXNetError('KVStore: keys must be ints or strings, got %r' % (k,))
        return k

    def init(self, key, value):
        """Store initial values (a key may be initialised once)."""
        for k, v in zip(*_keys_values(key, value, 'init')):
            self._check_key(k)
            if k in self._store:
                raise MXNetError('KVStore.init: key %r is already initialised' % (k,))
            v = _as_list(v)[0]
            if not isinstance(v, NDArray):
                raise MXNetError('KVStore.init: value for key %r must be an NDArray' % (k,))
            self._store[k] = NDArray(np.array(v._data, copy=True), v._ctx)

    def _merge(self, k, vals):
        """The values pushed for ``k`` (one per device) summed, as a numpy array."""
        shape = self._store[k]._data.shape
        if isinstance(vals, NDArray) and vals._data.shape == shape:   # the common case
            return vals._data
        vals = _as_list(vals)
        for v in vals:
            if not isinstance(v, NDArray):
                raise MXNetError('KVStore.push: values for key %r must be NDArrays' % (k,))
            if v._data.shape != shape:
                raise MXNetError('KVStore.push: value for key %r has shape %s but the stored value '
                                 'has %s' % (k, v.shape, shape))
        if len(vals) == 1:
            return vals[0]._data
        total = np.array(vals[0]._data, copy=True)
        for v in vals[1:]:
            total += v._data
        return total

    def push(self, key, value, priority=0):
        """Sum the values for each key and apply them (update or replace)."""
        for k, v in zip(*_keys_values(key, value, 'push')):
            if k not in self._store:
                raise MXNetError('KVStore.push: key %r was not initialised; call init first' % (k,))
            merged = self._merge(k, v)
            stored = self._store[k]
            if self._updater is not None:
                self._updater(k, NDArray(merged, stored._ctx), stored)
            else:
                np.copyto(stored._data, merged)

    def pull(self, key, out=None, priority=0, ignore_sparse=True):
        """Copy the stored value of each key into every array of ``out``."""
        if out is None:
            raise MXNetError('KVStore.pull: out= is required')
        for k, o in zip(*_keys_values(key, out, 'pull')):
            if k not in self._store:
                raise MXNetError('KVStore.pull: key %r was not initialised' % (k,))
            src = self._store[k]._data
            for dst in _as_list(o):
                if not isinstance(dst, NDArray) or dst._data.shape != src.shape:
                    raise MXNetError('KVStore.pull: out array for key %r has shape %s, stored value '
                                     'has %s' % (k, getattr(dst, 'shape', type(dst).__name__),
                                                 src.shape))
                np.copyto(dst._data, src)

    def broadcast(self, key, value, out, priority=0):
        """init ``key`` with ``value`` then pull it into ``out`` (MXNet 1.6+)."""
        self.init(key, value)
        self.pull(key, out, priority)

    def is_capable(self, capability):
        """Whether the store supports ``capability`` ('optimizer': it can run updates)."""
        return capability == self.OPTIMIZER

    def pushpull(self, key, value, out=None, priority=0):
        """push then pull; ``out`` defaults to ``value`` (in place)."""
        self.push(key, value, priority)
        self.pull(key, value if out is None else out, priority)

    def row_sparse_pull(self, key, out=None, priority=0, row_ids=None):
        raise MXNetError('KVStore.row_sparse_pull: sparse arrays are not supported by mxlite')

    def set_gradient_compression(self, compression_params):
        raise MXNetError('KVStore.set_gradient_compression: gradient compression (2-bit) is not '
                         'supported by mxlite; distributed stores send full-precision gradients '
                         '(drop the compression setting, e.g. --gc-type none)')

    def set_optimizer(self, optimizer):
        """Apply ``optimizer`` to pushed gradients from now on."""
        from ..optimizer import get_updater
        self._optimizer = optimizer
        self._updater = get_updater(optimizer)

    def _set_updater(self, updater):
        self._updater = updater

    def barrier(self):
        """A no-op with a single worker."""

    def _barrier(self):
        self.barrier()

    def save_optimizer_states(self, fname, dump_optimizer=False):
        """Write the updater's states (and the optimizer, if asked) to ``fname``."""
        if self._updater is None:
            raise MXNetError('KVStore.save_optimizer_states: no optimizer set; call set_optimizer')
        from ..ndarray.serialization import atomic_write
        atomic_write(fname, self._updater.get_states(dump_optimizer))

    def load_optimizer_states(self, fname):
        if self._updater is None:
            raise MXNetError('KVStore.load_optimizer_states: no optimizer set; call set_optimizer')
        with open(fname, 'rb') as f:
            self._updater.set_states(f.read())

