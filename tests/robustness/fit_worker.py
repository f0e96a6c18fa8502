"""A training job for the kill tests: ``Module.fit`` on the embedded digits, checkpointing.

    python fit_worker.py PREFIX NUM_EPOCH [LOAD_EPOCH]

Saves ``PREFIX-symbol.json``, ``PREFIX-%04d.params`` and ``.states`` at the end
of every epoch and prints ``saved N`` once epoch N's checkpoint is written.
With LOAD_EPOCH it resumes from that checkpoint (parameters and optimizer
states) at epoch LOAD_EPOCH, like the examples' ``--load-epoch``.
Deterministic: no shuffling, a fixed initializer seed.
"""
import logging
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..'))

import mxlite as mx  # noqa: E402
from mxlite.test_utils import get_digits  # noqa: E402


def network():
    data = mx.sym.var('data')
    net = mx.sym.FullyConnected(mx.sym.Flatten(data), num_hidden=64, name='fc1')
    net = mx.sym.Activation(net, act_type='relu')
    net = mx.sym.FullyConnected(net, num_hidden=10, name='fc2')
    return mx.sym.SoftmaxOutput(net, name='softmax')


def main(prefix, num_epoch, load_epoch=None):
    logging.disable(logging.INFO)
    d = get_digits()
    train = mx.io.NDArrayIter(d['train_data'], d['train_label'], 64, shuffle=False)
    if load_epoch is None:
        mod = mx.mod.Module(network())
        begin = 0
        mx.random.seed(7)
    else:
        mod = mx.mod.Module.load(prefix, load_epoch, load_optimizer_states=True)
        begin = load_epoch

    def saved(epoch, sym=None, arg=None, aux=None):
        mod.save_checkpoint(prefix, epoch + 1, save_optimizer_states=True)
        print('saved %d' % (epoch + 1), flush=True)
    mod.fit(train, num_epoch=num_epoch, begin_epoch=begin, optimizer='sgd',
            optimizer_params={'learning_rate': 0.05, 'momentum': 0.9},
            initializer=mx.init.Xavier(rnd_type='gaussian', magnitude=2),
            epoch_end_callback=saved, eval_metric='acc', show_loss=False, progress=False)


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]) if len(sys.argv) > 3 else None)
