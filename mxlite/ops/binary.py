"""Elementwise operators of two inputs: same-shape, broadcasting and scalar.

Three families share one table of computations:

* ``elemwise_add`` & co. (``_plus``, ``_Plus``...) need equal shapes; symbol
  ``a + b`` uses them, so symbols do not broadcast (as in MXNet).
* ``broadcast_add`` & co. follow numpy broadcasting; NDArray ``a + b`` uses them.
* ``_plus_scalar`` & co. take ``scalar``.  As in MXNet, the scalar is first
  cast to the array's dtype: ``int32 array * 2.5`` multiplies by 2.

Integer results wrap around like C (``uint8 200 + 100 == 44``); integer
division truncates toward zero.  Comparisons return 0/1 in the input dtype.
"""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import broadcast_shape


def _is_int(a):
    return a.dtype.kind in 'iub'


def _div(a, b, out):
    if _is_int(a) or _is_int(np.asarray(b)):
        with np.errstate(divide='ignore', invalid='ignore'):
            q = np.true_divide(a, b, dtype=np.float64)
        q = np.trunc(q)
        q[~np.isfinite(q)] = 0
        np.copyto(out, q, casting='unsafe')
        return out
    return np.true_divide(a, b, out=out, casting='unsafe')


def _mod(a, b, out):
    with np.errstate(divide='ignore', invalid='ignore'):
        r = np.mod(a, b)
    if not _is_int(np.asarray(r)):
        r = np.where(np.asarray(b) == 0, 0, r)
    np.copyto(out, r, casting='unsafe')
    return out


def _power(a, b, out):
    if _is_int(a):
        np.copyto(out, np.power(a.astype(np.float64), b), casting='unsafe')
        return out
    return np.power(a, b, out=out, casting='unsafe')


def _ufn(ufunc):
    def fn(a, b, out):
        return ufunc(a, b, out=out, casting='unsafe')
    return fn


def _cmp(ufunc):
    def fn(a, b, out):
        return ufunc(a, b, out=out, casting='unsafe')
    return fn


def _logical(ufunc):
    def fn(a, b, out):
        return ufunc(a != 0, np.asarray(b) != 0, out=out, casting='unsafe')
    return fn


def _safe_log(a):
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.log(a)


# name -> (fn(a, b, out), dlhs(a, b, y, g), drhs(a, b, y, g)); None: no gradient
BINARY = {
    'add': (_ufn(np.add), lambda a, b, y, g: g, lambda a, b, y, g: g),
    'sub': (_ufn(np.subtract), lambda a, b, y, g: g, lambda a, b, y, g: -g),
    'mul': (_ufn(np.multiply), lambda a, b, y, g: g * b, lambda a, b, y, g: g * a),
    'div': (_div, lambda a, b, y, g: g / b, lambda a, b, y, g: -g * a / (b * b)),
    'mod': (_mod, lambda a, b, y, g: g, lambda a, b, y, g: -g * np.floor(a / b)),
    'power': (_power, lambda a, b, y, g: g * b * np.power(a, b - 1),
              lambda a, b, y, g: g * y * _safe_log(a)),
    'maximum': (_ufn(np.maximum), lambda a, b, y, g: g * (a >= b), lambda a, b, y, g: g * (a < b)),
    'minimum': (_ufn(np.minimum), lambda a, b, y, g: g * (a <= b), lambda a, b, y, g: g * (a > b)),
    'hypot': (_ufn(np.hypot), lambda a, b, y, g: g * a / y, lambda a, b, y, g: g * b / y),
    'equal': (_cmp(np.equal), None, None),
    'not_equal': (_cmp(np.not_equal), None, None),
    'greater': (_cmp(np.greater), None, None),
    'greater_equal': (_cmp(np.greater_equal), None, None),
    'lesser': (_cmp(np.less), None, None),
    'lesser_equal': (_cmp(np.less_equal), None, None),
    'logical_and': (_logical(np.logical_and), None, None),
    'logical_or': (_logical(np.logical_or), None, None),
    'logical_xor': (_logical(np.logical_xor), None, None),
}

# MXNet's names for each family (primary name first).
ELEMWISE_NAMES = {
    'add': ('elemwise_add', '_plus', '_add', '_Plus'),
    'sub': ('elemwise_sub', '_minus', '_sub', '_Minus'),
    'mul': ('elemwise_mul', '_mul', '_Mul'),
    'div': ('elemwise_div', '_div', '_Div'),
    'mod': ('_mod', '_Mod'),
    'power': ('_power', '_Power'),
    'maximum': ('_maximum', '_Maximum'),
    'minimum': ('_minimum', '_Minimum'),
    'hypot': ('_hypot', '_Hypot'),
    'equal': ('_equal', '_Equal'),
    'not_equal': ('_not_equal', '_Not_Equal'),
    'greater': ('_greater', '_Greater'),
    'greater_equal': ('_greater_equal', '_Greater_Equal'),
    'lesser': ('_lesser', '_Lesser'),
    'lesser_equal': ('_lesser_equal', '_Lesser_Equal'),
    'logical_and': ('_logical_and', '_Logical_And'),
    'logical_or': ('_logical_or', '_Logical_Or'),
    'logical_xor': ('_logical_xor', '_Logical_Xor'),
}
BROADCAST_NAMES = {k: ('broadcast_' + k,) for k in BINARY}
BROADCAST_NAMES['add'] = ('broadcast_add', 'broadcast_plus')
BROADCAST_NAMES['sub'] = ('broadcast_sub', 'broadcast_minus')


def _camel(k):
    return ''.join(p.capitalize() for p in k.split('_'))


SCALAR_NAMES = {k: ('_%s_scalar' % k, '_%sScalar' % _camel(k)) for k in BINARY}
SCALAR_NAMES['add'] = ('_plus_scalar', '_PlusScalar')
SCALAR_NAMES['sub'] = ('_minus_scalar', '_MinusScalar')
SCALAR_NAMES['power'] = ('_power_scalar', '_PowerScalar')
# reversed forms: scalar OP array
RSCALAR_NAMES = {'sub': ('_rminus_scalar', '_RMinusScalar'), 'div': ('_rdiv_scalar', '_RDivScalar'),
                 'mod': ('_rmod_scalar', '_RModScalar'), 'power': ('_rpower_scalar', '_RPowerScalar')}


def reduce_to_shape(g, shape):
    """Sum a broadcast gradient back to ``shape``."""
    if g.shape == tuple(shape):
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(shape)
                                       if d == 1 and g.shape[lead + i] != 1)
    r = g.sum(axis=axes, keepdims=True, dtype=g.dtype) if axes else g
    return r.reshape(shape)


def _grad_pair(key, a, b, y, g):
    _, dl, dr = BINARY[key]
    if dl is None:
        return None, None
    with np.errstate(divide='ignore', invalid='ignore'):
        gl = dl(a, b, y, g)
        gr = dr(a, b, y, g)
    return np.asarray(gl, dtype=g.dtype), np.asarray(gr, dtype=g.dtype)


def _make_elemwise(key, names):
    fn = BINARY[key][0]

    class Elemwise(Operator):
        name = names[0]
        aliases = names[1:]
        arguments = ('lhs', 'rhs')
        inplace = ((0, 0), (1, 0))
        differentiable = BINARY[key][1] is not None
        doc = 'Elementwise %s of two arrays of the same shape.' % key

        def forward(self, ctx, attrs, inputs, aux):
            return [fn(inputs[0], inputs[1], ctx.out(0))]

        def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
            return list(_grad_pair(key, inputs[0], inputs[1], outputs[0], out_grads[0]))
    Elemwise.__name__ = Elemwise.__qualname__ = 'Elemwise_' + key
    if key in ('add', 'sub'):
        Elemwise.grad_needs = ()
    register(Elemwise)


def _make_broadcast(key, names):
    fn = BINARY[key][0]

    class Broadcast(Operator):
        name = names[0]
        aliases = names[1:]
        arguments = ('lhs', 'rhs')
        differentiable = BINARY[key][1] is not None
        doc = 'Elementwise %s with numpy-style broadcasting.' % key

        def infer_shape(self, attrs, in_shapes):
            lhs, rhs = in_shapes
            return [lhs, rhs], [broadcast_shape(self.name, lhs, rhs)]

        def forward(self, ctx, attrs, inputs, aux):
            return [fn(inputs[0], inputs[1], ctx.out(0))]

        def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
            a, b = inputs
            gl, gr = _grad_pair(key, a, b, outputs[0], out_grads[0])
            if gl is None:
                return [None, None]
            return [reduce_to_shape(np.broadcast_to(gl, outputs[0].shape), a.shape),
                    reduce_to_shape(np.broadcast_to(gr, outputs[0].shape), b.shape)]
    Broadcast.__name__ = Broadcast.__qualname__ = 'Broadcast_' + key
    register(Broadcast)


def scalar_as(dtype, scalar):
    """MXNet casts the scalar to the array's dtype first (C-style)."""
    if dtype.kind == 'f':
        return dtype.type(scalar)
    if dtype.kind == 'b':
        return bool(scalar)
    return np.array(int(scalar)).astype(dtype)[()]


SCALAR_PARAMS = (Param('scalar', 'float', 1.0), Param('is_int', 'bool', True))


def _make_scalar(key, names, reverse):
    fn = BINARY[key][0]

    class Scalar(Operator):
        name = names[0]
        aliases = names[1:]
        params = SCALAR_PARAMS
        inplace = ((0, 0),)
        differentiable = BINARY[key][1] is not None
        doc = ('Elementwise %s of a scalar and the array.' if reverse
               else 'Elementwise %s of the array and a scalar.') % key

        def forward(self, ctx, attrs, inputs, aux):
            x = inputs[0]
            s = scalar_as(x.dtype, attrs.scalar)
            if reverse:
                return [fn(np.asarray(s), x, ctx.out(0))]
            return [fn(x, s, ctx.out(0))]

        def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
            x = inputs[0]
            s = scalar_as(x.dtype, attrs.scalar)
            g = out_grads[0]
            dl, dr = BINARY[key][1:]
            if dl is None:
                return [None]
            with np.errstate(divide='ignore', invalid='ignore'):
                r = dr(s, x, outputs[0], g) if reverse else dl(x, s, outputs[0], g)
            return [np.asarray(np.broadcast_to(r, x.shape), dtype=g.dtype)]
    Scalar.__name__ = Scalar.__qualname__ = ('RScalar_' if reverse else 'Scalar_') + key
    register(Scalar)


for _k in BINARY:
    _make_elemwise(_k, ELEMWISE_NAMES[_k])
    _make_broadcast(_k, BROADCAST_NAMES[_k])
    _make_scalar(_k, SCALAR_NAMES[_k], False)
for _k, _names in RSCALAR_NAMES.items():
    _make_scalar(_k, _names, True)


@register
class AddN(Operator):
    name = 'add_n'
    aliases = ('ElementWiseSum', '_sparse_ElementWiseSum')
    params = (Param('num_args', 'int'),)
    num_args_param = 'num_args'
    grad_needs = ()
    doc = 'Sums any number of arrays of the same shape.'

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        if len(inputs) == 0:
            raise MXNetError('add_n: needs at least one input')
        np.copyto(out, inputs[0])
        for x in inputs[1:]:
            np.add(out, x, out=out, casting='unsafe')
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        return [out_grads[0]] * len(inputs)

