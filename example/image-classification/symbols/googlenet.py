"""GoogLeNet (Inception v1, without the auxiliary classifiers).

C. Szegedy et al., "Going deeper with convolutions", arXiv:1409.4842, 2014.
"""
import mxlite as mx


def ConvFactory(data, num_filter, kernel, stride=(1, 1), pad=(0, 0), name=None, suffix=''):
    """Convolution + ReLU named ``conv_/relu_<name><suffix>``."""
    conv = mx.sym.Convolution(data=data, num_filter=num_filter, kernel=kernel, stride=stride,
                              pad=pad, name='conv_%s%s' % (name, suffix))
    return mx.sym.Activation(data=conv, act_type='relu', name='relu_%s%s' % (name, suffix))


def InceptionFactory(data, num_1x1, num_3x3red, num_3x3, num_d5x5red, num_d5x5, pool, proj,
                     name):
    """1x1 | 1x1-3x3 | 1x1-5x5 | pool-1x1 branches, concatenated."""
    c1x1 = ConvFactory(data, num_1x1, (1, 1), name='%s_1x1' % name)
    c3x3 = ConvFactory(data, num_3x3red, (1, 1), name='%s_3x3' % name, suffix='_reduce')
    c3x3 = ConvFactory(c3x3, num_3x3, (3, 3), pad=(1, 1), name='%s_3x3' % name)
    c5x5 = ConvFactory(data, num_d5x5red, (1, 1), name='%s_5x5' % name, suffix='_reduce')
    c5x5 = ConvFactory(c5x5, num_d5x5, (5, 5), pad=(2, 2), name='%s_5x5' % name)
    pooling = mx.sym.Pooling(data=data, kernel=(3, 3), stride=(1, 1), pad=(1, 1), pool_type=pool,
                             name='%s_pool_%s_pool' % (pool, name))
    cproj = ConvFactory(pooling, proj, (1, 1), name='%s_proj' % name)
    return mx.sym.Concat(c1x1, c3x3, c5x5, cproj, name='ch_concat_%s_chconcat' % name)


def get_symbol(num_classes=1000, **kwargs):
    net = ConvFactory(mx.sym.Variable('data'), 64, (7, 7), stride=(2, 2), pad=(3, 3),
                      name='conv1')
    net = mx.sym.Pooling(net, kernel=(3, 3), stride=(2, 2), pool_type='max')
    net = ConvFactory(net, 64, (1, 1), stride=(1, 1), name='conv2')
    net = ConvFactory(net, 192, (3, 3), stride=(1, 1), pad=(1, 1), name='conv3')
    net = mx.sym.Pooling(net, kernel=(3, 3), stride=(2, 2), pool_type='max')
    stages = ((('in3a', 64, 96, 128, 16, 32, 32), ('in3b', 128, 128, 192, 32, 96, 64)),
              (('in4a', 192, 96, 208, 16, 48, 64), ('in4b', 160, 112, 224, 24, 64, 64),
               ('in4c', 128, 128, 256, 24, 64, 64), ('in4d', 112, 144, 288, 32, 64, 64),
               ('in4e', 256, 160, 320, 32, 128, 128)),
              (('in5a', 256, 160, 320, 32, 128, 128), ('in5b', 384, 192, 384, 48, 128, 128)))
    for i, stage in enumerate(stages):
        if i > 0:
            net = mx.sym.Pooling(net, kernel=(3, 3), stride=(2, 2), pool_type='max')
        for name, a, b, c, d, e, proj in stage:
            net = InceptionFactory(net, a, b, c, d, e, 'max', proj, name=name)
    net = mx.sym.Pooling(net, kernel=(7, 7), stride=(1, 1), global_pool=True, pool_type='avg')
    net = mx.sym.FullyConnected(data=mx.sym.Flatten(data=net), num_hidden=num_classes)
    return mx.sym.SoftmaxOutput(data=net, name='softmax')
