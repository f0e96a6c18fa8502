"""Convolution and Deconvolution over random geometry: the reference's values or MXNetError.

Shapes are drawn mostly consistent (so kernels run over strides, dilations,
pads, groups, 1-D and 2-D) and then perturbed (a weight or bias dimension
off by one, a parameter of the wrong length, a kernel larger than the
padded input...), so the shape checks are exercised right at their edges.
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import mxlite as mx

import np_reference as ref
from robust_util import fuzz
from shape_fuzz import check_call


@st.composite
def conv_case(draw, deconv=False):
    nd = draw(st.sampled_from([1, 2, 2, 2, 3]))
    kernel = tuple(draw(st.integers(1, 4)) for _ in range(nd))
    G = draw(st.sampled_from([1, 1, 2, 3]))
    F = G * draw(st.integers(1, 3))
    C = G * draw(st.integers(1, 3))
    N = draw(st.integers(0, 2))
    stride = tuple(draw(st.integers(1, 3)) for _ in range(nd))
    dilate = tuple(draw(st.integers(1, 2)) for _ in range(nd))
    pad = tuple(draw(st.integers(0, 2)) for _ in range(nd))
    if draw(st.integers(0, 5)):
        # big enough for the dilated kernel (conv), or anything (deconv grows it)
        spatial = tuple(max(1, d * (k - 1) + 1 - 2 * p) + draw(st.integers(0, 4))
                        for k, d, p in zip(kernel, dilate, pad))
    else:
        spatial = tuple(draw(st.integers(1, 7)) for _ in range(nd))
    params = dict(kernel=kernel, num_filter=F, num_group=G)
    for name, v in (('stride', stride), ('dilate', dilate), ('pad', pad)):
        if draw(st.booleans()):
            params[name] = v
    if deconv:
        if draw(st.booleans()):
            s = params.get('stride', (1,) * nd)
            params['adj'] = tuple(draw(st.integers(0, max(x - 1, 0))) for x in s)
        if draw(st.integers(0, 4)) == 0:
            params['target_shape'] = tuple(draw(st.integers(1, 12)) for _ in range(nd))
        no_bias = draw(st.booleans())
        wshape = (C, F // G) + kernel
    else:
        no_bias = draw(st.booleans())
        wshape = (F, C // G) + kernel
    params['no_bias'] = no_bias
    dshape = (N, C) + spatial
    bshape = (F,)
    # perturbations: each one makes the call inconsistent somewhere
    kind = draw(st.sampled_from(['none'] * 16 + ['weight', 'bias', 'data_rank', 'param_len',
                                                 'groups', 'zero', 'channels']))
    if kind == 'weight':
        k = draw(st.integers(0, len(wshape) - 1))
        wshape = wshape[:k] + (wshape[k] + draw(st.sampled_from([-1, 1])),) + wshape[k + 1:]
    elif kind == 'bias' and not no_bias:
        bshape = (F + 1,)
    elif kind == 'data_rank':
        dshape = dshape[:-1] if draw(st.booleans()) else dshape + (3,)
    elif kind == 'param_len':
        params[draw(st.sampled_from(['stride', 'dilate', 'pad']))] = (1,) * (nd + 1)
    elif kind == 'groups':
        params['num_group'] = G + 1
    elif kind == 'zero':
        params[draw(st.sampled_from(['stride', 'dilate', 'kernel']))] = (0,) * nd
    elif kind == 'channels':
        dshape = (N, 0) + spatial
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    seed = draw(st.integers(0, 2 ** 16))
    return dshape, wshape, bshape, params, dtype, seed


def _arrays(dshape, wshape, bshape, dtype, seed, no_bias):
    rs = np.random.RandomState(seed)
    shapes = [dshape, wshape] + ([] if no_bias else [bshape])
    return [rs.uniform(-1, 1, [max(d, 0) for d in s]).astype(dtype) for s in shapes]


def _run(case, deconv):
    dshape, wshape, bshape, params, dtype, seed = case
    if any(d < 0 for d in wshape + bshape + dshape):
        return
    arrays = _arrays(dshape, wshape, bshape, dtype, seed, params['no_bias'])
    op = mx.nd.Deconvolution if deconv else mx.nd.Convolution
    reff = ref.deconvolution if deconv else ref.convolution

    def mx_fn(x, w, b=None):
        return op(x, w, b, **params) if b is not None else op(x, w, **params)

    def ref_fn(x, w, b=None):
        return reff(x, w, b, **params)
    check_call('Deconvolution' if deconv else 'Convolution', mx_fn, ref_fn, arrays, dtype,
               linear=(0, 1), seed=seed)


@fuzz(150)
@given(case=conv_case())
def test_convolution(case):
    _run(case, False)


@fuzz(120)
@given(case=conv_case(deconv=True))
def test_deconvolution(case):
    _run(case, True)


@pytest.mark.slow
@fuzz(800)
@given(case=conv_case())
def test_convolution_long(case):
    _run(case, False)


@pytest.mark.slow
@fuzz(600)
@given(case=conv_case(deconv=True))
def test_deconvolution_long(case):
    _run(case, True)
