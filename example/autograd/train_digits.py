"""Train a two-layer network on the embedded handwritten digits with bare autograd.

No Module, no Gluon: NDArray operators, ``autograd.record()``/``backward()``
and a hand-written SGD step, printing loss, accuracy and speed per epoch.

    python example/autograd/train_digits.py --epochs 10
"""
import argparse
import logging
import time

import numpy as np

import mxlite as mx
from mxlite import autograd, nd
from mxlite.test_utils import get_digits


def log_softmax(x):
    z = nd.broadcast_sub(x, nd.max(x, axis=1, keepdims=True))
    return nd.broadcast_sub(z, nd.log(nd.sum(nd.exp(z), axis=1, keepdims=True)))


def net(params, x):
    w1, b1, w2, b2 = params
    h = nd.relu(nd.broadcast_add(nd.dot(x, w1), b1))
    return nd.broadcast_add(nd.dot(h, w2), b2)


def accuracy(params, data, label, batch_size=256):
    correct = 0
    for i in range(0, len(data), batch_size):
        x = nd.array(data[i:i + batch_size].reshape(-1, 784))
        pred = nd.argmax(net(params, x), axis=1).asnumpy()
        correct += int((pred == label[i:i + batch_size]).sum())
    return correct / len(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--epochs', type=int, default=10, help='passes over the training set')
    parser.add_argument('--batch-size', type=int, default=64, help='samples per step')
    parser.add_argument('--lr', type=float, default=0.1, help='SGD learning rate')
    parser.add_argument('--momentum', type=float, default=0.9, help='SGD momentum')
    parser.add_argument('--hidden', type=int, default=128, help='hidden units')
    parser.add_argument('--seed', type=int, default=42, help='random seed')
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format='%(message)s')
    d = get_digits()
    train_x, train_y = d['train_data'], d['train_label']
    rs = np.random.RandomState(args.seed)
    mx.random.seed(args.seed)
    params = [nd.array(rs.normal(0, np.sqrt(2.0 / 784), (784, args.hidden))),
              nd.zeros((args.hidden,)),
              nd.array(rs.normal(0, np.sqrt(1.0 / args.hidden), (args.hidden, 10))),
              nd.zeros((10,))]
    velocity = [nd.zeros(p.shape) for p in params]
    for p in params:
        p.attach_grad()
    logging.info('training a 784-%d-10 network on %d digits (%d held out)',
                 args.hidden, len(train_x), len(d['test_data']))
    for epoch in range(args.epochs):
        tic = time.time()
        order = rs.permutation(len(train_x))
        total_loss, seen = 0.0, 0
        for i in range(0, len(order), args.batch_size):
            idx = order[i:i + args.batch_size]
            x = nd.array(train_x[idx].reshape(-1, 784))
            y = nd.array(train_y[idx])
            with autograd.record():
                loss = -nd.mean(nd.pick(log_softmax(net(params, x)), y, axis=1))
            loss.backward()
            for p, v in zip(params, velocity):
                v[:] = args.momentum * v - args.lr * p.grad
                p[:] = p + v
            total_loss += loss.asscalar() * len(idx)
            seen += len(idx)
        elapsed = time.time() - tic
        logging.info('Epoch[%d] loss=%.4f train-accuracy=%.4f validation-accuracy=%.4f '
                     'time=%.2fs speed=%.0f samples/sec', epoch, total_loss / seen,
                     accuracy(params, train_x, train_y),
                     accuracy(params, d['test_data'], d['test_label']), elapsed, seen / elapsed)


if __name__ == '__main__':
    main()
