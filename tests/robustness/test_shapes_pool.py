"""Pooling over random geometry: the reference's values or MXNetError.

Covers max/avg/sum/lp, the valid/full/same conventions, padding (with and
without count_include_pad), global pooling of 1-D to 3-D data, windows
hanging past the input, and perturbed parameters (pad >= kernel, wrong
lengths, kernel larger than the padded input, 3-D kernels, bad p_value).
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import mxlite as mx

import np_reference as ref
from robust_util import fuzz
from shape_fuzz import check_call


@st.composite
def pool_case(draw):
    glob = draw(st.integers(0, 5)) == 0
    nd = draw(st.sampled_from([1, 2, 2, 3] if not glob else [1, 2, 3]))
    pool_type = draw(st.sampled_from(['max', 'avg', 'sum', 'lp']))
    params = dict(pool_type=pool_type)
    if pool_type == 'lp' or draw(st.integers(0, 6)) == 0:
        params['p_value'] = draw(st.sampled_from([1, 2, 3, 3, 2, 4]))
    if glob:
        params['global_pool'] = True
        if draw(st.booleans()):
            params['kernel'] = tuple(draw(st.integers(1, 3)) for _ in range(nd))
        spatial = tuple(draw(st.integers(1, 5)) for _ in range(nd))
    else:
        kernel = tuple(draw(st.integers(1, 4)) for _ in range(nd))
        params['kernel'] = kernel
        conv = draw(st.sampled_from(['valid', 'valid', 'full', 'same']))
        params['pooling_convention'] = conv
        stride = tuple(draw(st.integers(1, 4)) for _ in range(nd))
        if draw(st.booleans()):
            params['stride'] = stride
        if conv != 'same' and draw(st.booleans()):
            params['pad'] = tuple(draw(st.integers(0, max(k - 1, 0))) for k in kernel)
        pad = params.get('pad', (0,) * nd)
        if draw(st.integers(0, 5)):
            spatial = tuple(max(1, k - 2 * p) + draw(st.integers(0, 5))
                            for k, p in zip(kernel, pad))
        else:
            spatial = tuple(draw(st.integers(1, 6)) for _ in range(nd))
        kind = draw(st.sampled_from(['none'] * 12 + ['pad_big', 'len', 'zero', 'rank']))
        if kind == 'pad_big':
            params['pad'] = kernel
        elif kind == 'len':
            params[draw(st.sampled_from(['stride', 'pad']))] = (1,) * (nd + 1)
        elif kind == 'zero':
            params['kernel'] = (0,) * nd
        elif kind == 'rank':
            spatial = spatial + (2,)
    if pool_type == 'avg' and draw(st.booleans()):
        params['count_include_pad'] = draw(st.booleans())
    shape = (draw(st.integers(0, 2)), draw(st.integers(1, 3))) + spatial
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    return shape, params, dtype, draw(st.integers(0, 2 ** 16))


def _run(case):
    shape, params, dtype, seed = case
    rs = np.random.RandomState(seed)
    x = rs.uniform(-1, 1, shape).astype(dtype)
    if params['pool_type'] == 'lp' and params.get('p_value') == 2:
        x = np.abs(x) + 0.1          # sqrt of a sum of squares: stay away from 0 for the gradient
    linear = (0,) if params['pool_type'] in ('avg', 'sum') or \
        (params['pool_type'] == 'lp' and params.get('p_value') == 1) else ()
    check_call('Pooling', lambda a: mx.nd.Pooling(a, **params),
               lambda a: ref.pooling(a, **params), [x], dtype, linear=linear, seed=seed)


@fuzz(250)
@given(case=pool_case())
def test_pooling(case):
    _run(case)


@pytest.mark.slow
@fuzz(1000)
@given(case=pool_case())
def test_pooling_long(case):
    _run(case)


def test_global_pooling_of_an_empty_image_is_refused():
    with pytest.raises(mx.MXNetError, match='empty'):
        mx.nd.Pooling(mx.nd.zeros((1, 2, 0, 5)), global_pool=True, pool_type='max')
    assert mx.nd.Pooling(mx.nd.zeros((0, 2, 3, 5)), global_pool=True).shape == (0, 2, 1, 1)
