"""Graphs built with the MXNet 1.x API, for goldens: each takes the module as ``mx``.

``tests/data/make_golden_symbols.py`` builds them with real MXNet and saves
the JSON; the tests build them with mxlite and compare.
"""


def elemwise_graph(mx):
    a = mx.sym.Variable('a', shape=(2, 3), lr_mult=0.5)
    b = mx.sym.var('b')
    c = (a + b) * 2 - mx.sym.exp(a) / (b + 3)
    d = mx.sym.sum(c, axis=1, keepdims=True)
    e = mx.sym.broadcast_add(d, mx.sym.reshape(a, shape=(0, -1)))
    with mx.AttrScope(ctx_group='dev1'):
        f = mx.sym.transpose(e, name='tr')
    g = mx.sym.Group([f, mx.sym.split(c, num_outputs=3, axis=1)[1], mx.sym.abs(-a),
                      1 - a ** 2, mx.sym.concat(a, b, dim=0) > 0.5])
    return g, {'a': (2, 3), 'b': (2, 3)}


def mlp_graph(mx):
    data = mx.sym.Variable('data')
    net = mx.sym.FullyConnected(data, num_hidden=16, name='fc1')
    net = mx.sym.Activation(net, act_type='relu', name='relu1')
    net = mx.sym.FullyConnected(net, num_hidden=10, name='fc2', attr={'lr_mult': '0.1'})
    net = mx.sym.SoftmaxOutput(net, name='softmax')
    return net, {'data': (4, 8)}


def lenet_graph(mx):
    data = mx.sym.Variable('data')
    c1 = mx.sym.Convolution(data, kernel=(5, 5), num_filter=6, name='conv1')
    t1 = mx.sym.Activation(c1, act_type='tanh')
    p1 = mx.sym.Pooling(t1, pool_type='max', kernel=(2, 2), stride=(2, 2))
    bn = mx.sym.BatchNorm(p1, fix_gamma=False, name='bn1')
    c2 = mx.sym.Convolution(bn, kernel=(3, 3), num_filter=8, pad=(1, 1), name='conv2')
    t2 = mx.sym.Activation(c2, act_type='relu')
    p2 = mx.sym.Pooling(t2, pool_type='avg', kernel=(2, 2), stride=(2, 2), name='pool2')
    f = mx.sym.Flatten(p2)
    d = mx.sym.Dropout(f, p=0.5)
    fc = mx.sym.FullyConnected(d, num_hidden=10, name='fc')
    return mx.sym.SoftmaxOutput(fc, name='softmax'), {'data': (2, 1, 16, 16)}


BUILDERS = {'elemwise': elemwise_graph, 'mlp': mlp_graph, 'lenet': lenet_graph}
# operators each graph needs beyond the foundation (tests skip until they exist)
NEEDS = {'elemwise': [], 'mlp': ['FullyConnected', 'Activation', 'SoftmaxOutput'],
         'lenet': ['Convolution', 'Pooling', 'BatchNorm', 'Dropout', 'FullyConnected']}


def small_convnet(mx):
    """A small conv net used by the training goldens (conv-bn-relu-pool, fc)."""
    data = mx.sym.Variable('data')
    c = mx.sym.Convolution(data, kernel=(3, 3), num_filter=4, pad=(1, 1), no_bias=True,
                           name='conv1')
    b = mx.sym.BatchNorm(c, fix_gamma=False, name='bn1')
    a = mx.sym.Activation(b, act_type='relu', name='relu1')
    p = mx.sym.Pooling(a, pool_type='max', kernel=(2, 2), stride=(2, 2), name='pool1')
    f = mx.sym.FullyConnected(mx.sym.Flatten(p), num_hidden=5, name='fc1')
    return mx.sym.SoftmaxOutput(f, name='softmax'), {'data': (6, 1, 8, 8)}


# optimizer configurations for the Module golden steps
OPTIMIZER_CONFIGS = [
    ('sgd', {'learning_rate': 0.1}),
    ('sgd', {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01}),
    ('nag', {'learning_rate': 0.1, 'momentum': 0.9}),
    ('adam', {'learning_rate': 0.01, 'wd': 0.001}),
    ('rmsprop', {'learning_rate': 0.01}),
    ('rmsprop', {'learning_rate': 0.01, 'centered': True}),
    ('adagrad', {'learning_rate': 0.1}),
    ('adadelta', {}),
    ('signum', {'learning_rate': 0.01, 'momentum': 0.9}),
    ('ftrl', {'learning_rate': 0.1}),
    ('adamax', {'learning_rate': 0.01}),
    ('nadam', {'learning_rate': 0.01}),
    ('sgd', {'learning_rate': 0.5, 'clip_gradient': 0.05, 'rescale_grad': 0.5}),
]
