"""'dist_async': asynchronous data parallelism, MXNet's semantics on MPI.

Worker 0 hosts the parameter server (:mod:`.async_server`, a thread next to
its training) -- so ``tools/launch.py -n 4`` starts 4 workers, as for
'dist_sync'.  Each ``push`` is applied to the server's weights as soon as it
arrives, without waiting for the other workers; ``pull`` returns the weights
as they are at that moment.  Workers therefore train on slightly stale
weights and runs are not bit-reproducible, exactly as with MXNet's
``dist_async``.  With an optimizer (``set_optimizer``; Module and
``gluon.Trainer`` always set one in async mode) the server applies it to
every pushed gradient; without one a push overwrites the stored value.

``init``, ``set_optimizer`` and ``barrier`` are collective (every worker
calls them); ``barrier`` returns once every worker's earlier pushes have been
applied.
"""
import numpy as np

from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from .kvstore import KVStore, _keys_values, _as_list
from .dist import DistSyncKVStore, _describe_optimizer
from .async_server import AsyncServer, REQ, DATA, REPLY, buffer_for, pack, unpack

__all__ = ['DistAsyncKVStore']


class DistAsyncKVStore(DistSyncKVStore):
    """Asynchronous KVStore: worker 0 serves the weights, every push is applied on arrival."""

    def __init__(self, kv_type, collective):
        super().__init__(kv_type, collective)
        coll = collective
        if coll.size > 1 and not coll.thread_multiple:
            raise MXNetError("kvstore.create('dist_async'): worker 0 serves the weights from a "
                             "thread, which needs an MPI library with MPI_THREAD_MULTIPLE "
                             "support (MPICH and Open MPI builds from pip/apt have it); use "
                             "'dist_sync' with this MPI")
        with coll.watchdog.guard('creating the dist_async communicator (MPI_Comm_dup)'):
            self._comm = coll.comm.Dup()
        self._server = None
        if coll.rank == 0:
            self._server = AsyncServer(self, self._comm, coll.MPI, coll.abort,
                                       serve=coll.size > 1)
            coll.on_goodbye(self._server.stop)
        else:
            coll.on_goodbye(self._sync, before=True)

    # -- init: rank 0's values everywhere (rank 0's copy is the server's) ------------------
    def _insert(self, keys, stored):
        # only the insertion holds the server's lock: holding it through init's collectives
        # would block the server thread while another worker waits on it to reach init
        if self._server is not None:
            with self._server.lock:
                super()._insert(keys, stored)
        else:
            super()._insert(keys, stored)

    def _checked(self, key, values, what):
        """(keys, numpy arrays) with keys known and shapes matching the store."""
        keys, values = _keys_values(key, values, what)
        arrays = []
        for k, v in zip(keys, values):
            if k not in self._store:
                raise MXNetError('KVStore.%s: key %r was not initialised; call init first'
                                 % (what, k))
            if what == 'push':
                arrays.append(self._merge(k, v))
            else:
                for o in _as_list(v):
                    if not isinstance(o, NDArray) or o.shape != self._store[k].shape:
                        raise MXNetError('KVStore.pull: out array for key %r must be an NDArray '
                                         'of shape %s' % (k, self._store[k].shape))
                arrays.append(_as_list(v))
        return keys, arrays

    # -- push / pull ---------------------------------------------------------------------
    def push(self, key, value, priority=0):
        """Send the values (summed over devices) to the server, which applies them on arrival."""
        keys, arrays = self._checked(key, value, 'push')
        if self._server is not None:
            self._server.apply_push(keys, arrays)
            return
        metas, buf = pack(arrays)
        with self._coll.watchdog.guard('sending a push of %d keys to worker 0' % len(keys)):
            self._comm.send({'op': 'push', 'keys': keys, 'metas': metas}, dest=0, tag=REQ)
            self._comm.Send(buf, dest=0, tag=DATA)

    def pull(self, key, out=None, priority=0, ignore_sparse=True):
        """Copy the server's current values into ``out``."""
        if out is None:
            raise MXNetError('KVStore.pull: out= is required')
        keys, outs = self._checked(key, out, 'pull')
        if self._server is not None:
            metas, buf = self._server.read(keys)
        else:
            metas = [(self._store[k].shape, self._store[k]._data.dtype.str) for k in keys]
            buf = buffer_for(metas)
            with self._coll.watchdog.guard('pulling %d keys from worker 0' % len(keys)):
                self._comm.send({'op': 'pull', 'keys': keys}, dest=0, tag=REQ)
                self._comm.Recv(buf, source=0, tag=REPLY)
        for k, value, dsts in zip(keys, unpack(metas, buf), outs):
            if self._server is None:
                np.copyto(self._store[k]._data, value)   # the worker's cache of the weights
            for dst in dsts:
                np.copyto(dst._data, value)

    def pushpull(self, key, value, out=None, priority=0):
        self.push(key, value, priority)
        self.pull(key, value if out is None else out, priority)

    def _flush(self):
        """Nothing is staged in async mode."""

    def _sync(self):
        """Return once the server has applied every push this worker sent."""
        with self._coll.watchdog.guard('waiting for worker 0 to apply this worker\'s pushes'):
            self._comm.send({'op': 'sync'}, dest=0, tag=REQ)
            self._comm.recv(source=0, tag=REPLY)

    # -- optimizer ----------------------------------------------------------------------
    def set_optimizer(self, optimizer):
        """The server (worker 0) applies ``optimizer`` to every push from now on."""
        self._coll.check('set_optimizer', _describe_optimizer(optimizer))
        if self._server is not None:
            with self._server.lock:
                KVStore.set_optimizer(self, optimizer)
        else:   # a replica, never applied: it keeps Trainer.load_states' view of the optimizer
            KVStore.set_optimizer(self, optimizer)

    def barrier(self):
        """Return once every worker called ``barrier`` and all their pushes are applied."""
        if self._server is None:
            self._sync()
        self._coll.check('barrier', '')

    def save_optimizer_states(self, fname, dump_optimizer=False):
        """Write the server's optimizer states to ``fname`` (from any worker)."""
        from ..ndarray.serialization import atomic_write
        if self._server is not None:
            states = self._server.states(dump_optimizer)
        else:
            with self._coll.watchdog.guard('fetching the optimizer states from worker 0'):
                self._comm.send({'op': 'states', 'dump': dump_optimizer}, dest=0, tag=REQ)
                states = self._comm.recv(source=0, tag=REPLY)
        if states is None:
            raise MXNetError('KVStore.save_optimizer_states: no optimizer set; call '
                             'set_optimizer')
        atomic_write(fname, states)

    def load_optimizer_states(self, fname):
        """Worker 0 (the server) loads ``fname`` (the others load it into their replica)."""
        if self._server is not None:
            with self._server.lock:
                KVStore.load_optimizer_states(self, fname)
        else:
            KVStore.load_optimizer_states(self, fname)
