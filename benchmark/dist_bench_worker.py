"""The measuring side of benchmark/dist_bench.py (run under mpiexec by it).

    dist_bench_worker.py train --model lenet --batch 64 --steps 60 --kv dist_sync
    dist_bench_worker.py allreduce --mb 16 --arrays 1 --repeats 20

``train``: Module forward/backward/update on random 28x28 digits-shaped data
after a warm-up; rank 0 prints one JSON line with the job's total samples/sec.
``allreduce``: the same bytes summed over the workers three ways -- a raw
mpi4py ``Allreduce`` of one buffer, mxlite's dist KVStore ``push``+``pull``
of ``--arrays`` arrays (fused), and one ``pushpull`` per array (unfused);
rank 0 prints the median seconds of each as JSON.
"""
import argparse
import json
import os
import sys
import time

import numpy as np

import mxlite as mx

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), 'workloads'))
from lenet import lenet_symbol  # noqa: E402  (the same nets as workloads 1 and 2)
from mlp import mlp_symbol  # noqa: E402


def train(args):
    kv = mx.kv.create(args.kv)
    rng = np.random.RandomState(kv.rank)
    x = rng.rand(args.batch * 8, 1, 28, 28).astype(np.float32)
    y = rng.randint(0, 10, args.batch * 8).astype(np.float32)
    it = mx.io.NDArrayIter(x, y, args.batch)
    mod = mx.mod.Module({'lenet': lenet_symbol, 'mlp': mlp_symbol}[args.model](mx))
    mod.bind(it.provide_data, it.provide_label)
    mod.init_params(mx.init.Xavier())
    mod.init_optimizer(kvstore=kv, optimizer='sgd',
                       optimizer_params={'learning_rate': 0.01, 'momentum': 0.9})
    batches = list(it)

    def run(steps):
        for i in range(steps):
            mod.forward_backward(batches[i % len(batches)])
            mod.update()
        kv.barrier()

    if args.steps is None:
        args.steps = {'lenet': 60, 'mlp': 1500}[args.model]
    run(args.warmup)
    start = time.perf_counter()
    run(args.steps)
    seconds = time.perf_counter() - start
    if kv.rank == 0:
        print(json.dumps({'workers': kv.num_workers, 'model': args.model, 'batch': args.batch,
                          'samples_per_sec': kv.num_workers * args.batch * args.steps / seconds}))


def allreduce(args):
    from mpi4py import MPI
    kv = mx.kv.create('dist_sync')
    comm = MPI.COMM_WORLD
    total = int(args.mb * (1 << 20)) // 4
    sizes = np.full(args.arrays, total // args.arrays)
    sizes[0] += total - sizes.sum()
    keys = list(range(args.arrays))
    grads = [mx.nd.ones(int(s)) for s in sizes]
    outs = [mx.nd.zeros(int(s)) for s in sizes]
    kv.init(keys, grads)
    raw = np.ones(total, dtype=np.float32)

    def timed(fn):
        fn()
        times = []
        for _ in range(args.repeats):
            comm.Barrier()
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return float(np.median(times))

    result = {
        'mb': args.mb, 'arrays': args.arrays, 'workers': comm.Get_size(),
        'raw_mpi4py': timed(lambda: comm.Allreduce(MPI.IN_PLACE, raw, op=MPI.SUM)),
        'kvstore_fused': timed(lambda: (kv.push(keys, grads), kv.pull(keys, out=outs))),
    }
    if args.arrays > 1:
        def per_key():
            for k, g, o in zip(keys, grads, outs):
                kv.pushpull(k, g, out=o)
        result['kvstore_per_key'] = timed(per_key)
    if comm.Get_rank() == 0:
        print(json.dumps(result))


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest='what', required=True)
    t = sub.add_parser('train')
    t.add_argument('--model', default='lenet', choices=['lenet', 'mlp'])
    t.add_argument('--batch', type=int, default=64)
    t.add_argument('--steps', type=int, default=None,
                   help='timed steps (default: 60 for lenet, 1500 for mlp, a few seconds each)')
    t.add_argument('--warmup', type=int, default=10)
    t.add_argument('--kv', default='dist_sync')
    a = sub.add_parser('allreduce')
    a.add_argument('--mb', type=float, default=16)
    a.add_argument('--arrays', type=int, default=1)
    a.add_argument('--repeats', type=int, default=20)
    args = p.parse_args()
    (train if args.what == 'train' else allreduce)(args)


if __name__ == '__main__':
    main()
