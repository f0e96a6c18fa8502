"""A multilayer perceptron: 128 and 64 ReLU units, then the classifier."""
import mxlite as mx


def get_symbol(num_classes=10, **kwargs):
    net = mx.sym.Flatten(data=mx.sym.Variable('data'))
    for i, width in enumerate((128, 64)):
        net = mx.sym.FullyConnected(data=net, num_hidden=width, name='fc%d' % (i + 1))
        net = mx.sym.Activation(data=net, act_type='relu', name='relu%d' % (i + 1))
    net = mx.sym.FullyConnected(data=net, num_hidden=num_classes, name='fc3')
    return mx.sym.SoftmaxOutput(data=net, name='softmax')
