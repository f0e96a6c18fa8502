"""Refuse, up front, to bind a graph that cannot fit in memory.

``check(what, need, planned, parts)`` raises ``MXNetError`` when ``need``
bytes of new memory exceed what the machine can give, so an oversized
network fails at ``bind`` with its planned size instead of being killed by
the kernel's OOM killer halfway through the first batch.

Available memory is the smallest of ``MemAvailable + SwapFree``
(``/proc/meminfo``; ``sysconf`` where there is none) and the headroom left
under the process's cgroup limit (v2 ``memory.max``, v1
``memory.limit_in_bytes``).  The environment variable
``MXLITE_MEMORY_LIMIT`` replaces it: a byte count with an optional K, M, G
or T suffix (``512M``), or ``off`` to disable the check.
"""
import os
import re

from ..base import MXNetError

__all__ = ['available_bytes', 'check', 'fmt_bytes', 'ENV']

ENV = 'MXLITE_MEMORY_LIMIT'
_UNITS = {'': 1, 'K': 1 << 10, 'M': 1 << 20, 'G': 1 << 30, 'T': 1 << 40}
_CGROUP_FILES = (('/sys/fs/cgroup/memory.max', '/sys/fs/cgroup/memory.current'),
                 ('/sys/fs/cgroup/memory/memory.limit_in_bytes',
                  '/sys/fs/cgroup/memory/memory.usage_in_bytes'))


def fmt_bytes(n):
    for unit, size in (('TiB', 1 << 40), ('GiB', 1 << 30), ('MiB', 1 << 20), ('KiB', 1 << 10)):
        if n >= size:
            return '%.1f %s' % (n / size, unit)
    return '%d bytes' % n


def _env_limit():
    text = os.environ.get(ENV, '').strip()
    if not text:
        return None
    if text.lower() in ('off', 'none', 'unlimited'):
        return float('inf')
    m = re.fullmatch(r'(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?', text, re.IGNORECASE)
    if not m:
        raise MXNetError('%s=%r: expected a number of bytes with an optional K/M/G/T suffix '
                         '(e.g. 512M), or off' % (ENV, text))
    return int(float(m.group(1)) * _UNITS[m.group(2).upper()])


def _meminfo():
    try:
        with open('/proc/meminfo') as f:
            fields = dict(line.split(':', 1) for line in f if ':' in line)
        kb = int(fields['MemAvailable'].split()[0]) + int(fields.get('SwapFree', '0 kB').split()[0])
        return kb * 1024
    except (OSError, KeyError, ValueError):
        pass                    # no /proc/meminfo (not Linux): ask sysconf below
    try:
        return os.sysconf('SC_AVPHYS_PAGES') * os.sysconf('SC_PAGE_SIZE')
    except (ValueError, OSError, AttributeError):
        return None


def _cgroup_headroom():
    for limit_file, usage_file in _CGROUP_FILES:
        try:
            with open(limit_file) as f:
                limit = f.read().strip()
            with open(usage_file) as f:
                usage = int(f.read().strip())
        except (OSError, ValueError):
            continue
        if limit == 'max' or not limit.isdigit() or int(limit) >= 1 << 60:
            return None
        return max(int(limit) - usage, 0)
    return None


def available_bytes():
    """Bytes a new allocation may take: the override, else the machine's (None: unknown)."""
    forced = _env_limit()
    if forced is not None:
        return forced
    known = [v for v in (_meminfo(), _cgroup_headroom()) if v is not None]
    return min(known) if known else None


def check(what, need, planned, parts, at_least=False):
    """Raise when ``need`` new bytes exceed the available memory.

    ``planned`` is the graph's whole planned size and ``parts`` its
    ``(name, bytes)`` breakdown, both for the message; ``at_least`` says the
    internal buffers are not counted yet (checked before planning them).
    """
    avail = available_bytes()
    if avail is None or need <= avail:
        return
    detail = ', '.join('%s %s' % (name, fmt_bytes(b)) for name, b in parts if b)
    source = 'the %s override' % ENV if os.environ.get(ENV, '').strip() else \
        'available memory (MemAvailable + SwapFree, within the cgroup limit)'
    raise MXNetError('%s: the graph is planned to need %s%s (%d bytes: %s) but only %s is '
                     'available (%s); use a smaller batch size or input shape, or free memory. '
                     'Set %s=<bytes> to change the limit'
                     % (what, 'at least ' if at_least else '', fmt_bytes(planned), planned, detail, fmt_bytes(avail), source,
                        ENV))
