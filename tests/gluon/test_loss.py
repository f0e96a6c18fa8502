"""gluon.loss values and gradients vs MXNet 1.9.1 (imperative and hybridized)."""
import json
import os

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError

import ctc_cases
import loss_cases

GOLDEN = os.path.join(os.path.dirname(__file__), '..', 'data', 'gluon', 'losses.json')


@pytest.mark.parametrize('hybrid', [False, True])
def test_losses_match_mxnet(hybrid):
    ref = json.load(open(GOLDEN))
    got = loss_cases.run(mx, hybrid)
    assert set(got) == set(ref)
    for key, r in ref.items():
        g = got[key]
        assert g['repr'] == r['repr'], key
        np.testing.assert_allclose(g['out'], r['out'], rtol=1e-4, atol=1e-5, err_msg=key)
        if r['grad'] is not None:
            np.testing.assert_allclose(g['grad'], r['grad'], rtol=1e-4, atol=1e-5, err_msg=key)


@pytest.mark.parametrize('hybrid', [False, True])
def test_ctc_loss_matches_mxnet(hybrid):
    ref = json.load(open(os.path.join(os.path.dirname(GOLDEN), 'ctc.json')))
    got = ctc_cases.run(mx, hybrid)
    assert set(got) == set(ref)
    for key, r in ref.items():
        for field, value in r.items():
            np.testing.assert_allclose(got[key][field], value, rtol=1e-4, atol=2e-5,
                                       err_msg='%s %s' % (key, field))


def test_ctc_impossible_alignment_and_bad_labels():
    data = mx.nd.zeros((2, 1, 4))              # T=2 cannot hold the label 1, 1 (needs a blank)
    assert np.isinf(mx.nd.CTCLoss(data, mx.nd.array([[1, 1]])).asscalar())
    with pytest.raises(MXNetError, match='blank'):
        mx.nd.CTCLoss(data, mx.nd.array([[1, 3]]), blank_label='last')


def test_loss_errors():
    with pytest.raises(MXNetError, match='layouts'):
        mx.gluon.loss.CTCLoss(layout='NCT')
    with pytest.raises(MXNetError, match='signed or binary'):
        mx.gluon.loss.LogisticLoss(label_format='other')
    with pytest.raises(MXNetError, match='weight must be a number'):
        mx.gluon.loss.L1Loss(weight=mx.nd.ones(1))(mx.nd.ones((2, 2)), mx.nd.ones((2, 2)))


def test_loss_in_training_graph():
    """A loss inside a hybridized net's training step: gradients flow to the weights."""
    net = mx.gluon.nn.Dense(3, in_units=4)
    net.initialize(mx.init.One())
    loss_fn = mx.gluon.loss.SoftmaxCrossEntropyLoss()
    x = mx.nd.array(np.arange(8).reshape(2, 4))
    y = mx.nd.array([0, 2])
    with mx.autograd.record():
        loss = loss_fn(net(x), y)
    loss.backward()
    g = net.bias.grad().asnumpy()
    np.testing.assert_allclose(g, [1 / 3 * 2 - 1, 2 / 3, 2 / 3 - 1], rtol=1e-5)
