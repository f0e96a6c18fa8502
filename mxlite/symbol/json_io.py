"""Symbol JSON in MXNet 1.x's format (``-symbol.json``), both directions.

The writer reproduces MXNet's layout (dmlc's JSON writer: arrays of more
than ten items and maps of more than one entry span lines, ", " separators,
keys of a node's "attrs" sorted), so a file written by mxlite reads in
MXNet and diffs cleanly against one written by MXNet.  The reader accepts
the current format and the legacy "param"/"attr" one, never evaluates file
content, and reports malformed input with a clear ``MXNetError``.
"""
import json

from ..base import MXNetError
from ..ops.registry import find_op
from .graph import Node, topo_order, is_aux_input

__all__ = ['to_json', 'load_json']

MXNET_VERSION = 10901


def _q(s):
    return json.dumps(s)


def _write(value, indent, multi_line=None):
    """dmlc-style JSON text for ``value`` at nesting depth ``indent``."""
    pad = '  ' * indent
    if isinstance(value, dict):
        multi = len(value) > 1 if multi_line is None else multi_line
        if not value:
            return '{}'
        items = ['%s: %s' % (_q(k), _write(v, indent + 1)) for k, v in value.items()]
        if not multi:
            return '{' + ', '.join(items) + '}'
        inner = '  ' * (indent + 1)
        return '{\n' + inner + (', \n' + inner).join(items) + '\n' + pad + '}'
    if isinstance(value, list):
        multi = len(value) > 10 if multi_line is None else multi_line
        if not value:
            return '[]'
        items = [_write(v, indent + 1) for v in value]
        if not multi:
            return '[' + ', '.join(items) + ']'
        inner = '  ' * (indent + 1)
        return '[\n' + inner + (', \n' + inner).join(items) + '\n' + pad + ']'
    if isinstance(value, _Raw):
        return value.text
    return json.dumps(value)


class _Raw:
    def __init__(self, text):
        self.text = text


def to_json(sym):
    nodes = topo_order(sym._outputs)
    index = {id(n): i for i, n in enumerate(nodes)}
    out_nodes = []
    row_ptr = [0]
    for node in nodes:
        attrs = dict(node.param_strings()) if node.op is not None else {}
        attrs.update(node.user_attrs)
        entry = {'op': 'null' if node.op is None else node.op.name, 'name': node.name}
        if attrs:
            entry['attrs'] = {k: attrs[k] for k in sorted(attrs)}
        entry['inputs'] = [[index[id(s)], i, 1 if (s.is_variable and is_aux_input(node, j)) else 0]
                           for j, (s, i) in enumerate(node.inputs)]
        out_nodes.append(entry)
        row_ptr.append(row_ptr[-1] + node.num_outputs())
    doc_nodes = []
    for e in out_nodes:
        parts = ['%s: %s' % (_q('op'), _q(e['op'])), '%s: %s' % (_q('name'), _q(e['name']))]
        if 'attrs' in e:
            parts.append('%s: %s' % (_q('attrs'), _write(e['attrs'], 3)))
        parts.append('%s: %s' % (_q('inputs'), _write(e['inputs'], 3)))
        doc_nodes.append(_Raw('{\n      ' + ', \n      '.join(parts) + '\n    }'))
    doc = {
        'nodes': doc_nodes,
        'arg_nodes': [i for i, n in enumerate(nodes) if n.is_variable],
        'node_row_ptr': row_ptr,
        'heads': [[index[id(n)], i, 0] for n, i in sym._outputs],
        'attrs': {'mxnet_version': ['int', MXNET_VERSION]},
    }
    return _write_top(doc)


def _write_top(doc):
    parts = []
    for k, v in doc.items():
        if k == 'nodes':
            text = _write(v, 1, multi_line=True)
        else:
            text = _write(v, 1)
        parts.append('%s: %s' % (_q(k), text))
    return '{\n  ' + ', \n  '.join(parts) + '\n}'


def _fail(source, msg):
    return MXNetError('%s: invalid symbol JSON: %s' % (source, msg))


def _nesting_offset(text, limit):
    """Character offset where brackets outside strings first nest deeper than ``limit``."""
    depth = 0
    in_str = False
    escaped = False
    for pos, ch in enumerate(text):
        if in_str:
            if escaped:
                escaped = False
            elif ch == '\\':
                escaped = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in '[{':
            depth += 1
            if depth > limit:
                return pos
        elif ch in ']}':
            depth -= 1
    return len(text)


def _parse_json(json_str, source):
    try:
        return json.loads(json_str)
    except RecursionError:
        # the C scanner recurses once per bracket; the limit it hit is Python's
        pos = _nesting_offset(json_str, 64)
        raise _fail(source, 'not JSON: arrays/objects nested too deeply (deeper than a symbol '
                            'file ever is) at char %d' % pos) from None
    except ValueError as e:
        raise _fail(source, 'not JSON (%s)' % e) from None


def _is_index(x):
    return isinstance(x, int) and not isinstance(x, bool)


def _node_inputs(source, i, name, raw_inputs, nodes):
    if not isinstance(raw_inputs, list):
        raise _fail(source, 'node %d (%s): "inputs" must be a list of [node, output, version] '
                            'entries, got %s' % (i, name, type(raw_inputs).__name__))
    inputs = []
    for e in raw_inputs:
        if not isinstance(e, list) or len(e) < 2 or not all(_is_index(x) for x in e):
            raise _fail(source, 'node %d (%s): bad input entry %.80r' % (i, name, e))
        if not 0 <= e[0] < i:
            raise _fail(source, 'node %d (%s) refers to node %d, which does not come before it'
                        % (i, name, e[0]))
        src = nodes[e[0]]
        if not 0 <= e[1] < src.num_outputs():
            raise _fail(source, 'node %d (%s) uses output %d of node %d (%s), which has %d'
                        % (i, name, e[1], e[0], src.name, src.num_outputs()))
        inputs.append((src, e[1]))
    return inputs


def _node_attrs(source, i, nd):
    raw = {}
    for key in ('param', 'attr', 'attrs'):
        part = nd.get(key)
        if part is None:
            continue
        if not isinstance(part, dict) or not all(isinstance(v, str) for v in part.values()):
            raise _fail(source, 'node %d (%s): "%s" must map names to strings'
                        % (i, nd['name'], key))
        raw.update(part)
    return raw


def _load_node(source, i, nd, nodes):
    if not isinstance(nd, dict) or not isinstance(nd.get('op'), str) or \
            not isinstance(nd.get('name'), str):
        raise _fail(source, 'node %d must be an object with string "op" and "name"' % i)
    name = nd['name']
    raw = _node_attrs(source, i, nd)
    inputs = _node_inputs(source, i, name, nd.get('inputs', []), nodes)
    if nd['op'] == 'null':
        if inputs:
            raise _fail(source, 'node %d: variable %s cannot have inputs' % (i, name))
        return Node(None, name, user_attrs=raw)
    op = find_op(nd['op'])
    if op is None:
        raise MXNetError('%s: node %d (%s): operator %r is not supported by mxlite'
                         % (source, i, name, nd['op']))
    if getattr(op, 'open_params', False):     # Custom: any key is a parameter
        params = {k: v for k, v in raw.items() if not (k.startswith('__') and k.endswith('__'))}
    else:
        names = {p.name for p in op.params}
        params = {k: v for k, v in raw.items() if k in names}
    user = {k: v for k, v in raw.items() if k not in params}
    try:
        attrs = op.parse(params)
    except MXNetError as e:
        raise MXNetError('%s: node %d (%s): %s' % (source, i, name, e)) from None
    node = Node(op, name, attrs, inputs, user)
    try:
        want = node.input_names()
    except MXNetError as e:
        raise MXNetError('%s: node %d (%s): %s' % (source, i, name, e)) from None
    if len(inputs) != len(want):
        raise _fail(source, 'node %d (%s, %s) has %d inputs, the operator takes %d (%s)'
                    % (i, name, op.name, len(inputs), len(want), ', '.join(want)))
    return node


def load_json(json_str, source='<json string>'):
    """A Symbol from MXNet's JSON text."""
    from .symbol import Symbol
    if not isinstance(json_str, str):
        raise MXNetError('load_json: expected a JSON string, got %s' % type(json_str).__name__)
    doc = _parse_json(json_str, source)
    if not isinstance(doc, dict) or not isinstance(doc.get('nodes'), list) or \
            not isinstance(doc.get('heads'), list):
        raise _fail(source, 'expected an object with "nodes" and "heads" lists (at char 0)')
    nodes = []
    for i, nd in enumerate(doc['nodes']):
        nodes.append(_load_node(source, i, nd, nodes))
    heads = []
    for k, h in enumerate(doc['heads']):
        if not isinstance(h, list) or len(h) < 2 or not all(_is_index(x) for x in h) or \
                not 0 <= h[0] < len(nodes) or not 0 <= h[1] < nodes[h[0]].num_outputs():
            raise _fail(source, 'bad head entry %d: %.80r' % (k, h))
        heads.append((nodes[h[0]], h[1]))
    if not heads:
        raise _fail(source, 'no heads (the "heads" list is empty)')
    return Symbol(heads)


def load(fname):
    """A Symbol from a ``-symbol.json`` file."""
    try:
        with open(fname, 'r', encoding='utf-8') as f:
            text = f.read()
    except OSError as e:
        raise MXNetError('load: cannot read %s: %s' % (fname, e.strerror or e)) from None
    except UnicodeDecodeError:
        raise MXNetError('load: %s is not a text (JSON) file' % fname) from None
    return load_json(text, source=fname)
