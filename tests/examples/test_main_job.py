"""The README's main job: train_mnist.py --network lenet on the embedded digits, >= 97%."""
import time

import pytest

from example_env import final_metric, run_script, script


@pytest.mark.slow
def test_train_mnist_lenet_reaches_97_percent(tmp_path):
    tic = time.time()
    res = run_script(script('train_mnist.py'), ['--network', 'lenet', '--data-dir',
                                                tmp_path / 'data', '--download', 0],
                     cwd=str(tmp_path))
    elapsed = time.time() - tic
    assert res.returncode == 0, res.stderr[-3000:]
    log = res.stderr
    assert sum('MNIST not found' in line for line in log.splitlines()) == 1
    for epoch in range(10):
        for what in ('Train-accuracy=', 'Train-loss=', 'Speed: ', 'Validation-accuracy='):
            assert 'Epoch[%d] %s' % (epoch, what) in log
    assert 'Epoch[10]' not in log
    accuracy = final_metric(log, 'Validation-accuracy')
    print('main job: validation accuracy %.4f in %.1f s' % (accuracy, elapsed))
    assert accuracy >= 0.97
