"""Shared plumbing for the benchmark workloads: arguments, threads, framework import, timing.

Every workload script is run as ``python <workload>.py --framework
mxlite|mxnet|torch --threads N [--steps S] [--quick]`` and prints exactly one
line ``RESULT {json}`` (metrics, framework version, BLAS kernels seen by
threadpoolctl).  Thread variables are set here *before* numpy or a
framework is imported, so a workload must call :func:`parse_args` first.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
THREAD_VARS = ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS',
               'NUMBA_NUM_THREADS', 'MXNET_CPU_WORKER_NTHREADS')
# dropped from benchmark subprocesses only (never in tests/CI): let OpenBLAS pick its kernel
ENV_DROP = ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE')


def thread_env(threads, base=None):
    """A copy of ``base`` (default os.environ) for a benchmark subprocess with ``threads``."""
    env = {k: v for k, v in (os.environ if base is None else base).items() if k not in ENV_DROP}
    for k in THREAD_VARS:
        env[k] = str(threads)
    env['PYTHONPATH'] = ROOT + (os.pathsep + env['PYTHONPATH'] if env.get('PYTHONPATH') else '')
    return env


def parse_args(description, steps, warmup=3, quick_steps=2, extra=None):
    """Parse the common flags, pin the thread count in os.environ, return the namespace."""
    ap = argparse.ArgumentParser(description=description)
    ap.add_argument('--framework', choices=('mxlite', 'mxnet', 'torch'), default='mxlite')
    ap.add_argument('--threads', type=int, default=1)
    ap.add_argument('--steps', type=int, default=steps, help='timed steps')
    ap.add_argument('--warmup', type=int, default=warmup, help='untimed steps first')
    ap.add_argument('--quick', action='store_true', help='smoke mode: a couple of tiny steps')
    if extra:
        extra(ap)
    args = ap.parse_args()
    if args.quick:
        args.steps, args.warmup = quick_steps, 1
    for k in THREAD_VARS:
        os.environ[k] = str(args.threads)
    return args


def import_framework(name, threads):
    """``import mxlite as mx`` / ``import mxnet as mx`` / ``import torch``, threads pinned."""
    if name == 'torch':
        import torch
        torch.set_num_threads(threads)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:
            pass
        return torch
    if name == 'mxnet':
        import mxnet as mx
        return mx
    if ROOT not in sys.path:
        sys.path.insert(0, ROOT)
    import mxlite as mx
    return mx


def blas_info():
    """What threadpoolctl sees loaded: internal_api, version, architecture, threads."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return ['threadpoolctl not installed']
    return ['%s %s %s (%s, %s threads)' % (p.get('user_api'), p.get('internal_api'),
                                           p.get('version'), p.get('architecture'),
                                           p.get('num_threads'))
            for p in threadpool_info()]


def time_steps(step, sync, steps, warmup):
    """Run ``warmup`` untimed then ``steps`` timed calls of ``step``; seconds for the timed ones."""
    for _ in range(warmup):
        step()
    sync()
    t = time.perf_counter()
    for _ in range(steps):
        step()
    sync()
    return time.perf_counter() - t


def emit(args, fw_module, metrics, **extra):
    """Print the one ``RESULT {json}`` line of a workload."""
    out = {'framework': args.framework, 'threads': args.threads, 'steps': args.steps,
           'version': getattr(fw_module, '__version__', '?'), 'metrics': metrics,
           'blas': blas_info()}
    out.update(extra)
    print('RESULT ' + json.dumps(out), flush=True)
