"""Module.fit's NaN/inf guards: detected once per batch, reported with epoch, batch and a hint;
``on_nan='stop'`` ends training with the last good parameters, auxiliary and optimizer states.
"""
import logging
import re

import numpy as np
import pytest

import mxlite as mx
from mxlite.module import training_guard
from mxlite.test_utils import get_digits

BATCH = 50


@pytest.fixture(scope='module')
def digits():
    d = get_digits()
    return d['train_data'][:300].copy(), d['train_label'][:300].copy()


def bn_net():
    """Conv + BatchNorm (moving statistics change in every training batch) + FC."""
    data = mx.sym.var('data')
    net = mx.sym.Convolution(data, kernel=(3, 3), num_filter=4, name='conv')
    net = mx.sym.BatchNorm(net, fix_gamma=False, name='bn')
    net = mx.sym.Activation(net, act_type='relu')
    net = mx.sym.Pooling(net, kernel=(2, 2), stride=(2, 2), pool_type='avg')
    net = mx.sym.FullyConnected(mx.sym.Flatten(net), num_hidden=10, name='fc')
    return mx.sym.SoftmaxOutput(net, name='softmax')


def train(x, y, batches=None, **fit_kw):
    n = len(x) if batches is None else batches * BATCH
    it = mx.io.NDArrayIter(x[:n], y[:n], BATCH, shuffle=False)
    mod = mx.mod.Module(bn_net())
    mx.random.seed(1)
    kw = dict(num_epoch=1, optimizer='sgd', initializer=mx.init.Xavier(),
              optimizer_params={'learning_rate': 0.1, 'momentum': 0.9})
    kw.update(fit_kw)
    mod.fit(it, **kw)
    return mod


def state_of(mod):
    arg, aux = mod.get_params()
    out = {('arg', k): v.asnumpy().copy() for k, v in arg.items()}
    out.update({('aux', k): v.asnumpy().copy() for k, v in aux.items()})
    for i, s in sorted(mod._updater.states.items()):
        for j, a in enumerate(training_guard_arrays(s)):
            out[('opt', i, j)] = a.asnumpy().copy()
    return out


def training_guard_arrays(s):
    from mxlite.module.module import _state_arrays
    return _state_arrays(s)


def assert_same(a, b):
    assert sorted(a) == sorted(b)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k], err_msg=str(k))


@pytest.mark.filterwarnings('ignore::RuntimeWarning')   # NaN/inf on purpose
def test_nan_in_data_is_reported_with_epoch_batch_and_hint(digits, caplog):
    x, y = digits
    x = x.copy()
    x[3 * BATCH + 7, 0, 5, 5] = np.nan
    with caplog.at_level(logging.WARNING):
        train(x, y)
    assert re.search(r'(loss is nan|the gradient of \w+ has NaN/inf values) at epoch 0 batch 3: '
                     r'the learning rate 0.1 may be too high; lower it, clip gradients', caplog.text)


@pytest.mark.filterwarnings('ignore::RuntimeWarning')   # NaN/inf on purpose
def test_stop_keeps_the_last_good_state_including_batchnorm_statistics(digits):
    x, y = digits
    bad = x.copy()
    bad[3 * BATCH + 7, 0, 5, 5] = np.inf
    good = state_of(train(x, y, batches=3))          # the state after batches 0, 1, 2
    it = mx.io.NDArrayIter(bad, y, BATCH, shuffle=False)
    mod = mx.mod.Module(bn_net())
    mx.random.seed(1)
    with pytest.raises(mx.mod.NonFiniteError, match=r'epoch 0 batch 3.*on_nan=.stop.'):
        mod.fit(it, num_epoch=1, optimizer='sgd', initializer=mx.init.Xavier(),
                optimizer_params={'learning_rate': 0.1, 'momentum': 0.9}, on_nan='stop')
    assert_same(state_of(mod), good)
    assert all(np.isfinite(v).all() for v in state_of(mod).values())


@pytest.mark.filterwarnings('ignore::RuntimeWarning')   # NaN/inf on purpose
def test_gradient_nan_with_a_finite_loss(digits, caplog):
    """sqrt at 0 has an infinite slope: the loss stays finite, the gradient does not."""
    x, y = digits
    data = mx.sym.var('data')
    fc = mx.sym.FullyConnected(mx.sym.Flatten(data), num_hidden=4, name='fc')
    loss = mx.sym.MakeLoss(mx.sym.sum(mx.sym.sqrt(mx.sym.relu(fc * 0))), name='loss')
    mod = mx.mod.Module(loss, label_names=None)
    it = mx.io.NDArrayIter(x[:100], None, BATCH)
    with caplog.at_level(logging.WARNING):
        mod.fit(it, num_epoch=1, eval_metric=mx.metric.Loss())
    assert re.search(r'the gradient of fc_(weight|bias) has NaN/inf values at epoch 0 batch 0',
                     caplog.text), caplog.text


@pytest.mark.filterwarnings('ignore::RuntimeWarning')   # NaN/inf on purpose
def test_parameters_blowing_up_stop_with_the_state_before_the_update(digits):
    x, y = digits
    before = state_of(train(x, y, batches=1, optimizer_params={'learning_rate': 1e-3,
                                                                'momentum': 0.9}))
    it = mx.io.NDArrayIter(x, y, BATCH, shuffle=False)
    mod = mx.mod.Module(bn_net())
    mx.random.seed(1)
    def sched(num_update):          # fine for the first update, overflowing for the second
        return 1e-3 if num_update <= 1 else 1e300
    with pytest.raises(mx.mod.NonFiniteError,
                       match=r'(parameter \w+ became NaN/inf in the update|gradient|loss).*'
                             r'epoch 0 batch 1'):
        mod.fit(it, num_epoch=1, optimizer='sgd', initializer=mx.init.Xavier(),
                optimizer_params={'lr_scheduler': sched, 'momentum': 0.9}, on_nan='stop')
    assert_same(state_of(mod), before)


@pytest.mark.filterwarnings('ignore::RuntimeWarning')   # NaN/inf on purpose
def test_ignore_does_not_check(digits, caplog, monkeypatch):
    calls = []
    monkeypatch.setattr(training_guard, 'non_finite', lambda arrays: calls.append(1) or -1)
    x, y = digits
    x = x.copy()
    x[7, 0, 5, 5] = np.nan
    with caplog.at_level(logging.WARNING):
        train(x, y, on_nan='ignore')
    assert not calls and 'NaN' not in caplog.text


def test_checks_are_one_pass_per_batch(digits, monkeypatch):
    """Each batch: one reduction per gradient and one per parameter, nothing more."""
    from mxlite.module import base_module
    seen = []
    real = training_guard.non_finite

    def counting(arrays):
        arrays = list(arrays)
        seen.append(len(arrays))
        return real(arrays)
    monkeypatch.setattr(base_module, 'non_finite', counting)
    x, y = digits
    mod = train(x, y, batches=4)
    n_params = len(mod._param_names)
    assert seen == [n_params, n_params] * 4
