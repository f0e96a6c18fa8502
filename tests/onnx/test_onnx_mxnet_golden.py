"""ONNX files checked against real MXNet 1.9.1 (tests/data/onnx/make_onnx_goldens.py).

For LeNet, a ResNet-18 and a DenseNet block: MXNet's outputs, MXNet's own
ONNX exports (imported here), and MXNet's import of mxlite's exports.
"""
import os

import numpy as np
import pytest

onnx = pytest.importorskip('onnx')
ort = pytest.importorskip('onnxruntime')

import mxlite as mx  # noqa: E402
import onnx_nets  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.abspath(os.path.join(HERE, '..', 'data', 'onnx'))
NETS = ('lenet', 'resnet', 'densenet')


@pytest.fixture(scope='module')
def golden():
    return np.load(os.path.join(DATA, 'inputs.npz')), np.load(os.path.join(DATA, 'mxnet_outputs.npz'))


@pytest.mark.parametrize('name', NETS)
def test_mxlite_export_runs_like_mxnet(tmp_path, golden, name):
    inputs, outputs = golden
    sym, args, aux = mx.model.load_checkpoint(os.path.join(DATA, name), 0)
    x = inputs[name]
    np.testing.assert_allclose(onnx_nets.mx_forward(sym, args, aux, {'data': x})[0],
                               outputs[name], rtol=1e-5, atol=1e-6)
    path = mx.onnx.export_model(sym, dict(args, **aux), [x.shape], np.float32,
                                str(tmp_path / 'm.onnx'))
    sess = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    np.testing.assert_allclose(sess.run(None, {'data': x})[0], outputs[name], rtol=1e-4,
                               atol=1e-6)
    # MXNet 1.9.1 imported mxlite's export and got its own outputs (recorded when generated)
    np.testing.assert_allclose(outputs[name + '_mxnet_import_of_mxlite'], outputs[name],
                               rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('name', NETS)
def test_import_of_mxnet_export(golden, name):
    inputs, outputs = golden
    sym, args, aux = mx.contrib.onnx.import_model(os.path.join(DATA, name + '_mxnet.onnx'))
    ref_sym, ref_args, ref_aux = mx.model.load_checkpoint(os.path.join(DATA, name), 0)
    assert set(ref_args) <= set(args) and set(aux) == set(ref_aux)
    got = onnx_nets.mx_forward(sym, args, aux, {'data': inputs[name]})[0]
    np.testing.assert_allclose(got, outputs[name], rtol=1e-5, atol=1e-6)
