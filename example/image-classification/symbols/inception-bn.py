"""Inception with BatchNorm, for ~224x224 images (a smaller variant for <= 28x28).

S. Ioffe and C. Szegedy, "Batch normalization: accelerating deep network
training by reducing internal covariate shift", arXiv:1502.03167, 2015.
"""
import mxlite as mx

from ._util import parse_image_shape

eps = 1e-10 + 1e-5
bn_mom = 0.9
fix_gamma = False


def ConvFactory(data, num_filter, kernel, stride=(1, 1), pad=(0, 0), name=None, suffix='',
                attr=None):
    """Convolution, BatchNorm, ReLU named ``conv_/bn_/relu_<name><suffix>``."""
    tag = '%s%s' % (name, suffix)
    conv = mx.sym.Convolution(data=data, num_filter=num_filter, kernel=kernel, stride=stride,
                              pad=pad, name='conv_' + tag)
    bn = mx.sym.BatchNorm(data=conv, fix_gamma=fix_gamma, eps=eps, momentum=bn_mom,
                          name='bn_' + tag)
    return mx.sym.Activation(data=bn, act_type='relu', name='relu_' + tag, attr=attr or {})


def InceptionFactoryA(data, num_1x1, num_3x3red, num_3x3, num_d3x3red, num_d3x3, pool, proj,
                      name):
    """1x1 | 1x1-3x3 | 1x1-3x3-3x3 | pool-1x1 branches, concatenated."""
    c1x1 = ConvFactory(data, num_1x1, (1, 1), name='%s_1x1' % name)
    c3x3 = ConvFactory(data, num_3x3red, (1, 1), name='%s_3x3' % name, suffix='_reduce')
    c3x3 = ConvFactory(c3x3, num_3x3, (3, 3), pad=(1, 1), name='%s_3x3' % name)
    cd3x3 = ConvFactory(data, num_d3x3red, (1, 1), name='%s_double_3x3' % name, suffix='_reduce')
    cd3x3 = ConvFactory(cd3x3, num_d3x3, (3, 3), pad=(1, 1), name='%s_double_3x3_0' % name)
    cd3x3 = ConvFactory(cd3x3, num_d3x3, (3, 3), pad=(1, 1), name='%s_double_3x3_1' % name)
    pooling = mx.sym.Pooling(data=data, kernel=(3, 3), stride=(1, 1), pad=(1, 1), pool_type=pool,
                             name='%s_pool_%s_pool' % (pool, name))
    cproj = ConvFactory(pooling, proj, (1, 1), name='%s_proj' % name)
    return mx.sym.Concat(c1x1, c3x3, cd3x3, cproj, name='ch_concat_%s_chconcat' % name)


def InceptionFactoryB(data, num_3x3red, num_3x3, num_d3x3red, num_d3x3, name):
    """The stride-2 inception block: 1x1-3x3 | 1x1-3x3-3x3 | max pool, concatenated."""
    c3x3 = ConvFactory(data, num_3x3red, (1, 1), name='%s_3x3' % name, suffix='_reduce')
    c3x3 = ConvFactory(c3x3, num_3x3, (3, 3), pad=(1, 1), stride=(2, 2), name='%s_3x3' % name)
    cd3x3 = ConvFactory(data, num_d3x3red, (1, 1), name='%s_double_3x3' % name, suffix='_reduce')
    cd3x3 = ConvFactory(cd3x3, num_d3x3, (3, 3), pad=(1, 1), stride=(1, 1),
                        name='%s_double_3x3_0' % name)
    cd3x3 = ConvFactory(cd3x3, num_d3x3, (3, 3), pad=(1, 1), stride=(2, 2),
                        name='%s_double_3x3_1' % name)
    pooling = mx.sym.Pooling(data=data, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type='max',
                             name='max_pool_%s_pool' % name)
    return mx.sym.Concat(c3x3, cd3x3, pooling, name='ch_concat_%s_chconcat' % name)


def DownsampleFactory(data, ch_3x3, name, attr):
    """A stride-2 3x3 convolution next to a stride-2 max pool."""
    conv = ConvFactory(data, ch_3x3, (3, 3), stride=(2, 2), pad=(1, 1), name=name + '_conv',
                       attr=attr)
    pool = mx.sym.Pooling(data=data, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type='max',
                          name=name + '_pool', attr=attr)
    return mx.sym.Concat(conv, pool, name=name + '_ch_concat')


def SimpleFactory(data, ch_1x1, ch_3x3, name, attr):
    """A 1x1 and a 3x3 convolution side by side."""
    conv1x1 = ConvFactory(data, ch_1x1, (1, 1), pad=(0, 0), name=name + '_1x1', attr=attr)
    conv3x3 = ConvFactory(data, ch_3x3, (3, 3), pad=(1, 1), name=name + '_3x3', attr=attr)
    return mx.sym.Concat(conv1x1, conv3x3, name=name + '_ch_concat')


def get_symbol(num_classes, image_shape, **kwargs):
    image_shape = parse_image_shape(image_shape)
    attr = {}
    data = mx.sym.Variable(name='data')
    if image_shape[1] <= 28:
        net = ConvFactory(data, 96, (3, 3), pad=(1, 1), name='1', attr=attr)
        for kind, args, name in (('s', (32, 32), 'in3a'), ('s', (32, 48), 'in3b'),
                                 ('d', (80,), 'in3c'), ('s', (112, 48), 'in4a'),
                                 ('s', (96, 64), 'in4b'), ('s', (80, 80), 'in4c'),
                                 ('s', (48, 96), 'in4d'), ('d', (96,), 'in4e'),
                                 ('s', (176, 160), 'in5a'), ('s', (176, 160), 'in5b')):
            factory = SimpleFactory if kind == 's' else DownsampleFactory
            net = factory(net, *args, name=name, attr=attr)
        pool = mx.sym.Pooling(data=net, pool_type='avg', kernel=(7, 7), name='global_pool',
                              attr=attr)
    else:
        net = ConvFactory(data, 64, (7, 7), stride=(2, 2), pad=(3, 3), name='1')
        net = mx.sym.Pooling(data=net, kernel=(3, 3), stride=(2, 2), name='pool_1',
                             pool_type='max')
        net = ConvFactory(net, 64, (1, 1), stride=(1, 1), name='2_red')
        net = ConvFactory(net, 192, (3, 3), stride=(1, 1), pad=(1, 1), name='2')
        net = mx.sym.Pooling(data=net, kernel=(3, 3), stride=(2, 2), name='pool_2',
                             pool_type='max')
        blocks = (('A', (64, 64, 64, 64, 96, 'avg', 32), '3a'),
                  ('A', (64, 64, 96, 64, 96, 'avg', 64), '3b'),
                  ('B', (128, 160, 64, 96), '3c'),
                  ('A', (224, 64, 96, 96, 128, 'avg', 128), '4a'),
                  ('A', (192, 96, 128, 96, 128, 'avg', 128), '4b'),
                  ('A', (160, 128, 160, 128, 160, 'avg', 128), '4c'),
                  ('A', (96, 128, 192, 160, 192, 'avg', 128), '4d'),
                  ('B', (128, 192, 192, 256), '4e'),
                  ('A', (352, 192, 320, 160, 224, 'avg', 128), '5a'),
                  ('A', (352, 192, 320, 192, 224, 'max', 128), '5b'))
        for kind, args, name in blocks:
            factory = InceptionFactoryA if kind == 'A' else InceptionFactoryB
            net = factory(net, *args, name=name)
        pool = mx.sym.Pooling(data=net, kernel=(7, 7), stride=(1, 1), name='global_pool',
                              pool_type='avg')
    net = mx.sym.FullyConnected(data=mx.sym.Flatten(data=pool), num_hidden=num_classes)
    return mx.sym.SoftmaxOutput(data=net, name='softmax')
