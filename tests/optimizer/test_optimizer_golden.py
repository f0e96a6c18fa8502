"""mx.optimizer updates against real MXNet 1.9.1, step for step (tests/data/golden_optimizers.npz).

Each case in opt_cases.py runs N updates through
``get_updater(create(name, ...))``; after every step the weight, every
optimizer state array and the learning rate must match MXNet's.
"""
import os
import warnings

import numpy as np
import pytest

import mxlite as mx
from mxlite.test_utils import assert_almost_equal

from opt_cases import (CASES, OP_CASES, op_arrays, MULTI_CASES, MULTI_NAMES, multi_order,
                       multi_arrays, Unpacked)

GOLDEN = Unpacked(np.load(os.path.join(os.path.dirname(__file__), '..', 'data',
                                    'golden_optimizers.npz')))
GOLDEN_CASES = [c for c in CASES if c.golden]


def flatten(state, path=''):
    if state is None:
        return 'N', []
    if isinstance(state, (list, tuple)):
        parts, arrays = [], []
        for i, s in enumerate(state):
            st, arr = flatten(s, '%s_%d' % (path, i))
            parts.append(st)
            arrays += arr
        return '(' + ','.join(parts) + ')', arrays
    return 'A', [(path, state.asnumpy())]


def build(case):
    kwargs = dict(case.kwargs)
    if case.sched is not None:
        cls, skw = case.sched
        kwargs['lr_scheduler'] = getattr(mx.lr_scheduler, cls)(**skw)
    kwargs['param_idx2name'] = {case.index: case.param}
    if case.sym_attrs is not None:
        var = mx.sym.Variable(case.param, **{k: float(v) for k, v in case.sym_attrs.items()})
        kwargs['sym'] = mx.sym.broadcast_mul(mx.sym.Variable('data'), var)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        opt = mx.optimizer.create(case.name, **kwargs)
    return opt


@pytest.mark.parametrize('case', GOLDEN_CASES, ids=[c.id for c in GOLDEN_CASES])
def test_updates_match_mxnet(case):
    opt = build(case)
    upd = mx.optimizer.get_updater(opt)
    w0, grads = case.arrays()
    w = mx.nd.array(w0, dtype=case.dtype)
    for step, g in enumerate(grads):
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            upd(case.index, mx.nd.array(g, dtype=case.dtype), w)
        pre = '%s:%d' % (case.id, step)
        assert w.dtype == np.dtype(case.dtype)
        assert_almost_equal(w.asnumpy(), GOLDEN[pre + ':w'], rtol=case.rtol, atol=case.atol,
                            names=('mxlite step %d' % step, 'mxnet'))
        struct, arrays = flatten(upd.states[case.index])
        assert struct == str(GOLDEN[case.id + ':struct'])
        for path, a in arrays:
            want = GOLDEN[pre + ':s' + path]
            assert a.dtype == want.dtype, (path, a.dtype, want.dtype)
            assert_almost_equal(a, want, rtol=case.rtol, atol=case.atol,
                                names=('mxlite state%s step %d' % (path, step), 'mxnet'))
        assert opt._get_lr(case.index) == pytest.approx(float(GOLDEN[pre + ':lr']), rel=1e-12)
        assert opt.num_update == int(GOLDEN[pre + ':num_update'])


@pytest.mark.parametrize('inplace', [False, True], ids=['new_out', 'out_is_weight'])
@pytest.mark.parametrize('case', OP_CASES, ids=[c[0] for c in OP_CASES])
def test_fused_operator_matches_mxnet(case, inplace):
    cid, op, names, params = case
    key = cid + ('@inplace' if inplace else '')
    arrays = op_arrays(case)
    nds = [mx.nd.array(a, dtype=a.dtype) for a in arrays]
    if inplace:
        out = getattr(mx.nd, op)(*nds, out=nds[0], **params)
        assert out is nds[0]
    else:
        out = getattr(mx.nd, op)(*nds, **params)
    tol = dict(rtol=1e-3, atol=1e-3) if op.startswith('mp_') else dict(rtol=1e-5, atol=1e-6)
    want = GOLDEN[key + ':out']
    assert out.dtype == want.dtype
    assert_almost_equal(out.asnumpy(), want, names=('mxlite', 'mxnet'), **tol)
    for n, x in zip(names, nds):
        assert_almost_equal(x.asnumpy(), GOLDEN['%s:%s' % (key, n)],
                            names=('mxlite ' + n, 'mxnet'), **tol)


@pytest.mark.parametrize('case', MULTI_CASES, ids=[c[0] for c in MULTI_CASES])
def test_interleaved_parameters_match_mxnet(case):
    cid, name, kwargs, sched = case
    kwargs = dict(kwargs)
    if sched is not None:
        kwargs['lr_scheduler'] = getattr(mx.lr_scheduler, sched[0])(**sched[1])
    opt = mx.optimizer.create(name, param_idx2name=MULTI_NAMES, **kwargs)
    upd = mx.optimizer.get_updater(opt)
    ws0, gss = multi_arrays(cid)
    ws = [mx.nd.array(w) for w in ws0]
    for step, gs in enumerate(gss):
        for i in multi_order(step):
            upd(i, mx.nd.array(gs[i]), ws[i])
    for i, w in enumerate(ws):
        assert_almost_equal(w.asnumpy(), GOLDEN['%s:w%d' % (cid, i)], rtol=1e-5, atol=1e-6,
                            names=('mxlite %s' % MULTI_NAMES[i], 'mxnet'))
    assert opt.num_update == int(GOLDEN[cid + ':num_update'])


def test_every_optimizer_has_golden_cases():
    names = {c.name.lower() for c in GOLDEN_CASES}
    expected = set(mx.optimizer.Optimizer.opt_registry) - {'sgld'}
    assert expected <= names, sorted(expected - names)
