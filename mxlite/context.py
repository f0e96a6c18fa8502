"""Devices: ``mx.cpu(i)`` is real; ``mx.gpu(i)`` can be named but not used."""
import threading

from .base import MXNetError

__all__ = ['Context', 'cpu', 'gpu', 'cpu_pinned', 'current_context', 'num_gpus']


class Context:
    """A device context, as MXNet names them: ``cpu(0)``, ``gpu(1)``."""
    devtype2str = {1: 'cpu', 2: 'gpu', 3: 'cpu_pinned', 5: 'cpu_shared'}
    devstr2type = {v: k for k, v in devtype2str.items()}
    _default = threading.local()

    def __init__(self, device_type, device_id=0):
        if isinstance(device_type, Context):
            self.device_typeid = device_type.device_typeid
            self.device_id = device_type.device_id
        else:
            if device_type not in self.devstr2type:
                raise MXNetError("Context: unknown device type %r; use 'cpu' or 'gpu'"
                                 % (device_type,))
            self.device_typeid = self.devstr2type[device_type]
            self.device_id = int(device_id)
        self._old_ctx = None

    @property
    def device_type(self):
        return self.devtype2str[self.device_typeid]

    def __hash__(self):
        return hash((self.device_typeid, self.device_id))

    def __eq__(self, other):
        return (isinstance(other, Context) and self.device_typeid == other.device_typeid
                and self.device_id == other.device_id)

    def __ne__(self, other):
        return not self == other

    def __repr__(self):
        return '%s(%d)' % (self.device_type, self.device_id)

    __str__ = __repr__

    def __enter__(self):
        self._old_ctx = current_context()
        Context._default.value = self
        return self

    def __exit__(self, *exc):
        Context._default.value = self._old_ctx

    def empty_cache(self):
        """Nothing is cached on the CPU; kept for API compatibility."""

    def check_usable(self, what):
        """Raise if arrays cannot live on this context (no GPU here)."""
        if self.device_typeid == 2:
            raise MXNetError(
                '%s: cannot use %s: mxlite runs on the CPU and no GPU is available '
                '(mx.context.num_gpus() == 0). Use mx.cpu() instead.' % (what, self))


def cpu(device_id=0):
    return Context('cpu', device_id)


def cpu_pinned(device_id=0):
    return Context('cpu_pinned', device_id)


def gpu(device_id=0):
    return Context('gpu', device_id)


def num_gpus():
    return 0


def gpu_memory_info(device_id=0):
    raise MXNetError('gpu_memory_info: no GPU is available in mxlite; use mx.cpu()')


def current_context():
    ctx = getattr(Context._default, 'value', None)
    return ctx if ctx is not None else Context('cpu', 0)
