"""Networks for the ONNX tests, built with mx.sym (LeNet, ResNet-18, a DenseNet block)."""
import numpy as np

import mxlite as mx


def _head(x, head):
    """The classifier output: SoftmaxOutput (trainable) or plain softmax."""
    if head == 'softmax':
        return mx.sym.softmax(x, axis=-1, name='softmax')
    return mx.sym.SoftmaxOutput(x, name='softmax')


def lenet(head='SoftmaxOutput'):
    data = mx.sym.var('data')
    x = mx.sym.Convolution(data, kernel=(5, 5), num_filter=6, name='conv1')
    x = mx.sym.Activation(x, act_type='tanh', name='tanh1')
    x = mx.sym.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type='max', name='pool1')
    x = mx.sym.Convolution(x, kernel=(5, 5), num_filter=16, name='conv2')
    x = mx.sym.Activation(x, act_type='tanh', name='tanh2')
    x = mx.sym.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type='avg', name='pool2')
    x = mx.sym.Flatten(x, name='flatten')
    x = mx.sym.FullyConnected(x, num_hidden=120, name='fc1')
    x = mx.sym.Activation(x, act_type='relu', name='relu3')
    x = mx.sym.Dropout(x, p=0.5, name='drop')
    x = mx.sym.FullyConnected(x, num_hidden=10, name='fc2')
    return _head(x, head)


def _bn_relu(x, name, relu=True):
    x = mx.sym.BatchNorm(x, fix_gamma=False, eps=2e-5, momentum=0.9, name=name + '_bn')
    return mx.sym.Activation(x, act_type='relu', name=name + '_relu') if relu else x


def _basic_block(x, filters, stride, downsample, name):
    y = mx.sym.Convolution(x, kernel=(3, 3), stride=(stride, stride), pad=(1, 1),
                           num_filter=filters, no_bias=True, name=name + '_conv1')
    y = _bn_relu(y, name + '_1')
    y = mx.sym.Convolution(y, kernel=(3, 3), pad=(1, 1), num_filter=filters, no_bias=True,
                           name=name + '_conv2')
    y = _bn_relu(y, name + '_2', relu=False)
    if downsample:
        x = mx.sym.Convolution(x, kernel=(1, 1), stride=(stride, stride), num_filter=filters,
                               no_bias=True, name=name + '_down')
        x = _bn_relu(x, name + '_down', relu=False)
    return mx.sym.Activation(mx.sym.elemwise_add(y, x, name=name + '_add'), act_type='relu',
                             name=name + '_out')


def resnet18(width=64, classes=10, head='SoftmaxOutput'):
    """ResNet-18 v1 (He et al.): 7x7/2 stem, max pool, 4 stages of 2 basic blocks, global pool."""
    data = mx.sym.var('data')
    x = mx.sym.Convolution(data, kernel=(7, 7), stride=(2, 2), pad=(3, 3), num_filter=width,
                           no_bias=True, name='conv0')
    x = _bn_relu(x, 'stem')
    x = mx.sym.Pooling(x, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type='max', name='pool0')
    for stage in range(4):
        filters = width * 2 ** stage
        for block in range(2):
            stride = 2 if stage > 0 and block == 0 else 1
            x = _basic_block(x, filters, stride, block == 0 and stage > 0,
                             'stage%d_block%d' % (stage + 1, block + 1))
    x = mx.sym.Pooling(x, kernel=(7, 7), global_pool=True, pool_type='avg', name='pool1')
    x = mx.sym.Flatten(x, name='flatten')
    x = mx.sym.FullyConnected(x, num_hidden=classes, name='fc')
    return _head(x, head)


def densenet_block(layers=3, growth=4, classes=5):
    """A DenseNet-BC dense block (BN-ReLU-1x1-BN-ReLU-3x3, concatenated) and a transition."""
    data = mx.sym.var('data')
    x = mx.sym.Convolution(data, kernel=(3, 3), pad=(1, 1), num_filter=8, no_bias=True,
                           name='conv0')
    for i in range(layers):
        y = _bn_relu(x, 'dense%d_a' % i)
        y = mx.sym.Convolution(y, kernel=(1, 1), num_filter=4 * growth, no_bias=True,
                               name='dense%d_conv1' % i)
        y = _bn_relu(y, 'dense%d_b' % i)
        y = mx.sym.Convolution(y, kernel=(3, 3), pad=(1, 1), num_filter=growth, no_bias=True,
                               name='dense%d_conv2' % i)
        x = mx.sym.Concat(x, y, dim=1, name='dense%d_concat' % i)
    x = _bn_relu(x, 'trans')
    x = mx.sym.Convolution(x, kernel=(1, 1), num_filter=8, no_bias=True, name='trans_conv')
    x = mx.sym.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type='avg', name='trans_pool')
    x = _bn_relu(x, 'final')
    x = mx.sym.Pooling(x, kernel=(1, 1), global_pool=True, pool_type='avg', name='gap')
    x = mx.sym.Reshape(x, shape=(0, -1), name='reshape')
    x = mx.sym.FullyConnected(x, num_hidden=classes, name='fc')
    return mx.sym.softmax(x, axis=-1, name='prob')


def random_params(sym, data_shapes, seed=0):
    """(arg_params, aux_params) of NDArrays for every parameter of ``sym``."""
    rng = np.random.RandomState(seed)
    arg_shapes, _, aux_shapes = sym.infer_shape(**data_shapes)
    args, aux = {}, {}
    for name, shape in zip(sym.list_arguments(), arg_shapes):
        if name in data_shapes or name.endswith('_label'):
            continue
        if name.endswith('_gamma'):
            value = 1 + 0.1 * rng.standard_normal(shape)
        elif name.endswith(('_beta', '_bias')):
            value = 0.1 * rng.standard_normal(shape)
        else:
            fan_in = int(np.prod(shape[1:])) if len(shape) > 1 else 1
            value = rng.standard_normal(shape) / np.sqrt(fan_in)
        args[name] = mx.nd.array(value.astype(np.float32))
    for name, shape in zip(sym.list_auxiliary_states(), aux_shapes):
        value = 0.1 * rng.standard_normal(shape) if name.endswith('_mean') \
            else 0.5 + rng.rand(*shape)
        aux[name] = mx.nd.array(value.astype(np.float32))
    return args, aux


def mx_forward(sym, args, aux, inputs):
    """Outputs of ``sym`` in inference mode, as numpy arrays."""
    shapes = {k: v.shape for k, v in inputs.items()}
    names = set(sym.list_arguments())
    shapes.update({k: v.shape for k, v in args.items() if k in names})
    ex = sym.simple_bind(mx.cpu(), grad_req='null', **shapes)
    ex.copy_params_from(args, aux, allow_extra_params=True)
    for k, v in inputs.items():
        ex.arg_dict[k][:] = v
    return [o.asnumpy() for o in ex.forward(is_train=False)]
