"""The dist KVStore API across real MPI workers (init from rank 0, sums, optimizer, states)."""
import os

import pytest

import mxlite as mx
from mpi_jobs import mpirun, python, requires_mpi

pytestmark = requires_mpi

TINY_FUSION = {'MXLITE_KVSTORE_FUSION_MB': '0.5'}   # forces several buckets and a lone big key


def test_two_workers(tmp_path):
    job = mpirun(2, 'worker_kvstore.py', tmp_path, env=TINY_FUSION)
    assert job.returncode == 0, job
    assert 'worker 0 of 2: kvstore checks passed' in job.output
    assert 'worker 1 of 2: kvstore checks passed' in job.output
    with open(os.path.join(tmp_path, 'states'), 'rb') as f:
        states = mx.optimizer.Updater(mx.optimizer.SGD())
        states.set_states(f.read())
    assert sorted(map(str, states.states)) == ['p']


@pytest.mark.slow
def test_three_workers_device_sync(tmp_path):
    job = mpirun(3, 'worker_kvstore.py', tmp_path, 'dist_device_sync', env=TINY_FUSION)
    assert job.returncode == 0, job
    assert 'worker 2 of 3: kvstore checks passed' in job.output


def test_single_process_without_mpiexec(tmp_path):
    job = python('worker_kvstore.py', tmp_path)
    assert job.returncode == 0, job
    assert 'worker 0 of 1: kvstore checks passed' in job.output
    with open(os.path.join(tmp_path, 'states'), 'rb') as f:
        states = mx.optimizer.Updater(mx.optimizer.SGD())
        states.set_states(f.read())
    assert sorted(map(str, states.states)) == ['p']
