"""A worker of the distributed-training tests: Module.fit / FeedForward.fit on the digits.

    worker_module.py OUT --kv dist_sync --batch 16 [--api module|feedforward]

Worker ``r`` of ``n`` takes rows ``r*batch:(r+1)*batch`` of every global
batch of ``n*batch`` rows, so ``n`` workers with ``batch`` see exactly what
one worker with ``n*batch`` sees.  Writes ``OUT/params-<rank>.npz`` and,
with a checkpoint prefix, checkpoints the way MXNet's examples do (a
per-rank prefix on ranks other than 0).
"""
import argparse
import os

import numpy as np

import mxlite as mx
from mxlite.test_utils import get_digits


def mlp():
    data = mx.sym.Variable('data')
    net = mx.sym.FullyConnected(mx.sym.Flatten(data), num_hidden=32, name='fc1')
    net = mx.sym.Activation(net, act_type='relu')
    net = mx.sym.FullyConnected(net, num_hidden=10, name='fc2')
    return mx.sym.SoftmaxOutput(net, name='softmax')


def shard(x, rank, num_workers, batch):
    steps = len(x) // (num_workers * batch)
    x = x[:steps * num_workers * batch]
    return x.reshape((steps, num_workers, batch) + x.shape[1:])[:, rank].reshape(
        (steps * batch,) + x.shape[1:])


def main():
    p = argparse.ArgumentParser()
    p.add_argument('out')
    p.add_argument('--kv', default='dist_sync')
    p.add_argument('--batch', type=int, default=16)
    p.add_argument('--epochs', type=int, default=2)
    p.add_argument('--api', default='module', choices=['module', 'feedforward'])
    p.add_argument('--optimizer', default='sgd')
    p.add_argument('--samples', type=int, default=512)
    p.add_argument('--lr', type=float, default=0.1)
    p.add_argument('--seed-per-rank', type=int, default=0)
    args = p.parse_args()

    kv = mx.kv.create(args.kv) if args.kv.startswith('dist') else args.kv
    rank = kv.rank if not isinstance(kv, str) else 0
    n = kv.num_workers if not isinstance(kv, str) else 1
    d = get_digits()
    x = shard(d['train_data'][:args.samples], rank, n, args.batch)
    y = shard(d['train_label'][:args.samples], rank, n, args.batch)
    train = mx.io.NDArrayIter(x, y, args.batch, shuffle=False)
    opt_params = {'learning_rate': args.lr, 'wd': 1e-4}
    if args.optimizer == 'sgd':
        opt_params['momentum'] = 0.9
    prefix = os.path.join(args.out, 'ckpt')
    checkpoint = mx.callback.do_checkpoint(prefix if rank == 0 else '%s-%d' % (prefix, rank))
    mx.random.seed(7 + rank * args.seed_per_rank)     # the kvstore broadcasts rank 0's values
    np.random.seed(7)
    if args.api == 'module':
        mod = mx.mod.Module(mlp())
        mod.fit(train, num_epoch=args.epochs, kvstore=kv, optimizer=args.optimizer,
                optimizer_params=opt_params, initializer=mx.init.Xavier(),
                epoch_end_callback=checkpoint,
                batch_end_callback=mx.callback.Speedometer(args.batch, 10))
        arg, _ = mod.get_params()
    else:
        model = mx.model.FeedForward(mlp(), num_epoch=args.epochs, optimizer=args.optimizer,
                                     initializer=mx.init.Xavier(), numpy_batch_size=args.batch,
                                     **opt_params)
        model.fit(train, kvstore=kv, epoch_end_callback=checkpoint)
        arg = model.arg_params
    np.savez(os.path.join(args.out, 'params-%d.npz' % rank),
             **{k: v.asnumpy() for k, v in arg.items()})
    print('worker %d of %d finished' % (rank, n), flush=True)


if __name__ == '__main__':
    main()
