"""Random sampling: shapes, dtypes, ranges, seeding, statistics."""
import numpy as np
import pytest

import mxlite as mx


def test_seed_makes_draws_reproducible():
    mx.random.seed(7)
    a = mx.nd.random.uniform(shape=(3, 4)).asnumpy()
    mx.random.seed(7)
    b = mx.nd.random.uniform(shape=(3, 4)).asnumpy()
    np.testing.assert_array_equal(a, b)
    c = mx.nd.random.uniform(shape=(3, 4)).asnumpy()
    assert not np.array_equal(a, c)


def test_uniform_normal_randint_ranges_and_dtypes():
    mx.random.seed(0)
    u = mx.nd.random.uniform(-2, 3, shape=(2000,))
    assert u.dtype is np.float32 and u.shape == (2000,)
    un = u.asnumpy()
    assert un.min() >= -2 and un.max() < 3 and abs(un.mean() - 0.5) < 0.15
    n = mx.nd.random.normal(1, 2, shape=(4000,), dtype='float64').asnumpy()
    assert n.dtype == np.float64 and abs(n.mean() - 1) < 0.15 and abs(n.std() - 2) < 0.15
    r = mx.nd.random.randint(3, 7, shape=(1000,))
    assert r.dtype is np.int32
    assert set(np.unique(r.asnumpy())) == {3, 4, 5, 6}
    assert mx.nd.random.uniform(shape=(2, 2), ctx=mx.cpu(1)).context == mx.cpu(1)
    assert mx.nd.uniform(shape=(2,)).shape == (2,)       # legacy top-level alias
    assert mx.nd.random_normal(shape=(2,)).shape == (2,)


def test_other_distributions():
    mx.random.seed(1)
    assert abs(mx.nd.random.exponential(2.0, shape=(4000,)).asnumpy().mean() - 2) < 0.2
    assert abs(mx.nd.random.gamma(2.0, 3.0, shape=(4000,)).asnumpy().mean() - 6) < 0.5
    assert abs(mx.nd.random.poisson(4.0, shape=(4000,)).asnumpy().mean() - 4) < 0.3
    nb = mx.nd.random.negative_binomial(5, 0.5, shape=(4000,)).asnumpy()
    assert abs(nb.mean() - 5) < 0.5
    g = mx.nd.random.generalized_negative_binomial(3.0, 0.5, shape=(4000,)).asnumpy()
    assert abs(g.mean() - 3) < 0.4
    assert mx.nd.random.randn(2, 3).shape == (2, 3)


def test_array_parameters_sample_per_element():
    mx.random.seed(2)
    low = mx.nd.array([0, 10])
    high = mx.nd.array([1, 11])
    s = mx.nd.random.uniform(low, high, shape=(500,))
    assert s.shape == (2, 500)
    v = s.asnumpy()
    assert v[0].max() < 1 and v[1].min() >= 10
    m = mx.nd.random.normal(mx.nd.array([0, 100]), mx.nd.array([1, 1]), shape=(300,)).asnumpy()
    assert abs(m[1].mean() - 100) < 0.5
    for fn, args in [(mx.nd.random.exponential, (mx.nd.array([1.0, 2.0]),)),
                     (mx.nd.random.gamma, (mx.nd.array([1.0, 2.0]), mx.nd.array([1.0, 1.0]))),
                     (mx.nd.random.poisson, (mx.nd.array([1.0, 2.0]),)),
                     (mx.nd.random.negative_binomial, (mx.nd.array([1.0, 2.0]), mx.nd.array([0.5, 0.5]))),
                     (mx.nd.random.generalized_negative_binomial,
                      (mx.nd.array([1.0, 2.0]), mx.nd.array([0.5, 0.5])))]:
        assert fn(*args, shape=(3,)).shape == (2, 3)
    with pytest.raises(mx.MXNetError, match='all NDArrays or all numbers'):
        mx.nd.random.uniform(mx.nd.array([0]), 1)


def test_multinomial_and_shuffle():
    mx.random.seed(3)
    p = mx.nd.array([[0.0, 1.0, 0.0], [0.5, 0.0, 0.5]])
    s = mx.nd.random.multinomial(p, shape=(100,)).asnumpy()
    assert s.shape == (2, 100) and (s[0] == 1).all() and set(np.unique(s[1])) <= {0, 2}
    idx, logp = mx.nd.random.multinomial(p, get_prob=True)
    assert idx.shape == (2,) and np.allclose(logp.asnumpy()[0], 0)
    x = mx.nd.arange(10).reshape((5, 2))
    y = mx.nd.random.shuffle(x).asnumpy()
    assert sorted(y[:, 0].tolist()) == [0, 2, 4, 6, 8]
    assert (y[:, 1] == y[:, 0] + 1).all()


def test_randint_rejects_empty_range():
    with pytest.raises(mx.MXNetError, match='high .* must be greater than low'):
        mx.nd.random.randint(5, 5, shape=(2,))
    with pytest.raises(mx.MXNetError, match='seed_state must be an integer'):
        mx.random.seed('x')
