"""Converted checkpoints verified with real MXNet 1.9.1 (tests/data/caffe/make_caffe_goldens.py).

MXNet's Module.load and FeedForward.load read the checkpoints mxlite
converted, and their outputs equal Caffe's semantics (the numpy reference)
on RGB input -- the converter's default swaps the first convolution to RGB.
"""
import os

import numpy as np
import pytest

pytest.importorskip('google.protobuf')

import mxlite as mx  # noqa: E402
import caffe_ref  # noqa: E402
import caffe_nets  # noqa: E402
import caffe_parser  # noqa: E402
import convert_model as cm  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.abspath(os.path.join(HERE, '..', '..', 'data', 'caffe'))
NETS = ('vgg', 'resnet', 'inception')


@pytest.fixture(scope='module')
def golden():
    return np.load(os.path.join(DATA, 'inputs.npz')), np.load(os.path.join(DATA, 'mxnet_outputs.npz'))


@pytest.mark.parametrize('name', NETS)
def test_mxnet_outputs_match_caffe_semantics(golden, name):
    inputs, outputs = golden
    proto = os.path.join(DATA, name + '.prototxt')
    net = caffe_parser.read_prototxt(proto)
    weights = caffe_parser.layer_weights(caffe_parser.read_caffemodel(
        os.path.join(DATA, name + '.caffemodel')))
    x = inputs[name]
    data = next(iter(caffe_nets.input_shapes(net)))
    expect = caffe_ref.forward(net, weights, {data: x[:, ::-1]})['prob']   # BGR for Caffe
    for kind in ('module', 'feedforward'):
        np.testing.assert_allclose(outputs['%s_%s' % (name, kind)], expect, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize('name', NETS)
def test_conversion_reproduces_the_verified_files(tmp_path, golden, name):
    inputs, outputs = golden
    prefix = str(tmp_path / name)
    cm.convert_model(os.path.join(DATA, name + '.prototxt'),
                     os.path.join(DATA, name + '.caffemodel'), prefix)
    with open(prefix + '-symbol.json') as a, open(os.path.join(DATA, name + '-symbol.json')) as b:
        assert a.read() == b.read()
    ours = mx.nd.load(prefix + '-0001.params')
    theirs = mx.nd.load(os.path.join(DATA, name + '-0001.params'))
    assert sorted(ours) == sorted(theirs)
    for k in ours:
        np.testing.assert_array_equal(ours[k].asnumpy(), theirs[k].asnumpy())
    mod = mx.mod.Module.load(prefix, 1, label_names=['prob_label'])
    mod.bind(data_shapes=[('data', inputs[name].shape)], for_training=False)
    mod.forward(mx.io.DataBatch([mx.nd.array(inputs[name])]), is_train=False)
    np.testing.assert_allclose(mod.get_outputs()[0].asnumpy(), outputs[name + '_module'],
                               rtol=1e-4, atol=1e-6)
