"""A watchdog that stops a worker stuck in an MPI call instead of letting it hang.

MPI launchers (MPICH's hydra, Open MPI's mpirun) stop every worker as soon
as one of them dies, so a killed worker ends the job within a second.  What
they cannot see is a worker that is alive but stuck -- stopped, partitioned
from the network, or waiting for a peer that will never call the matching
collective.  Every blocking MPI call of the distributed KVStores is made
inside ``with watchdog.guard(what)``: after ``warn_after`` seconds a line is
printed, after ``timeout`` seconds the worker prints what it was waiting for
and aborts the whole MPI job (the launcher then stops the others).

``MXLITE_KVSTORE_TIMEOUT`` (seconds, default 600; 0 waits forever) sets the
timeout; it has to exceed the longest time one worker can legitimately run
ahead of another (for example rank 0 alone evaluating a validation set).
"""
import os
import sys
import threading
import time
from contextlib import contextmanager

from ..base import MXNetError

__all__ = ['Watchdog', 'timeout_from_env']

DEFAULT_TIMEOUT = 600.0


def timeout_from_env():
    """The timeout in seconds from ``MXLITE_KVSTORE_TIMEOUT`` (None: wait forever)."""
    raw = os.environ.get('MXLITE_KVSTORE_TIMEOUT', '')
    if not raw.strip():
        return DEFAULT_TIMEOUT
    try:
        value = float(raw)
    except ValueError:
        raise MXNetError('MXLITE_KVSTORE_TIMEOUT=%r: expected a number of seconds (0 waits '
                         'forever)' % raw) from None
    if value < 0:
        raise MXNetError('MXLITE_KVSTORE_TIMEOUT=%r must not be negative' % raw)
    return value or None


class Watchdog:
    """Calls ``on_timeout(message)`` when one guarded call outlasts ``timeout`` seconds."""

    def __init__(self, timeout, on_timeout, label, warn_after=60.0, stream=None):
        self.timeout = timeout
        self.warn_after = warn_after if timeout is None else min(warn_after, timeout / 2.0)
        self._on_timeout = on_timeout
        self._label = label
        self._stream = stream
        self._what = None
        self._since = 0.0
        self._warned = False
        self._limited = True
        self._closed = False
        self._thread = None
        self._lock = threading.Lock()

    @contextmanager
    def guard(self, what, timeout=True):
        """Watch the enclosed blocking call; ``timeout=False`` only warns."""
        self._start()
        with self._lock:
            self._what, self._since, self._warned = what, time.monotonic(), False
            self._limited = timeout
        try:
            yield
        finally:
            with self._lock:
                self._what = None

    def close(self):
        """Stop the watching thread."""
        self._closed = True

    def _start(self):
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name='mxlite-kvstore-watchdog',
                                            daemon=True)
            self._thread.start()

    def _write(self, text):
        stream = self._stream or sys.stderr
        try:
            stream.write(text)
            stream.flush()
        except (OSError, ValueError):
            pass

    def _run(self):
        tick = 0.5 if self.timeout is None else max(0.05, min(0.5, self.timeout / 10.0))
        while not self._closed:
            time.sleep(tick)
            with self._lock:
                what, since, warned = self._what, self._since, self._warned
                limited = self._limited
            if what is None:
                continue
            waited = time.monotonic() - since
            if limited and self.timeout is not None and waited >= self.timeout:
                self._on_timeout('%s: timed out after %.0f s waiting for the other workers in %s; '
                                 'a worker has died, is stuck, or the workers ran different code '
                                 '(raise MXLITE_KVSTORE_TIMEOUT if a worker legitimately runs '
                                 'this far ahead); aborting the job'
                                 % (self._label, waited, what))
                return
            if not warned and waited >= self.warn_after:
                with self._lock:
                    if self._what == what and self._since == since:
                        self._warned = True
                limit = (' (aborting after %.0f s, MXLITE_KVSTORE_TIMEOUT)' % self.timeout
                         if limited and self.timeout is not None else '')
                self._write('%s: still waiting after %.0f s for the other workers in %s%s\n'
                            % (self._label, waited, what, limit))
