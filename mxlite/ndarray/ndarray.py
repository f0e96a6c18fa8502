"""The NDArray: a numpy array on a Context, with MXNet 1.x semantics.

Memory: ``b = a`` is the same object; ``a[1:3]`` and ``a[i]`` are views that
share memory (first-axis slicing, as in MXNet); ``copy()``/``copyto()`` and
``b[:] = a`` copy.  Operations run synchronously, so ``wait_to_read`` and
``waitall`` return at once.  Arithmetic dispatches to registry operators
(``broadcast_add``, ``_plus_scalar``...), so autograd sees every step.
"""
import numbers

import numpy as np

from ..base import MXNetError, as_dtype, numeric_types
from ..context import Context, current_context
from ..ops.registry import get_op
from . import invoke as _inv

__all__ = ['NDArray']


def _op(name, *args, **kwargs):
    return _inv.invoke(get_op(name), args, kwargs)


def _scalar_or_array(self, other, array_op, scalar_op, rscalar_op=None, reverse=False):
    if isinstance(other, NDArray):
        if reverse:
            return _op(array_op, other, self)
        return _op(array_op, self, other)
    if isinstance(other, numeric_types) or (isinstance(other, np.ndarray) and other.ndim == 0):
        if reverse and rscalar_op is not None:
            return _op(rscalar_op, self, scalar=float(other))
        return _op(scalar_op, self, scalar=float(other))
    if isinstance(other, np.ndarray):
        other = NDArray(np.asarray(other, dtype=self._data.dtype), self._ctx)
        return _scalar_or_array(self, other, array_op, scalar_op, rscalar_op, reverse)
    return NotImplemented


def _inplace(self, other, array_op, scalar_op):
    if not self.writable:
        raise MXNetError('trying to modify a read-only NDArray in place')
    if isinstance(other, NDArray):
        return _op(array_op, self, other, out=self)
    if isinstance(other, numeric_types):
        return _op(scalar_op, self, scalar=float(other), out=self)
    raise MXNetError('in-place arithmetic with type %s is not supported' % type(other).__name__)


class NDArray:
    """An n-dimensional array on a device context (MXNet 1.x ``mx.nd.NDArray``)."""
    __slots__ = ('_data', '_ctx', '_grad', '_grad_req', '_ag', 'writable', '_fresh_grad',
                 '__weakref__')
    __array_priority__ = 1000.0

    def __init__(self, data, ctx=None, writable=True):
        self._data = data
        self._ctx = ctx if ctx is not None else current_context()
        self._grad = None
        self._grad_req = 'null'
        self._ag = None
        self.writable = writable
        self._fresh_grad = False

    # -- description -----------------------------------------------------
    @property
    def shape(self):
        return self._data.shape

    @property
    def dtype(self):
        return self._data.dtype.type

    @property
    def size(self):
        return self._data.size

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def context(self):
        return self._ctx

    ctx = context

    @property
    def stype(self):
        return 'default'

    @property
    def handle(self):
        return id(self._data)

    @property
    def T(self):
        if self.ndim < 2:
            return self
        return _op('transpose', self)

    def __repr__(self):
        shape_info = 'x'.join('%d' % d for d in self.shape)
        return '\n%s\n<%s %s @%s>' % (str(self.asnumpy()), self.__class__.__name__,
                                      shape_info, self._ctx)

    __str__ = __repr__

    def __len__(self):
        if self.ndim == 0:
            raise TypeError('len() of a 0-d NDArray')
        return self.shape[0]

    def __iter__(self):
        for i in range(self.shape[0] if self.ndim else 0):
            yield self[i]

    def __bool__(self):
        n = self.size
        if n == 0:
            return False
        if n == 1:
            return bool(self._data.reshape(-1)[0])
        raise ValueError('The truth value of an NDArray with multiple elements is ambiguous.')

    __nonzero__ = __bool__

    def __hash__(self):
        return id(self) // 16

    def __getstate__(self):
        return {'data': self.asnumpy(), 'ctx': str(self._ctx)}

    def __setstate__(self, state):
        dev, _, rest = state['ctx'].partition('(')
        self._data = state['data']
        self._ctx = Context(dev, int(rest.rstrip(')') or 0))
        self._grad = None
        self._grad_req = 'null'
        self._ag = None
        self.writable = True
        self._fresh_grad = False

    # -- conversion ------------------------------------------------------
    def asnumpy(self):
        """A numpy copy of the data."""
        return np.array(self._data, copy=True)

    def asscalar(self):
        if self.size != 1:
            raise MXNetError('asscalar: the array must have exactly one element, it has shape %s'
                             % (self.shape,))
        return self._data.reshape(-1)[0].item() if self.dtype == np.bool_ else \
            self._data.dtype.type(self._data.reshape(-1)[0])

    def astype(self, dtype, copy=True):
        dt = as_dtype(dtype, 'astype')
        if not copy and dt == self._data.dtype:
            return self
        return _op('Cast', self, dtype=dt)

    def copy(self):
        return self.copyto(self._ctx)

    def copyto(self, other):
        """Copy into ``other`` (an NDArray, returned) or onto a Context (new array)."""
        if isinstance(other, NDArray):
            if other is self:
                return other
            if other.shape != self.shape:
                raise MXNetError('copyto: destination shape %s does not match source shape %s'
                                 % (other.shape, self.shape))
            np.copyto(other._data, self._data, casting='unsafe')
            return other
        if isinstance(other, Context):
            other.check_usable('copyto')
            if _inv.STATE.recording and _inv.STATE.recorder is not None:
                r = _op('_copy', self)
                r._ctx = other
                return r
            return NDArray(np.array(self._data, copy=True), other)
        raise MXNetError('copyto: destination must be an NDArray or a Context, got %s'
                         % type(other).__name__)

    def as_in_context(self, context):
        if self._ctx == context:
            return self
        return self.copyto(context)

    as_in_ctx = as_in_context

    def tostype(self, stype):
        if stype != 'default':
            raise MXNetError("tostype: sparse storage type %r is not supported by mxlite; only "
                             "'default' (dense) arrays exist" % (stype,))
        return self

    def wait_to_read(self):
        """Operations are synchronous in mxlite: returns at once."""

    def wait_to_write(self):
        """Operations are synchronous in mxlite: returns at once."""

    # -- shape -----------------------------------------------------------
    def reshape(self, *shape, **kwargs):
        """A view with a new shape (MXNet's special codes 0, -1, -2, -3, -4 apply)."""
        if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
            shape = tuple(shape[0])
        if 'shape' in kwargs:
            shape = tuple(kwargs.pop('shape'))
        reverse = bool(kwargs.pop('reverse', False))
        if kwargs:
            raise MXNetError('reshape: unknown arguments %s' % ', '.join(kwargs))
        from ..ops.shape import reshape_shape
        new = reshape_shape('reshape', self.shape, shape, reverse)
        if _inv.STATE.recording and _inv.STATE.recorder is not None:
            return _op('Reshape', self, shape=new)
        return NDArray(self._data.reshape(new), self._ctx)

    # -- indexing --------------------------------------------------------
    def __getitem__(self, key):
        from .indexing import getitem
        return getitem(self, key)

    def __setitem__(self, key, value):
        from .indexing import setitem
        setitem(self, key, value)

    # -- arithmetic ------------------------------------------------------
    def __add__(self, other):
        return _scalar_or_array(self, other, 'broadcast_add', '_plus_scalar')

    def __radd__(self, other):
        return _scalar_or_array(self, other, 'broadcast_add', '_plus_scalar', reverse=True)

    def __sub__(self, other):
        return _scalar_or_array(self, other, 'broadcast_sub', '_minus_scalar')

    def __rsub__(self, other):
        return _scalar_or_array(self, other, 'broadcast_sub', '_minus_scalar', '_rminus_scalar',
                                reverse=True)

    def __mul__(self, other):
        return _scalar_or_array(self, other, 'broadcast_mul', '_mul_scalar')

    def __rmul__(self, other):
        return _scalar_or_array(self, other, 'broadcast_mul', '_mul_scalar', reverse=True)

    def __truediv__(self, other):
        return _scalar_or_array(self, other, 'broadcast_div', '_div_scalar')

    def __rtruediv__(self, other):
        return _scalar_or_array(self, other, 'broadcast_div', '_div_scalar', '_rdiv_scalar',
                                reverse=True)

    __div__ = __truediv__
    __rdiv__ = __rtruediv__

    def __mod__(self, other):
        return _scalar_or_array(self, other, 'broadcast_mod', '_mod_scalar')

    def __rmod__(self, other):
        return _scalar_or_array(self, other, 'broadcast_mod', '_mod_scalar', '_rmod_scalar',
                                reverse=True)

    def __pow__(self, other):
        return _scalar_or_array(self, other, 'broadcast_power', '_power_scalar')

    def __rpow__(self, other):
        return _scalar_or_array(self, other, 'broadcast_power', '_power_scalar', '_rpower_scalar',
                                reverse=True)

    def __neg__(self):
        return _op('_mul_scalar', self, scalar=-1.0)

    def __pos__(self):
        return self

    def __abs__(self):
        return _op('abs', self)

    def __eq__(self, other):
        if other is None:
            return False
        return _scalar_or_array(self, other, 'broadcast_equal', '_equal_scalar')

    def __ne__(self, other):
        if other is None:
            return True
        return _scalar_or_array(self, other, 'broadcast_not_equal', '_not_equal_scalar')

    def __gt__(self, other):
        return _scalar_or_array(self, other, 'broadcast_greater', '_greater_scalar',
                                '_lesser_scalar', reverse=False)

    def __ge__(self, other):
        return _scalar_or_array(self, other, 'broadcast_greater_equal', '_greater_equal_scalar')

    def __lt__(self, other):
        return _scalar_or_array(self, other, 'broadcast_lesser', '_lesser_scalar')

    def __le__(self, other):
        return _scalar_or_array(self, other, 'broadcast_lesser_equal', '_lesser_equal_scalar')

    def __iadd__(self, other):
        return _inplace(self, other, 'broadcast_add', '_plus_scalar')

    def __isub__(self, other):
        return _inplace(self, other, 'broadcast_sub', '_minus_scalar')

    def __imul__(self, other):
        return _inplace(self, other, 'broadcast_mul', '_mul_scalar')

    def __itruediv__(self, other):
        return _inplace(self, other, 'broadcast_div', '_div_scalar')

    __idiv__ = __itruediv__

    def __imod__(self, other):
        return _inplace(self, other, 'broadcast_mod', '_mod_scalar')

    # -- autograd --------------------------------------------------------
    @property
    def grad(self):
        return self._grad

    def attach_grad(self, grad_req='write', stype=None):
        """Allocate a gradient buffer and mark this array as a variable for autograd."""
        if grad_req not in ('write', 'add', 'null'):
            raise MXNetError("attach_grad: grad_req must be 'write', 'add' or 'null', got %r"
                             % (grad_req,))
        self._grad = NDArray(np.zeros_like(self._data), self._ctx)
        self._grad_req = grad_req
        self._ag = None
        from .. import autograd
        autograd.mark_variables([self], [self._grad], grad_req)

    def detach(self):
        return NDArray(self._data, self._ctx)

    def backward(self, out_grad=None, retain_graph=False, train_mode=True):
        from .. import autograd
        autograd.backward([self], None if out_grad is None else [out_grad],
                          retain_graph=retain_graph, train_mode=train_mode)


def _fluent(op_name):
    def method(self, *args, **kwargs):
        return _inv.invoke(get_op(op_name), (self,) + args, kwargs)
    method.__name__ = op_name
    method.__doc__ = 'Same as ``mx.nd.%s(self, ...)``.' % op_name
    return method


FLUENT = (
    'zeros_like', 'ones_like', 'broadcast_axes', 'broadcast_axis', 'repeat', 'pad', 'swapaxes',
    'split', 'slice', 'slice_axis', 'slice_like', 'take', 'one_hot', 'pick', 'sort', 'topk',
    'argsort', 'argmax', 'argmax_channel', 'argmin', 'clip', 'abs', 'sign', 'flatten',
    'shape_array', 'size_array', 'expand_dims', 'tile', 'transpose', 'flip', 'depth_to_space',
    'space_to_depth', 'sum', 'nansum', 'prod', 'nanprod', 'mean', 'max', 'min', 'norm', 'round',
    'rint', 'fix', 'floor', 'ceil', 'trunc', 'sin', 'cos', 'tan', 'arcsin', 'arccos', 'arctan',
    'degrees', 'radians', 'sinh', 'cosh', 'tanh', 'arcsinh', 'arccosh', 'arctanh', 'exp',
    'expm1', 'log', 'log10', 'log2', 'log1p', 'sqrt', 'rsqrt', 'cbrt', 'rcbrt', 'square',
    'reciprocal', 'relu', 'sigmoid', 'softmax', 'log_softmax', 'softmin', 'squeeze',
    'broadcast_to', 'broadcast_like', 'reshape_like', 'diag')


def _install_fluent():
    from ..ops.registry import find_op
    for name in FLUENT:
        if find_op(name) is not None and not hasattr(NDArray, name):
            setattr(NDArray, name, _fluent(name))


_install_fluent()
