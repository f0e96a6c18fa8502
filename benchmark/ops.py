"""Operator speed: mxlite vs MXNet 1.9.1 vs PyTorch, side by side.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python benchmark/ops.py [--rounds 5]

Each framework runs in its own interpreter (a subprocess): mxlite in this
one's, MXNet in ``$MXNET_PYTHON`` (default /tmp/mxref/bin/python), PyTorch in
``$TORCH_PYTHON`` (default /tmp/torchref/bin/python); a framework whose
interpreter is missing or cannot import it is skipped.  Rounds are
interleaved (mxlite, MXNet, PyTorch, mxlite, ...) so a noisy machine slows
all three alike; each round reports, per case, the median of several timed
calls after warm-up, and the table shows the median over rounds.  Every
framework gets the same thread count (``--threads``, default: all cores) for
its BLAS, OpenMP and Numba pools.  The workers drop OPENBLAS_CORETYPE and
OPENBLAS_L2_SIZE from their environment so OpenBLAS picks its own kernels.

Only the standard library and numpy are imported at the top: the same file
is the worker in every interpreter (``--worker <framework>``).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

CONV = 'Convolution'

# name, op, input shapes (data first), params, FLOPs of one forward (None: not a GEMM-like op);
# fwd+bwd counts 3x the forward FLOPs (data, weight and bias gradients are all computed).
# benchmark/run.py drives this file's worker (--worker) for workload 4.
CASES = [
    ('conv 3x3 64->64 @56', CONV, [(32, 64, 56, 56), (64, 64, 3, 3), (64,)],
     {'kernel': (3, 3), 'pad': (1, 1), 'num_filter': 64}, 2.0 * 32 * 64 * 64 * 9 * 56 * 56),
    ('conv 7x7 3->64 s2 @224', CONV, [(64, 3, 224, 224), (64, 3, 7, 7), (64,)],
     {'kernel': (7, 7), 'stride': (2, 2), 'pad': (3, 3), 'num_filter': 64},
     2.0 * 64 * 64 * 3 * 49 * 112 * 112),
    ('lenet conv1 5x5 1->20', CONV, [(64, 1, 28, 28), (20, 1, 5, 5), (20,)],
     {'kernel': (5, 5), 'num_filter': 20}, 2.0 * 64 * 20 * 1 * 25 * 24 * 24),
    ('lenet conv2 5x5 20->50', CONV, [(64, 20, 12, 12), (50, 20, 5, 5), (50,)],
     {'kernel': (5, 5), 'num_filter': 50}, 2.0 * 64 * 50 * 20 * 25 * 8 * 8),
    ('lenet pool1 max 2x2', 'Pooling', [(64, 20, 24, 24)],
     {'kernel': (2, 2), 'stride': (2, 2), 'pool_type': 'max'}, None),
    ('lenet fc1 800->500', 'FullyConnected', [(64, 800), (500, 800), (500,)],
     {'num_hidden': 500}, 2.0 * 64 * 800 * 500),
    ('lenet fc2 500->10', 'FullyConnected', [(64, 500), (10, 500), (10,)],
     {'num_hidden': 10}, 2.0 * 64 * 500 * 10),
    ('fc 1024->1024', 'FullyConnected', [(256, 1024), (1024, 1024), (1024,)],
     {'num_hidden': 1024}, 2.0 * 256 * 1024 * 1024),
    ('pool max 2x2 s2', 'Pooling', [(32, 64, 56, 56)],
     {'kernel': (2, 2), 'stride': (2, 2), 'pool_type': 'max'}, None),
    ('pool avg 3x3 s2 p1', 'Pooling', [(32, 64, 56, 56)],
     {'kernel': (3, 3), 'stride': (2, 2), 'pad': (1, 1), 'pool_type': 'avg'}, None),
    ('pool global avg', 'Pooling', [(32, 512, 7, 7)],
     {'global_pool': True, 'kernel': (1, 1), 'pool_type': 'avg'}, None),
    ('batchnorm train', 'BatchNorm', [(32, 64, 56, 56), (64,), (64,), (64,), (64,)],
     {'fix_gamma': False}, None),
    ('relu', 'Activation', [(32, 64, 56, 56)], {'act_type': 'relu'}, None),
    ('tanh', 'Activation', [(64, 500)], {'act_type': 'tanh'}, None),
    ('sigmoid', 'Activation', [(256, 1024)], {'act_type': 'sigmoid'}, None),
    ('softmax', 'softmax', [(128, 1000)], {'axis': -1}, None),
    ('softmax lenet', 'softmax', [(64, 10)], {'axis': -1}, None),
]
MODES = ('fwd', 'fwd+bwd')
ENV_DROP = ('OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE')


# -- workers ------------------------------------------------------------------
def _arrays(shapes, op):
    rs = np.random.RandomState(0)
    arrs = [rs.uniform(-1, 1, s).astype(np.float32) for s in shapes]
    if op == 'BatchNorm':
        arrs[4] = np.abs(arrs[4]) + 0.5     # moving_var > 0
    return arrs


def _timeit(fn, min_time, max_reps):
    fn()
    fn()
    times = []
    start = time.perf_counter()
    while len(times) < 3 or (time.perf_counter() - start < min_time and len(times) < max_reps):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times))


def _mx_runner(mx, op, shapes, params, mode, sync):
    arrs = [mx.nd.array(a) for a in _arrays(shapes, op)]
    fn = getattr(mx.nd, op)
    n_args = 3 if op == 'BatchNorm' else len(arrs)
    if mode == 'fwd':
        if op == 'BatchNorm':
            def run():
                with mx.autograd.train_mode():
                    sync(fn(*arrs, **params))
        else:
            def run():
                sync(fn(*arrs, **params))
        return run
    for a in arrs[:n_args]:
        a.attach_grad()
    probe = fn(*arrs, **params)
    head = mx.nd.array(np.random.RandomState(1).uniform(-1, 1, probe.shape).astype(np.float32))

    def run():
        with mx.autograd.record():
            y = fn(*arrs, **params)
        y.backward(head)
        for a in arrs[:n_args]:
            sync(a.grad)
    return run


def _torch_runner(torch, op, shapes, params, mode):
    F = torch.nn.functional
    arrs = [torch.from_numpy(a) for a in _arrays(shapes, op)]
    if op == 'Convolution':
        def f(x, w, b):
            return F.conv2d(x, w, b, stride=params.get('stride', 1), padding=params.get('pad', 0))
        n_args = 3
    elif op == 'FullyConnected':
        f, n_args = F.linear, 3
    elif op == 'Pooling':
        n_args = 1
        if params.get('global_pool'):
            def f(x):
                return F.adaptive_avg_pool2d(x, 1)
        elif params['pool_type'] == 'max':
            def f(x):
                return F.max_pool2d(x, params['kernel'], params['stride'], params.get('pad', 0))
        else:
            def f(x):
                return F.avg_pool2d(x, params['kernel'], params['stride'], params.get('pad', 0),
                                    count_include_pad=True)
    elif op == 'BatchNorm':
        def f(x, g, b):
            return F.batch_norm(x, arrs[3], arrs[4], g, b, training=True, momentum=0.1, eps=1e-3)
        n_args = 3
    elif op == 'Activation':
        f = {'relu': torch.relu, 'tanh': torch.tanh, 'sigmoid': torch.sigmoid}[params['act_type']]
        n_args = 1
    elif op == 'softmax':
        def f(x):
            return torch.softmax(x, dim=-1)
        n_args = 1
    else:
        raise ValueError(op)
    args = arrs[:n_args]
    if mode == 'fwd':
        def run():
            with torch.no_grad():
                f(*args)
        return run
    for a in args:
        a.requires_grad_(True)
    head = torch.from_numpy(np.random.RandomState(1).uniform(
        -1, 1, tuple(f(*args).shape)).astype(np.float32))

    def run():
        for a in args:
            a.grad = None
        f(*args).backward(head)
    return run


def _selected(cases):
    if not cases:
        return CASES
    keys = cases.split(',')
    return [c for c in CASES if any(k in c[0] for k in keys)]


def worker(framework, min_time, max_reps, cases=''):
    """Time every case in this interpreter; print one JSON line."""
    info = {'framework': framework, 'times': {}}
    if framework == 'torch':
        import torch
        torch.set_num_threads(int(os.environ.get('OMP_NUM_THREADS', os.cpu_count())))
        info['version'] = torch.__version__
        make = lambda op, shapes, params, mode: _torch_runner(torch, op, shapes, params, mode)
    else:
        if framework == 'mxnet':
            import mxnet as mx
        else:
            sys.path.insert(0, ROOT)
            import mxlite as mx
        info['version'] = mx.__version__

        def sync(a):
            a.wait_to_read()
        make = lambda op, shapes, params, mode: _mx_runner(mx, op, shapes, params, mode, sync)
    for name, op, shapes, params, flops in _selected(cases):
        for mode in MODES:
            info['times']['%s|%s' % (name, mode)] = _timeit(make(op, shapes, params, mode),
                                                            min_time, max_reps)
    try:
        from threadpoolctl import threadpool_info
        info['blas'] = ['%s %s (%s, %s threads)' % (p.get('internal_api'), p.get('version'),
                                                    p.get('architecture'), p.get('num_threads'))
                        for p in threadpool_info()]
    except ImportError:
        info['blas'] = ['threadpoolctl not installed']
    print('RESULT ' + json.dumps(info))


# -- driver -------------------------------------------------------------------
def _interpreters():
    return {'mxlite': sys.executable,
            'mxnet': os.environ.get('MXNET_PYTHON', '/tmp/mxref/bin/python'),
            'torch': os.environ.get('TORCH_PYTHON', '/tmp/torchref/bin/python')}


def _env(threads):
    env = {k: v for k, v in os.environ.items() if k not in ENV_DROP}
    for k in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'NUMBA_NUM_THREADS'):
        env[k] = str(threads)
    env['PYTHONPATH'] = ROOT + os.pathsep + env.get('PYTHONPATH', '')
    env.setdefault('MXNET_ENGINE_TYPE', 'ThreadedEnginePerDevice')
    return env


def _available(name, python, env):
    module = {'mxlite': 'mxlite', 'mxnet': 'mxnet', 'torch': 'torch'}[name]
    if not os.path.exists(python):
        return False
    r = subprocess.run([python, '-c', 'import %s' % module], env=env, capture_output=True)
    return r.returncode == 0


def _cpu_idle_fraction(seconds=1.0):
    """Fraction of CPU time idle over ``seconds`` (Linux /proc/stat), or None."""
    def read():
        with open('/proc/stat') as f:
            vals = [int(v) for v in f.readline().split()[1:]]
        return vals[3] + vals[4], sum(vals)
    try:
        i0, t0 = read()
        time.sleep(seconds)
        i1, t1 = read()
    except (OSError, ValueError, IndexError):
        return None
    return (i1 - i0) / max(1, t1 - t0)


def _wait_idle(limit):
    """On a shared machine: wait (up to ``limit`` s) for two idle seconds in a row."""
    deadline = time.time() + limit
    calm = 0
    while time.time() < deadline:
        idle = _cpu_idle_fraction()
        if idle is None:
            return
        calm = calm + 1 if idle > 0.9 else 0
        if calm >= 2:
            return


def _run_worker(python, name, env, args):
    if args.wait_idle:
        _wait_idle(args.wait_idle)
    cmd = [python, os.path.abspath(__file__), '--worker', name, '--min-time', str(args.min_time),
           '--max-reps', str(args.max_reps), '--cases', args.cases]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    for line in r.stdout.splitlines():
        if line.startswith('RESULT '):
            return json.loads(line[7:])
    raise RuntimeError('%s worker failed:\n%s' % (name, r.stderr[-3000:]))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--rounds', type=int, default=5, help='interleaved rounds (default 5)')
    ap.add_argument('--threads', type=int, default=os.cpu_count(), help='threads for every framework')
    ap.add_argument('--min-time', type=float, default=0.3, help='seconds of timed calls per case')
    ap.add_argument('--max-reps', type=int, default=30)
    ap.add_argument('--only', default='', help='comma-separated frameworks (mxlite,mxnet,torch)')
    ap.add_argument('--cases', default='', help='comma-separated substrings of case names to run')
    ap.add_argument('--wait-idle', type=float, default=0,
                    help='before each worker, wait up to this many seconds for an idle CPU '
                         '(for shared machines)')
    ap.add_argument('--worker', help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.min_time, args.max_reps, args.cases)
        return
    env = _env(args.threads)
    wanted = [f for f in ('mxlite', 'mxnet', 'torch') if not args.only or f in args.only.split(',')]
    pythons = _interpreters()
    frameworks = []
    for f in wanted:
        if _available(f, pythons[f], env):
            frameworks.append(f)
        else:
            print('skipping %s: cannot import it with %s' % (f, pythons[f]))
    rounds = {f: [] for f in frameworks}
    meta = {}
    for r in range(args.rounds):
        for f in frameworks:
            res = _run_worker(pythons[f], f, env, args)
            rounds[f].append(res['times'])
            meta[f] = res
        print('round %d/%d done' % (r + 1, args.rounds), file=sys.stderr)
    print('threads: %d; rounds: %d (median of per-round medians)' % (args.threads, args.rounds))
    for f in frameworks:
        print('%-7s %-8s BLAS: %s' % (f, meta[f]['version'], '; '.join(meta[f]['blas'])))
    med = {f: {k: float(np.median([t[k] for t in rounds[f]])) for k in rounds[f][0]} for f in frameworks}
    cols = ['mxlite ms', 'MXNet ms', 'PyTorch ms', 'vs MXNet', 'vs PyTorch', 'GFLOP/s']
    print('| case | pass | ' + ' | '.join(cols) + ' |')
    print('|' + ' --- |' * (len(cols) + 2))
    for name, op, shapes, params, flops in _selected(args.cases):
        for mode in MODES:
            key = '%s|%s' % (name, mode)
            t = {f: med[f][key] * 1e3 for f in frameworks}
            cell = lambda f: '%.3f' % t[f] if f in t else '-'
            ratio = lambda f: '%.2fx' % (t['mxlite'] / t[f]) if f in t and 'mxlite' in t else '-'
            gf = '-'
            if flops and 'mxlite' in t:
                gf = '%.1f' % (flops * (1 if mode == 'fwd' else 3) / (t['mxlite'] * 1e-3) / 1e9)
            print('| %s | %s | %s | %s | %s | %s | %s | %s |' % (
                name, mode, cell('mxlite'), cell('mxnet'), cell('torch'), ratio('mxnet'),
                ratio('torch'), gf))


if __name__ == '__main__':
    main()
