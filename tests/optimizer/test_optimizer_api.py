"""mx.optimizer's base-class rules, registry, Updater and errors (behaviour of MXNet 1.9.1)."""
import json
import logging
import os
import pickle

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.test_utils import assert_almost_equal

from opt_cases import Unpacked

GOLDEN = Unpacked(np.load(os.path.join(os.path.dirname(__file__), '..', 'data',
                                    'golden_optimizers.npz')))
REGISTERED = ['adadelta', 'adagrad', 'adam', 'adamax', 'ccsgd', 'dcasgd', 'ftml', 'ftrl',
              'groupadagrad', 'lamb', 'lars', 'lbsgd', 'nadam', 'nag', 'rmsprop', 'sgd', 'sgld', 'signum',
              'test']


def test_registry_matches_mxnet_191():
    # MXNet 1.9.1's registry, exactly; it has no AdamW optimizer
    assert sorted(mx.optimizer.Optimizer.opt_registry) == REGISTERED
    assert not hasattr(mx.optimizer, 'AdamW')
    assert mx.optimizer.Optimizer.create_optimizer is mx.optimizer.create
    assert mx.optimizer.optimizer.Optimizer is mx.optimizer.Optimizer
    assert mx.optimizer.contrib.GroupAdaGrad is mx.optimizer.GroupAdaGrad


@pytest.mark.parametrize('name', REGISTERED)
def test_attributes_match_mxnet(name):
    # pickled optimizers (Updater.get_states(dump_optimizer=True)) carry these names
    want = json.loads(str(GOLDEN['attrs:' + name]))
    assert sorted(vars(mx.optimizer.create(name))) == want


def test_create_is_case_insensitive():
    assert type(mx.optimizer.create('SGD')) is mx.optimizer.SGD
    assert type(mx.optimizer.create('AdaM', beta1=0.5)) is mx.optimizer.Adam
    assert mx.optimizer.create('adam', beta1=0.5).beta1 == 0.5


def test_unknown_optimizer_lists_valid_names():
    with pytest.raises(ValueError, match='Cannot find optimizer foo') as info:
        mx.optimizer.create('foo')
    assert isinstance(info.value, MXNetError)
    assert 'adam' in str(info.value) and 'sgd' in str(info.value)
    with pytest.raises(MXNetError, match='must be a string'):
        mx.optimizer.create(3)


def test_lbsgd_checks_batch_scale():
    with pytest.raises(MXNetError, match='batch_scale must be a positive integer'):
        mx.optimizer.create('lbsgd', batch_scale=0)


def test_register_custom_and_override_warning():
    class MyTestOpt(mx.optimizer.Optimizer):
        def update(self, index, weight, grad, state):
            weight[:] = weight - self._get_lr(index) * grad
    try:
        assert mx.optimizer.register(MyTestOpt) is MyTestOpt
        opt = mx.optimizer.create('mytestopt', learning_rate=0.5)
        w = mx.nd.ones((2,))
        mx.optimizer.get_updater(opt)(0, mx.nd.ones((2,)), w)
        assert w.asnumpy().tolist() == [0.5, 0.5]
        with pytest.warns(UserWarning, match='is overriding existing optimizer'):
            mx.optimizer.register(MyTestOpt)
    finally:
        mx.optimizer.Optimizer.opt_registry.pop('mytestopt', None)
    with pytest.raises(MXNetError, match='subclass of Optimizer'):
        mx.optimizer.register(dict)


def test_base_defaults():
    opt = mx.optimizer.Optimizer()
    assert (opt.lr, opt.wd, opt.rescale_grad, opt.clip_gradient, opt.lr_scheduler) == \
        (0.01, 0.0, 1.0, None, None)
    assert (opt.num_update, opt.begin_num_update, opt.aggregate_num, opt.multi_precision) == \
        (0, 0, 0, False)
    assert opt.create_state(0, mx.nd.ones(2)) is None
    with pytest.raises(NotImplementedError):
        opt.update(0, mx.nd.ones(2), mx.nd.ones(2), None)
    assert mx.optimizer.create('sgd').aggregate_num == 4
    assert mx.optimizer.create('adam').lr == 0.001
    assert mx.optimizer.create('adamax').lr == 0.002
    assert mx.optimizer.create('ftrl').lr == 0.1


def test_weight_decay_name_rule():
    names = {0: 'fc_weight', 1: 'fc_bias', 2: 'bn_gamma', 3: 'bn_beta', 4: 'x'}
    opt = mx.optimizer.create('sgd', param_idx2name=names, wd=0.1)
    assert opt.wd_mult == {'fc_bias': 0.0, 'bn_beta': 0.0, 'x': 0.0}
    assert [opt._get_wd(i) for i in range(5)] == [0.1, 0.0, 0.1, 0.0, 0.0]
    assert opt._get_wd(7) == 0.1                    # unnamed index: full decay
    assert opt._get_wd('x') == 0.0 and opt._get_wd('fc_weight') == 0.1
    opt.set_wd_mult({'fc_bias': 2.0})              # rebuilt from the rule, then updated
    assert opt.wd_mult == {'fc_bias': 2.0, 'bn_beta': 0.0, 'x': 0.0}
    assert opt._get_wds([0, 1]) == [0.1, pytest.approx(0.2)]
    lars = mx.optimizer.create('lars', param_idx2name=names, wd=0.1)
    assert lars.wd_mult == {'fc_bias': 0.0, 'bn_gamma': 0.0, 'bn_beta': 0.0, 'x': 0.0}


def test_lr_mult_and_symbol_attributes():
    x = mx.sym.Variable('x_weight', lr_mult=2, wd_mult=3)
    y = mx.sym.Variable('y_bias', wd_mult=3, lr_mult=0.5)
    s = x + y
    opt = mx.optimizer.create('sgd', wd=0.1, sym=s,
                              param_idx2name={0: 'x_weight', 1: 'y_bias', 2: 'z'})
    assert opt.lr_mult == {'x_weight': 2.0, 'y_bias': 0.5}
    assert opt.wd_mult == {'y_bias': 3.0, 'z': 0.0, 'x_weight': 3.0}
    assert opt.sym_info[1] == ['x_weight', 'y_bias']
    assert opt._get_lr(0) == pytest.approx(0.02) and opt._get_lr(1) == pytest.approx(0.005)
    assert opt._get_wd(1) == pytest.approx(0.3) and opt._get_wd(2) == 0.0
    opt.set_lr_mult({'z': 9, 5: 3.0})
    assert opt.lr_mult == {'x_weight': 2.0, 'y_bias': 0.5, 'z': 9, 5: 3.0}
    assert opt._get_lr(5) == pytest.approx(0.03) and opt._get_lr(2) == pytest.approx(0.09)


def test_param_dict_multipliers_win():
    class P:
        lr_mult = 4.0
        wd_mult = 0.5
    opt = mx.optimizer.create('sgd', wd=0.2, param_dict={0: P()}, param_idx2name={0: 'b'})
    opt.set_lr_mult({0: 100.0})
    assert opt._get_lr(0) == pytest.approx(0.04) and opt._get_wd(0) == pytest.approx(0.1)
    state = opt.__getstate__()
    assert 'param_dict' not in state
    clone = pickle.loads(pickle.dumps(opt))
    assert clone.param_dict == {} and clone.lr == opt.lr


def test_learning_rate_and_scheduler(caplog):
    opt = mx.optimizer.create('sgd', learning_rate=0.3)
    opt.set_learning_rate(0.5)
    assert opt.lr == 0.5 and opt.learning_rate == 0.5
    with pytest.raises(AttributeError):
        opt.learning_rate = 0.2
    sched = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=0.3)
    opt = mx.optimizer.create('sgd', lr_scheduler=sched)
    assert opt.lr is None and sched.base_lr == 0.3 and opt.learning_rate == 0.3
    with pytest.raises(UserWarning, match='LRScheduler of the optimizer has already been defined'):
        opt.set_learning_rate(0.1)
    sched = mx.lr_scheduler.FactorScheduler(step=2, base_lr=0.3, warmup_steps=2)
    with caplog.at_level(logging.WARNING):
        opt = mx.optimizer.create('adam', lr_scheduler=sched)
    assert 'has been overwritten by ``learning_rate``' in caplog.text
    # MXNet overrides base_lr only; the warm-up still ends at the scheduler's own rate
    assert (sched.base_lr, sched.warmup_final_lr) == (0.001, 0.3)
    with pytest.raises(DeprecationWarning):
        opt.set_lr_scale({})


def test_update_counts_and_contexts():
    opt = mx.optimizer.create('sgd', begin_num_update=5)
    assert opt.num_update == 5 and opt._index_update_count == {}
    opt._update_count(0)
    assert opt.num_update == 6 and opt._index_update_count == {0: 6}
    opt._update_count([0, 1])
    assert opt.num_update == 7 and opt._index_update_count == {0: 7, 1: 6}
    opt._set_current_context(1)
    assert opt._index_update_count == {} and opt.num_update == 7
    opt._update_count(1)
    assert opt._all_index_update_counts == {0: {0: 7, 1: 6}, 1: {1: 6}}


@pytest.mark.parametrize('name, kwargs, words', [
    ('sgd', {'rescale_grad': 'x'}, 'rescale_grad'),
    ('sgd', {'wd': None}, 'wd'),
    ('sgd', {'clip_gradient': 'big'}, 'clip_gradient'),
    ('sgd', {'learning_rate': '0.1'}, 'learning_rate'),
    ('sgd', {'momentum': [0.9]}, 'momentum'),
    ('sgd', {'lr_scheduler': 0.1}, 'lr_scheduler'),
    ('sgd', {'begin_num_update': 1.5}, 'begin_num_update'),
    ('sgd', {'param_idx2name': ['a']}, 'param_idx2name'),
    ('adam', {'beta1': 1.0}, 'beta1'),
    ('adam', {'beta2': -0.1}, 'beta2'),
    ('nadam', {'beta2': 1.5}, 'beta2'),
    ('lamb', {'beta1': 1}, 'beta1'),
    ('ftml', {'beta2': 1}, 'beta2'),
    ('rmsprop', {'clip_weights': 'x'}, 'clip_weights'),
    ('signum', {'wd_lh': 'x'}, 'wd_lh'),
])
def test_bad_hyper_parameters_name_themselves(name, kwargs, words):
    with pytest.raises(MXNetError, match=words):
        mx.optimizer.create(name, **kwargs)


def test_unknown_keyword_is_rejected():
    with pytest.raises(TypeError, match='momentun'):
        mx.optimizer.create('sgd', momentun=0.9)


def test_shape_mismatch_is_clear():
    upd = mx.optimizer.get_updater(mx.optimizer.create('adam'))
    with pytest.raises(MXNetError, match=r'gradient shape \(3,\) does not match weight shape'):
        upd(0, mx.nd.ones((3,)), mx.nd.ones((2,)))


def test_float16_without_multi_precision_warns():
    opt = mx.optimizer.create('sgd', momentum=0.9)
    with pytest.warns(UserWarning, match='multi_precision=True option of the SGD optimizer'):
        st = opt.create_state_multi_precision(0, mx.nd.ones(2, dtype='float16'))
    assert st.dtype == np.float16
    with pytest.warns(UserWarning, match='multi_precision=True option of the optimizer'):
        mx.optimizer.create('adam').create_state_multi_precision(0, mx.nd.ones(2, dtype='float16'))
    opt = mx.optimizer.create('sgd', multi_precision=True)
    mom, master = opt.create_state_multi_precision(0, mx.nd.ones(2, dtype='float16'))
    assert mom is None and master.dtype == np.float32


def test_updater_accepts_lists_and_bytes_indices():
    opt = mx.optimizer.create('sgd', learning_rate=0.1, momentum=0.9)
    upd = mx.optimizer.get_updater(opt)
    assert upd.aggregate_updates
    ws = [mx.nd.ones((2,)), mx.nd.ones((3,))]
    upd([0, 1], [mx.nd.ones((2,)), mx.nd.ones((3,))], ws)
    upd(b'k', mx.nd.ones((2,)), ws[0])
    assert sorted(map(str, upd.states)) == ['0', '1', 'k']
    assert_almost_equal(ws[1].asnumpy(), np.full(3, 0.9, np.float32))
    with pytest.raises(MXNetError, match='expected an Optimizer'):
        mx.optimizer.get_updater('sgd')


def _train(upd, ws, grads):
    for g in grads:
        for i, w in enumerate(ws):
            upd(i, mx.nd.array(g[i]), w)


@pytest.mark.parametrize('name', ['sgd', 'adam', 'rmsprop', 'nadam', 'lamb', 'ftml'])
@pytest.mark.parametrize('dump', [False, True])
def test_states_round_trip_resumes_exactly(name, dump):
    rs = np.random.RandomState(3)
    w0 = [rs.uniform(-1, 1, (3, 2)).astype('float32'), rs.uniform(-1, 1, (5,)).astype('float32')]
    grads = [[rs.uniform(-1, 1, w.shape).astype('float32') for w in w0] for _ in range(6)]
    kw = {'momentum': 0.9} if name == 'sgd' else {}
    sched = lambda: mx.lr_scheduler.FactorScheduler(step=2, factor=0.7)  # noqa: E731
    straight = mx.optimizer.get_updater(mx.optimizer.create(name, lr_scheduler=sched(), **kw))
    ws = [mx.nd.array(w) for w in w0]
    _train(straight, ws, grads)
    first = mx.optimizer.get_updater(mx.optimizer.create(name, lr_scheduler=sched(), **kw))
    ws2 = [mx.nd.array(w) for w in w0]
    _train(first, ws2, grads[:3])
    blob = first.get_states(dump_optimizer=dump)
    assert isinstance(blob, bytes)
    second = mx.optimizer.get_updater(first.optimizer if not dump else mx.optimizer.create('test'))
    second.set_states(blob)
    assert set(second.states_synced.values()) == {False}
    if dump:
        assert type(second.optimizer).__name__.lower() == name
        assert second.optimizer is not first.optimizer
    _train(second, ws2, grads[3:])
    for a, b in zip(ws, ws2):
        assert_almost_equal(a.asnumpy(), b.asnumpy(), rtol=0, atol=0)


class _Evil:
    def __reduce__(self):
        return (os.system, ('echo pwned',))


def test_set_states_refuses_code():
    upd = mx.optimizer.get_updater(mx.optimizer.create('sgd'))
    with pytest.raises(MXNetError, match='refusing to load'):
        upd.set_states(pickle.dumps({0: _Evil()}))
    with pytest.raises(MXNetError, match='refusing to load'):
        upd.set_states(pickle.dumps({0: logging.Logger}))
    with pytest.raises(MXNetError, match='corrupt'):
        upd.set_states(b'\x80\x04not a pickle')
    with pytest.raises(MXNetError, match='expected the bytes'):
        upd.set_states({0: None})
    with pytest.raises(MXNetError, match='dict of optimizer states'):
        upd.set_states(pickle.dumps([1, 2]))


def test_states_hold_plain_numpy_data():
    upd = mx.optimizer.get_updater(mx.optimizer.create('adam'))
    upd(0, mx.nd.ones((2,)), mx.nd.ones((2,)))
    data = pickle.loads(upd.get_states())
    mean, var = data[0]
    assert isinstance(mean, mx.nd.NDArray) and isinstance(mean.__getstate__()['data'], np.ndarray)


@pytest.mark.parametrize('name', ['sgd', 'adam'])
@pytest.mark.parametrize('kind', ['plain', 'opt'])
def test_loads_states_pickled_by_mxnet(name, kind):
    upd = mx.optimizer.get_updater(mx.optimizer.create('sgd'))
    upd.set_states(GOLDEN['states:%s:%s' % (name, kind)].tobytes())
    for i in (0, 1):
        st = upd.states[i]
        arrays = st if isinstance(st, tuple) else (st,)
        for j, a in enumerate(arrays):
            assert type(a) is mx.nd.NDArray
            path = '_%d' % j if isinstance(st, tuple) else ''
            assert_almost_equal(a.asnumpy(), GOLDEN['states:%s:%d%s' % (name, i, path)],
                                rtol=0, atol=0)
    if kind == 'opt':
        opt = upd.optimizer
        assert type(opt).__name__.lower() == name and opt.num_update == 2
        w = mx.nd.ones(upd.states[1][0].shape if name == 'adam' else upd.states[1].shape)
        upd(1, mx.nd.ones(w.shape), w)      # the loaded optimizer keeps working
        assert opt.num_update == 3


def test_sync_state_context():
    upd = mx.optimizer.get_updater(mx.optimizer.create('sgd'))
    st = (mx.nd.ones(2), None, [mx.nd.zeros(1)])
    out = upd.sync_state_context(st, mx.cpu(1))
    assert out[0].context == mx.cpu(1) and out[1] is None and out[2][0].context == mx.cpu(1)


def test_plain_function_as_scheduler():
    opt = mx.optimizer.create('sgd', lr_scheduler=lambda n: 0.5 / (1 + n), learning_rate=0.5)
    w = mx.nd.ones((2,))
    mx.optimizer.get_updater(opt)(0, mx.nd.ones((2,)), w)
    assert w.asnumpy().tolist() == [0.75, 0.75]
