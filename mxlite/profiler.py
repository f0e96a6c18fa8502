"""``mx.profiler``: time every operator (executor steps and imperative calls).

    mx.profiler.set_config(profile_all=True, filename='profile.json', aggregate_stats=True)
    mx.profiler.set_state('run')
    ...                                   # train
    mx.profiler.set_state('stop')
    print(mx.profiler.dumps())           # per-operator table
    mx.profiler.dump()                   # Chrome trace (chrome://tracing, Perfetto)

When the profiler is not running, the hot loops do not look at it.
"""
import json
import os
import threading
import time

from .base import MXNetError

__all__ = ['set_config', 'set_state', 'pause', 'resume', 'dump', 'dumps', 'Domain', 'Task',
           'Frame', 'Event', 'Counter', 'Marker', 'profiler_set_config', 'profiler_set_state',
           'dump_profile']


class _State:
    def __init__(self):
        self.running = False
        self.paused = False
        self.config = {'filename': 'profile.json', 'profile_all': False,
                       'profile_symbolic': True, 'profile_imperative': True,
                       'profile_memory': False, 'profile_api': False,
                       'continuous_dump': False, 'dump_period': 1.0, 'aggregate_stats': False,
                       'profile_process': 'worker'}
        self.events = []
        self.lock = threading.Lock()
        self.t0 = time.perf_counter()

    @property
    def active(self):
        return self.running and not self.paused


STATE = _State()
_KNOWN = set(STATE.config)


def set_config(**kwargs):
    """Configure the profiler (keywords as in MXNet; unknown ones raise)."""
    unknown = [k for k in kwargs if k not in _KNOWN]
    if unknown:
        raise MXNetError('profiler.set_config: unknown option(s) %s; known: %s'
                         % (', '.join(unknown), ', '.join(sorted(_KNOWN))))
    STATE.config.update(kwargs)


def set_state(state='stop', profile_process='worker'):
    """'run' starts recording, 'stop' stops it."""
    if state not in ('run', 'stop'):
        raise MXNetError("profiler.set_state: state must be 'run' or 'stop', got %r" % (state,))
    STATE.running = state == 'run'
    STATE.paused = False


def pause(profile_process='worker'):
    STATE.paused = True


def resume(profile_process='worker'):
    STATE.paused = False


def record(name, category, start, end):
    """Add one complete event (perf_counter seconds)."""
    with STATE.lock:
        STATE.events.append((name, category, start, end, threading.get_ident()))


def _want(category):
    c = STATE.config
    if c['profile_all']:
        return True
    return (category == 'symbolic' and c['profile_symbolic']) or \
        (category == 'imperative' and c['profile_imperative']) or category == 'user'


def dump(finished=True, profile_process='worker'):
    """Write the recorded events as a Chrome trace to the configured filename."""
    events = []
    with STATE.lock:
        recorded = list(STATE.events)
        if finished:
            STATE.events = []
    pid = os.getpid()
    for name, cat, start, end, tid in recorded:
        if not _want(cat):
            continue
        events.append({'name': name, 'cat': cat, 'ph': 'X', 'pid': pid, 'tid': tid,
                       'ts': (start - STATE.t0) * 1e6, 'dur': (end - start) * 1e6})
    from .ndarray.serialization import atomic_write
    atomic_write(STATE.config['filename'], json.dumps({'traceEvents': events,
                                                       'displayTimeUnit': 'ms'}).encode())


def dumps(reset=False, format='table', sort_by='total', ascending=False):
    """Aggregate statistics per operator: count and total/min/max/avg time in ms."""
    if format not in ('table', 'json'):
        raise MXNetError("profiler.dumps: format must be 'table' or 'json'")
    stats = {}
    with STATE.lock:
        recorded = list(STATE.events)
        if reset:
            STATE.events = []
    for name, cat, start, end, _ in recorded:
        ms = (end - start) * 1e3
        s = stats.setdefault((cat, name), [0, 0.0, float('inf'), 0.0])
        s[0] += 1
        s[1] += ms
        s[2] = min(s[2], ms)
        s[3] = max(s[3], ms)
    key = {'total': lambda kv: kv[1][1], 'count': lambda kv: kv[1][0],
           'min': lambda kv: kv[1][2], 'max': lambda kv: kv[1][3],
           'avg': lambda kv: kv[1][1] / kv[1][0]}.get(sort_by)
    if key is None:
        raise MXNetError("profiler.dumps: sort_by must be total, count, min, max or avg")
    rows = sorted(stats.items(), key=key, reverse=not ascending)
    if format == 'json':
        return json.dumps({cat + ':' + name: {'count': c, 'total_ms': t, 'min_ms': mn,
                                              'max_ms': mx, 'avg_ms': t / c}
                           for (cat, name), (c, t, mn, mx) in rows})
    lines = ['Profile Statistics:', '%-40s %10s %14s %12s %12s %12s' % (
        'Name', 'Calls', 'Total(ms)', 'Min(ms)', 'Max(ms)', 'Avg(ms)')]
    for (cat, name), (c, t, mn, mx) in rows:
        lines.append('%-40s %10d %14.4f %12.4f %12.4f %12.4f' % (name[:40], c, t, mn, mx, t / c))
    return '\n'.join(lines)


class Domain:
    """A named group of user events."""

    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name

    def new_task(self, name):
        return Task(self, name)

    def new_frame(self, name):
        return Frame(self, name)

    def new_counter(self, name, value=None):
        return Counter(self, name, value)

    def new_marker(self, name):
        return Marker(self, name)


class _Span:
    def __init__(self, domain, name):
        self.domain = domain
        self.name = name
        self._start = None

    def start(self):
        self._start = time.perf_counter()

    def stop(self):
        if self._start is None:
            raise MXNetError('%s %s: stop() before start()' % (type(self).__name__, self.name))
        if STATE.active:
            prefix = '%s::' % self.domain if self.domain is not None else ''
            record(prefix + self.name, 'user', self._start, time.perf_counter())
        self._start = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()


class Task(_Span):
    """``mx.profiler.Task(domain, name)``: a named span recorded between start() and stop()."""


class Frame(_Span):
    """``mx.profiler.Frame(domain, name)``: a named span recorded between start() and stop()."""


class Event(_Span):
    def __init__(self, name):
        super().__init__(None, name)


class Counter:
    def __init__(self, domain, name, value=None):
        self.domain = domain
        self.name = name
        self.value = value or 0

    def set_value(self, value):
        self.value = value
        if STATE.active:
            now = time.perf_counter()
            record('%s::%s=%s' % (self.domain, self.name, value), 'user', now, now)

    def increment(self, delta=1):
        self.set_value(self.value + delta)

    def decrement(self, delta=1):
        self.set_value(self.value - delta)

    def __iadd__(self, delta):
        self.increment(delta)
        return self

    def __isub__(self, delta):
        self.decrement(delta)
        return self


class Marker:
    def __init__(self, domain, name):
        self.domain = domain
        self.name = name

    def mark(self, scope='process'):
        if STATE.active:
            now = time.perf_counter()
            record('%s::%s' % (self.domain, self.name), 'user', now, now)


# MXNet's older names
def profiler_set_config(mode='symbolic', filename='profile.json'):
    set_config(profile_all=(mode == 'all'), filename=filename)


def profiler_set_state(state='stop'):
    set_state(state)


def dump_profile():
    dump(True)
