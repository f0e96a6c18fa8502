"""Optimizers whose numbers cannot come from MXNet: SGLD (random) and DCASGD with momentum
(MXNet 1.9.1 fails there), checked against independent references; operator errors."""
import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.test_utils import assert_almost_equal


def test_sgld_noise_has_the_langevin_scale():
    mx.random.seed(11)
    lr, wd = 0.04, 0.5
    opt = mx.optimizer.create('sgld', learning_rate=lr, wd=wd, rescale_grad=2.0,
                              clip_gradient=0.3)
    upd = mx.optimizer.get_updater(opt)
    w0 = np.linspace(-1, 1, 200000).astype('float32')
    g = np.full_like(w0, 0.4)
    w = mx.nd.array(w0)
    upd(0, mx.nd.array(g), w)
    drift = -lr / 2 * (np.clip(g * 2.0, -0.3, 0.3) + wd * w0)
    noise = w.asnumpy() - w0 - drift
    assert abs(noise.mean()) < 4 * np.sqrt(lr) / np.sqrt(w0.size)
    assert noise.std() == pytest.approx(np.sqrt(lr), rel=0.01)
    assert upd.states[0] is None and w.dtype == np.float32


def test_sgld_is_reproducible_with_seed():
    outs = []
    for _ in range(2):
        mx.random.seed(5)
        w = mx.nd.zeros((10,))
        mx.optimizer.get_updater(mx.optimizer.create('sgld'))(0, mx.nd.zeros((10,)), w)
        outs.append(w.asnumpy())
    assert_almost_equal(outs[0], outs[1], rtol=0, atol=0)
    assert np.abs(outs[0]).max() > 0


def _dcasgd_reference(w, grads, lr, momentum, lamda, wd, rescale, clip):
    w = w.astype(np.float64)
    prev = w.copy()
    mom = np.zeros_like(w)
    out = []
    for g in grads:
        g = g * rescale
        if clip is not None:
            g = np.clip(g, -clip, clip)
        step = -lr * (g + wd * w + lamda * g * g * (w - prev))
        mom = momentum * mom + step
        prev = w.copy()
        w = w + mom
        out.append(w)
    return out


@pytest.mark.parametrize('kw', [dict(momentum=0.9, lamda=0.5, wd=0.01),
                                dict(momentum=0.5, lamda=0.1, wd=0.0, rescale_grad=2.0,
                                     clip_gradient=0.7)])
def test_dcasgd_momentum_matches_reference(kw):
    rs = np.random.RandomState(0)
    w0 = rs.uniform(-1, 1, (3, 4)).astype('float32')
    grads = [rs.uniform(-1, 1, (3, 4)).astype('float32') for _ in range(5)]
    opt = mx.optimizer.create('dcasgd', learning_rate=0.1, **kw)
    upd = mx.optimizer.get_updater(opt)
    ref = _dcasgd_reference(w0, grads, 0.1, kw['momentum'], kw['lamda'], kw['wd'],
                            kw.get('rescale_grad', 1.0), kw.get('clip_gradient'))
    w = mx.nd.array(w0)
    for g, want in zip(grads, ref):
        upd(0, mx.nd.array(g), w)
        assert_almost_equal(w.asnumpy(), want, rtol=1e-5, atol=1e-6)
    mom, prev = upd.states[0]
    assert mom.shape == (3, 4) and prev.shape == (3, 4)


def test_signsgd_with_decoupled_decay():
    # MXNet 1.9.1 rejects wd_lh with momentum=0 (signsgd_update has no wd_lh);
    # mxlite applies the decoupled decay after the sign step
    opt = mx.optimizer.create('signum', momentum=0.0, wd_lh=0.1, learning_rate=0.1)
    w = mx.nd.array([1.0, 2.0])
    mx.optimizer.get_updater(opt)(0, mx.nd.array([1.0, -1.0]), w)
    assert_almost_equal(w.asnumpy(), np.array([0.9 * 0.99, 2.1 * 0.99], np.float32), rtol=1e-6)


def test_group_adagrad_errors():
    opt = mx.optimizer.create('groupadagrad', wd=0.1)
    upd = mx.optimizer.get_updater(opt)
    with pytest.raises(MXNetError, match='weight decay is not supported'):
        upd(0, mx.nd.ones((2, 3)), mx.nd.ones((2, 3)))
    upd = mx.optimizer.get_updater(mx.optimizer.create('groupadagrad'))
    with pytest.raises(MXNetError, match='at least 2 dimensions'):
        upd(0, mx.nd.ones((3,)), mx.nd.ones((3,)))
    w = mx.nd.ones((2, 3, 2))
    upd(1, mx.nd.ones((2, 3, 2)), w)
    assert upd.states[1].shape == (2, 1)


def test_update_operators_errors():
    w, g = mx.nd.ones((3,)), mx.nd.ones((3,))
    with pytest.raises(MXNetError, match="required parameter 'lr'"):
        mx.nd.sgd_update(w, g)
    with pytest.raises(MXNetError, match='shape'):
        mx.nd.sgd_mom_update(w, g, mx.nd.zeros((4,)), lr=0.1)
    with pytest.raises(MXNetError, match='dtype'):
        mx.nd.adam_update(w, g, mx.nd.zeros((3,), dtype='float64'), mx.nd.zeros((3,)), lr=0.1)
    with pytest.raises(MXNetError, match=r"'r1' must have shape \(1,\)"):
        mx.nd.lamb_update_phase2(w, g, mx.nd.ones((3,)), mx.nd.ones((1,)), lr=0.1)
    w16 = mx.nd.ones((3,), dtype='float16')
    with pytest.raises(MXNetError, match="'weight32' has dtype float16 but must be float32"):
        mx.nd.mp_sgd_update(w16, w16, w16, lr=0.1)
    with pytest.raises(MXNetError, match="unknown parameter 'momentun'"):
        mx.nd.sgd_mom_update(w, g, mx.nd.zeros((3,)), lr=0.1, momentun=0.9)


def test_update_operators_in_symbols_and_lazy_update():
    w = mx.sym.Variable('w')
    g = mx.sym.Variable('g')
    s = mx.sym.sgd_update(w, g, lr=0.5, lazy_update=False)
    assert s.list_arguments() == ['w', 'g']
    out = mx.nd.sgd_update(mx.nd.ones((2,)), mx.nd.ones((2,)), lr=0.5, lazy_update=False)
    assert out.asnumpy().tolist() == [0.5, 0.5]


def test_lamb_phase2_zero_norms_keep_lr():
    w = mx.nd.ones((2,))
    g = mx.nd.ones((2,))
    out = mx.nd.lamb_update_phase2(w, g, mx.nd.array([0.0]), mx.nd.array([3.0]), lr=0.5)
    assert out.asnumpy().tolist() == [0.5, 0.5]


@pytest.mark.parametrize('name, kw', [('sgd', {'momentum': 0.9, 'wd': 0.01}),
                                      ('nag', {'momentum': 0.9, 'wd': 0.01}),
                                      ('adam', {'wd': 0.01}), ('rmsprop', {'centered': True}),
                                      ('adagrad', {}), ('nadam', {}), ('ftml', {})])
def test_non_contiguous_and_float64_weights_take_the_same_path(name, kw):
    # the fused kernels need C-contiguous float32/float64 arrays; anything else is
    # computed on copies and written back, with the same numbers
    rs = np.random.RandomState(1)
    w0 = rs.uniform(-1, 1, (4, 5)).astype('float32')
    grads = [rs.uniform(-1, 1, (4, 5)).astype('float32') for _ in range(3)]
    ref = mx.nd.array(w0)
    upd = mx.optimizer.get_updater(mx.optimizer.create(name, **kw))
    for g in grads:
        upd(0, mx.nd.array(g), ref)
    fortran = mx.nd.NDArray(np.asfortranarray(w0))
    assert not fortran._data.flags.c_contiguous
    upd = mx.optimizer.get_updater(mx.optimizer.create(name, **kw))
    for g in grads:
        upd(0, mx.nd.NDArray(np.asfortranarray(g)), fortran)
    assert_almost_equal(fortran.asnumpy(), ref.asnumpy(), rtol=1e-6, atol=1e-7)
    w64 = mx.nd.array(w0, dtype='float64')
    upd = mx.optimizer.get_updater(mx.optimizer.create(name, **kw))
    for g in grads:
        upd(0, mx.nd.array(g, dtype='float64'), w64)
    assert w64.dtype == np.float64
    assert_almost_equal(w64.asnumpy(), ref.asnumpy(), rtol=1e-5, atol=1e-6)


def test_float16_operator_with_out_is_weight_keeps_nag_semantics():
    rs = np.random.RandomState(2)
    w = rs.uniform(-1, 1, (6,)).astype('float16')
    g = rs.uniform(-1, 1, (6,)).astype('float16')
    m = rs.uniform(-1, 1, (6,)).astype('float16')
    outs = {}
    for dt in ('float16', 'float32'):
        ws, ms = mx.nd.array(w, dtype=dt), mx.nd.array(m, dtype=dt)
        mx.nd.nag_mom_update(ws, mx.nd.array(g, dtype=dt), ms, out=ws, lr=0.1, momentum=0.9,
                             wd=0.5)
        outs[dt] = (ws.asnumpy().astype('float32'), ms.asnumpy().astype('float32'))
    assert_almost_equal(outs['float16'][0], outs['float32'][0], rtol=2e-3, atol=2e-3)
    assert_almost_equal(outs['float16'][1], outs['float32'][1], rtol=2e-3, atol=2e-3)
