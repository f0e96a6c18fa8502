"""Bad parameters and inconsistent shapes raise MXNetError before any kernel runs."""
import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.ops.registry import get_op

nd = mx.nd


def _raises(match, fn, *args, **kwargs):
    with pytest.raises(MXNetError, match=match):
        fn(*args, **kwargs)


def test_convolution_weight_mismatch():
    _raises(r'Convolution: weight shape \(8, 3, 3, 3\) does not match num_filter=16',
            nd.Convolution, nd.ones((1, 3, 8, 8)), nd.ones((8, 3, 3, 3)), nd.ones(16),
            kernel=(3, 3), num_filter=16)
    _raises(r'expected \(4, 3, 3, 3\)', nd.Convolution, nd.ones((1, 3, 8, 8)), nd.ones((4, 2, 3, 3)),
            kernel=(3, 3), num_filter=4, no_bias=True)
    _raises(r'bias shape \(3,\) does not match num_filter=4', nd.Convolution, nd.ones((1, 3, 8, 8)),
            nd.ones((4, 3, 3, 3)), nd.ones(3), kernel=(3, 3), num_filter=4)


def test_convolution_kernel_larger_than_input():
    _raises(r'Convolution: kernel \(5, 5\) larger than padded input \(3, 3\)', nd.Convolution,
            nd.ones((1, 1, 3, 3)), nd.ones((2, 1, 5, 5)), kernel=(5, 5), num_filter=2, no_bias=True)
    _raises(r'kernel \(3, 3\) \(dilated to \(5, 5\)\) larger than padded input \(4, 4\)',
            nd.Convolution, nd.ones((1, 1, 4, 4)), nd.ones((2, 1, 3, 3)), kernel=(3, 3),
            dilate=(2, 2), num_filter=2, no_bias=True)


def test_convolution_parameter_errors():
    x, w = nd.ones((1, 4, 6, 6)), nd.ones((4, 4, 3, 3))
    _raises('3-D kernels .* are not supported', nd.Convolution, nd.ones((1, 1, 4, 4, 4)),
            nd.ones((1, 1, 3, 3, 3)), kernel=(3, 3, 3), num_filter=1, no_bias=True)
    _raises("layout 'NHWC' is not supported", nd.Convolution, x, w, kernel=(3, 3), num_filter=4,
            no_bias=True, layout='NHWC')
    _raises('num_filter=4 is not divisible by num_group=3', nd.Convolution, x, w, kernel=(3, 3),
            num_filter=4, num_group=3, no_bias=True)
    _raises('data has 4 channels, which is not divisible by num_group=3', nd.Convolution, x,
            nd.ones((6, 1, 3, 3)), kernel=(3, 3), num_filter=6, num_group=3, no_bias=True)
    _raises(r'stride \(1, 1, 1\) has 3 values but kernel \(3, 3\) has 2', nd.Convolution, x, w,
            kernel=(3, 3), stride=(1, 1, 1), num_filter=4, no_bias=True)
    _raises(r'needs 4-D data .*got data of shape \(4, 6, 6\)', nd.Convolution, nd.ones((4, 6, 6)), w,
            kernel=(3, 3), num_filter=4, no_bias=True)
    _raises(r'pad \(-1, 0\) must be non-negative', nd.Convolution, x, w, kernel=(3, 3), pad=(-1, 0),
            num_filter=4, no_bias=True)
    _raises("unknown parameter 'kernal'", nd.Convolution, x, w, kernal=(3, 3), num_filter=4)
    _raises("required parameter 'num_filter' is missing", nd.Convolution, x, w, kernel=(3, 3))


def test_convolution_gpu_knobs_are_accepted():
    y = nd.Convolution(nd.ones((1, 2, 5, 5)), nd.ones((3, 2, 3, 3)), kernel=(3, 3), num_filter=3,
                       no_bias=True, cudnn_tune='fastest', cudnn_off=True, workspace=64, layout='NCHW')
    assert y.shape == (1, 3, 3, 3)


def test_deconvolution_errors():
    x = nd.ones((1, 2, 4, 4))
    w = nd.ones((2, 3, 3, 3))
    _raises(r'adj \(2, 2\) must be smaller than stride \(2, 2\)', nd.Deconvolution, x, w,
            kernel=(3, 3), stride=(2, 2), adj=(2, 2), num_filter=3)
    _raises(r'target_shape \(12, 12\) is too big: at most 9', nd.Deconvolution, x, w, kernel=(3, 3),
            stride=(2, 2), target_shape=(12, 12), num_filter=3)
    _raises(r'weight shape \(2, 3, 3, 3\) does not match .* expected \(2, 2, 3, 3\)', nd.Deconvolution,
            x, w, kernel=(3, 3), num_filter=2)


def test_fully_connected_errors():
    _raises(r'FullyConnected: weight shape \(4, 5\) does not match num_hidden=4 and data of shape '
            r'\(2, 3\) with 3 input features', nd.FullyConnected, nd.ones((2, 3)), nd.ones((4, 5)),
            nd.ones(4), num_hidden=4)
    _raises(r'bias shape \(3,\) does not match num_hidden=4', nd.FullyConnected, nd.ones((2, 3)),
            nd.ones((4, 3)), nd.ones(3), num_hidden=4)
    _raises(r'flatten=False uses the last axis', nd.FullyConnected, nd.ones((2, 3, 4)),
            nd.ones((5, 12)), num_hidden=5, no_bias=True, flatten=False)


def test_pooling_errors():
    x = nd.ones((1, 1, 5, 5))
    _raises(r"Pooling: pool_type='lp' needs p_value", nd.Pooling, x, kernel=(2, 2), pool_type='lp')
    _raises('p_value=4 is not supported', nd.Pooling, x, kernel=(2, 2), pool_type='lp', p_value=4)
    _raises(r'kernel \(7, 7\) larger than padded input \(5, 5\)', nd.Pooling, x, kernel=(7, 7))
    _raises(r'pad \(3, 3\) must be smaller than kernel \(3, 3\)', nd.Pooling, x, kernel=(3, 3),
            pad=(3, 3))
    _raises('kernel is required unless global_pool=True', nd.Pooling, x)
    _raises("'same' supports 1-D pooling only", nd.Pooling, x, kernel=(2, 2),
            pooling_convention='same')
    _raises('3-D pooling', nd.Pooling, nd.ones((1, 1, 4, 4, 4)), kernel=(2, 2, 2))
    _raises(r'data must be 3-D .* got shape \(2, 3\)', nd.Pooling, nd.ones((2, 3)), kernel=(2,))


def test_normalization_errors():
    _raises(r"gamma has shape \(4,\) but the data has 3 channels", nd.BatchNorm, nd.ones((2, 3, 4)),
            nd.ones(4), nd.ones(3), nd.zeros(3), nd.ones(3))
    _raises(r'axis 3 is out of range', nd.BatchNorm, nd.ones((2, 3, 4)), nd.ones(3), nd.ones(3),
            nd.zeros(3), nd.ones(3), axis=3)
    _raises(r"gamma has shape \(3,\) but the data has 4 channels", nd.LayerNorm, nd.ones((2, 4)),
            nd.ones(3), nd.ones(4))
    _raises('InstanceNorm: data must have at least 3 dimensions', nd.InstanceNorm, nd.ones((2, 3)),
            nd.ones(3), nd.ones(3))
    _raises('LRN: nsize must be a positive odd number', nd.LRN, nd.ones((1, 4, 2, 2)), nsize=2)


def test_loss_errors():
    _raises(r'SoftmaxOutput: label has shape \(3,\) but data \(4, 3\) needs label shape \(4,\)',
            nd.SoftmaxOutput, nd.ones((4, 3)), nd.ones(3))
    _raises('out_grad=True is not supported', nd.SoftmaxOutput, nd.ones((4, 3)), nd.ones(4),
            out_grad=True)
    _raises(r'LinearRegressionOutput: label has shape \(4, 2\) but data has shape \(4, 3\)',
            nd.LinearRegressionOutput, nd.ones((4, 3)), nd.ones((4, 2)))
    _raises('softmax_cross_entropy: label must be 1-D', nd.softmax_cross_entropy, nd.ones((4, 3)),
            nd.ones((4, 1)))


def test_misc_errors():
    _raises(r'Dropout: p=1.5 must be in \[0, 1\]', nd.Dropout, nd.ones(3), p=1.5)
    _raises('only the spatial axes can be padded', nd.Pad, nd.ones((1, 1, 2, 2)), mode='constant',
            pad_width=(1, 1, 0, 0, 0, 0, 0, 0))
    _raises(r'Crop: the crop of size \(4, 4\) at offset \(2, 2\) does not fit', nd.Crop,
            nd.ones((1, 1, 5, 5)), num_args=1, h_w=(4, 4), offset=(2, 2))
    _raises(r'Embedding: weight shape \(4, 3\) does not match input_dim=4 and output_dim=2',
            nd.Embedding, nd.ones(2), nd.ones((4, 3)), input_dim=4, output_dim=2)
    _raises(r"prelu's gamma has shape \(2,\) but data \(2, 3, 2\) has 3 channels", nd.LeakyReLU,
            nd.ones((2, 3, 2)), nd.ones(2), act_type='prelu')
    _raises('length must have an integer dtype', nd.softmax, nd.ones((2, 4)), nd.ones(2),
            use_length=True)
    _raises("act_type.*expected one of", nd.Activation, nd.ones(3), act_type='swish')
    _raises('Activation: data has dtype int32', nd.Activation, nd.ones(3, dtype='int32'),
            act_type='relu')


def test_shape_errors_come_from_inference_not_kernels():
    # the registry's infer_shape raises on its own, so the executor can check before running
    op = get_op('Convolution')
    attrs = op.parse({'kernel': (3, 3), 'num_filter': 16})
    with pytest.raises(MXNetError, match='does not match num_filter=16'):
        op.infer_shape(attrs, [(1, 3, 8, 8), (8, 3, 3, 3), None])
    shapes, out = op.infer_shape(attrs, [(1, 3, 8, 8), None, None])
    assert shapes[1:] == [(16, 3, 3, 3), (16,)] and out == [(1, 16, 6, 6)]
    # unknown batch (0) propagates; weight infers the data channels
    shapes, out = op.infer_shape(attrs, [None, (16, 3, 3, 3), None])
    assert shapes[0] == (0, 3, 0, 0) and out == [(0, 16, 0, 0)]
    shapes, out = op.infer_shape(attrs, [(0, 0, 8, 8), (16, 3, 3, 3), None])
    assert shapes[0] == (0, 3, 8, 8) and out == [(0, 16, 6, 6)]
    fc = get_op('FullyConnected')
    shapes, out = fc.infer_shape(fc.parse({'num_hidden': 10}), [(0, 3, 4), None, None])
    assert shapes[1] == (10, 12) and out == [(0, 10)]
