"""Array constructors and the Python-level helpers of ``mx.nd``."""
import numbers

import numpy as np

from ..base import MXNetError, as_dtype, numeric_types, mx_real_t
from ..context import Context, current_context
from ..ops.registry import get_op
from . import invoke as _inv
from .ndarray import NDArray, _op

__all__ = ['imdecode', 'array', 'empty', 'zeros', 'ones', 'full', 'arange', 'eye', 'linspace', 'concatenate',
           'moveaxis', 'waitall', 'add', 'subtract', 'multiply', 'divide', 'true_divide',
           'modulo', 'power', 'maximum', 'minimum', 'equal', 'not_equal', 'greater',
           'greater_equal', 'lesser', 'lesser_equal', 'logical_and', 'logical_or', 'logical_xor',
           'onehot_encode', 'from_numpy']


def _ctx(ctx):
    ctx = ctx if ctx is not None else current_context()
    if not isinstance(ctx, Context):
        raise MXNetError('ctx must be a Context such as mx.cpu(), got %r' % (ctx,))
    ctx.check_usable('array')
    return ctx


def _shape(shape, what):
    if isinstance(shape, numbers.Integral):
        shape = (int(shape),)
    try:
        shape = tuple(int(d) for d in shape)
    except (TypeError, ValueError):
        raise MXNetError('%s: shape must be an int or a tuple of ints, got %r' % (what, shape)) from None
    if any(d < 0 for d in shape):
        raise MXNetError('%s: shape %s has a negative dimension' % (what, shape))
    return shape


def array(source_array, ctx=None, dtype=None):
    """A new NDArray copied from ``source_array`` (NDArray, numpy array, list, scalar).

    The dtype defaults to the source's for an NDArray and to float32 otherwise,
    as in MXNet 1.x.
    """
    ctx = _ctx(ctx)
    if isinstance(source_array, NDArray):
        dt = source_array._data.dtype if dtype is None else as_dtype(dtype)
        return NDArray(np.array(source_array._data, dtype=dt, copy=True), ctx)
    dt = as_dtype(dtype) if dtype is not None else np.dtype(mx_real_t)
    try:
        data = np.array(source_array, dtype=dt, copy=True)
    except (TypeError, ValueError) as e:
        raise MXNetError('array: cannot convert %s to an array of %s: %s'
                         % (type(source_array).__name__, dt.name, e)) from None
    return NDArray(data, ctx)


def from_numpy(ndarray, zero_copy=True):
    """Wrap a numpy array (sharing memory when ``zero_copy``)."""
    if not isinstance(ndarray, np.ndarray):
        raise MXNetError('from_numpy: expected a numpy.ndarray, got %s' % type(ndarray).__name__)
    data = ndarray if zero_copy and ndarray.flags.c_contiguous else np.ascontiguousarray(ndarray).copy()
    return NDArray(data, current_context())


def empty(shape, ctx=None, dtype=None):
    return NDArray(np.empty(_shape(shape, 'empty'), dtype=as_dtype(dtype)), _ctx(ctx))


def zeros(shape, ctx=None, dtype=None, **kwargs):
    return NDArray(np.zeros(_shape(shape, 'zeros'), dtype=as_dtype(dtype)), _ctx(ctx))


def ones(shape, ctx=None, dtype=None, **kwargs):
    return NDArray(np.ones(_shape(shape, 'ones'), dtype=as_dtype(dtype)), _ctx(ctx))


def full(shape, val, ctx=None, dtype=mx_real_t, out=None):
    arr = np.full(_shape(shape, 'full'), val, dtype=as_dtype(dtype))
    if out is not None:
        out[:] = arr
        return out
    return NDArray(arr, _ctx(ctx))


def arange(start, stop=None, step=1.0, repeat=1, infer_range=None, ctx=None, dtype=mx_real_t):
    """Evenly spaced values in [start, stop), each repeated ``repeat`` times."""
    return _inv.invoke(get_op('_arange'), (), dict(
        start=start, stop=stop, step=step, repeat=repeat, ctx=str(_ctx(ctx)), dtype=dtype))


def eye(N, M=0, k=0, ctx=None, dtype=mx_real_t, **kwargs):
    return _inv.invoke(get_op('_eye'), (), dict(N=N, M=M, k=k, ctx=str(_ctx(ctx)), dtype=dtype))


def linspace(start, stop, num, endpoint=True, ctx=None, dtype=mx_real_t):
    return _inv.invoke(get_op('_linspace'), (), dict(start=start, stop=stop, num=num,
                                                     endpoint=endpoint, ctx=str(_ctx(ctx)),
                                                     dtype=dtype))


def concatenate(arrays, axis=0, always_copy=True):
    if not arrays:
        raise MXNetError('concatenate: arrays must not be empty')
    if not always_copy and len(arrays) == 1:
        return arrays[0]
    return _op('Concat', *arrays, dim=axis)


def moveaxis(tensor, source, destination):
    axes = list(range(tensor.ndim))
    src = source % tensor.ndim
    dst = destination % tensor.ndim
    axes.pop(src)
    axes.insert(dst, src)
    return _op('transpose', tensor, axes=tuple(axes))


def waitall():
    """Operations are synchronous in mxlite: returns at once."""


def _ufunc_helper(lhs, rhs, array_op, scalar_op, rscalar_op, py_fn):
    if isinstance(lhs, numeric_types) and isinstance(rhs, numeric_types):
        return py_fn(lhs, rhs)
    if isinstance(rhs, numeric_types):
        return _op(scalar_op, lhs, scalar=float(rhs))
    if isinstance(lhs, numeric_types):
        return _op(rscalar_op, rhs, scalar=float(lhs))
    if isinstance(lhs, NDArray) and isinstance(rhs, NDArray):
        return _op(array_op, lhs, rhs)
    raise MXNetError('%s: operands must be NDArrays or numbers, got %s and %s'
                     % (array_op, type(lhs).__name__, type(rhs).__name__))


def _helper(array_op, scalar_op, rscalar_op, py_fn, doc):
    def fn(lhs, rhs):
        return _ufunc_helper(lhs, rhs, array_op, scalar_op, rscalar_op, py_fn)
    fn.__doc__ = doc
    return fn


add = _helper('broadcast_add', '_plus_scalar', '_plus_scalar', lambda a, b: a + b,
              'Elementwise sum with broadcasting; either side may be a scalar.')
subtract = _helper('broadcast_sub', '_minus_scalar', '_rminus_scalar', lambda a, b: a - b,
                   'Elementwise difference with broadcasting.')
multiply = _helper('broadcast_mul', '_mul_scalar', '_mul_scalar', lambda a, b: a * b,
                   'Elementwise product with broadcasting.')
divide = _helper('broadcast_div', '_div_scalar', '_rdiv_scalar', lambda a, b: a / b,
                 'Elementwise division with broadcasting.')
true_divide = divide
modulo = _helper('broadcast_mod', '_mod_scalar', '_rmod_scalar', lambda a, b: a % b,
                 'Elementwise modulo with broadcasting.')
power = _helper('broadcast_power', '_power_scalar', '_rpower_scalar', lambda a, b: a ** b,
                'Elementwise power with broadcasting.')
maximum = _helper('broadcast_maximum', '_maximum_scalar', '_maximum_scalar', max,
                  'Elementwise maximum with broadcasting.')
minimum = _helper('broadcast_minimum', '_minimum_scalar', '_minimum_scalar', min,
                  'Elementwise minimum with broadcasting.')
equal = _helper('broadcast_equal', '_equal_scalar', '_equal_scalar',
                lambda a, b: float(a == b), 'Elementwise ==, 1 or 0.')
not_equal = _helper('broadcast_not_equal', '_not_equal_scalar', '_not_equal_scalar',
                    lambda a, b: float(a != b), 'Elementwise !=, 1 or 0.')
greater = _helper('broadcast_greater', '_greater_scalar', '_lesser_scalar',
                  lambda a, b: float(a > b), 'Elementwise >, 1 or 0.')
greater_equal = _helper('broadcast_greater_equal', '_greater_equal_scalar', '_lesser_equal_scalar',
                        lambda a, b: float(a >= b), 'Elementwise >=, 1 or 0.')
lesser = _helper('broadcast_lesser', '_lesser_scalar', '_greater_scalar',
                 lambda a, b: float(a < b), 'Elementwise <, 1 or 0.')
lesser_equal = _helper('broadcast_lesser_equal', '_lesser_equal_scalar', '_greater_equal_scalar',
                       lambda a, b: float(a <= b), 'Elementwise <=, 1 or 0.')
logical_and = _helper('broadcast_logical_and', '_logical_and_scalar', '_logical_and_scalar',
                      lambda a, b: float(bool(a) and bool(b)), 'Elementwise logical and.')
logical_or = _helper('broadcast_logical_or', '_logical_or_scalar', '_logical_or_scalar',
                     lambda a, b: float(bool(a) or bool(b)), 'Elementwise logical or.')
logical_xor = _helper('broadcast_logical_xor', '_logical_xor_scalar', '_logical_xor_scalar',
                      lambda a, b: float(bool(a) != bool(b)), 'Elementwise logical xor.')


def onehot_encode(indices, out):
    """Legacy one-hot: writes into ``out`` of shape (n, depth)."""
    return _op('one_hot', indices, depth=out.shape[1], out=out)


def imdecode(str_img, clip_rect=(0, 0, 0, 0), out=None, index=0, channels=3, mean=None):
    """MXNet's legacy ``_imdecode`` wrapper (deprecated there, and failing in MXNet 1.9.1's
    pip build for every input): not provided; the error says what to call instead."""
    from ..base import MXNetError
    raise MXNetError('mx.nd.imdecode (the deprecated _imdecode operator) is not provided by '
                     'mxlite; use mx.image.imdecode(buf, flag=1, to_rgb=True), which returns the '
                     'decoded image as an HWC uint8 NDArray')
