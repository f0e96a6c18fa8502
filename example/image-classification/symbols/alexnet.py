"""AlexNet (single tower, with local response normalisation).

A. Krizhevsky, I. Sutskever and G. E. Hinton, "ImageNet classification with deep
convolutional neural networks", NIPS 2012.
"""
import numpy as np

import mxlite as mx


def get_symbol(num_classes, dtype='float32', **kwargs):
    net = mx.sym.Variable(name='data')
    if dtype == 'float16':
        net = mx.sym.Cast(data=net, dtype=np.float16)
    # (name, filters, kernel, stride, pad, lrn + pool after it, pool after it)
    convs = (('conv1', 96, 11, 4, 0, True, False), ('conv2', 256, 5, 1, 2, True, False),
             ('conv3', 384, 3, 1, 1, False, False), ('conv4', 384, 3, 1, 1, False, False),
             ('conv5', 256, 3, 1, 1, False, True))
    for name, filters, k, s, p, lrn, pool in convs:
        extra = dict(([('stride', (s, s))] if s != 1 else []) + ([('pad', (p, p))] if p else []))
        net = mx.sym.Convolution(name=name, data=net, kernel=(k, k), num_filter=filters, **extra)
        net = mx.sym.Activation(data=net, act_type='relu')
        if lrn:
            net = mx.sym.LRN(data=net, alpha=0.0001, beta=0.75, knorm=2, nsize=5)
        if lrn or pool:
            net = mx.sym.Pooling(data=net, pool_type='max', kernel=(3, 3), stride=(2, 2))
    net = mx.sym.Flatten(data=net)
    for name in ('fc1', 'fc2'):
        net = mx.sym.FullyConnected(name=name, data=net, num_hidden=4096)
        net = mx.sym.Activation(data=net, act_type='relu')
        net = mx.sym.Dropout(data=net, p=0.5)
    net = mx.sym.FullyConnected(name='fc3', data=net, num_hidden=num_classes)
    if dtype == 'float16':
        net = mx.sym.Cast(data=net, dtype=np.float32)
    return mx.sym.SoftmaxOutput(data=net, name='softmax')
