"""train_mnist.py: the embedded digits when MNIST is absent, real idx files when present, resume."""
import gzip
import importlib.util
import os
import struct
import sys

import numpy as np
import pytest

from example_env import final_metric, run_script, script

import mxlite as mx


def train_mnist(argv, cwd):
    res = run_script(script('train_mnist.py'), argv, cwd=str(cwd))
    assert res.returncode == 0, res.stderr[-3000:]
    return res.stderr


def test_digits_when_mnist_is_absent_then_resume(tmp_path):
    prefix = str(tmp_path / 'model' / 'mlp')
    log = train_mnist(['--network', 'mlp', '--num-epochs', 2, '--data-dir', tmp_path / 'none',
                       '--download', 0, '--model-prefix', prefix], tmp_path)
    notes = [line for line in log.splitlines() if 'MNIST not found' in line]
    assert len(notes) == 1 and 'embedded' in notes[0] and 'none' in notes[0]
    for what in ('Epoch[1] Train-accuracy=', 'Epoch[1] Train-loss=', 'Epoch[1] Speed: ',
                 'Epoch[1] Validation-accuracy='):
        assert what in log
    assert final_metric(log, 'Validation-accuracy') > 0.8
    assert not os.path.exists(tmp_path / 'none')
    assert os.path.exists(prefix + '-0002.params') and os.path.exists(prefix + '-symbol.json')

    log = train_mnist(['--network', 'mlp', '--num-epochs', 3, '--data-dir', tmp_path / 'none',
                       '--download', 0, '--model-prefix', prefix, '--load-epoch', 2], tmp_path)
    assert 'Loaded model %s_0002.params' % prefix in log
    assert 'Epoch[2] Train-accuracy=' in log and 'Epoch[0]' not in log
    assert final_metric(log, 'Validation-accuracy') > 0.8
    assert os.path.exists(prefix + '-0003.params')


def write_idx(path, array, compress):
    header = struct.pack('>HBB', 0, 0x08, array.ndim) + struct.pack('>%dI' % array.ndim,
                                                                    *array.shape)
    opener = gzip.open if compress else open
    with opener(path + ('.gz' if compress else ''), 'wb') as f:
        f.write(header + array.astype(np.uint8).tobytes())


@pytest.mark.parametrize('compress', [False, True])
def test_real_mnist_idx_files_are_used(tmp_path, compress):
    d = mx.test_utils.get_digits()
    images = (d['train_data'][:, 0] * 255).astype(np.uint8)
    data_dir = tmp_path / 'mnist'
    data_dir.mkdir()
    write_idx(str(data_dir / 'train-images-idx3-ubyte'), images[:256], compress)
    write_idx(str(data_dir / 'train-labels-idx1-ubyte'), d['train_label'][:256], compress)
    write_idx(str(data_dir / 't10k-images-idx3-ubyte'), images[256:320], compress)
    write_idx(str(data_dir / 't10k-labels-idx1-ubyte'), d['train_label'][256:320], compress)
    log = train_mnist(['--network', 'mlp', '--num-epochs', 1, '--data-dir', data_dir,
                       '--batch-size', 32], tmp_path)
    assert 'MNIST not found' not in log and 'downloaded' not in log
    # the size of the files' training set, MXNet's MNIST learning-rate step
    assert 'num_examples=256' in log and "lr_step_epochs='10'" in log
    assert 'Epoch[0] Batch' not in log and 'Epoch[0] Validation-accuracy=' in log


def test_legacy_script_forms_keep_working(tmp_path):
    """A copy of an older train_cifar10.py: find_mxnet, util.download_file, symbol.<net>,
    set_data_aug_level; here on a .rec of a few digits."""
    from example_env import IMAGE_CLS, TOOLS
    folder = tmp_path / 'imgs'
    res = run_script(os.path.join(TOOLS, 'digits_to_folder.py'),
                     [folder, '--no-split', '--per-class', 6])
    assert res.returncode == 0, res.stderr
    prefix = str(tmp_path / 'few')
    for argv in (['--list', '--recursive', prefix, folder], ['--resize', 28, prefix, folder]):
        res = run_script(os.path.join(TOOLS, 'im2rec.py'), argv)
        assert res.returncode == 0, res.stderr
    legacy = tmp_path / 'old_train.py'
    legacy.write_text('''
import os
import argparse
import logging
logging.basicConfig(level=logging.DEBUG)
from common import find_mxnet, data, fit
from common.util import download_file
import mxlite as mx

if __name__ == '__main__':
    parser = argparse.ArgumentParser(description="train cifar10",
                                     formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    fit.add_fit_args(parser)
    data.add_data_args(parser)
    data.add_data_aug_args(parser)
    data.set_data_aug_level(parser, 2)
    parser.set_defaults(network='mlp', data_train='%s.rec', num_classes=10, num_examples=60,
                        image_shape='3,28,28', pad_size=4, batch_size=20, num_epochs=1,
                        lr=.05, lr_step_epochs='200,250')
    args = parser.parse_args()
    from importlib import import_module
    net = import_module('symbol.'+args.network)
    sym = net.get_symbol(**vars(args))
    fit.fit(args, sym, data.get_rec_iter)
''' % prefix)
    res = run_script(str(legacy), ['--kv-store', 'local'], cwd=str(tmp_path),
                     extra_path=[IMAGE_CLS])
    assert res.returncode == 0, res.stderr[-3000:]
    assert 'Epoch[0] Train-accuracy=' in res.stderr and "max_random_h=36" in res.stderr


@pytest.mark.skipif(importlib.util.find_spec('mpi4py') is None, reason='needs the dist extra')
def test_distributed_training_with_launch(tmp_path):
    from example_env import TOOLS
    prefix = str(tmp_path / 'dist' / 'mlp')
    res = run_script(os.path.join(TOOLS, 'launch.py'), [
        '-n', 2, sys.executable, script('train_mnist.py'), '--network', 'mlp', '--kv-store',
        'dist_sync', '--num-epochs', 1, '--download', 0, '--data-dir', tmp_path / 'none',
        '--model-prefix', prefix], cwd=str(tmp_path))
    assert res.returncode == 0, (res.stdout + res.stderr)[-3000:]
    log = res.stdout + res.stderr
    # each worker reads ceil(1438 / 2 / 64) batches per epoch, as MXNet's fit resizes them
    # each worker takes its share, and only rank 0 logs
    assert log.count('Resizing training data to 12 batches per machine') == 1
    assert 'Epoch[0] Validation-accuracy=' in log and os.path.exists(prefix + '-0001.params')
