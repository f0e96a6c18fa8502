"""A small convolutional network for small images (digits, CIFAR-sized pictures).

BatchNorm on the input (so raw 0-255 pixels or mean-subtracted ones both
train), five 3x3 convolution stages of 32, 32, 64, 64 and 96 filters, each with
BatchNorm, ReLU and a 2x2 max pool (``full`` convention, so 28x28 inputs end
at 1x1), then two 256/128-unit fully-connected layers with dropout and the
classifier ``fc3``.  Fine-tune it with ``--layer-before-fullc drop2``.
"""
import mxlite as mx

FILTERS = (32, 32, 64, 64, 96)
HIDDEN = (256, 128)


def get_symbol(num_classes, dropout=0.25, **kwargs):
    net = mx.sym.BatchNorm(data=mx.sym.Variable('data'), fix_gamma=True, eps=2e-5,
                           name='bn_data')
    for i, filters in enumerate(FILTERS, 1):
        net = mx.sym.Convolution(data=net, num_filter=filters, kernel=(3, 3), pad=(1, 1),
                                 no_bias=True, name='conv%d' % i)
        net = mx.sym.BatchNorm(data=net, fix_gamma=False, eps=2e-5, name='bn%d' % i)
        net = mx.sym.Activation(data=net, act_type='relu', name='relu%d' % i)
        net = mx.sym.Pooling(data=net, kernel=(2, 2), stride=(2, 2), pool_type='max',
                             pooling_convention='full', name='pool%d' % i)
    net = mx.sym.Flatten(data=net, name='flatten')
    for i, hidden in enumerate(HIDDEN, 1):
        net = mx.sym.FullyConnected(data=net, num_hidden=hidden, name='fc%d' % i)
        net = mx.sym.Activation(data=net, act_type='relu', name='relu_fc%d' % i)
        net = mx.sym.Dropout(data=net, p=dropout, name='drop%d' % i)
    net = mx.sym.FullyConnected(data=net, num_hidden=num_classes, name='fc3')
    return mx.sym.SoftmaxOutput(data=net, name='softmax')
