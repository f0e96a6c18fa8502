"""``mx.engine``: operator bulking controls.

MXNet's engine groups operators into bulks to save scheduling overhead.
mxlite runs operators synchronously and its executor already runs a
pre-built step list, so bulking changes no result; the size is kept so
code that sets and restores it behaves as with MXNet.
"""
import contextlib

__all__ = ['bulk', 'set_bulk_size']

_bulk_size = 0


def set_bulk_size(size):
    """Set the bulk size; returns the previous one (as MXNet does)."""
    global _bulk_size
    if not isinstance(size, int) or isinstance(size, bool) or size < 0:
        from .base import MXNetError
        raise MXNetError('set_bulk_size: size must be a non-negative int, got %r' % (size,))
    prev, _bulk_size = _bulk_size, size
    return prev


@contextlib.contextmanager
def bulk(size):
    """``with mx.engine.bulk(size):`` sets the bulk size inside the block."""
    prev = set_bulk_size(size)
    try:
        yield
    finally:
        set_bulk_size(prev)
