"""ONNX converters for mx's neural-network operators (opset 13)."""
import math

import numpy as np

from ._graph import register, unsupported


def _spatial(node, g, values, default):
    nsp = len(g.in_shape(node, 0)) - 2
    values = tuple(values)
    return list(values) if values else [default] * nsp


@register('Convolution')
def convolution(g, node):
    a = node.attrs
    if a.layout not in (None, 'NCW', 'NCHW', 'NCDHW'):
        raise unsupported(node, 'layout %s (ONNX Conv is channels-first)' % a.layout)
    pad = _spatial(node, g, a.pad, 0)
    ins = g.inputs(node)[:2 if a.no_bias else 3]
    g.add('Conv', ins, [g.output(node)], name=node.name, kernel_shape=list(a.kernel),
          strides=_spatial(node, g, a.stride, 1), dilations=_spatial(node, g, a.dilate, 1),
          pads=pad + pad, group=a.num_group)


@register('Deconvolution')
def deconvolution(g, node):
    a = node.attrs
    pad = _spatial(node, g, a.pad, 0)
    ins = g.inputs(node)[:2 if a.no_bias else 3]
    out_shape = list(g.out_shape(node)[2:])
    adj = _spatial(node, g, a.adj, 0)
    kw = dict(kernel_shape=list(a.kernel), strides=_spatial(node, g, a.stride, 1),
              dilations=_spatial(node, g, a.dilate, 1), group=a.num_group)
    if tuple(a.target_shape):
        kw['output_shape'] = out_shape
    else:
        kw.update(pads=pad + pad, output_padding=adj if any(adj) else None)
    g.add('ConvTranspose', ins, [g.output(node)], name=node.name, **kw)


@register('FullyConnected')
def fully_connected(g, node):
    a = node.attrs
    x, w = g.input(node, 0), g.input(node, 1)
    rank = len(g.in_shape(node, 0))
    out = g.output(node)
    if a.flatten or rank == 2:
        if rank != 2:
            x = g.add('Flatten', [x], name=node.name + '_flatten', axis=1)[0]
        ins = [x, w] if a.no_bias else [x, w, g.input(node, 2)]
        g.add('Gemm', ins, [out], name=node.name, alpha=1.0, beta=1.0, transA=0, transB=1)
        return
    wt = g.add('Transpose', [w], name=node.name + '_weight_t', perm=[1, 0])[0]
    if a.no_bias:
        g.add('MatMul', [x, wt], [out], name=node.name)
    else:
        y = g.add('MatMul', [x, wt], name=node.name + '_matmul')[0]
        g.add('Add', [y, g.input(node, 2)], [out], name=node.name)


_ACTIVATIONS = {'relu': 'Relu', 'sigmoid': 'Sigmoid', 'tanh': 'Tanh', 'softrelu': 'Softplus',
                'softsign': 'Softsign'}


@register('Activation')
def activation(g, node):
    act = node.attrs.act_type
    x, out = g.input(node, 0), g.output(node)
    if act in _ACTIVATIONS:
        g.add(_ACTIVATIONS[act], [x], [out], name=node.name)
    elif act == 'log_sigmoid':      # -softplus(-x)
        n = g.add('Neg', [x], name=node.name + '_neg')[0]
        s = g.add('Softplus', [n], name=node.name + '_softplus')[0]
        g.add('Neg', [s], [out], name=node.name)
    elif act == 'mish':             # x tanh(softplus(x))
        s = g.add('Softplus', [x], name=node.name + '_softplus')[0]
        t = g.add('Tanh', [s], name=node.name + '_tanh')[0]
        g.add('Mul', [x, t], [out], name=node.name)
    else:
        raise unsupported(node, 'act_type %r' % act)


@register('LeakyReLU')
def leaky_relu(g, node):
    a = node.attrs
    x, out = g.input(node, 0), g.output(node)
    if a.act_type == 'leaky':
        g.add('LeakyRelu', [x], [out], name=node.name, alpha=float(a.slope))
    elif a.act_type == 'rrelu':     # inference: the mean slope
        g.add('LeakyRelu', [x], [out], name=node.name,
              alpha=float((a.lower_bound + a.upper_bound) / 2))
    elif a.act_type == 'elu':
        g.add('Elu', [x], [out], name=node.name, alpha=float(a.slope))
    elif a.act_type == 'selu':
        g.add('Selu', [x], [out], name=node.name, alpha=1.6732632423543772,
              gamma=1.0507009873554805)
    elif a.act_type == 'prelu':
        rank = len(g.in_shape(node, 0))
        gamma = g.input(node, 1)
        if rank > 2:    # slope (C,) -> (C, 1, ..., 1) to broadcast over axis 1
            shape = g.int64s(node.name + '_slope_shape', [-1] + [1] * (rank - 2))
            gamma = g.add('Reshape', [gamma, shape], name=node.name + '_slope')[0]
        g.add('PRelu', [x, gamma], [out], name=node.name)
    elif a.act_type == 'gelu':      # 0.5 x (1 + erf(x / sqrt 2))
        d = g.add('Div', [x, g.scalar(node, math.sqrt(2.0))], name=node.name + '_div')[0]
        e = g.add('Erf', [d], name=node.name + '_erf')[0]
        p = g.add('Add', [e, g.scalar(node, 1.0)], name=node.name + '_add')[0]
        m = g.add('Mul', [x, p], name=node.name + '_mul')[0]
        g.add('Mul', [m, g.scalar(node, 0.5)], [out], name=node.name)
    else:
        raise unsupported(node, 'act_type %r' % a.act_type)


@register('Pooling')
def pooling(g, node):
    a = node.attrs
    x, out = g.input(node, 0), g.output(node)
    if a.layout not in (None, 'NCW', 'NCHW', 'NCDHW'):
        raise unsupported(node, 'layout %s' % a.layout)
    if a.global_pool:
        if a.pool_type == 'lp':
            g.add('GlobalLpPool', [x], [out], name=node.name, p=int(a.p_value or 2))
        elif a.pool_type == 'sum':
            raise unsupported(node, "global 'sum' pooling has no ONNX operator")
        else:
            g.add({'max': 'GlobalMaxPool', 'avg': 'GlobalAveragePool'}[a.pool_type], [x], [out],
                  name=node.name)
        return
    if a.pooling_convention == 'same':
        raise unsupported(node, "pooling_convention='same'")
    pad = _spatial(node, g, a.pad, 0)
    kw = dict(kernel_shape=list(a.kernel), strides=_spatial(node, g, a.stride, 1), pads=pad + pad,
              ceil_mode=1 if a.pooling_convention == 'full' else 0)
    if a.pooling_convention == 'full' and a.pool_type in ('max', 'avg') \
            and _dropped_windows(g, node, kw):
        _full_pool_explicit(g, node, x, out, kw)
        return
    if a.pool_type == 'max':
        g.add('MaxPool', [x], [out], name=node.name, **kw)
    elif a.pool_type == 'avg':
        include = True if a.count_include_pad is None else bool(a.count_include_pad)
        g.add('AveragePool', [x], [out], name=node.name, count_include_pad=int(include), **kw)
    elif a.pool_type == 'lp':
        kw.pop('ceil_mode')
        if a.pooling_convention == 'full':
            raise unsupported(node, "'lp' pooling with pooling_convention='full'")
        g.add('LpPool', [x], [out], name=node.name, p=int(a.p_value or 2), **kw)
    else:
        raise unsupported(node, "'sum' pooling has no ONNX operator")


def _dropped_windows(g, node, kw):
    """Whether ONNX's ceil_mode would drop trailing mx 'full' windows (ones that start in the
    end padding: ONNX leaves them out, mx keeps them)."""
    for size, k, s, p, n in zip(g.in_shape(node, 0)[2:], kw['kernel_shape'], kw['strides'],
                                kw['pads'], g.out_shape(node)[2:]):
        if (n - 1) * s >= size + p:
            return True
    return False


def _full_pool_explicit(g, node, x, out, kw):
    """mx 'full' pooling as explicit padding + floor-mode pooling, exact in every window.

    Max: pad with -FLT_MAX (what mx gives a window without data).  Average:
    window sums (zero padding) divided by mx's per-window divisor, a constant.
    """
    a = node.attrs
    in_sp = g.in_shape(node, 0)[2:]
    out_sp = g.out_shape(node)[2:]
    k, s, p = kw['kernel_shape'], kw['strides'], kw['pads'][:len(in_sp)]
    extra = [(n - 1) * st + kk - size - 2 * pp
             for n, st, kk, size, pp in zip(out_sp, s, k, in_sp, p)]
    pads = g.int64s(node.name + '_pads',
                    [0, 0] + list(p) + [0, 0] + [pp + e for pp, e in zip(p, extra)])
    is_max = a.pool_type == 'max'
    fill = -np.finfo(np.float32).max if is_max else 0.0
    padded = g.add('Pad', [x, pads, g.scalar(node, fill)], name=node.name + '_pad',
                   mode='constant')[0]
    common = dict(kernel_shape=list(k), strides=list(s), pads=[0] * (2 * len(k)), ceil_mode=0)
    if is_max:
        g.add('MaxPool', [padded], [out], name=node.name, **common)
        return
    mean = g.add('AveragePool', [padded], name=node.name + '_mean', count_include_pad=1,
                 **common)[0]
    include = True if a.count_include_pad is None else bool(a.count_include_pad)
    counts = []
    for n, st, kk, size, pp in zip(out_sp, s, k, in_sp, p):
        starts = np.arange(n) * st - pp
        if include:
            c = np.minimum(starts + kk, size + pp) - starts
        else:
            c = np.minimum(starts + kk, size) - np.maximum(starts, 0)
        counts.append(np.maximum(c, 1))
    div = counts[0]
    for c in counts[1:]:
        div = np.multiply.outer(div, c)
    div = (np.prod(k) / div).reshape((1, 1) + tuple(out_sp)).astype(g.in_dtype(node))
    g.add('Mul', [mean, g.const(node.name + '_scale', div)], [out], name=node.name + '_scale')


@register('BatchNorm')
def batch_norm(g, node):
    a = node.attrs
    if a.axis not in (1, -len(g.in_shape(node, 0)) + 1):
        raise unsupported(node, 'axis %d (ONNX normalises axis 1)' % a.axis)
    if a.output_mean_var:
        raise unsupported(node, 'output_mean_var=True')
    ins = g.inputs(node)
    if a.fix_gamma:             # gamma is used as 1, whatever the parameter holds
        c = g.in_shape(node, 0)[1]
        ins[1] = g.const(node.name + '_gamma_fixed', np.ones(c, dtype=g.in_dtype(node)))
    g.add('BatchNormalization', ins, [g.output(node)], name=node.name, epsilon=float(a.eps),
          momentum=float(a.momentum))


@register('InstanceNorm')
def instance_norm(g, node):
    g.add('InstanceNormalization', g.inputs(node), [g.output(node)], name=node.name,
          epsilon=float(node.attrs.eps))


@register('LRN')
def lrn(g, node):
    a = node.attrs
    g.add('LRN', [g.input(node, 0)], [g.output(node)], name=node.name, alpha=float(a.alpha),
          beta=float(a.beta), bias=float(a.knorm), size=int(a.nsize))


@register('Dropout')
def dropout(g, node):
    if node.attrs.mode == 'always':
        raise unsupported(node, "mode='always' (dropout at inference)")
    g.add('Identity', [g.input(node, 0)], [g.output(node)], name=node.name)


def _softmax_flat(g, node, x, out, op='Softmax'):
    """MXNet's instance softmax: over all but the first axis, same output shape."""
    shape = g.in_shape(node, 0)
    if len(shape) == 2:
        g.add(op, [x], [out], name=node.name, axis=1)
        return
    flat = g.add('Flatten', [x], name=node.name + '_flatten', axis=1)[0]
    sm = g.add(op, [flat], name=node.name + '_' + op.lower(), axis=1)[0]
    g.add('Reshape', [sm, g.int64s(node.name + '_shape', shape)], [out], name=node.name)


@register('SoftmaxOutput', 'Softmax')
def softmax_output(g, node):
    a = node.attrs
    x, out = g.input(node, 0), g.output(node)
    if a.multi_output or a.preserve_shape:
        axis = 1 if a.multi_output else -1
        g.add('Softmax', [x], [out], name=node.name, axis=axis)
    else:
        _softmax_flat(g, node, x, out)


@register('SoftmaxActivation')
def softmax_activation(g, node):
    x, out = g.input(node, 0), g.output(node)
    if node.attrs.mode == 'channel':
        g.add('Softmax', [x], [out], name=node.name, axis=1)
    else:
        _softmax_flat(g, node, x, out)


@register('softmax', 'log_softmax', 'softmin')
def softmax(g, node):
    a = node.attrs
    if a.use_length:
        raise unsupported(node, 'use_length=True')
    x, out = g.input(node, 0), g.output(node)
    if a.temperature is not None and a.temperature != 1:
        x = g.add('Div', [x, g.scalar(node, a.temperature)], name=node.name + '_temp')[0]
    if node.op.name == 'softmin':
        x = g.add('Neg', [x], name=node.name + '_neg')[0]
    op = 'LogSoftmax' if node.op.name == 'log_softmax' else 'Softmax'
    if a.dtype is not None and np.dtype(a.dtype) != g.in_dtype(node):
        from ._graph import onnx_dtype
        y = g.add(op, [x], name=node.name + '_' + op.lower(), axis=int(a.axis))[0]
        g.add('Cast', [y], [out], name=node.name, to=onnx_dtype(a.dtype))
    else:
        g.add(op, [x], [out], name=node.name, axis=int(a.axis))


@register('LinearRegressionOutput', 'MAERegressionOutput')
def regression_output(g, node):
    g.add('Identity', [g.input(node, 0)], [g.output(node)], name=node.name)


@register('LogisticRegressionOutput')
def logistic_output(g, node):
    g.add('Sigmoid', [g.input(node, 0)], [g.output(node)], name=node.name)


@register('Embedding')
def embedding(g, node):
    idx = g.add('Cast', [g.input(node, 0)], name=node.name + '_indices', to=7)[0]   # int64
    g.add('Gather', [g.input(node, 1), idx], [g.output(node)], name=node.name, axis=0)


@register('Pad', 'pad')
def pad(g, node):
    a = node.attrs
    pw = list(a.pad_width)
    pads = pw[0::2] + pw[1::2]
    ins = [g.input(node, 0), g.int64s(node.name + '_pads', pads)]
    if a.mode == 'constant':
        ins.append(g.scalar(node, a.constant_value))
    g.add('Pad', ins, [g.output(node)], name=node.name, mode=a.mode)
