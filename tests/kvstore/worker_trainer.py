"""A worker of the distributed-training tests: gluon.Trainer with a dist kvstore.

    worker_trainer.py OUT --kv dist_sync --batch 16 [--update-on-kvstore 0|1]

A two-layer perceptron written with Parameters and autograd on the digits,
sharded like worker_module.py.  As with MXNet's dist kvstore, gradients are
summed over workers, so ``step`` is given the global batch size
(``batch * num_workers``).  Writes ``OUT/params-<rank>.npz`` and the trainer
states ``OUT/states-<rank>``.
"""
import argparse
import os

import numpy as np

import mxlite as mx
from mxlite import autograd, gluon
from mxlite.test_utils import get_digits
from worker_module import shard


def main():
    p = argparse.ArgumentParser()
    p.add_argument('out')
    p.add_argument('--kv', default='dist_sync')
    p.add_argument('--batch', type=int, default=16)
    p.add_argument('--steps', type=int, default=12)
    p.add_argument('--update-on-kvstore', type=int, default=-1)
    p.add_argument('--seed-per-rank', type=int, default=0)
    args = p.parse_args()

    kv = mx.kv.create(args.kv) if args.kv.startswith('dist') else args.kv
    rank = kv.rank if not isinstance(kv, str) else 0
    n = kv.num_workers if not isinstance(kv, str) else 1
    d = get_digits()
    total = args.steps * n * args.batch
    x = shard(d['train_data'][:total].reshape(total, -1), rank, n, args.batch)
    y = shard(d['train_label'][:total], rank, n, args.batch)

    mx.random.seed(3 + rank * args.seed_per_rank)   # the kvstore broadcasts rank 0's values
    w1 = gluon.Parameter('w1', shape=(32, 784))
    b1 = gluon.Parameter('b1', shape=(32,), init=mx.init.Zero())
    w2 = gluon.Parameter('w2', shape=(10, 32))
    b2 = gluon.Parameter('b2', shape=(10,), init=mx.init.Zero())
    params = [w1, b1, w2, b2]
    for prm in params:
        prm.initialize(mx.init.Xavier() if prm.name.startswith('w') else None)
    uok = None if args.update_on_kvstore < 0 else bool(args.update_on_kvstore)
    trainer = gluon.Trainer(params, 'sgd', {'learning_rate': 0.1, 'momentum': 0.9},
                            kvstore=kv, update_on_kvstore=uok)
    for step in range(args.steps):
        xb = mx.nd.array(x[step * args.batch:(step + 1) * args.batch])
        yb = mx.nd.array(y[step * args.batch:(step + 1) * args.batch])
        with autograd.record():
            h = mx.nd.relu(mx.nd.FullyConnected(xb, w1.data(), b1.data(), num_hidden=32))
            out = mx.nd.FullyConnected(h, w2.data(), b2.data(), num_hidden=10)
            loss = mx.nd.softmax_cross_entropy(out, yb)
        loss.backward()
        trainer.step(args.batch * n)
    np.savez(os.path.join(args.out, 'params-%d.npz' % rank),
             **{prm.name: prm.data().asnumpy() for prm in params})
    trainer.save_states(os.path.join(args.out, 'states-%d' % rank))
    print('worker %d of %d finished (update_on_kvstore=%s)'
          % (rank, n, trainer._update_on_kvstore), flush=True)


if __name__ == '__main__':
    main()
