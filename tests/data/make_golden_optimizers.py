"""Record real MXNet 1.9.1 optimizer updates (run under the oracle's interpreter).

    /tmp/mxref/bin/python tests/data/make_golden_optimizers.py

For every case in tests/optimizer/opt_cases.py: N updates through
``mx.optimizer.get_updater(mx.optimizer.create(...))`` from fixed weights and
gradients, recording the weight, the optimizer state and the learning rate
after each step; and one call of each fused update operator (``sgd_update``,
``adam_update``, ...) with its output and its mutated state inputs.
Writes tests/data/golden_optimizers.npz.
"""
import json
import os
import sys
import warnings

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'optimizer'))
from opt_cases import (CASES, OP_CASES, op_arrays, MULTI_CASES, MULTI_NAMES,  # noqa: E402
                       multi_order, multi_arrays, pack)


def flatten(state, path=''):
    """(structure string, [(path, numpy array)])."""
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


def run_case(case, out):
    w0, grads = case.arrays()
    kwargs = dict(case.kwargs)
    if case.sched is not None:
        cls, skw = case.sched
        kwargs['lr_scheduler'] = getattr(mx.lr_scheduler, cls)(**skw)
    kwargs['param_idx2name'] = {case.index: case.param}
    if case.sym_attrs is not None:
        var = mx.sym.Variable(case.param, **{k: float(v) for k, v in case.sym_attrs.items()})
        kwargs['sym'] = mx.sym.broadcast_mul(mx.sym.Variable('data'), var)
    opt = mx.optimizer.create(case.name, **kwargs)
    upd = mx.optimizer.get_updater(opt)
    w = mx.nd.array(w0, dtype=case.dtype)
    for step, g in enumerate(grads):
        upd(case.index, mx.nd.array(g, dtype=case.dtype), w)
        pre = '%s:%d' % (case.id, step)
        out[pre + ':w'] = w.asnumpy()
        struct, arrays = flatten(upd.states[case.index])
        for path, a in arrays:
            out[pre + ':s' + path] = a
        out[pre + ':lr'] = np.float64(opt._get_lr(case.index))
        out[pre + ':num_update'] = np.int64(opt.num_update)
    out[case.id + ':struct'] = np.array(struct)


def run_op(case, out):
    cid, op, names, params = case
    for inplace in (False, True):
        key = cid + ('@inplace' if inplace else '')
        arrays = op_arrays(case)
        nds = [mx.nd.array(a, dtype=a.dtype) for a in arrays]
        if inplace:     # out=weight, as the optimizers call them
            res = getattr(mx.nd, op)(*nds, out=nds[0], **params)
        else:
            res = getattr(mx.nd, op)(*nds, **params)
        out[key + ':out'] = res.asnumpy()
        for n, x in zip(names, nds):
            out['%s:%s' % (key, n)] = x.asnumpy()


def run_multi(case, out):
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
        out['%s:w%d' % (cid, i)] = w.asnumpy()
    out[cid + ':num_update'] = np.int64(opt.num_update)


def run_attrs(out):
    """Attribute names of every optimizer (pickled optimizers carry them)."""
    for name in sorted(mx.optimizer.Optimizer.opt_registry):
        opt = mx.optimizer.create(name)
        out['attrs:' + name] = np.array(json.dumps(sorted(vars(opt))))


def run_states(out):
    """Bytes of MXNet's Updater.get_states, with and without the optimizer."""
    for name, kwargs in (('sgd', {'momentum': 0.9, 'learning_rate': 0.1}),
                         ('adam', {'learning_rate': 0.01, 'wd': 0.01})):
        opt = mx.optimizer.create(name, **kwargs)
        upd = mx.optimizer.get_updater(opt)
        rs = np.random.RandomState(7)
        ws = [mx.nd.array(rs.uniform(-1, 1, (2, 3))), mx.nd.array(rs.uniform(-1, 1, (4,)))]
        for _ in range(2):
            for i, w in enumerate(ws):
                upd(i, mx.nd.array(rs.uniform(-1, 1, w.shape)), w)
        for dump in (False, True):
            key = 'states:%s:%s' % (name, 'opt' if dump else 'plain')
            out[key] = np.frombuffer(upd.get_states(dump), dtype=np.uint8)
        for i, st in upd.states.items():
            _, arrays = flatten(st)
            for path, a in arrays:
                out['states:%s:%d%s' % (name, i, path)] = a


def main():
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        for case in CASES:
            if case.golden:
                run_case(case, out)
        for case in OP_CASES:
            run_op(case, out)
        for case in MULTI_CASES:
            run_multi(case, out)
        run_attrs(out)
        run_states(out)
    np.savez_compressed(os.path.join(HERE, 'golden_optimizers.npz'), **pack(out))
    print('ok: %d arrays' % len(out))


if __name__ == '__main__':
    main()
