"""2 MPI workers train like 1 worker with the doubled batch; parameters identical on every rank."""
import os

import numpy as np
import pytest

from mpi_jobs import mpirun, python, requires_mpi

pytestmark = requires_mpi


def load(path):
    with np.load(path) as f:
        return {k: f[k] for k in f.files}


def compare(ref_dir, dist_dir, rtol, atol):
    ref = load(os.path.join(ref_dir, 'params-0.npz'))
    rank0 = load(os.path.join(dist_dir, 'params-0.npz'))
    rank1 = load(os.path.join(dist_dir, 'params-1.npz'))
    assert sorted(ref) == sorted(rank0) == sorted(rank1)
    for name in ref:
        assert np.array_equal(rank0[name], rank1[name]), '%s differs between ranks' % name
        np.testing.assert_allclose(rank0[name], ref[name], rtol=rtol, atol=atol, err_msg=name)


def train_both(tmp_path, script, *args, batch=16, extra_dist_args=(), env=None):
    ref, dist = tmp_path / 'one', tmp_path / 'two'
    ref.mkdir()
    dist.mkdir()
    one = python(script, ref, '--kv', 'local', '--batch', 2 * batch, *args)
    assert one.returncode == 0, one
    two = mpirun(2, script, dist, '--kv', 'dist_sync', '--batch', batch, *args, *extra_dist_args,
                 env=env)
    assert two.returncode == 0, two
    return str(ref), str(dist), two


def test_module_fit_two_workers_equal_one_worker_with_double_batch(tmp_path):
    ref, dist, two = train_both(tmp_path, 'worker_module.py')
    compare(ref, dist, rtol=1e-5, atol=1e-6)
    # only rank 0 logs and writes checkpoints (rank 1 was given the prefix ckpt-1)
    assert two.output.count('Epoch[1] Train-accuracy') == 1, two
    assert two.output.count('Speed: ') == 2, two
    assert 'worker 0 of 2 finished' in two.output and 'worker 1 of 2 finished' in two.output
    assert sorted(f for f in os.listdir(dist) if f.startswith('ckpt')) == \
        ['ckpt-0001.params', 'ckpt-0002.params', 'ckpt-symbol.json']


def test_trainer_two_workers_equal_one_worker_with_double_batch(tmp_path):
    ref, dist, two = train_both(tmp_path, 'worker_trainer.py')
    compare(ref, dist, rtol=1e-5, atol=1e-6)
    assert 'update_on_kvstore=True' in two.output   # MXNet's default for a dist store
    with open(os.path.join(dist, 'states-0'), 'rb') as f0, \
            open(os.path.join(dist, 'states-1'), 'rb') as f1:
        assert f0.read() == f1.read()               # optimizer states identical too


@pytest.mark.slow
def test_trainer_without_update_on_kvstore_and_different_seeds(tmp_path):
    # each worker initialises differently; the first step broadcasts rank 0's values
    ref, dist, two = train_both(tmp_path, 'worker_trainer.py',
                                extra_dist_args=('--update-on-kvstore', 0, '--seed-per-rank', 1))
    rank0 = load(os.path.join(dist, 'params-0.npz'))
    rank1 = load(os.path.join(dist, 'params-1.npz'))
    for name in rank0:
        assert np.array_equal(rank0[name], rank1[name]), name
    assert 'update_on_kvstore=False' in two.output


@pytest.mark.slow
def test_feedforward_fit_two_workers_adam(tmp_path):
    ref, dist, _ = train_both(tmp_path, 'worker_module.py', '--api', 'feedforward',
                              '--optimizer', 'adam')
    compare(ref, dist, rtol=1e-4, atol=1e-4)


@pytest.mark.slow
def test_module_fit_updating_on_the_workers(tmp_path):
    # MXNET_UPDATE_ON_KVSTORE=0: the store only sums gradients, each worker's updater applies
    # them; workers initialised differently still start from rank 0's values
    ref, dist, _ = train_both(tmp_path, 'worker_module.py', env={'MXNET_UPDATE_ON_KVSTORE': '0'},
                              extra_dist_args=('--seed-per-rank', 1))
    compare(ref, dist, rtol=1e-5, atol=1e-6)
