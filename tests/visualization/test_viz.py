"""mx.viz.print_summary and plot_network."""
import shutil

import pytest

import mxlite as mx
from mxlite.ops.registry import find_op

from graph_builders import BUILDERS, NEEDS

# parameter totals printed by MXNet 1.9.1's print_summary for the same graphs
MXNET_TOTALS = {'elemwise': 0, 'mlp': 314, 'lenet': 1338}


@pytest.mark.parametrize('name', sorted(BUILDERS))
def test_summary_total_matches_mxnet(name, capsys):
    if any(find_op(op) is None for op in NEEDS[name]):
        pytest.skip('operators not registered yet')
    with mx.name.NameManager():
        sym, shapes = BUILDERS[name](mx)
    total = mx.viz.print_summary(sym, shape=shapes)
    out = capsys.readouterr().out
    assert total == MXNET_TOTALS[name]
    assert 'Total params: %d' % MXNET_TOTALS[name] in out
    assert out.splitlines()[1].startswith('Layer (type)')


def test_summary_rows_and_previous_layers(capsys):
    a, b = mx.sym.var('a'), mx.sym.var('b')
    s = mx.sym.elemwise_add(mx.sym.exp(a, name='e'), b, name='add')
    mx.viz.print_summary(s, shape={'a': (4, 3), 'b': (4, 3)})
    lines = capsys.readouterr().out.splitlines()
    row = [l for l in lines if l.startswith('add(elemwise_add)')][0]
    assert row.split()[1] == '3' and row.split()[-1] == 'e'
    idx = lines.index(row)
    assert lines[idx + 1].strip() == 'b'


def test_plot_network_returns_digraph_with_shapes():
    x = mx.sym.var('data')
    s = mx.sym.exp(mx.sym.dot(x, mx.sym.var('fc_weight')), name='out')
    g = mx.viz.plot_network(s, shape={'data': (2, 3), 'fc_weight': (3, 5)})
    src = g.source
    assert 'fc_weight' not in src          # hidden by default
    assert 'label=5' in src and 'data' in src
    g2 = mx.viz.plot_network(s, hide_weights=False, node_attrs={'fontsize': '9'})
    assert 'fc_weight' in g2.source and 'fontsize=9' in g2.source


@pytest.mark.skipif(shutil.which('dot') is None, reason="Graphviz's dot program is not installed")
def test_render(tmp_path):
    s = mx.sym.exp(mx.sym.var('data'))
    out = mx.viz.plot_network(s, save_format='svg').render(str(tmp_path / 'net'), cleanup=True)
    assert out.endswith('.svg')
