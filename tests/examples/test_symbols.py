"""symbols/: every network builds MXNet 1.9.1's graph (names, attributes, shapes); tinynet;
the legacy symbol/ package."""
import gzip
import json
import os
from importlib import import_module

import pytest

import example_env  # noqa: F401  (puts example/image-classification on sys.path)
from symbol_cases import CASES

import mxlite as mx

GOLDEN = os.path.join(example_env.REPO, 'tests', 'data', 'golden_example_symbols.json.gz')


@pytest.fixture(scope='module')
def golden():
    with gzip.open(GOLDEN, 'rt') as f:
        return json.load(f)


def describe(sym, data_shape):
    graph = json.loads(sym.tojson())
    nodes = [{'op': n['op'], 'name': n['name'], 'attrs': n.get('attrs', {}),
              'inputs': [i[:2] for i in n['inputs']]} for n in graph['nodes']]
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(data=data_shape)
    return {'nodes': nodes,
            'arguments': [[n, list(s)] for n, s in zip(sym.list_arguments(), arg_shapes)],
            'aux_states': [[n, list(s)] for n, s in zip(sym.list_auxiliary_states(),
                                                        aux_shapes)],
            'output_shape': list(out_shapes[0])}


@pytest.mark.parametrize('key', sorted(CASES))
def test_network_matches_mxnet(golden, key):
    network, kwargs, data_shape = CASES[key]
    with mx.name.NameManager():          # automatic names (_plus0, ...) count from 0
        sym = import_module('symbols.' + network).get_symbol(**kwargs)
    got = describe(sym, data_shape)
    want = golden[key]
    assert got['arguments'] == want['arguments']
    assert got['aux_states'] == want['aux_states']
    assert got['output_shape'] == want['output_shape']
    assert [(n['op'], n['name']) for n in got['nodes']] == \
        [(n['op'], n['name']) for n in want['nodes']]
    for g, w in zip(got['nodes'], want['nodes']):
        assert g['inputs'] == w['inputs'], g['name']
        assert g['attrs'] == w['attrs'], g['name']


@pytest.mark.parametrize('side', [28, 32, 224])
def test_tinynet(side):
    sym = import_module('symbols.tinynet').get_symbol(num_classes=7)
    args, outs, aux = sym.infer_shape(data=(2, 3, side, side))
    assert outs == [(2, 7)]
    shapes = dict(zip(sym.list_arguments(), args))
    assert [shapes['conv%d_weight' % i][0] for i in range(1, 6)] == [32, 32, 64, 64, 96]
    assert 'bn_data_gamma' in shapes and shapes['fc3_weight'] == (7, 128)
    assert sum(1 for n in json.loads(sym.tojson())['nodes'] if n['op'] == 'Dropout') == 2
    assert 'drop2_output' in sym.get_internals().list_outputs()


def build(module, *args):
    with mx.name.NameManager():
        return import_module(module).get_symbol(*args).tojson()


def test_legacy_symbol_package_serves_symbols():
    assert build('symbol.resnet', 10, 20, '3,28,28') == build('symbols.resnet', 10, 20, '3,28,28')
    assert import_module('symbol.resnet').__file__ == import_module('symbols.resnet').__file__
    assert build('symbol.resnet-v1', 10, 20, '3,28,28') == \
        build('symbols.resnet-v1', 10, 20, '3,28,28')


def test_network_list():
    names = import_module('symbols').NETWORKS
    for want in ('alexnet', 'googlenet', 'inception-bn', 'lenet', 'mlp', 'mobilenet', 'resnet',
                 'resnet-v1', 'tinynet', 'vgg'):
        assert want in names
    assert not [n for n in names if n.startswith('_')]


@pytest.mark.parametrize('network, kwargs, words', [
    ('resnet', {'num_layers': 7, 'image_shape': '3,28,28'}, '--num-layers 7'),
    ('resnet', {'num_layers': 19, 'image_shape': '3,224,224'}, '--num-layers 19'),
    ('resnet-v1', {'num_layers': None, 'image_shape': '3,224,224'}, '--num-layers None'),
    ('vgg', {'num_layers': 12}, '--num-layers 12'),
    ('resnet', {'num_layers': 20, 'image_shape': '3x28'}, '--image-shape'),
    ('mobilenet', {'image_shape': '3,28,28'}, 'multiple of 32'),
    ('lenet', {'add_stn': True}, 'SpatialTransformer'),
])
def test_bad_configurations_name_the_flag(network, kwargs, words):
    with pytest.raises(ValueError, match=words):
        import_module('symbols.' + network).get_symbol(num_classes=10, **kwargs)
