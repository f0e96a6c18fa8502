"""This machine's float32 GEMM rate: numpy ``matmul`` of 4096x4096 float32 matrices.

    python benchmark/gemm_rate.py --threads 1 [--n 4096] [--repeats 5] [--quick]

Prints one line ``RESULT {json}`` with ``gflops`` (best and median of the
timed products, 2*n^3 FLOPs each) and the BLAS kernel threadpoolctl sees.
run.py divides operator GFLOP/s by this rate (measured per thread count) to
show the distance to the physical limit.  Set the threads before numpy loads.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'workloads'))
import common  # noqa: E402


def main():
    args = common.parse_args(__doc__, steps=5, warmup=1, quick_steps=1,
                             extra=lambda ap: ap.add_argument('--n', type=int, default=4096))
    if args.quick:
        args.n = 512
    import numpy as np
    rs = np.random.RandomState(0)
    a = rs.uniform(-1, 1, (args.n, args.n)).astype(np.float32)
    b = rs.uniform(-1, 1, (args.n, args.n)).astype(np.float32)
    c = np.empty_like(a)
    for _ in range(args.warmup):
        np.matmul(a, b, out=c)
    times = []
    for _ in range(args.steps):
        t = time.perf_counter()
        np.matmul(a, b, out=c)
        times.append(time.perf_counter() - t)
    flops = 2.0 * args.n ** 3
    print('RESULT ' + json.dumps({
        'framework': 'numpy', 'threads': args.threads, 'version': np.__version__, 'n': args.n,
        'metrics': {'gflops': flops / float(np.median(times)) / 1e9,
                    'gflops_best': flops / min(times) / 1e9},
        'blas': common.blas_info()}))


if __name__ == '__main__':
    main()
