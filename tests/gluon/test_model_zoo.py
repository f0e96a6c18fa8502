"""Model zoo: every network's parameter names, shapes and counts equal MXNet 1.9.1's
(golden tests/data/gluon/model_zoo.json, recorded with the oracle at 224x224 input)."""
import hashlib
import json
import os

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.gluon.model_zoo import vision

GOLDEN = json.load(open(os.path.join(os.path.dirname(__file__), '..', 'data', 'gluon',
                                     'model_zoo.json')))
FAST = ['alexnet/10', 'vgg11_bn/10', 'resnet18_v1/10', 'resnet50_v2/1000', 'densenet121/10',
        'squeezenet1.0/10', 'squeezenet1.1/1000', 'mobilenet0.25/10', 'mobilenetv2_0.5/1000']
SLOW = sorted(set(GOLDEN) - set(FAST))


def _check(key):
    name, classes = key.rsplit('/', 1)
    ref = GOLDEN[key]
    net = vision.get_model(name, classes=int(classes))
    net.initialize()
    net.infer_shape(mx.nd.zeros((1, 3, 224, 224)))
    params = net.collect_params()
    rel = [k[len(net.prefix):] for k in params.keys()]
    assert net.prefix.rstrip('_').rstrip('0123456789') == ref['alias']
    assert len(rel) == ref['nparams']
    assert sum(int(np.prod(p.shape)) for p in params.values()) == ref['count'], key
    assert hashlib.md5('|'.join(rel).encode()).hexdigest() == ref['names_md5'], key
    shapes = '|'.join('%s%s' % (r, p.shape) for r, p in zip(rel, params.values()))
    assert hashlib.md5(shapes.encode()).hexdigest() == ref['shapes_md5'], key


@pytest.mark.parametrize('key', FAST)
def test_model_zoo_params_match_mxnet(key):
    _check(key)


@pytest.mark.slow
@pytest.mark.parametrize('key', SLOW)
def test_model_zoo_params_match_mxnet_all(key):
    _check(key)


def test_get_model_names_and_errors():
    assert len(GOLDEN) == 2 * 33
    for key in GOLDEN:
        assert callable(vision.get_model) and key.rsplit('/', 1)[0] in vision._models
    with pytest.raises(MXNetError, match='not supported'):
        vision.get_model('resnet19_v1')
    assert isinstance(vision.get_model('ResNet18_V1'), vision.ResNetV1)
    assert vision.mobilenet_v2_0_25().__class__.__name__ == 'MobileNetV2'


def test_small_forward_hybrid_equals_imperative():
    net = vision.get_model('mobilenetv2_0.25', classes=7)
    net.initialize(mx.init.Xavier())
    x = mx.nd.array(np.random.RandomState(0).rand(2, 3, 64, 64))
    a = net(x).asnumpy()
    net.hybridize()
    b = net(x).asnumpy()
    assert a.shape == (2, 7)
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_pretrained_from_model_store(tmp_path):
    with pytest.raises(MXNetError, match='model store'):
        vision.get_model('squeezenet1.1', pretrained=True, root=str(tmp_path))
    src = vision.squeezenet1_1(classes=5)
    src.initialize(mx.init.Xavier())
    src.infer_shape(mx.nd.zeros((1, 3, 224, 224)))
    for p in src.collect_params().values():
        p._finish_deferred_init()
    src.save_parameters(str(tmp_path / 'squeezenet1.1-0123abcd.params'))
    net = vision.get_model('squeezenet1.1', pretrained=True, root=str(tmp_path), classes=5)
    for (_, a), (_, b) in zip(src.collect_params().items(), net.collect_params().items()):
        np.testing.assert_array_equal(a.data().asnumpy(), b.data().asnumpy())
    from mxlite.gluon.model_zoo import model_store
    model_store.purge(str(tmp_path))
    assert not list(tmp_path.iterdir())
