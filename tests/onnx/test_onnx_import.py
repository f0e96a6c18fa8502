"""mx.contrib.onnx.import_model: round trips of exported nets, and common ONNX operators."""
import numpy as np
import pytest

onnx = pytest.importorskip('onnx')
ort = pytest.importorskip('onnxruntime')

from onnx import helper, numpy_helper, TensorProto  # noqa: E402

import mxlite as mx  # noqa: E402
import onnx_nets  # noqa: E402


def run_ort(path, inputs):
    sess = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    return sess.run(None, inputs)


@pytest.mark.parametrize('build, shape', [(onnx_nets.lenet, (2, 1, 28, 28)),
                                          (lambda: onnx_nets.resnet18(width=8), (2, 3, 32, 32)),
                                          (onnx_nets.densenet_block, (2, 3, 12, 12))],
                         ids=['lenet', 'resnet18', 'densenet'])
def test_round_trip(tmp_path, build, shape):
    sym = build()
    args, aux = onnx_nets.random_params(sym, {'data': shape})
    path = mx.onnx.export_model(sym, dict(args, **aux), [shape], np.float32,
                                str(tmp_path / 'm.onnx'))
    sym2, args2, aux2 = mx.contrib.onnx.import_model(path)
    assert sorted(args2) == sorted(args) and sorted(aux2) == sorted(aux)
    for k in args:
        np.testing.assert_array_equal(args2[k].asnumpy(), args[k].asnumpy())
    for k in aux:
        np.testing.assert_array_equal(aux2[k].asnumpy(), aux[k].asnumpy())
    x = np.random.RandomState(3).standard_normal(shape).astype(np.float32)
    (expect,) = onnx_nets.mx_forward(sym, args, aux, {'data': x})
    (got,) = onnx_nets.mx_forward(sym2, args2, aux2, {'data': x})
    np.testing.assert_allclose(got, expect, rtol=1e-5, atol=1e-6)
    meta = mx.contrib.onnx.get_model_metadata(path)
    assert meta['input_tensor_data'] == [('data', shape)]
    assert meta['output_tensor_data'][0][1] == tuple(expect.shape)


def test_import_to_gluon(tmp_path):
    sym = onnx_nets.densenet_block()
    shape = (2, 3, 12, 12)
    args, aux = onnx_nets.random_params(sym, {'data': shape})
    path = mx.onnx.export_model(sym, dict(args, **aux), [shape], np.float32,
                                str(tmp_path / 'm.onnx'))
    net = mx.contrib.onnx.import_to_gluon(path, mx.cpu())
    x = np.random.RandomState(4).standard_normal(shape).astype(np.float32)
    (expect,) = onnx_nets.mx_forward(sym, args, aux, {'data': x})
    np.testing.assert_allclose(net(mx.nd.array(x)).asnumpy(), expect, rtol=1e-5, atol=1e-6)


def _model(tmp_path, nodes, inputs, outputs, inits=(), opset=13):
    graph = helper.make_graph(nodes, 'g', inputs, outputs,
                              initializer=[numpy_helper.from_array(v, k) for k, v in inits])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', opset)])
    model.ir_version = 7
    path = str(tmp_path / ('m%d.onnx' % len(list(tmp_path.iterdir()))))
    onnx.save(model, path)
    return path


def _vi(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def check_against_ort(path, feeds, rtol=1e-5, atol=1e-5):
    sym, args, aux = mx.contrib.onnx.import_model(path)
    got = onnx_nets.mx_forward(sym, args, aux, feeds)
    expect = run_ort(path, feeds)
    assert len(got) == len(expect)
    for g_, e in zip(got, expect):
        np.testing.assert_allclose(g_, e, rtol=rtol, atol=atol)
    return sym


R = np.random.RandomState(0)


def f32(*shape):
    return R.standard_normal(shape).astype(np.float32)


def test_dense_ops_and_shape_chains(tmp_path):
    """Gemm/MatMul forms, a Shape->Gather->Concat->Reshape chain, broadcast constants."""
    w1, b1, w2, w3 = f32(6, 12), f32(6), f32(6, 4), f32(4, 3)
    nodes = [
        helper.make_node('Shape', ['x'], ['s']),
        helper.make_node('Gather', ['s', 'zero'], ['n'], axis=0),
        helper.make_node('Unsqueeze', ['n', 'axes0'], ['n1']),
        helper.make_node('Concat', ['n1', 'minus1'], ['newshape'], axis=0),
        helper.make_node('Reshape', ['x', 'newshape'], ['flat']),
        helper.make_node('Gemm', ['flat', 'w1', 'b1'], ['g1'], transB=1),
        helper.make_node('Relu', ['g1'], ['r1']),
        helper.make_node('Gemm', ['r1', 'w2'], ['g2'], alpha=0.5),
        helper.make_node('Add', ['g2', 'rowbias'], ['a2']),
        helper.make_node('Mul', ['a2', 'two'], ['m2']),
        helper.make_node('MatMul', ['m2', 'w3'], ['mm']),
        helper.make_node('Sub', ['one', 'mm'], ['y']),
    ]
    inits = [('zero', np.array(0, np.int64)), ('axes0', np.array([0], np.int64)),
             ('minus1', np.array([-1], np.int64)), ('w1', w1), ('b1', b1), ('w2', w2),
             ('w3', w3), ('rowbias', f32(4)), ('two', np.array(2, np.float32)),
             ('one', np.array([1.0], np.float32))]
    path = _model(tmp_path, nodes, [_vi('x', [3, 2, 2, 3])], [_vi('y', [3, 3])], inits)
    sym = check_against_ort(path, {'x': f32(3, 2, 2, 3)})
    assert 'FullyConnected' in sym.tojson()


def test_conv_pool_norm_forms(tmp_path):
    nodes = [
        helper.make_node('Conv', ['x', 'w', 'b'], ['c'], kernel_shape=[3, 3], pads=[1, 0, 2, 1],
                         strides=[2, 1]),
        helper.make_node('PRelu', ['c', 'slope'], ['p']),
        helper.make_node('AveragePool', ['p'], ['ap'], kernel_shape=[2, 2], pads=[1, 1, 1, 1],
                         strides=[2, 2]),
        helper.make_node('MaxPool', ['p'], ['mp'], kernel_shape=[3, 3], auto_pad='SAME_UPPER',
                         strides=[2, 2]),
        helper.make_node('LRN', ['mp'], ['l'], size=3, alpha=0.01, beta=0.5, bias=2.0),
        helper.make_node('ConvTranspose', ['l', 'wt'], ['d'], kernel_shape=[2, 2], strides=[2, 2],
                         group=2),
        helper.make_node('InstanceNormalization', ['ap', 'ig', 'ib'], ['inorm']),
        helper.make_node('GlobalMaxPool', ['inorm'], ['gmp']),
        helper.make_node('Softplus', ['d'], ['sp']),
        helper.make_node('LeakyRelu', ['gmp'], ['lr'], alpha=0.2),
    ]
    inits = [('w', f32(4, 2, 3, 3)), ('b', f32(4)), ('slope', np.abs(f32(4, 1, 1))),
             ('wt', f32(4, 3, 2, 2)), ('ig', f32(4)), ('ib', f32(4))]
    path = _model(tmp_path, nodes, [_vi('x', [2, 2, 9, 8])],
                  [_vi('sp', None), _vi('lr', None)], inits)
    check_against_ort(path, {'x': f32(2, 2, 9, 8)})


def test_tensor_ops(tmp_path):
    nodes = [
        helper.make_node('Transpose', ['x'], ['t'], perm=[0, 2, 1]),
        helper.make_node('Split', ['t', 'sizes'], ['s1', 's2'], axis=1),
        helper.make_node('Slice', ['x', 'st', 'en', 'ax', 'stp'], ['sl']),
        helper.make_node('Unsqueeze', ['sl', 'uax'], ['u']),
        helper.make_node('Squeeze', ['u', 'uax'], ['sq']),
        helper.make_node('ReduceMean', ['s2'], ['rm'], axes=[2], keepdims=1),
        helper.make_node('ReduceSum', ['s1', 'rax'], ['rs'], keepdims=0),
        helper.make_node('Clip', ['rs', 'lo', 'hi'], ['cl']),
        helper.make_node('Sum', ['s1', 's1', 's1'], ['sum3']),
        helper.make_node('Softmax', ['sum3'], ['sm'], axis=1),
        helper.make_node('Unsqueeze', ['x', 'uax'], ['x4']),
        helper.make_node('Pad', ['x4', 'pads', 'pv'], ['pd'], mode='constant'),
        helper.make_node('Exp', ['rm'], ['e']),
        helper.make_node('Concat', ['sq', 'sq'], ['cc'], axis=-1),
        helper.make_node('Max', ['e', 'e2'], ['mx']),
    ]
    inits = [('sizes', np.array([1, 3], np.int64)), ('st', np.array([1, 0], np.int64)),
             ('en', np.array([3, 100], np.int64)), ('ax', np.array([1, 2], np.int64)),
             ('stp', np.array([1, 2], np.int64)), ('uax', np.array([0], np.int64)),
             ('rax', np.array([1], np.int64)), ('lo', np.array(-1.0, np.float32)),
             ('hi', np.array(0.5, np.float32)), ('pads', np.array([0, 0, 1, 0, 0, 0, 2, 1], np.int64)),
             ('pv', np.array(0.25, np.float32)), ('e2', f32(1, 3, 1))]
    outs = [_vi(n, None) for n in ('cl', 'sm', 'pd', 'cc', 'mx')]
    path = _model(tmp_path, nodes, [_vi('x', [2, 3, 4])], outs, inits)
    check_against_ort(path, {'x': f32(2, 3, 4)})


def test_old_opset_softmax_and_embedding(tmp_path):
    nodes = [helper.make_node('Gather', ['table', 'ids'], ['emb'], axis=0),
             helper.make_node('Flatten', ['emb'], ['f'], axis=1),
             helper.make_node('Softmax', ['emb'], ['sm'], axis=1),
             helper.make_node('Dropout', ['f'], ['d'], ratio=0.3),
             helper.make_node('Constant', [], ['k'], value=numpy_helper.from_array(
                 np.array([0.5], np.float32))),
             helper.make_node('Mul', ['d', 'k'], ['y'])]
    ids = helper.make_tensor_value_info('ids', TensorProto.INT64, [2, 3])
    path = _model(tmp_path, nodes, [ids], [_vi('sm', None), _vi('y', None)],
                  [('table', f32(7, 5))], opset=11)
    feeds = {'ids': np.array([[1, 2, 6], [0, 0, 3]], np.int64)}
    sym, args, aux = mx.contrib.onnx.import_model(path)
    got = onnx_nets.mx_forward(sym, args, aux, {'ids': feeds['ids'].astype(np.float32)})
    for g_, e in zip(got, run_ort(path, feeds)):
        np.testing.assert_allclose(g_, e, rtol=1e-5, atol=1e-6)


def test_import_errors(tmp_path):
    nodes = [helper.make_node('NonMaxSuppression', ['x', 'x'], ['y'])]
    path = _model(tmp_path, nodes, [_vi('x', [1, 1, 4])], [_vi('y', None)])
    with pytest.raises(mx.MXNetError, match='NonMaxSuppression.*not supported'):
        mx.contrib.onnx.import_model(path)
    (tmp_path / 'bad.onnx').write_bytes(b'not a model')
    with pytest.raises(mx.MXNetError, match='not an ONNX model'):
        mx.contrib.onnx.import_model(str(tmp_path / 'bad.onnx'))
