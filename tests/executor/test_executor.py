"""Executor: binding forms, gradients requests, memory plan, reshape, monitor, errors."""
import numpy as np
import pytest

import mxlite as mx
from mxlite.test_utils import assert_almost_equal


def _graph():
    x, w = mx.sym.var('x'), mx.sym.var('w')
    h = mx.sym.broadcast_mul(x, w)
    return mx.sym.sum(h * h + mx.sym.exp(h), axis=1)


def _ref_grads(xv, wv, hg):
    x, w = mx.nd.array(xv), mx.nd.array(wv)
    x.attach_grad()
    w.attach_grad()
    with mx.autograd.record():
        h = mx.nd.broadcast_mul(x, w)
        y = mx.nd.sum(h * h + mx.nd.exp(h), axis=1)
    y.backward(mx.nd.array(hg))
    return y.asnumpy(), x.grad.asnumpy(), w.grad.asnumpy()


def test_bind_forward_backward_match_autograd():
    rs = np.random.RandomState(0)
    xv, wv, hg = rs.rand(3, 4), rs.rand(1, 4), rs.rand(3)
    s = _graph()
    args = {'x': mx.nd.array(xv), 'w': mx.nd.array(wv)}
    grads = {'x': mx.nd.zeros((3, 4)), 'w': mx.nd.zeros((1, 4))}
    ex = s.bind(mx.cpu(), args, args_grad=grads)
    out = ex.forward(is_train=True)[0]
    ex.backward(mx.nd.array(hg))
    y, gx, gw = _ref_grads(xv, wv, hg)
    assert_almost_equal(out.asnumpy(), y, rtol=1e-5)
    assert_almost_equal(grads['x'].asnumpy(), gx, rtol=1e-5)
    assert_almost_equal(grads['w'].asnumpy(), gw, rtol=1e-5)
    # list forms of args / grads give the same executor
    ex2 = s.bind(mx.cpu(), [args['x'], args['w']], args_grad=[mx.nd.zeros((3, 4)), mx.nd.zeros((1, 4))])
    ex2.forward(is_train=True)
    ex2.backward([mx.nd.array(hg)])
    assert_almost_equal(ex2.grad_arrays[1].asnumpy(), gw, rtol=1e-5)


def test_grad_req_add_accumulates_and_null_skips():
    s = _graph()
    ex = s.simple_bind(mx.cpu(), grad_req={'x': 'null', 'w': 'add'}, x=(3, 4), w=(1, 4))
    assert ex.grad_dict['x'] is None
    ex.arg_dict['x'][:] = 0.5
    ex.arg_dict['w'][:] = 0.2
    hg = mx.nd.ones((3,))
    ex.forward(is_train=True)
    ex.backward(hg)
    once = ex.grad_dict['w'].asnumpy().copy()
    ex.forward(is_train=True)
    ex.backward(hg)
    assert_almost_equal(ex.grad_dict['w'].asnumpy(), 2 * once, rtol=1e-6)
    ex_w = s.simple_bind(mx.cpu(), grad_req='write', x=(3, 4), w=(1, 4))
    ex_w.copy_params_from({'x': ex.arg_dict['x'], 'w': ex.arg_dict['w']})
    for _ in range(2):
        ex_w.forward(is_train=True)
        ex_w.backward(hg)
    assert_almost_equal(ex_w.grad_dict['w'].asnumpy(), once, rtol=1e-6)


def test_same_input_used_twice_and_head_that_is_also_internal():
    x = mx.sym.var('x')
    e = mx.sym.exp(x, name='e')
    s = mx.sym.Group([e, mx.sym.elemwise_mul(e, e)])
    ex = s.simple_bind(mx.cpu(), x=(2,))
    ex.arg_dict['x'][:] = mx.nd.array([0.1, 0.2])
    ex.forward(is_train=True)
    ex.backward([mx.nd.ones((2,)), mx.nd.ones((2,))])
    xv = np.array([0.1, 0.2])
    # d/dx [e^x + e^2x] = e^x + 2 e^2x
    assert_almost_equal(ex.grad_dict['x'].asnumpy(), np.exp(xv) + 2 * np.exp(2 * xv), rtol=1e-5)


def test_unused_argument_gradient_is_zero():
    a, b = mx.sym.var('a'), mx.sym.var('b')
    s = mx.sym.Group([mx.sym.exp(a), mx.sym.BlockGrad(b)])
    ex = s.simple_bind(mx.cpu(), a=(2,), b=(2,))
    ex.grad_dict['b'][:] = 7
    ex.forward(is_train=True)
    ex.backward([mx.nd.ones((2,)), mx.nd.ones((2,))])
    assert (ex.grad_dict['b'].asnumpy() == 0).all()


def test_simple_bind_shapes_types_and_errors():
    s = mx.sym.dot(mx.sym.var('a'), mx.sym.var('b'))
    ex = s.simple_bind(mx.cpu(), a=(2, 3), b=(3, 4), type_dict={'a': 'float64', 'b': 'float64'})
    assert ex.arg_dict['a'].dtype is np.float64 and ex.outputs[0].shape == (2, 4)
    assert ex.outputs[0].dtype is np.float64
    with pytest.raises(mx.MXNetError, match=r"cannot infer the shapes of b"):
        s.simple_bind(mx.cpu(), a=(2, 3))
    with pytest.raises(mx.MXNetError, match='no GPU'):
        s.simple_bind(mx.gpu(0), a=(2, 3), b=(3, 4))


def test_bind_errors_name_the_problem():
    s = mx.sym.dot(mx.sym.var('a'), mx.sym.var('b'))
    with pytest.raises(mx.MXNetError, match="args is missing b"):
        s.bind(mx.cpu(), {'a': mx.nd.ones((2, 3))})
    with pytest.raises(mx.MXNetError, match='not inputs of the symbol: c'):
        s.bind(mx.cpu(), {'a': mx.nd.ones((2, 3)), 'b': mx.nd.ones((3, 2)), 'c': mx.nd.ones(1)})
    with pytest.raises(mx.MXNetError, match='dot: shape mismatch'):
        s.bind(mx.cpu(), {'a': mx.nd.ones((2, 3)), 'b': mx.nd.ones((2, 2))})
    with pytest.raises(mx.MXNetError, match="grad_req 'bogus'"):
        s.bind(mx.cpu(), {'a': mx.nd.ones((2, 3)), 'b': mx.nd.ones((3, 2))}, grad_req='bogus')
    ex = s.bind(mx.cpu(), {'a': mx.nd.ones((2, 3)), 'b': mx.nd.ones((3, 2))},
                args_grad={'a': mx.nd.zeros((2, 3))})
    with pytest.raises(mx.MXNetError, match='call forward'):
        ex.backward(mx.nd.ones((2, 2)))
    ex.forward(is_train=True)
    with pytest.raises(mx.MXNetError, match='not a loss, so its gradient is required'):
        ex.backward()
    with pytest.raises(mx.MXNetError, match=r'out_grads\[0\] has shape \(3,\)'):
        ex.backward(mx.nd.ones((3,)))
    with pytest.raises(mx.MXNetError, match='has shape'):
        ex.forward(a=mx.nd.ones((5, 3)))
    with pytest.raises(mx.MXNetError, match="'zz' is not an argument"):
        ex.forward(zz=mx.nd.ones(1))


def test_forward_kwargs_outputs_are_stable_objects():
    s = mx.sym.exp(mx.sym.var('a'), name='e')
    ex = s.simple_bind(mx.cpu(), a=(2,), grad_req='null')
    o1 = ex.forward(a=mx.nd.array([0, 1]))
    o2 = ex.forward(a=np.array([1, 2]))
    assert o1[0] is o2[0]
    assert_almost_equal(o2[0].asnumpy(), np.exp([1, 2]), rtol=1e-6)
    assert list(ex.output_dict) == ['e_output']


def test_inference_chain_reuses_memory_in_place():
    x = mx.sym.var('x')
    s = x
    for i in range(12):
        s = mx.sym.sin(mx.sym.exp(s) * 0.5)
    ex = s.simple_bind(mx.cpu(), x=(64, 64), grad_req='null')
    plan = ex._plan
    assert len(plan.blocks) <= 2
    assert plan.planned_bytes < plan.naive_bytes / 5
    v = np.random.RandomState(0).rand(64, 64).astype(np.float32)
    out = ex.forward(x=v)[0].asnumpy()
    ref = v
    for _ in range(12):
        ref = np.sin(np.exp(ref) * 0.5)
    assert_almost_equal(out, ref, rtol=1e-5)
    text = ex.debug_str()
    assert text.rstrip().splitlines()[-1].startswith('Total ') and text.rstrip().endswith('MB allocated')


def test_training_keeps_what_backward_needs():
    x = mx.sym.var('x')
    s = x
    for _ in range(6):
        s = mx.sym.log(mx.sym.exp(s) + 1)       # backward of log needs its input
    ex = s.simple_bind(mx.cpu(), x=(5,))
    xv = np.linspace(-1, 1, 5)
    ex.forward(is_train=True, x=xv)
    ex.backward(mx.nd.ones((5,)))
    xa = mx.nd.array(xv)
    xa.attach_grad()
    with mx.autograd.record():
        y = xa
        for _ in range(6):
            y = mx.nd.log(mx.nd.exp(y) + 1)
    y.backward()
    assert_almost_equal(ex.grad_dict['x'].asnumpy(), xa.grad.asnumpy(), rtol=1e-5)


def test_reshape_shares_unchanged_arrays():
    s = mx.sym.dot(mx.sym.var('data'), mx.sym.var('w'))
    ex = s.simple_bind(mx.cpu(), data=(4, 3), w=(3, 2))
    ex.arg_dict['w'][:] = 1
    ex2 = ex.reshape(data=(7, 3))
    assert ex2.arg_dict['w'] is ex.arg_dict['w']
    assert ex2.outputs[0].shape == (7, 2)
    out = ex2.forward(data=np.ones((7, 3)))[0]
    assert (out.asnumpy() == 3).all()
    with pytest.raises(mx.MXNetError, match='dot: shape mismatch'):
        ex.reshape(data=(4, 5))
    # an argument whose inferred shape changes needs partial_shaping=True
    s2 = mx.sym.elemwise_add(mx.sym.var('data'), mx.sym.var('b'))
    ex3 = s2.simple_bind(mx.cpu(), data=(4, 3), b=(4, 3))
    with pytest.raises(mx.MXNetError, match='partial_shaping'):
        ex3.reshape(data=(5, 3))
    assert ex3.reshape(partial_shaping=True, data=(5, 3)).outputs[0].shape == (5, 3)


def test_copy_params_from():
    s = mx.sym.dot(mx.sym.var('data'), mx.sym.var('w'))
    ex = s.simple_bind(mx.cpu(), data=(1, 3), w=(3, 1))
    ex.copy_params_from({'w': mx.nd.ones((3, 1))})
    assert ex.arg_dict['w'].asnumpy().sum() == 3
    with pytest.raises(mx.MXNetError, match='allow_extra_params'):
        ex.copy_params_from({'zz': mx.nd.ones(1)})
    ex.copy_params_from({'zz': mx.nd.ones(1)}, allow_extra_params=True)
    with pytest.raises(mx.MXNetError, match='expects'):
        ex.copy_params_from({'w': mx.nd.ones((2, 2))})


def test_monitor_callback_sees_every_output():
    s = mx.sym.sin(mx.sym.exp(mx.sym.var('a'), name='e'), name='s')
    ex = s.simple_bind(mx.cpu(), a=(2,), grad_req='null')
    seen = []
    ex.set_monitor_callback(lambda name, arr: seen.append((name, arr.shape)))
    ex.forward()
    assert seen == [('e_output', (2,)), ('s_output', (2,))]
    seen.clear()
    ex.set_monitor_callback(lambda name, arr: seen.append(name), monitor_all=True)
    ex.forward()
    assert seen == ['e_data', 'e_output', 's_data', 's_output']


def test_eval_and_variable_output():
    a = mx.sym.var('a')
    outs = mx.sym.Group([a, a * 2]).eval(a=mx.nd.array([1, 2]))
    assert outs[0].asnumpy().tolist() == [1, 2] and outs[1].asnumpy().tolist() == [2, 4]


def test_monitor_sees_gradients_and_aux_states_under_mxnets_names():
    # MXNet 1.9.1 logs (pattern '.*'): fc1_output, softmax_output, softmax_backward_output0,
    # fc1_backward_output1/2 (weight, bias), then the arguments and auxiliary states
    data = mx.sym.var('data')
    net = mx.sym.BatchNorm(mx.sym.FullyConnected(data, num_hidden=3, name='fc1'), name='bn')
    net = mx.sym.SoftmaxOutput(net, name='softmax')
    mod = mx.mod.Module(net)
    mod.bind(data_shapes=[('data', (4, 2))], label_shapes=[('softmax_label', (4,))])
    mod.init_params(mx.init.Xavier())
    mon = mx.mon.Monitor(1, pattern='.*')
    mod.install_monitor(mon)
    mon.tic()
    mod.forward_backward(mx.io.DataBatch([mx.nd.ones((4, 2))], [mx.nd.zeros((4,))]))
    names = [name for _, name, _ in mon.toc()]
    assert names[:3] == ['fc1_output', 'bn_output', 'softmax_output']
    assert 'softmax_backward_output0' in names and 'fc1_backward_output1' in names
    assert names.index('softmax_backward_output0') < names.index('fc1_backward_output1')
    assert 'fc1_backward_output0' not in names          # no gradient asked for the data
    assert names[-8:] == ['data', 'fc1_weight', 'fc1_bias', 'bn_gamma', 'bn_beta',
                          'softmax_label', 'bn_moving_mean', 'bn_moving_var']
