"""BatchNorm's auxiliary states: when and how MXNet 1.9.1 updates them.

Expected numbers were recorded with MXNet 1.9.1 (imperative calls under
autograd.record(), data np.random.seed(0); randn(4, 3, 2, 2)).
"""
import numpy as np
import pytest

import mxlite as mx

GAMMA = [1.5, 0.5, 2.0]
BETA = [0.1, 0.2, 0.3]


def _data():
    rs = np.random.RandomState(0)
    return mx.nd.array(rs.randn(4, 3, 2, 2).astype('float32'))


def _stats():
    return mx.nd.array([0.5, -0.5, 1.0]), mx.nd.array([2.0, 3.0, 0.5])


def _bn(x, mm, mv, **kw):
    kw.setdefault('fix_gamma', False)
    return mx.nd.BatchNorm(x, mx.nd.array(GAMMA), mx.nd.array(BETA), mm, mv, **kw)


def test_forward_in_training_leaves_moving_stats_alone():
    x = _data()
    mm, mv = _stats()
    x.attach_grad()
    with mx.autograd.record():
        _bn(x, mm, mv)
    np.testing.assert_array_equal(mm.asnumpy(), [0.5, -0.5, 1.0])
    np.testing.assert_array_equal(mv.asnumpy(), [2.0, 3.0, 0.5])
    with mx.autograd.train_mode():
        _bn(x, mm, mv)
    np.testing.assert_array_equal(mm.asnumpy(), [0.5, -0.5, 1.0])


def test_backward_updates_with_momentum_and_biased_variance():
    x = _data()
    mm, mv = _stats()
    x.attach_grad()
    with mx.autograd.record():
        y = _bn(x, mm, mv, momentum=0.9)
    y.backward()
    xn = x.asnumpy().astype(np.float64)
    mean = xn.mean(axis=(0, 2, 3))
    var = xn.var(axis=(0, 2, 3))     # biased, as MXNet
    np.testing.assert_allclose(mm.asnumpy(), 0.9 * np.array([0.5, -0.5, 1.0]) + 0.1 * mean, rtol=1e-5)
    np.testing.assert_allclose(mv.asnumpy(), 0.9 * np.array([2.0, 3.0, 0.5]) + 0.1 * var, rtol=1e-5)


def test_no_update_without_training_backward_or_with_global_stats():
    x = _data()
    x.attach_grad()
    mm, mv = _stats()
    with mx.autograd.record(train_mode=False):
        y = _bn(x, mm, mv)
    y.backward(train_mode=False)
    np.testing.assert_array_equal(mm.asnumpy(), [0.5, -0.5, 1.0])
    np.testing.assert_array_equal(mv.asnumpy(), [2.0, 3.0, 0.5])
    with mx.autograd.record():
        y = _bn(x, mm, mv, use_global_stats=True)
    y.backward()
    np.testing.assert_array_equal(mm.asnumpy(), [0.5, -0.5, 1.0])
    np.testing.assert_array_equal(mv.asnumpy(), [2.0, 3.0, 0.5])


def test_two_calls_update_in_reverse_recording_order():
    # MXNet 1.9.1 gives these: the second call's update is applied first
    x = _data()
    x.attach_grad()
    mm, mv = _stats()
    with mx.autograd.record():
        s = _bn(x, mm, mv).sum() + _bn(x * 2, mm, mv).sum()
    s.backward()
    np.testing.assert_allclose(mm.asnumpy(), [0.57056916, -0.33940843, 0.73379475], rtol=1e-5)
    np.testing.assert_allclose(mv.asnumpy(), [2.0530953, 3.0653894, 0.88959956], rtol=1e-5)


def test_predict_mode_record_then_training_backward_keeps_stats():
    # the saved statistics are the moving ones; the update writes them back unchanged
    x = _data()
    x.attach_grad()
    mm, mv = _stats()
    with mx.autograd.record(train_mode=False):
        y = _bn(x, mm, mv)
    y.backward()
    np.testing.assert_allclose(mm.asnumpy(), [0.5, -0.5, 1.0], rtol=1e-6)
    np.testing.assert_allclose(mv.asnumpy(), [2.0, 3.0, 0.5], rtol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy()[0, :, 0, 0], [-0.06117081, -0.16719331, -7.915479],
                               rtol=1e-4)


def test_output_mean_var_gives_mean_and_inverse_std():
    x = _data()
    mm, mv = _stats()
    out, mean, invstd = _bn(x, mm, mv, output_mean_var=True)
    np.testing.assert_allclose(mean.asnumpy(), [0.5, -0.5, 1.0])
    np.testing.assert_allclose(invstd.asnumpy(), 1 / np.sqrt(np.array([2.0, 3.0, 0.5]) + 1e-3), rtol=1e-6)
    with mx.autograd.train_mode():
        out, mean, invstd = _bn(x, mm, mv, output_mean_var=True)
    xn = x.asnumpy()
    np.testing.assert_allclose(mean.asnumpy(), xn.mean(axis=(0, 2, 3)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(invstd.asnumpy(), 1 / np.sqrt(xn.var(axis=(0, 2, 3)) + 1e-3), rtol=1e-5)


def test_fix_gamma_uses_one_and_resets_gamma_in_backward():
    x = _data()
    mm, mv = _stats()
    gamma = mx.nd.array(GAMMA)
    beta = mx.nd.array(BETA)
    x.attach_grad()
    gamma.attach_grad()
    with mx.autograd.record():
        y = mx.nd.BatchNorm(x, gamma, beta, mm, mv)       # fix_gamma=True by default
    with mx.autograd.train_mode():
        ref = mx.nd.BatchNorm(x, mx.nd.ones(3), beta, *_stats(), fix_gamma=False)
    np.testing.assert_allclose(y.asnumpy(), ref.asnumpy(), rtol=1e-6)
    np.testing.assert_array_equal(gamma.asnumpy(), GAMMA)
    y.backward()
    np.testing.assert_array_equal(gamma.grad.asnumpy(), [0, 0, 0])
    np.testing.assert_array_equal(gamma.asnumpy(), [1, 1, 1])     # MXNet writes 1 into gamma


def test_inference_uses_moving_stats():
    x = _data()
    mm, mv = _stats()
    y = _bn(x, mm, mv).asnumpy()
    g, b = np.array(GAMMA)[:, None, None], np.array(BETA)[:, None, None]
    want = (x.asnumpy() - mm.asnumpy()[:, None, None]) / np.sqrt(mv.asnumpy()[:, None, None] + 1e-3) * g + b
    np.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('dtype', ['float16', 'float64'])
def test_dtypes(dtype):
    x = _data().astype(dtype)
    pt = 'float32' if dtype == 'float16' else dtype
    mm, mv = [a.astype(pt) for a in _stats()]
    y = mx.nd.BatchNorm(x, mx.nd.array(GAMMA, dtype=pt), mx.nd.array(BETA, dtype=pt), mm, mv)
    assert y.dtype == np.dtype(dtype)
    with pytest.raises(mx.base.MXNetError, match='gamma has dtype float32 but data of dtype float64'):
        mx.nd.BatchNorm(_data().astype('float64'), mx.nd.array(GAMMA), mx.nd.array(BETA), *_stats())
