"""The four classic networks written as MXNet 1.x tutorials write them (HybridBlock with
``hybrid_forward(self, F, x)``), runnable unchanged by mxlite and by MXNet 1.9.1.

``run(mx)`` builds each with classes=10, sets every parameter to deterministic values
and returns parameter counts and outputs for small inputs; the golden
tests/data/gluon/classic_nets.json is ``run(mxnet)`` from the oracle interpreter.
"""
import numpy as np


def define(mx):
    nn = mx.gluon.nn

    class AlexNet(mx.gluon.HybridBlock):
        def __init__(self, classes=1000, **kwargs):
            super(AlexNet, self).__init__(**kwargs)
            with self.name_scope():
                self.features = nn.HybridSequential(prefix='')
                with self.features.name_scope():
                    self.features.add(nn.Conv2D(64, kernel_size=11, strides=4, padding=2,
                                                activation='relu'))
                    self.features.add(nn.MaxPool2D(pool_size=3, strides=2))
                    self.features.add(nn.Conv2D(192, kernel_size=5, padding=2, activation='relu'))
                    self.features.add(nn.MaxPool2D(pool_size=3, strides=2))
                    self.features.add(nn.Conv2D(384, kernel_size=3, padding=1, activation='relu'))
                    self.features.add(nn.Conv2D(256, kernel_size=3, padding=1, activation='relu'))
                    self.features.add(nn.Conv2D(256, kernel_size=3, padding=1, activation='relu'))
                    self.features.add(nn.MaxPool2D(pool_size=3, strides=2))
                    self.features.add(nn.Flatten())
                    self.features.add(nn.Dense(4096, activation='relu'))
                    self.features.add(nn.Dropout(0.5))
                    self.features.add(nn.Dense(4096, activation='relu'))
                    self.features.add(nn.Dropout(0.5))
                self.output = nn.Dense(classes)

        def hybrid_forward(self, F, x):
            x = self.features(x)
            x = self.output(x)
            return x

    class VGG16(mx.gluon.HybridBlock):
        def __init__(self, classes=1000, **kwargs):
            super(VGG16, self).__init__(**kwargs)
            layers, filters = [2, 2, 3, 3, 3], [64, 128, 256, 512, 512]
            with self.name_scope():
                self.features = nn.HybridSequential(prefix='')
                for i, num in enumerate(layers):
                    for _ in range(num):
                        self.features.add(nn.Conv2D(filters[i], kernel_size=3, padding=1))
                        self.features.add(nn.BatchNorm())
                        self.features.add(nn.Activation('relu'))
                    self.features.add(nn.MaxPool2D(strides=2))
                self.features.add(nn.Dense(4096, activation='relu'))
                self.features.add(nn.Dropout(rate=0.5))
                self.features.add(nn.Dense(4096, activation='relu'))
                self.features.add(nn.Dropout(rate=0.5))
                self.output = nn.Dense(classes)

        def hybrid_forward(self, F, x):
            return self.output(self.features(x))

    class Bottleneck(mx.gluon.HybridBlock):
        def __init__(self, channels, stride, downsample=False, in_channels=0, **kwargs):
            super(Bottleneck, self).__init__(**kwargs)
            with self.name_scope():
                self.body = nn.HybridSequential(prefix='')
                self.body.add(nn.Conv2D(channels // 4, kernel_size=1, strides=stride,
                                        use_bias=False))
                self.body.add(nn.BatchNorm())
                self.body.add(nn.Activation('relu'))
                self.body.add(nn.Conv2D(channels // 4, kernel_size=3, strides=1, padding=1,
                                        use_bias=False))
                self.body.add(nn.BatchNorm())
                self.body.add(nn.Activation('relu'))
                self.body.add(nn.Conv2D(channels, kernel_size=1, strides=1, use_bias=False))
                self.body.add(nn.BatchNorm())
                if downsample:
                    self.downsample = nn.HybridSequential(prefix='')
                    self.downsample.add(nn.Conv2D(channels, kernel_size=1, strides=stride,
                                                  use_bias=False, in_channels=in_channels))
                    self.downsample.add(nn.BatchNorm())
                else:
                    self.downsample = None

        def hybrid_forward(self, F, x):
            residual = x
            x = self.body(x)
            if self.downsample:
                residual = self.downsample(residual)
            return F.Activation(x + residual, act_type='relu')

    class ResNet50(mx.gluon.HybridBlock):
        def __init__(self, classes=1000, **kwargs):
            super(ResNet50, self).__init__(**kwargs)
            layers, channels = [3, 4, 6, 3], [64, 256, 512, 1024, 2048]
            with self.name_scope():
                self.features = nn.HybridSequential(prefix='')
                self.features.add(nn.Conv2D(64, 7, 2, 3, use_bias=False))
                self.features.add(nn.BatchNorm())
                self.features.add(nn.Activation('relu'))
                self.features.add(nn.MaxPool2D(3, 2, 1))
                for i, num_layer in enumerate(layers):
                    stride = 1 if i == 0 else 2
                    stage = nn.HybridSequential(prefix='stage%d_' % (i + 1))
                    with stage.name_scope():
                        stage.add(Bottleneck(channels[i + 1], stride, True,
                                             in_channels=channels[i]))
                        for _ in range(num_layer - 1):
                            stage.add(Bottleneck(channels[i + 1], 1, False,
                                                 in_channels=channels[i + 1]))
                    self.features.add(stage)
                self.features.add(nn.GlobalAvgPool2D())
                self.output = nn.Dense(classes, in_units=channels[-1])

        def hybrid_forward(self, F, x):
            return self.output(self.features(x))

    class DenseLayer(mx.gluon.HybridBlock):
        def __init__(self, growth_rate, bn_size, **kwargs):
            super(DenseLayer, self).__init__(**kwargs)
            with self.name_scope():
                self.net = nn.HybridSequential(prefix='')
                self.net.add(nn.BatchNorm(), nn.Activation('relu'),
                             nn.Conv2D(bn_size * growth_rate, kernel_size=1, use_bias=False),
                             nn.BatchNorm(), nn.Activation('relu'),
                             nn.Conv2D(growth_rate, kernel_size=3, padding=1, use_bias=False))

        def hybrid_forward(self, F, x):
            return F.concat(x, self.net(x), dim=1)

    class DenseNet121(mx.gluon.HybridBlock):
        def __init__(self, classes=1000, growth_rate=32, bn_size=4, **kwargs):
            super(DenseNet121, self).__init__(**kwargs)
            with self.name_scope():
                self.features = nn.HybridSequential(prefix='')
                self.features.add(nn.Conv2D(64, kernel_size=7, strides=2, padding=3,
                                            use_bias=False))
                self.features.add(nn.BatchNorm(), nn.Activation('relu'))
                self.features.add(nn.MaxPool2D(pool_size=3, strides=2, padding=1))
                num_features = 64
                for i, num_layers in enumerate([6, 12, 24, 16]):
                    block = nn.HybridSequential(prefix='stage%d_' % (i + 1))
                    with block.name_scope():
                        for _ in range(num_layers):
                            block.add(DenseLayer(growth_rate, bn_size))
                    self.features.add(block)
                    num_features += num_layers * growth_rate
                    if i != 3:
                        num_features //= 2
                        trans = nn.HybridSequential(prefix='')
                        trans.add(nn.BatchNorm(), nn.Activation('relu'),
                                  nn.Conv2D(num_features, kernel_size=1, use_bias=False),
                                  nn.AvgPool2D(pool_size=2, strides=2))
                        self.features.add(trans)
                self.features.add(nn.BatchNorm(), nn.Activation('relu'))
                self.features.add(nn.GlobalAvgPool2D(), nn.Flatten())
                self.output = nn.Dense(classes)

        def hybrid_forward(self, F, x):
            return self.output(self.features(x))

    return {'alexnet': (AlexNet, (2, 3, 67, 67)), 'vgg16': (VGG16, (2, 3, 32, 32)),
            'resnet50': (ResNet50, (2, 3, 32, 32)), 'densenet121': (DenseNet121, (2, 3, 32, 32))}


def set_params(net):
    """Deterministic values that keep activations in range (same in mxlite and MXNet)."""
    rs = np.random.RandomState(7)
    for name, p in net.collect_params().items():
        shape = p.shape
        if name.endswith(('gamma', 'running_var')):
            v = rs.uniform(0.5, 1.5, shape)
        elif name.endswith(('beta', 'running_mean', 'bias')):
            v = rs.uniform(-0.1, 0.1, shape)
        else:
            fan_in = int(np.prod(shape[1:]))
            v = rs.uniform(-1, 1, shape) * np.sqrt(3.0 / fan_in)
        p.set_data(v.astype(np.float32))


def build(mx, name):
    cls, shape = define(mx)[name]
    net = cls(classes=10)
    net.initialize(mx.init.Zero())      # every value is set below
    x = mx.nd.array(np.random.RandomState(1).uniform(-1, 1, shape))
    net(x)                              # finishes deferred initialisation
    set_params(net)
    return net, x


def run(mx, names=('alexnet', 'vgg16', 'resnet50', 'densenet121')):
    res = {}
    for name in names:
        net, x = build(mx, name)
        params = net.collect_params()
        out = net(x).asnumpy()
        res[name] = {'count': int(sum(int(np.prod(p.shape)) for p in params.values())),
                     'nparams': len(list(params.keys())),
                     'names': [k[len(net.prefix):] for k in params.keys()][:12],
                     'out': out.astype(np.float64).round(6).tolist()}
    return res
