"""MPI collectives for the distributed KVStores, made safe to fail.

One :class:`Collective` per process (shared by every distributed KVStore)
owns a duplicate of ``MPI.COMM_WORLD``, so the script's own mpi4py calls on
``COMM_WORLD`` never interleave with mxlite's.

Every operation starts with a *header*: a 16-byte MAX-allreduce of
``(sig, -sig)`` where ``sig`` hashes the operation and its keys, shapes and
dtypes.  If the workers disagree -- one pushes a key the others do not, one
has run out of batches, one has finished its script -- all of them notice in
that same call, exchange descriptions of what each was doing and raise an
``MXNetError`` saying so, instead of hanging in mismatched MPI calls or
silently summing the wrong arrays.

A worker that dies of an uncaught exception aborts the MPI job (as
``python -m mpi4py`` does), so the others stop instead of waiting for it; a
worker that finishes its script waits at exit until every worker has
finished; every blocking call is watched (see :mod:`.watchdog`).
"""
import atexit
import hashlib
import os
import sys
import threading
import time

import numpy as np

from ..base import MXNetError
from . import role
from .watchdog import Watchdog, timeout_from_env

__all__ = ['get_collective']

_INSTANCE = None
_SIG_MASK = (1 << 62) - 1
_GRACE = 0.5


def get_collective(MPI):
    """The process's :class:`Collective` (created on first use; collective over all workers)."""
    global _INSTANCE
    if _INSTANCE is None:
        _INSTANCE = Collective(MPI)
    return _INSTANCE


def _signature(desc):
    return int.from_bytes(hashlib.blake2b(desc.encode(), digest_size=8).digest(), 'little') \
        & _SIG_MASK


class Collective:
    """Header-checked, watchdog-guarded collectives over all MPI processes."""

    def __init__(self, MPI):
        self.MPI = MPI
        world = MPI.COMM_WORLD
        self.rank = world.Get_rank()
        self.size = world.Get_size()
        self.label = 'mxlite worker %d of %d' % (self.rank, self.size)
        self.thread_multiple = MPI.Query_thread() >= MPI.THREAD_MULTIPLE
        self.watchdog = Watchdog(timeout_from_env(), self.abort, self.label)
        self._failed = None
        self._header = np.zeros(2, dtype=np.int64)
        self._goodbye_callbacks = []
        self._before_goodbye = []
        self._exiting = False
        with self.watchdog.guard('creating the distributed KVStore (MPI_Comm_dup)'):
            self.comm = world.Dup()
        role.set_worker(self.rank, self.size)
        if self.size > 1:
            self._prev_excepthook = sys.excepthook
            sys.excepthook = self._excepthook
            atexit.register(self._goodbye)

    # -- failure handling ------------------------------------------------------
    def _write(self, text):
        try:
            sys.stderr.write(text)
            sys.stderr.flush()
        except (OSError, ValueError):
            pass

    def abort(self, message, code=1):
        """Print ``message`` and stop the whole MPI job (the launcher stops the other workers)."""
        self._write(message.rstrip('\n') + '\n')
        if self.thread_multiple or threading.current_thread() is threading.main_thread():
            self.MPI.COMM_WORLD.Abort(code)
        os._exit(code)

    def _excepthook(self, etype, value, tb):
        self._prev_excepthook(etype, value, tb)
        if self._exiting:
            return
        self._exiting = True
        if self._failed is not None:
            time.sleep(_GRACE)  # a divergence: every worker reports it; let them print
        self.abort('%s: stopped by an uncaught %s; aborting the other workers'
                   % (self.label, etype.__name__))

    def _goodbye(self):
        """At exit: wait until every worker has finished (no timeout), then run callbacks."""
        if self._exiting or self._failed is not None:
            return
        self._exiting = True
        for callback in self._before_goodbye:
            callback()
        try:
            self.check('exit', 'has finished its script', timeout=False)
        except MXNetError as e:
            time.sleep(_GRACE)  # let the other workers print their side of the error first
            self.abort(str(e))
        for callback in self._goodbye_callbacks:
            callback()

    def on_goodbye(self, callback, before=False):
        """Run ``callback()`` at exit once every worker has finished its script.

        ``before=True``: run it before waiting for the others instead.
        """
        (self._before_goodbye if before else self._goodbye_callbacks).append(callback)

    # -- the header ----------------------------------------------------------------
    def check(self, op, detail, timeout=True):
        """Make sure every worker is doing ``op`` on the same ``detail`` (keys, shapes)."""
        if self._failed is not None:
            raise MXNetError(self._failed)
        if self.size == 1:
            return
        sig = _signature(op + '\0' + detail)
        header = self._header
        header[0], header[1] = sig, -sig
        what = '%s (%s)' % (op, _short(detail))
        with self.watchdog.guard(what, timeout=timeout):
            self.comm.Allreduce(self.MPI.IN_PLACE, header, op=self.MPI.MAX)
        if header[0] == sig and -header[1] == sig:
            return
        with self.watchdog.guard('exchanging descriptions after a mismatch'):
            everyone = self.comm.allgather('%s: %s' % (op, _short(detail, 300)))
        lines = '\n'.join('  worker %d: %s' % (r, d) for r, d in enumerate(everyone))
        self._failed = ('distributed KVStore: the workers diverged -- every worker must make the '
                        'same KVStore calls in the same order (same keys and shapes, the same '
                        'number of batches per epoch: shard data with num_parts=kv.num_workers, '
                        'part_index=kv.rank and equal-sized parts). What each worker was '
                        'doing:\n%s' % lines)
        raise MXNetError(self._failed)

    # -- payload collectives ---------------------------------------------------------
    def allreduce(self, buf, what):
        """Sum ``buf`` (a contiguous numpy array) over all workers, in place.

        The result is bit-identical on every worker by construction: with two
        workers each computes ``a + b`` (float addition commutes); with more,
        each element is summed by exactly one worker (reduce-scatter) and then
        copied to the others (allgather), whatever algorithms the MPI library
        picks.
        """
        if self.size == 1:
            return
        MPI = self.MPI
        with self.watchdog.guard(what):
            if self.size == 2:
                self.comm.Allreduce(MPI.IN_PLACE, buf, op=MPI.SUM)
                return
            n, size = buf.size, self.size
            counts = [n // size + (1 if r < n % size else 0) for r in range(size)]
            part = np.empty(counts[self.rank], dtype=buf.dtype)
            self.comm.Reduce_scatter(buf, part, recvcounts=counts, op=MPI.SUM)
            displs = np.concatenate([[0], np.cumsum(counts)[:-1]]).tolist()
            self.comm.Allgatherv(part, [buf, (counts, displs)])

    def bcast(self, buf, what, root=0):
        """Overwrite ``buf`` with ``root``'s ``buf``."""
        if self.size == 1:
            return
        with self.watchdog.guard(what):
            self.comm.Bcast(buf, root=root)

    def bcast_object(self, obj, what, root=0):
        if self.size == 1:
            return obj
        with self.watchdog.guard(what):
            return self.comm.bcast(obj, root=root)


def _short(detail, limit=160):
    return detail if len(detail) <= limit else detail[:limit - 3] + '...'
