"""tools/caffe_converter: every supported layer type against the numpy Caffe reference."""
import numpy as np
import pytest

pytest.importorskip('google.protobuf')

import mxlite as mx  # noqa: E402
import caffe_nets  # noqa: E402
import caffe_ref  # noqa: E402
from caffe_nets import _layer, _conv  # noqa: E402

import convert_model as cm  # noqa: E402

HEAD = 'input: "data" input_dim: 2 input_dim: %d input_dim: %d input_dim: %d\n'


def check(tmp_path, text, tops, seed=0, positive=False, inputs=None):
    """Convert ``text`` and compare every blob in ``tops`` with the reference."""
    net = caffe_nets.parse(text)
    weights = caffe_nets.random_weights(net, seed)
    (tmp_path / 'n.prototxt').write_text(text)
    caffe_nets.write_caffemodel(str(tmp_path / 'n.caffemodel'), text, weights)
    sym, args, aux, _ = cm.convert_model(str(tmp_path / 'n.prototxt'),
                                         str(tmp_path / 'n.caffemodel'), swap_bgr=False)
    rng = np.random.RandomState(seed + 1)
    shapes = caffe_nets.input_shapes(net)
    if inputs is None:
        inputs = {k: rng.standard_normal(v).astype(np.float32) for k, v in shapes.items()}
        if positive:
            inputs = {k: np.abs(v) + 0.5 for k, v in inputs.items()}
    expect = caffe_ref.forward(net, weights, inputs)
    ex = sym.simple_bind(mx.cpu(), grad_req='null', **{k: v.shape for k, v in inputs.items()})
    ex.copy_params_from(args, aux)
    for k, v in inputs.items():
        ex.arg_dict[k][:] = v
    outs = [o.asnumpy() for o in ex.forward(is_train=False)]
    assert len(outs) == len(tops)
    for out, top in zip(outs, tops):
        np.testing.assert_allclose(out, expect[top], rtol=1e-4, atol=1e-5, err_msg=top)
    return sym


def test_activations(tmp_path):
    text = (HEAD % (3, 4, 4)
            + _layer('prelu', 'PReLU', 'data', 'a')
            + _layer('prelu_s', 'PReLU', 'a', 'b', 'prelu_param { channel_shared: true }')
            + _layer('elu', 'ELU', 'b', 'c', 'elu_param { alpha: 0.7 }')
            + _layer('leaky', 'ReLU', 'c', 'd', 'relu_param { negative_slope: 0.1 }')
            + _layer('sig', 'Sigmoid', 'd', 'e')
            + _layer('tanh', 'TanH', 'e', 'f')
            + _layer('abs', 'AbsVal', 'f', 'g')
            + _layer('bnll', 'BNLL', 'g', 'h')
            + _layer('thr', 'Threshold', 'd', 'i', 'threshold_param { threshold: 0.2 }'))
    check(tmp_path, text, ['h', 'i'])


def test_power_exp_log(tmp_path):
    text = (HEAD % (2, 3, 3)
            + _layer('pow', 'Power', 'data', 'a',
                     'power_param { power: 2.0 scale: 0.5 shift: 1.5 }')
            + _layer('exp', 'Exp', 'a', 'b', 'exp_param { base: 2.0 scale: 0.3 shift: -0.1 }')
            + _layer('log', 'Log', 'b', 'c', 'log_param { base: 10.0 scale: 2.0 shift: 0.5 }')
            + _layer('ln', 'Log', 'b', 'd')
            + _layer('e', 'Exp', 'data', 'e')
            + _layer('sqrt', 'Power', 'b', 'f', 'power_param { power: 0.5 }')
            + _layer('same', 'Power', 'data', 'g'))
    check(tmp_path, text, ['c', 'd', 'e', 'f', 'g'])


def test_eltwise_concat_slice_split(tmp_path):
    text = (HEAD % (6, 3, 3)
            + _layer('split', 'Split', 'data', ['s1', 's2'])
            + _layer('slice', 'Slice', 's1', ['a', 'b', 'c'], 'slice_param { axis: 1 }')
            + _layer('slice2', 'Slice', 's2', ['d', 'e'], 'slice_param { slice_point: 2 }')
            + _layer('prod', 'Eltwise', ['a', 'b', 'c'], 'p', 'eltwise_param { operation: PROD }')
            + _layer('max', 'Eltwise', ['a', 'b'], 'm', 'eltwise_param { operation: MAX }')
            + _layer('wsum', 'Eltwise', ['a', 'b', 'c'], 'w',
                     'eltwise_param { operation: SUM coeff: 1 coeff: -0.5 coeff: 2 }')
            + _layer('cat', 'Concat', ['p', 'm', 'w', 'd'], 'cat')
            + _layer('cat2', 'Concat', ['d', 'p'], 'cat2', 'concat_param { axis: 2 }'))
    check(tmp_path, text, ['e', 'cat', 'cat2'])


def test_shape_layers(tmp_path):
    text = (HEAD % (4, 3, 2)
            + _layer('flat', 'Flatten', 'data', 'a', 'flatten_param { axis: 2 }')
            + _layer('resh', 'Reshape', 'a', 'b', 'reshape_param { shape { dim: 0 dim: -1 dim: 2 } }')
            + _layer('resh2', 'Reshape', 'data', 'c',
                     'reshape_param { shape { dim: 2 dim: 2 } axis: 1 num_axes: 1 }')
            + _layer('flat2', 'Flatten', 'c', 'd')
            + _layer('ip', 'InnerProduct', 'c', 'e', 'inner_product_param { num_output: 3 axis: 2 }')
            + _layer('ipt', 'InnerProduct', 'd', 'f',
                     'inner_product_param { num_output: 2 transpose: true bias_term: false }')
            + _layer('sm', 'Softmax', 'c', 'g', 'softmax_param { axis: 2 }')
            + _layer('sm1', 'Softmax', 'e', 'h'))
    sym = check(tmp_path, text, ['b', 'f', 'g', 'h'])
    # a Softmax with consumers or an axis other than 1 stays mx softmax
    assert 'SoftmaxOutput' in sym.tojson()


def test_convolution_forms(tmp_path):
    text = (HEAD % (4, 9, 8)
            + 'layer { name: "hw" type: "Convolution" bottom: "data" top: "a" convolution_param '
              '{ num_output: 4 kernel_h: 3 kernel_w: 2 pad_h: 1 pad_w: 0 stride_h: 2 stride_w: 1 } }\n'
            + _conv('grp', 'data', 'b', 6, 3, 'group: 2 dilation: 2 pad: 2')
            + _conv('rect', 'data', 'c', 2, 3, 'kernel_size: 1 stride: 1 stride: 2 pad: 1 pad: 0')
            + 'layer { name: "deconv" type: "Deconvolution" bottom: "b" top: "d" convolution_param '
              '{ num_output: 4 kernel_size: 4 stride: 2 pad: 1 group: 2 } }\n'
            + 'layer { name: "deconv_nb" type: "Deconvolution" bottom: "a" top: "e" '
              'convolution_param { num_output: 3 kernel_size: 3 stride: 1 bias_term: false } }\n')
    check(tmp_path, text, ['c', 'd', 'e'])


def test_pooling_forms(tmp_path):
    text = (HEAD % (2, 5, 7)
            + _layer('p1', 'Pooling', 'data', 'a',
                     'pooling_param { pool: AVE kernel_size: 3 stride: 3 pad: 1 }')
            + _layer('p2', 'Pooling', 'data', 'b',
                     'pooling_param { pool: MAX kernel_h: 2 kernel_w: 3 stride_h: 2 stride_w: 2 '
                     'pad_h: 1 pad_w: 1 }')
            + _layer('p3', 'Pooling', 'data', 'c',
                     'pooling_param { pool: AVE kernel_size: 2 stride: 2 round_mode: FLOOR }')
            + _layer('p4', 'Pooling', 'data', 'd', 'pooling_param { pool: MAX global_pooling: true }')
            + _layer('p5', 'Pooling', 'data', 'e',
                     'pooling_param { pool: AVE kernel_size: 4 stride: 2 pad: 1 }'))
    check(tmp_path, text, ['a', 'b', 'c', 'd', 'e'])


def test_lrn_scale_bias_crop(tmp_path):
    text = (HEAD % (5, 6, 6)
            + _layer('lrn', 'LRN', 'data', 'a', 'lrn_param { local_size: 3 alpha: 0.5 beta: 0.6 k: 2 }')
            + _layer('lrn_w', 'LRN', 'data', 'b',
                     'lrn_param { local_size: 3 alpha: 0.4 beta: 0.7 norm_region: WITHIN_CHANNEL }')
            + _layer('scale', 'Scale', 'a', 'c', 'scale_param { bias_term: true }')
            + _layer('scale2', 'Scale', 'b', 'd', 'scale_param { axis: 1 num_axes: 2 }')
            + _layer('bias', 'Bias', 'd', 'e')
            + _layer('pool', 'Pooling', 'e', 'f', 'pooling_param { pool: MAX kernel_size: 2 stride: 2 }')
            + _layer('crop', 'Crop', ['c', 'f'], 'g', 'crop_param { axis: 2 offset: 1 offset: 2 }')
            + _layer('gap', 'Pooling', 'data', 'h', 'pooling_param { pool: AVE global_pooling: true }')
            + _layer('hf', 'Flatten', 'h', 'hf')
            + _layer('sc', 'Scale', ['g', 'hf'], 'i', 'scale_param { axis: 0 }'))
    check(tmp_path, text, ['i'])


def test_batchnorm_without_scale_and_dropout(tmp_path):
    text = (HEAD % (3, 4, 4)
            + _layer('bn', 'BatchNorm', 'data', 'a', 'batch_norm_param { eps: 0.001 }')
            + _layer('drop', 'Dropout', 'a', 'a', 'dropout_param { dropout_ratio: 0.3 }')
            + _layer('bn2', 'BatchNorm', 'a', 'b')
            + _layer('relu', 'ReLU', 'b', 'c')
            + _layer('sc', 'Scale', 'b', 'd'))
    sym = check(tmp_path, text, ['c', 'd'])
    # bn2's output feeds two layers, so its Scale cannot be folded: a broadcast_mul remains
    assert 'broadcast_mul' in sym.tojson()
