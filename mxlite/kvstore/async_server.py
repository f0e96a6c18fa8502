"""The parameter server of 'dist_async': a thread on worker 0 that owns the weights.

Workers 1..n-1 send requests over their own MPI communicator; the server
thread applies each pushed gradient as soon as it arrives (no waiting for the
other workers -- MXNet's asynchronous semantics) and answers pulls with the
current weights.  Worker 0 reads and updates the same store directly, under
the same lock.  While idle the thread polls with a short sleep instead of
blocking in MPI, so it does not keep a core busy next to worker 0's training.

Messages (tags): a pickled request dict (``REQ``), then for a push its values
as one byte buffer (``DATA``); the answer to a pull/sync/states request
(``REPLY``).  Requests from one worker are handled in the order sent.
"""
import threading
import time
import traceback

import numpy as np

from ..base import MXNetError
from ..ndarray.ndarray import NDArray

__all__ = ['AsyncServer', 'pack', 'unpack', 'REQ', 'DATA', 'REPLY']

REQ, DATA, REPLY = 11, 12, 13
_ALIGN = 16


def _layout(metas):
    """Byte offsets of arrays with ``metas`` [(shape, dtype str)] packed back to back."""
    offsets, total = [], 0
    for shape, dtype in metas:
        offsets.append(total)
        nbytes = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
        total += -(-nbytes // _ALIGN) * _ALIGN
    return offsets, total


def pack(arrays):
    """(metas, one uint8 buffer holding ``arrays``)."""
    metas = [(a.shape, a.dtype.str) for a in arrays]
    offsets, total = _layout(metas)
    buf = np.empty(total, dtype=np.uint8)
    for a, off in zip(arrays, offsets):
        buf[off:off + a.nbytes] = np.ascontiguousarray(a).reshape(-1).view(np.uint8)
    return metas, buf


def unpack(metas, buf):
    """Writable array views into ``buf`` laid out as :func:`pack` did."""
    offsets, _ = _layout(metas)
    out = []
    for (shape, dtype), off in zip(metas, offsets):
        dtype = np.dtype(dtype)
        size = int(np.prod(shape, dtype=np.int64))
        out.append(buf[off:off + size * dtype.itemsize].view(dtype).reshape(shape))
    return out


def buffer_for(metas):
    return np.empty(_layout(metas)[1], dtype=np.uint8)


class AsyncServer:
    """Serves worker requests against ``store`` (the KVStore on worker 0)."""

    def __init__(self, store, comm, MPI, abort, serve=True):
        self.store = store
        self.comm = comm
        self.MPI = MPI
        self.lock = threading.RLock()
        self._abort = abort
        self._stop = threading.Event()
        self._thread = None
        if serve:
            self._thread = threading.Thread(target=self._run, name='mxlite-dist-async-server',
                                            daemon=True)
            self._thread.start()

    def stop(self):
        """Stop serving (every worker has synchronised and finished)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    # -- applying requests (also called directly by worker 0) -------------------------
    def apply_push(self, keys, values):
        with self.lock:
            st = self.store
            for k, v in zip(keys, values):
                if k not in st._store:
                    raise MXNetError('KVStore.push: key %r was not initialised; call init first'
                                     % (k,))
                stored = st._store[k]
                if v.shape != stored.shape:
                    raise MXNetError('KVStore.push: value for key %r has shape %s but the stored '
                                     'value has %s' % (k, v.shape, stored.shape))
                if st._updater is not None:
                    st._updater(k, NDArray(v, stored._ctx), stored)
                else:
                    np.copyto(stored._data, v)

    def read(self, keys):
        with self.lock:
            for k in keys:
                if k not in self.store._store:
                    raise MXNetError('KVStore.pull: key %r was not initialised' % (k,))
            return pack([self.store._store[k]._data for k in keys])

    def states(self, dump_optimizer):
        with self.lock:
            if self.store._updater is None:
                return None
            return self.store._updater.get_states(dump_optimizer)

    # -- the thread -----------------------------------------------------------------
    def _run(self):
        status = self.MPI.Status()
        idle = 0.0
        try:
            while True:
                if not self.comm.Iprobe(source=self.MPI.ANY_SOURCE, tag=REQ, status=status):
                    if self._stop.is_set():
                        return
                    idle = min(0.002, idle * 2 or 0.00005)
                    time.sleep(idle)
                    continue
                idle = 0.0
                src = status.Get_source()
                self._handle(self.comm.recv(source=src, tag=REQ), src)
        except BaseException as e:   # a dead server would leave every worker waiting
            traceback.print_exc()
            self._abort('mxlite worker 0: the dist_async server thread failed (%s: %s); '
                        'aborting the job' % (type(e).__name__, e))

    def _handle(self, req, src):
        # workers check keys and shapes before sending, so a failure here is a bug: it aborts
        op = req['op']
        if op == 'push':
            buf = buffer_for(req['metas'])
            self.comm.Recv(buf, source=src, tag=DATA)
            self.apply_push(req['keys'], unpack(req['metas'], buf))
        elif op == 'pull':
            self.comm.Send(self.read(req['keys'])[1], dest=src, tag=REPLY)
        elif op == 'sync':
            self.comm.send(None, dest=src, tag=REPLY)
        elif op == 'states':
            self.comm.send(self.states(req['dump']), dest=src, tag=REPLY)
        else:
            raise MXNetError('unknown request %r from worker %d' % (op, src))
