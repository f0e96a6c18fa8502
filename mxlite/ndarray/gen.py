"""The generated ``mx.nd`` operator functions (filled in at import)."""
from ..ops.registry import get_op
from . import invoke as _inv
from .register import op_docstring, populate


def _make_nd_function(op, name):
    def fn(*args, **kwargs):
        return _inv.invoke(op, args, kwargs)
    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = op_docstring(op, 'NDArray')
    fn._generated = True
    return fn


def install(targets):
    populate(_make_nd_function, targets)


__all__ = ['install', 'get_op']
