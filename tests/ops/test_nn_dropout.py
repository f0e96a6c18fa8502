"""Dropout: identity outside training, an inverted-scaled Bernoulli mask inside.

MXNet's random stream is not reproduced (mxlite draws from numpy's PCG64),
so these check the semantics and statistics, not MXNet's mask.
"""
import numpy as np

import mxlite as mx


def test_identity_outside_training():
    x = mx.nd.array(np.random.RandomState(0).uniform(-1, 1, (5, 7)).astype('float32'))
    np.testing.assert_array_equal(mx.nd.Dropout(x, p=0.5).asnumpy(), x.asnumpy())
    x.attach_grad()
    with mx.autograd.record(train_mode=False):
        y = mx.nd.Dropout(x, p=0.5)
    y.backward(mx.nd.ones_like(y) * 3)
    np.testing.assert_array_equal(x.grad.asnumpy(), np.full((5, 7), 3, 'float32'))


def test_training_scales_kept_units_and_drops_about_p():
    mx.random.seed(1)
    x = mx.nd.ones((200, 500))
    with mx.autograd.train_mode():
        y = mx.nd.Dropout(x, p=0.3).asnumpy()
    vals = np.unique(y)
    np.testing.assert_allclose(vals, [0, 1 / 0.7], rtol=1e-6)
    dropped = np.mean(y == 0)
    assert abs(dropped - 0.3) < 0.01     # 100k draws: 4 sigma is 0.006
    assert abs(y.mean() - 1.0) < 0.02     # inverted dropout keeps the expectation


def test_gradient_is_the_mask():
    mx.random.seed(2)
    x = mx.nd.array(np.random.RandomState(0).uniform(1, 2, (30, 40)).astype('float32'))
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Dropout(x, p=0.5)
    y.backward(mx.nd.ones_like(y) * 2)
    mask = y.asnumpy() / x.asnumpy()
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * mask, rtol=1e-6)
    assert set(np.round(np.unique(mask), 5)) == {0.0, 2.0}


def test_axes_share_the_mask():
    mx.random.seed(3)
    with mx.autograd.train_mode():
        y = mx.nd.Dropout(mx.nd.ones((4, 50, 3)), p=0.5, axes=(0, 2)).asnumpy()
    # one decision per index of axis 1, repeated along axes 0 and 2
    assert (y == y[:1, :, :1]).all()
    assert 0 < (y[0, :, 0] == 0).sum() < 50


def test_mode_always_and_edge_probabilities():
    mx.random.seed(4)
    y = mx.nd.Dropout(mx.nd.ones((100, 100)), p=0.5, mode='always').asnumpy()
    assert 0.4 < np.mean(y == 0) < 0.6
    with mx.autograd.train_mode():
        np.testing.assert_array_equal(mx.nd.Dropout(mx.nd.ones(10), p=0.0).asnumpy(), np.ones(10))
        np.testing.assert_array_equal(mx.nd.Dropout(mx.nd.ones(10), p=1.0).asnumpy(), np.zeros(10))


def test_seeded_masks_repeat():
    def draw():
        mx.random.seed(7)
        with mx.autograd.train_mode():
            return mx.nd.Dropout(mx.nd.ones((10, 10)), p=0.5).asnumpy()
    np.testing.assert_array_equal(draw(), draw())
