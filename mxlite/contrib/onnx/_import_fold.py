"""Constant folding for ONNX import: nodes whose inputs are all known, computed in numpy.

A folder is ``fn(g, node, attrs) -> [numpy arrays]`` (one per output), or
``None`` to leave the node to its translator.  ``Shape`` folds whenever its
input's static shape can be inferred, which removes the Shape -> Gather /
Slice -> Concat -> Reshape chains that exporters (MXNet's included) write.
"""
import numpy as np

from ...base import MXNetError

__all__ = ['FOLDERS', 'axes_of', 'input_or_attr']

FOLDERS = {}
_INT_MAX = np.iinfo(np.int64).max


def folder(*ops):
    def deco(fn):
        for op in ops:
            FOLDERS[op] = fn
        return fn
    return deco


def input_or_attr(g, node, attrs, index, attr, default=None):
    """Value of an operand that is an attribute in old opsets and an input in new ones."""
    if len(node.input) > index and node.input[index]:
        return g.const(node.input[index])
    return attrs.get(attr, default)


def axes_of(g, node, attrs, index=1):
    axes = input_or_attr(g, node, attrs, index, 'axes')
    return None if axes is None else [int(a) for a in np.asarray(axes).ravel()]


@folder('Constant')
def constant(g, node, attrs):
    from onnx import numpy_helper
    if 'value' in attrs:
        return [numpy_helper.to_array(attrs['value'])]
    for key, dtype in (('value_float', np.float32), ('value_int', np.int64)):
        if key in attrs:
            return [np.asarray(attrs[key], dtype)]
    for key, dtype in (('value_floats', np.float32), ('value_ints', np.int64)):
        if key in attrs:
            return [np.asarray(list(attrs[key]), dtype)]
    raise MXNetError('import_model: Constant node %s has an unsupported value form' % node.name)


@folder('Shape')
def shape(g, node, attrs):
    s = np.asarray(g.shape(node.input[0]), dtype=np.int64)
    start, end = attrs.get('start', 0), attrs.get('end', None)
    return [s[start:end]]


@folder('Size')
def size(g, node, attrs):
    return [np.asarray(int(np.prod(g.shape(node.input[0]))), np.int64)]


def _c(g, node, i):
    return g.const(node.input[i])


@folder('Identity')
def identity(g, node, attrs):
    return [_c(g, node, 0)]


@folder('Cast')
def cast(g, node, attrs):
    from onnx import helper
    return [_c(g, node, 0).astype(helper.tensor_dtype_to_np_dtype(attrs['to']))]


@folder('Gather')
def gather(g, node, attrs):
    return [np.take(_c(g, node, 0), _c(g, node, 1), axis=attrs.get('axis', 0))]


@folder('Concat')
def concat(g, node, attrs):
    return [np.concatenate([_c(g, node, i) for i in range(len(node.input))],
                           axis=attrs['axis'])]


@folder('Unsqueeze')
def unsqueeze(g, node, attrs):
    x = _c(g, node, 0)
    axes = axes_of(g, node, attrs)
    rank = x.ndim + len(axes)
    for a in sorted(a % rank for a in axes):
        x = np.expand_dims(x, a)
    return [x]


@folder('Squeeze')
def squeeze(g, node, attrs):
    x = _c(g, node, 0)
    axes = axes_of(g, node, attrs)
    return [np.squeeze(x, axis=None if axes is None else tuple(axes))]


@folder('Slice')
def slice_(g, node, attrs):
    x = _c(g, node, 0)
    if len(node.input) > 1:
        starts, ends = _c(g, node, 1), _c(g, node, 2)
        axes = _c(g, node, 3) if len(node.input) > 3 and node.input[3] else range(len(starts))
        steps = _c(g, node, 4) if len(node.input) > 4 and node.input[4] else [1] * len(starts)
    else:
        starts, ends = attrs['starts'], attrs['ends']
        axes = attrs.get('axes', range(len(starts)))
        steps = [1] * len(starts)
    idx = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        e = None if int(e) >= _INT_MAX // 2 else int(e)
        idx[int(a)] = slice(int(s), e, int(st))
    return [x[tuple(idx)]]


@folder('Reshape')
def reshape(g, node, attrs):
    x, shape_ = _c(g, node, 0), [int(d) for d in _c(g, node, 1)]
    if not attrs.get('allowzero', 0):
        shape_ = [x.shape[i] if d == 0 else d for i, d in enumerate(shape_)]
    return [x.reshape(shape_)]


@folder('Flatten')
def flatten(g, node, attrs):
    x = _c(g, node, 0)
    axis = attrs.get('axis', 1) % max(x.ndim, 1) if x.ndim else 0
    return [x.reshape(int(np.prod(x.shape[:axis])), -1)]


@folder('ConstantOfShape')
def constant_of_shape(g, node, attrs):
    from onnx import numpy_helper
    value = numpy_helper.to_array(attrs['value']) if 'value' in attrs else np.zeros(1, np.float32)
    return [np.full([int(d) for d in _c(g, node, 0)], value.ravel()[0], value.dtype)]


@folder('Range')
def range_(g, node, attrs):
    start, limit, delta = (_c(g, node, i) for i in range(3))
    return [np.arange(start, limit, delta, dtype=np.asarray(start).dtype)]


_BIN = {'Add': np.add, 'Sub': np.subtract, 'Mul': np.multiply, 'Max': np.maximum,
        'Min': np.minimum, 'Equal': np.equal, 'Less': np.less, 'Greater': np.greater}


@folder(*_BIN)
def binary(g, node, attrs):
    vals = [_c(g, node, i) for i in range(len(node.input))]
    out = vals[0]
    for v in vals[1:]:
        out = _BIN[node.op_type](out, v)
    return [np.asarray(out, dtype=vals[0].dtype if node.op_type not in ('Equal', 'Less', 'Greater')
                       else bool)]


@folder('Div')
def div(g, node, attrs):
    a, b = _c(g, node, 0), _c(g, node, 1)
    if np.issubdtype(a.dtype, np.integer):
        return [np.trunc(a / b).astype(a.dtype)]     # ONNX integer division truncates
    return [(a / b).astype(a.dtype)]


@folder('Sqrt', 'Neg', 'Abs', 'Floor', 'Ceil', 'Exp', 'Log', 'Reciprocal')
def unary(g, node, attrs):
    fn = {'Sqrt': np.sqrt, 'Neg': np.negative, 'Abs': np.abs, 'Floor': np.floor,
          'Ceil': np.ceil, 'Exp': np.exp, 'Log': np.log, 'Reciprocal': np.reciprocal}
    x = _c(g, node, 0)
    return [fn[node.op_type](x).astype(x.dtype)]


@folder('Transpose')
def transpose(g, node, attrs):
    x = _c(g, node, 0)
    return [np.transpose(x, attrs.get('perm'))]
