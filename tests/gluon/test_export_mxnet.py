"""Export compatibility with real MXNet 1.9.1 (checked by hand with the oracle; golden files
in tests/data/gluon/export/, see export_net.py): MXNet loads mxlite's export with the same
outputs, mxlite loads MXNet's export, and both write the same graph and identical
parameter files for the same network."""
import json
import os

import numpy as np

import mxlite as mx

import export_net

D = os.path.join(os.path.dirname(__file__), '..', 'data', 'gluon', 'export')
ORACLE = json.load(open(os.path.join(D, 'oracle_outputs.json')))


def test_oracle_ran_mxlite_export_like_mxnet():
    np.testing.assert_allclose(ORACLE['symbolblock'], ORACLE['mxnet_built'], rtol=1e-6)
    np.testing.assert_allclose(ORACLE['module'], ORACLE['mxnet_built'], rtol=1e-6)


def test_mxlite_loads_both_exports_with_mxnet_outputs():
    x = mx.nd.array(export_net.inputs())
    for name in ('mxlite_net', 'mxnet_net'):
        prefix = os.path.join(D, name)
        blk = mx.gluon.SymbolBlock.imports(prefix + '-symbol.json', ['data'],
                                           prefix + '-0000.params')
        np.testing.assert_allclose(blk(x).asnumpy(), ORACLE['mxnet_built'], rtol=1e-5,
                                   atol=1e-6)
        mod = mx.mod.Module.load(prefix, 0, data_names=['data'], label_names=None)
        mod.bind(data_shapes=[('data', x.shape)], for_training=False)
        mod.forward(mx.io.DataBatch([x]), is_train=False)
        np.testing.assert_allclose(mod.get_outputs()[0].asnumpy(), ORACLE['mxnet_built'],
                                   rtol=1e-5, atol=1e-6)


def test_export_writes_mxnets_graph_and_params(tmp_path):
    with mx.name.NameManager():
        net = export_net.build(mx)
    net.hybridize()
    out = net(mx.nd.array(export_net.inputs()))
    np.testing.assert_allclose(out.asnumpy(), ORACLE['mxnet_built'], rtol=1e-5, atol=1e-6)
    sym_file, params_file = net.export(str(tmp_path / 'net'))
    ours = json.load(open(sym_file))
    theirs = json.load(open(os.path.join(D, 'mxnet_net-symbol.json')))
    for key in ('nodes', 'arg_nodes', 'heads'):
        assert ours[key] == theirs[key], key
    with open(params_file, 'rb') as a, open(os.path.join(D, 'mxnet_net-0000.params'), 'rb') as b:
        assert a.read() == b.read()
