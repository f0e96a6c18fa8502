"""Concat, Reshape, slice and take over random shapes and parameters.

Concat: inputs agreeing or not outside ``dim``.  Reshape: every special
code (0, -1, -2, -3, -4) and ``reverse``.  slice: begin/end/step with
None, negatives and out-of-range values.  take: clip/wrap/raise, any axis,
fractional indices, empty axes.  Each call matches the float64 reference
(forward and backward) or raises ``MXNetError``.
"""
import numpy as np
import pytest
from hypothesis import given, strategies as st

import mxlite as mx

import np_reference as ref
from robust_util import fuzz
from shape_fuzz import check_call

dtypes = st.sampled_from([np.float32, np.float64])
small_shape = st.lists(st.integers(0, 4), min_size=1, max_size=4).map(tuple)


def _rand(shape, dtype, seed):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype(dtype)


@st.composite
def concat_case(draw):
    base = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    nd = len(base)
    dim = draw(st.integers(-nd - 1, nd))
    shapes = []
    for _ in range(draw(st.integers(1, 4))):
        s = list(base)
        s[dim % nd] = draw(st.integers(0, 3))
        if draw(st.integers(0, 7)) == 0:         # disagree somewhere else, or in rank
            k = draw(st.integers(0, nd - 1))
            s[k] += 1
        if draw(st.integers(0, 15)) == 0:
            s.append(2)
        shapes.append(tuple(s))
    return shapes, dim, draw(dtypes), draw(st.integers(0, 2 ** 16))


def _concat(case):
    shapes, dim, dtype, seed = case
    arrays = [_rand(s, dtype, seed + i) for i, s in enumerate(shapes)]
    check_call('Concat', lambda *xs: mx.nd.Concat(*xs, dim=dim),
               lambda *xs: ref.concat(list(xs), dim=dim), arrays, dtype, linear=(0,), seed=seed)


reshape_code = st.one_of(st.integers(1, 6), st.sampled_from([0, 0, -1, -1, -2, -3, -5]),
                         st.tuples(st.just(-4), st.sampled_from([-1, 1, 2, 3, 4]),
                                   st.sampled_from([-1, 1, 2, 3, 4])))


@st.composite
def fitting_spec(draw, shape):
    """A spec walking the input dims with codes that fit them (mostly valid)."""
    spec, i, used_inf = [], 0, False
    while i < len(shape):
        d = shape[i]
        options = ['copy', 'literal', 'rest']
        if i + 1 < len(shape):
            options.append('merge')
        if d in (4, 6) or d % 2 == 0:
            options.append('split')
        if not used_inf:
            options.append('infer')
        kind = draw(st.sampled_from(options))
        if kind == 'copy':
            spec.append(0)
        elif kind == 'literal':
            spec.append(d)
        elif kind == 'rest':
            spec.append(-2)
            break
        elif kind == 'merge':
            spec.append(-3)
            i += 1
        elif kind == 'split':
            f = 2 if d % 2 == 0 else 1
            spec.extend([-4] + draw(st.sampled_from([[f, -1], [-1, d // f], [f, d // f]])))
        else:
            spec.append(-1)
            used_inf = True
        i += 1
    return spec


@st.composite
def reshape_case(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=4)))
    if draw(st.integers(0, 3)):
        spec = draw(fitting_spec(shape))
        if draw(st.integers(0, 4)) == 0:
            spec.insert(draw(st.integers(0, len(spec))), draw(reshape_code.filter(
                lambda c: not isinstance(c, tuple))))
    else:
        spec = []
        for c in draw(st.lists(reshape_code, min_size=1, max_size=5)):
            spec.extend(c if isinstance(c, tuple) else (c,))
    return shape, tuple(spec), draw(st.booleans()), draw(dtypes), draw(st.integers(0, 2 ** 16))


def _reshape(case):
    shape, spec, reverse, dtype, seed = case
    x = _rand(shape, dtype, seed)

    def ref_fn(a):
        return a.astype(np.float64).reshape(ref.reshape_shape(a.shape, spec, reverse))
    check_call('Reshape', lambda a: mx.nd.reshape(a, shape=spec, reverse=reverse), ref_fn, [x],
               dtype, linear=(0,), seed=seed)


bound = st.one_of(st.none(), st.integers(-7, 7))


@st.composite
def slice_case(draw):
    shape = draw(small_shape)
    n = draw(st.integers(0, len(shape) + 1))
    begin = tuple(draw(bound) for _ in range(n))
    end = tuple(draw(bound) for _ in range(n if draw(st.integers(0, 9)) else n + 1))
    step = () if draw(st.booleans()) else tuple(draw(st.one_of(st.none(), st.integers(-3, 3)))
                                                for _ in range(n))
    return shape, begin, end, step, draw(dtypes), draw(st.integers(0, 2 ** 16))


def _slice(case):
    shape, begin, end, step, dtype, seed = case
    x = _rand(shape, dtype, seed)
    check_call('slice', lambda a: mx.nd.slice(a, begin=begin, end=end, step=step),
               lambda a: ref.slice_(a, begin, end, step), [x], dtype, linear=(0,), seed=seed)


@st.composite
def take_case(draw):
    shape = draw(small_shape)
    axis = draw(st.integers(-len(shape) - 1, len(shape)))
    mode = draw(st.sampled_from(['clip', 'wrap', 'raise']))
    ishape = draw(st.lists(st.integers(0, 3), min_size=1, max_size=3).map(tuple))
    n = shape[axis % len(shape)] if -len(shape) <= axis < len(shape) else 3
    span = max(n, 1) * 2 + 2
    seed = draw(st.integers(0, 2 ** 16))
    rs = np.random.RandomState(seed)
    idx = rs.randint(-span, span + 1, ishape).astype(np.float64)
    if mode != 'raise' and draw(st.booleans()):
        idx = idx + rs.uniform(-0.9, 0.9, ishape)     # truncated toward zero
    return shape, idx, axis, mode, draw(dtypes), seed


def _take(case):
    shape, idx, axis, mode, dtype, seed = case
    a = _rand(shape, dtype, seed)
    check_call('take', lambda x, i: mx.nd.take(x, i, axis=axis, mode=mode),
               lambda x, i: ref.take(x, i, axis=axis, mode=mode), [a, idx.astype(dtype)], dtype,
               linear=(0,), seed=seed)


CASES = [('concat', concat_case, _concat), ('reshape', reshape_case, _reshape),
         ('slice', slice_case, _slice), ('take', take_case, _take)]


def _make(strategy, fn, n, slow):
    @fuzz(n)
    @given(case=strategy())
    def test(case):
        fn(case)
    return pytest.mark.slow(test) if slow else test


for _name, _strategy, _fn in CASES:
    globals()['test_%s' % _name] = _make(_strategy, _fn, 200, False)
    globals()['test_%s_long' % _name] = _make(_strategy, _fn, 700, True)


def test_take_from_an_empty_axis_is_refused():
    for mode in ('clip', 'wrap', 'raise'):
        with pytest.raises(mx.MXNetError, match='empty'):
            mx.nd.take(mx.nd.zeros((0, 3)), mx.nd.array([0, 1]), mode=mode)
    assert mx.nd.take(mx.nd.zeros((0, 3)), mx.nd.zeros((0,))).shape == (0, 3)
