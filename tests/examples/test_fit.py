"""common/fit.py and common/data.py in-process: schedules, checkpoints, resume, devices, flags."""
import argparse
import logging
import os

import numpy as np
import pytest

import example_env  # noqa: F401  (puts example/image-classification on sys.path)
from common import data, fit
from symbols import mlp

import mxlite as mx


def parse(argv, with_data=False, **defaults):
    parser = argparse.ArgumentParser()
    fit.add_fit_args(parser)
    if with_data:
        data.add_data_args(parser)
        data.add_data_aug_args(parser)
    settings = dict(network='mlp', num_examples=64, batch_size=16, num_epochs=1,
                    disp_batches=2, lr=0.1, kv_store='local')
    settings.update(defaults)
    parser.set_defaults(**settings)
    return parser.parse_args([str(a) for a in argv])


def toy_loader(args, kv):
    rs = np.random.RandomState(0)
    label = rs.randint(0, 3, 64)
    x = rs.rand(64, 12).astype(np.float32) * 0.1
    x[np.arange(64), label] += 1.0
    train = mx.io.NDArrayIter(x, label.astype(np.float32), args.batch_size, shuffle=True)
    val = mx.io.NDArrayIter(x[:32], label[:32].astype(np.float32), args.batch_size)
    return train, val


def train(argv, caplog, **defaults):
    caplog.set_level(logging.INFO)
    args = parse(argv, **defaults)
    with mx.name.NameManager():     # the same automatic names as the saved checkpoint's
        sym = mlp.get_symbol(num_classes=3)
    model = fit.fit(args, sym, toy_loader)
    return model, caplog.text


def error_line(capsys, excinfo):
    assert excinfo.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def test_lr_steps_follow_the_epochs_and_the_resume_point():
    kv = mx.kv.create('local')
    args = parse(['--lr', 1, '--lr-step-epochs', '2,4', '--batch-size', 100], num_examples=1000)
    lr, sched = fit._get_lr_scheduler(args, kv)
    assert lr == 1 and sched.step == [20, 40] and sched.factor == 0.1
    args.load_epoch = 3
    lr, sched = fit._get_lr_scheduler(args, kv)
    assert lr == pytest.approx(0.1) and sched.step == [10]
    args.load_epoch = 5
    lr, sched = fit._get_lr_scheduler(args, kv)
    assert lr == pytest.approx(0.01) and sched is None
    args = parse(['--lr-step-epochs', 'pow2', '--num-epochs', 3, '--batch-size', 100],
                 num_examples=1000)
    lr, sched = fit._get_lr_scheduler(args, kv)
    assert isinstance(sched, mx.lr_scheduler.PolyScheduler) and sched.max_update == 30
    assert fit._get_lr_scheduler(parse(['--lr-factor', 1, '--lr-step-epochs', '2']), kv)[1] \
        is None


def test_bad_lr_steps_name_the_flag(capsys):
    with pytest.raises(SystemExit) as e:
        fit._get_lr_scheduler(parse(['--lr-step-epochs', '2,x']), mx.kv.create('local'))
    assert 'argument --lr-step-epochs' in error_line(capsys, e)


def test_checkpoints_every_epoch_and_resume(tmp_path, caplog):
    prefix = str(tmp_path / 'sub' / 'toy')
    model, log = train(['--model-prefix', prefix, '--num-epochs', 2], caplog)
    assert sorted(os.listdir(tmp_path / 'sub')) == ['toy-0001.params', 'toy-0002.params',
                                                   'toy-symbol.json']
    for what in ('Epoch[1] Train-accuracy=', 'Epoch[1] Train-loss=', 'Epoch[1] Time cost=',
                 'Epoch[1] Speed: ', 'Epoch[1] Validation-accuracy='):
        assert what in log
    caplog.clear()
    _, arg_params, _ = mx.model.load_checkpoint(prefix, 2)
    resumed, log = train(['--model-prefix', prefix, '--load-epoch', 2, '--num-epochs', 3,
                          '--lr', 0], caplog)
    assert 'Loaded model %s_0002.params' % prefix in log
    assert 'Epoch[2] Train-accuracy' in log and 'Epoch[1]' not in log
    assert os.path.exists(prefix + '-0003.params')
    # lr 0 (and the loaded weights as the start): the parameters did not move
    np.testing.assert_allclose(resumed.get_params()[0]['fc1_weight'].asnumpy(),
                               arg_params['fc1_weight'].asnumpy(), rtol=1e-6)


def test_save_period(tmp_path, caplog):
    prefix = str(tmp_path / 'toy')
    train(['--model-prefix', prefix, '--num-epochs', 4, '--save-period', 2], caplog)
    assert sorted(f for f in os.listdir(tmp_path) if f.endswith('.params')) == \
        ['toy-0002.params', 'toy-0004.params']


def test_resume_errors_name_the_flag(tmp_path, caplog, capsys):
    with pytest.raises(SystemExit) as e:
        train(['--load-epoch', 3], caplog)
    assert 'argument --load-epoch' in error_line(capsys, e)
    with pytest.raises(SystemExit) as e:
        train(['--load-epoch', 3, '--model-prefix', str(tmp_path / 'none')], caplog)
    line = error_line(capsys, e)
    assert 'argument --load-epoch' in line and 'none-symbol.json' in line
    prefix = str(tmp_path / 'toy')
    train(['--model-prefix', prefix], caplog)
    args = parse(['--model-prefix', prefix, '--load-epoch', 1, '--num-epochs', 2])
    with pytest.raises(SystemExit) as e:
        fit.fit(args, mlp.get_symbol(num_classes=4), toy_loader)
    assert 'is not the one being trained' in error_line(capsys, e)


def test_gpus_fall_back_to_the_cpu_with_a_warning(caplog):
    model, log = train(['--gpus', '0,1'], caplog)
    assert 'no GPU found' in log and 'training on the CPU' in log
    assert model._context == [mx.cpu()]


@pytest.mark.parametrize('argv, flag', [
    (['--kv-store', 'dist_nonsense'], '--kv-store'),
    (['--kv-store', 'nonsense'], '--kv-store'),
    (['--optimizer', 'nonsense'], '--optimizer'),
    (['--gc-type', '2bit'], '--gc-type'),
    (['--profile-server-suffix', 'prof.json'], '--profile-server-suffix'),
    (['--gpus', 'a,b'], '--gpus'),
])
def test_bad_values_end_with_one_line_naming_the_flag(argv, flag, caplog, capsys):
    with pytest.raises(SystemExit) as e:
        train(argv, caplog)
    assert ('argument %s:' % flag) in error_line(capsys, e)


def test_monitor_top_k_and_loss_metrics(caplog):
    _, log = train(['--monitor', 2, '--top-k', 2, '--loss', 'ce,nll'], caplog)
    assert 'Batch:       1 fc1_output' in log and 'fc1_backward_output1' in log
    assert 'Train-top_k_accuracy_2=' in log and 'Train-cross-entropy=' in log
    assert 'Train-nll-loss=' in log and 'Validation-top_k_accuracy_2=' in log


def test_profile_worker(tmp_path, caplog):
    import json
    path = str(tmp_path / 'prof.json')
    _, log = train(['--profile-worker-suffix', path], caplog)
    assert 'profile written to' in log
    with open(path) as f:
        names = {e['name'] for e in json.load(f)['traceEvents']}
    assert 'FullyConnected' in names and not mx.profiler.STATE.running


def test_test_io_reads_without_training(caplog):
    model, log = train(['--test-io', 1, '--disp-batches', 2], caplog)
    assert model is None and 'Speed:' in log and 'Train-accuracy' not in log


@pytest.mark.parametrize('name, cls', [('default', 'Xavier'), ('msra', 'MSRAPrelu'),
                                       ('orthogonal', 'Orthogonal'), ('zero', 'Zero')])
def test_initializers(name, cls):
    assert type(fit._initializer(parse(['--initializer', name]))).__name__ == cls
    assert type(fit._initializer(parse(['--network', 'alexnet']))).__name__ == 'Normal'


def test_large_batch_sgd_gets_warmup():
    args = parse(['--optimizer', 'lbsgd', '--warmup-epochs', 3, '--macrobatch-size', 64])
    params = fit._optimizer_params(args, mx.kv.create('local'), 0.1, None, 4)
    assert params['warmup_epochs'] == 3 and params['batch_scale'] == 4
    assert params['momentum'] == 0.9 and params['updates_per_epoch'] == 4
    assert 'momentum' not in fit._optimizer_params(parse(['--optimizer', 'adam']),
                                                   mx.kv.create('local'), 0.1, None, 4)


def test_data_aug_presets():
    parser = argparse.ArgumentParser()
    data.add_data_aug_args(parser)
    data.set_data_aug_level(parser, 3)
    args = parser.parse_args(['--random-mirror', '0'])
    assert (args.random_crop, args.random_mirror, args.max_random_h) == (1, 0, 36)
    assert args.max_random_rotate_angle == 10 and args.max_random_aspect_ratio == 0.25
    data.set_resnet_aug(parser)
    args = parser.parse_args([])
    assert args.random_resized_crop == 1 and args.min_random_area == 0.08


def test_benchmark_gives_synthetic_batches():
    args = parse(['--benchmark', 1, '--image-shape', '3,8,8', '--num-classes', 4,
                  '--num-examples', 32, '--batch-size', 8], with_data=True)
    train_iter, val = data.get_rec_iter(args)
    assert val is None
    batches = list(train_iter)
    assert len(batches) == 4 and batches[0].data[0].shape == (8, 3, 8, 8)


@pytest.mark.parametrize('argv, flag', [
    (['--image-shape', '3x28x28'], '--image-shape'),
    (['--image-shape', '3,28'], '--image-shape'),
    ([], '--data-train'),
    (['--data-train', 'missing.rec'], '--data-train'),
    (['--rgb-mean', '1,2'], '--rgb-mean'),
])
def test_rec_iter_flag_errors(argv, flag, capsys, tmp_path):
    base = ['--image-shape', '3,28,28'] if '--image-shape' not in argv else []
    args = parse(base + argv, with_data=True)
    if flag == '--rgb-mean':
        args.data_train = __file__
    with pytest.raises(SystemExit) as e:
        data.get_rec_iter(args)
    assert ('argument %s:' % flag) in error_line(capsys, e)
