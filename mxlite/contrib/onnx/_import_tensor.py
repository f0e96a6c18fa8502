"""Element-wise, reduction and indexing translators for ``import_model``."""
import numpy as np

from ._import_ops import translator, _err
from ._import_fold import axes_of

_INT_MAX = np.iinfo(np.int64).max

# ONNX op -> (mx broadcast op, mx scalar op, mx reversed scalar op)
_BINARY = {'Add': ('broadcast_add', '_plus_scalar', '_plus_scalar'),
           'Sub': ('broadcast_sub', '_minus_scalar', '_rminus_scalar'),
           'Mul': ('broadcast_mul', '_mul_scalar', '_mul_scalar'),
           'Div': ('broadcast_div', '_div_scalar', '_rdiv_scalar'),
           'Pow': ('broadcast_power', '_power_scalar', '_rpower_scalar'),
           'Max': ('broadcast_maximum', '_maximum_scalar', '_maximum_scalar'),
           'Min': ('broadcast_minimum', '_minimum_scalar', '_minimum_scalar')}


def _op(g, name):
    return getattr(g.mx._internal if name.startswith('_') else g.mx, name)


def _operand(g, name, other_rank):
    """A constant operand as a parameter with the other operand's rank (mx broadcasting)."""
    value = g.const(name)
    if value.ndim < other_rank:
        g.consts[name] = value.reshape((1,) * (other_rank - value.ndim) + value.shape)
    return g.sym(name)


def _binary(g, node, op_type, lhs, rhs, name):
    bcast, scalar, rscalar = _BINARY[op_type]
    lc, rc = g.is_const(lhs), g.is_const(rhs)
    if rc and g.const(rhs).size == 1 and not lc:
        return _op(g, scalar)(g.sym(lhs), scalar=float(g.const(rhs).ravel()[0]), name=name)
    if lc and g.const(lhs).size == 1 and not rc:
        return _op(g, rscalar)(g.sym(rhs), scalar=float(g.const(lhs).ravel()[0]), name=name)
    a = _operand(g, lhs, g.rank(rhs)) if lc else g.sym(lhs)
    b = _operand(g, rhs, g.rank(lhs)) if rc else g.sym(rhs)
    return _op(g, bcast)(a, b, name=name)


@translator(*_BINARY)
def binary(g, node, a):
    name = g.node_name(node)
    if len(node.input) == 2:
        return _binary(g, node, node.op_type, node.input[0], node.input[1], name)
    if node.op_type not in ('Max', 'Min'):
        raise _err(node, '%d inputs' % len(node.input))
    out = g.sym(node.input[0])
    for k, i in enumerate(node.input[1:], 1):
        out = _op(g, _BINARY[node.op_type][0])(out, g.sym(i), name=name if k == len(node.input) - 1
                                               else '%s_%d' % (name, k))
    return out


@translator('Sum', 'Mean')
def sum_mean(g, node, a):
    name = g.node_name(node)
    syms = [g.sym(i) for i in node.input]
    same = len({g.shape(i) for i in node.input}) == 1
    if same:
        out = g.mx.add_n(*syms, name=name if node.op_type == 'Sum' else name + '_sum')
    else:
        out = syms[0]
        for k, s in enumerate(syms[1:], 1):
            out = g.mx.broadcast_add(out, s, name='%s_%d' % (name, k))
    if node.op_type == 'Mean':
        out = g.mx._internal._div_scalar(out, scalar=float(len(syms)), name=name)
    return out


_UNARY = {'Exp': 'exp', 'Log': 'log', 'Sqrt': 'sqrt', 'Abs': 'abs', 'Neg': 'negative',
          'Reciprocal': 'reciprocal', 'Floor': 'floor', 'Ceil': 'ceil', 'Erf': 'erf',
          'Sin': 'sin', 'Cos': 'cos', 'Tan': 'tan', 'Sign': 'sign', 'Round': 'round',
          'Identity': 'identity', 'Asin': 'arcsin', 'Acos': 'arccos', 'Atan': 'arctan'}


@translator(*_UNARY)
def unary(g, node, a):
    return getattr(g.mx, _UNARY[node.op_type])(g.sym(node.input[0]), name=g.node_name(node))


_REDUCE = {'ReduceSum': 'sum', 'ReduceMean': 'mean', 'ReduceMax': 'max', 'ReduceMin': 'min',
           'ReduceProd': 'prod'}


@translator(*_REDUCE)
def reduce(g, node, a):
    axes = axes_of(g, node, a)
    keep = bool(a.get('keepdims', 1))
    x = node.input[0]
    if not axes:
        if a.get('noop_with_empty_axes', 0):
            return g.mx.identity(g.sym(x), name=g.node_name(node))
        axes = list(range(g.rank(x)))
    fn = getattr(g.mx, _REDUCE[node.op_type])
    out = fn(g.sym(x), axis=tuple(axes), keepdims=keep, name=g.node_name(node))
    if not keep and len(axes) == g.rank(x):
        raise _err(node, 'a full reduction to a scalar (mx returns shape (1,))')
    return out


@translator('Gather')
def gather(g, node, a):
    data, idx = node.input
    axis = int(a.get('axis', 0))
    name = g.node_name(node)
    if g.is_const(data) and not g.is_const(idx):
        w = g.const(data)
        if axis != 0 or w.ndim != 2:
            raise _err(node, 'a constant table must be 2-d and gathered along axis 0')
        return g.mx.Embedding(g.sym(idx), weight=g.sym(data), input_dim=w.shape[0],
                              output_dim=w.shape[1], name=name)
    if not g.is_const(idx):
        raise _err(node, 'indices must be constant when the data is not')
    rank = g.rank(data)
    axis %= rank
    size = g.shape(data)[axis]
    ids = np.asarray(g.const(idx)).astype(np.int64)
    ids = np.where(ids < 0, ids + size, ids)
    if ids.ndim == 0:
        s = g.mx.slice_axis(g.sym(data), axis=axis, begin=int(ids), end=int(ids) + 1,
                            name=name + '_slice')
        return g.mx.squeeze(s, axis=(axis,), name=name)
    if ids.ndim == 1 and ids.size and np.all(np.diff(ids) == 1):
        return g.mx.slice_axis(g.sym(data), axis=axis, begin=int(ids[0]), end=int(ids[-1]) + 1,
                               name=name)
    raise _err(node, 'indices other than a scalar or a consecutive range')


@translator('Split')
def split(g, node, a):
    x = node.input[0]
    shape = g.shape(x)
    axis = int(a.get('axis', 0)) % len(shape)
    n = len(node.output)
    sizes = None
    if len(node.input) > 1 and node.input[1]:
        sizes = [int(s) for s in g.const(node.input[1])]
    elif 'split' in a:
        sizes = [int(s) for s in a['split']]
    name = g.node_name(node)
    if sizes is None or len(set(sizes)) == 1:
        parts = g.mx.SliceChannel(g.sym(x), num_outputs=n, axis=axis, name=name)
        return [parts[i] for i in range(n)] if n > 1 else [parts]
    bounds = np.cumsum([0] + sizes)
    return [g.mx.slice_axis(g.sym(x), axis=axis, begin=int(lo), end=int(hi),
                            name='%s_%d' % (name, i))
            for i, (lo, hi) in enumerate(zip(bounds[:-1], bounds[1:]))]


@translator('Slice')
def slice_(g, node, a):
    x = node.input[0]
    shape = g.shape(x)
    if len(node.input) > 1:
        starts = g.const(node.input[1])
        ends = g.const(node.input[2])
        axes = g.const(node.input[3]) if len(node.input) > 3 and node.input[3] else \
            range(len(starts))
        steps = g.const(node.input[4]) if len(node.input) > 4 and node.input[4] else \
            [1] * len(starts)
    else:
        starts, ends = a['starts'], a['ends']
        axes, steps = a.get('axes', range(len(starts))), [1] * len(starts)
    begin, end, step = [None] * len(shape), [None] * len(shape), [None] * len(shape)
    for s, e, ax, st in zip(starts, ends, axes, steps):
        ax = int(ax) % len(shape)
        size = shape[ax]
        s, e, st = int(s), int(e), int(st)
        s = min(max(s + size if s < 0 else s, 0), size)
        if e >= _INT_MAX // 2:
            e = size
        elif e <= -_INT_MAX // 2:
            e = None
        else:
            e = min(max(e + size if e < 0 else e, -1), size)
            e = None if e < 0 else e
        begin[ax], end[ax], step[ax] = s, e, st
    return g.mx.slice(g.sym(x), begin=tuple(begin), end=tuple(end), step=tuple(step),
                      name=g.node_name(node))


@translator('Tile')
def tile(g, node, a):
    reps = tuple(int(r) for r in g.const(node.input[1]))
    return g.mx.tile(g.sym(node.input[0]), reps=reps, name=g.node_name(node))


@translator('Expand')
def expand(g, node, a):
    x = node.input[0]
    target = [int(d) for d in g.const(node.input[1])]
    shape = list(g.shape(x))
    rank = max(len(shape), len(target))
    shape = [1] * (rank - len(shape)) + shape
    target = [1] * (rank - len(target)) + target
    out_shape = tuple(max(s, t) for s, t in zip(shape, target))
    name = g.node_name(node)
    s = g.sym(x)
    if len(g.shape(x)) < rank:
        s = g.mx.Reshape(s, shape=tuple(shape), name=name + '_reshape')
    return g.mx.broadcast_to(s, shape=out_shape, name=name)


@translator('ArgMax', 'ArgMin')
def argmax(g, node, a):
    fn = g.mx.argmax if node.op_type == 'ArgMax' else g.mx.argmin
    name = g.node_name(node)
    y = fn(g.sym(node.input[0]), axis=int(a.get('axis', 0)), keepdims=bool(a.get('keepdims', 1)),
           name=name + '_arg')
    return g.mx.Cast(y, dtype='int64', name=name)
