"""``sym.load``/``load_json`` on corrupted JSON: structure-aware edits, byte edits, deep nesting.

Every input either gives a Symbol that works (lists its arguments, infers
shapes and types or refuses with ``MXNetError``, round-trips through
``tojson``, and binds and runs forward/backward on its original input
shapes or refuses with ``MXNetError``) or raises ``MXNetError`` naming the source and where in it:
a character offset for malformed JSON, the node index (or the heads) for
a well-formed document that is not a valid graph.
"""
import copy
import json
import os
import re
import warnings

import numpy as np
import pytest
from hypothesis import given, strategies as st

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.executor import memory_limit

from corpus import SYMBOL_INPUTS, symbol_corpus
from robust_util import count, fuzz, limits, mutate, mutations

CORPUS = symbol_corpus()
DOCS = [json.loads(t) for t in CORPUS]
LOCATION = re.compile(r'char \d+|node \d+|head')
RUN_LIMIT = 4 << 20      # edited graphs run only when their plan fits in 4 MiB


def mem_bound(text):
    return 64 * len(text) + (8 << 20)


def check_error(err, source):
    msg = str(err)
    assert source in msg, msg
    assert LOCATION.search(msg), msg


def run_symbol(sym, shapes):
    """Bind and run a loaded graph on its corpus input shapes (small plans only)."""
    args = sym.list_arguments()
    known = {k: v for k, v in shapes.items() if k in args}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')     # "cannot decide shape for ...": partial graphs
            arg_shapes, out_shapes, _ = sym.infer_shape(**known)
    except MXNetError:
        return 'refused'
    if arg_shapes is None:
        return 'partial'
    try:
        ex = sym.simple_bind(mx.cpu(), **known)
    except MXNetError:
        return 'refused'
    rs = np.random.RandomState(0)
    for a in ex.arg_arrays:
        a[:] = rs.uniform(-1, 1, a.shape) if a.size else 0
    try:
        outs = ex.forward(is_train=True)
        assert [o.shape for o in outs] == [tuple(s) for s in out_shapes]
        ex.backward(out_grads=[mx.nd.ones(o.shape, dtype=o.dtype) for o in outs])
    except MXNetError:
        return 'refused'
    return 'ran'


def check_symbol(sym, shapes=None):
    """A loaded symbol is usable: listing, inference (or MXNetError), JSON round trip, a run."""
    args = sym.list_arguments()
    sym.list_outputs()
    sym.list_auxiliary_states()
    for infer in (sym.infer_shape_partial, sym.infer_type_partial):
        try:
            infer()
        except MXNetError:
            pass
    again = mx.sym.load_json(sym.tojson())
    assert again.list_arguments() == args
    assert again.tojson() == sym.tojson()
    if shapes is not None:
        old = os.environ.get(memory_limit.ENV)
        os.environ[memory_limit.ENV] = str(RUN_LIMIT)
        try:
            return run_symbol(sym, shapes)
        finally:
            if old is None:
                del os.environ[memory_limit.ENV]
            else:
                os.environ[memory_limit.ENV] = old
    return None


def load_text(text, source='fuzz-symbol.json', shapes=None):
    with limits(10.0, mem_bound(text)):
        try:
            sym = mx.sym.load_json(text, source=source)
        except MXNetError as e:
            check_error(e, source)
            return None
    # running may compile a kernel specialization: bounded in time (and by the plan's
    # RUN_LIMIT), not by the loader's allocation bound
    with limits(20.0):
        check_symbol(sym, shapes)
    return sym


def test_corpus_loads_and_runs():
    for text, shapes in zip(CORPUS, SYMBOL_INPUTS):
        sym = mx.sym.load_json(text)
        assert check_symbol(sym, shapes) == 'ran'


# -- structure-aware edits ----------------------------------------------------
json_value = st.recursive(
    st.none() | st.booleans() | st.integers(-2 ** 70, 2 ** 70) | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                               max_size=3),
    max_leaves=8)
attr_text = st.one_of(
    st.sampled_from(['(3, 3)', '(0,)', '()', '(1, 1, 1)', '(-1, 2)', '(1000000000000,)',
                     '1000000000000', '-1', '0', '1e400', '-1e400', 'nan', 'None', '', 'True',
                     'False', '{[1]: 2}', '{1, [2]}', '[' * 300, '(' * 300 + ')' * 300, '9' * 5000,
                     'float32', 'float16', 'object', 'O', 'int8', '(2,)i4', 'i4,f4', 'max',
                     'avg', 'valid', 'full', 'relu', '__import__("os")', 'lambda: 0']),
    st.text(max_size=12))
attr_key = st.sampled_from(['kernel', 'stride', 'pad', 'dilate', 'num_filter', 'num_group',
                            'no_bias', 'num_hidden', 'flatten', 'shape', 'axis', 'dim', 'begin',
                            'end', 'step', 'num_args', 'num_outputs', 'pool_type', 'act_type',
                            'eps', 'fix_gamma', 'global_pool', 'pooling_convention', 'mode',
                            'reverse', 'target_shape', 'adj', '__shape__', '__dtype__',
                            '__lr_mult__', 'dtype']) | st.text(max_size=6)
op_name = st.sampled_from(['null', 'Convolution', 'Deconvolution', 'Pooling', 'FullyConnected',
                           'BatchNorm', 'Concat', 'Reshape', 'slice', 'take', 'SliceChannel',
                           'add_n', 'Activation', 'SoftmaxOutput', 'elemwise_add', 'Flatten',
                           'UpSampling', 'Crop', 'Dropout', '_plus_scalar', 'NoSuchOp'])
index = st.one_of(st.integers(-3, 40), st.sampled_from([10 ** 12, 2 ** 63, True, False]))
edit = st.one_of(
    st.tuples(st.just('attr'), st.integers(0, 99), attr_key, attr_text),
    st.tuples(st.just('op'), st.integers(0, 99), op_name, st.none()),
    st.tuples(st.just('input'), st.integers(0, 99), st.integers(0, 3),
              st.lists(index, min_size=0, max_size=4)),
    st.tuples(st.just('field'), st.integers(0, 99),
              st.sampled_from(['op', 'name', 'attrs', 'inputs', 'param', 'attr']), json_value),
    st.tuples(st.just('drop'), st.integers(0, 99), st.sampled_from(['op', 'name', 'inputs',
                                                                    'attrs', 'node']), st.none()),
    st.tuples(st.just('dup'), st.integers(0, 99), st.integers(0, 99), st.none()),
    st.tuples(st.just('heads'), st.integers(0, 3), st.lists(index, max_size=4), st.none()),
    st.tuples(st.just('top'), st.integers(0, 0), st.sampled_from(['nodes', 'heads', 'arg_nodes',
                                                                  'node_row_ptr', 'attrs']),
              json_value),
)


def apply_edits(doc, edits):
    doc = copy.deepcopy(doc)
    for kind, i, a, b in edits:
        nodes = doc.get('nodes') if isinstance(doc, dict) else None
        if kind == 'top':
            doc[a] = b
            continue
        if kind == 'heads':
            heads = doc.get('heads')
            if isinstance(heads, list) and heads:
                heads[i % len(heads)] = a
            continue
        if not isinstance(nodes, list) or not nodes:
            continue
        j = i % len(nodes)
        node = nodes[j]
        if not isinstance(node, dict):
            continue
        if kind == 'attr':
            node.setdefault('attrs', {})
            if isinstance(node['attrs'], dict):
                node['attrs'][a] = b
        elif kind == 'op':
            node['op'] = a
        elif kind == 'input':
            ins = node.get('inputs')
            if isinstance(ins, list):
                if ins and a < len(ins):
                    ins[a] = b
                else:
                    ins.append(b)
        elif kind == 'field':
            node[a] = b
        elif kind == 'drop':
            if a == 'node':
                del nodes[j]
            else:
                node.pop(a, None)
        elif kind == 'dup':
            nodes.insert(a % (len(nodes) + 1), copy.deepcopy(node))
    return doc


def _structured(base, edits):
    load_text(json.dumps(apply_edits(DOCS[base], edits)), shapes=SYMBOL_INPUTS[base])
    count('sym.load_json: structurally edited inputs')


@fuzz(200)
@given(base=st.integers(0, len(DOCS) - 1), edits=st.lists(edit, min_size=1, max_size=4))
def test_edited_graphs_load_or_raise(base, edits):
    _structured(base, edits)


@pytest.mark.slow
@fuzz(1000)
@given(base=st.integers(0, len(DOCS) - 1), edits=st.lists(edit, min_size=1, max_size=5))
def test_edited_graphs_load_or_raise_long(base, edits):
    _structured(base, edits)


# -- byte-level corruption of the file ------------------------------------------
def _bytes(tmp_path, base, muts):
    raw = mutate(CORPUS[base].encode('utf-8'), muts)
    fname = str(tmp_path / 'c-symbol.json')
    with open(fname, 'wb') as f:
        f.write(raw)
    with limits(10.0, mem_bound(raw)):
        try:
            sym = mx.sym.load(fname)
        except MXNetError as e:
            msg = str(e)
            assert fname in msg, msg
            assert LOCATION.search(msg) or 'not a text (JSON) file' in msg, msg
            sym = None
    if sym is not None:
        with limits(20.0):
            check_symbol(sym)
    count('sym.load: corrupted files')


@fuzz(200)
@given(base=st.integers(0, len(CORPUS) - 1), muts=mutations)
def test_corrupted_files_load_or_raise(tmp_path, base, muts):
    _bytes(tmp_path, base, muts)


@pytest.mark.slow
@fuzz(1000)
@given(base=st.integers(0, len(CORPUS) - 1), muts=mutations)
def test_corrupted_files_load_or_raise_long(tmp_path, base, muts):
    _bytes(tmp_path, base, muts)


def test_every_truncation_raises():
    n = 0
    for text in CORPUS[:2]:
        for cut in range(0, len(text), 7):
            with limits(5.0, mem_bound(text)):
                with pytest.raises(MXNetError) as e:
                    mx.sym.load_json(text[:cut], source='cut.json')
            check_error(e.value, 'cut.json')
            n += 1
    count('sym.load_json: truncated inputs', n)


@pytest.mark.parametrize('text', [
    '[' * 100000 + ']' * 100000,
    '{"nodes": ' + '[' * 50000 + ']' * 50000 + ', "heads": []}',
    '{"a": ' * 30000 + '1' + '}' * 30000,
], ids=['deep-list', 'deep-nodes', 'deep-object'])
def test_deep_nesting_raises(text):
    with limits(5.0, mem_bound(text)):
        with pytest.raises(MXNetError, match=r'deep\.json: .*nested') as e:
            mx.sym.load_json(text, source='deep.json')
    check_error(e.value, 'deep.json')


def test_huge_counts_refused_before_building():
    """num_args / num_outputs of 10^12 in a file fail at once instead of listing names."""
    for op, key in (('Concat', 'num_args'), ('add_n', 'num_args'), ('SliceChannel', 'num_outputs')):
        doc = {'nodes': [{'op': 'null', 'name': 'x', 'inputs': []},
                         {'op': op, 'name': 'n', 'attrs': {key: '1000000000000'},
                          'inputs': [[0, 0, 0]]}],
               'arg_nodes': [0], 'heads': [[1, 0, 0]]}
        with limits(2.0, 1 << 20):
            with pytest.raises(MXNetError, match='1000000000000') as e:
                mx.sym.load_json(json.dumps(doc), source='counts.json')
        check_error(e.value, 'counts.json')


def _doc(node, heads=((1, 0, 0),)):
    return json.dumps({'nodes': [{'op': 'null', 'name': 'x', 'inputs': []}, node],
                       'arg_nodes': [0], 'heads': [list(h) for h in heads]})


@pytest.mark.parametrize('text,what', [
    (_doc({'op': 'Flatten', 'name': 'f', 'inputs': 5}), r'node 1 \(f\): "inputs" must be a list'),
    (_doc({'op': 'Reshape', 'name': 'r', 'attrs': {'shape': '{[1]: 2}'}, 'inputs': [[0, 0, 0]]}),
     r'node 1 \(r\): Reshape: invalid value'),
    (_doc({'op': 'Flatten', 'name': 'f', 'inputs': [[0, 0, 0]]}, heads=[(1, 0, 0), 'x']),
     r'bad head entry 1'),
    (_doc({'op': 'NoSuchOp', 'name': 'n', 'inputs': [[0, 0, 0]]}), r'node 1 \(n\): operator'),
    (_doc({'op': 'Convolution', 'name': 'c', 'inputs': [[0, 0, 0]]}),
     r'node 1 \(c\): Convolution: required parameter'),
], ids=['inputs-not-a-list', 'unhashable-literal', 'bad-head', 'unknown-op', 'missing-param'])
def test_malformed_documents_name_the_node(text, what):
    with pytest.raises(MXNetError, match=what) as e:
        mx.sym.load_json(text, source='bad.json')
    check_error(e.value, 'bad.json')


@pytest.mark.parametrize('attrs,what', [
    ({'__shape__': '(1e400, 2)'}, 'unreadable __shape__'),
    ({'__shape__': '(-3, 2)'}, 'negative dimension'),
    ({'__shape__': '{[1]: 2}'}, 'unreadable __shape__'),
    ({'__dtype__': 'object'}, 'unreadable __dtype__'),
    ({'__dtype__': 'i4,f4'}, 'unreadable __dtype__'),
], ids=['inf-dim', 'negative-dim', 'unhashable', 'object-dtype', 'structured-dtype'])
@pytest.mark.filterwarnings('ignore::UserWarning')     # "cannot decide shape" for x
def test_variable_attributes_are_validated(attrs, what):
    sym = mx.sym.load_json(json.dumps({'nodes': [{'op': 'null', 'name': 'x', 'attrs': attrs,
                                                  'inputs': []}],
                                       'arg_nodes': [0], 'heads': [[0, 0, 0]]}))
    with pytest.raises(MXNetError, match=what):
        sym.infer_shape()
        sym.infer_type()
