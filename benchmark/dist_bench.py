"""Distributed training on one machine: 1 vs 2 workers, and allreduce bandwidth.

    python benchmark/dist_bench.py [--repeats 3] [--models lenet mlp] [--sizes 1 16 64]

Scaling: Module forward/backward/update of LeNet and an MLP on 28x28 inputs,
batch 64 per worker, samples/sec of the whole job (median of ``--repeats``
runs), for one worker with one core, one worker with every core (Numba
threads; one BLAS thread, see tools/mpi_command.py), and every core as its
own worker with 'dist_sync' through tools/launch.py.

Bandwidth: the same bytes summed over 2 workers by a raw mpi4py
``Allreduce`` of one buffer and by the dist KVStore's ``push``+``pull``
(fusion, header check, copies into the store and back out included); for
many small arrays also one ``pushpull`` per array, i.e. without fusion.
Needs ``pip install -e '.[dist]'``.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORKER = os.path.join(HERE, 'dist_bench_worker.py')
LAUNCH = os.path.join(REPO, 'tools', 'launch.py')
sys.path.insert(0, os.path.join(REPO, 'tools'))
from mpi_command import find_mpiexec  # noqa: E402


THREAD_VARS = ('NUMBA_NUM_THREADS', 'OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS')


def run_json(cmd, env):
    """Run ``cmd`` with ``env`` (thread settings not given are dropped); its last JSON line."""
    full = {k: v for k, v in os.environ.items() if k not in THREAD_VARS}
    full['PYTHONPATH'] = REPO + os.pathsep + full.get('PYTHONPATH', '')
    full.update(env)
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full,
                         timeout=600, check=False)
    if out.returncode != 0:
        raise SystemExit('%s failed:\n%s' % (' '.join(cmd), out.stderr.decode()[-3000:]))
    lines = [l for l in out.stdout.decode().splitlines() if l.startswith('{')]
    return json.loads(lines[-1])


def train_rate(model, workers, threads, repeats):
    """Median samples/sec: one process with ``threads`` Numba threads, or ``workers``
    processes started by tools/launch.py (which splits the cores itself)."""
    args = ['train', '--model', model]
    if workers == 1:
        cmd = [sys.executable, WORKER] + args + ['--kv', 'local']
        env = {'NUMBA_NUM_THREADS': str(threads), 'OMP_NUM_THREADS': '1',
               'OPENBLAS_NUM_THREADS': '1', 'MKL_NUM_THREADS': '1'}
    else:
        cmd = [sys.executable, LAUNCH, '-n', str(workers), 'python', WORKER] + args + \
            ['--kv', 'dist_sync']
        env = {}
    return float(np.median([run_json(cmd, env)['samples_per_sec'] for _ in range(repeats)]))


def scaling(models, repeats):
    cores = os.cpu_count() or 1
    print('## Scaling: samples/sec of the whole job (batch 64 per worker, %d cores)\n' % cores)
    print('| model | 1 worker, 1 core | 1 worker, %d cores | %d workers (dist_sync) | '
          'vs 1 core | vs 1 worker |' % (cores, cores))
    print('|---|---:|---:|---:|---:|---:|')
    for model in models:
        one = train_rate(model, 1, 1, repeats)
        full = train_rate(model, 1, cores, repeats)
        dist = train_rate(model, cores, 1, repeats)
        print('| %s | %.0f | %.0f | %.0f | %.2fx | %.2fx |'
              % (model, one, full, dist, dist / one, dist / full))
        sys.stdout.flush()


def bandwidth(sizes, repeats):
    mpiexec = find_mpiexec()
    env = {'NUMBA_NUM_THREADS': '1', 'OMP_NUM_THREADS': '1', 'OPENBLAS_NUM_THREADS': '1'}
    print('\n## Allreduce over 2 workers: median ms (algorithm bandwidth GB/s)\n')
    print('| payload | raw mpi4py Allreduce | dist KVStore push+pull | KVStore / raw | '
          'one pushpull per array |')
    print('|---|---:|---:|---:|---:|')
    cases = [(mb, 1) for mb in sizes] + [(4, 200)]
    for mb, arrays in cases:
        best = None
        for _ in range(repeats):
            res = run_json([mpiexec, '-n', '2', sys.executable, WORKER, 'allreduce', '--mb',
                            str(mb), '--arrays', str(arrays)], env)
            if best is None or res['kvstore_fused'] < best['kvstore_fused']:
                best = res
        nbytes = mb * (1 << 20)

        def cell(seconds):
            return '%.2f (%.2f)' % (seconds * 1e3, nbytes / seconds / 1e9)
        per_key = cell(best['kvstore_per_key']) if 'kvstore_per_key' in best else '-'
        label = '%g MB, %d array%s' % (mb, arrays, 's' if arrays > 1 else '')
        print('| %s | %s | %s | %.2fx | %s |'
              % (label, cell(best['raw_mpi4py']), cell(best['kvstore_fused']),
                 best['kvstore_fused'] / best['raw_mpi4py'], per_key))
        sys.stdout.flush()


def main():
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--repeats', type=int, default=3)
    p.add_argument('--models', nargs='*', default=['lenet', 'mlp'])
    p.add_argument('--sizes', nargs='*', type=float, default=[1, 16, 64])
    args = p.parse_args()
    scaling(args.models, args.repeats)
    bandwidth(args.sizes, args.repeats)


if __name__ == '__main__':
    main()
