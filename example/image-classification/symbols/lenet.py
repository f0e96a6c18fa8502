"""LeNet-5 with tanh units.

Y. LeCun, L. Bottou, Y. Bengio and P. Haffner, "Gradient-based learning applied
to document recognition", Proceedings of the IEEE, 1998.

``add_stn=True`` puts a spatial transformer (affine, bilinear, 28x28 target)
in front, driven by a small localisation network.
"""
import mxlite as mx


def get_loc(data, attr=None):
    """The localisation network of the spatial transformer (6 affine parameters)."""
    attr = {'lr_mult': '0.01'} if attr is None else attr
    loc = mx.sym.Convolution(data=data, num_filter=30, kernel=(5, 5), stride=(2, 2))
    loc = mx.sym.Activation(data=loc, act_type='relu')
    loc = mx.sym.Pooling(data=loc, kernel=(2, 2), stride=(2, 2), pool_type='max')
    loc = mx.sym.Convolution(data=loc, num_filter=60, kernel=(3, 3), stride=(1, 1), pad=(1, 1))
    loc = mx.sym.Activation(data=loc, act_type='relu')
    loc = mx.sym.Pooling(data=loc, global_pool=True, kernel=(2, 2), pool_type='avg')
    loc = mx.sym.Flatten(data=loc)
    return mx.sym.FullyConnected(data=loc, num_hidden=6, name='stn_loc', attr=attr)


def get_symbol(num_classes=10, add_stn=False, **kwargs):
    data = mx.sym.Variable('data')
    if add_stn:
        if not hasattr(mx.sym, 'SpatialTransformer'):
            raise ValueError('lenet: --add_stn needs the SpatialTransformer operator, which this '
                             'version of mxlite does not have')
        data = mx.sym.SpatialTransformer(data=data, loc=get_loc(data), target_shape=(28, 28),
                                         transform_type='affine', sampler_type='bilinear')
    net = data
    for filters in (20, 50):
        net = mx.sym.Convolution(data=net, kernel=(5, 5), num_filter=filters)
        net = mx.sym.Activation(data=net, act_type='tanh')
        net = mx.sym.Pooling(data=net, pool_type='max', kernel=(2, 2), stride=(2, 2))
    net = mx.sym.Flatten(data=net)
    net = mx.sym.FullyConnected(data=net, num_hidden=500)
    net = mx.sym.Activation(data=net, act_type='tanh')
    net = mx.sym.FullyConnected(data=net, num_hidden=num_classes)
    return mx.sym.SoftmaxOutput(data=net, name='softmax')
