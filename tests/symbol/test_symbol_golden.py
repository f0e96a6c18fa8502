"""Symbols vs real MXNet 1.9.1: JSON text, names, shapes, attributes, bound outputs."""
import json
import os

import numpy as np
import pytest

import mxlite as mx
from mxlite.ops.registry import find_op
from mxlite.test_utils import assert_almost_equal

from graph_builders import BUILDERS, NEEDS

DATA = os.path.join(os.path.dirname(__file__), '..', 'data')
EXPECTED = json.load(open(os.path.join(DATA, 'sym_expected.json')))


def needs(name):
    missing = [op for op in NEEDS[name] if find_op(op) is None]
    if missing:
        pytest.skip('operators not registered yet: %s' % missing)


def _pooling_outputs_like_mxnet():
    # MXNet's pip build (MKLDNN) gives max Pooling a hidden workspace output
    op = find_op('Pooling')
    return op.num_outputs(op.parse({'kernel': (2, 2), 'pool_type': 'max'})) == 2


@pytest.mark.parametrize('name', sorted(BUILDERS))
def test_same_code_builds_identical_json(name):
    needs(name)
    if name == 'lenet' and not _pooling_outputs_like_mxnet():
        pytest.xfail('max Pooling lacks the hidden workspace output MXNet (MKLDNN) has')
    with mx.name.NameManager():
        sym, _ = BUILDERS[name](mx)
    golden = open(os.path.join(DATA, 'sym_%s.json' % name)).read()
    assert sym.tojson() == golden


@pytest.mark.parametrize('name', sorted(BUILDERS))
def test_load_mxnet_json(name):
    needs(name)
    exp = EXPECTED[name]
    sym = mx.sym.load(os.path.join(DATA, 'sym_%s.json' % name))
    assert sym.list_arguments() == exp['arguments']
    assert sym.list_outputs() == exp['outputs']
    assert sym.list_auxiliary_states() == exp['aux']
    assert sym.get_internals().list_outputs() == exp['internals']
    assert sym.attr_dict() == exp['attr_dict']
    a, o, x = sym.infer_shape(**{k: tuple(v) for k, v in exp['inputs'].items()})
    assert [list(s) for s in a] == exp['arg_shapes']
    assert [list(s) for s in o] == exp['out_shapes']
    assert [list(s) for s in x] == exp['aux_shapes']
    # written back, the text is MXNet's byte for byte
    if name == 'lenet' and not _pooling_outputs_like_mxnet():
        pytest.xfail('max Pooling lacks the hidden workspace output MXNet (MKLDNN) has')
    assert sym.tojson() == open(os.path.join(DATA, 'sym_%s.json' % name)).read()


@pytest.mark.parametrize('name', sorted(BUILDERS))
def test_bound_outputs_match_mxnet(name):
    needs(name)
    sym = mx.sym.load(os.path.join(DATA, 'sym_%s.json' % name))
    io = np.load(os.path.join(DATA, 'sym_%s_io.npz' % name))
    args = {k[4:]: mx.nd.array(io[k]) for k in io.files if k.startswith('arg:')}
    aux = {k[4:]: mx.nd.array(io[k]) for k in io.files if k.startswith('aux:')}
    ex = sym.bind(mx.cpu(), args, aux_states=aux, grad_req='null')
    outs = ex.forward(is_train=False)
    for i, o in enumerate(outs):
        assert_almost_equal(o.asnumpy(), io['out%d' % i], rtol=1e-4, atol=1e-5,
                            names=('mxlite', 'mxnet'))
