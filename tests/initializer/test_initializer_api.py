"""mx.init behaviour beyond the goldens: random initialisers' distributions, registry,
Load/Mixed, verbosity, errors."""
import logging
import warnings

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError


def _init(initializer, name, shape, attrs=None, dtype='float32'):
    arr = mx.nd.zeros(shape, dtype=dtype)
    initializer(mx.init.InitDesc(name, attrs=attrs), arr)
    return arr.asnumpy()


def test_module_aliases():
    assert mx.init is mx.initializer
    assert mx.init.InitDesc is mx.initializer.InitDesc


def test_init_desc_is_a_string_with_attrs():
    d = mx.init.InitDesc('fc_weight', attrs={'a': 'b'}, global_init=mx.init.One())
    assert isinstance(d, str) and d == 'fc_weight' and d.attrs == {'a': 'b'}
    assert isinstance(d.global_init, mx.init.One)
    d2 = mx.init.InitDesc('x')
    assert d2.attrs == {} and d2.global_init is None


def test_global_init_is_recorded():
    init = mx.init.Zero()
    d = mx.init.InitDesc('fc_weight')
    init(d, mx.nd.ones((2, 2)))
    assert d.global_init is init


def test_uniform_bounds_and_spread():
    mx.random.seed(1)
    a = _init(mx.init.Uniform(0.3), 'w_weight', (200, 500))
    assert a.min() >= -0.3 and a.max() <= 0.3
    assert a.std() == pytest.approx(0.3 / np.sqrt(3), rel=0.02)
    assert abs(a.mean()) < 0.003


def test_normal_scale():
    mx.random.seed(2)
    a = _init(mx.init.Normal(0.2), 'w_weight', (300, 400))
    assert a.std() == pytest.approx(0.2, rel=0.01) and abs(a.mean()) < 0.002


@pytest.mark.parametrize('factor_type', ['avg', 'in', 'out'])
@pytest.mark.parametrize('shape', [(64, 32), (16, 8, 3, 3)])
def test_xavier_uniform_bound(factor_type, shape):
    mx.random.seed(3)
    a = _init(mx.init.Xavier(factor_type=factor_type, magnitude=2.5), 'c_weight', shape)
    hw = np.prod(shape[2:]) if len(shape) > 2 else 1
    fan_in, fan_out = shape[1] * hw, shape[0] * hw
    factor = {'avg': (fan_in + fan_out) / 2., 'in': fan_in, 'out': fan_out}[factor_type]
    bound = np.sqrt(2.5 / factor)
    assert np.abs(a).max() <= bound * (1 + 1e-6)
    assert np.abs(a).max() > 0.95 * bound
    assert a.std() == pytest.approx(bound / np.sqrt(3), rel=0.06)


def test_xavier_gaussian_and_msraprelu_scale():
    mx.random.seed(4)
    a = _init(mx.init.Xavier(rnd_type='gaussian', factor_type='in', magnitude=2), 'w_weight',
              (400, 300))
    assert a.std() == pytest.approx(np.sqrt(2 / 300.), rel=0.01)
    m = mx.init.MSRAPrelu(factor_type='in', slope=0.0)
    assert (m.rnd_type, m.factor_type, m.magnitude) == ('gaussian', 'in', 2.0)
    a = _init(m, 'w_weight', (400, 300))
    assert a.std() == pytest.approx(np.sqrt(2 / 300.), rel=0.01)
    assert mx.init.MSRAPrelu().magnitude == pytest.approx(2 / 1.0625)


@pytest.mark.parametrize('kwargs, words', [
    ({}, 'requires at least 2D'),
    ({'factor_type': 'x'}, 'Incorrect factor type'),
    ({'rnd_type': 'y'}, 'Unknown random type'),
])
def test_xavier_errors(kwargs, words):
    shape = (3,) if not kwargs else (3, 4)
    with pytest.raises(MXNetError, match=words):
        _init(mx.init.Xavier(**kwargs), 'w_weight', shape)


@pytest.mark.parametrize('rand_type', ['uniform', 'normal'])
@pytest.mark.parametrize('shape', [(4, 3), (3, 4), (2, 3, 2, 2), (5, 5)])
def test_orthogonal(rand_type, shape):
    mx.random.seed(5)
    a = _init(mx.init.Orthogonal(scale=1.5, rand_type=rand_type), 'w_weight', shape)
    q = a.reshape(shape[0], -1).astype(np.float64) / 1.5
    if q.shape[0] <= q.shape[1]:
        np.testing.assert_allclose(q @ q.T, np.eye(q.shape[0]), atol=1e-5)
    else:
        np.testing.assert_allclose(q.T @ q, np.eye(q.shape[1]), atol=1e-5)
    with pytest.raises(MXNetError, match='rand_type'):
        mx.init.Orthogonal(rand_type='x')


def test_seeded_initialisers_reproduce():
    outs = []
    for _ in range(2):
        mx.random.seed(9)
        outs.append(_init(mx.init.Xavier(), 'w_weight', (5, 7)))
    np.testing.assert_array_equal(outs[0], outs[1])


def test_quantized_weight_is_int8_range():
    mx.random.seed(6)
    a = _init(mx.init.Uniform(), 'w_weight_quantize', (50, 50), dtype='int8')
    assert a.dtype == np.int8 and a.min() >= -127 and a.max() <= 126 and a.std() > 30


def test_constant_values_and_dumps():
    a = _init(mx.init.Constant(mx.nd.array([1., 2., 3.])), 'w_weight', (2, 3))
    np.testing.assert_array_equal(a, [[1, 2, 3], [1, 2, 3]])
    # MXNet 1.9.1 fails to dump a list value; mxlite writes it
    assert mx.init.Constant([1.0, 2.0]).dumps() == '["constant", {"value": [1.0, 2.0]}]'
    assert mx.init.Constant(np.array([1., 2.])).dumps() == '["constant", {"value": [1.0, 2.0]}]'


def test_variable_init_attribute_round_trip():
    v = mx.sym.Variable('w', init=mx.init.Xavier(magnitude=2))
    attr = v.attr_dict()['w']['__init__']
    assert attr == mx.init.Xavier(magnitude=2).dumps()
    mx.random.seed(0)
    a = _init(mx.init.Zero(), 'w', (4, 4), attrs={'__init__': attr})
    assert np.abs(a).max() > 0 and np.abs(a).max() <= np.sqrt(2 / 4.)


def test_create_and_registry():
    assert isinstance(mx.init.create('Xavier'), mx.init.Xavier)
    assert mx.init.create('zeros').dumps() == '["zero", {}]'
    one = mx.init.One()
    assert mx.init.create(one) is one
    assert mx.init.create('uniform', scale=0.5).scale == 0.5
    with pytest.raises(MXNetError, match='foo is not registered') as info:
        mx.init.create('foo')
    assert 'xavier' in str(info.value)
    with pytest.raises(MXNetError, match='string type'):
        mx.init.create(3)
    with pytest.raises(MXNetError, match='not an initializer description'):
        mx.init.create('[1, 2')

    @mx.init.register
    @mx.init.alias('myalias')
    class MyInit(mx.init.Initializer):
        def _init_weight(self, _, arr):
            arr[:] = 42
    assert isinstance(mx.init.create('myinit'), MyInit)
    assert _init(mx.init.create('myalias'), 'w_weight', (2,)).tolist() == [42, 42]


def test_equality_and_hash():
    assert mx.init.Xavier() == mx.init.Xavier()
    assert mx.init.Xavier() != mx.init.Xavier(magnitude=2)
    assert mx.init.Zero() != mx.init.One() and mx.init.Xavier() != 3
    with pytest.raises(TypeError):
        hash(mx.init.Xavier())


def test_base_class_and_unknown_pattern():
    with pytest.raises(NotImplementedError, match='Must override it'):
        _init(mx.init.Initializer(), 'w_weight', (2,))
    with pytest.raises(MXNetError, match='Unknown initialization pattern for bn_moving_mean'):
        _init(mx.init.Xavier(), 'bn_moving_mean', (2,))
    with pytest.raises(MXNetError, match='initializers fill NDArrays'):
        mx.init.One()(mx.init.InitDesc('w_weight'), np.zeros(2))


def test_legacy_call_warns():
    arr = mx.nd.zeros((3,))
    with pytest.warns(DeprecationWarning, match='init\\(str, NDArray\\) has been deprecated'):
        mx.init.One()('bn_moving_var', arr)
    assert arr.asnumpy().tolist() == [1, 1, 1]
    with pytest.raises(MXNetError, match='localisation bias must have 6'):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            mx.init.One()('stn_loc_bias', mx.nd.zeros((4,)))


def test_verbose_logging(caplog):
    init = mx.init.Constant(3).set_verbosity(True)
    with caplog.at_level(logging.INFO):
        init(mx.init.InitDesc('a_weight'), mx.nd.ones((2, 2)))
        init(mx.init.InitDesc('a_bias'), mx.nd.ones((2, 2)))
        init(mx.init.InitDesc('a_foo', attrs={'__init__': '["one", {}]'}), mx.nd.ones((2, 2)))
        init.set_verbosity(True, print_func=lambda a: 'S%s' % a.sum().asscalar())
        init(mx.init.InitDesc('a_weight'), mx.nd.ones((2, 2)))
    assert [r.getMessage() for r in caplog.records] == [
        'Initialized a_weight as weight: 3.0', 'Initialized a_bias as bias: 0.0',
        'Initialized a_foo as ["one", {}]: 1.0', 'Initialized a_weight as weight: S12.0']


def test_load_from_dict_and_file(tmp_path, caplog):
    params = {'arg:fc_weight': mx.nd.ones((2, 2)) * 5, 'aux:bn_moving_mean': mx.nd.ones((2,)) * 3}
    fname = str(tmp_path / 'p.params')
    mx.nd.save(fname, params)
    for src in (params, fname):
        load = mx.init.Load(src, default_init=mx.init.Zero(), verbose=True)
        assert sorted(load.param) == ['bn_moving_mean', 'fc_weight']
        a = mx.nd.zeros((2, 2))
        with caplog.at_level(logging.INFO):
            load('fc_weight', a)
            b = mx.nd.ones((3, 3))
            load(mx.init.InitDesc('other_weight'), b)
        assert a.asnumpy().tolist() == [[5, 5], [5, 5]] and b.asnumpy().sum() == 0
    assert 'Initialized fc_weight by loading' in caplog.text
    assert 'Initialized other_weight by default' in caplog.text
    with pytest.raises(MXNetError, match=r'Shape mismatch, target \(3,\) vs loaded \(2, 2\)'):
        load('fc_weight', mx.nd.ones(3))
    with pytest.raises(MXNetError, match='no default Initializer'):
        mx.init.Load({})('x', mx.nd.ones(3))


def test_mixed():
    m = mx.init.Mixed(['.*_weight', '.*'], [mx.init.Constant(2), mx.init.One()])
    a = mx.nd.zeros((2,))
    m(mx.init.InitDesc('fc_weight'), a)
    assert a.asnumpy().tolist() == [2, 2]
    m(mx.init.InitDesc('fc_bias'), a)      # One's bias rule: zero
    assert a.asnumpy().tolist() == [0, 0]
    with pytest.raises(MXNetError, match='fc_x did not match any pattern'):
        mx.init.Mixed(['x'], [mx.init.One()])('fc_x', a)
    with pytest.raises(MXNetError, match='2 patterns but 1 initializers'):
        mx.init.Mixed(['a', 'b'], [mx.init.One()])


def test_fused_rnn_errors():
    with pytest.raises(MXNetError, match='mode must be one of'):
        mx.init.FusedRNN(None, 2, 1, 'foo')
    with pytest.raises(MXNetError, match='do not fit'):
        mx.init.FusedRNN(mx.init.One(), 2, 1, 'lstm')(mx.init.InitDesc('x_weight'),
                                                      mx.nd.zeros((57,)))
