"""VGG 11/13/16/19, optionally with BatchNorm after every convolution.

K. Simonyan and A. Zisserman, "Very deep convolutional networks for large-scale
image recognition", arXiv:1409.1556, 2014.
"""
import numpy as np

import mxlite as mx

# depth: (convolutions per stage, filters per stage)
VGG_SPEC = {11: ((1, 1, 2, 2, 2), (64, 128, 256, 512, 512)),
            13: ((2, 2, 2, 2, 2), (64, 128, 256, 512, 512)),
            16: ((2, 2, 3, 3, 3), (64, 128, 256, 512, 512)),
            19: ((2, 2, 4, 4, 4), (64, 128, 256, 512, 512))}


def get_feature(internel_layer, layers, filters, batch_norm=False, **kwargs):
    net = internel_layer
    for i, (num, width) in enumerate(zip(layers, filters)):
        for j in range(num):
            tag = '%d_%d' % (i + 1, j + 1)
            net = mx.sym.Convolution(data=net, kernel=(3, 3), pad=(1, 1), num_filter=width,
                                     name='conv' + tag)
            if batch_norm:
                net = mx.sym.BatchNorm(data=net, name='bn' + tag)
            net = mx.sym.Activation(data=net, act_type='relu', name='relu' + tag)
        net = mx.sym.Pooling(data=net, pool_type='max', kernel=(2, 2), stride=(2, 2),
                             name='pool%d' % (i + 1))
    return net


def get_classifier(input_data, num_classes, **kwargs):
    net = mx.sym.Flatten(data=input_data, name='flatten')
    for i in (6, 7):
        net = mx.sym.FullyConnected(data=net, num_hidden=4096, name='fc%d' % i)
        net = mx.sym.Activation(data=net, act_type='relu', name='relu%d' % i)
        net = mx.sym.Dropout(data=net, p=0.5, name='drop%d' % i)
    return mx.sym.FullyConnected(data=net, num_hidden=num_classes, name='fc8')


def get_symbol(num_classes, num_layers=11, batch_norm=False, dtype='float32', **kwargs):
    """VGG-``num_layers`` (11, 13, 16 or 19) for ``num_classes`` classes."""
    if num_layers not in VGG_SPEC:
        raise ValueError('vgg: --num-layers %s is not a VGG depth; use one of 11, 13, 16, 19'
                         % (num_layers,))
    layers, filters = VGG_SPEC[num_layers]
    data = mx.sym.Variable(name='data')
    if dtype == 'float16':
        data = mx.sym.Cast(data=data, dtype=np.float16)
    net = get_classifier(get_feature(data, layers, filters, batch_norm), num_classes)
    if dtype == 'float16':
        net = mx.sym.Cast(data=net, dtype=np.float32)
    return mx.sym.SoftmaxOutput(data=net, name='softmax')
