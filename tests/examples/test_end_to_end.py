"""The user's path, offline: digits -> PNG folder -> im2rec lists and records -> train ->
fine-tune on a 5-class subset -> predict a PNG -> the right class; score; train_cifar10 on it."""
import os

import pytest

from example_env import TOOLS, final_metric, run_script, script


def ok(res):
    assert res.returncode == 0, res.stderr[-4000:]
    return res


def make_rec(tmp_path, name, argv):
    """digits_to_folder.py; im2rec.py --list --recursive --train-ratio 0.8; im2rec --resize 28."""
    folder, prefix = tmp_path / name, str(tmp_path / (name + '_rec'))
    if os.path.exists(prefix + '_val.rec'):        # made by an earlier test of this module
        return folder, prefix
    ok(run_script(os.path.join(TOOLS, 'digits_to_folder.py'),
                  [folder, '--no-split'] + argv))
    ok(run_script(os.path.join(TOOLS, 'im2rec.py'),
                  ['--list', '--recursive', '--train-ratio', 0.8, prefix, folder]))
    out = ok(run_script(os.path.join(TOOLS, 'im2rec.py'), ['--resize', 28, prefix, folder]))
    assert out.stdout.count('packed') == 2
    return folder, prefix


@pytest.fixture(scope='module')
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp('e2e')


STD = '58.393,57.12,57.375'
# network, layer before the classifier, learning rates (train, fine-tune), extra flags
CHAINS = {
    'mlp': ('mlp', 'relu2', (0.003, 0.003), ['--rgb-std', STD]),
    'tinynet': ('tinynet', 'drop2', (0.01, 0.01), []),
}


@pytest.mark.parametrize('chain', [
    'mlp', pytest.param('tinynet', marks=pytest.mark.slow)])
def test_train_fine_tune_predict(workdir, chain):
    network, cut, (lr, ft_lr), extra = CHAINS[chain]
    _, digits = make_rec(workdir, 'digits', ['--per-class', 30])
    model = str(workdir / chain / 'pretrained')
    log = ok(run_script(script('train_imagenet.py'), [
        '--network', network, '--image-shape', '3,28,28', '--num-classes', 10,
        '--num-examples', 240, '--data-train', digits + '_train.rec',
        '--data-val', digits + '_val.rec', '--model-prefix', model, '--num-epochs', 4,
        '--batch-size', 24, '--lr', lr] + extra, cwd=str(workdir))).stderr
    assert os.path.exists(model + '-0004.params')
    assert final_metric(log, 'Validation-accuracy') > 0.5

    five, five_rec = make_rec(workdir, 'five', ['--classes', '0,1,2,3,4', '--per-class', 30])
    tuned = str(workdir / chain / 'five')
    log = ok(run_script(script('fine-tune.py'), [
        '--pretrained-model', model, '--load-epoch', 4, '--layer-before-fullc', cut,
        '--num-classes', 5, '--num-examples', 120, '--data-train', five_rec + '_train.rec',
        '--data-val', five_rec + '_val.rec', '--image-shape', '3,28,28', '--model-prefix', tuned,
        '--num-epochs', 2, '--batch-size', 20, '--lr', ft_lr, '--mom', 0.9] + extra,
        cwd=str(workdir)))
    assert 'pretrained arrays kept' in log.stderr
    assert 'Epoch[0] Train-accuracy' in log.stderr and os.path.exists(tuned + '-0002.params')
    assert final_metric(log.stderr, 'Validation-accuracy') > 0.7

    names = workdir / 'names.txt'
    names.write_text('zero\none\ntwo\nthree\nfour\n')
    three, zero = sorted(os.listdir(five / '3'))[0], sorted(os.listdir(five / '0'))[0]
    out = ok(run_script(script('predict.py'), [
        '--model-prefix', tuned, '--load-epoch', 2, '--image-shape', '3,28,28', '--top-k', 2,
        '--synset', names, five / '3' / three, five / '0' / zero] + extra)).stdout.splitlines()
    assert len(out) == 6 and out[0].endswith(three) and out[3].endswith(zero), out
    assert out[1].strip().startswith('probability=') and out[1].endswith('class=three'), out
    assert out[4].endswith('class=zero'), out

    log = ok(run_script(script('score.py'), [
        '--model', tuned, '--load-epoch', 2, '--data-val', five_rec + '_val.rec',
        '--image-shape', '3,28,28', '--rgb-mean', '123.68,116.779,103.939', '--batch-size', 20
    ] + extra)).stderr
    assert 'images per second' in log and "('accuracy', " in log


def test_train_cifar10_on_any_rec(workdir):
    _, digits = make_rec(workdir, 'digits', ['--per-class', 30])
    log = ok(run_script(script('train_cifar10.py'), [
        '--network', 'mlp', '--data-train', digits + '_train.rec', '--data-val',
        digits + '_val.rec', '--num-examples', 240, '--num-epochs', 1, '--batch-size', 24,
        '--pad-size', 0, '--lr', 0.003, '--rgb-std', STD, '--download', 0],
        cwd=str(workdir))).stderr
    assert 'Epoch[0] Validation-accuracy=' in log
