"""One converter per Caffe layer type: Caffe's semantics written with mx.sym operators.

A converter is ``fn(b, index, layer, bottoms) -> [Ref per top]`` where ``b``
is the network builder (``caffe_net._Builder``: the emitter ``b.em``, shape
inference, folding decisions).  Converters also register how the layer's
blobs become mx parameters (``b.em.param``).  mx names are the Caffe layer
names with ``/`` and ``-`` replaced by ``_`` (as MXNet's converter does), so
``conv1`` gives ``conv1_weight`` and ``conv1_bias``.
"""
import math

import numpy as np

from caffe_parser import ConverterError, sanitize
from caffe_emit import f32

__all__ = ['CONVERTERS', 'SKIPPED', 'NOT_READERS', 'unsupported_message']

CONVERTERS = {}
# layers that compute nothing at inference: dropped, with their tops
SKIPPED = ('Accuracy', 'Silence')
# layers whose reading a blob does not stop it from being a network output
NOT_READERS = ('Accuracy',)
_DATA_LAYERS = ('Data', 'ImageData', 'HDF5Data', 'WindowData', 'DummyData', 'Python',
                'AnnotatedData')


def converter(*types):
    def deco(fn):
        for t in types:
            CONVERTERS[t] = fn
        return fn
    return deco


def unsupported_message(layer):
    if layer.type in _DATA_LAYERS:
        return ("%s reads training data; convert the deploy prototxt instead (one declaring "
                "its input with 'input:'/'input_dim:', 'input_shape' or an Input layer)"
                % layer.describe())
    return ('%s is not supported by the converter; supported types: %s'
            % (layer.describe(), ', '.join(sorted(CONVERTERS))))


def _err(layer, msg):
    return ConverterError('%s: %s' % (layer.describe(), msg))


def _one(layer, bottoms, n=1):
    if len(bottoms) != n:
        raise _err(layer, 'expects %d bottom blob(s), got %d' % (n, len(bottoms)))
    return bottoms[0] if n == 1 else bottoms


def _axis(layer, axis, rank):
    a = axis + rank if axis < 0 else axis
    if not 0 <= a < rank:
        raise _err(layer, 'axis %d is out of range for a %d-d blob' % (axis, rank))
    return a


def _blob(layer, blobs, i, what):
    if len(blobs) <= i:
        raise _err(layer, 'the caffemodel has %d blob(s) for it; the %s is blob %d'
                   % (len(blobs), what, i))
    return blobs[i]


def _weights(em, layer, name, transpose=False, bias=True, swap_name=None):
    """weight = blob 0 (optionally transposed), bias = blob 1."""
    def weight(blobs, shape):
        w = _blob(layer, blobs, 0, 'weight')
        if transpose:
            w = w.reshape(w.shape[-2:]).T
        return w
    em.param(layer.name, name + '_weight', 'arg', weight)
    if bias:
        em.param(layer.name, name + '_bias', 'arg', lambda blobs, shape: _blob(layer, blobs, 1, 'bias'))


# -- geometry --------------------------------------------------------------------
def _conv_geometry(layer, p, nsp):
    """(kernel, stride, pad, dilate) tuples of a ConvolutionParameter for ``nsp`` spatial dims."""
    def pick(rep, h, w, default, what):
        if p.HasField(h) or p.HasField(w):
            if nsp != 2:
                raise _err(layer, '%s_h/%s_w apply to 2-d convolution only' % (what, what))
            if not (p.HasField(h) and p.HasField(w)) and what == 'kernel':
                raise _err(layer, 'give both kernel_h and kernel_w')
            return (int(getattr(p, h)), int(getattr(p, w)))
        vals = [int(v) for v in rep]
        if not vals:
            if default is None:
                raise _err(layer, 'no kernel size given')
            return (default,) * nsp
        if len(vals) == 1:
            return (vals[0],) * nsp
        if len(vals) != nsp:
            raise _err(layer, '%d %s values for %d spatial dimensions' % (len(vals), what, nsp))
        return tuple(vals)
    kernel = pick(p.kernel_size, 'kernel_h', 'kernel_w', None, 'kernel')
    stride = pick(p.stride, 'stride_h', 'stride_w', 1, 'stride')
    pad = pick(p.pad, 'pad_h', 'pad_w', 0, 'pad')
    dil = [int(v) for v in p.dilation]
    dilate = (1,) * nsp if not dil else (dil[0],) * nsp if len(dil) == 1 else tuple(dil)
    if len(dilate) != nsp:
        raise _err(layer, '%d dilation values for %d spatial dimensions' % (len(dil), nsp))
    return kernel, stride, pad, dilate


def _conv_common(b, layer, bottoms, p):
    x = _one(layer, bottoms)
    if p.axis not in (1, -3):
        raise _err(layer, 'only channel axis 1 is supported, got axis %d' % p.axis)
    if not p.HasField('num_output'):
        raise _err(layer, 'num_output is not set')
    nsp = len(b.em.shape(x)) - 2
    kernel, stride, pad, dilate = _conv_geometry(layer, p, nsp)
    kw = dict(kernel=kernel, num_filter=int(p.num_output))
    if any(s != 1 for s in stride):
        kw['stride'] = stride
    if any(d != 0 for d in pad):
        kw['pad'] = pad
    if any(d != 1 for d in dilate):
        kw['dilate'] = dilate
    if p.group != 1:
        kw['num_group'] = int(p.group)
    return x, kw


@converter('Convolution')
def convolution(b, index, layer, bottoms):
    p = layer.sub('convolution_param')
    x, kw = _conv_common(b, layer, bottoms, p)
    name = sanitize(layer.name)
    if b.first_conv is None and x.layer is None and x.sym.name in b.input_names:
        b.first_conv = name
    _weights(b.em, layer, name, bias=p.bias_term)
    if not p.bias_term:
        kw['no_bias'] = True
    return [b.em.op('Convolution', x, name=name, layer=layer, **kw)]


@converter('Deconvolution')
def deconvolution(b, index, layer, bottoms):
    p = layer.sub('convolution_param')
    x, kw = _conv_common(b, layer, bottoms, p)
    name = sanitize(layer.name)
    _weights(b.em, layer, name, bias=p.bias_term)
    kw['no_bias'] = not p.bias_term      # mx Deconvolution leaves out the bias by default
    return [b.em.op('Deconvolution', x, name=name, layer=layer, **kw)]


@converter('InnerProduct')
def inner_product(b, index, layer, bottoms):
    p = layer.sub('inner_product_param')
    x = _one(layer, bottoms)
    name = sanitize(layer.name)
    rank = len(b.em.shape(x))
    axis = _axis(layer, p.axis, rank)
    _weights(b.em, layer, name, transpose=p.transpose, bias=p.bias_term)
    kw = dict(num_hidden=int(p.num_output))
    if not p.bias_term:
        kw['no_bias'] = True
    if axis == 1:
        return [b.em.op('FullyConnected', x, name=name, layer=layer, **kw)]
    flat = b.em.op('Reshape', x, name=name + '_flatten', shape=(0,) * axis + (-1,))
    return [b.em.op('FullyConnected', flat, name=name, layer=layer, flatten=False, **kw)]


def _pool_out(size, k, s, p, ceil):
    n = (size + 2 * p - k) / s
    out = (math.ceil(n) if ceil else math.floor(n)) + 1
    return out


@converter('Pooling')
def pooling(b, index, layer, bottoms):
    p = layer.sub('pooling_param')
    x = _one(layer, bottoms)
    name = sanitize(layer.name)
    shape = b.em.shape(x)
    if len(shape) != 4:
        raise _err(layer, 'Caffe pools 4-d blobs; got shape %s' % (shape,))
    methods = {0: 'max', 1: 'avg'}
    if p.pool not in methods:
        raise _err(layer, 'STOCHASTIC pooling is not supported')
    pool_type = methods[p.pool]
    if p.global_pooling:
        return [b.em.op('Pooling', x, name=name, layer=layer, kernel=(1, 1), global_pool=True,
                        pool_type=pool_type)]
    if p.HasField('kernel_size'):
        kernel = (int(p.kernel_size),) * 2
    elif p.HasField('kernel_h') and p.HasField('kernel_w'):
        kernel = (int(p.kernel_h), int(p.kernel_w))
    else:
        raise _err(layer, 'no kernel size given (kernel_size or kernel_h and kernel_w)')
    stride = (int(p.stride_h), int(p.stride_w)) if p.HasField('stride_h') else (int(p.stride),) * 2
    pad = (int(p.pad_h), int(p.pad_w)) if (p.HasField('pad_h') or p.HasField('pad_w')) \
        else (int(p.pad),) * 2
    ceil = p.round_mode == 0
    kw = dict(kernel=kernel, pool_type=pool_type)
    if stride != (1, 1):
        kw['stride'] = stride
    if pad != (0, 0):
        kw['pad'] = pad
    if ceil:
        kw['pooling_convention'] = 'full'
    out = b.em.op('Pooling', x, name=name, layer=layer, **kw)
    # Caffe drops a last window that would start inside the bottom/right padding
    for d in range(2):
        size, k, s, pd = shape[2 + d], kernel[d], stride[d], pad[d]
        n = _pool_out(size, k, s, pd, ceil)
        caffe_n = n - 1 if pd and (n - 1) * s >= size + pd else n
        if caffe_n != n:
            out = b.em.op('slice_axis', out, name='%s_clip%d' % (name, d), layer=layer,
                          axis=2 + d, begin=0, end=caffe_n)
    return [out]


# -- activations -------------------------------------------------------------------
@converter('ReLU')
def relu(b, index, layer, bottoms):
    x = _one(layer, bottoms)
    slope = f32(layer.sub('relu_param').negative_slope)
    if slope:
        return [b.em.op('LeakyReLU', x, name=sanitize(layer.name), act_type='leaky', slope=slope)]
    return [b.em.op('Activation', x, name=sanitize(layer.name), act_type='relu')]


@converter('Sigmoid', 'TanH', 'BNLL')
def activation(b, index, layer, bottoms):
    act = {'Sigmoid': 'sigmoid', 'TanH': 'tanh', 'BNLL': 'softrelu'}[layer.type]
    return [b.em.op('Activation', _one(layer, bottoms), name=sanitize(layer.name), act_type=act)]


@converter('ELU')
def elu(b, index, layer, bottoms):
    alpha = f32(layer.sub('elu_param').alpha)
    return [b.em.op('LeakyReLU', _one(layer, bottoms), name=sanitize(layer.name),
                    act_type='elu', slope=alpha)]


@converter('PReLU')
def prelu(b, index, layer, bottoms):
    x = _one(layer, bottoms)
    name = sanitize(layer.name)

    def gamma(blobs, shape):
        g = _blob(layer, blobs, 0, 'slope').ravel()
        return np.full(shape, g[0], np.float32) if g.size == 1 else g
    b.em.param(layer.name, name + '_gamma', 'arg', gamma)
    return [b.em.op('LeakyReLU', x, name=name, act_type='prelu')]


@converter('AbsVal')
def absval(b, index, layer, bottoms):
    return [b.em.op('abs', _one(layer, bottoms), name=sanitize(layer.name))]


@converter('Threshold')
def threshold(b, index, layer, bottoms):
    t = f32(layer.sub('threshold_param').threshold)
    return [b.em.op('_greater_scalar', _one(layer, bottoms), name=sanitize(layer.name), scalar=t)]


def _affine(b, x, name, scale, shift):
    """scale * x + shift, emitting only the operations that change something."""
    if scale != 1:
        x = b.em.op('_mul_scalar', x, name=name + '_scale', scalar=scale)
    if shift != 0:
        x = b.em.op('_plus_scalar', x, name=name + '_shift', scalar=shift)
    return x


@converter('Power')
def power(b, index, layer, bottoms):
    p = layer.sub('power_param')
    name = sanitize(layer.name)
    x = _affine(b, _one(layer, bottoms), name, f32(p.scale), f32(p.shift))
    if f32(p.power) != 1:
        return [b.em.op('_power_scalar', x, name=name, scalar=f32(p.power))]
    if x is bottoms[0]:
        x = b.em.op('identity', x, name=name)
    return [x]


@converter('Exp', 'Log')
def exp_log(b, index, layer, bottoms):
    p = layer.sub('exp_param' if layer.type == 'Exp' else 'log_param')
    name = sanitize(layer.name)
    base = f32(p.base)
    if base != -1 and base <= 0:
        raise _err(layer, 'base must be -1 (e) or positive, got %g' % base)
    ln_base = 1.0 if base == -1 else math.log(base)
    x = _one(layer, bottoms)
    if layer.type == 'Exp':     # base ^ (shift + scale x) = exp(ln(base) (shift + scale x))
        x = _affine(b, x, name, f32(p.scale) * ln_base, f32(p.shift) * ln_base)
        return [b.em.op('exp', x, name=name)]
    x = _affine(b, x, name, f32(p.scale), f32(p.shift))
    if ln_base == 1.0:
        return [b.em.op('log', x, name=name)]
    x = b.em.op('log', x, name=name + '_ln')
    return [b.em.op('_mul_scalar', x, name=name, scalar=1.0 / ln_base)]


# -- normalisation -------------------------------------------------------------------
@converter('LRN')
def lrn(b, index, layer, bottoms):
    p = layer.sub('lrn_param')
    x = _one(layer, bottoms)
    name = sanitize(layer.name)
    size, alpha, beta, k = int(p.local_size), f32(p.alpha), f32(p.beta), f32(p.k)
    if size % 2 == 0:
        raise _err(layer, 'local_size must be odd, got %d' % size)
    if p.norm_region == 0:      # ACROSS_CHANNELS
        return [b.em.op('LRN', x, name=name, alpha=alpha, beta=beta, knorm=k, nsize=size)]
    # WITHIN_CHANNEL: x * (1 + alpha * mean over a size x size window of x^2) ^ -beta,
    # the window zero-padded and the mean taken over size^2 positions (Caffe's AVE pooling)
    sq = b.em.op('square', x, name=name + '_sq')
    pad = (size - 1) // 2
    avg = b.em.op('Pooling', sq, name=name + '_pool', kernel=(size, size), stride=(1, 1),
                  pad=(pad, pad), pool_type='avg', count_include_pad=True)
    den = _affine(b, avg, name, alpha, 1.0)
    den = b.em.op('_power_scalar', den, name=name + '_pow', scalar=-beta)
    return [b.em.op('elemwise_mul', x, den, name=name)]


@converter('BatchNorm')
def batch_norm(b, index, layer, bottoms):
    p = layer.sub('batch_norm_param')
    x = _one(layer, bottoms)
    name = sanitize(layer.name)
    scaled = b.has_scale(index)
    kw = dict(eps=f32(p.eps), momentum=f32(p.moving_average_fraction), fix_gamma=not scaled)
    if p.HasField('use_global_stats') and p.use_global_stats:
        kw['use_global_stats'] = True

    def stat(i):
        def fn(blobs, shape):
            value = _blob(layer, blobs, i, ('mean', 'variance')[i])
            factor = float(_blob(layer, blobs, 2, 'scale factor').ravel()[0]) \
                if len(blobs) > 2 else 1.0
            return value * (0.0 if factor == 0 else 1.0 / factor)
        return fn
    b.em.param(layer.name, name + '_moving_mean', 'aux', stat(0))
    b.em.param(layer.name, name + '_moving_var', 'aux', stat(1))
    b.em.param(None, name + '_gamma', 'arg', lambda blobs, shape: np.ones(shape, np.float32))
    b.em.param(None, name + '_beta', 'arg', lambda blobs, shape: np.zeros(shape, np.float32))
    return [b.em.op('BatchNorm', x, name=name, layer=layer, **kw)]


def _broadcast_shape(layer, xshape, pshape, axis):
    if tuple(xshape[axis:axis + len(pshape)]) != tuple(pshape):
        raise _err(layer, 'parameter shape %s does not match the input %s at axis %d'
                   % (tuple(pshape), tuple(xshape), axis))
    return (1,) * axis + tuple(pshape) + (1,) * (len(xshape) - axis - len(pshape))


def _scale_bias(b, layer, bottoms, p, mx_op, suffix, blob_index, op_name):
    """Multiply (Scale) or add (Bias) along axes [axis, axis+num_axes) of bottom 0.

    The factor is bottom 1 when there are two bottoms, else a learned
    parameter ``<layer><suffix>`` taken from blob ``blob_index``.
    """
    name = sanitize(layer.name)
    x = bottoms[0]
    xshape = b.em.shape(x)
    axis = _axis(layer, p.axis, len(xshape))
    if len(bottoms) == 2:
        other = bottoms[1]
        target = list(_broadcast_shape(layer, xshape, b.em.shape(other), axis))
        if axis == 0:
            target[0] = 0
        other = b.em.op('Reshape', other, name=name + '_reshape', shape=tuple(target))
        return b.em.op(mx_op, x, other, name=op_name)
    if len(bottoms) != 1:
        raise _err(layer, 'expects 1 or 2 bottom blobs, got %d' % len(bottoms))
    n = len(xshape) - axis if p.num_axes == -1 else int(p.num_axes)
    pshape = xshape[axis:axis + n]
    var = b.em.variable(name + suffix, shape=_broadcast_shape(layer, xshape, pshape, axis))
    what = ('scale', 'bias')[blob_index]
    b.em.param(layer.name, name + suffix, 'arg',
               lambda blobs, shape: _blob(layer, blobs, blob_index, what))
    return b.em.op(mx_op, x, var, name=op_name)


@converter('Scale')
def scale(b, index, layer, bottoms):
    p = layer.sub('scale_param')
    bn_index = b.folds_into(index)
    if bn_index is not None:    # Caffe's BatchNorm + Scale = one mx BatchNorm
        bn = sanitize(b.layers[bn_index].name)
        b.em.drop_params({bn + '_gamma', bn + '_beta'})
        b.em.param(layer.name, bn + '_gamma', 'arg',
                   lambda blobs, shape: _blob(layer, blobs, 0, 'scale'))
        if p.bias_term:
            b.em.param(layer.name, bn + '_beta', 'arg',
                       lambda blobs, shape: _blob(layer, blobs, 1, 'bias'))
        else:
            b.em.param(None, bn + '_beta', 'arg', lambda blobs, shape: np.zeros(shape, np.float32))
        return [bottoms[0]]
    if p.bias_term and len(bottoms) == 2:
        raise _err(layer, 'bias_term with a second bottom blob is not supported')
    name = sanitize(layer.name)
    out = _scale_bias(b, layer, bottoms, p, 'broadcast_mul', '_gamma', 0,
                      name + '_mul' if p.bias_term else name)
    if p.bias_term:
        out = _scale_bias(b, layer, [out], p, 'broadcast_add', '_beta', 1, name)
    return [out]


@converter('Bias')
def bias(b, index, layer, bottoms):
    return [_scale_bias(b, layer, bottoms, layer.sub('bias_param'), 'broadcast_add', '_beta', 0,
                        sanitize(layer.name))]
