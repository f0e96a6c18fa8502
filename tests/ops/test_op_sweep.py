"""One sweep over the operator registry, driven by tests/ops/case_spec.py.

For every case: mx.nd forward == real MXNet 1.9.1's output (golden file),
registry shape/type inference == the actual result, autograd gradients ==
MXNet's, and autograd == finite differences in float64.
"""
import contextlib
import os

import numpy as np
import pytest

import mxlite as mx
from mxlite.ops.registry import get_op, list_ops
from mxlite.test_utils import assert_almost_equal, check_gradient_nd

from case_spec import all_cases

CASES = all_cases()
_DATA = os.path.join(os.path.dirname(__file__), '..', 'data')
GOLDENS = {name: np.load(os.path.join(_DATA, name)) for name in sorted({c.golden_file for c in CASES})}


def golden(case):
    return GOLDENS[case.golden_file]


def mode(train):
    """The autograd scope a case's forward runs in (None: leave the default, predict)."""
    if train is None:
        return contextlib.nullcontext()
    return mx.autograd.train_mode() if train else mx.autograd.predict_mode()

# Registered operators whose tests live elsewhere, with where.
TESTED_ELSEWHERE = {
    '_random_uniform': 'tests/ndarray/test_random.py', '_random_normal': 'tests/ndarray/test_random.py',
    '_random_randint': 'tests/ndarray/test_random.py', '_random_exponential': 'tests/ndarray/test_random.py',
    '_random_gamma': 'tests/ndarray/test_random.py', '_random_poisson': 'tests/ndarray/test_random.py',
    '_random_negative_binomial': 'tests/ndarray/test_random.py',
    '_random_generalized_negative_binomial': 'tests/ndarray/test_random.py',
    '_sample_uniform': 'tests/ndarray/test_random.py', '_sample_normal': 'tests/ndarray/test_random.py',
    '_sample_exponential': 'tests/ndarray/test_random.py', '_sample_gamma': 'tests/ndarray/test_random.py',
    '_sample_poisson': 'tests/ndarray/test_random.py',
    '_sample_negative_binomial': 'tests/ndarray/test_random.py',
    '_sample_generalized_negative_binomial': 'tests/ndarray/test_random.py',
    '_sample_multinomial': 'tests/ndarray/test_random.py', '_shuffle': 'tests/ndarray/test_random.py',
    '_zeros_without_dtype': 'tests/ndarray/test_creation.py',
    '_linspace': 'tests/ndarray/test_creation.py',
    'Custom': 'tests/test_operator_custom.py',
    'CTCLoss': 'tests/gluon/test_loss.py',    # values and gradients vs MXNet: data/gluon/ctc.json
    'RNN': 'tests/gluon/test_rnn.py',          # values and gradients vs MXNet: data/gluon/rnn_op.json
    '_rnn_param_concat': 'tests/gluon/test_rnn.py',
}
# fused optimizer updates: goldens in tests/data/golden_optimizers.npz
TESTED_ELSEWHERE.update({name: 'tests/optimizer/test_optimizer_golden.py' for name in (
    'sgd_update', 'sgd_mom_update', 'nag_mom_update', 'adam_update', 'rmsprop_update',
    'rmspropalex_update', 'signsgd_update', 'signum_update', 'ftrl_update', 'ftml_update',
    'lamb_update_phase1', 'lamb_update_phase2', 'mp_sgd_update', 'mp_sgd_mom_update',
    'mp_nag_mom_update')})


def nd_function(name):
    fn = getattr(mx.nd, name, None)
    return fn if fn is not None else getattr(mx.nd._internal, name)


def test_every_operator_has_cases():
    covered = {get_op(c.op).name for c in CASES}
    primary = {get_op(n).name for n in list_ops()}
    missing = sorted(primary - covered - set(TESTED_ELSEWHERE))
    assert not missing, 'operators without test cases in case_spec.py: %s' % missing


@pytest.mark.parametrize('case', CASES, ids=[c.id for c in CASES])
def test_forward_matches_mxnet(case):
    GOLDEN = golden(case)
    arrays = case.arrays()
    if case.golden and case.id + ':in0' in GOLDEN:
        for i, a in enumerate(arrays):
            np.testing.assert_array_equal(a, GOLDEN['%s:in%d' % (case.id, i)])
    with mode(case.train):
        out = nd_function(case.op)(*[mx.nd.array(a, dtype=a.dtype) for a in arrays], **case.params)
    outs = out if isinstance(out, list) else [out]
    # registry inference agrees with what forward produced
    op = get_op(case.op)
    params = dict(case.params)
    if op.num_args_param and op.num_args_param not in params:
        params[op.num_args_param] = len(arrays)
    attrs = op.parse(params)
    _, shapes = op.infer_shape(attrs, [a.shape for a in arrays])
    _, types = op.infer_type(attrs, [a.dtype for a in arrays])
    n_vis = op.num_visible_outputs(attrs)
    assert [tuple(s) for s in shapes[:n_vis]] == [o.shape for o in outs]
    assert [np.dtype(t) for t in types[:n_vis]] == [np.dtype(o.dtype) for o in outs]
    if not case.golden:
        return
    if (case.id + ':error') in GOLDEN:
        pytest.fail('MXNet 1.9.1 rejects this case: %s' % GOLDEN[case.id + ':error'])
    for i, o in enumerate(outs):
        want = GOLDEN['%s:out%d' % (case.id, i)]
        assert o.dtype == want.dtype.type, '%s output %d dtype %s, MXNet %s' % (
            case.id, i, np.dtype(o.dtype), want.dtype)
        assert_almost_equal(o.asnumpy(), want, rtol=case.rtol, atol=case.atol,
                            names=('mxlite', 'mxnet'))


GRAD_CASES = [c for c in CASES if c.grad]
FD_CASES = [c for c in GRAD_CASES if c.fd]


@pytest.mark.parametrize('case', GRAD_CASES, ids=[c.id for c in GRAD_CASES])
def test_gradient_matches_mxnet(case):
    GOLDEN = golden(case)
    train = True if case.train is None else case.train
    if (case.id + ':grad_error') in GOLDEN:
        pytest.skip('MXNet 1.9.1 fails this backward: %s' % GOLDEN[case.id + ':grad_error'])
    arrays = case.arrays()
    diff = case.diff_inputs(arrays)
    inputs = [mx.nd.array(a, dtype=a.dtype) for a in arrays]
    for i in diff:
        inputs[i].attach_grad()
    with mx.autograd.record(train_mode=train):
        out = nd_function(case.op)(*inputs, **case.params)
    outs = out if isinstance(out, list) else [out]
    hgs = case.head_grads([o.shape for o in outs])
    mx.autograd.backward(outs, [mx.nd.array(h, dtype=o.dtype) for h, o in zip(hgs, outs)],
                         train_mode=train)
    for i in diff:
        assert_almost_equal(inputs[i].grad.asnumpy(), GOLDEN['%s:grad%d' % (case.id, i)],
                            rtol=case.grad_rtol, atol=case.grad_atol,
                            names=('mxlite grad%d' % i, 'mxnet grad%d' % i))
    for i in case.after:
        assert_almost_equal(inputs[i].asnumpy(), GOLDEN['%s:after%d' % (case.id, i)],
                            rtol=1e-5, atol=1e-6, names=('mxlite input%d after' % i,
                                                         'mxnet input%d after' % i))


@pytest.mark.parametrize('case', FD_CASES, ids=[c.id for c in FD_CASES])
def test_gradient_matches_finite_differences(case):
    arrays = case.arrays()
    op_fn = nd_function(case.op)
    train = True if case.train is None else case.train

    def fn(*xs):
        # the finite differences run outside record(): keep the case's mode
        with mode(train if case.train is not None else None):
            return op_fn(*xs, **case.params)
    out0 = fn(*[mx.nd.array(a, dtype=a.dtype) for a in arrays])
    outs = out0 if isinstance(out0, list) else [out0]
    hgs = [h.astype(np.float64) for h in case.head_grads([o.shape for o in outs])]
    check_gradient_nd(fn, arrays, case.diff_inputs(arrays), hgs, rtol=case.fd_rtol,
                      atol=case.fd_atol, train_mode=train)


def sym_function(name):
    fn = getattr(mx.sym, name, None)
    return fn if fn is not None else getattr(mx.sym._internal, name)


@pytest.mark.parametrize('case', CASES, ids=[c.id for c in CASES])
def test_bound_symbol_matches_ndarray_and_autograd(case):
    """The executor runs the same registry entry: forward and gradients must agree."""
    op = get_op(case.op)
    train = True if case.train is None else case.train
    if op.name.startswith(('_random', '_sample', '_shuffle')) or (op.name == 'Dropout' and train):
        pytest.skip('random')
    arrays = case.arrays()
    names = ['in%d' % i for i in range(len(arrays))]
    variadic = op.num_args_param is not None
    vars_ = [mx.sym.var(n) for n in names]
    params = dict(case.params)
    if variadic:
        s = sym_function(case.op)(*vars_, **params)
        n_args = len(arrays)
    else:
        attrs = op.parse(params)
        input_names = op.list_arguments(attrs) + op.list_aux_states(attrs)
        n_args = len(op.list_arguments(attrs))
        s = sym_function(case.op)(**dict(zip(input_names, vars_)), **params)
    assert s.list_arguments() == names[:n_args]
    diff = case.diff_inputs(arrays) if case.grad else []
    args = {n: mx.nd.array(a, dtype=a.dtype) for n, a in zip(names[:n_args], arrays)}
    aux = {n: mx.nd.array(a, dtype=a.dtype) for n, a in zip(names[n_args:], arrays[n_args:])}
    grads = {names[i]: mx.nd.zeros(arrays[i].shape, dtype=arrays[i].dtype) for i in diff}
    ex = s.bind(mx.cpu(), args, args_grad=grads, grad_req={names[i]: 'write' for i in diff},
                aux_states=aux)
    outs = ex.forward(is_train=train)
    nd_inputs = [mx.nd.array(a, dtype=a.dtype) for a in arrays]
    for i in diff:
        nd_inputs[i].attach_grad()
    with mx.autograd.record(train_mode=train):
        ref = nd_function(case.op)(*nd_inputs, **case.params)
    refs = ref if isinstance(ref, list) else [ref]
    assert len(outs) == len(refs)
    for o, r in zip(outs, refs):
        assert o.dtype == r.dtype
        assert_almost_equal(o.asnumpy(), r.asnumpy(), rtol=1e-5, atol=1e-6,
                            names=('executor', 'ndarray'))
    if not diff:
        return
    hgs = case.head_grads([o.shape for o in outs])
    ex.backward([mx.nd.array(h, dtype=o.dtype) for h, o in zip(hgs, outs)], is_train=train)
    mx.autograd.backward(refs, [mx.nd.array(h, dtype=o.dtype) for h, o in zip(hgs, refs)],
                         train_mode=train)
    for i in diff:
        assert_almost_equal(ex.grad_dict[names[i]].asnumpy(), nd_inputs[i].grad.asnumpy(),
                            rtol=1e-4, atol=1e-5, names=('executor grad', 'autograd grad'))
    # auxiliary states (BatchNorm's moving statistics) end up the same
    for n, x in zip(names[n_args:], nd_inputs[n_args:]):
        assert_almost_equal(ex.aux_dict[n].asnumpy(), x.asnumpy(), rtol=1e-5, atol=1e-6,
                            names=('executor aux', 'ndarray aux'))
