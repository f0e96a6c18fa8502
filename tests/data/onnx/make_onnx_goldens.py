"""ONNX goldens: the same networks exported by MXNet 1.9.1 and by mxlite, cross-checked.

Two steps::

    python tests/data/onnx/make_onnx_goldens.py mxlite            # with mxlite (+ onnx)
    /tmp/mxref/bin/python tests/data/onnx/make_onnx_goldens.py mxnet   # MXNet 1.9.1 with onnx 1.14

``mxlite`` writes each network of tests/onnx/onnx_nets.py (softmax heads:
MXNet 1.9.1's exporter cannot convert a SoftmaxOutput whose label is not
given) as ``<net>-symbol.json`` + ``<net>-0000.params`` and an input, and
exports it with mxlite to ``/tmp/mxlite_onnx_goldens/<net>.onnx``.
``mxnet`` runs each network in MXNet, exports it with MXNet's
``mx.onnx.export_model`` to ``<net>_mxnet.onnx``, imports mxlite's ONNX
file with ``mx.contrib.onnx.import_model`` and runs that too; all outputs
go to ``mxnet_outputs.npz``.  (MXNet 1.9.1's importer only reads models
whose initializers are also listed as graph inputs, the pre-IR-4 style;
mxlite, like current exporters, leaves them out -- onnxruntime warns about
each one otherwise -- so the copy MXNet imports gets them added, a change
of metadata only.)
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..'))
TMP = '/tmp/mxlite_onnx_goldens'
SHAPES = {'lenet': (2, 1, 28, 28), 'resnet': (2, 3, 32, 32), 'densenet': (2, 3, 12, 12)}


def build(name):
    import onnx_nets
    if name == 'lenet':
        return onnx_nets.lenet(head='softmax')
    if name == 'resnet':
        return onnx_nets.resnet18(width=4, head='softmax')
    return onnx_nets.densenet_block()


def write_mxlite():
    sys.path.insert(0, REPO)
    sys.path.insert(0, os.path.join(REPO, 'tests', 'onnx'))
    import mxlite as mx
    import onnx_nets
    os.makedirs(TMP, exist_ok=True)
    inputs = {}
    for name, shape in SHAPES.items():
        sym = build(name)
        args, aux = onnx_nets.random_params(sym, {'data': shape}, seed=3)
        mx.model.save_checkpoint(os.path.join(HERE, name), 0, sym, args, aux)
        mx.onnx.export_model(sym, dict(args, **aux), [shape], np.float32,
                             os.path.join(TMP, name + '.onnx'))
        inputs[name] = np.random.RandomState(9).standard_normal(shape).astype(np.float32)
    np.savez(os.path.join(HERE, 'inputs.npz'), **inputs)


def _run(mx, sym, args, aux, x):
    ex = sym.simple_bind(mx.cpu(), grad_req='null', data=x.shape)
    ex.copy_params_from(args, aux, allow_extra_params=True)
    ex.arg_dict['data'][:] = x
    return ex.forward(is_train=False)[0].asnumpy()


def _with_initializer_inputs(path):
    import onnx
    from onnx import helper
    model = onnx.load(path)
    listed = {i.name for i in model.graph.input}
    for t in model.graph.initializer:
        if t.name not in listed:
            model.graph.input.append(helper.make_tensor_value_info(t.name, t.data_type, t.dims))
    out = path[:-5] + '_for_mxnet.onnx'
    onnx.save(model, out)
    return out


def run_mxnet():
    import mxnet as mx
    inputs = np.load(os.path.join(HERE, 'inputs.npz'))
    out = {}
    for name, shape in SHAPES.items():
        sym, args, aux = mx.model.load_checkpoint(os.path.join(HERE, name), 0)
        x = inputs[name]
        out[name] = _run(mx, sym, args, aux, x)
        mx.onnx.export_model(sym, dict(args, **aux), [shape], np.float32,
                             os.path.join(HERE, name + '_mxnet.onnx'))
        isym, iargs, iaux = mx.contrib.onnx.import_model(
            _with_initializer_inputs(os.path.join(TMP, name + '.onnx')))
        out[name + '_mxnet_import_of_mxlite'] = _run(mx, isym, iargs, iaux, x)
        print(name, float(np.abs(out[name] - out[name + '_mxnet_import_of_mxlite']).max()))
    np.savez(os.path.join(HERE, 'mxnet_outputs.npz'), **out)


if __name__ == '__main__':
    {'mxlite': write_mxlite, 'mxnet': run_mxnet}[sys.argv[1]]()
