"""``mx.util``: environment helpers and the NumPy-semantics switches of MXNet 1.x.

mxlite implements MXNet's classic NDArray semantics; the ``mx.np``/``mx.npx``
NumPy-compatible front end is not provided, so ``is_np_array()`` and
``is_np_shape()`` are always False and turning them on raises a clear error.
"""
import os

from .base import MXNetError

__all__ = ['getenv', 'setenv', 'get_gpu_count', 'get_gpu_memory', 'is_np_array', 'is_np_shape',
           'set_np_shape', 'set_np', 'reset_np', 'use_np', 'use_np_array', 'use_np_shape',
           'np_array', 'np_shape', 'makedirs']

_NO_NP = ("mxlite implements MXNet 1.x's classic NDArray semantics; the NumPy-compatible "
          "mode (mx.np / mx.npx, %s) is not available. Use mx.nd and mx.sym.")


def getenv(name):
    """The value of environment variable ``name``, or None."""
    return os.environ.get(name)


def setenv(name, value):
    """Set environment variable ``name`` to ``value`` (None unsets it)."""
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = str(value)


def get_gpu_count():
    """0: mxlite runs on the CPU."""
    return 0


def get_gpu_memory(gpu_dev_id):
    raise MXNetError('get_gpu_memory(%r): mxlite runs on the CPU only; there is no GPU %r'
                     % (gpu_dev_id, gpu_dev_id))


def is_np_array():
    return False


def is_np_shape():
    return False


def set_np_shape(active):
    """Only ``False`` (MXNet's default, legacy shape semantics) is accepted; returns the
    previous state."""
    if active:
        raise MXNetError(_NO_NP % 'set_np_shape(True)')
    return False


def set_np(shape=True, array=True, dtype=False):
    if shape or array or dtype:
        raise MXNetError(_NO_NP % 'set_np()')


def reset_np():
    """Back to classic semantics: nothing to undo in mxlite."""


def _refuse(what):
    def decorator(func=None):
        raise MXNetError(_NO_NP % what)
    return decorator


use_np = _refuse('use_np')
use_np_array = _refuse('use_np_array')
use_np_shape = _refuse('use_np_shape')


class _Refusing:
    def __init__(self, what):
        self.what = what

    def __enter__(self):
        raise MXNetError(_NO_NP % self.what)

    def __exit__(self, *exc):
        return False


def np_array(active=True):
    """``with mx.util.np_array(False):`` is a no-op; ``True`` raises."""
    return _Refusing('np_array(True)') if active else _NoOp()


def np_shape(active=True):
    """``with mx.util.np_shape(False):`` is a no-op; ``True`` raises."""
    return _Refusing('np_shape(True)') if active else _NoOp()


class _NoOp:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def makedirs(d):
    """Create directory ``d`` and its parents; an existing one is fine."""
    os.makedirs(d, exist_ok=True)
