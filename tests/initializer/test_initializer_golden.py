"""mx.init against real MXNet 1.9.1 (tests/data/golden_initializer.npz): name rules, attrs,
deterministic initialisers, dumps() strings and FusedRNN layouts."""
import json
import os
import warnings

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError

from init_cases import (NAMES, DESC_CASES, DUMPS, FUSED, fused_size, name_fill, name_bias)

GOLDEN = np.load(os.path.join(os.path.dirname(__file__), '..', 'data', 'golden_initializer.npz'))


@mx.init.register
class NameFill(mx.init.Initializer):
    def __init__(self):
        super().__init__()

    def _init_weight(self, name, arr):
        arr[:] = name_fill(str(name), arr.shape)

    def _init_bias(self, name, arr):
        arr[:] = name_bias(str(name), arr.shape)


@pytest.mark.parametrize('init_json', ['["constant", {"value": 7.0}]', '["one", {}]'])
@pytest.mark.parametrize('mode', ['desc', 'legacy'])
@pytest.mark.parametrize('name', NAMES)
def test_name_rules_match_mxnet(name, mode, init_json):
    tag = json.loads(init_json)[0]
    key = 'names:%s:%s:%s' % (tag, mode, name)
    shape = (1, 1, 4, 4) if name.startswith('upsampling') else \
        (6,) if name.startswith('stn_loc') else (2, 3)
    arr = mx.nd.full(shape, -3.0)
    init = mx.init.create(init_json)
    desc = mx.init.InitDesc(name) if mode == 'desc' else name
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', DeprecationWarning)
        if key + ':error' in GOLDEN:
            with pytest.raises((MXNetError, NotImplementedError)):
                init(desc, arr)
            return
        init(desc, arr)
    np.testing.assert_array_equal(arr.asnumpy(), GOLDEN[key])


@pytest.mark.parametrize('case', DESC_CASES, ids=[c[0] for c in DESC_CASES])
def test_descriptions_match_mxnet(case):
    cid, init_json, name, shape, attrs = case
    arr = mx.nd.full(shape, -3.0)
    mx.init.create(init_json)(mx.init.InitDesc(name, attrs=attrs), arr)
    np.testing.assert_allclose(arr.asnumpy(), GOLDEN['desc:' + cid], rtol=1e-7, atol=0)


@pytest.mark.parametrize('case', DUMPS, ids=[c[0] for c in DUMPS])
def test_dumps_match_mxnet(case):
    cid, cls, kwargs = case
    init = getattr(mx.init, cls)(**kwargs)
    assert init.dumps() == str(GOLDEN['dumps:' + cid])
    assert mx.init.create(init.dumps()).dumps() == str(GOLDEN['dumps_roundtrip:' + cid])
    assert mx.init.create(init.dumps()) == init


@pytest.mark.parametrize('case', FUSED, ids=[c[0] for c in FUSED])
def test_fused_rnn_layout_matches_mxnet(case):
    cid, mode, layers, bi, hidden, inp, fb = case
    arr = mx.nd.zeros((fused_size(mode, layers, bi, hidden, inp),))
    init = mx.init.FusedRNN(NameFill(), hidden, layers, mode, bi, forget_bias=fb)
    init(mx.init.InitDesc('rnn_weight'), arr)
    np.testing.assert_allclose(arr.asnumpy(), GOLDEN['fused:' + cid], rtol=1e-7)
    assert init.dumps() == str(GOLDEN['fused_dumps:' + cid])
    arr = mx.nd.zeros(arr.shape)
    init = mx.init.FusedRNN(None, hidden, layers, mode, bi, forget_bias=fb)
    init(mx.init.InitDesc('rnn_weight', global_init=mx.init.Constant(0.5)), arr)
    np.testing.assert_array_equal(arr.asnumpy(), GOLDEN['fused_global:' + cid])
    # a JSON init string works too
    again = mx.init.FusedRNN('["namefill", {}]', hidden, layers, mode, bi, forget_bias=fb)
    arr2 = mx.nd.zeros(arr.shape)
    again(mx.init.InitDesc('rnn_weight'), arr2)
    np.testing.assert_allclose(arr2.asnumpy(), GOLDEN['fused:' + cid], rtol=1e-7)
