"""``mx.viz``: a summary table and a Graphviz drawing of a Symbol.

``print_summary`` prints MXNet's table (layer, output shape without the
batch axis, parameter count, previous layers) and the parameter total.
``plot_network`` returns a ``graphviz.Digraph``; beyond MXNet's drawing it
colours nodes by operator family, boxes each convolution/fully-connected ->
batch-norm -> activation chain as one block, and labels edges with tensor
shapes when ``shape`` is given -- legible even for a ResNet-50.
"""
import json

import numpy as np

from .base import MXNetError
from .symbol.graph import topo_order

__all__ = ['print_summary', 'plot_network']

PARAM_SUFFIXES = ('_weight', '_bias', '_gamma', '_beta')
LAYERS_WITH_PARAMS = {'Convolution', 'Deconvolution', 'FullyConnected', 'BatchNorm',
                      'InstanceNorm', 'LayerNorm', 'Embedding', 'LeakyReLU', 'RNN'}


def _shapes(symbol, shape):
    if not shape:
        return {}
    internals = symbol.get_internals()
    _, out_shapes, _ = internals.infer_shape(**shape)
    if out_shapes is None:
        raise MXNetError('print_summary/plot_network: cannot infer all shapes from %s' % shape)
    return dict(zip(internals.list_outputs(), out_shapes))


def _is_param_input(node, j, src):
    if not src.is_variable or j == 0 or j >= node.n_args():
        return False
    return node.op.name in LAYERS_WITH_PARAMS or src.name.endswith(PARAM_SUFFIXES)


def _key(node):
    return node.name if node.is_variable else node.name + '_output'


def print_summary(symbol, shape=None, line_length=120, positions=(.44, .64, .74, 1.)):
    """Print the layer table of ``symbol`` (``shape``: dict of input shapes)."""
    shape_dict = _shapes(symbol, shape)
    positions = list(positions)
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    to_display = ['Layer (type)', 'Output Shape', 'Param #', 'Previous Layer']

    def print_row(fields):
        line = ''
        for i, f in enumerate(fields):
            line += str(f)
            line = line[:positions[i]]
            line += ' ' * (positions[i] - len(line))
        print(line)
    print('_' * line_length)
    print_row(to_display)
    print('=' * line_length)
    nodes = topo_order(symbol._outputs)
    params_of = {}
    for node in nodes:
        if node.is_variable:
            continue
        for j, (src, _) in enumerate(node.inputs):
            if _is_param_input(node, j, src):
                params_of.setdefault(id(node), []).append(src)
    param_vars = {id(v) for vs in params_of.values() for v in vs}
    label_like = {id(src) for node in nodes if not node.is_variable and node.op.is_loss(node.attrs)
                  for j, (src, _) in enumerate(node.inputs) if j > 0 and src.is_variable}
    shown = [n for n in nodes if not n.is_variable or
             (id(n) not in param_vars and id(n) not in label_like and n.name in
              symbol.list_arguments() and not n.name.endswith(('_moving_mean', '_moving_var')))]
    total = 0
    for i, node in enumerate(shown):
        op = 'null' if node.is_variable else node.op.name
        out = shape_dict.get(_key(node))
        out_s = 'x'.join(str(d) for d in out[1:]) if out is not None else ''
        n_params = 0
        for v in params_of.get(id(node), []):
            s = shape_dict.get(v.name)
            if s is not None:
                n_params += int(np.prod(s))
        total += n_params
        prev = []
        if not node.is_variable:
            for j, (src, _) in enumerate(node.inputs):
                if id(src) in param_vars or id(src) in label_like or (
                        src.is_variable and src.name.endswith(('_moving_mean', '_moving_var'))):
                    continue
                prev.append(src.name)
        first = prev[0] if prev else ''
        print_row(['%s(%s)' % (node.name, op), out_s, n_params, first])
        for p in prev[1:]:
            print_row(['', '', '', p])
        print(('=' if i == len(shown) - 1 else '_') * line_length)
    print('Total params: %d' % total)
    print('_' * line_length)
    return total


_FAMILY_COLORS = {
    'input': '#8dd3c7', 'conv': '#fb8072', 'act': '#ffffb3', 'norm': '#bebada',
    'pool': '#80b1d3', 'shape': '#fdb462', 'loss': '#b3de69', 'other': '#fccde5',
}


def _family(op):
    if op in ('Convolution', 'Deconvolution', 'FullyConnected', 'Embedding'):
        return 'conv'
    if op in ('Activation', 'LeakyReLU', 'relu', 'sigmoid', 'tanh', 'softrelu'):
        return 'act'
    if op in ('BatchNorm', 'InstanceNorm', 'LayerNorm', 'LRN', 'L2Normalization'):
        return 'norm'
    if op in ('Pooling', 'UpSampling'):
        return 'pool'
    if op in ('Concat', 'Flatten', 'Reshape', 'SliceChannel', 'transpose', 'expand_dims',
              'squeeze', 'Crop', 'Pad'):
        return 'shape'
    if op in ('SoftmaxOutput', 'LinearRegressionOutput', 'LogisticRegressionOutput',
              'MAERegressionOutput', 'MakeLoss', 'softmax', 'SoftmaxActivation', 'log_softmax'):
        return 'loss'
    return 'other'


def _label(node):
    op = node.op.name
    a = node.attrs

    def tup(t):
        return 'x'.join(str(d) for d in t) if t else '1'
    if op == 'Convolution':
        return 'Convolution\n%s/%s, %s' % (tup(a.kernel), tup(a.stride), a.num_filter)
    if op == 'Deconvolution':
        return 'Deconvolution\n%s/%s, %s' % (tup(a.kernel), tup(a.stride), a.num_filter)
    if op == 'FullyConnected':
        return 'FullyConnected\n%s' % a.num_hidden
    if op == 'Pooling':
        if a.get('global_pool'):
            return 'Pooling\nglobal %s' % a.pool_type
        return 'Pooling\n%s, %s/%s' % (a.pool_type, tup(a.kernel), tup(a.stride))
    if op in ('Activation', 'LeakyReLU'):
        return '%s\n%s' % (op, a.act_type)
    return op


def plot_network(symbol, title='plot', save_format='pdf', shape=None, dtype=None, node_attrs=None,
                 hide_weights=True):
    """A ``graphviz.Digraph`` of ``symbol``; render it with ``.render(filename)``.

    ``shape`` (dict of input shapes) adds tensor shapes to the edges;
    ``node_attrs`` overrides Graphviz node attributes; ``hide_weights`` hides
    weight/bias/statistics variables.  Rendering to a file needs Graphviz's
    ``dot`` program (Debian/Ubuntu: ``apt-get install graphviz``; macOS:
    ``brew install graphviz``).
    """
    try:
        from graphviz import Digraph
    except ImportError:
        raise MXNetError('plot_network needs the graphviz Python package: pip install graphviz') \
            from None
    shape_dict = _shapes(symbol, shape)
    node_attr = {'shape': 'box', 'fixedsize': 'true', 'width': '1.3', 'height': '0.8034',
                 'style': 'filled'}
    node_attr.update(node_attrs or {})
    dot = Digraph(name=title, format=save_format)
    dot.attr(rankdir='BT')
    nodes = topo_order(symbol._outputs)
    hidden = set()
    for node in nodes:
        if not node.is_variable:
            continue
        if hide_weights and node.name.endswith(PARAM_SUFFIXES + ('_moving_mean', '_moving_var',
                                                                  '_moving_avg')):
            hidden.add(id(node))
    consumers = {}
    for node in nodes:
        for src, _ in node.inputs:
            consumers.setdefault(id(src), []).append(node)
    # conv/fc -> norm -> activation chains become one boxed block
    cluster_of = {}
    clusters = []
    for node in nodes:
        if node.is_variable or _family(node.op.name) != 'conv' or id(node) in cluster_of:
            continue
        chain = [node]
        cur = node
        for fam in ('norm', 'act'):
            nxt = consumers.get(id(cur), [])
            if len(nxt) == 1 and not nxt[0].is_variable and _family(nxt[0].op.name) == fam:
                cur = nxt[0]
                chain.append(cur)
        if len(chain) > 1:
            for n in chain:
                cluster_of[id(n)] = len(clusters)
            clusters.append(chain)

    def add_node(g, node):
        attrs = dict(node_attr)
        if node.is_variable:
            attrs.update(shape='oval', fillcolor=_FAMILY_COLORS['input'])
            g.node(name=node.name, label=node.name, **attrs)
        else:
            attrs['fillcolor'] = _FAMILY_COLORS[_family(node.op.name)]
            g.node(name=node.name, label=_label(node), **attrs)
    for i, chain in enumerate(clusters):
        with dot.subgraph(name='cluster_%d' % i) as c:
            c.attr(style='rounded,filled', fillcolor='#f2f2f2', color='#999999', label='')
            for n in chain:
                add_node(c, n)
    for node in nodes:
        if id(node) in hidden or id(node) in cluster_of:
            continue
        add_node(dot, node)
    for node in nodes:
        if node.is_variable:
            continue
        for src, idx in node.inputs:
            if id(src) in hidden:
                continue
            label = ''
            s = shape_dict.get(_key(src)) if idx == 0 else None
            if s is not None:
                label = 'x'.join(str(d) for d in s[1:])
            dot.edge(tail_name=node.name, head_name=src.name, label=label, arrowtail='open',
                     dir='back')
    return dot
