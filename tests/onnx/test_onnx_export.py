"""mx.onnx.export_model: LeNet, ResNet-18 and a DenseNet block run in onnxruntime like in mxlite."""
import numpy as np
import pytest

onnx = pytest.importorskip('onnx')
ort = pytest.importorskip('onnxruntime')

import mxlite as mx  # noqa: E402
import onnx_nets  # noqa: E402


def run_ort(path, inputs):
    sess = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    return sess.run(None, inputs)


def export_and_compare(tmp_path, sym, shape, seed=0, rtol=1e-4, atol=1e-5, **kw):
    args, aux = onnx_nets.random_params(sym, {'data': shape}, seed)
    x = np.random.RandomState(seed + 1).standard_normal(shape).astype(np.float32)
    path = str(tmp_path / 'model.onnx')
    ret = mx.onnx.export_model(sym, dict(args, **aux), [shape], np.float32, path, **kw)
    assert ret == path
    onnx.checker.check_model(onnx.load(path))
    (expect,) = onnx_nets.mx_forward(sym, args, aux, {'data': x})
    (got,) = run_ort(path, {'data': x})
    np.testing.assert_allclose(got, expect, rtol=rtol, atol=atol)
    return path, args, aux, x, expect


def test_lenet(tmp_path):
    path, *_ = export_and_compare(tmp_path, onnx_nets.lenet(), (4, 1, 28, 28))
    model = onnx.load(path)
    assert model.opset_import[0].version == 13
    assert model.graph.name == 'mxnet_converted_model'
    assert [i.name for i in model.graph.input] == ['data']          # the label is dropped
    assert [o.name for o in model.graph.output] == ['softmax']
    names = {t.name for t in model.graph.initializer}
    assert {'conv1_weight', 'conv1_bias', 'fc2_weight', 'fc2_bias'} <= names
    ops = [n.op_type for n in model.graph.node]
    assert ops[:3] == ['Conv', 'Tanh', 'MaxPool'] and 'Gemm' in ops and ops[-1] == 'Softmax'


def test_resnet18(tmp_path):
    path, *_ = export_and_compare(tmp_path, onnx_nets.resnet18(width=8), (2, 3, 64, 64),
                                  run_shape_inference=True)
    model = onnx.load(path)
    assert model.graph.value_info        # intermediate shapes recorded
    ops = [n.op_type for n in model.graph.node]
    assert ops.count('Conv') == 20 and ops.count('BatchNormalization') == 20
    assert ops.count('Add') == 8 and 'GlobalAveragePool' in ops


@pytest.mark.slow
def test_resnet18_full_width(tmp_path):
    export_and_compare(tmp_path, onnx_nets.resnet18(width=64, classes=1000), (1, 3, 224, 224),
                       rtol=1e-3, atol=1e-5)


def test_densenet_block(tmp_path):
    path, *_ = export_and_compare(tmp_path, onnx_nets.densenet_block(), (3, 3, 12, 12))
    ops = [n.op_type for n in onnx.load(path).graph.node]
    assert ops.count('Concat') == 3 and 'AveragePool' in ops and 'Reshape' in ops


def test_params_forms_and_file_inputs(tmp_path):
    sym = onnx_nets.lenet()
    args, aux = onnx_nets.random_params(sym, {'data': (1, 1, 28, 28)})
    mx.model.save_checkpoint(str(tmp_path / 'lenet'), 3, sym, args, aux)
    x = np.random.RandomState(0).standard_normal((1, 1, 28, 28)).astype(np.float32)
    (expect,) = onnx_nets.mx_forward(sym, args, aux, {'data': x})
    for sym_in, params in [(str(tmp_path / 'lenet-symbol.json'), str(tmp_path / 'lenet-0003.params')),
                           (sym, [args, aux])]:
        path = mx.onnx.export_model(sym_in, params, input_shape=[(1, 1, 28, 28)],
                                    input_type=np.float32, onnx_file_path=str(tmp_path / 'a.onnx'))
        np.testing.assert_allclose(run_ort(path, {'data': x})[0], expect, rtol=1e-4, atol=1e-6)
    assert mx.contrib.onnx.export_model is mx.onnx.export_model


def test_dynamic_batch(tmp_path):
    sym = onnx_nets.densenet_block()
    path, args, aux, _, _ = export_and_compare(tmp_path, sym, (2, 3, 12, 12), dynamic=True,
                                               dynamic_input_shapes=[(None, 3, 12, 12)])
    x = np.random.RandomState(5).standard_normal((5, 3, 12, 12)).astype(np.float32)
    (expect,) = onnx_nets.mx_forward(sym, args, aux, {'data': x})
    np.testing.assert_allclose(run_ort(path, {'data': x})[0], expect, rtol=1e-4, atol=1e-6)
    dim = onnx.load(path).graph.input[0].type.tensor_type.shape.dim[0]
    assert dim.dim_param and not dim.dim_value


def test_export_errors(tmp_path):
    sym = onnx_nets.lenet()
    args, aux = onnx_nets.random_params(sym, {'data': (1, 1, 28, 28)})
    with pytest.raises(mx.MXNetError, match='in_shapes is required'):
        mx.onnx.export_model(sym, args, onnx_file_path=str(tmp_path / 'x.onnx'))
    with pytest.raises(mx.MXNetError, match=r"2 in_shapes for the 1 inputs \['data'\]"):
        mx.onnx.export_model(sym, args, [(1, 1, 28, 28), (1,)], np.float32, str(tmp_path / 'x'))
    partial = {k: v for k, v in args.items() if k != 'fc1_weight'}
    with pytest.raises(mx.MXNetError, match=r"\['data', 'fc1_weight'\]"):
        mx.onnx.export_model(sym, partial, [(1, 1, 28, 28)], np.float32, str(tmp_path / 'x'))
    s = mx.sym.UpSampling(mx.sym.var('data'), scale=2, sample_type='nearest', name='up')
    with pytest.raises(mx.MXNetError, match='UpSampling.*no ONNX conversion'):
        mx.onnx.export_model(s, {}, [(1, 1, 2, 2)], np.float32, str(tmp_path / 'x'))
    support = mx.onnx.get_operator_support()
    assert 'Convolution' in support and 'UpSampling' not in support
