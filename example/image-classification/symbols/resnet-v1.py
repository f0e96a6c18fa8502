"""ResNet v1 (the original post-activation units of the ILSVRC 2015 network).

K. He, X. Zhang, S. Ren and J. Sun, "Deep residual learning for image
recognition", CVPR 2016.  Depths as in ``resnet.py``; layer names follow MXNet's
``resnet-v1`` example.
"""
import numpy as np

import mxlite as mx

from ._util import parse_image_shape
from .resnet import stage_config


def _bn(data, name, bn_mom=0.9):
    return mx.sym.BatchNorm(data=data, fix_gamma=False, eps=2e-5, momentum=bn_mom, name=name)


def residual_unit(data, num_filter, stride, dim_match, name, bottle_neck=True, bn_mom=0.9,
                  workspace=256, memonger=False):
    """(conv, BN, ReLU) x 2 or x 3 (bottleneck, stride on the first 1x1), shortcut, ReLU."""
    if bottle_neck:
        specs = ((int(num_filter * 0.25), (1, 1), stride, (0, 0)),
                 (int(num_filter * 0.25), (3, 3), (1, 1), (1, 1)),
                 (num_filter, (1, 1), (1, 1), (0, 0)))
    else:
        specs = ((num_filter, (3, 3), stride, (1, 1)),
                 (num_filter, (3, 3), (1, 1), (1, 1)))
    net = data
    for i, (filters, kernel, s, pad) in enumerate(specs, 1):
        net = mx.sym.Convolution(data=net, num_filter=filters, kernel=kernel, stride=s, pad=pad,
                                 no_bias=True, workspace=workspace, name='%s_conv%d' % (name, i))
        net = _bn(net, '%s_bn%d' % (name, i), bn_mom)
        if i < len(specs):
            net = mx.sym.Activation(data=net, act_type='relu', name='%s_relu%d' % (name, i))
    if dim_match:
        shortcut = data
    else:
        shortcut = mx.sym.Convolution(data=data, num_filter=num_filter, kernel=(1, 1),
                                      stride=stride, no_bias=True, workspace=workspace,
                                      name=name + '_conv1sc')
        shortcut = _bn(shortcut, name + '_sc', bn_mom)
    if memonger:
        shortcut._set_attr(mirror_stage='True')
    return mx.sym.Activation(data=net + shortcut, act_type='relu', name=name + '_relu3')


def resnet(units, num_stages, filter_list, num_classes, image_shape, bottle_neck=True,
           bn_mom=0.9, workspace=256, dtype='float32', memonger=False):
    """The ResNet v1 symbol for ``units`` units in each of ``num_stages`` stages."""
    if len(units) != num_stages:
        raise ValueError('resnet-v1: %d stages but %d unit counts' % (num_stages, len(units)))
    data = mx.sym.Variable(name='data')
    if dtype == 'float32':
        data = mx.sym.identity(data=data, name='id')
    elif dtype == 'float16':
        data = mx.sym.Cast(data=data, dtype=np.float16)
    if image_shape[1] <= 32:
        body = mx.sym.Convolution(data=data, num_filter=filter_list[0], kernel=(3, 3),
                                  stride=(1, 1), pad=(1, 1), no_bias=True, name='conv0',
                                  workspace=workspace)
        body = _bn(body, 'bn0', bn_mom)
    else:
        body = mx.sym.Convolution(data=data, num_filter=filter_list[0], kernel=(7, 7),
                                  stride=(2, 2), pad=(3, 3), no_bias=True, name='conv0',
                                  workspace=workspace)
        body = _bn(body, 'bn0', bn_mom)
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
    body = mx.sym.Pooling(data=body, global_pool=True, kernel=(7, 7), pool_type='avg',
                          name='pool1')
    body = mx.sym.FullyConnected(data=mx.sym.Flatten(data=body), num_hidden=num_classes,
                                 name='fc1')
    if dtype == 'float16':
        body = mx.sym.Cast(data=body, dtype=np.float32)
    return mx.sym.SoftmaxOutput(data=body, name='softmax')


def get_symbol(num_classes, num_layers, image_shape, conv_workspace=256, dtype='float32',
               **kwargs):
    image_shape = parse_image_shape(image_shape)
    units, num_stages, filter_list, bottle_neck = stage_config(num_layers, image_shape,
                                                               'resnet-v1')
    return resnet(units=units, num_stages=num_stages, filter_list=filter_list,
                  num_classes=num_classes, image_shape=image_shape, bottle_neck=bottle_neck,
                  workspace=conv_workspace, dtype=dtype)
