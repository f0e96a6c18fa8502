"""gluon.rnn: cells and layers against MXNet 1.9.1 (outputs, states, input gradients,
parameter names and reprs; golden from the oracle), hybridized cells, clear errors."""
import json
import os

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.gluon import nn, rnn

import rnn_cases
import rnn_export_net
import rnn_op_cases

GOLDEN = os.path.join(os.path.dirname(__file__), '..', 'data', 'gluon', 'rnn.json')


def test_rnn_cells_and_layers_match_mxnet():
    ref = json.load(open(GOLDEN))
    with mx.name.NameManager():
        got = json.loads(json.dumps(rnn_cases.run(mx)))
    assert set(got) == set(ref)
    for key, r in ref.items():
        for field, value in r.items():
            if field in ('repr', 'params'):
                assert got[key][field] == value, (key, field)
            else:
                np.testing.assert_allclose(np.array(got[key][field], dtype=float),
                                           np.array(value, dtype=float), rtol=1e-4, atol=1e-5,
                                           err_msg='%s %s' % (key, field))


def test_fused_rnn_operator_matches_mxnet():
    ref = json.load(open(os.path.join(os.path.dirname(GOLDEN), 'rnn_op.json')))
    got = rnn_op_cases.run(mx)
    assert set(got) == set(ref)
    for key, r in ref.items():
        for field in ('out', 'grads'):
            for a, b in zip(got[key][field], r[field]):
                np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5, err_msg=key)


def test_fused_rnn_operator_shapes_and_errors():
    data = mx.sym.var('data')
    out = mx.sym.RNN(data, mx.sym.var('p'), mx.sym.var('h'), mx.sym.var('c'), state_size=4,
                     num_layers=2, mode='lstm', bidirectional=True, state_outputs=True)
    args, outs, _ = out.infer_shape(data=(5, 3, 6))
    assert args[1] == (2 * (16 * 6 + 16 * 4 + 32) + 2 * (16 * 8 + 16 * 4 + 32),)
    assert outs == [(5, 3, 8), (4, 3, 4), (4, 3, 4)]
    with pytest.raises(MXNetError, match='not supported'):
        mx.nd.RNN(mx.nd.ones((2, 1, 1)), mx.nd.ones((12,)), mx.nd.ones((1, 1, 2)), state_size=2,
                  num_layers=1, mode='gru', projection_size=1)


@pytest.mark.parametrize('cls', [rnn.RNNCell, rnn.LSTMCell, rnn.GRUCell])
def test_hybridized_cell_equals_imperative(cls):
    cell = cls(4, input_size=3)
    cell.initialize(mx.init.Xavier())
    x = mx.nd.array(np.random.RandomState(0).randn(2, 5, 3))
    a, sa = cell.unroll(5, x, merge_outputs=True)
    cell.hybridize()
    b, sb = cell.unroll(5, x, merge_outputs=True)
    np.testing.assert_allclose(a.asnumpy(), b.asnumpy(), rtol=1e-5, atol=1e-6)
    for s1, s2 in zip(sa, sb):
        np.testing.assert_allclose(s1.asnumpy(), s2.asnumpy(), rtol=1e-5, atol=1e-6)


def test_symbolic_unroll_with_begin_state():
    cell = rnn.LSTMCell(3, prefix='lstm_')
    data = mx.sym.var('data')
    states = cell.begin_state(batch_size=2, func=mx.sym.zeros)
    out, _ = cell.unroll(4, data, begin_state=states, merge_outputs=True)
    assert set(out.list_arguments()) == {'data', 'lstm_i2h_weight', 'lstm_h2h_weight',
                                         'lstm_i2h_bias', 'lstm_h2h_bias'}
    _, out_shapes, _ = out.infer_shape(data=(2, 4, 5))
    assert out_shapes == [(2, 4, 3)]
    with pytest.raises(MXNetError, match='begin_state'):
        rnn.GRUCell(3).unroll(4, data)


def test_layer_training_and_errors():
    layer = rnn.LSTM(6, num_layers=2, dropout=0.2, layout='NTC')
    layer.initialize()
    dense = nn.Dense(2, flatten=False)
    dense.initialize()
    params = layer.collect_params()
    params.update(dense.collect_params())
    trainer = mx.gluon.Trainer(params, 'adam', {'learning_rate': 0.05})
    x = mx.nd.array(np.random.RandomState(1).randn(4, 7, 3))
    y = mx.nd.array(np.random.RandomState(2).randn(4, 7, 2))
    losses = []
    for _ in range(30):
        with mx.autograd.record():
            loss = mx.gluon.loss.L2Loss()(dense(layer(x)), y)
        loss.backward()
        trainer.step(4)
        losses.append(loss.mean().asscalar())
    assert losses[-1] < 0.8 * losses[0]
    assert repr(layer) == 'LSTM(3 -> 6, NTC, num_layers=2, dropout=0.2)'
    with pytest.raises(MXNetError, match='Invalid recurrent state shape'):
        layer(x, layer.begin_state(batch_size=3))
    with pytest.raises(MXNetError, match='layout'):
        rnn.GRU(3, layout='NCT')
    with pytest.raises(MXNetError, match='Bidirectional cannot be stepped'):
        rnn.BidirectionalCell(rnn.GRUCell(2), rnn.GRUCell(2))(x[:, 0], [])


EXPORT = os.path.join(os.path.dirname(GOLDEN), 'export')


def test_rnn_net_hybridizes_and_matches_mxnet():
    ref = json.load(open(os.path.join(EXPORT, 'mxnet_rnn_net.json')))['out']
    net, x = rnn_export_net.build(mx)
    imperative = net(x).asnumpy()
    net.hybridize()
    hybrid = net(x).asnumpy()
    np.testing.assert_allclose(imperative, ref, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(hybrid, ref, rtol=1e-5, atol=1e-6)
    # training through the hybridized graph: same gradients as imperative
    grads = []
    for active in (False, True):
        net.hybridize(active)
        with mx.autograd.record():
            loss = (net(x) ** 2).sum()
        loss.backward()
        grads.append([p.grad().asnumpy().copy() for p in net.collect_params().values()])
    for a, b in zip(*grads):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)


def test_rnn_export_is_mxnets_graph_and_loads_both_ways(tmp_path):
    ref = json.load(open(os.path.join(EXPORT, 'mxnet_rnn_net.json')))['out']
    net, x = rnn_export_net.build(mx)
    net.hybridize()
    net(x)
    sym_file, params_file = net.export(str(tmp_path / 'rnn'))
    ours = json.load(open(sym_file))['nodes']
    theirs = json.load(open(os.path.join(EXPORT, 'mxnet_rnn_net-symbol.json')))['nodes']
    assert [(n['op'], n['name'], n['inputs']) for n in ours] == \
        [(n['op'], n['name'], n['inputs']) for n in theirs]
    for a, b in zip(ours, theirs):
        if a['op'] in ('RNN', '_rnn_param_concat', 'SwapAxis', 'Embedding', 'FullyConnected'):
            assert a['attrs'] == b['attrs'], a['name']
    with open(params_file, 'rb') as f1, \
            open(os.path.join(EXPORT, 'mxnet_rnn_net-0000.params'), 'rb') as f2:
        assert f1.read() == f2.read()
    prefix = os.path.join(EXPORT, 'mxnet_rnn_net')
    blk = mx.gluon.SymbolBlock.imports(prefix + '-symbol.json', ['data'], prefix + '-0000.params')
    np.testing.assert_allclose(blk(x).asnumpy(), ref, rtol=1e-5, atol=1e-6)


def test_hybridized_before_first_call_with_deferred_rnn_params():
    """The parent's graph cannot infer the flattened LSTM weights: one imperative pass does."""
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(rnn.LSTM(4, layout='NTC'), nn.Dense(2, flatten=False))
    net.initialize(mx.init.Xavier())
    net.hybridize()
    x = mx.nd.array(np.random.RandomState(3).randn(2, 5, 3))
    hybrid = net(x).asnumpy()
    assert net[0].l0_i2h_weight.shape == (16, 3) and hybrid.shape == (2, 5, 2)
    net.hybridize(False)
    np.testing.assert_allclose(net(x).asnumpy(), hybrid, rtol=1e-5, atol=1e-6)
    gru = rnn.GRU(3, num_layers=2)
    gru.initialize()
    gru.hybridize()
    out, states = gru(mx.nd.ones((4, 2, 5)), gru.begin_state(batch_size=2))
    assert out.shape == (4, 2, 3) and states[0].shape == (2, 2, 3)
