"""ONNX converters for mx's element-wise, reduction and shape operators (opset 13)."""
import numpy as np

from ._graph import register, unsupported, onnx_dtype

_BINARY = {'elemwise_add': 'Add', 'broadcast_add': 'Add', 'elemwise_sub': 'Sub',
           'broadcast_sub': 'Sub', 'elemwise_mul': 'Mul', 'broadcast_mul': 'Mul',
           'elemwise_div': 'Div', 'broadcast_div': 'Div', '_power': 'Pow',
           'broadcast_power': 'Pow', '_maximum': 'Max', 'broadcast_maximum': 'Max',
           '_minimum': 'Min', 'broadcast_minimum': 'Min', '_equal': 'Equal',
           'broadcast_equal': 'Equal', '_greater': 'Greater', 'broadcast_greater': 'Greater',
           '_lesser': 'Less', 'broadcast_lesser': 'Less'}
_COMPARE = ('Equal', 'Greater', 'Less')

# mx scalar op -> (ONNX op, scalar goes first)
_SCALAR = {'_plus_scalar': ('Add', False), '_minus_scalar': ('Sub', False),
           '_rminus_scalar': ('Sub', True), '_mul_scalar': ('Mul', False),
           '_div_scalar': ('Div', False), '_rdiv_scalar': ('Div', True),
           '_power_scalar': ('Pow', False), '_rpower_scalar': ('Pow', True),
           '_maximum_scalar': ('Max', False), '_minimum_scalar': ('Min', False),
           '_equal_scalar': ('Equal', False), '_greater_scalar': ('Greater', False),
           '_lesser_scalar': ('Less', False)}

_UNARY = {'exp': 'Exp', 'log': 'Log', 'sqrt': 'Sqrt', 'abs': 'Abs', 'negative': 'Neg',
          'reciprocal': 'Reciprocal', 'floor': 'Floor', 'ceil': 'Ceil', 'sin': 'Sin',
          'cos': 'Cos', 'tan': 'Tan', 'erf': 'Erf', 'relu': 'Relu', 'sigmoid': 'Sigmoid',
          'tanh': 'Tanh', 'softsign': 'Softsign', 'sign': 'Sign', 'round': 'Round',
          'arcsin': 'Asin', 'arccos': 'Acos', 'arctan': 'Atan', 'sinh': 'Sinh',
          'cosh': 'Cosh', 'arcsinh': 'Asinh', 'arccosh': 'Acosh', 'arctanh': 'Atanh',
          '_copy': 'Identity', 'BlockGrad': 'Identity', 'make_loss': 'Identity'}


def _cast_back(g, node, y):
    """Comparisons give bool in ONNX, the input's dtype in mx."""
    g.add('Cast', [y], [g.output(node)], name=node.name, to=onnx_dtype(g.in_dtype(node)))


@register(*_BINARY)
def binary(g, node):
    op = _BINARY[node.op.name]
    ins = g.inputs(node)
    if op in _COMPARE:
        _cast_back(g, node, g.add(op, ins, name=node.name + '_cmp')[0])
    else:
        g.add(op, ins, [g.output(node)], name=node.name)


@register(*_SCALAR)
def scalar(g, node):
    op, first = _SCALAR[node.op.name]
    s = g.scalar(node, node.attrs.scalar)
    x = g.input(node, 0)
    ins = [s, x] if first else [x, s]
    if op in _COMPARE:
        _cast_back(g, node, g.add(op, ins, name=node.name + '_cmp')[0])
    else:
        g.add(op, ins, [g.output(node)], name=node.name)


@register(*_UNARY)
def unary(g, node):
    g.add(_UNARY[node.op.name], [g.input(node, 0)], [g.output(node)], name=node.name)


@register('square')
def square(g, node):
    x = g.input(node, 0)
    g.add('Mul', [x, x], [g.output(node)], name=node.name)


@register('rsqrt')
def rsqrt(g, node):
    s = g.add('Sqrt', [g.input(node, 0)], name=node.name + '_sqrt')[0]
    g.add('Reciprocal', [s], [g.output(node)], name=node.name)


@register('log1p', 'expm1')
def log1p_expm1(g, node):
    x = g.input(node, 0)
    if node.op.name == 'log1p':
        y = g.add('Add', [x, g.scalar(node, 1.0)], name=node.name + '_add')[0]
        g.add('Log', [y], [g.output(node)], name=node.name)
    else:
        y = g.add('Exp', [x], name=node.name + '_exp')[0]
        g.add('Sub', [y, g.scalar(node, 1.0)], [g.output(node)], name=node.name)


@register('add_n')
def add_n(g, node):
    g.add('Sum', g.inputs(node), [g.output(node)], name=node.name)


@register('clip')
def clip(g, node):
    a = node.attrs
    g.add('Clip', [g.input(node, 0), g.scalar(node, a.a_min), g.scalar(node, a.a_max)],
          [g.output(node)], name=node.name)


@register('Cast')
def cast(g, node):
    g.add('Cast', [g.input(node, 0)], [g.output(node)], name=node.name,
          to=onnx_dtype(node.attrs.dtype))


@register('Flatten')
def flatten(g, node):
    g.add('Flatten', [g.input(node, 0)], [g.output(node)], name=node.name, axis=1)


@register('Concat')
def concat(g, node):
    g.add('Concat', g.inputs(node), [g.output(node)], name=node.name, axis=int(node.attrs.dim))


def _reshape_to(g, node, x, shape, out=None):
    return g.add('Reshape', [x, g.int64s(node.name + '_shape', shape)],
                 [out or g.output(node)], name=node.name)


@register('Reshape')
def reshape(g, node):
    a = node.attrs
    spec = tuple(a.shape)
    simple = (spec and not a.reverse and all(d >= -1 for d in spec)
              and sum(d == -1 for d in spec) <= 1 and not tuple(a.target_shape))
    # 0 (copy) and -1 (infer) mean the same in ONNX; MXNet's -2/-3/-4 are resolved here
    _reshape_to(g, node, g.input(node, 0), spec if simple else g.out_shape(node))


@register('transpose', 'SwapAxis')
def transpose(g, node):
    rank = len(g.in_shape(node, 0))
    if node.op.name == 'SwapAxis':
        perm = list(range(rank))
        d1, d2 = node.attrs.dim1 % rank, node.attrs.dim2 % rank
        perm[d1], perm[d2] = perm[d2], perm[d1]
    else:
        axes = tuple(node.attrs.axes)
        perm = [a % rank for a in axes] if axes else list(range(rank))[::-1]
    g.add('Transpose', [g.input(node, 0)], [g.output(node)], name=node.name, perm=perm)


@register('expand_dims')
def expand_dims(g, node):
    rank = len(g.in_shape(node, 0)) + 1
    g.add('Unsqueeze', [g.input(node, 0), g.int64s(node.name + '_axes', [node.attrs.axis % rank])],
          [g.output(node)], name=node.name)


@register('squeeze')
def squeeze(g, node):
    shape = g.in_shape(node, 0)
    axis = node.attrs.axis
    if axis is None or (isinstance(axis, tuple) and not axis):
        axes = [i for i, d in enumerate(shape) if d == 1]
    else:
        axes = [a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,))]
    if not axes:
        g.add('Identity', [g.input(node, 0)], [g.output(node)], name=node.name)
        return
    g.add('Squeeze', [g.input(node, 0), g.int64s(node.name + '_axes', axes)], [g.output(node)],
          name=node.name)


def _slice(g, node, starts, ends, axes, steps, out=None, x=None):
    ins = [x or g.input(node, 0), g.int64s(node.name + '_starts', starts),
           g.int64s(node.name + '_ends', ends), g.int64s(node.name + '_axes', axes),
           g.int64s(node.name + '_steps', steps)]
    return g.add('Slice', ins, [out or g.output(node)], name=node.name)


@register('slice_axis')
def slice_axis(g, node):
    a = node.attrs
    shape = g.in_shape(node, 0)
    axis = a.axis % len(shape)
    end = shape[axis] if a.end is None else a.end
    _slice(g, node, [a.begin], [end], [axis], [1])


@register('slice')
def slice_op(g, node):
    a = node.attrs
    shape = g.in_shape(node, 0)
    begin, end = tuple(a.begin), tuple(a.end)
    step = tuple(a.step) or (1,) * len(begin)
    starts, ends, axes, steps = [], [], [], []
    for ax, (b, e, s) in enumerate(zip(begin, end, step)):
        s = 1 if s is None else s
        if b is None:
            b = 0 if s > 0 else shape[ax] - 1
        if e is None:
            e = shape[ax] if s > 0 else -shape[ax] - 1
        starts.append(b), ends.append(e), axes.append(ax), steps.append(s)
    _slice(g, node, starts, ends, axes, steps)


@register('SliceChannel')
def slice_channel(g, node):
    a = node.attrs
    shape = g.in_shape(node, 0)
    axis = a.axis % len(shape)
    n = a.num_outputs
    outs = [g.output(node, i) for i in range(n)]
    if not a.squeeze_axis:
        g.add('Split', [g.input(node, 0), g.int64s(node.name + '_split', [shape[axis] // n] * n)],
              outs, name=node.name, axis=axis)
        return
    parts = [g.unique('%s_part%d' % (node.name, i)) for i in range(n)]
    g.add('Split', [g.input(node, 0), g.int64s(node.name + '_split', [shape[axis] // n] * n)],
          parts, name=node.name + '_split', axis=axis)
    axes = g.int64s(node.name + '_axes', [axis])
    for p, o in zip(parts, outs):
        g.add('Squeeze', [p, axes], [o], name=o)


_REDUCE = {'sum': 'ReduceSum', 'mean': 'ReduceMean', 'max': 'ReduceMax', 'min': 'ReduceMin',
           'prod': 'ReduceProd'}


@register(*_REDUCE)
def reduce(g, node):
    a = node.attrs
    rank = len(g.in_shape(node, 0))
    axis = a.axis
    axes = list(range(rank)) if axis is None or axis == () else \
        [x % rank for x in (axis if isinstance(axis, tuple) else (axis,))]
    if a.get('exclude'):
        axes = [x for x in range(rank) if x not in axes]
    op = _REDUCE[node.op.name]
    keep = int(bool(a.keepdims))
    out = g.output(node)
    if not keep and len(axes) == rank:  # mx gives shape (1,) for a full reduction
        y = g.add(op, [g.input(node, 0)] + ([g.int64s(node.name + '_axes', axes)]
                                            if op == 'ReduceSum' else []),
                  name=node.name + '_reduce', keepdims=0,
                  **({} if op == 'ReduceSum' else {'axes': axes}))[0]
        _reshape_to(g, node, y, [1], out)
        return
    if op == 'ReduceSum':       # axes became an input in opset 13
        g.add(op, [g.input(node, 0), g.int64s(node.name + '_axes', axes)], [out], name=node.name,
              keepdims=keep)
    else:
        g.add(op, [g.input(node, 0)], [out], name=node.name, axes=axes, keepdims=keep)


@register('dot', 'batch_dot')
def dot(g, node):
    a = node.attrs
    ins = g.inputs(node)
    for j, flag in enumerate((a.transpose_a, a.transpose_b)):
        if flag:
            rank = len(g.in_shape(node, j))
            if node.op.name == 'dot' and rank != 2:
                raise unsupported(node, 'transpose with %d-d inputs' % rank)
            perm = list(range(rank - 2)) + [rank - 1, rank - 2]
            ins[j] = g.add('Transpose', [ins[j]], name='%s_t%d' % (node.name, j), perm=perm)[0]
    if node.op.name == 'dot' and len(g.in_shape(node, 1)) != 2:
        raise unsupported(node, 'the right operand must be 2-d')
    g.add('MatMul', ins, [g.output(node)], name=node.name)


@register('where')
def where(g, node):
    cond = g.add('Cast', [g.input(node, 0)], name=node.name + '_cond', to=9)[0]  # bool
    g.add('Where', [cond, g.input(node, 1), g.input(node, 2)], [g.output(node)], name=node.name)


@register('tile')
def tile(g, node):
    reps = list(node.attrs.reps)
    rank = len(g.in_shape(node, 0))
    x = g.input(node, 0)
    if len(reps) > rank:
        x = _reshape_to(g, node, x, [1] * (len(reps) - rank) + list(g.in_shape(node, 0)),
                        g.unique(node.name + '_expanded'))[0]
    reps = [1] * (max(rank, len(reps)) - len(reps)) + reps
    g.add('Tile', [x, g.int64s(node.name + '_reps', reps)], [g.output(node)], name=node.name)


@register('broadcast_to', 'broadcast_like')
def broadcast_to(g, node):
    g.add('Expand', [g.input(node, 0), g.int64s(node.name + '_shape', g.out_shape(node))],
          [g.output(node)], name=node.name)


@register('zeros_like', 'ones_like')
def fill_like(g, node):
    value = np.zeros(1, g.in_dtype(node)) if node.op.name == 'zeros_like' \
        else np.ones(1, g.in_dtype(node))
    from onnx import numpy_helper
    g.add('ConstantOfShape', [g.add('Shape', [g.input(node, 0)], name=node.name + '_shape')[0]],
          [g.output(node)], name=node.name, value=numpy_helper.from_array(value))


@register('argmax', 'argmin')
def argmax(g, node):
    a = node.attrs
    if a.axis is None:
        raise unsupported(node, 'axis=None (flattened argmax)')
    op = 'ArgMax' if node.op.name == 'argmax' else 'ArgMin'
    y = g.add(op, [g.input(node, 0)], name=node.name + '_arg', axis=int(a.axis),
              keepdims=int(bool(a.keepdims)))[0]
    g.add('Cast', [y], [g.output(node)], name=node.name, to=onnx_dtype(g.in_dtype(node)))
