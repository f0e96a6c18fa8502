"""tools/caffe_converter: command lines, mean files, input forms and error messages."""
import contextlib
import io
import os
import subprocess
import sys
import types

import numpy as np
import pytest

pytest.importorskip('google.protobuf')

import mxlite as mx  # noqa: E402
import caffe_nets  # noqa: E402
from caffe_nets import VGG, _layer  # noqa: E402

import caffe_parser  # noqa: E402
import convert_mean as cmean  # noqa: E402
import convert_model as cm  # noqa: E402
import convert_symbol as cs  # noqa: E402

TOOLS = os.path.dirname(os.path.abspath(cm.__file__))
REPO = os.path.abspath(os.path.join(TOOLS, '..', '..'))


def script(name, *args):
    """Run a tool as its own process (what a user types)."""
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get('PYTHONPATH', ''))
    return subprocess.run([sys.executable, os.path.join(TOOLS, name)] + [str(a) for a in args],
                          capture_output=True, text=True, env=env, timeout=120)


def tool(name, *args):
    """Run a tool's command line in this process (same code path, no interpreter start-up)."""
    import caffe_cli
    module = {'convert_symbol.py': cs, 'convert_model.py': cm, 'convert_mean.py': cmean}[name]
    out, err = io.StringIO(), io.StringIO()
    argv0, sys.argv[0] = sys.argv[0], os.path.join(TOOLS, name)
    code = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            caffe_cli.run(module.main, [str(a) for a in args])
    except SystemExit as e:
        code = e.code
    finally:
        sys.argv[0] = argv0
    return types.SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())


def write(tmp_path, text, name='n.prototxt'):
    p = tmp_path / name
    p.write_text(text)
    return str(p)


def test_help_documents_every_flag():
    for name, flags in [('convert_symbol.py', ['--json', 'prototxt', 'output']),
                        ('convert_model.py', ['--no-swap-bgr', 'caffemodel', 'prefix', 'RGB']),
                        ('convert_mean.py', ['--no-swap-bgr', 'binaryproto', 'output'])]:
        r = tool(name, '-h')
        assert r.returncode == 0, r.stderr
        for f in flags:
            assert f in r.stdout, (name, f)


def test_command_lines_end_to_end(tmp_path):
    net = caffe_nets.parse(VGG)
    weights = caffe_nets.random_weights(net)
    proto = write(tmp_path, VGG, 'deploy.prototxt')
    caffe_nets.write_caffemodel(str(tmp_path / 'w.caffemodel'), VGG, weights)
    r = script('convert_model.py', proto, tmp_path / 'w.caffemodel', tmp_path / 'vgg')
    assert r.returncode == 0, r.stderr
    assert 'vgg-0001.params' in r.stdout
    sym, args, aux = mx.model.load_checkpoint(str(tmp_path / 'vgg'), 1)
    assert sorted(args) == sorted(n for n in sym.list_arguments() if n not in ('data', 'prob_label'))
    r = tool('convert_symbol.py', proto, tmp_path / 'vgg.py', '--json')
    assert r.returncode == 0, r.stderr
    assert (tmp_path / 'vgg-symbol.json').read_text() == sym.tojson()
    r = subprocess.run([sys.executable, str(tmp_path / 'vgg.py')], capture_output=True, text=True,
                       env=dict(os.environ, PYTHONPATH=REPO), timeout=120)
    assert r.returncode == 0 and 'fc7' in r.stdout, r.stderr


@pytest.mark.parametrize('args, words', [
    (['missing.prototxt', 'out.py'], ['missing.prototxt', 'no such file']),
    (['--bogus', 'a', 'b'], ['unrecognized arguments', '--bogus']),
    ([], ['required']),
])
def test_bad_arguments_are_one_line(tmp_path, args, words):
    r = (script if not args else tool)('convert_symbol.py', *args)
    assert r.returncode in (1, 2)
    assert 'Traceback' not in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1, r.stderr
    for w in words:
        assert w in r.stderr


def test_model_errors_are_one_line(tmp_path):
    proto = write(tmp_path, VGG)
    r = tool('convert_model.py', proto, tmp_path / 'nothere.caffemodel', tmp_path / 'o')
    assert r.returncode == 1 and 'nothere.caffemodel: no such file' in r.stderr
    (tmp_path / 'junk.caffemodel').write_bytes(b'\xff\xff\xff\xff garbage')
    r = tool('convert_model.py', proto, tmp_path / 'junk.caffemodel', tmp_path / 'o')
    assert r.returncode == 1 and 'not a Caffe binary model' in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    r = tool('convert_model.py', proto, proto, tmp_path / 'no' / 'dir' / 'o')
    assert r.returncode == 1 and 'Traceback' not in r.stderr


def test_unsupported_layer_names_layer_and_type(tmp_path):
    text = ('input: "data" input_dim: 1 input_dim: 2 input_dim: 3 input_dim: 3\n'
            + _layer('norm9', 'MVN', 'data', 'x'))
    with pytest.raises(caffe_parser.ConverterError, match=r"layer 'norm9' \(type MVN\)"):
        cs.convert_symbol(write(tmp_path, text))
    r = tool('convert_symbol.py', write(tmp_path, text), tmp_path / 'o.py')
    assert r.returncode == 1 and "layer 'norm9' (type MVN) is not supported" in r.stderr
    text = _layer('d', 'Data', [], ['data', 'label'], 'data_param { source: "x" batch_size: 4 }')
    with pytest.raises(caffe_parser.ConverterError, match='deploy prototxt'):
        cs.convert_symbol(write(tmp_path, text))


def test_weight_errors(tmp_path):
    net = caffe_nets.parse(VGG)
    weights = caffe_nets.random_weights(net)
    proto = write(tmp_path, VGG)
    del weights['fc6']
    caffe_nets.write_caffemodel(str(tmp_path / 'a.caffemodel'), VGG, weights)
    with pytest.raises(caffe_parser.ConverterError, match="no weights for layer 'fc6'"):
        cm.convert_model(proto, str(tmp_path / 'a.caffemodel'))
    weights = caffe_nets.random_weights(net)
    weights['fc7'][0] = weights['fc7'][0][:, :3]
    caffe_nets.write_caffemodel(str(tmp_path / 'b.caffemodel'), VGG, weights)
    with pytest.raises(caffe_parser.ConverterError, match=r"'fc7': fc7_weight needs shape \(5, 12\)"):
        cm.convert_model(proto, str(tmp_path / 'b.caffemodel'))


def test_input_forms_and_parse_errors(tmp_path):
    layers = _layer('relu', 'ReLU', 'data', 'out')
    forms = ['input: "data" input_dim: 1 input_dim: 2 input_dim: 3 input_dim: 4\n',
             'input: "data" input_shape { dim: 1 dim: 2 dim: 3 dim: 4 }\n',
             _layer('in', 'Input', [], 'data', 'input_param { shape { dim: 1 dim: 2 dim: 3 dim: 4 } }')]
    for form in forms:
        network = cs.convert_network(write(tmp_path, form + layers))
        assert network.input_shapes == {'data': (1, 2, 3, 4)}
    with pytest.raises(caffe_parser.ConverterError, match='input_dim'):
        cs.convert_symbol(write(tmp_path, 'input: "data" input_dim: 1 input_dim: 2\n' + layers))
    with pytest.raises(caffe_parser.ConverterError, match='not a valid Caffe prototxt'):
        cs.convert_symbol(write(tmp_path, 'layer { name: "x" type: '))
    with pytest.raises(caffe_parser.ConverterError, match="no earlier layer or input"):
        cs.convert_symbol(write(tmp_path, forms[0] + _layer('r', 'ReLU', 'nope', 'out')))
    # fields outside the schema (a custom layer's parameters) are skipped with a warning
    with pytest.warns(UserWarning, match='skipped fields'):
        network = cs.convert_network(write(tmp_path, forms[0] + 'layer { name: "relu" '
                                           'type: "ReLU" bottom: "data" top: "out" '
                                           'my_custom_param { x: 1 } }\n'))
    assert network.sym.list_arguments() == ['data']


def test_convert_mean(tmp_path):
    mean = np.random.RandomState(0).uniform(0, 255, (3, 4, 5)).astype(np.float32)
    caffe_nets.write_mean(str(tmp_path / 'mean.binaryproto'), mean[None])
    nd = cmean.convert_mean(str(tmp_path / 'mean.binaryproto'), str(tmp_path / 'mean.nd'))
    np.testing.assert_array_equal(nd.asnumpy(), mean[::-1])
    saved = mx.nd.load(str(tmp_path / 'mean.nd'))
    assert list(saved) == ['mean_image']
    np.testing.assert_array_equal(saved['mean_image'].asnumpy(), mean[::-1])
    kept = cmean.convert_mean(str(tmp_path / 'mean.binaryproto'), swap_bgr=False)
    np.testing.assert_array_equal(kept.asnumpy(), mean)
    caffe_nets.write_mean(str(tmp_path / 'shaped.binaryproto'), mean, legacy=False)
    np.testing.assert_array_equal(
        cmean.convert_mean(str(tmp_path / 'shaped.binaryproto')).asnumpy(), mean[::-1])
    r = tool('convert_mean.py', tmp_path / 'mean.binaryproto', tmp_path / 'm2.nd')
    assert r.returncode == 0 and '(3, 4, 5)' in r.stdout, r.stderr
    (tmp_path / 'bad.binaryproto').write_bytes(b'\x0a\x05hello')
    r = tool('convert_mean.py', tmp_path / 'bad.binaryproto', tmp_path / 'm3.nd')
    assert r.returncode == 1 and len(r.stderr.strip().splitlines()) == 1
