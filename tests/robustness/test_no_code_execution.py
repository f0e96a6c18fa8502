"""Loaders never execute data: no pickle, eval, exec or dynamic import on file content.

A static check over the loader modules' syntax trees, plus files that
would run code (or import a module) if any loader evaluated them.
"""
import ast
import json
import os
import sys

import pytest

import mxlite as mx
from mxlite.base import MXNetError

ROOT = os.path.join(os.path.dirname(__file__), '..', '..')
LOADERS = ['mxlite/ndarray/serialization.py', 'mxlite/symbol/json_io.py', 'mxlite/symbol/infer.py',
           'mxlite/model.py', 'mxlite/recordio.py', 'mxlite/io/record_source.py',
           'mxlite/io/image_record_iter.py', 'mxlite/io/record_params.py',
           'mxlite/image/image_iter.py', 'mxlite/ops/params.py', 'tools/im2rec.py',
           'mxlite/optimizer/updater.py']
# names that run code or deserialize objects
FORBIDDEN_CALLS = {'eval', 'exec', 'compile', '__import__', 'execfile', 'input'}
FORBIDDEN_ATTRS = {('pickle', 'load'), ('pickle', 'loads'), ('pickle', 'Unpickler'),
                   ('marshal', 'load'), ('marshal', 'loads'), ('yaml', 'load'),
                   ('shelve', 'open'), ('importlib', 'import_module'), ('dill', 'loads'),
                   ('ast', 'parse'), ('runpy', 'run_path'), ('subprocess', 'Popen'),
                   ('os', 'system')}


def calls(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name):
                yield f.id, node
            elif isinstance(f, ast.Attribute):
                base = f.value.id if isinstance(f.value, ast.Name) else None
                yield (base, f.attr), node


@pytest.mark.parametrize('path', LOADERS)
def test_loader_source_has_no_code_execution(path):
    with open(os.path.join(ROOT, path)) as f:
        tree = ast.parse(f.read(), path)
    bad = []
    for name, node in calls(tree):
        if name in FORBIDDEN_CALLS or name in FORBIDDEN_ATTRS:
            bad.append('%s:%d %s' % (path, node.lineno, name))
        if name in (('np', 'load'), ('numpy', 'load')):
            for kw in node.keywords:
                if kw.arg == 'allow_pickle':
                    bad.append('%s:%d np.load(allow_pickle=...)' % (path, node.lineno))
    # the restricted unpickler is the only unpickling in the package
    if path.endswith('updater.py'):
        bad = [b for b in bad if 'import_module' not in b]   # numpy modules by fixed name
        src = open(os.path.join(ROOT, path)).read()
        assert '_SafeUnpickler(io.BytesIO(data)).load()' in src
    assert not bad, bad


def test_import_module_in_updater_only_takes_fixed_names():
    src = open(os.path.join(ROOT, 'mxlite/optimizer/updater.py')).read()
    tree = ast.parse(src)
    for name, node in calls(tree):
        if name == ('importlib', 'import_module'):
            # guarded by "module in _NUMPY_MODULES": the argument is a checked constant
            assert isinstance(node.args[0], ast.Name) and node.args[0].id == 'module'
    assert "if module in _NUMPY_MODULES and name in _NUMPY_NAMES" in src


EVIL = '__import__("os").system("touch %s")'


def _probe_module():
    # a module that exists but is not imported yet: a loader that imports names from a file
    # would import it
    return 'xmlrpc.server'


def test_symbol_json_never_evaluates_strings(tmp_path):
    marker = tmp_path / 'pwned'
    probe = _probe_module()
    sys.modules.pop(probe, None)
    evil = EVIL % marker
    doc = {'nodes': [{'op': 'null', 'name': 'x', 'attrs': {'__shape__': evil, '__dtype__': evil,
                                                             '__init__': evil}, 'inputs': []},
                     {'op': 'Reshape', 'name': 'r', 'attrs': {'shape': evil}, 'inputs': [[0, 0, 0]]},
                     {'op': probe, 'name': 'm', 'inputs': [[1, 0, 0]]}],
           'arg_nodes': [0], 'heads': [[2, 0, 0]]}
    for text in (json.dumps(doc), json.dumps(dict(doc, heads=[[1, 0, 0]]))):
        try:
            sym = mx.sym.load_json(text)
            sym.infer_shape_partial(x=(2, 2))
        except MXNetError:
            pass
    assert not marker.exists()
    assert probe not in sys.modules


def test_params_names_and_record_payloads_are_plain_bytes(tmp_path):
    marker = tmp_path / 'pwned'
    evil = (EVIL % marker).encode()
    f = str(tmp_path / 'evil.params')
    mx.nd.save(f, {evil.decode(): mx.nd.ones(2)})
    assert list(mx.nd.load(f)) == [evil.decode()]
    rec = str(tmp_path / 'evil.rec')
    w = mx.recordio.MXRecordIO(rec, 'w')
    w.write(evil)
    w.write(b'\x80\x04' + evil)           # a pickle opcode prefix, read as bytes
    w.close()
    r = mx.recordio.MXRecordIO(rec, 'r')
    assert r.read() == evil and r.read() == b'\x80\x04' + evil
    r.close()
    lst = tmp_path / 'evil.lst'
    lst.write_text('0\t%s\ta.jpg\n' % evil.decode())
    with pytest.raises(MXNetError):
        mx.image.ImageIter._read_list(str(lst), 'float32', [])
    assert not marker.exists()
