"""ResNet-v1 symbols (bottleneck, ImageNet layout) written against the MXNet 1.x API.

``get_symbol(mx, num_layers, num_classes)`` takes the framework module, so
the same graph is built under mxlite and under MXNet for side-by-side runs.
"""


def residual_unit(mx, data, num_filter, stride, dim_match, name):
    bn_mom = 0.9
    c1 = mx.sym.Convolution(data, num_filter=num_filter // 4, kernel=(1, 1), stride=(1, 1),
                            no_bias=True, name=name + '_conv1')
    b1 = mx.sym.BatchNorm(c1, fix_gamma=False, eps=2e-5, momentum=bn_mom, name=name + '_bn1')
    a1 = mx.sym.Activation(b1, act_type='relu', name=name + '_relu1')
    c2 = mx.sym.Convolution(a1, num_filter=num_filter // 4, kernel=(3, 3), stride=stride,
                            pad=(1, 1), no_bias=True, name=name + '_conv2')
    b2 = mx.sym.BatchNorm(c2, fix_gamma=False, eps=2e-5, momentum=bn_mom, name=name + '_bn2')
    a2 = mx.sym.Activation(b2, act_type='relu', name=name + '_relu2')
    c3 = mx.sym.Convolution(a2, num_filter=num_filter, kernel=(1, 1), stride=(1, 1), no_bias=True,
                            name=name + '_conv3')
    b3 = mx.sym.BatchNorm(c3, fix_gamma=False, eps=2e-5, momentum=bn_mom, name=name + '_bn3')
    if dim_match:
        shortcut = data
    else:
        sc = mx.sym.Convolution(data, num_filter=num_filter, kernel=(1, 1), stride=stride,
                                no_bias=True, name=name + '_sc')
        shortcut = mx.sym.BatchNorm(sc, fix_gamma=False, eps=2e-5, momentum=bn_mom,
                                    name=name + '_sc_bn')
    return mx.sym.Activation(b3 + shortcut, act_type='relu', name=name + '_relu')


def get_symbol(mx, num_layers=50, num_classes=1000):
    units = {50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3]}[num_layers]
    filters = [64, 256, 512, 1024, 2048]
    data = mx.sym.Variable('data')
    body = mx.sym.Convolution(data, num_filter=filters[0], kernel=(7, 7), stride=(2, 2),
                              pad=(3, 3), no_bias=True, name='conv0')
    body = mx.sym.BatchNorm(body, fix_gamma=False, eps=2e-5, momentum=0.9, name='bn0')
    body = mx.sym.Activation(body, act_type='relu', name='relu0')
    body = mx.sym.Pooling(body, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type='max')
    for i, n in enumerate(units):
        body = residual_unit(mx, body, filters[i + 1], (1, 1) if i == 0 else (2, 2), False,
                             'stage%d_unit1' % (i + 1))
        for j in range(n - 1):
            body = residual_unit(mx, body, filters[i + 1], (1, 1), True,
                                 'stage%d_unit%d' % (i + 1, j + 2))
    pool = mx.sym.Pooling(body, global_pool=True, kernel=(7, 7), pool_type='avg', name='pool1')
    fc = mx.sym.FullyConnected(mx.sym.Flatten(pool), num_hidden=num_classes, name='fc1')
    return mx.sym.SoftmaxOutput(fc, name='softmax')
