"""mx.operator CustomOp/CustomOpProp through nd, sym, the executor and autograd; mx.mon."""
import numpy as np
import pytest

import mxlite as mx


class _Sq(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        self.saved = in_data[0].asnumpy()
        self.assign(out_data[0], req[0], in_data[0] * in_data[0] * self.scale)

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        assert np.array_equal(self.saved, in_data[0].asnumpy())   # same instance as forward
        self.assign(in_grad[0], req[0], 2 * self.scale * in_data[0] * out_grad[0])


@mx.operator.register('test_sq')
class _SqProp(mx.operator.CustomOpProp):
    def __init__(self, scale='1'):
        super().__init__(need_top_grad=True)
        self.scale = float(scale)

    def create_operator(self, ctx, shapes, dtypes):
        op = _Sq()
        op.scale = self.scale
        return op


class _HalfSqLoss(mx.operator.CustomOp):
    def forward(self, is_train, req, in_data, out_data, aux):
        self.assign(out_data[0], req[0], in_data[0])

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        self.assign(in_grad[0], req[0], in_data[0] - in_data[1])


@mx.operator.register('test_l2loss')
class _LossProp(mx.operator.CustomOpProp):
    def __init__(self):
        super().__init__(need_top_grad=False)

    def list_arguments(self):
        return ['data', 'label']

    def create_operator(self, ctx, shapes, dtypes):
        return _HalfSqLoss()


def test_custom_op_imperative_with_autograd():
    x = mx.nd.array([1, 2, 3])
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Custom(x, op_type='test_sq', scale=2)
    y.backward()
    assert y.asnumpy().tolist() == [2, 8, 18]
    assert x.grad.asnumpy().tolist() == [4, 8, 12]


def test_custom_op_symbolic_and_json():
    s = mx.sym.Custom(mx.sym.var('d'), op_type='test_sq', scale=3, name='c')
    assert s.list_arguments() == ['d'] and s.list_outputs() == ['c_output']
    assert '"op_type": "test_sq"' in s.tojson() and '"scale": "3"' in s.tojson()
    ex = mx.sym.load_json(s.tojson()).simple_bind(mx.cpu(), d=(3,))
    ex.forward(is_train=True, d=mx.nd.array([1, 2, 3]))
    ex.backward(mx.nd.ones((3,)))
    assert ex.outputs[0].asnumpy().tolist() == [3, 12, 27]
    assert ex.grad_dict['d'].asnumpy().tolist() == [6, 12, 18]


def test_custom_loss_needs_no_head_gradient():
    s = mx.sym.Custom(mx.sym.var('data'), mx.sym.var('label'), op_type='test_l2loss')
    ex = s.simple_bind(mx.cpu(), data=(2,), label=(2,))
    ex.forward(is_train=True, data=mx.nd.array([1, 5]), label=mx.nd.array([1, 2]))
    ex.backward()
    assert ex.grad_dict['data'].asnumpy().tolist() == [0, 3]


def test_custom_errors():
    with pytest.raises(mx.MXNetError, match="op_type 'nope' is not registered"):
        mx.nd.Custom(mx.nd.ones(2), op_type='nope')
    with pytest.raises(mx.MXNetError, match='must decorate a CustomOpProp'):
        mx.operator.register('x')(object)


def test_monitor_collects_stats():
    s = mx.sym.exp(mx.sym.var('d'), name='e')
    ex = s.simple_bind(mx.cpu(), d=(4,), grad_req='null')
    mon = mx.mon.Monitor(1, pattern='.*', sort=True)
    mon.install(ex)
    mon.tic()
    ex.forward(d=np.zeros(4))
    res = mon.toc()
    assert [r[1] for r in res] == ['d', 'e_output']
    assert res[1][2] == '1.0\t'
