"""Distributed KVStores on MPI: 'dist_sync', 'dist_device_sync' (and 'dist_async').

MXNet runs these on a parameter server; mxlite runs them on MPI through
``mpi4py`` with the same results.  Every worker keeps a full replica of the
store.  ``push`` only stages the values (summed over the worker's devices);
the next ``pull``/``pushpull``/``barrier``/``init`` sums all staged values
across workers with MPI allreduce -- fused into buffers of
``MXLITE_KVSTORE_FUSION_MB`` -- and applies them exactly as the server does:
with an optimizer set (``set_optimizer``) every worker runs the same update
on the same summed gradient, so the parameters stay bit-identical across
workers; without one the stored value becomes the sum of all workers' pushes.
``init`` takes rank 0's values (the others' are ignored, as in MXNet).

Pass lists of keys to ``push``/``pull``/``pushpull`` (Module, FeedForward
and ``gluon.Trainer`` do) to get one fused allreduce per step; per-key calls
are correct but make one MPI call per key.
"""
import numpy as np

from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from .kvstore import KVStore, _keys_values, _as_list
from .fusion import FusionBuffer, reduce_dtype, fusion_bytes_from_env
from .mpi_env import load_mpi
from .collective import get_collective

__all__ = ['DistSyncKVStore', 'create_dist', 'SYNC_TYPES', 'ASYNC_TYPES']

SYNC_TYPES = ('dist_sync', 'dist_device_sync', 'dist_sync_device', 'dist')
ASYNC_TYPES = ('dist_async',)


def create_dist(name):
    """A distributed KVStore over all processes of this MPI job."""
    if name not in SYNC_TYPES + ASYNC_TYPES:
        raise MXNetError('kvstore.create: unknown distributed type %r; use one of %s'
                         % (name, ', '.join(SYNC_TYPES + ASYNC_TYPES)))
    MPI = load_mpi(name)
    collective = get_collective(MPI)
    if collective.size == 1:
        from ..log import get_logger
        get_logger().info("kvstore %r: this process is the only worker; start several with "
                          "python tools/launch.py -n N ... or mpiexec -n N ...", name)
    if name in ASYNC_TYPES:
        from .dist_async import DistAsyncKVStore
        return DistAsyncKVStore(name, collective)
    return DistSyncKVStore(name, collective)


def _bytes_view(a):
    return np.ascontiguousarray(a).reshape(-1).view(np.uint8)


class DistSyncKVStore(KVStore):
    """Synchronous data-parallel KVStore: gradients summed over all workers every step."""

    def __init__(self, kv_type, collective):
        super().__init__(kv_type)
        self._coll = collective
        self._fusion_bytes = fusion_bytes_from_env()
        self._buffers = {}
        self._alone = {}
        self._pending = set()

    @property
    def rank(self):
        return self._coll.rank

    @property
    def num_workers(self):
        return self._coll.size

    # -- init: rank 0's values everywhere ------------------------------------------
    def init(self, key, value):
        """Store rank 0's values for the keys (collective: every worker calls it)."""
        keys, values = _keys_values(key, value, 'init')
        arrays = []
        for k, v in zip(keys, values):
            self._check_key(k)
            if k in self._store:
                raise MXNetError('KVStore.init: key %r is already initialised' % (k,))
            v = _as_list(v)[0]
            if not isinstance(v, NDArray):
                raise MXNetError('KVStore.init: value for key %r must be an NDArray' % (k,))
            arrays.append(v)
        if len(set(keys)) != len(keys):
            raise MXNetError('KVStore.init: a key appears twice in %r' % (keys,))
        self._flush()
        detail = ';'.join('%s:%s:%s' % (k, 'x'.join(map(str, a.shape)), a._data.dtype.str)
                          for k, a in zip(keys, arrays))
        self._coll.check('init', detail)
        stored = [NDArray(np.array(a._data, copy=True), a._ctx) for a in arrays]
        self._broadcast([s._data for s in stored], 'init of %d keys' % len(keys))
        self._insert(keys, stored)

    def _insert(self, keys, stored):
        for k, s in zip(keys, stored):
            self._store[k] = s

    def _broadcast(self, arrays, what):
        """Overwrite ``arrays`` with rank 0's, in byte buffers of the fusion size."""
        group, size = [], 0
        for a in arrays + [None]:
            if a is None or (group and size + a.nbytes > self._fusion_bytes):
                if group:
                    buf = np.concatenate([_bytes_view(g) for g in group])
                    self._coll.bcast(buf, what)
                    offset = 0
                    for g in group:
                        g.reshape(-1).view(np.uint8)[...] = buf[offset:offset + g.nbytes]
                        offset += g.nbytes
                group, size = [], 0
            if a is not None:
                group.append(a)
                size += a.nbytes

    # -- push: stage now, sum across workers at the next pull ---------------------------
    def push(self, key, value, priority=0):
        """Stage the values (summed over devices); they are summed over workers on ``pull``."""
        for k, v in zip(*_keys_values(key, value, 'push')):
            if k not in self._store:
                raise MXNetError('KVStore.push: key %r was not initialised; call init first' % (k,))
            merged = self._merge(k, v)
            if k in self._pending:
                self._flush()
            rdt = reduce_dtype(merged.dtype, k)
            buf = self._buffers.get(rdt)
            if buf is None:
                buf = self._buffers[rdt] = FusionBuffer(rdt, self._fusion_bytes)
            if merged.size > buf.capacity:
                # larger than a fusion buffer: summed on its own, in a buffer kept for the key
                self._flush()
                alone = self._alone.get(k)
                if alone is None or alone.dtype != rdt:
                    alone = self._alone[k] = FusionBuffer(rdt, merged.size * rdt.itemsize)
                alone.add(k, merged)
                self._reduce(alone)
                continue
            if not buf.fits(merged.size):
                self._reduce(buf)
            buf.add(k, merged)
            self._pending.add(k)

    def _flush(self):
        """Sum every staged value across workers and apply it."""
        if not self._pending:
            return
        for buf in self._buffers.values():
            if buf.entries:
                self._reduce(buf)

    def _reduce(self, buf):
        self._coll.check('push', buf.describe())
        self._coll.allreduce(buf.flat(), 'push of %d keys (%d bytes)'
                             % (len(buf.entries), buf.flat().nbytes))
        try:
            for k, total in buf.views():
                stored = self._store[k]
                if self._updater is not None:
                    self._updater(k, NDArray(total, stored._ctx), stored)
                else:
                    np.copyto(stored._data, total)
        finally:
            self._pending.difference_update(buf.keys())
            buf.clear()

    # -- everything that reads the store first applies what is staged ------------------
    def pull(self, key, out=None, priority=0, ignore_sparse=True):
        """Copy the stored values (after summing staged pushes across workers) into ``out``."""
        self._flush()
        super().pull(key, out, priority, ignore_sparse)

    def pushpull(self, key, value, out=None, priority=0):
        """push then pull (one fused allreduce for all the keys given)."""
        self.push(key, value, priority)
        self.pull(key, value if out is None else out, priority)

    def set_optimizer(self, optimizer):
        """Apply ``optimizer`` on every worker to the gradients summed over all workers."""
        self._flush()
        self._coll.check('set_optimizer', _describe_optimizer(optimizer))
        super().set_optimizer(optimizer)

    def barrier(self):
        """Return once every worker has called ``barrier`` (staged pushes are applied first)."""
        self._flush()
        self._coll.check('barrier', '')

    def _barrier(self):
        self.barrier()

    def save_optimizer_states(self, fname, dump_optimizer=False):
        """Write the optimizer states (identical on every worker) to ``fname``."""
        self._flush()
        super().save_optimizer_states(fname, dump_optimizer)

    def load_optimizer_states(self, fname):
        """Every worker reads ``fname`` (it must be reachable from every machine)."""
        self._flush()
        super().load_optimizer_states(fname)


def _describe_optimizer(optimizer):
    fields = [type(optimizer).__name__]
    for name in ('lr', 'wd', 'rescale_grad', 'clip_gradient', 'momentum'):
        if hasattr(optimizer, name):
            fields.append('%s=%r' % (name, getattr(optimizer, name)))
    return ' '.join(fields)
