"""mx.rnn cells against MXNet 1.9.1: names, shapes, forward outputs and gradients of
unrolled networks (tests/data/golden_rnn.npz, made by tests/data/make_golden_rnn.py)."""
import json
import os
import warnings

import numpy as np
import pytest

import mxlite as mx
import legacy_rnn_cases as cases

GOLDEN = os.path.join(os.path.dirname(__file__), '..', 'data', 'golden_rnn.npz')


@pytest.fixture(scope='module')
def golden():
    with np.load(GOLDEN) as z:
        return {k: z[k] for k in z.files}


def _case(golden, name, part):
    prefix = '%s/%s/' % (name, part)
    return {k[len(prefix):]: v for k, v in golden.items() if k.startswith(prefix)}


def _build(name):
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')   # FusedRNNCell's NTC hint
        return cases.build(mx, name)


@pytest.mark.parametrize('name', cases.CASES)
def test_graph_matches_mxnet(golden, name):
    sym, _, shapes = _build(name)
    meta = json.loads(str(golden['%s/meta' % name]))
    assert sym.list_arguments() == meta['arguments']
    assert sym.list_outputs() == meta['outputs']
    arg_shapes, out_shapes, _ = sym.infer_shape(**shapes)
    assert [list(s) for s in arg_shapes] == meta['arg_shapes']
    assert [list(s) for s in out_shapes] == meta['out_shapes']
    nodes = sorted(n['name'] for n in json.loads(sym.tojson())['nodes'])
    assert nodes == meta['nodes']


@pytest.mark.parametrize('name', cases.CASES)
def test_forward_backward_matches_mxnet(golden, name):
    sym, _, shapes = _build(name)
    args = _case(golden, name, 'arg')
    heads = [v for _, v in sorted(_case(golden, name, 'head').items(), key=lambda kv: int(kv[0]))]
    outs, grads = cases.run(mx, sym, shapes, args, heads)
    want = _case(golden, name, 'out')
    assert len(outs) == len(want)
    for i, o in enumerate(outs):
        np.testing.assert_allclose(o, want[str(i)], rtol=1e-4, atol=1e-5)
    for k, g in _case(golden, name, 'grad').items():
        np.testing.assert_allclose(grads[k], g, rtol=1e-4, atol=1e-5, err_msg=k)


@pytest.mark.parametrize('name', cases.CASES)
def test_unpack_pack_matches_mxnet(golden, name):
    sym, cells, _ = _build(name)
    args = {k: mx.nd.array(v) for k, v in _case(golden, name, 'arg').items()}
    unpacked = dict(args)
    for cell in cells:
        unpacked = cell.unpack_weights(unpacked)
    meta = json.loads(str(golden['%s/meta' % name]))
    assert sorted(unpacked) == meta['unpacked']
    for k, v in _case(golden, name, 'unpacked').items():
        np.testing.assert_array_equal(unpacked[k].asnumpy(), v, err_msg=k)
    packed = unpacked
    for cell in cells:
        packed = cell.pack_weights(packed)
    assert sorted(packed) == sorted(args)
    for k, v in args.items():
        assert packed[k].shape == v.shape
        np.testing.assert_array_equal(packed[k].asnumpy(), v.asnumpy(), err_msg=k)


def test_unfused_network_computes_the_fused_one(golden):
    """FusedRNNCell.unfuse() with unpacked weights gives MXNet's fused outputs."""
    sym, (stack,), shapes = _build('unfused_lstm_bi2')
    _, (fused,), _ = _build('fused_lstm_bi2')
    fused_args = {k: mx.nd.array(v) for k, v in _case(golden, 'fused_lstm_bi2', 'arg').items()}
    args = stack.pack_weights(fused.unpack_weights(fused_args))
    args = {k: v.asnumpy() for k, v in args.items()}
    heads = [np.zeros(s, 'float32') for s in sym.infer_shape(**shapes)[1]]
    outs, _ = cases.run(mx, sym, shapes, args, heads)
    want = _case(golden, 'fused_lstm_bi2', 'out')
    np.testing.assert_allclose(outs[0], want['0'], rtol=1e-4, atol=1e-5)
    # the fused cell's states are (layers*directions, N, H): l0, r0, l1, r1
    h_last = np.stack([outs[1 + 2 * i] for i in range(4)])
    np.testing.assert_allclose(h_last, want['1'], rtol=1e-4, atol=1e-5)
