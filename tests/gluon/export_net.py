"""A small network exported by mxlite and loaded by MXNet 1.9.1 (and the reverse).

``build(mx)`` makes it with deterministic parameters, identical in both libraries;
the golden files under tests/data/gluon/export/ were written like this (mxnet_saved*.params:
the oracle's save_parameters and collect_params().save(strip_prefix=net.prefix) of build(mxnet)):
    mxlite:  net.export('tests/data/gluon/export/mxlite_net')      (build(mxlite))
    oracle:  outputs of SymbolBlock.imports and Module on those files -> oracle_outputs.json,
             and net.export('.../mxnet_net') of build(mxnet) for the reverse direction.
"""
import numpy as np


def build(mx):
    nn = mx.gluon.nn
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(4, kernel_size=3, padding=1, in_channels=1),
                nn.BatchNorm(in_channels=4), nn.Activation('relu'),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Conv2D(6, kernel_size=3, strides=2, use_bias=False, in_channels=4),
                nn.LeakyReLU(0.1), nn.GlobalAvgPool2D(), nn.Flatten(),
                nn.Dense(8, activation='tanh', in_units=6), nn.Dropout(0.3),
                nn.Dense(3, in_units=8))
    net.initialize()
    rs = np.random.RandomState(11)
    for name, p in net.collect_params().items():
        lo, hi = (0.5, 1.5) if name.endswith(('gamma', 'running_var')) else (-0.5, 0.5)
        p.set_data(mx.nd.array(rs.uniform(lo, hi, p.shape)))
    return net


def inputs():
    return np.random.RandomState(5).uniform(-1, 1, (2, 1, 10, 10)).astype(np.float32)


if __name__ == '__main__':
    # writes the mxlite half of the golden: python tests/gluon/export_net.py
    import os
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, os.path.join(here, '..', '..'))
    import mxlite
    with mxlite.name.NameManager():
        net = build(mxlite)
    net.hybridize()
    net(mxlite.nd.array(inputs()))
    print(net.export(os.path.join(here, '..', 'data', 'gluon', 'export', 'mxlite_net')))
