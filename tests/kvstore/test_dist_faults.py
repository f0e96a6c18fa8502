"""A failing worker never leaves the others hanging: the job ends, in bounded time, with a clear error."""
import os
import sys

import pytest

from mpi_jobs import REPO, requires_mpi, run

pytestmark = requires_mpi

LAUNCH = os.path.join(REPO, 'tools', 'launch.py')
WORKER = os.path.join(REPO, 'tests', 'kvstore', 'worker_faults.py')


def launch(mode, timeout=60, env=None):
    return run([sys.executable, LAUNCH, '-n', '2', 'python', WORKER, mode], timeout=timeout,
               env=env)


def test_killed_worker_stops_the_job():
    job = launch('kill')
    assert job.returncode != 0, job
    assert job.seconds < 30, job
    assert 'worker 0 finished' not in job.output, job
    assert 'Killed (signal 9)' in job.output, job        # mpiexec names the dead worker's signal
    assert 'launch.py: the job of 2 workers failed' in job.output, job


def test_uncaught_exception_aborts_the_others():
    job = launch('raise')
    assert job.returncode != 0 and job.seconds < 30, job
    assert 'ValueError: worker 1 failed on purpose' in job.output, job
    assert 'mxlite worker 1 of 2: stopped by an uncaught ValueError; aborting the other workers' \
        in job.output, job
    assert 'worker 0 finished' not in job.output, job


def test_stuck_worker_times_out():
    job = launch('stop', env={'MXLITE_KVSTORE_TIMEOUT': '3'})
    assert job.returncode != 0 and job.seconds < 30, job
    assert 'mxlite worker 0 of 2: timed out after 3 s waiting for the other workers in push' \
        in job.output, job


@pytest.mark.slow
def test_worker_leaving_early_is_reported():
    job = launch('exit')
    assert job.returncode != 0 and job.seconds < 30, job
    assert 'the workers diverged' in job.output, job
    assert 'worker 1: exit: has finished its script' in job.output, job


@pytest.mark.slow
def test_unequal_batch_counts_are_reported():
    job = launch('extra')
    assert job.returncode != 0 and job.seconds < 30, job
    assert 'the workers diverged' in job.output, job
    assert 'worker 0: exit: has finished its script' in job.output, job
    assert 'worker 1: push: fc1_weight:32x784:<f4' in job.output, job
