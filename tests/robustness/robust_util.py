"""Shared by the robustness tests: fuzz settings, per-case limits, byte mutations, figures.

* :func:`fuzz` -- deterministic hypothesis settings (``derandomize``, no
  database, no deadline: every case is bounded by :func:`limits` instead).
* :func:`limits` -- a case must finish within ``seconds`` (SIGALRM raises
  :class:`CaseTimeout`, which ``except Exception`` cannot swallow) and
  allocate at most ``max_bytes`` at its peak (tracemalloc sees numpy's
  buffers too), so a loader that believes a size field is caught even when
  the machine could have satisfied the allocation.
* :data:`mutations` / :func:`mutate` -- structured corruption of a byte
  string: bit flips, size-like words (0, 2^31, 10^12, ...) written over
  fields, truncation, insertion, deletion and duplicated ranges.
* :func:`count` / :data:`FIGURES` -- the figures the suite reports at the
  end of the run (inputs tried per loader, kills survived, memory drift).
"""
import contextlib
import signal
import struct
import time
import tracemalloc

from hypothesis import HealthCheck, settings, strategies as st

FIGURES = {}


def count(name, k=1):
    """Add ``k`` to the figure ``name`` (printed in pytest's terminal summary)."""
    FIGURES[name] = FIGURES.get(name, 0) + k


def record(name, value):
    """Set the figure ``name``."""
    FIGURES[name] = value


def fuzz(max_examples):
    return settings(max_examples=max_examples, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck), print_blob=False)


class CaseTimeout(BaseException):
    """A single fuzz case ran past its time limit (a hang)."""


class CaseMemory(AssertionError):
    """A single fuzz case allocated more than its memory bound."""


@contextlib.contextmanager
def limits(seconds=5.0, max_bytes=None):
    """Bound one case's wall time and (optionally) its peak Python/numpy allocation.

    The memory bound is checked whether the case returns or raises.  Limits nest:
    an inner one never extends an outer one's deadline.
    """
    def _alarm(signum, frame):
        raise CaseTimeout('case exceeded its %.1f s time limit' % seconds)
    start = time.monotonic()
    old = signal.signal(signal.SIGALRM, _alarm)
    started = False
    if max_bytes is not None:
        if not tracemalloc.is_tracing():
            tracemalloc.start()
            started = True
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
    outer, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    if outer and outer < seconds:
        signal.setitimer(signal.ITIMER_REAL, outer)     # an enclosing limit comes first
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        if outer:
            # give the enclosing limit what is left of its time (at least a moment)
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - start), 1e-3))
        if max_bytes is not None:
            peak = tracemalloc.get_traced_memory()[1] - base
            if started:
                tracemalloc.stop()
            if peak > max_bytes:
                raise CaseMemory('case allocated %d bytes at its peak, bound %d'
                                 % (peak, max_bytes))


# values that make size and count fields lie
INTERESTING_WORDS = (0, 1, 2, 3, 4, 7, 8, 12, 31, 32, 33, 0x7F, 0xFF, 0x100, 0xFFFF, 0x7FFFFFFF,
                     0x80000000, 0xFFFFFFFF, 0x112, 0xF993FAC9, 0xF993FAC8, 0xF993FACA,
                     0xCED7230A, 10 ** 6, 10 ** 9)
INTERESTING_QWORDS = (0, 1, 2, 32, 33, 2 ** 31, 2 ** 32, 10 ** 12, 2 ** 62, 2 ** 63 - 1, 2 ** 63,
                      2 ** 64 - 1)

_pos = st.integers(0, 1 << 20)
mutation = st.one_of(
    st.tuples(st.just('flip'), _pos, st.integers(1, 255)),
    st.tuples(st.just('word'), _pos, st.one_of(st.sampled_from(INTERESTING_WORDS),
                                               st.integers(0, 2 ** 32 - 1))),
    st.tuples(st.just('qword'), _pos, st.one_of(st.sampled_from(INTERESTING_QWORDS),
                                                st.integers(0, 2 ** 64 - 1))),
    st.tuples(st.just('truncate'), _pos, st.just(0)),
    st.tuples(st.just('insert'), _pos, st.binary(min_size=1, max_size=16)),
    st.tuples(st.just('delete'), _pos, st.integers(1, 64)),
    st.tuples(st.just('dup'), _pos, st.integers(1, 64)),
)
mutations = st.lists(mutation, min_size=1, max_size=5)


def mutate(buf, muts, aligned=False):
    """Apply ``muts`` (from :data:`mutations`) to ``buf``; positions wrap around its length.

    ``aligned`` rounds word/qword positions down to 4 bytes (RecordIO fields).
    """
    buf = bytearray(buf)
    for kind, pos, val in muts:
        if not buf:
            break
        pos %= len(buf)
        if kind == 'flip':
            buf[pos] ^= val
        elif kind == 'word':
            if aligned:
                pos &= ~3
            buf[pos:pos + 4] = struct.pack('<I', val)
        elif kind == 'qword':
            if aligned:
                pos &= ~3
            buf[pos:pos + 8] = struct.pack('<Q', val)
        elif kind == 'truncate':
            del buf[pos:]
        elif kind == 'insert':
            buf[pos:pos] = val
        elif kind == 'delete':
            del buf[pos:pos + val]
        else:
            buf[pos:pos] = buf[pos:pos + val]
    return bytes(buf)
