"""tools/caffe_converter: converted VGG/ResNet/Inception-style nets match Caffe's semantics."""
import json
import os

import numpy as np
import pytest

pytest.importorskip('google.protobuf')

import mxlite as mx  # noqa: E402
import caffe_nets  # noqa: E402
import caffe_ref  # noqa: E402
from caffe_nets import VGG, RESNET, INCEPTION  # noqa: E402

import convert_model as cm  # noqa: E402  (tools/caffe_converter, on sys.path via caffe_nets)
import convert_symbol as cs  # noqa: E402


def make_files(tmp_path, text, seed=0, v1=False, name='net'):
    net = caffe_nets.parse(text)
    weights = caffe_nets.random_weights(net, seed)
    proto = tmp_path / (name + '.prototxt')
    proto.write_text(caffe_nets.to_v1_prototxt(text) if v1 else text)
    model = tmp_path / (name + '.caffemodel')
    caffe_nets.write_caffemodel(str(model), text, weights, v1=v1)
    return net, weights, str(proto), str(model)


def run_checkpoint(prefix, inputs, epoch=1):
    sym, args, aux = mx.model.load_checkpoint(prefix, epoch)
    ex = sym.simple_bind(mx.cpu(), grad_req='null', **{k: v.shape for k, v in inputs.items()})
    ex.copy_params_from(args, aux)
    for k, v in inputs.items():
        ex.arg_dict[k][:] = v
    return [o.asnumpy() for o in ex.forward(is_train=False)]


def reference(net, weights, inputs, top='prob'):
    return caffe_ref.forward(net, weights, inputs)[top]


def random_inputs(net, seed=1):
    rng = np.random.RandomState(seed)
    return {k: rng.standard_normal(v).astype(np.float32)
            for k, v in caffe_nets.input_shapes(net).items()}


@pytest.mark.parametrize('text', [VGG, RESNET, INCEPTION], ids=['vgg', 'resnet', 'inception'])
def test_model_matches_caffe_semantics(tmp_path, text):
    net, weights, proto, model = make_files(tmp_path, text)
    prefix = str(tmp_path / 'conv')
    sym, arg_params, aux_params, input_dim = cm.convert_model(proto, model, prefix,
                                                              swap_bgr=False)
    inputs = random_inputs(net)
    assert input_dim == next(iter(caffe_nets.input_shapes(net).values()))
    assert os.path.exists(prefix + '-symbol.json') and os.path.exists(prefix + '-0001.params')
    (out,) = run_checkpoint(prefix, inputs)
    np.testing.assert_allclose(out, reference(net, weights, inputs), rtol=1e-4, atol=1e-5)


def test_vgg_logits_and_pooling_rounding(tmp_path):
    """Caffe's ceil rounding: 17 -> conv 17 -> pool 2/2 -> 9 -> pool 3/2 -> 4 (floor gives 8, 4)."""
    net, weights, proto, model = make_files(tmp_path, VGG)
    network = cs.convert_network(proto)
    internals = network.sym.get_internals()
    _, outs, _ = internals.infer_shape(data=(2, 3, 17, 17))
    shapes = dict(zip(internals.list_outputs(), outs))
    assert shapes['pool1_output'] == (2, 4, 9, 9)
    assert shapes['pool2_output'] == (2, 6, 4, 4)
    blobs = caffe_ref.forward(net, weights, random_inputs(net))
    assert blobs['pool1'].shape == (2, 4, 9, 9) and blobs['pool2'].shape == (2, 6, 4, 4)


def test_resnet_batchnorm_scale_folded(tmp_path):
    net, weights, proto, model = make_files(tmp_path, RESNET)
    sym, args, aux, _ = cm.convert_model(proto, model)
    ops = [n['op'] for n in json.loads(sym.tojson())['nodes']]
    assert 'broadcast_mul' not in ops and ops.count('BatchNorm') == 5
    w = weights['bn_conv1']
    sf = w[2][0]
    np.testing.assert_allclose(aux['bn_conv1_moving_mean'].asnumpy(), w[0] / sf, rtol=1e-6)
    np.testing.assert_allclose(aux['bn_conv1_moving_var'].asnumpy(), w[1] / sf, rtol=1e-6)
    np.testing.assert_allclose(args['bn_conv1_gamma'].asnumpy(), weights['scale_conv1'][0])
    np.testing.assert_allclose(args['bn_conv1_beta'].asnumpy(), weights['scale_conv1'][1])
    attrs = {n['name']: n.get('attrs', {}) for n in json.loads(sym.tojson())['nodes']}
    assert attrs['bn_conv1']['fix_gamma'] == 'False'
    assert attrs['bn_conv1']['use_global_stats'] == 'True'
    assert attrs['bn_conv1']['eps'] == '1e-05'
    assert 'use_global_stats' not in attrs['bn_res2a_branch1']


def test_batchnorm_zero_scale_factor(tmp_path):
    text = ('input: "data" input_dim: 1 input_dim: 2 input_dim: 3 input_dim: 3\n'
            'layer { name: "bn" type: "BatchNorm" bottom: "data" top: "out" }\n')
    weights = {'bn': [np.array([1.0, 2.0], np.float32), np.array([3.0, 4.0], np.float32),
                      np.array([0.0], np.float32)]}
    proto = tmp_path / 'n.prototxt'
    proto.write_text(text)
    caffe_nets.write_caffemodel(str(tmp_path / 'n.caffemodel'), text, weights)
    sym, args, aux, _ = cm.convert_model(str(proto), str(tmp_path / 'n.caffemodel'))
    np.testing.assert_array_equal(aux['bn_moving_mean'].asnumpy(), [0, 0])
    np.testing.assert_array_equal(aux['bn_moving_var'].asnumpy(), [0, 0])
    np.testing.assert_array_equal(args['bn_gamma'].asnumpy(), [1, 1])   # no Scale: gamma 1
    x = np.random.RandomState(0).standard_normal((1, 2, 3, 3)).astype(np.float32)
    ex = sym.bind(mx.cpu(), dict(args, data=mx.nd.array(x)), aux_states=aux, grad_req='null')
    np.testing.assert_allclose(ex.forward()[0].asnumpy(), x / np.sqrt(1e-5), rtol=1e-4)


def test_v1_format_gives_the_same_model(tmp_path):
    net, weights, proto, model = make_files(tmp_path, VGG, name='v2')
    _, _, proto1, model1 = make_files(tmp_path, VGG, v1=True, name='v1')
    assert 'layers {' in open(proto1).read()
    cm.convert_model(proto, model, str(tmp_path / 'a'), swap_bgr=False)
    cm.convert_model(proto1, model1, str(tmp_path / 'b'), swap_bgr=False)
    assert open(str(tmp_path / 'a-symbol.json')).read() == open(str(tmp_path / 'b-symbol.json')).read()
    inputs = random_inputs(net)
    np.testing.assert_array_equal(run_checkpoint(str(tmp_path / 'a'), inputs)[0],
                                  run_checkpoint(str(tmp_path / 'b'), inputs)[0])


def test_bgr_swap_of_the_first_convolution(tmp_path):
    net, weights, proto, model = make_files(tmp_path, VGG)
    cm.convert_model(proto, model, str(tmp_path / 'rgb'))
    inputs = random_inputs(net)
    rgb = {'data': inputs['data'][:, ::-1].copy()}
    (out,) = run_checkpoint(str(tmp_path / 'rgb'), rgb)
    np.testing.assert_allclose(out, reference(net, weights, inputs), rtol=1e-4, atol=1e-5)
    _, args, _, _ = cm.convert_model(proto, model)
    w = weights['conv1_1'][0]
    np.testing.assert_array_equal(args['conv1_1_weight'].asnumpy(), w[:, ::-1])
    np.testing.assert_array_equal(args['conv1_2_weight'].asnumpy(), weights['conv1_2'][0])


def test_module_and_feedforward_load(tmp_path):
    net, weights, proto, model = make_files(tmp_path, RESNET)
    prefix = str(tmp_path / 'res')
    cm.convert_model(proto, model, prefix, swap_bgr=False)
    inputs = random_inputs(net)
    expect = reference(net, weights, inputs)
    mod = mx.mod.Module.load(prefix, 1, label_names=['prob_label'])
    mod.bind(data_shapes=[('data', (2, 3, 16, 16))], for_training=False)
    mod.forward(mx.io.DataBatch([mx.nd.array(inputs['data'])]), is_train=False)
    np.testing.assert_allclose(mod.get_outputs()[0].asnumpy(), expect, rtol=1e-4, atol=1e-5)
    ff = mx.model.FeedForward.load(prefix, 1)
    it = mx.io.NDArrayIter(inputs['data'], np.zeros(2, np.float32), batch_size=2,
                           label_name='prob_label')
    pred = ff.predict(it)
    np.testing.assert_allclose(pred, expect, rtol=1e-4, atol=1e-5)


def test_generated_program_builds_the_same_symbol(tmp_path):
    _, _, proto, _ = make_files(tmp_path, INCEPTION)
    cs.main([proto, str(tmp_path / 'inc.py'), '--json'])
    ns = {}
    exec(compile((tmp_path / 'inc.py').read_text(), 'inc.py', 'exec'), ns)
    assert ns['INPUT_SHAPES'] == {'data': (2, 3, 15, 15)}
    sym = ns['get_symbol']()
    assert sym.tojson() == (tmp_path / 'inc-symbol.json').read_text()
    assert 'conv1_7x7_s2' in sym.list_arguments()[1]       # '/' -> '_' as MXNet's converter
    cs.main([proto, str(tmp_path / 'only.json')])
    assert mx.sym.load(str(tmp_path / 'only.json')).tojson() == sym.tojson()
    sym2, input_dim = cs.convert_symbol(proto)
    assert input_dim == (2, 3, 15, 15) and sym2.tojson() == sym.tojson()


def test_train_val_prototxt_uses_the_test_phase(tmp_path):
    text = ('input: "data" input_dim: 1 input_dim: 4\ninput_dim: 1 input_dim: 1\n'
            'layer { name: "fc" type: "InnerProduct" bottom: "data" top: "fc" '
            'param { lr_mult: 1 decay_mult: 1 } '
            'inner_product_param { num_output: 3 weight_filler { type: "xavier" } } }\n'
            'layer { name: "drop" type: "Dropout" bottom: "fc" top: "fc" '
            'include { phase: TRAIN } }\n'
            'layer { name: "acc" type: "Accuracy" bottom: "fc" bottom: "label" top: "acc" '
            'include { phase: TEST } }\n'
            'layer { name: "loss" type: "SoftmaxWithLoss" bottom: "fc" bottom: "label" '
            'top: "loss" loss_param { ignore_label: 2 } }\n')
    path = tmp_path / 'tv.prototxt'
    path.write_text(text)
    sym, _ = cs.convert_symbol(str(path))
    nodes = json.loads(sym.tojson())['nodes']
    assert [n['op'] for n in nodes if n['op'] != 'null'] == ['FullyConnected', 'SoftmaxOutput']
    attrs = nodes[-1]['attrs']
    assert attrs['use_ignore'] == 'True' and float(attrs['ignore_label']) == 2
    assert sym.list_arguments() == ['data', 'fc_weight', 'fc_bias', 'loss_label']
