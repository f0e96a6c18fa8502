"""The generated ``mx.sym`` operator functions (one per registry name)."""
from ..ndarray.register import op_docstring, populate
from .creation import create_symbol


def _make_sym_function(op, name):
    hint = name.lower()

    def fn(*args, **kwargs):
        return create_symbol(op, hint, args, kwargs)
    fn.__name__ = name
    fn.__qualname__ = name
    fn.__doc__ = op_docstring(op, 'Symbol') + '\nname : str, optional\n    Name of the node.\n' \
        'attr : dict of str to str, optional\n    Attributes of the node.'
    fn._generated = True
    return fn


def install(targets):
    populate(_make_sym_function, targets)
