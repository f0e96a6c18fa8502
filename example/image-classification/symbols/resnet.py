"""ResNet v2 (pre-activation units), for CIFAR-sized and ImageNet-sized images.

K. He, X. Zhang, S. Ren and J. Sun, "Identity mappings in deep residual
networks", ECCV 2016.  Layer names follow MXNet's example (``stage1_unit1_bn1``,
``bn_data``, ``fc1``...), so its checkpoints load.

Depths: images of height <= 28 take 6n+2 (20, 32, 44, 56, 110, ...) or, from
164, 9n+2 with bottlenecks; larger images take 18, 34, 50, 101, 152, 200, 269.
"""
import numpy as np

import mxlite as mx

from ._util import parse_image_shape

IMAGENET_UNITS = {18: (2, 2, 2, 2), 34: (3, 4, 6, 3), 50: (3, 4, 6, 3), 101: (3, 4, 23, 3),
                  152: (3, 8, 36, 3), 200: (3, 24, 36, 3), 269: (3, 30, 48, 8)}


def _bn(data, name, fix_gamma=False, bn_mom=0.9):
    return mx.sym.BatchNorm(data=data, fix_gamma=fix_gamma, eps=2e-5, momentum=bn_mom, name=name)


def _conv(data, num_filter, kernel, stride, pad, name, workspace):
    return mx.sym.Convolution(data=data, num_filter=num_filter, kernel=kernel, stride=stride,
                              pad=pad, no_bias=True, workspace=workspace, name=name)


def residual_unit(data, num_filter, stride, dim_match, name, bottle_neck=True, bn_mom=0.9,
                  workspace=256, memonger=False):
    """One pre-activation unit: (BN, ReLU, conv) x 2 or x 3 (bottleneck), plus the shortcut."""
    if bottle_neck:
        specs = ((int(num_filter * 0.25), (1, 1), (1, 1), (0, 0)),
                 (int(num_filter * 0.25), (3, 3), stride, (1, 1)),
                 (num_filter, (1, 1), (1, 1), (0, 0)))
    else:
        specs = ((num_filter, (3, 3), stride, (1, 1)),
                 (num_filter, (3, 3), (1, 1), (1, 1)))
    net, first_act = data, None
    for i, (filters, kernel, s, pad) in enumerate(specs, 1):
        net = _bn(net, '%s_bn%d' % (name, i), bn_mom=bn_mom)
        net = mx.sym.Activation(data=net, act_type='relu', name='%s_relu%d' % (name, i))
        if first_act is None:
            first_act = net
        net = _conv(net, filters, kernel, s, pad, '%s_conv%d' % (name, i), workspace)
    if dim_match:
        shortcut = data
    else:
        shortcut = mx.sym.Convolution(data=first_act, num_filter=num_filter, kernel=(1, 1),
                                      stride=stride, no_bias=True, workspace=workspace,
                                      name=name + '_sc')
    if memonger:
        shortcut._set_attr(mirror_stage='True')
    return net + shortcut


def resnet(units, num_stages, filter_list, num_classes, image_shape, bottle_neck=True,
           bn_mom=0.9, workspace=256, dtype='float32', memonger=False):
    """The ResNet v2 symbol for ``units`` units in each of ``num_stages`` stages."""
    if len(units) != num_stages:
        raise ValueError('resnet: %d stages but %d unit counts' % (num_stages, len(units)))
    data = mx.sym.Variable(name='data')
    if dtype == 'float32':
        data = mx.sym.identity(data=data, name='id')
    elif dtype == 'float16':
        data = mx.sym.Cast(data=data, dtype=np.float16)
    data = _bn(data, 'bn_data', fix_gamma=True, bn_mom=bn_mom)
    height = image_shape[1]
    if height <= 32:
        body = _conv(data, filter_list[0], (3, 3), (1, 1), (1, 1), 'conv0', workspace)
    else:
        body = _conv(data, filter_list[0], (7, 7), (2, 2), (3, 3), 'conv0', workspace)
        body = _bn(body, 'bn0', bn_mom=bn_mom)
        body = mx.sym.Activation(data=body, act_type='relu', name='relu0')
        body = mx.sym.Pooling(data=body, kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                              pool_type='max')
    for i in range(num_stages):
        s = 1 if i == 0 else 2
        body = residual_unit(body, filter_list[i + 1], (s, s), False,
                             name='stage%d_unit1' % (i + 1), bottle_neck=bottle_neck,
                             workspace=workspace, memonger=memonger)
        for j in range(units[i] - 1):
            body = residual_unit(body, filter_list[i + 1], (1, 1), True,
                                 name='stage%d_unit%d' % (i + 1, j + 2), bottle_neck=bottle_neck,
                                 workspace=workspace, memonger=memonger)
    body = _bn(body, 'bn1', bn_mom=bn_mom)
    body = mx.sym.Activation(data=body, act_type='relu', name='relu1')
    body = mx.sym.Pooling(data=body, global_pool=True, kernel=(7, 7), pool_type='avg',
                          name='pool1')
    body = mx.sym.FullyConnected(data=mx.sym.Flatten(data=body), num_hidden=num_classes,
                                 name='fc1')
    if dtype == 'float16':
        body = mx.sym.Cast(data=body, dtype=np.float32)
    return mx.sym.SoftmaxOutput(data=body, name='softmax')


def stage_config(num_layers, image_shape, name='resnet'):
    """(units, num_stages, filter_list, bottle_neck) for a depth and an image shape."""
    height = image_shape[1]
    if height <= 28:
        if num_layers is not None and num_layers >= 164 and (num_layers - 2) % 9 == 0:
            return [(num_layers - 2) // 9] * 3, 3, [16, 64, 128, 256], True
        if num_layers is not None and num_layers < 164 and (num_layers - 2) % 6 == 0 \
                and num_layers > 2:
            return [(num_layers - 2) // 6] * 3, 3, [16, 16, 32, 64], False
        raise ValueError('%s: --num-layers %s does not fit %dx%d images; use 6n+2 (20, 32, 44, '
                         '56, 110) or, from 164, 9n+2' % (name, num_layers, height,
                                                          image_shape[2]))
    if num_layers not in IMAGENET_UNITS:
        raise ValueError('%s: --num-layers %s is not an ImageNet ResNet depth; use one of %s'
                         % (name, num_layers, ', '.join(map(str, sorted(IMAGENET_UNITS)))))
    if num_layers >= 50:
        filters = [64, 256, 512, 1024, 2048]
    else:
        filters = [64, 64, 128, 256, 512]
    return list(IMAGENET_UNITS[num_layers]), 4, filters, num_layers >= 50


def get_symbol(num_classes, num_layers, image_shape, conv_workspace=256, dtype='float32',
               **kwargs):
    image_shape = parse_image_shape(image_shape)
    units, num_stages, filter_list, bottle_neck = stage_config(num_layers, image_shape)
    return resnet(units=units, num_stages=num_stages, filter_list=filter_list,
                  num_classes=num_classes, image_shape=image_shape, bottle_neck=bottle_neck,
                  workspace=conv_workspace, dtype=dtype)
