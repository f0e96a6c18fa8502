"""Degenerate shapes the operator fuzz found mishandled: each is computed or refused cleanly.

Empty batches compute empty results (and leave BatchNorm's moving statistics
alone); data without channels or features that a weight expects, empty
axes to take from, and absurd operator counts are ``MXNetError``s --
never an exception from numpy or an out-of-bounds read in a kernel.
"""
import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError

nd = mx.nd


def grads(fn, *arrays):
    for a in arrays:
        a.attach_grad()
    with mx.autograd.record():
        y = fn(*arrays)
    y.backward(nd.ones(y.shape))
    return y, [a.grad for a in arrays]


@pytest.mark.parametrize('op,wshape', [('Convolution', (3, 2, 3, 3)),
                                       ('Deconvolution', (2, 3, 3, 3))])
def test_empty_batch_convolutions(op, wshape):
    f = getattr(nd, op)
    x, w, b = nd.zeros((0, 2, 5, 5)), nd.ones(wshape), nd.ones(3)
    y, (gx, gw, gb) = grads(lambda x, w, b: f(x, w, b, kernel=(3, 3), num_filter=3,
                                              no_bias=False), x, w, b)
    assert y.shape[:2] == (0, 3) and gx.shape == x.shape
    assert not gw.asnumpy().any() and not gb.asnumpy().any()


@pytest.mark.parametrize('op,wshape', [('Convolution', (3, 0, 3, 3)),
                                       ('Deconvolution', (0, 3, 3, 3))])
def test_data_without_channels_is_refused(op, wshape):
    with pytest.raises(MXNetError, match='no channels'):
        getattr(nd, op)(nd.zeros((1, 0, 5, 5)), nd.ones(wshape), kernel=(3, 3), num_filter=3,
                        no_bias=True)


def test_fully_connected_zero_features():
    # zero features and a weight that agrees: the bias alone (an empty sum)
    y = nd.FullyConnected(nd.ones((2, 0)), nd.ones((4, 0)), nd.arange(4), num_hidden=4)
    np.testing.assert_array_equal(y.asnumpy(), np.tile(np.arange(4.0), (2, 1)))
    # zero features and a weight that does not agree: refused
    with pytest.raises(MXNetError, match='does not have 5 input features'):
        nd.FullyConnected(nd.ones((2, 0)), nd.ones((4, 5)), nd.ones(4), num_hidden=4)
    with pytest.raises(MXNetError, match='input features'):
        nd.FullyConnected(nd.ones((0, 0)), nd.ones((1, 1)), nd.ones(1), num_hidden=1,
                          flatten=False)


def test_batchnorm_empty_training_batch_keeps_moving_statistics():
    mean, var = nd.array([0.5, -1.0]), nd.array([2.0, 3.0])
    x = nd.zeros((0, 2, 3))
    x.attach_grad()
    with mx.autograd.record(train_mode=True):
        y = nd.BatchNorm(x, nd.ones(2), nd.zeros(2), mean, var)
    y.backward(nd.ones(y.shape))
    assert mean.asnumpy().tolist() == [0.5, -1.0] and var.asnumpy().tolist() == [2.0, 3.0]


def test_concat_with_empty_inputs():
    a, e = nd.array([[1, 2]]), nd.zeros((0, 2))
    assert nd.Concat(a, e, dim=0).asnumpy().tolist() == [[1, 2]]
    assert nd.Concat(e, e, dim=0).shape == (0, 2)
    with pytest.raises(MXNetError, match='differs from input 0'):
        nd.Concat(nd.zeros((2, 0)), nd.zeros((2, 3)), dim=0)


def test_slice_keeps_empty_axes_and_refuses_emptying_one():
    assert nd.slice(nd.zeros((0, 4)), begin=(None, 1), end=(None, 3)).shape == (0, 2)
    with pytest.raises(MXNetError, match='is empty'):
        nd.slice(nd.zeros((3, 4)), begin=(2,), end=(2,))


def test_operator_counts_are_capped_before_listing_inputs():
    with pytest.raises(MXNetError, match='num_args=1000000000000 is more than'):
        nd.Concat(nd.ones(2), num_args=10 ** 12)
    with pytest.raises(MXNetError, match='num_outputs=1000000000000 is more than'):
        nd.split(nd.ones((2, 4)), num_outputs=10 ** 12)
    with pytest.raises(MXNetError, match='num_args'):
        mx.sym.Concat(mx.sym.var('a'), num_args=10 ** 12)
