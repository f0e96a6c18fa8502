"""Gluon training speed: imperative vs hybridized, same network, same data.

    python benchmark/gluon_hybrid.py [--repeats 7] [--steps 30] [--threads 1]
                                     [--nets mlp,deep_mlp,lenet,small_resnet]

For each network one timed run is ``--steps`` training steps (forward under
autograd.record, SoftmaxCrossEntropyLoss, backward, Trainer.step with SGD +
momentum) after warm-up steps; the figure is the median over ``--repeats``
runs, in steps per second, by wall clock and by the process's CPU time (the
steadier figure on a shared machine); the two modes alternate run by run.
Both start from the same parameters.
"""
import argparse
import os
import statistics
import sys
import time

if __name__ == '__main__':
    # kernel threads: set before numpy/numba load (default 1: steadier figures on a shared box)
    _threads = sys.argv[sys.argv.index('--threads') + 1] if '--threads' in sys.argv else '1'
    for _var in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS',
                 'NUMBA_NUM_THREADS'):
        os.environ[_var] = _threads

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
import mxlite as mx  # noqa: E402
from mxlite import autograd, gluon  # noqa: E402
from mxlite.gluon import nn  # noqa: E402


def mlp():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(256, activation='relu'), nn.Dense(128, activation='relu'),
                nn.Dense(64, activation='relu'), nn.Dense(10))
    return net, (64, 1, 28, 28)


def deep_mlp():
    net = nn.HybridSequential()
    with net.name_scope():
        for _ in range(8):
            net.add(nn.Dense(128, activation='relu'))
        net.add(nn.Dense(10))
    return net, (32, 64)


def lenet():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(20, kernel_size=5, activation='tanh'), nn.MaxPool2D(2, 2),
                nn.Conv2D(50, kernel_size=5, activation='tanh'), nn.MaxPool2D(2, 2),
                nn.Flatten(), nn.Dense(500, activation='tanh'), nn.Dense(10))
    return net, (64, 1, 28, 28)


def small_resnet():
    from mxlite.gluon.model_zoo.vision.resnet import ResNetV1, BasicBlockV1
    return ResNetV1(BasicBlockV1, [1, 1, 1], [16, 16, 32, 64], classes=10,
                    thumbnail=True), (16, 3, 16, 16)


NETS = {'mlp': mlp, 'deep_mlp': deep_mlp, 'lenet': lenet, 'small_resnet': small_resnet}


def _setup(make, hybridize):
    mx.random.seed(1)
    net, shape = make()
    net.initialize(mx.init.Xavier())
    rs = np.random.RandomState(0)
    x = mx.nd.array(rs.rand(*shape).astype(np.float32))
    y = mx.nd.array(rs.randint(0, 10, shape[0]))
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    if hybridize:
        net.hybridize()
        loss_fn.hybridize()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.01,
                                                          'momentum': 0.9})

    def step():
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(shape[0])
        return loss
    return step


def time_training(make, steps, repeats, warmup=3):
    """Medians over runs of (imperative, hybridized) steps/s, by wall clock and by this
    process's CPU time.  The two modes alternate run by run so that a busy machine slows
    both alike; CPU time is what a run costs whatever else the machine is doing."""
    steps_fn = [_setup(make, False), _setup(make, True)]
    for fn in steps_fn:
        for _ in range(warmup):
            fn().wait_to_read()
    wall, cpu = ([], []), ([], [])
    for _ in range(repeats):
        for mode, fn in enumerate(steps_fn):
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(steps):
                loss = fn()
            loss.wait_to_read()
            wall[mode].append(steps / (time.perf_counter() - t0))
            cpu[mode].append(steps / (time.process_time() - c0))
    return [statistics.median(r) for r in wall], [statistics.median(r) for r in cpu]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--repeats', type=int, default=7)
    parser.add_argument('--steps', type=int, default=30)
    parser.add_argument('--nets', default=','.join(NETS))
    parser.add_argument('--threads', default='1', help='kernel threads (BLAS, Numba)')
    args = parser.parse_args(argv)
    print('steps/s, median of %d runs of %d steps; kernel threads: %s'
          % (args.repeats, args.steps, args.threads))
    print()
    print('| network | batch | imperative (wall) | hybridized (wall) | speed-up | '
          'imperative (CPU) | hybridized (CPU) | speed-up |')
    print('|---|---:|---:|---:|---:|---:|---:|---:|')
    for name in args.nets.split(','):
        shape = NETS[name]()[1]
        (wi, wh), (ci, ch) = time_training(NETS[name], args.steps, args.repeats)
        print('| %s | %d | %.1f | %.1f | %.2fx | %.1f | %.1f | %.2fx |'
              % (name, shape[0], wi, wh, wh / wi, ci, ch, ch / ci), flush=True)


if __name__ == '__main__':
    main()
