"""Regression tests for the core fixes made with the Gluon layers."""
import numpy as np

import mxlite as mx
from mxlite.gluon import nn


def test_executor_backward_skips_unwanted_argument_gradients(monkeypatch):
    from mxlite.kernels import conv
    seen = []
    real = conv.conv_backward

    def spy(x, w, dy, dx, dw_out, db, geo, groups, kept=None):
        seen.append((dx is None, dw_out is None))
        return real(x, w, dy, dx, dw_out, db, geo, groups, kept=kept)
    monkeypatch.setattr(conv, 'conv_backward', spy)
    net = nn.Conv2D(4, 3, in_channels=2)
    net.initialize()
    net.hybridize()
    x = mx.nd.ones((2, 2, 5, 5))
    with mx.autograd.record():
        y = net(x)
    y.backward()
    assert seen == [(True, False)]          # no data gradient: the input needs none
    x.attach_grad()
    with mx.autograd.record():
        y = net(x)
    y.backward()
    assert seen[-1] == (False, False)
    assert np.abs(x.grad.asnumpy()).sum() > 0


def test_hybridized_block_with_none_between_inputs():
    class Net(mx.gluon.HybridBlock):
        def hybrid_forward(self, F, a, b=None, c=None):
            return a * 2 if c is None else a * c

    net = Net()
    net.hybridize()
    a, c = mx.nd.array([1., 2.]), mx.nd.array([3., 4.])
    assert net(a, None, c).asnumpy().tolist() == [3., 8.]
    net2 = Net()
    net2.hybridize()
    assert net2(a).asnumpy().tolist() == [2., 4.]


def test_symbol_creation_helpers_accept_name():
    z = mx.sym.zeros((2, 3), name='my_zeros')
    assert z.name == 'my_zeros'
    assert mx.sym.ones((1,), name='o').name == 'o'
