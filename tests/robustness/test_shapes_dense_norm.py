"""FullyConnected and BatchNorm over random shapes: the reference's values or MXNetError.

FullyConnected: flatten or last-axis, with and without bias, empty batches
and empty feature axes, weight/bias perturbed.  BatchNorm: any axis,
inference and training mode (batch statistics, and the moving statistics
its backward pass updates, as MXNet's does), fix_gamma, use_global_stats, parameters of the wrong length.
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import mxlite as mx
from mxlite.base import MXNetError

import np_reference as ref
from robust_util import count, fuzz, limits
from shape_fuzz import check_call, TOL


@st.composite
def fc_case(draw):
    ndim = draw(st.integers(1, 4))
    shape = tuple(draw(st.integers(0 if i else 0, 4)) for i in range(ndim))
    flatten = draw(st.booleans())
    H = draw(st.integers(1, 5))
    K = (int(np.prod(shape[1:])) if flatten else shape[-1])
    wshape, bshape = (H, K), (H,)
    kind = draw(st.sampled_from(['none'] * 8 + ['weight', 'bias', 'hidden', 'wrank']))
    if kind == 'weight':
        wshape = (H, K + 1)
    elif kind == 'bias':
        bshape = (H + 1,)
    elif kind == 'hidden':
        H = draw(st.sampled_from([0, -1]))
    elif kind == 'wrank':
        wshape = (H, K, 1)
    params = dict(num_hidden=H, flatten=flatten, no_bias=draw(st.booleans()))
    return shape, wshape, bshape, params, draw(st.sampled_from([np.float32, np.float64])), \
        draw(st.integers(0, 2 ** 16))


def _fc(case):
    shape, wshape, bshape, params, dtype, seed = case
    rs = np.random.RandomState(seed)
    arrays = [rs.uniform(-1, 1, s).astype(dtype) for s in
              [shape, wshape] + ([] if params['no_bias'] else [bshape])]

    def mx_fn(x, w, b=None):
        return mx.nd.FullyConnected(x, w, b, **params) if b is not None else \
            mx.nd.FullyConnected(x, w, **params)

    def ref_fn(x, w, b=None):
        return ref.fully_connected(x, w, b, **params)
    check_call('FullyConnected', mx_fn, ref_fn, arrays, dtype, linear=(0, 1), seed=seed)


@fuzz(200)
@given(case=fc_case())
def test_fully_connected(case):
    _fc(case)


@pytest.mark.slow
@fuzz(800)
@given(case=fc_case())
def test_fully_connected_long(case):
    _fc(case)


@st.composite
def bn_case(draw):
    ndim = draw(st.integers(1, 4))
    shape = tuple(draw(st.integers(1, 4)) for _ in range(ndim))
    if draw(st.integers(0, 5)) == 0:
        shape = (0,) + shape[1:]
    axis = draw(st.integers(-ndim, ndim - 1)) if draw(st.booleans()) else 1 % max(ndim, 1)
    C = shape[axis % ndim]
    cshape = (C + 1,) if draw(st.integers(0, 9)) == 0 else (C,)
    params = dict(axis=axis, eps=draw(st.sampled_from([1e-5, 1e-3, 0.1])),
                  momentum=draw(st.sampled_from([0.0, 0.5, 0.9])),
                  fix_gamma=draw(st.booleans()), use_global_stats=draw(st.booleans()))
    if draw(st.integers(0, 9)) == 0:
        params['axis'] = ndim + draw(st.integers(0, 2))
    return shape, cshape, params, draw(st.booleans()), \
        draw(st.sampled_from([np.float32, np.float64])), draw(st.integers(0, 2 ** 16))


def _bn(case):
    shape, cshape, params, training, dtype, seed = case
    rs = np.random.RandomState(seed)
    x = rs.uniform(-2, 2, shape).astype(dtype)
    gamma, beta, mean = [rs.uniform(-1, 1, cshape).astype(dtype) for _ in range(3)]
    var = rs.uniform(0.2, 2, cshape).astype(dtype)
    try:
        want, want_mm, want_mv = ref.batch_norm(x, gamma, beta, mean, var, training=training,
                                                **params)
    except ref.Invalid:
        want = None
    nds = [mx.nd.array(a, dtype=dtype) for a in (x, gamma, beta, mean, var)]
    with limits(20.0):
        try:
            if training:
                # MXNet updates the moving statistics in the backward pass
                nds[0].attach_grad()
                with mx.autograd.record(train_mode=True):
                    out = mx.nd.BatchNorm(*nds, **params)
                out.backward(mx.nd.ones(out.shape, dtype=dtype))
            else:
                out = mx.nd.BatchNorm(*nds, **params)
            got = out.asnumpy()
        except MXNetError:
            assert want is None, 'valid BatchNorm call refused'
            count('ops fuzz: BatchNorm refused')
            return
        assert want is not None, 'MXNet refuses this BatchNorm call, mxlite computed it'
        rtol, atol = TOL[dtype]
        np.testing.assert_allclose(got, want, rtol=10 * rtol, atol=10 * atol)
        np.testing.assert_allclose(nds[3].asnumpy(), want_mm, rtol=rtol, atol=atol)
        np.testing.assert_allclose(nds[4].asnumpy(), want_mv, rtol=10 * rtol, atol=10 * atol)
    count('ops fuzz: BatchNorm computed')


@fuzz(200)
@given(case=bn_case())
def test_batch_norm(case):
    _bn(case)


@pytest.mark.slow
@fuzz(800)
@given(case=bn_case())
def test_batch_norm_long(case):
    _bn(case)
