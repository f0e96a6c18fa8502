"""Checkpoints survive SIGKILL: mid-save (every saver) and mid-training (then resume).

``kill_harness.py`` kills processes that save back to back, at random
moments, and checks the folder after every kill: reported checkpoints
(the previous one included) load intact, a newer one is complete or
absent.  ``fit_worker.py`` is a real ``Module.fit`` job checkpointing every
epoch: killed at a random moment, it resumes from its newest complete
checkpoint and ends with exactly the parameters of an uninterrupted run.  The
image-classification example, killed the same way, resumes with ``--load-epoch``.
"""
import json
import os
import random
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import mxlite as mx

from robust_util import count, record

HERE = os.path.dirname(os.path.abspath(__file__))
MODES = ['save_checkpoint', 'do_checkpoint', 'module', 'nd_save', 'save_parameters']


def run_harness(tmp_path, mode, kills, seed, max_delay_ms=300):
    folder = tmp_path / mode
    folder.mkdir()
    out = subprocess.run([sys.executable, os.path.join(HERE, 'kill_harness.py'), mode,
                          str(folder), str(kills), str(seed), str(max_delay_ms)],
                         capture_output=True, text=True, timeout=60 + kills * 3)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result['violations'] == [], result['violations'][:5]
    assert result['kills'] == kills
    assert result['epochs_saved'] >= 1
    count('checkpoint kills survived (%s)' % mode, kills)
    count('checkpoint kills survived (all savers)', kills)
    return result


@pytest.mark.parametrize('mode', ['module', 'save_parameters'])
def test_kills_during_save(tmp_path, mode):
    run_harness(tmp_path, mode, kills=6, seed=1)


@pytest.mark.slow
@pytest.mark.parametrize('mode', MODES)
def test_many_kills_during_save(tmp_path, mode):
    run_harness(tmp_path, mode, kills=16, seed=11)


def _newest_complete(prefix, upto):
    for e in range(upto, 0, -1):
        try:
            mx.model.load_checkpoint(prefix, e)
            with open('%s-%04d.states' % (prefix, e), 'rb') as f:
                mx.optimizer.get_updater(mx.optimizer.SGD()).set_states(f.read())
            return e
        except (mx.MXNetError, OSError):
            continue
    return 0


def _fit(prefix, num_epoch, load_epoch=None, kill_after=None):
    """Run fit_worker; with ``kill_after`` (epochs, seconds) SIGKILL it at that moment."""
    args = [sys.executable, os.path.join(HERE, 'fit_worker.py'), prefix, str(num_epoch)]
    if load_epoch is not None:
        args.append(str(load_epoch))
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        if kill_after is None:
            out, _ = proc.communicate(timeout=240)
            assert proc.returncode == 0
            return out
        epochs, delay = kill_after
        seen = 0
        while seen < epochs:
            line = proc.stdout.readline()
            assert line, 'worker ended early'
            seen += line.startswith('saved')
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        return None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


EPOCHS = 4


@pytest.fixture(scope='module')
def uninterrupted(tmp_path_factory):
    """The prefix of one uninterrupted run (shared by the resume tests)."""
    prefix = str(tmp_path_factory.mktemp('whole') / 'whole')
    _fit(prefix, EPOCHS)
    return prefix


def _resume_after_kill(tmp_path, ref_prefix, seed, epochs=EPOCHS):
    rng = random.Random(seed)
    prefix = str(tmp_path / 'killed')
    _fit(prefix, epochs, kill_after=(rng.randint(1, epochs - 2), rng.uniform(0, 1.2)))
    last = _newest_complete(prefix, epochs)
    assert last >= 1
    _fit(prefix, epochs, load_epoch=last)
    want = mx.nd.load('%s-%04d.params' % (ref_prefix, epochs))
    got = mx.nd.load('%s-%04d.params' % (prefix, epochs))
    assert sorted(want) == sorted(got)
    for k in want:
        assert (want[k].asnumpy() == got[k].asnumpy()).all(), k
    count('fit jobs killed and resumed to the identical result')


@pytest.mark.slow
@pytest.mark.parametrize('seed', [3, 5])
def test_fit_killed_mid_training_resumes_to_the_same_parameters(tmp_path, uninterrupted, seed):
    _resume_after_kill(tmp_path, uninterrupted, seed=seed)


EXAMPLE = os.path.join(HERE, '..', '..', 'example', 'image-classification', 'train_mnist.py')


@pytest.mark.slow
@pytest.mark.skipif(not os.path.exists(EXAMPLE), reason='the image-classification examples')
def test_example_resumes_with_load_epoch_after_a_kill(tmp_path):
    """train_mnist.py killed after a checkpoint, resumed with --load-epoch from the newest one."""
    prefix = str(tmp_path / 'model' / 'mlp')
    base = [sys.executable, EXAMPLE, '--network', 'mlp', '--num-epochs', '4', '--download', '0',
            '--data-dir', str(tmp_path), '--model-prefix', prefix]
    cwd = os.path.dirname(EXAMPLE)
    proc = subprocess.Popen(base, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            text=True)
    try:
        saved = 0
        rng = random.Random(4)
        want = rng.randint(1, 2)
        while saved < want:
            line = proc.stderr.readline()
            assert line, 'the example ended early'
            saved += 'Saved checkpoint' in line
        time.sleep(rng.uniform(0, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    last = 0
    for e in range(4, 0, -1):
        try:
            mx.model.load_checkpoint(prefix, e)
            last = e
            break
        except mx.MXNetError:
            continue
    assert last >= want
    # the kill may come after the last epoch's checkpoint: resume to one epoch more so the
    # resumed run always trains (and validates) at least one epoch
    resume = [a if a != '4' else '5' for a in base] + ['--load-epoch', str(last)]
    out = subprocess.run(resume, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert 'Loaded model' in out.stderr
    sym, arg, aux = mx.model.load_checkpoint(prefix, 5)
    assert arg and all(np.isfinite(v.asnumpy()).all() for v in arg.values())
    acc = [float(x) for x in re.findall(r'Validation-accuracy=([\d.]+)', out.stderr)]
    assert acc and acc[-1] > 0.8, acc
    count('example train_mnist.py killed and resumed with --load-epoch')
