"""SGD over a list of parameters in one fused kernel call (Module.update, Trainer.step):
the same numbers as one parameter at a time, and the fallbacks where it cannot fuse."""
import pickle

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError

SHAPES = [(7, 5), (5,), (3, 4, 2), (1,)]


def _params(dtype=np.float32, seed=0):
    rs = np.random.RandomState(seed)
    ws = [mx.nd.array(rs.uniform(-1, 1, s), dtype=dtype) for s in SHAPES]
    gs = [mx.nd.array(rs.uniform(-3, 3, s), dtype=dtype) for s in SHAPES]
    return ws, gs


def _run(batched, steps=3, dtype=np.float32, **kw):
    opt = mx.optimizer.create('sgd', **kw)
    opt.set_lr_mult({1: 0.5})
    opt.set_wd_mult({2: 3.0})
    upd = mx.optimizer.get_updater(opt)
    ws, gs = _params(dtype)
    for step in range(steps):
        for g in gs:
            g[:] = g * 0.9 + step      # a different gradient every step, same arrays
        if batched:
            upd(list(range(len(ws))), gs, ws)
        else:
            for i, (g, w) in enumerate(zip(gs, ws)):
                upd(i, g, w)
    states = [upd.states[i] for i in range(len(ws))]
    return [w.asnumpy() for w in ws], [None if s is None else s.asnumpy() for s in states], opt


@pytest.mark.parametrize('kw', [
    dict(learning_rate=0.1, momentum=0.9, wd=1e-3),
    dict(learning_rate=0.05, momentum=0.0, wd=1e-2),                 # no momentum state
    dict(learning_rate=0.1, momentum=0.5, clip_gradient=0.7, rescale_grad=0.25),
    'scheduler',        # the learning rate changes between steps
])
def test_fused_list_update_equals_one_at_a_time(kw):
    def fresh():        # schedulers keep state: one each
        if kw == 'scheduler':
            return dict(momentum=0.9, lr_scheduler=mx.lr_scheduler.FactorScheduler(
                2, 0.5, base_lr=0.2))
        return kw
    w1, s1, o1 = _run(True, **fresh())
    w2, s2, o2 = _run(False, **fresh())
    for a, b in zip(w1 + s1, w2 + s2):
        if a is None:
            assert b is None
        else:
            np.testing.assert_array_equal(a, b)      # bitwise: the same arithmetic
    assert o1.num_update == o2.num_update
    assert '_many_cache' in vars(o1)                # the fused path did run


def test_float64_parameters_take_the_per_parameter_path():
    w1, s1, o1 = _run(True, dtype=np.float64, learning_rate=0.1, momentum=0.9)
    w2, s2, _ = _run(False, dtype=np.float64, learning_rate=0.1, momentum=0.9)
    for a, b in zip(w1 + s1, w2 + s2):
        np.testing.assert_array_equal(a, b)
    assert '_many_cache' not in vars(o1)


def test_float16_multi_precision_falls_back():
    opt = mx.optimizer.create('sgd', learning_rate=0.1, momentum=0.9, multi_precision=True)
    upd = mx.optimizer.get_updater(opt)
    ws, gs = _params(np.float16)
    ref = [w.asnumpy().astype(np.float32) for w in ws]
    upd(list(range(len(ws))), gs, ws)
    for w, r, g in zip(ws, ref, gs):
        want = r - 0.1 * g.asnumpy().astype(np.float32)
        np.testing.assert_allclose(w.asnumpy().astype(np.float32), want, rtol=2e-3, atol=2e-3)


def test_replaced_arrays_are_not_written_through_stale_addresses():
    opt = mx.optimizer.create('sgd', learning_rate=1.0)
    upd = mx.optimizer.get_updater(opt)
    ws, gs = _params()
    upd([0, 1], gs[:2], ws[:2])
    old = ws[0]._data
    before = old.copy()
    ws[0]._data = np.zeros_like(old)          # the parameter now lives elsewhere
    upd([0, 1], gs[:2], ws[:2])
    np.testing.assert_array_equal(old, before)
    np.testing.assert_array_equal(ws[0].asnumpy(), -gs[0].asnumpy())


def test_shape_mismatch_in_a_list_is_named():
    opt = mx.optimizer.create('sgd', learning_rate=0.1, momentum=0.9)
    upd = mx.optimizer.get_updater(opt)
    ws, gs = _params()
    gs[1] = mx.nd.zeros((6,))
    with pytest.raises(MXNetError, match=r'gradient shape \(6,\) does not match weight shape \(5,\)'):
        upd(list(range(len(ws))), gs, ws)


def test_dumped_optimizer_carries_no_addresses():
    opt = mx.optimizer.create('sgd', learning_rate=0.1, momentum=0.9)
    upd = mx.optimizer.get_updater(opt)
    ws, gs = _params()
    upd(list(range(len(ws))), gs, ws)
    states, restored = pickle.loads(upd.get_states(dump_optimizer=True))
    assert '_many_cache' not in vars(restored)
    assert sorted(states) == list(range(len(ws)))


def test_module_update_matches_per_parameter_updates():
    data = mx.sym.Variable('data')
    net = mx.sym.FullyConnected(data, num_hidden=4, name='fc')
    net = mx.sym.SoftmaxOutput(net, name='softmax')
    x = np.random.RandomState(1).uniform(-1, 1, (8, 6)).astype(np.float32)
    y = np.arange(8) % 4
    results = []
    for batched in (True, False):
        mod = mx.mod.Module(net, context=mx.cpu())
        mod.bind(data_shapes=[('data', x.shape)], label_shapes=[('softmax_label', (8,))])
        mod.init_params(mx.init.Constant(0.1))
        mod.init_optimizer(optimizer='sgd', optimizer_params={'learning_rate': 0.1,
                                                              'momentum': 0.9, 'wd': 1e-3})
        if not batched:      # an updater that only ever sees one parameter
            inner = mod._updater
            mod._updater = lambda i, g, w: [inner(a, b, c) for a, b, c in zip(i, g, w)]
        batch = mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)])
        for _ in range(3):
            mod.forward_backward(batch)
            mod.update()
        results.append({k: v.asnumpy() for k, v in mod.get_params()[0].items()})
    for k in results[0]:
        np.testing.assert_array_equal(results[0][k], results[1][k])
