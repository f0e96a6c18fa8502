"""fine-tune.py's network surgery and learning-rate multipliers; predict.py prepares an image
exactly as tools/im2rec.py + ImageRecordIter do in training."""
import argparse
import importlib.util
import logging
import os

import numpy as np
import pytest
from PIL import Image

from example_env import IMAGE_CLS, TOOLS, run_script
from common import fit
from symbols import mlp

import mxlite as mx


def load_script(name):
    spec = importlib.util.spec_from_file_location(name.replace('-', '_')[:-3],
                                                  os.path.join(IMAGE_CLS, name))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def toy_loader(args, kv):
    rs = np.random.RandomState(1)
    label = rs.randint(0, 2, 32)
    x = rs.rand(32, 12).astype(np.float32)
    x[np.arange(32), label] += 1
    return mx.io.NDArrayIter(x, label.astype(np.float32), 16, shuffle=True), None


def fit_args(argv):
    parser = argparse.ArgumentParser()
    fit.add_fit_args(parser)
    parser.set_defaults(num_examples=32, batch_size=16, kv_store='local', lr=0.5)
    return parser.parse_args([str(a) for a in argv])


def test_new_head_and_frozen_pretrained_layers(caplog, capsys):
    caplog.set_level(logging.INFO)
    ft = load_script('fine-tune.py')
    rs = np.random.RandomState(0)
    sym = mlp.get_symbol(num_classes=10)
    arg_params = {n: mx.nd.array(rs.rand(*s)) for n, s in
                  zip(sym.list_arguments(), sym.infer_shape(data=(1, 12))[0])
                  if n not in ('data', 'softmax_label')}
    new_sym, new_args = ft.get_fine_tune_model(sym, arg_params, 2, 'relu2')
    assert sorted(new_args) == ['fc1_bias', 'fc1_weight', 'fc2_bias', 'fc2_weight']
    assert new_sym.infer_shape(data=(4, 12))[1] == [(4, 2)]
    assert 'fc_weight' in new_sym.list_arguments() and 'fc3_weight' not in new_args
    ft.set_lr_mult(new_sym, new_args, 0.0)
    assert new_sym.attr_dict()['fc1_weight']['__lr_mult__'] == '0.0'
    model = fit.fit(fit_args(['--num-epochs', 2]), new_sym, toy_loader, arg_params=new_args,
                    aux_params={})
    trained = model.get_params()[0]
    for name in new_args:          # lr_mult 0: the pretrained layers did not move
        np.testing.assert_array_equal(trained[name].asnumpy(), new_args[name].asnumpy())
    assert np.abs(trained['fc_weight'].asnumpy()).sum() > 0
    with pytest.raises(SystemExit):
        ft.get_fine_tune_model(sym, arg_params, 2, 'nosuchlayer')
    err = capsys.readouterr().err.strip()
    assert 'argument --layer-before-fullc' in err and 'relu2' in err


@pytest.mark.parametrize('shape, resize', [((3, 28, 28), 28), ((1, 24, 24), 30)])
def test_predict_preprocessing_equals_training_input(tmp_path, shape, resize):
    rs = np.random.RandomState(3)
    folder = tmp_path / 'imgs' / 'a'
    folder.mkdir(parents=True)
    Image.fromarray(rs.randint(0, 256, (37, 50, 3)).astype(np.uint8)).save(folder / 'x.png')
    prefix = str(tmp_path / 'one')
    for argv in (['--list', '--recursive', prefix, tmp_path / 'imgs'],
                 ['--resize', resize, '--encoding', '.png', prefix, tmp_path / 'imgs']):
        res = run_script(os.path.join(TOOLS, 'im2rec.py'), argv)
        assert res.returncode == 0, res.stderr
    mean, std = [123.68, 116.779, 103.939], [58.4, 57.1, 57.4]
    it = mx.io.ImageRecordIter(path_imgrec=prefix + '.rec', data_shape=shape, batch_size=1,
                               mean_r=mean[0], mean_g=mean[1], mean_b=mean[2], std_r=std[0],
                               std_g=std[1], std_b=std[2])
    training_input = next(iter(it)).data[0].asnumpy()
    predict = load_script('predict.py')
    got = predict.preprocess(str(folder / 'x.png'), shape, resize, mean, std)
    assert got.shape == (1,) + shape
    # colour: identical; grayscale: training converts the resized colour image to gray while
    # predict.py resizes the gray image, so pixels may differ by one grey level (1 / std)
    atol = 1e-4 if shape[0] == 3 else 1.0 / std[0] + 1e-4
    np.testing.assert_allclose(got, training_input, rtol=0, atol=atol)
    if shape[0] == 1:
        assert np.mean(np.abs(got - training_input) > 1e-4) < 0.5   # (random noise: ~25%)


def test_modelzoo_names(tmp_path):
    from common import modelzoo
    assert modelzoo.download_model('my-own-model', str(tmp_path)) == (None, 0)
    for ext in ('-symbol.json', '-0000.params'):       # already there: no network needed
        (tmp_path / ('imagenet1k-resnet-18' + ext)).write_text('x')
    assert modelzoo.download_model('imagenet1k-resnet-18', str(tmp_path)) == \
        (str(tmp_path / 'imagenet1k-resnet-18'), 0)
