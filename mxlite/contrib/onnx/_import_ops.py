"""ONNX operator -> mx operator translators for ``import_model``.

A translator is ``fn(g, node, attrs) -> Symbol or [Symbols]`` (one per ONNX
output); ``g`` is the :class:`~._import.GraphImporter`.
"""
import numpy as np

from ...base import MXNetError
from ._import_fold import FOLDERS, axes_of, input_or_attr

__all__ = ['TRANSLATORS', 'FOLDERS']

TRANSLATORS = {}


def translator(*ops):
    def deco(fn):
        for op in ops:
            TRANSLATORS[op] = fn
        return fn
    return deco


def _err(node, msg):
    return MXNetError('import_model: %s (node %s): %s' % (node.op_type, node.name or node.output[0],
                                                          msg))


def _s(value):
    return value.decode() if isinstance(value, bytes) else value


def _pads(g, node, attrs, x, kernel, strides, dilations):
    """(begin, end) paddings, resolving auto_pad from the input's static shape."""
    nsp = len(kernel)
    auto = _s(attrs.get('auto_pad', 'NOTSET'))
    if auto in ('SAME_UPPER', 'SAME_LOWER'):
        shape = g.shape(x)[2:]
        begin, end = [], []
        for n, k, s, d in zip(shape, kernel, strides, dilations):
            out = -(-n // s)
            total = max((out - 1) * s + (k - 1) * d + 1 - n, 0)
            small, big = total // 2, total - total // 2
            begin.append(small if auto == 'SAME_UPPER' else big)
            end.append(big if auto == 'SAME_UPPER' else small)
        return begin, end
    if auto == 'VALID':
        return [0] * nsp, [0] * nsp
    pads = list(attrs.get('pads', [0] * 2 * nsp))
    return pads[:nsp], pads[nsp:]


def _padded(g, node, data, begin, end, value=0.0):
    """``data`` with explicit padding for asymmetric pads; returns (sym, symmetric pad)."""
    if begin == end:
        return data, tuple(begin)
    if len(begin) not in (2, 3):
        raise _err(node, 'asymmetric padding of a %d-d window' % len(begin))
    width = [0, 0, 0, 0]
    for b, e in zip(begin, end):
        width += [b, e]
    out = g.mx.Pad(data, mode='constant', pad_width=tuple(width), constant_value=value,
                   name=g.node_name(node) + '_pad')
    return out, (0,) * len(begin)


@translator('Conv', 'ConvTranspose')
def conv(g, node, a):
    x, w = node.input[0], node.input[1]
    wshape = g.shape(w)
    kernel = list(a.get('kernel_shape', wshape[2:]))
    nsp = len(kernel)
    strides = list(a.get('strides', [1] * nsp))
    dil = list(a.get('dilations', [1] * nsp))
    group = int(a.get('group', 1))
    data = g.sym(x)
    has_bias = len(node.input) > 2 and node.input[2]
    kw = dict(kernel=tuple(kernel), stride=tuple(strides), dilate=tuple(dil), num_group=group,
              no_bias=not has_bias, weight=g.sym(w))
    if has_bias:
        kw['bias'] = g.sym(node.input[2])
    if node.op_type == 'Conv':
        begin, end = _pads(g, node, a, x, kernel, strides, dil)
        data, pad = _padded(g, node, data, begin, end)
        return g.mx.Convolution(data, pad=pad, num_filter=wshape[0], name=g.node_name(node), **kw)
    if 'output_shape' in a:
        kw['target_shape'] = tuple(a['output_shape'][-nsp:])
    else:
        pads = list(a.get('pads', [0] * 2 * nsp))
        if pads[:nsp] != pads[nsp:] or _s(a.get('auto_pad', 'NOTSET')) != 'NOTSET':
            raise _err(node, 'asymmetric or automatic padding')
        kw['pad'] = tuple(pads[:nsp])
        if any(a.get('output_padding', [])):
            kw['adj'] = tuple(a['output_padding'])
    return g.mx.Deconvolution(data, num_filter=wshape[1] * group, name=g.node_name(node), **kw)


@translator('BatchNormalization')
def batch_norm(g, node, a):
    if len(node.output) > 1 and any(node.output[1:]):
        raise _err(node, 'training-mode outputs (running mean/var) are not supported')
    x, scale, bias, mean, var = node.input[:5]
    return g.mx.BatchNorm(g.sym(x), gamma=g.sym(scale), beta=g.sym(bias),
                          moving_mean=g.sym(mean, aux=True), moving_var=g.sym(var, aux=True),
                          eps=float(a.get('epsilon', 1e-5)), momentum=float(a.get('momentum', 0.9)),
                          fix_gamma=False, name=g.node_name(node))


@translator('InstanceNormalization')
def instance_norm(g, node, a):
    return g.mx.InstanceNorm(g.sym(node.input[0]), gamma=g.sym(node.input[1]),
                             beta=g.sym(node.input[2]), eps=float(a.get('epsilon', 1e-5)),
                             name=g.node_name(node))


_ACT = {'Relu': 'relu', 'Sigmoid': 'sigmoid', 'Tanh': 'tanh', 'Softplus': 'softrelu',
        'Softsign': 'softsign'}


@translator(*_ACT)
def activation(g, node, a):
    return g.mx.Activation(g.sym(node.input[0]), act_type=_ACT[node.op_type],
                           name=g.node_name(node))


@translator('LeakyRelu', 'Elu')
def leaky(g, node, a):
    if node.op_type == 'LeakyRelu':
        return g.mx.LeakyReLU(g.sym(node.input[0]), act_type='leaky',
                              slope=float(a.get('alpha', 0.01)), name=g.node_name(node))
    return g.mx.LeakyReLU(g.sym(node.input[0]), act_type='elu', slope=float(a.get('alpha', 1.0)),
                          name=g.node_name(node))


@translator('Selu')
def selu(g, node, a):
    alpha, gamma = a.get('alpha', 1.67326319217681884765625), a.get('gamma', 1.05070102214813232421875)
    if abs(alpha - 1.6732632) > 1e-6 or abs(gamma - 1.0507010) > 1e-6:
        raise _err(node, 'only the standard SELU constants are supported')
    return g.mx.LeakyReLU(g.sym(node.input[0]), act_type='selu', name=g.node_name(node))


@translator('PRelu')
def prelu(g, node, a):
    x, slope = node.input
    if not g.is_const(slope):
        raise _err(node, 'the slope must be a constant')
    c = g.shape(x)[1]
    value = g.const(slope).ravel()
    if value.size == 1:
        value = np.full(c, value[0], value.dtype)
    if value.size != c:
        raise _err(node, 'slope of shape %s does not broadcast over the %d channels'
                   % (g.const(slope).shape, c))
    g.consts[slope] = value
    return g.mx.LeakyReLU(g.sym(x), gamma=g.sym(slope), act_type='prelu', name=g.node_name(node))


@translator('HardSigmoid')
def hard_sigmoid(g, node, a):
    name = g.node_name(node)
    y = g.mx._internal._mul_scalar(g.sym(node.input[0]), scalar=float(a.get('alpha', 0.2)),
                                   name=name + '_mul')
    y = g.mx._internal._plus_scalar(y, scalar=float(a.get('beta', 0.5)), name=name + '_add')
    return g.mx.clip(y, a_min=0.0, a_max=1.0, name=name)


@translator('MaxPool', 'AveragePool', 'LpPool')
def pool(g, node, a):
    x = node.input[0]
    kernel = list(a['kernel_shape'])
    nsp = len(kernel)
    strides = list(a.get('strides', [1] * nsp))
    if any(d != 1 for d in a.get('dilations', [])):
        raise _err(node, 'dilated pooling')
    if len(node.output) > 1 and node.output[1]:
        raise _err(node, 'the indices output')
    begin, end = _pads(g, node, a, x, kernel, strides, [1] * nsp)
    ceil = bool(a.get('ceil_mode', 0))
    kw = dict(kernel=tuple(kernel), stride=tuple(strides),
              pooling_convention='full' if ceil else 'valid')
    data = g.sym(x)
    name = g.node_name(node)
    keep = _ceil_windows(g, x, kernel, strides, begin, end) if ceil else None
    pname = name + '_full' if keep else name
    if node.op_type == 'MaxPool':
        data, pad = _padded(g, node, data, begin, end, value=-3.4e38)
        out = g.mx.Pooling(data, pool_type='max', pad=pad, name=pname, **kw)
    elif begin != end:
        raise _err(node, 'asymmetric padding')
    elif node.op_type == 'LpPool':
        out = g.mx.Pooling(data, pool_type='lp', p_value=int(a.get('p', 2)), pad=tuple(begin),
                           name=pname, **kw)
    else:
        out = g.mx.Pooling(data, pool_type='avg', pad=tuple(begin),
                           count_include_pad=bool(a.get('count_include_pad', 0)), name=pname, **kw)
    if keep:    # ONNX's ceil_mode drops windows starting in the end padding; mx 'full' keeps them
        for k, (axis, n) in enumerate(keep):
            out = g.mx.slice_axis(out, axis=axis, begin=0, end=n,
                                  name=name if k == len(keep) - 1 else '%s_crop%d' % (name, axis))
    return out


def _ceil_windows(g, x, kernel, strides, begin, end):
    """[(axis, ONNX output size)] where mx's 'full' convention gives one window more."""
    out = []
    for d, (n, k, s, b, e) in enumerate(zip(g.shape(x)[2:], kernel, strides, begin, end)):
        full = -(-(n + b + e - k) // s) + 1
        onnx_n = full - 1 if (full - 1) * s >= n + b else full
        if onnx_n != full:
            out.append((d + 2, onnx_n))
    return out


@translator('GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool')
def global_pool(g, node, a):
    kind = {'GlobalAveragePool': 'avg', 'GlobalMaxPool': 'max', 'GlobalLpPool': 'lp'}[node.op_type]
    kw = {'p_value': int(a.get('p', 2))} if kind == 'lp' else {}
    return g.mx.Pooling(g.sym(node.input[0]), kernel=(1, 1), global_pool=True, pool_type=kind,
                        name=g.node_name(node), **kw)


@translator('Gemm')
def gemm(g, node, a):
    A, B = node.input[0], node.input[1]
    C = node.input[2] if len(node.input) > 2 and node.input[2] else None
    alpha, beta = float(a.get('alpha', 1.0)), float(a.get('beta', 1.0))
    ta, tb = int(a.get('transA', 0)), int(a.get('transB', 0))
    name = g.node_name(node)
    bshape = g.shape(B)
    n = bshape[0] if tb else bshape[1]
    if not ta and alpha == 1 and (C is None or (beta == 1 and g.shape(C) == (n,))):
        w = g.sym(B) if tb else g.mx.transpose(g.sym(B), name=name + '_weight_t')
        kw = {'bias': g.sym(C)} if C is not None else {'no_bias': True}
        return g.mx.FullyConnected(g.sym(A), weight=w, num_hidden=n, name=name, **kw)
    y = g.mx.dot(g.sym(A), g.sym(B), transpose_a=bool(ta), transpose_b=bool(tb),
                 name=name + '_dot' if (alpha != 1 or C is not None) else name)
    if alpha != 1:
        y = g.mx._internal._mul_scalar(y, scalar=alpha, name=name + '_alpha'
                                       if C is not None else name)
    if C is not None:
        c = g.sym(C)
        if beta != 1:
            c = g.mx._internal._mul_scalar(c, scalar=beta, name=name + '_beta')
        y = g.mx.broadcast_add(y, c, name=name)
    return y


@translator('MatMul')
def matmul(g, node, a):
    A, B = node.input
    ra, rb = g.rank(A), g.rank(B)
    name = g.node_name(node)
    if rb == 2:
        return g.mx.dot(g.sym(A), g.sym(B), name=name)
    if ra == rb == 3:
        return g.mx.batch_dot(g.sym(A), g.sym(B), name=name)
    raise _err(node, 'ranks %d and %d' % (ra, rb))


@translator('LRN')
def lrn(g, node, a):
    return g.mx.LRN(g.sym(node.input[0]), alpha=float(a.get('alpha', 1e-4)),
                    beta=float(a.get('beta', 0.75)), knorm=float(a.get('bias', 1.0)),
                    nsize=int(a['size']), name=g.node_name(node))


@translator('Dropout')
def dropout(g, node, a):
    if len(node.output) > 1 and node.output[1]:
        raise _err(node, 'the mask output')
    ratio = input_or_attr(g, node, a, 1, 'ratio', 0.5)
    return g.mx.Dropout(g.sym(node.input[0]), p=float(np.asarray(ratio)),
                        name=g.node_name(node))


def _softmax(g, node, a, op):
    x = node.input[0]
    name = g.node_name(node)
    fn = g.mx.softmax if op == 'softmax' else g.mx.log_softmax
    if g.opset >= 13:
        return fn(g.sym(x), axis=int(a.get('axis', -1)), name=name)
    shape = g.shape(x)
    axis = int(a.get('axis', 1)) % len(shape)
    if axis == len(shape) - 1:
        return fn(g.sym(x), axis=-1, name=name)
    flat = g.mx.Reshape(g.sym(x), shape=(int(np.prod(shape[:axis])), -1), name=name + '_flat')
    return g.mx.Reshape(fn(flat, axis=-1, name=name + '_' + op), shape=shape, name=name)


@translator('Softmax')
def softmax(g, node, a):
    return _softmax(g, node, a, 'softmax')


@translator('LogSoftmax')
def log_softmax(g, node, a):
    return _softmax(g, node, a, 'log_softmax')


@translator('Flatten')
def flatten(g, node, a):
    x = node.input[0]
    axis = int(a.get('axis', 1))
    if axis == 1:
        return g.mx.Flatten(g.sym(x), name=g.node_name(node))
    shape = g.shape(x)
    axis %= len(shape) if axis < 0 else len(shape) + 1
    return g.mx.Reshape(g.sym(x), shape=(int(np.prod(shape[:axis])), -1), name=g.node_name(node))


@translator('Reshape')
def reshape(g, node, a):
    shape = [int(d) for d in g.const(node.input[1])]
    if a.get('allowzero', 0) and 0 in shape:
        raise _err(node, 'allowzero with a zero dimension')
    return g.mx.Reshape(g.sym(node.input[0]), shape=tuple(shape), name=g.node_name(node))


@translator('Concat')
def concat(g, node, a):
    rank = g.rank(node.input[0])
    return g.mx.Concat(*[g.sym(i) for i in node.input], dim=int(a['axis']) % rank,
                       name=g.node_name(node))


@translator('Transpose')
def transpose(g, node, a):
    kw = {'axes': tuple(a['perm'])} if 'perm' in a else {}
    return g.mx.transpose(g.sym(node.input[0]), name=g.node_name(node), **kw)


@translator('Squeeze')
def squeeze(g, node, a):
    axes = axes_of(g, node, a)
    kw = {'axis': tuple(axes)} if axes else {}
    return g.mx.squeeze(g.sym(node.input[0]), name=g.node_name(node), **kw)


@translator('Unsqueeze')
def unsqueeze(g, node, a):
    x = node.input[0]
    axes = axes_of(g, node, a)
    rank = g.rank(x) + len(axes)
    name = g.node_name(node)
    out = g.sym(x)
    axes = sorted(ax % rank for ax in axes)
    for k, ax in enumerate(axes):
        out = g.mx.expand_dims(out, axis=ax, name=name if k == len(axes) - 1 else
                               '%s_%d' % (name, k))
    return out


@translator('Pad')
def pad(g, node, a):
    pads = input_or_attr(g, node, a, 1, 'pads')
    pads = [int(p) for p in np.asarray(pads).ravel()]
    value = input_or_attr(g, node, a, 2, 'value', 0.0)
    n = len(pads) // 2
    if n not in (4, 5) or any(pads[:2]) or any(pads[n:n + 2]):
        raise _err(node, 'mx Pad pads only the spatial axes of 4-d or 5-d data; got pads %s'
                   % pads)
    width = []
    for b, e in zip(pads[:n], pads[n:]):
        width += [b, e]
    mode = _s(a.get('mode', 'constant'))
    kw = {'constant_value': float(np.asarray(value))} if mode == 'constant' else {}
    return g.mx.Pad(g.sym(node.input[0]), mode=mode, pad_width=tuple(width),
                    name=g.node_name(node), **kw)


@translator('Clip')
def clip(g, node, a):
    lo = input_or_attr(g, node, a, 1, 'min', -3.4028234663852886e38)
    hi = input_or_attr(g, node, a, 2, 'max', 3.4028234663852886e38)
    return g.mx.clip(g.sym(node.input[0]), a_min=float(np.asarray(lo)),
                     a_max=float(np.asarray(hi)), name=g.node_name(node))


@translator('Cast')
def cast(g, node, a):
    from onnx import helper
    dtype = np.dtype(helper.tensor_dtype_to_np_dtype(a['to']))
    return g.mx.Cast(g.sym(node.input[0]), dtype=dtype.name, name=g.node_name(node))


from . import _import_tensor  # noqa: E402,F401  (registers the element-wise/shape translators)
