"""'dist_async': worker 0 serves the weights; every push is applied as it arrives."""
import os
import re

import pytest

from mpi_jobs import mpirun, python, requires_mpi

pytestmark = requires_mpi


def test_async_pushes_all_applied_after_barrier(tmp_path):
    job = mpirun(2, 'worker_async.py', tmp_path)
    assert job.returncode == 0, job
    assert 'worker 1 of 2: async checks passed' in job.output, job
    with open(os.path.join(tmp_path, 'states-0'), 'rb') as f0, \
            open(os.path.join(tmp_path, 'states-1'), 'rb') as f1:
        assert f0.read() == f1.read()      # worker 1 fetched the server's states


@pytest.mark.slow
def test_async_module_fit_trains(tmp_path):
    # asynchronous updates make the figures vary from run to run: only ask that it learns
    job = mpirun(2, 'worker_module.py', tmp_path, '--kv', 'dist_async', '--epochs', 3,
                 '--lr', 0.05)
    assert job.returncode == 0, job
    accuracy = [float(a) for a in re.findall(r'Epoch\[2\] Train-accuracy=([0-9.]+)', job.output)]
    assert len(accuracy) == 1 and accuracy[0] > 0.3, job     # 10 classes: chance is 0.1
    assert 'worker 1 of 2 finished' in job.output


@pytest.mark.slow
def test_async_trainer_requires_update_on_kvstore(tmp_path):
    job = python('worker_trainer.py', tmp_path, '--kv', 'dist_async', '--update-on-kvstore', 0)
    assert job.returncode != 0
    assert 'Please set update_on_kvstore=True when training in async mode.' in job.output, job
