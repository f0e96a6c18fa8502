"""Workload 7: start-up costs -- import time and the first LeNet training batch.

    python benchmark/workloads/startup.py --framework mxlite|mxnet|torch --threads 1 [--quick]

* ``import_s``: median over ``--steps`` fresh interpreters of the time to
  ``import mxlite`` (``mxnet``, ``torch``), measured inside the interpreter.
* ``first_batch_cold_s`` / ``first_batch_warm_s``: the first LeNet Module
  forward_backward+update (``lenet.py``'s ``first_batch_s``) in a fresh
  process whose ``NUMBA_CACHE_DIR`` is a new empty temporary directory
  (cold), then again in another fresh process on the now-filled directory
  (warm).  MXNet and torch have no JIT cache: they report the warm figure only.
"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402

MODULE = {'mxlite': 'mxlite', 'mxnet': 'mxnet', 'torch': 'torch'}
IMPORT = 'import time; t = time.perf_counter(); import {m}; print(time.perf_counter() - t)'


def import_time(module, env):
    r = subprocess.run([sys.executable, '-c', IMPORT.format(m=module)], env=env, cwd=common.ROOT,
                       capture_output=True, text=True, check=True)
    return float(r.stdout.strip().splitlines()[-1])


def first_batch(framework, threads, env):
    script = os.path.join(common.HERE, 'lenet.py')
    r = subprocess.run([sys.executable, script, '--framework', framework, '--threads',
                        str(threads), '--steps', '1', '--warmup', '0'], env=env,
                       capture_output=True, text=True)
    for line in r.stdout.splitlines():
        if line.startswith('RESULT '):
            import json
            return json.loads(line[7:])['metrics']['first_batch_s']
    raise RuntimeError('lenet.py failed:\n' + r.stderr[-2000:])


def main():
    args = common.parse_args(__doc__, steps=5, warmup=0, quick_steps=1)
    env = common.thread_env(args.threads)
    metrics = {'import_s': statistics.median(import_time(MODULE[args.framework], env)
                                             for _ in range(args.steps))}
    if not args.quick:
        cache = tempfile.mkdtemp(prefix='numba_cold_')
        try:
            env['NUMBA_CACHE_DIR'] = cache
            if args.framework == 'mxlite':
                metrics['first_batch_cold_s'] = first_batch(args.framework, args.threads, env)
            metrics['first_batch_warm_s'] = first_batch(args.framework, args.threads, env)
        finally:
            shutil.rmtree(cache, ignore_errors=True)
    fw = common.import_framework(args.framework, args.threads)
    common.emit(args, fw, metrics)


if __name__ == '__main__':
    main()
