"""Symbol API: naming, attributes, composition, inference and its errors."""
import warnings

import numpy as np
import pytest

import mxlite as mx


def test_automatic_names_follow_mxnet():
    with mx.name.NameManager():
        a, b = mx.sym.var('a'), mx.sym.var('b')
        names = [(a + b).name, (a - 1).name, (1 - a).name, (a * b).name, (-a).name,
                 (a ** 2).name, (2 ** a).name, (a / b).name, (a > b).name, (a == 1).name,
                 mx.sym.exp(a).name, mx.sym.sum(a).name, mx.sym.split(a, num_outputs=2).name,
                 mx.sym.elemwise_add(a, b).name]
    assert names == ['_plus0', '_minusscalar0', '_rminusscalar0', '_mul0', '_mulscalar0',
                     '_powerscalar0', '_rpower_scalar0', '_div0', '_greater0', '_equal_scalar0',
                     'exp0', 'sum0', None, 'elemwise_add0']


def test_prefix_and_explicit_names():
    with mx.name.Prefix('pre_'):
        s = mx.sym.exp(mx.sym.var('x'), name='e')
        t = mx.sym.dot(s, mx.sym.var('y'))
    assert s.name == 'pre_e' and t.name.startswith('pre_dot')
    assert t.list_arguments() == ['x', 'y']


def test_implicit_variables_for_missing_inputs():
    s = mx.sym.dot(mx.sym.var('x'), name='d')
    assert s.list_arguments() == ['x', 'd_rhs']


def test_variable_attributes():
    v = mx.sym.Variable('v', shape=(2, 3), dtype='float16', lr_mult=2, wd_mult=0,
                        attr={'mood': 'happy'})
    d = v.attr_dict()['v']
    assert d['__shape__'] == '(2, 3)' and d['__dtype__'] == '2'
    assert d['__lr_mult__'] == '2' and d['lr_mult'] == '2' and d['wd_mult'] == '0'
    assert d['mood'] == 'happy'
    assert v.attr('lr_mult') == '2' and v.attr('mood') == 'happy' and v.attr('none') is None
    assert v.infer_shape()[0] == [(2, 3)]
    assert v.infer_type()[0] == [np.float16]


def test_attr_scope_and_op_attrs():
    with mx.AttrScope(ctx_group='dev1', lr_mult='0.1'):
        s = mx.sym.exp(mx.sym.var('x'), attr={'wd_mult': '0'})
    la = s.list_attr()
    assert la['__ctx_group__'] == 'dev1' and la['ctx_group'] == 'dev1'
    assert la['lr_mult'] == '0.1' and la['wd_mult'] == '0'
    assert mx.sym.var('y').list_attr() == {}
    with pytest.raises(mx.MXNetError, match='must be a string'):
        mx.AttrScope(x=1)
    s._set_attr(mood='ok')
    assert s.attr('mood') == 'ok'


def test_list_and_internals_and_children():
    a, b = mx.sym.var('a'), mx.sym.var('b')
    c = mx.sym.exp(a + b, name='e')
    internals = c.get_internals()
    assert internals.list_outputs() == ['a', 'b', '_plus%s_output' % internals.list_outputs()[2][5:-7], 'e_output']
    assert internals['e_output'].name == 'e'
    assert c.get_children().list_outputs()[0].endswith('_output')
    assert a.get_children() is None
    g = mx.sym.Group([a, c])
    assert g.list_outputs() == ['a', 'e_output'] and len(g) == 2 and g[1].name == 'e'
    assert repr(g) == '<Symbol group [a, e]>' and repr(a) == '<Symbol a>'
    with pytest.raises(mx.MXNetError, match='no output named'):
        g['zzz']
    with pytest.raises(mx.MXNetError, match='out of range'):
        g[2]


def test_multi_output_needs_indexing():
    s = mx.sym.split(mx.sym.var('a'), num_outputs=2)
    assert s.list_outputs()[1].endswith('_output1')
    with pytest.raises(mx.MXNetError, match='single-output symbol.*index it'):
        mx.sym.exp(s)
    assert mx.sym.exp(s[1]).list_arguments() == ['a']


def test_compose_replaces_variables():
    x = mx.sym.var('x')
    net = mx.sym.exp(x, name='net')
    y = mx.sym.var('y')
    net2 = net(x=mx.sym.sqrt(y))
    assert net2.list_arguments() == ['y']
    assert net.list_arguments() == ['x']          # the original is unchanged
    with pytest.raises(mx.MXNetError, match='not an argument'):
        net(z=y)


def test_infer_shape_forms_and_partial():
    a, b = mx.sym.var('a'), mx.sym.var('b')
    c = mx.sym.dot(a, b)
    assert c.infer_shape(a=(2, 3), b=(3, 4)) == ([(2, 3), (3, 4)], [(2, 4)], [])
    assert c.infer_shape((2, 3), (3, 4))[1] == [(2, 4)]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        assert c.infer_shape(a=(2, 3)) == (None, None, None)
        assert 'Cannot decide shape' in str(w[-1].message)
    assert c.infer_shape_partial(a=(2, 3)) == ([(2, 3), ()], [()], [])
    with pytest.raises(mx.MXNetError, match="'zz' is not an input"):
        c.infer_shape(zz=(1,))


def test_infer_shape_error_names_node_input_and_shapes():
    a, b = mx.sym.var('a'), mx.sym.var('b')
    c = mx.sym.elemwise_add(a, b, name='add1')
    with pytest.raises(mx.MXNetError) as e:
        c.infer_shape(a=(2, 3), b=(4, 3))
    msg = str(e.value)
    assert 'add1' in msg and '(2, 3)' in msg and '(4, 3)' in msg


def test_symbol_plus_does_not_broadcast():
    a, b = mx.sym.var('a'), mx.sym.var('b')
    with pytest.raises(mx.MXNetError, match='broadcast'):
        (a + b).infer_shape(a=(2, 3), b=(1, 3))
    assert mx.sym.broadcast_add(a, b).infer_shape(a=(2, 3), b=(1, 3))[1] == [(2, 3)]


def test_infer_type():
    a = mx.sym.var('a')
    s = mx.sym.Cast(a, dtype='float16') + 1
    assert s.infer_type(a='float32') == ([np.float32], [np.float16], [])
    assert s.infer_type() == (None, None, None)


def test_json_roundtrip_and_errors(tmp_path):
    a = mx.sym.var('a', shape=(2,))
    s = mx.sym.Group([mx.sym.exp(a), mx.sym.topk(a, k=1, ret_typ='both')[1]])
    f = tmp_path / 's-symbol.json'
    s.save(str(f))
    t = mx.sym.load(str(f))
    assert t.tojson() == s.tojson() and t.list_outputs() == s.list_outputs()
    for bad, msg in [('{', 'not JSON'), ('[]', 'expected an object'),
                     ('{"nodes": [{"op": "nope", "name": "x", "inputs": []}], "heads": [[0,0,0]]}',
                      "operator 'nope'"),
                     ('{"nodes": [{"op": "null", "name": "x", "inputs": []}], "heads": [[5,0,0]]}',
                      'bad head'),
                     ('{"nodes": [{"op": "exp", "name": "e", "inputs": [[3, 0, 0]]}], "heads": [[0,0,0]]}',
                      'does not come before')]:
        with pytest.raises(mx.MXNetError, match=msg):
            mx.sym.load_json(bad)
    with pytest.raises(mx.MXNetError, match='cannot read'):
        mx.sym.load(str(tmp_path / 'missing.json'))


def test_legacy_param_attr_json():
    legacy = ('{"nodes": [{"op": "null", "name": "x", "param": {}, "attr": {"lr_mult": "2"}, '
              '"inputs": [], "backward_source_id": -1}, {"op": "_mul_scalar", "name": "m", '
              '"param": {"scalar": "3"}, "inputs": [[0, 0]], "backward_source_id": -1}], '
              '"arg_nodes": [0], "heads": [[1, 0]]}')
    s = mx.sym.load_json(legacy)
    out = s.eval(x=mx.nd.array([1, 2]))[0]
    assert out.asnumpy().tolist() == [3, 6]
    assert s.get_internals()['x'].attr('lr_mult') == '2'


def test_eval_and_fluent_methods():
    a = mx.sym.var('a')
    s = a.reshape((2, 2)).sum(axis=1) + a.reshape((2, 2)).max(axis=1)
    out = s.eval(a=mx.nd.array([1, 2, 3, 4]))[0]
    assert out.asnumpy().tolist() == [5, 11]
    assert a.astype('int32').eval(a=mx.nd.array([1.7]))[0].dtype is np.int32


def test_deepcopy_and_pickle():
    import copy
    import pickle
    s = mx.sym.exp(mx.sym.var('a'), name='e')
    t = copy.deepcopy(s)
    t._set_attr(mood='x')
    assert s.attr('mood') is None and t.attr('mood') == 'x'
    u = pickle.loads(pickle.dumps(s))
    assert u.tojson() == s.tojson()
