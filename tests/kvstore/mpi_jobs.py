"""Running worker scripts under mpiexec for the distributed KVStore tests.

The tests start real MPI jobs (2 workers over loopback) as subprocesses with
timeouts; they are skipped when mpi4py or mpiexec is not installed
(``pip install -e '.[dist]'`` installs both).
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))


def find_mpiexec():
    here = os.path.dirname(os.path.abspath(sys.executable))
    return shutil.which('mpiexec', path=here) or shutil.which('mpiexec')


def mpi_available():
    return find_mpiexec() is not None and importlib.util.find_spec('mpi4py') is not None


requires_mpi = pytest.mark.skipif(not mpi_available(),
                                  reason="needs mpi4py and mpiexec: pip install -e '.[dist]'")


class Run:
    """What a finished MPI job left: exit status, output, wall time."""

    def __init__(self, returncode, output, seconds):
        self.returncode, self.output, self.seconds = returncode, output, seconds

    def __repr__(self):
        return 'Run(rc=%s, %.1fs)\n%s' % (self.returncode, self.seconds, self.output[-4000:])


def worker_env(extra=None):
    env = dict(os.environ)
    env['PYTHONPATH'] = REPO + os.pathsep + env.get('PYTHONPATH', '')
    env['PYTHONUNBUFFERED'] = '1'
    for name in ('OMP_NUM_THREADS', 'NUMBA_NUM_THREADS', 'OPENBLAS_NUM_THREADS'):
        env.setdefault(name, '1')
    env.update(extra or {})
    return env


def run(cmd, timeout=120, env=None):
    """Run ``cmd`` (stdout and stderr together); kill its process group on timeout."""
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=worker_env(env), cwd=REPO, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)
        out, _ = proc.communicate()
        raise AssertionError('%s did not finish within %d s (hung?); output:\n%s'
                             % (' '.join(cmd), timeout, out.decode('utf-8', 'replace')[-4000:]))
    return Run(proc.returncode, out.decode('utf-8', 'replace'), time.monotonic() - start)


def mpirun(n, script, *args, timeout=120, env=None):
    """``mpiexec -n n python tests/kvstore/<script> args...``."""
    cmd = [find_mpiexec(), '-n', str(n), sys.executable, os.path.join(HERE, script)]
    return run(cmd + [str(a) for a in args], timeout=timeout, env=env)


def python(script, *args, timeout=120, env=None):
    """``python tests/kvstore/<script> args...`` without MPI."""
    return run([sys.executable, os.path.join(HERE, script)] + [str(a) for a in args],
               timeout=timeout, env=env)
