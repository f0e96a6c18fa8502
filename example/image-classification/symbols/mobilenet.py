"""MobileNet v1: depthwise-separable convolutions, width multiplier ``alpha``.

A. G. Howard et al., "MobileNets: efficient convolutional neural networks for
mobile vision applications", arXiv:1704.04861, 2017.  Image sides must be a
multiple of 32 (``resolution``, by default the height of ``image_shape``, else 224).
"""
import mxlite as mx

from ._util import parse_image_shape

alpha_values = [0.25, 0.50, 0.75, 1.0]

# (index, depthwise stride, output channels as a multiple of the base width) of
# each depthwise-separable block after the first full convolution conv_1
BLOCKS = ((2, 1, 2), (3, 2, 4), (4, 1, 4), (5, 2, 8), (6, 1, 8), (7, 2, 16), (8, 1, 16),
          (9, 1, 16), (10, 1, 16), (11, 1, 16), (12, 1, 16), (13, 2, 32), (14, 1, 32))


def Conv(data, num_filter=1, kernel=(1, 1), stride=(1, 1), pad=(0, 0), num_group=1, name='',
         suffix=''):
    """Convolution (no bias), BatchNorm (fixed gamma), ReLU."""
    tag = '%s%s' % (name, suffix)
    conv = mx.sym.Convolution(data=data, num_filter=num_filter, kernel=kernel,
                              num_group=num_group, stride=stride, pad=pad, no_bias=True,
                              name=tag + '_conv2d')
    bn = mx.sym.BatchNorm(data=conv, name=tag + '_batchnorm', fix_gamma=True)
    return mx.sym.Activation(data=bn, act_type='relu', name=tag + '_relu')


def get_symbol(num_classes, alpha=1, resolution=None, image_shape=None, **kwargs):
    if alpha not in alpha_values:
        raise ValueError('mobilenet: alpha=%r, must be one of %s' % (alpha, alpha_values))
    if resolution is None:
        resolution = parse_image_shape(image_shape)[1] if image_shape else 224
    if resolution % 32:
        raise ValueError('mobilenet: the image side must be a multiple of 32 (--image-shape '
                         '3,224,224 or 3,32,32), got %d' % resolution)
    base = int(32 * alpha)
    net = Conv(mx.sym.Variable(name='data'), num_filter=base, kernel=(3, 3), pad=(1, 1),
               stride=(2, 2), name='conv_1')
    channels = base
    for idx, stride, mult in BLOCKS:
        net = Conv(net, num_group=channels, num_filter=channels, kernel=(3, 3), pad=(1, 1),
                   stride=(stride, stride), name='conv_%d_dw' % idx)
        net = Conv(net, num_filter=base * mult, kernel=(1, 1), pad=(0, 0), stride=(1, 1),
                   name='conv_%d' % idx)
        channels = base * mult
    pool_size = int(resolution / 32)
    net = mx.sym.Pooling(data=net, kernel=(pool_size, pool_size), stride=(1, 1), pool_type='avg',
                         name='global_pool')
    net = mx.sym.Flatten(data=net, name='flatten')
    net = mx.sym.FullyConnected(data=net, num_hidden=num_classes, name='fc')
    return mx.sym.SoftmaxOutput(data=net, name='softmax')


# MXNet's example also has a loop-built variant; it makes the same network
get_symbol_compact = get_symbol
