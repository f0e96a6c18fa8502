"""Python-level helpers of ``mx.sym`` (creation and scalar-aware binary functions)."""
from ..base import MXNetError, numeric_types
from ..ops.registry import get_op
from .creation import create_symbol
from .symbol import Symbol

__all__ = ['zeros', 'ones', 'full', 'arange', 'linspace', 'eye', 'maximum', 'minimum', 'hypot',
           'pow', 'power']


def _call(op_name_, *args, **kwargs):
    # (the op's name is positional-only in spirit: callers may pass name= for the symbol)
    return create_symbol(get_op(op_name_), op_name_.lower(), args, kwargs)


def zeros(shape, dtype=None, **kwargs):
    return _call('_zeros', shape=shape, dtype=dtype or 'float32', **kwargs)


def ones(shape, dtype=None, **kwargs):
    return _call('_ones', shape=shape, dtype=dtype or 'float32', **kwargs)


def full(shape, val, dtype=None, **kwargs):
    return _call('_full', shape=shape, value=val, dtype=dtype or 'float32', **kwargs)


def arange(start, stop=None, step=1.0, repeat=1, infer_range=False, name=None, dtype=None):
    return _call('_arange', start=start, stop=stop, step=step, repeat=repeat,
                 infer_range=infer_range, name=name, dtype=dtype or 'float32')


def linspace(start, stop, num, endpoint=True, name=None, dtype=None):
    return _call('_linspace', start=start, stop=stop, num=num, endpoint=endpoint, name=name,
                 dtype=dtype or 'float32')


def eye(N, M=0, k=0, dtype=None, **kwargs):
    return _call('_eye', N=N, M=M, k=k, dtype=dtype or 'float32', **kwargs)


def _binary(name_sym, name_scalar, py):
    def fn(left, right):
        if isinstance(left, Symbol) and isinstance(right, Symbol):
            return _call(name_sym, left, right)
        if isinstance(left, Symbol) and isinstance(right, numeric_types):
            return _call(name_scalar, left, scalar=right)
        if isinstance(right, Symbol) and isinstance(left, numeric_types):
            return _call(name_scalar, right, scalar=left)
        if isinstance(left, numeric_types) and isinstance(right, numeric_types):
            return py(left, right)
        raise MXNetError('%s: operands must be Symbols or numbers' % name_sym)
    return fn


maximum = _binary('_Maximum', '_MaximumScalar', max)
minimum = _binary('_Minimum', '_MinimumScalar', min)
hypot = _binary('_Hypot', '_HypotScalar', lambda a, b: (a * a + b * b) ** 0.5)


def pow(base, exp):
    """base ** exp for Symbols and numbers."""
    if isinstance(base, Symbol) or isinstance(exp, Symbol):
        return base ** exp
    return base ** exp


power = pow
