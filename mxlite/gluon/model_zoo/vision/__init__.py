"""``gluon.model_zoo.vision``: ImageNet classification networks by name (MXNet 1.9.1's set).

``get_model(name, pretrained=False, classes=1000, ...)``; weights for
``pretrained=True`` come from the local model store only.
"""
from ....base import MXNetError
from .alexnet import AlexNet, alexnet
from .densenet import DenseNet, get_densenet, densenet121, densenet161, densenet169, densenet201
from .mobilenet import (MobileNet, MobileNetV2, get_mobilenet, get_mobilenet_v2, mobilenet1_0,
                        mobilenet0_75, mobilenet0_5, mobilenet0_25, mobilenet_v2_1_0,
                        mobilenet_v2_0_75, mobilenet_v2_0_5, mobilenet_v2_0_25)
from .resnet import (ResNetV1, ResNetV2, BasicBlockV1, BasicBlockV2, BottleneckV1, BottleneckV2,
                     get_resnet, resnet18_v1, resnet34_v1, resnet50_v1, resnet101_v1,
                     resnet152_v1, resnet18_v2, resnet34_v2, resnet50_v2, resnet101_v2,
                     resnet152_v2)
from .squeezenet import SqueezeNet, get_squeezenet, squeezenet1_0, squeezenet1_1
from .vgg import VGG, get_vgg, vgg11, vgg13, vgg16, vgg19, vgg11_bn, vgg13_bn, vgg16_bn, vgg19_bn

_models = {
    'resnet18_v1': resnet18_v1, 'resnet34_v1': resnet34_v1, 'resnet50_v1': resnet50_v1,
    'resnet101_v1': resnet101_v1, 'resnet152_v1': resnet152_v1,
    'resnet18_v2': resnet18_v2, 'resnet34_v2': resnet34_v2, 'resnet50_v2': resnet50_v2,
    'resnet101_v2': resnet101_v2, 'resnet152_v2': resnet152_v2,
    'vgg11': vgg11, 'vgg13': vgg13, 'vgg16': vgg16, 'vgg19': vgg19,
    'vgg11_bn': vgg11_bn, 'vgg13_bn': vgg13_bn, 'vgg16_bn': vgg16_bn,
    'vgg19_bn': vgg19_bn,
    'alexnet': alexnet,
    'densenet121': densenet121, 'densenet161': densenet161,
    'densenet169': densenet169, 'densenet201': densenet201,
    'squeezenet1.0': squeezenet1_0, 'squeezenet1.1': squeezenet1_1,
    'mobilenet1.0': mobilenet1_0, 'mobilenet0.75': mobilenet0_75,
    'mobilenet0.5': mobilenet0_5, 'mobilenet0.25': mobilenet0_25,
    'mobilenetv2_1.0': mobilenet_v2_1_0, 'mobilenetv2_0.75': mobilenet_v2_0_75,
    'mobilenetv2_0.5': mobilenet_v2_0_5, 'mobilenetv2_0.25': mobilenet_v2_0_25,
}


__all__ = ['get_model', 'AlexNet', 'DenseNet', 'MobileNet', 'MobileNetV2', 'ResNetV1',
           'ResNetV2', 'BasicBlockV1', 'BasicBlockV2', 'BottleneckV1', 'BottleneckV2',
           'SqueezeNet', 'VGG', 'get_densenet', 'get_mobilenet', 'get_mobilenet_v2',
           'get_resnet', 'get_squeezenet', 'get_vgg', 'alexnet', 'densenet121', 'densenet161',
           'densenet169', 'densenet201', 'mobilenet1_0', 'mobilenet0_75', 'mobilenet0_5',
           'mobilenet0_25', 'mobilenet_v2_1_0', 'mobilenet_v2_0_75', 'mobilenet_v2_0_5',
           'mobilenet_v2_0_25', 'resnet18_v1', 'resnet34_v1', 'resnet50_v1', 'resnet101_v1',
           'resnet152_v1', 'resnet18_v2', 'resnet34_v2', 'resnet50_v2', 'resnet101_v2',
           'resnet152_v2', 'squeezenet1_0', 'squeezenet1_1', 'vgg11', 'vgg13', 'vgg16', 'vgg19',
           'vgg11_bn', 'vgg13_bn', 'vgg16_bn', 'vgg19_bn']


def get_model(name, **kwargs):
    """The network ``name`` (e.g. 'resnet50_v1', 'mobilenetv2_1.0'), built with ``kwargs``
    (``pretrained``, ``ctx``, ``root``, ``classes``, ...)."""
    name = name.lower()
    if name == 'inceptionv3':
        raise MXNetError('Model inceptionv3 is not available in mxlite\'s model zoo')
    if name not in _models:
        raise MXNetError('Model %s is not supported. Available options are\n\t%s'
                         % (name, '\n\t'.join(sorted(_models.keys()))))
    return _models[name](**kwargs)
