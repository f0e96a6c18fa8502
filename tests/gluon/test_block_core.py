"""Gluon core: summary tables, names, reprs, Constant and Trainer vs MXNet 1.9.1 (golden
tests/data/gluon/core.json), parameter files from MXNet, hooks, save/load, cast, states."""
import json
import os

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.gluon import nn

import core_cases
import export_net

D = os.path.join(os.path.dirname(__file__), '..', 'data', 'gluon')


def test_core_behaviour_matches_mxnet():
    ref = json.load(open(os.path.join(D, 'core.json')))
    with mx.name.NameManager():
        got = json.loads(json.dumps(core_cases.run(mx)))
    assert set(got) == set(ref)
    for key, value in ref.items():
        if key == 'trainer_w':
            np.testing.assert_allclose(got[key], value, rtol=1e-6)
        else:
            assert got[key] == value, key


def test_load_parameters_saved_by_mxnet():
    x = mx.nd.array(export_net.inputs())
    oracle = json.load(open(os.path.join(D, 'export', 'oracle_outputs.json')))['mxnet_built']
    for fname in ('mxnet_saved.params', 'mxnet_saved_legacy.params'):
        with mx.name.NameManager():
            net = export_net.build(mx)
        for p in net.collect_params().values():
            p.set_data(mx.nd.zeros(p.shape))
        net.load_parameters(os.path.join(D, 'export', fname))
        np.testing.assert_allclose(net(x).asnumpy(), oracle, rtol=1e-5, atol=1e-6)


def test_save_load_roundtrip_and_errors(tmp_path):
    net = export_net.build(mx)
    f = str(tmp_path / 'p.params')
    net.save_parameters(f)
    other = export_net.build(mx)
    for p in other.collect_params().values():
        p.set_data(mx.nd.zeros(p.shape))
    other.load_parameters(f)
    x = mx.nd.array(export_net.inputs())
    np.testing.assert_array_equal(other(x).asnumpy(), net(x).asnumpy())
    small = nn.HybridSequential()
    small.add(nn.Dense(2, in_units=3))
    small.initialize()
    with pytest.raises(MXNetError, match='shape incompatible'):
        small.load_parameters(f)


def test_hooks_cast_and_deferred_errors():
    net = nn.Dense(3)
    calls = []
    pre = net.register_forward_pre_hook(lambda b, i: calls.append('pre'))
    post = net.register_forward_hook(lambda b, i, o: calls.append(o.shape))
    net.initialize()
    with pytest.raises(MXNetError, match='deferred'):
        net.weight.data()
    net(mx.nd.ones((2, 4)))
    assert calls == ['pre', (2, 3)] and net.weight.shape == (3, 4)
    pre.detach()
    post.detach()
    net(mx.nd.ones((2, 4)))
    assert len(calls) == 2
    net.cast('float64')
    assert net(mx.nd.ones((1, 4), dtype='float64')).dtype == np.float64
    with pytest.warns(UserWarning, match='already initialized'):
        net.initialize()
    net.initialize(mx.init.One(), force_reinit=True)
    assert net.weight.data().asnumpy().sum() == 12


def test_trainer_states_roundtrip(tmp_path):
    def make():
        d = nn.Dense(2, in_units=3)
        d.initialize(mx.init.One())
        return d, mx.gluon.Trainer(d.collect_params(), 'adam', {'learning_rate': 0.1})
    x = mx.nd.array([[1., 2., 3.]])

    def step(d, tr):
        with mx.autograd.record():
            loss = (d(x) ** 2).sum()
        loss.backward()
        tr.step(1)
    a, ta = make()
    step(a, ta)
    ta.save_states(str(tmp_path / 's.states'))
    b, tb = make()
    b.weight.set_data(a.weight.data())
    b.bias.set_data(a.bias.data())
    tb.load_states(str(tmp_path / 's.states'))
    step(a, ta)
    step(b, tb)
    np.testing.assert_allclose(a.weight.data().asnumpy(), b.weight.data().asnumpy(), rtol=1e-6)


def test_export_requires_forward_and_symbolblock_multi_output(tmp_path):
    net = nn.HybridSequential()
    net.add(nn.Dense(2, in_units=3))
    net.initialize()
    net.hybridize()
    with pytest.raises(MXNetError, match='forward'):
        net.export(str(tmp_path / 'n'))
    data = mx.sym.var('data')
    fc = mx.sym.FullyConnected(data, num_hidden=2, name='fc')
    blk = mx.gluon.SymbolBlock([fc, mx.sym.relu(fc)], data)
    blk.initialize()
    out = blk(mx.nd.ones((1, 3)))
    assert isinstance(out, list) and len(out) == 2 and out[1].shape == (1, 2)
