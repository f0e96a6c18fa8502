"""gluon.nn layers: reprs, parameter names/shapes/grad_reqs and outputs vs MXNet 1.9.1."""
import json
import os

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.gluon import nn

import layer_cases

GOLDEN = os.path.join(os.path.dirname(__file__), '..', 'data', 'gluon', 'layers.json')


@pytest.fixture(scope='module')
def results():
    mx.random.seed(0)
    with mx.name.NameManager():     # fresh counters: dense0, conv0, ... as in the golden run
        got = layer_cases.run(mx)
    return got, json.load(open(GOLDEN))


def test_layers_match_mxnet(results):
    got, ref = results
    assert set(got) == set(ref)
    for key, r in ref.items():
        g = got[key]
        if key == 'slice':
            assert g == r
            continue
        assert g['repr'] == r['repr'], key
        assert [list(p) for p in g['params']] == r['params'], key
        if r['out'] is not None:
            np.testing.assert_allclose(np.array(g['out'], dtype=float), np.array(r['out']),
                                       atol=2e-4, err_msg=key)


def test_hybridized_layers_agree():
    rs = np.random.RandomState(1)
    for layer, shape in [(nn.Conv2D(3, 3, padding=1, activation='relu'), (2, 2, 5, 5)),
                         (nn.Conv2DTranspose(2, 4, strides=2), (1, 3, 3, 3)),
                         (nn.BatchNorm(), (4, 3, 2, 2)), (nn.LayerNorm(), (3, 5)),
                         (nn.PReLU(), (2, 4)), (nn.Swish(), (2, 4)),
                         (nn.ReflectionPad2D(2), (1, 1, 4, 4)), (nn.Embedding(7, 2), (3,))]:
        layer.initialize(mx.init.Xavier())
        x = mx.nd.array(rs.randint(0, 7, shape) if isinstance(layer, nn.Embedding)
                        else rs.randn(*shape))
        if not isinstance(layer, nn.Embedding):
            x.attach_grad()
        with mx.autograd.record():
            a = layer(x)
        a.backward()
        grads = {k: p.grad().asnumpy().copy() for k, p in layer.collect_params().items()
                 if p.grad_req != 'null'}
        layer.hybridize()
        with mx.autograd.record():
            b = layer(x)
        b.backward()
        np.testing.assert_allclose(a.asnumpy(), b.asnumpy(), rtol=1e-5, atol=1e-6)
        for k, g in grads.items():
            np.testing.assert_allclose(layer.collect_params()[k].grad().asnumpy(), g,
                                       rtol=1e-5, atol=1e-6)


def test_batchnorm_updates_running_stats_in_backward_as_mxnet():
    bn = nn.BatchNorm(in_channels=2)
    bn.initialize()
    x = mx.nd.array(np.arange(8, dtype=np.float32).reshape(2, 2, 2))
    bn(x)
    assert np.allclose(bn.running_mean.data().asnumpy(), 0)
    with mx.autograd.record():
        y = bn(x)
    assert np.allclose(bn.running_mean.data().asnumpy(), 0)   # MXNet updates in backward
    y.backward()
    mean = x.asnumpy().transpose(1, 0, 2).reshape(2, -1).mean(1)
    np.testing.assert_allclose(bn.running_mean.data().asnumpy(), 0.1 * mean, rtol=1e-5)


def test_sequential_containers():
    net = nn.Sequential()
    with net.name_scope():
        net.add(nn.Dense(4), nn.Dense(2))
    assert len(net) == 2 and isinstance(net[0], nn.Dense)
    sub = net[:1]
    assert isinstance(sub, nn.Sequential) and len(sub) == 1 and sub.prefix == net.prefix
    with pytest.warns(UserWarning, match='HybridSequential'):
        net.hybridize()
    h = nn.HybridSequential()
    with pytest.raises(MXNetError, match='HybridSequential'):
        h.add(nn.Lambda('relu'))


def test_param_names_and_default_initializers():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(4, 3), nn.BatchNorm(), nn.Dense(2))
    names = list(net.collect_params().keys())
    p = net.prefix
    assert names == [p + 'conv0_weight', p + 'conv0_bias', p + 'batchnorm0_gamma',
                     p + 'batchnorm0_beta', p + 'batchnorm0_running_mean',
                     p + 'batchnorm0_running_var', p + 'dense0_weight', p + 'dense0_bias']
    net.initialize()
    net(mx.nd.ones((1, 2, 5, 5)))
    prm = net.collect_params()
    assert np.all(prm[p + 'conv0_bias'].data().asnumpy() == 0)
    assert np.all(prm[p + 'batchnorm0_gamma'].data().asnumpy() == 1)
    assert np.all(prm[p + 'batchnorm0_running_var'].data().asnumpy() == 1)
    w = prm[p + 'dense0_weight'].data().asnumpy()
    assert w.shape == (2, 36) and np.abs(w).max() <= 0.07 and np.abs(w).max() > 0


def test_unsupported_options_raise_clear_errors():
    with pytest.raises(MXNetError, match='layout'):
        nn.Conv2D(4, 3, layout='NHWC')
    with pytest.raises(MXNetError, match='3-D'):
        nn.Conv3D(4, 3)
    with pytest.raises(MXNetError, match='layout'):
        nn.MaxPool2D(layout='NHWC')
    with pytest.raises(MXNetError, match='sparse'):
        nn.Embedding(4, 2, sparse_grad=True)
    with pytest.raises(MXNetError, match='not found'):
        nn.Lambda('no_such_op')
    with pytest.raises(MXNetError):
        nn.LeakyReLU(-1)


def test_lambda_and_dense_export_names(tmp_path):
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(3, activation='relu', in_units=2), nn.HybridLambda('tanh'))
    net.initialize()
    net.hybridize()
    net(mx.nd.ones((1, 2)))
    sym_file, _ = net.export(str(tmp_path / 'm'))
    sym = mx.sym.load(sym_file)
    names = sym.get_internals().list_outputs()
    assert net.prefix + 'dense0_fwd_output' in names
    assert net.prefix + 'dense0_relu_fwd_output' in names
