"""Caffe-converter goldens: mxlite-converted checkpoints, run by real MXNet 1.9.1.

Two steps::

    python tests/data/caffe/make_caffe_goldens.py convert         # with mxlite (+ protobuf)
    /tmp/mxref/bin/python tests/data/caffe/make_caffe_goldens.py mxnet

``convert`` writes the test networks of tests/tools/caffe/caffe_nets.py as
``<net>.prototxt`` + ``<net>.caffemodel``, converts them with
tools/caffe_converter (``<net>-symbol.json``, ``<net>-0001.params``) and
stores a fixed input in ``inputs.npz``.  ``mxnet`` loads each checkpoint
with MXNet's ``mx.mod.Module.load`` and ``mx.model.FeedForward.load``, runs
it on that input and writes ``mxnet_outputs.npz``.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
NETS = ('vgg', 'resnet', 'inception')


def convert():
    sys.path.insert(0, REPO)
    sys.path.insert(0, os.path.join(REPO, 'tests', 'tools', 'caffe'))
    import caffe_nets
    import convert_model
    inputs = {}
    for name in NETS:
        text = getattr(caffe_nets, name.upper())
        net = caffe_nets.parse(text)
        with open(os.path.join(HERE, name + '.prototxt'), 'w') as f:
            f.write(text)
        caffe_nets.write_caffemodel(os.path.join(HERE, name + '.caffemodel'), text,
                                    caffe_nets.random_weights(net, seed=7))
        convert_model.convert_model(os.path.join(HERE, name + '.prototxt'),
                                    os.path.join(HERE, name + '.caffemodel'),
                                    os.path.join(HERE, name))
        shape = next(iter(caffe_nets.input_shapes(net).values()))
        inputs[name] = np.random.RandomState(11).standard_normal(shape).astype(np.float32)
    np.savez(os.path.join(HERE, 'inputs.npz'), **inputs)


def run_mxnet():
    import mxnet as mx
    inputs = np.load(os.path.join(HERE, 'inputs.npz'))
    out = {}
    for name in NETS:
        prefix = os.path.join(HERE, name)
        x = inputs[name]
        mod = mx.mod.Module.load(prefix, 1, label_names=['prob_label'])
        mod.bind(data_shapes=[('data', x.shape)], for_training=False)
        mod.forward(mx.io.DataBatch([mx.nd.array(x)]), is_train=False)
        out[name + '_module'] = mod.get_outputs()[0].asnumpy()
        ff = mx.model.FeedForward.load(prefix, 1)
        out[name + '_feedforward'] = ff.predict(x)
        print(name, out[name + '_module'].shape,
              float(np.abs(out[name + '_module'] - out[name + '_feedforward']).max()))
    np.savez(os.path.join(HERE, 'mxnet_outputs.npz'), **out)


if __name__ == '__main__':
    {'convert': convert, 'mxnet': run_mxnet}[sys.argv[1]]()
