"""Converters of Caffe's inputs, blob-structure layers and output layers.

Input/MemoryData, Eltwise, Concat, Flatten, Reshape, Slice, Split, Crop,
Dropout, Softmax and SoftmaxWithLoss (registered in
``caffe_layers.CONVERTERS``; see that module for the converter contract).
"""
import numpy as np

from caffe_parser import sanitize
from caffe_emit import f32
from caffe_layers import converter, _one, _axis, _err


@converter('Input')
def input_layer(b, index, layer, bottoms):
    shapes = [tuple(int(d) for d in s.dim) for s in layer.sub('input_param').shape]
    if len(shapes) == 1 and len(layer.top) > 1:
        shapes = shapes * len(layer.top)
    if len(shapes) != len(layer.top):
        raise _err(layer, '%d tops but %d shapes' % (len(layer.top), len(shapes)))
    for top, shape in zip(layer.top, shapes):
        b.add_input(top, shape)
    return [b.blobs[top] for top in layer.top]


@converter('MemoryData')
def memory_data(b, index, layer, bottoms):
    p = layer.sub('memory_data_param')
    b.add_input(layer.top[0], (p.batch_size, p.channels, p.height, p.width))
    refs = [b.blobs[layer.top[0]]]
    for top in layer.top[1:]:       # the label: an input nothing in the deploy net reads
        b.add_input(top, (p.batch_size,))
        refs.append(b.blobs[top])
    return refs


@converter('Split')
def split(b, index, layer, bottoms):
    x = _one(layer, bottoms)
    return [x] * len(layer.top)


@converter('Dropout')
def dropout(b, index, layer, bottoms):
    ratio = f32(layer.sub('dropout_param').dropout_ratio)
    return [b.em.op('Dropout', _one(layer, bottoms), name=sanitize(layer.name), p=ratio)]


@converter('Eltwise')
def eltwise(b, index, layer, bottoms):
    p = layer.sub('eltwise_param')
    name = sanitize(layer.name)
    if len(bottoms) < 2:
        raise _err(layer, 'needs at least 2 bottom blobs, got %d' % len(bottoms))
    if p.operation == 1:        # SUM, optionally weighted
        coeffs = [f32(c) for c in p.coeff] or [1.0] * len(bottoms)
        if len(coeffs) != len(bottoms):
            raise _err(layer, '%d coefficients for %d bottom blobs' % (len(coeffs), len(bottoms)))
        terms = [x if c == 1 else b.em.op('_mul_scalar', x, name='%s_coeff%d' % (name, i), scalar=c)
                 for i, (x, c) in enumerate(zip(bottoms, coeffs))]
        if len(terms) == 2:
            return [b.em.op('elemwise_add', terms[0], terms[1], name=name)]
        return [b.em.op('add_n', *terms, name=name)]
    if p.coeff:
        raise _err(layer, 'coefficients apply to the SUM operation only')
    op = {0: 'elemwise_mul', 2: '_maximum'}[p.operation]
    out = bottoms[0]
    for i, x in enumerate(bottoms[1:], 1):
        last = i == len(bottoms) - 1
        out = b.em.op(op, out, x, name=name if last else '%s_%d' % (name, i))
    return [out]


@converter('Concat')
def concat(b, index, layer, bottoms):
    p = layer.sub('concat_param')
    axis = p.axis if p.HasField('axis') or not p.HasField('concat_dim') else p.concat_dim
    if not bottoms:
        raise _err(layer, 'has no bottom blobs')
    if len(bottoms) == 1:
        return [b.em.op('identity', bottoms[0], name=sanitize(layer.name))]
    axis = _axis(layer, axis, len(b.em.shape(bottoms[0])))
    return [b.em.op('Concat', *bottoms, name=sanitize(layer.name), dim=axis)]


@converter('Flatten')
def flatten(b, index, layer, bottoms):
    p = layer.sub('flatten_param')
    x = _one(layer, bottoms)
    shape = b.em.shape(x)
    a = _axis(layer, p.axis, len(shape))
    e = _axis(layer, p.end_axis, len(shape))
    if e < a:
        raise _err(layer, 'end_axis %d is before axis %d' % (p.end_axis, p.axis))
    name = sanitize(layer.name)
    if a == 1 and e == len(shape) - 1:
        return [b.em.op('Flatten', x, name=name)]
    target = (0,) * a + (int(np.prod(shape[a:e + 1])),) + tuple(shape[e + 1:])
    return [b.em.op('Reshape', x, name=name, shape=target)]


@converter('Reshape')
def reshape(b, index, layer, bottoms):
    p = layer.sub('reshape_param')
    x = _one(layer, bottoms)
    shape = b.em.shape(x)
    rank = len(shape)
    axis = p.axis + rank + 1 if p.axis < 0 else p.axis
    end = rank if p.num_axes == -1 else axis + p.num_axes
    if not 0 <= axis <= end <= rank:
        raise _err(layer, 'axis %d / num_axes %d do not fit a %d-d blob' % (p.axis, p.num_axes, rank))
    dims = [int(d) for d in p.shape.dim]
    if sum(d == -1 for d in dims) > 1:
        raise _err(layer, 'at most one dimension may be -1')
    new = []
    for i, d in enumerate(dims):
        if d == 0:
            if axis + i >= rank:
                raise _err(layer, 'dimension %d copies an input axis that does not exist' % i)
            new.append(shape[axis + i])
        else:
            new.append(d)
    out = list(shape[:axis]) + new + list(shape[end:])
    if -1 in out:
        known = int(np.prod([d for d in out if d != -1]))
        total = int(np.prod(shape))
        if known == 0 or total % known:
            raise _err(layer, 'cannot reshape %s into %s' % (shape, tuple(dims)))
        out[out.index(-1)] = total // known
    if int(np.prod(out)) != int(np.prod(shape)):
        raise _err(layer, 'cannot reshape %s (%d values) into %s'
                   % (shape, int(np.prod(shape)), tuple(out)))
    # keep the batch dimension free when the reshape leaves it alone
    keep_batch = out and out[0] == shape[0] and (axis > 0 or (dims and dims[0] == 0))
    target = ([0] if keep_batch else [out[0]]) + out[1:]
    if not keep_batch and axis == 0 and dims and dims[0] == -1:
        target[0] = -1
    return [b.em.op('Reshape', x, name=sanitize(layer.name), shape=tuple(target))]


@converter('Slice')
def slice_layer(b, index, layer, bottoms):
    p = layer.sub('slice_param')
    x = _one(layer, bottoms)
    shape = b.em.shape(x)
    axis = p.axis if p.HasField('axis') or not p.HasField('slice_dim') else p.slice_dim
    axis = _axis(layer, axis, len(shape))
    name = sanitize(layer.name)
    n = len(layer.top)
    points = [int(v) for v in p.slice_point]
    if not points:
        if shape[axis] % n:
            raise _err(layer, 'axis %d of size %d does not split into %d equal parts'
                       % (axis, shape[axis], n))
        if n == 1:
            return [b.em.op('identity', x, name=name)]
        parts = b.em.op('SliceChannel', x, name=name, num_outputs=n, axis=axis)
        return [b.em.item(parts, i, '%s_%d' % (name, i)) for i in range(n)]
    if len(points) != n - 1:
        raise _err(layer, '%d slice points for %d tops' % (len(points), n))
    bounds = [0] + points + [shape[axis]]
    if any(lo >= hi for lo, hi in zip(bounds, bounds[1:])):
        raise _err(layer, 'slice points %s must increase within (0, %d)' % (points, shape[axis]))
    return [b.em.op('slice_axis', x, name='%s_%d' % (name, i), axis=axis, begin=lo, end=hi)
            for i, (lo, hi) in enumerate(zip(bounds, bounds[1:]))]


@converter('Crop')
def crop(b, index, layer, bottoms):
    p = layer.sub('crop_param')
    x, ref = _one(layer, bottoms, 2)
    shape, rshape = b.em.shape(x), b.em.shape(ref)
    if len(shape) != len(rshape):
        raise _err(layer, 'bottoms of ranks %d and %d' % (len(shape), len(rshape)))
    axis = _axis(layer, p.axis, len(shape))
    offsets = [int(v) for v in p.offset]
    n = len(shape) - axis
    if not offsets:
        offsets = [0] * n
    elif len(offsets) == 1:
        offsets = offsets * n
    elif len(offsets) != n:
        raise _err(layer, '%d offsets for %d cropped axes' % (len(offsets), n))
    name = sanitize(layer.name)
    out = x
    cuts = [(axis + i, o, o + rshape[axis + i]) for i, o in enumerate(offsets)]
    cuts = [c for c in cuts if not (c[1] == 0 and c[2] == shape[c[0]])]
    for k, (ax, lo, hi) in enumerate(cuts):
        if hi > shape[ax]:
            raise _err(layer, 'crop [%d, %d) exceeds axis %d of size %d' % (lo, hi, ax, shape[ax]))
        out = b.em.op('slice_axis', out, name=name if k == len(cuts) - 1 else '%s_%d' % (name, ax),
                      axis=ax, begin=lo, end=hi)
    if out is x:
        out = b.em.op('identity', x, name=name)
    return [out]


@converter('Softmax')
def softmax(b, index, layer, bottoms):
    x = _one(layer, bottoms)
    rank = len(b.em.shape(x))
    axis = _axis(layer, layer.sub('softmax_param').axis, rank)
    name = sanitize(layer.name)
    if axis == 1 and b.is_terminal(index):
        # the network's output: SoftmaxOutput, so the converted model can be fine-tuned
        kw = {'multi_output': True} if rank > 2 else {}
        return [b.em.op('SoftmaxOutput', x, name=name, **kw)]
    return [b.em.op('softmax', x, name=name, axis=axis)]


@converter('SoftmaxWithLoss')
def softmax_loss(b, index, layer, bottoms):
    if not bottoms:
        raise _err(layer, 'has no bottom blobs')
    x = bottoms[0]             # bottoms[1] is the label: SoftmaxOutput has its own
    rank = len(b.em.shape(x))
    if _axis(layer, layer.sub('softmax_param').axis, rank) != 1:
        raise _err(layer, 'only axis 1 is supported')
    kw = {'multi_output': True} if rank > 2 else {}
    lp = layer.sub('loss_param')
    if lp.HasField('ignore_label'):
        kw.update(use_ignore=True, ignore_label=float(lp.ignore_label))
    return [b.em.op('SoftmaxOutput', x, name=sanitize(layer.name), **kw)]
