"""Every example script documents its flags with -h; a bad value ends with one line naming
the flag."""
import importlib.util
import os

import pytest

from example_env import GLUON, TOOLS, run_script, script

SCRIPTS = {
    'train_mnist.py': ['--network', '--data-dir', '--gpus', '--model-prefix', '--load-epoch',
                       '--lr-step-epochs', '--kv-store', '--monitor', '--top-k', '--test-io',
                       '--dtype', '--warmup-epochs', '--num-epochs'],
    'train_cifar10.py': ['--data-train', '--data-val', '--rgb-mean', '--rgb-std', '--pad-size',
                         '--image-shape', '--num-classes', '--num-examples', '--data-nthreads',
                         '--benchmark', '--random-crop', '--random-mirror', '--max-random-h',
                         '--max-random-s', '--max-random-l', '--max-random-aspect-ratio',
                         '--min-random-aspect-ratio', '--max-random-rotate-angle',
                         '--max-random-shear-ratio', '--max-random-scale',
                         '--min-random-scale', '--min-random-area', '--brightness',
                         '--contrast', '--saturation', '--pca-noise'],
    'train_imagenet.py': ['--data-train', '--network', '--num-layers', '--initializer',
                          '--optimizer', '--mom', '--wd', '--batch-size', '--disp-batches',
                          '--save-period', '--loss', '--lr-factor', '--lr'],
    'fine-tune.py': ['--pretrained-model', '--load-epoch', '--layer-before-fullc',
                     '--num-classes', '--pretrained-lr-mult'],
    'score.py': ['--model', '--data-val', '--image-shape', '--rgb-mean'],
    'predict.py': ['--model-prefix', '--load-epoch', '--image-shape', '--rgb-mean', '--rgb-std',
                   '--resize', '--top-k', '--synset'],
}


@pytest.mark.parametrize('name', sorted(SCRIPTS))
def test_help_documents_the_flags(name):
    res = run_script(script(name), ['-h'])
    assert res.returncode == 0, res.stderr
    for flag in SCRIPTS[name]:
        assert flag in res.stdout, flag


def test_tool_help():
    res = run_script(os.path.join(TOOLS, 'digits_to_folder.py'), ['-h'])
    assert res.returncode == 0 and '--no-split' in res.stdout, res.stderr


@pytest.mark.skipif(importlib.util.find_spec('mxlite.gluon.data') is None,
                    reason='needs gluon.data')
def test_gluon_example_help():
    res = run_script(os.path.join(GLUON, 'image_folder.py'), ['-h'])
    assert res.returncode == 0, res.stderr
    for flag in ('--data-dir', '--epochs', '--lr', '--batch-size', '--save-prefix'):
        assert flag in res.stdout


def one_line_error(res, flag):
    assert res.returncode != 0
    assert 'Traceback' not in res.stderr, res.stderr
    last = res.stderr.strip().splitlines()[-1]
    assert 'error:' in last and flag in last, res.stderr
    return last


@pytest.mark.parametrize('name, argv, flag', [
    ('train_mnist.py', ['--network', 'nosuchnet', '--download', 0], '--network'),
    ('train_mnist.py', ['--image_shape', '1,x,28'], '--image_shape'),
    ('train_mnist.py', ['--num-epochs', 'ten'], '--num-epochs'),
    ('train_imagenet.py', ['--data-train', 'missing.rec'], '--data-train'),
    ('train_imagenet.py', ['--data-train', __file__, '--image-shape', '3x224'],
     '--image-shape'),
    ('train_imagenet.py', ['--num-layers', '33'], '--num-layers'),
    ('train_imagenet.py', ['--initializer', 'bogus'], '--initializer'),
    ('train_cifar10.py', ['--download', 0, '--network', 'tinynet'], '--data-train'),
    ('fine-tune.py', ['--pretrained-model', 'missing', '--load-epoch', 1, '--num-classes', 5],
     '--pretrained-model'),
    ('fine-tune.py', ['--pretrained-model', 'missing', '--num-classes', 5], '--load-epoch'),
    ('score.py', ['--model', 'missing', '--data-val', 'missing.rec'], '--data-val'),
    ('predict.py', ['--model-prefix', 'missing', '--load-epoch', 1, __file__], '--model-prefix'),
    ('predict.py', ['--model-prefix', 'm', '--load-epoch', 1, 'missing.png'], 'images'),
    ('predict.py', ['--model-prefix', 'm', '--load-epoch', 1, '--image-shape', '3,224',
                    __file__], '--image-shape'),
])
def test_bad_values_end_with_one_line(name, argv, flag, tmp_path):
    one_line_error(run_script(script(name), argv, cwd=str(tmp_path)), flag)


def test_digits_tool_bad_values(tmp_path):
    tool = os.path.join(TOOLS, 'digits_to_folder.py')
    one_line_error(run_script(tool, [str(tmp_path / 'd'), '--classes', '3,11']), '--classes')
    one_line_error(run_script(tool, [str(tmp_path / 'd'), '--size', '8']), '--size')
