"""Acceptance: AlexNet, VGG-16, ResNet-50 (bottleneck) and DenseNet-121 written in the MXNet
1.x tutorial style run imperatively and hybridized with identical outputs, MXNet 1.9.1's
parameter counts and MXNet 1.9.1's outputs (golden from the oracle, same parameter values)."""
import json
import os

import numpy as np
import pytest

import mxlite as mx

import classic_nets

GOLDEN = json.load(open(os.path.join(os.path.dirname(__file__), '..', 'data', 'gluon',
                                     'classic_nets.json')))


@pytest.mark.parametrize('name', ['alexnet', 'vgg16', 'resnet50', 'densenet121'])
def test_classic_net_hybrid_equals_imperative_and_mxnet(name):
    ref = GOLDEN[name]
    net, x = classic_nets.build(mx, name)
    params = net.collect_params()
    assert sum(int(np.prod(p.shape)) for p in params.values()) == ref['count']
    assert len(list(params.keys())) == ref['nparams']
    assert [k[len(net.prefix):] for k in params.keys()][:12] == ref['names']
    imperative = net(x).asnumpy()
    net.hybridize()
    hybrid = net(x).asnumpy()
    again = net(x).asnumpy()
    np.testing.assert_allclose(hybrid, imperative, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(hybrid, again)
    np.testing.assert_allclose(imperative, np.array(ref['out']), rtol=1e-4, atol=2e-5)


@pytest.mark.slow
def test_resnet50_training_gradients_hybrid_equal_imperative():
    net, x = classic_nets.build(mx, 'resnet50')
    loss_fn = mx.gluon.loss.SoftmaxCrossEntropyLoss()
    params = net.collect_params()
    grads = []
    for hybrid in (False, True):
        if hybrid:
            net.hybridize()
        with mx.autograd.record():
            loss = loss_fn(net(x), mx.nd.array([1, 7]))
        loss.backward()
        grads.append({k: p.grad().asnumpy().copy() for k, p in params.items()
                      if p.grad_req != 'null'})
    for k in grads[0]:
        np.testing.assert_allclose(grads[1][k], grads[0][k], rtol=1e-4, atol=1e-6, err_msg=k)
