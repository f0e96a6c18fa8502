"""Small Caffe networks for the converter tests, and writers for their files.

Each network is a prototxt text; :func:`random_weights` makes Caffe-shaped
blobs for it with a seeded generator, :func:`write_caffemodel` writes them
as a ``.caffemodel`` (current "layer" format or legacy V1 "layers").
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(HERE, '..', '..', '..', 'tools', 'caffe_converter')
if TOOLS not in sys.path:
    sys.path.insert(0, TOOLS)

from caffe_schema import caffe_pb2, V1_LAYER_TYPES  # noqa: E402
from google.protobuf import text_format  # noqa: E402

import caffe_ref  # noqa: E402


def _conv(name, bottom, top, n, k, extra='', bias=True):
    b = '' if bias else ' bias_term: false'
    return ('layer { name: "%s" type: "Convolution" bottom: "%s" top: "%s" '
            'convolution_param { num_output: %d kernel_size: %d%s %s } }\n'
            % (name, bottom, top, n, k, b, extra))


def _layer(name, type_, bottoms, tops, params=''):
    b = ' '.join('bottom: "%s"' % x for x in ([bottoms] if isinstance(bottoms, str) else bottoms))
    t = ' '.join('top: "%s"' % x for x in ([tops] if isinstance(tops, str) else tops))
    return 'layer { name: "%s" type: "%s" %s %s %s }\n' % (name, type_, b, t, params)


def _bn_scale(name, blob, global_stats=False):
    gs = 'batch_norm_param { use_global_stats: true }' if global_stats else ''
    return (_layer('bn_' + name, 'BatchNorm', blob, blob, gs) +
            _layer('scale_' + name, 'Scale', blob, blob, 'scale_param { bias_term: true }'))


VGG = ('name: "vgg_tiny"\ninput: "data"\ninput_dim: 2\ninput_dim: 3\ninput_dim: 17\ninput_dim: 17\n'
       + _conv('conv1_1', 'data', 'conv1_1', 4, 3, 'pad: 1')
       + _layer('relu1_1', 'ReLU', 'conv1_1', 'conv1_1')
       + _conv('conv1_2', 'conv1_1', 'conv1_2', 4, 3, 'pad: 1')
       + _layer('relu1_2', 'ReLU', 'conv1_2', 'conv1_2')
       + _layer('pool1', 'Pooling', 'conv1_2', 'pool1',
                'pooling_param { pool: MAX kernel_size: 2 stride: 2 }')
       + _conv('conv2_1', 'pool1', 'conv2_1', 6, 3, 'pad: 1')
       + _layer('relu2_1', 'ReLU', 'conv2_1', 'conv2_1')
       + _layer('pool2', 'Pooling', 'conv2_1', 'pool2',
                'pooling_param { pool: MAX kernel_size: 3 stride: 2 }')
       + _layer('fc6', 'InnerProduct', 'pool2', 'fc6', 'inner_product_param { num_output: 12 }')
       + _layer('relu6', 'ReLU', 'fc6', 'fc6')
       + _layer('drop6', 'Dropout', 'fc6', 'fc6', 'dropout_param { dropout_ratio: 0.5 }')
       + _layer('fc7', 'InnerProduct', 'fc6', 'fc7', 'inner_product_param { num_output: 5 }')
       + _layer('prob', 'Softmax', 'fc7', 'prob'))

RESNET = ('name: "resnet_tiny"\n'
          + _layer('input', 'Input', [], 'data',
                   'input_param { shape { dim: 2 dim: 3 dim: 16 dim: 16 } }')
          + _conv('conv1', 'data', 'conv1', 8, 7, 'pad: 3 stride: 2', bias=False)
          + _bn_scale('conv1', 'conv1', global_stats=True)
          + _layer('conv1_relu', 'ReLU', 'conv1', 'conv1')
          + _layer('pool1', 'Pooling', 'conv1', 'pool1',
                   'pooling_param { pool: MAX kernel_size: 3 stride: 2 }')
          + _conv('res2a_branch1', 'pool1', 'res2a_branch1', 12, 1, bias=False)
          + _bn_scale('res2a_branch1', 'res2a_branch1')
          + _conv('res2a_branch2a', 'pool1', 'res2a_branch2a', 4, 1, bias=False)
          + _bn_scale('res2a_branch2a', 'res2a_branch2a')
          + _layer('res2a_branch2a_relu', 'ReLU', 'res2a_branch2a', 'res2a_branch2a')
          + _conv('res2a_branch2b', 'res2a_branch2a', 'res2a_branch2b', 4, 3, 'pad: 1', bias=False)
          + _bn_scale('res2a_branch2b', 'res2a_branch2b')
          + _layer('res2a_branch2b_relu', 'ReLU', 'res2a_branch2b', 'res2a_branch2b')
          + _conv('res2a_branch2c', 'res2a_branch2b', 'res2a_branch2c', 12, 1, bias=False)
          + _bn_scale('res2a_branch2c', 'res2a_branch2c')
          + _layer('res2a', 'Eltwise', ['res2a_branch1', 'res2a_branch2c'], 'res2a')
          + _layer('res2a_relu', 'ReLU', 'res2a', 'res2a')
          + _layer('pool5', 'Pooling', 'res2a', 'pool5',
                   'pooling_param { pool: AVE global_pooling: true }')
          + _layer('fc3', 'InnerProduct', 'pool5', 'fc3', 'inner_product_param { num_output: 3 }')
          + _layer('prob', 'Softmax', 'fc3', 'prob'))

INCEPTION = ('name: "inception_tiny"\ninput: "data"\ninput_shape { dim: 2 dim: 3 dim: 15 dim: 15 }\n'
             + _conv('conv1/7x7_s2', 'data', 'conv1/7x7_s2', 8, 5, 'pad: 2 stride: 2')
             + _layer('conv1/relu_7x7', 'ReLU', 'conv1/7x7_s2', 'conv1/7x7_s2')
             + _layer('pool1/3x3_s2', 'Pooling', 'conv1/7x7_s2', 'pool1/3x3_s2',
                      'pooling_param { pool: MAX kernel_size: 3 stride: 2 }')
             + _layer('pool1/norm1', 'LRN', 'pool1/3x3_s2', 'pool1/norm1',
                      'lrn_param { local_size: 5 alpha: 0.0001 beta: 0.75 }')
             + _conv('inc/1x1', 'pool1/norm1', 'inc/1x1', 4, 1)
             + _layer('inc/relu_1x1', 'ReLU', 'inc/1x1', 'inc/1x1')
             + _conv('inc/3x3_reduce', 'pool1/norm1', 'inc/3x3_reduce', 3, 1)
             + _layer('inc/relu_3x3_reduce', 'ReLU', 'inc/3x3_reduce', 'inc/3x3_reduce')
             + _conv('inc/3x3', 'inc/3x3_reduce', 'inc/3x3', 5, 3, 'pad: 1')
             + _layer('inc/relu_3x3', 'ReLU', 'inc/3x3', 'inc/3x3')
             + _conv('inc/5x5_reduce', 'pool1/norm1', 'inc/5x5_reduce', 2, 1)
             + _conv('inc/5x5', 'inc/5x5_reduce', 'inc/5x5', 3, 5, 'pad: 2')
             + _layer('inc/pool', 'Pooling', 'pool1/norm1', 'inc/pool',
                      'pooling_param { pool: MAX kernel_size: 3 stride: 1 pad: 1 }')
             + _conv('inc/pool_proj', 'inc/pool', 'inc/pool_proj', 2, 1)
             + _layer('inc/output', 'Concat', ['inc/1x1', 'inc/3x3', 'inc/5x5', 'inc/pool_proj'],
                      'inc/output')
             + _layer('pool5/5x5', 'Pooling', 'inc/output', 'pool5',
                      'pooling_param { pool: AVE kernel_size: 3 stride: 3 pad: 1 }')
             + _layer('loss3/classifier', 'InnerProduct', 'pool5', 'loss3/classifier',
                      'inner_product_param { num_output: 4 }')
             + _layer('prob', 'Softmax', 'loss3/classifier', 'prob'))


def parse(text):
    net = caffe_pb2.NetParameter()
    text_format.Merge(text, net)
    return net


def input_shapes(net):
    """{input blob: shape} from whichever input form the net uses."""
    if net.input_shape:
        return {n: tuple(s.dim) for n, s in zip(net.input, net.input_shape)}
    if net.input_dim:
        d = list(net.input_dim)
        return {n: tuple(d[4 * i:4 * i + 4]) for i, n in enumerate(net.input)}
    out = {}
    for L in net.layer:
        if L.type == 'Input':
            for top, s in zip(L.top, L.input_param.shape):
                out[top] = tuple(s.dim)
    return out


def random_weights(net, seed=0):
    """{layer name: [float32 blobs]} shaped as Caffe stores them, for every learned layer."""
    rng = np.random.RandomState(seed)
    shapes = {k: v for k, v in input_shapes(net).items()}
    blobs = {k: rng.standard_normal(v) for k, v in shapes.items()}
    weights = {}
    for L in net.layer:
        t = L.type
        x = blobs[L.bottom[0]] if L.bottom else None
        w = None
        if t in ('Convolution', 'Deconvolution'):
            p = L.convolution_param
            k, _, _, _ = caffe_ref._kernel_geometry(p)
            c = x.shape[1]
            if t == 'Convolution':
                shape = (p.num_output, c // p.group) + tuple(k)
            else:
                shape = (c, p.num_output // p.group) + tuple(k)
            fan = np.prod(shape[1:])
            w = [rng.standard_normal(shape) / np.sqrt(fan)]
            if p.bias_term:
                w.append(rng.standard_normal(p.num_output) * 0.1)
        elif t == 'InnerProduct':
            p = L.inner_product_param
            k = int(np.prod(x.shape[p.axis:]))
            shape = (k, p.num_output) if p.transpose else (p.num_output, k)
            w = [rng.standard_normal(shape) / np.sqrt(k)]
            if p.bias_term:
                w.append(rng.standard_normal(p.num_output) * 0.1)
        elif t == 'BatchNorm':
            c = x.shape[1]
            sf = 0.5 + rng.rand()
            w = [rng.standard_normal(c) * 0.2 * sf, (0.5 + rng.rand(c)) * sf, np.array([sf])]
        elif t in ('Scale', 'Bias') and len(L.bottom) == 1:
            p = L.scale_param if t == 'Scale' else L.bias_param
            n = x.ndim - p.axis if p.num_axes == -1 else p.num_axes
            shape = x.shape[p.axis:p.axis + n]
            w = [1 + 0.2 * rng.standard_normal(shape) if t == 'Scale' else rng.standard_normal(shape)]
            if t == 'Scale' and p.bias_term:
                w.append(0.1 * rng.standard_normal(shape))
        elif t == 'PReLU':
            c = 1 if L.prelu_param.channel_shared else x.shape[1]
            w = [rng.uniform(0.05, 0.5, c)]
        if w is not None:
            weights[L.name] = [a.astype(np.float32) for a in w]
        # propagate shapes with the reference itself (cheap at these sizes)
        one = parse('')
        one.layer.add().CopyFrom(L)
        fed = {b: blobs[b] for b in L.bottom}
        blobs.update(caffe_ref.forward(one, weights, fed))
    return weights


def _fill_blob(blob, arr, legacy):
    arr = np.asarray(arr, np.float32)
    if legacy:      # V1 files store 4-d num/channels/height/width
        dims = (1,) * (4 - arr.ndim) + arr.shape if arr.ndim <= 4 else arr.shape
        blob.num, blob.channels, blob.height, blob.width = dims
    else:
        blob.shape.dim.extend(arr.shape)
    blob.data.extend(arr.ravel().tolist())


def write_caffemodel(path, net_text, weights, v1=False):
    """Write ``weights`` ({layer: [arrays]}) for the network ``net_text`` as a .caffemodel."""
    net = parse(net_text)
    if v1:
        names = {v[1]: k for k, v in V1_LAYER_TYPES.items() if v[1]}
        out = caffe_pb2.NetParameter(name=net.name)
        for L in net.layer:
            if L.type == 'Input':
                continue
            V = out.layers.add(name=L.name, type=V1_LAYER_TYPES[names[L.type]][0])
            V.bottom.extend(L.bottom)
            V.top.extend(L.top)
            for a in weights.get(L.name, []):
                _fill_blob(V.blobs.add(), a, legacy=True)
        net = out
    else:
        for L in net.layer:
            for a in weights.get(L.name, []):
                _fill_blob(L.blobs.add(), a, legacy=False)
    with open(path, 'wb') as f:
        f.write(net.SerializeToString())


def to_v1_prototxt(net_text):
    """The same network in the legacy V1 format ("layers" with enum types)."""
    net = parse(net_text)
    names = {v[1]: k for k, v in V1_LAYER_TYPES.items() if v[1]}
    out = caffe_pb2.NetParameter(name=net.name)
    out.input.extend(net.input)
    out.input_dim.extend(net.input_dim)
    for L in net.layer:
        V = out.layers.add(name=L.name, type=V1_LAYER_TYPES[names[L.type]][0])
        V.bottom.extend(L.bottom)
        V.top.extend(L.top)
        for field in ('convolution_param', 'pooling_param', 'inner_product_param',
                      'dropout_param', 'relu_param', 'lrn_param', 'concat_param',
                      'eltwise_param', 'softmax_param'):
            if L.HasField(field):
                getattr(V, field).CopyFrom(getattr(L, field))
    return text_format.MessageToString(out)


def write_mean(path, arr, legacy=True):
    blob = caffe_pb2.BlobProto()
    _fill_blob(blob, arr, legacy)
    with open(path, 'wb') as f:
        f.write(blob.SerializeToString())
