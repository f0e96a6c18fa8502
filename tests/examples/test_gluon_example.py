"""example/gluon/image_folder.py: the classic Gluon loop on digit PNG folders; its export
classifies a PNG through image-classification/predict.py."""
import importlib.util
import os

import pytest

from example_env import GLUON, TOOLS, run_script, script

pytestmark = pytest.mark.skipif(importlib.util.find_spec('mxlite.gluon.data') is None,
                                reason='needs gluon.data (ImageFolderDataset, DataLoader)')

SCRIPT = os.path.join(GLUON, 'image_folder.py')


@pytest.fixture(scope='module')
def digits(tmp_path_factory):
    root = tmp_path_factory.mktemp('gluon_digits')
    res = run_script(os.path.join(TOOLS, 'digits_to_folder.py'), [root, '--per-class', 20])
    assert res.returncode == 0, res.stderr
    return root


def test_trains_exports_and_predicts(digits, tmp_path):
    prefix = str(tmp_path / 'model' / 'digits')
    res = run_script(SCRIPT, ['--data-dir', digits, '--epochs', 2, '--num-workers', 0,
                              '--batch-size', 32, '--save-prefix', prefix])
    assert res.returncode == 0, res.stderr[-3000:]
    lines = [line for line in res.stderr.splitlines() if line.startswith('[Epoch ')]
    assert len(lines) == 2
    for what in ('loss=', 'train-accuracy=', 'validation-accuracy=', 'time=', 'samples/sec'):
        assert what in lines[1]
    assert float(lines[1].split('validation-accuracy=')[1].split()[0]) > 0.3
    assert os.path.exists(prefix + '-symbol.json') and os.path.exists(prefix + '-0002.params')
    # the exported network in Module form: predict.py with the same normalisation
    image = digits / 'train' / '3' / sorted(os.listdir(digits / 'train' / '3'))[0]
    out = run_script(script('predict.py'), [
        '--model-prefix', prefix, '--load-epoch', 2, '--image-shape', '1,28,28',
        '--rgb-mean', '33.15,0,0', '--rgb-std', '79.05,1,1', '--top-k', 10, image])
    assert out.returncode == 0, out.stderr
    probs = [float(line.split('probability=')[1].split(',')[0])
             for line in out.stdout.splitlines()[1:]]
    assert len(probs) == 10 and abs(sum(probs) - 1) < 1e-4


def test_default_data_is_the_embedded_digits(tmp_path):
    env_home = tmp_path / 'mxhome'
    os.environ['MXNET_HOME'] = str(env_home)
    try:
        res = run_script(SCRIPT, ['--epochs', 0, '--num-workers', 0])
    finally:
        del os.environ['MXNET_HOME']
    assert res.returncode == 0, res.stderr[-3000:]
    assert 'wrote the embedded digits to' in res.stderr
    assert '1438 training and 359 validation images' in res.stderr
    assert sorted(os.listdir(env_home / 'datasets' / 'digits')) == ['train', 'val']


def test_bad_data_dir_is_one_line(tmp_path):
    res = run_script(SCRIPT, ['--data-dir', tmp_path / 'missing'])
    assert res.returncode == 2 and 'Traceback' not in res.stderr
    assert res.stderr.strip().splitlines()[-1].startswith('image_folder.py: error: argument '
                                                          '--data-dir:')
