"""Paths and a runner for the example scripts (imported by the tests in this folder)."""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
IMAGE_CLS = os.path.join(REPO, 'example', 'image-classification')
GLUON = os.path.join(REPO, 'example', 'gluon')
RNN_BUCKETING = os.path.join(REPO, 'example', 'rnn', 'bucketing')
TOOLS = os.path.join(REPO, 'tools')

if IMAGE_CLS not in sys.path:
    sys.path.insert(0, IMAGE_CLS)


# Runs a script as __main__ after seeding Python's, numpy's and mxlite's generators: for
# scripts (as MXNet's examples) that shuffle with unseeded global generators.
_SEEDED = ('import random, runpy, sys, numpy; import mxlite; random.seed({0}); '
           'numpy.random.seed({0}); mxlite.random.seed({0}); sys.argv = sys.argv[1:]; '
           'runpy.run_path(sys.argv[0], run_name="__main__")')


def run_script(path, args, cwd=None, timeout=600, extra_path=(), seed=None):
    """Run ``python path args...`` with mxlite importable; returns the CompletedProcess.
    ``seed``: seed the global random generators first (a deterministic run)."""
    env = dict(os.environ)
    env['PYTHONPATH'] = os.pathsep.join([REPO] + list(extra_path) +
                                        [p for p in [env.get('PYTHONPATH')] if p])
    head = [sys.executable] if seed is None else [sys.executable, '-c', _SEEDED.format(seed)]
    return subprocess.run(head + [path] + [str(a) for a in args], cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          timeout=timeout)


def script(name):
    """The path of an image-classification script by file name."""
    return os.path.join(IMAGE_CLS, name)


def final_metric(log, name):
    """The last ``Epoch[n] <name>=value`` in a training log, as a float."""
    values = [float(line.rsplit('=', 1)[1]) for line in log.splitlines()
              if ('] %s=' % name) in line]
    assert values, 'no %s in the log:\n%s' % (name, log[-3000:])
    return values[-1]
