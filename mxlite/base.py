"""Errors, dtype tables and small parsing helpers shared by every layer.

Everything user-facing raises :class:`MXNetError` (a ``RuntimeError``, as in
MXNet 1.x).  Where Python code conventionally expects ``ValueError`` or
``TypeError`` we raise a subclass of both, so ``except MXNetError`` and
``except ValueError`` both work.
"""
import numbers

import numpy as np

__all__ = ['MXNetError', 'MXNetValueError', 'MXNetTypeError', 'mx_real_t',
           'string_types', 'numeric_types', 'integer_types', 'py_str', '_Null']


class MXNetError(RuntimeError):
    """The error every mxlite failure raises (MXNet 1.x spelling)."""


class MXNetValueError(MXNetError, ValueError):
    """A bad value: both ``MXNetError`` and ``ValueError``."""


class MXNetTypeError(MXNetError, TypeError):
    """A bad type: both ``MXNetError`` and ``TypeError``."""


class MXNetNotImplementedError(MXNetError, NotImplementedError):
    """An abstract method a subclass did not override, or something mxlite does not do:
    both ``MXNetError`` and ``NotImplementedError`` (what MXNet raises there)."""


def must_override(obj, method, what):
    """Raise the error of an abstract ``method`` that ``obj``'s class did not override;
    ``what`` says what the override must do."""
    raise MXNetNotImplementedError('%s.%s is abstract: %s' % (type(obj).__name__, method, what))


class _NullType:
    """Marks "argument not given" where ``None`` is a meaningful value."""
    __slots__ = ()

    def __repr__(self):
        return '_Null'

    def __bool__(self):
        return False


_Null = _NullType()

mx_real_t = np.float32
string_types = (str,)
numeric_types = (float, int, np.generic)
integer_types = (int, np.integer)


def py_str(x):
    return x.decode('utf-8') if isinstance(x, bytes) else x


# MXNet's type flags (mshadow::TypeFlag), used by .params files and JSON.
DTYPE_TO_FLAG = {
    np.dtype('float32'): 0, np.dtype('float64'): 1, np.dtype('float16'): 2,
    np.dtype('uint8'): 3, np.dtype('int32'): 4, np.dtype('int8'): 5,
    np.dtype('int64'): 6, np.dtype('bool'): 7, np.dtype('int16'): 8,
    np.dtype('uint16'): 9, np.dtype('uint32'): 10, np.dtype('uint64'): 11,
}
FLAG_TO_DTYPE = {v: k for k, v in DTYPE_TO_FLAG.items()}

_DTYPE_ALIASES = {'float': 'float32', 'double': 'float64', 'half': 'float16'}


def as_dtype(dtype, what='dtype'):
    """Normalise anything MXNet accepts as a dtype to a ``numpy.dtype``.

    Accepts numpy dtypes and scalar types, Python ``float``/``int``/``bool``
    and MXNet's strings ('float32', 'int8', ...).  Raises ``MXNetTypeError``
    naming ``what`` for anything else.
    """
    if dtype is None:
        return np.dtype(np.float32)
    if isinstance(dtype, np.dtype):
        dt = dtype
    else:
        if isinstance(dtype, str):
            dtype = _DTYPE_ALIASES.get(dtype, dtype)
        try:
            dt = np.dtype(dtype)
        except TypeError:
            raise MXNetTypeError('%s: %r is not a data type; use e.g. '
                                 "'float32', 'int32' or numpy.float32" % (what, dtype)) from None
    if dt not in DTYPE_TO_FLAG:
        raise MXNetTypeError('%s: data type %s is not supported; supported: %s'
                             % (what, dt.name, ', '.join(sorted(d.name for d in DTYPE_TO_FLAG))))
    return dt


def is_integral(x):
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)
