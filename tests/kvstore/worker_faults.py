"""A worker of the failure tests: Module.fit with dist_sync where worker 1 misbehaves.

    mpiexec -n 2 python worker_faults.py MODE

At batch 5 of epoch 0 worker 1 is killed (``kill``, SIGKILL), stops
(``stop``, SIGSTOP: alive but stuck), raises (``raise``), or leaves the
script (``exit``); with ``extra`` it trains one batch more than worker 0.
Worker 0 trains normally; none of this may leave it hanging.
"""
import os
import signal
import sys

import mxlite as mx
from mxlite.test_utils import get_digits
from worker_module import mlp, shard


class Misbehave:
    def __init__(self, mode, rank):
        self.mode, self.rank = mode, rank

    def __call__(self, param):
        if self.rank != 1 or param.epoch != 0 or param.nbatch != 5:
            return
        if self.mode == 'kill':
            os.kill(os.getpid(), signal.SIGKILL)
        if self.mode == 'stop':
            os.kill(os.getpid(), signal.SIGSTOP)
        if self.mode == 'raise':
            raise ValueError('worker 1 failed on purpose')
        if self.mode == 'exit':
            sys.exit(0)


def main():
    mode = sys.argv[1]
    kv = mx.kv.create('dist_sync')
    d = get_digits()
    batch = 16
    samples = 640 + (batch * kv.num_workers if mode == 'extra' and kv.rank == 1 else 0)
    x = shard(d['train_data'][:samples], 0, 1, batch)[:samples // kv.num_workers]
    y = shard(d['train_label'][:samples], 0, 1, batch)[:samples // kv.num_workers]
    train = mx.io.NDArrayIter(x, y, batch)
    mod = mx.mod.Module(mlp())
    mod.fit(train, num_epoch=3, kvstore=kv, optimizer='sgd',
            optimizer_params={'learning_rate': 0.1}, initializer=mx.init.Xavier(),
            batch_end_callback=Misbehave(mode, kv.rank))
    print('worker %d finished' % kv.rank, flush=True)


if __name__ == '__main__':
    main()
