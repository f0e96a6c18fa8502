"""Network configurations compared with MXNet 1.9.1 (tests/data/golden_example_symbols.json.gz).

key: (network file in symbols/, get_symbol keyword arguments, data shape)
"""
CASES = {
    'mlp': ('mlp', {'num_classes': 10}, (2, 1, 28, 28)),
    'lenet': ('lenet', {'num_classes': 10}, (2, 1, 28, 28)),
    'alexnet': ('alexnet', {'num_classes': 1000}, (1, 3, 224, 224)),
    'vgg11': ('vgg', {'num_classes': 1000, 'num_layers': 11}, (1, 3, 224, 224)),
    'vgg16_bn': ('vgg', {'num_classes': 100, 'num_layers': 16, 'batch_norm': True},
                 (1, 3, 224, 224)),
    'resnet20_cifar': ('resnet', {'num_classes': 10, 'num_layers': 20,
                                  'image_shape': '3,28,28'}, (2, 3, 28, 28)),
    'resnet164_cifar': ('resnet', {'num_classes': 10, 'num_layers': 164,
                                   'image_shape': '3,28,28'}, (2, 3, 28, 28)),
    'resnet18': ('resnet', {'num_classes': 1000, 'num_layers': 18,
                            'image_shape': '3,224,224'}, (1, 3, 224, 224)),
    'resnet50': ('resnet', {'num_classes': 1000, 'num_layers': 50,
                            'image_shape': '3,224,224'}, (1, 3, 224, 224)),
    'resnet50_fp16': ('resnet', {'num_classes': 10, 'num_layers': 50, 'image_shape': '3,64,64',
                                 'dtype': 'float16'}, (1, 3, 64, 64)),
    'resnet_v1_20_cifar': ('resnet-v1', {'num_classes': 10, 'num_layers': 20,
                                         'image_shape': '3,28,28'}, (2, 3, 28, 28)),
    'resnet_v1_50': ('resnet-v1', {'num_classes': 1000, 'num_layers': 50,
                                   'image_shape': '3,224,224'}, (1, 3, 224, 224)),
    'inception_bn_28': ('inception-bn', {'num_classes': 10, 'image_shape': '3,28,28'},
                        (2, 3, 28, 28)),
    'inception_bn': ('inception-bn', {'num_classes': 1000, 'image_shape': '3,224,224'},
                     (1, 3, 224, 224)),
    'googlenet': ('googlenet', {'num_classes': 1000}, (1, 3, 224, 224)),
    'mobilenet': ('mobilenet', {'num_classes': 1000}, (1, 3, 224, 224)),
    'mobilenet_025': ('mobilenet', {'num_classes': 10, 'alpha': 0.25}, (1, 3, 224, 224)),
}
