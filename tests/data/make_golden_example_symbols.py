"""Goldens for example/image-classification/symbols/, written by real MXNet 1.9.1.

MXNet's own network files are not installed with its wheel; get them from a
checkout of apache/mxnet at tag 1.9.1 (example/image-classification/symbols/)
and run, under the oracle:

    /tmp/mxref/bin/python tests/data/make_golden_example_symbols.py PATH/TO/example/image-classification

Writes tests/data/golden_example_symbols.json.gz: for each network configuration
in tests/examples/symbol_cases.py, the graph nodes (op, name, attributes,
inputs), the argument and auxiliary-state names and their inferred shapes,
and the output shape.
"""
import gzip
import json
import os
import sys
from importlib import import_module

import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'examples'))
from symbol_cases import CASES  # noqa: E402


def describe(sym, data_shape):
    graph = json.loads(sym.tojson())
    nodes = [{'op': n['op'], 'name': n['name'], 'attrs': n.get('attrs', {}),
              'inputs': [i[:2] for i in n['inputs']]} for n in graph['nodes']]
    arg_shapes, out_shapes, aux_shapes = sym.infer_shape(data=data_shape)
    return {'nodes': nodes,
            'arguments': list(zip(sym.list_arguments(), map(list, arg_shapes))),
            'aux_states': list(zip(sym.list_auxiliary_states(), map(list, aux_shapes))),
            'output_shape': list(out_shapes[0])}


def main(example_dir):
    sys.path.insert(0, example_dir)
    out = {}
    for key, (network, kwargs, data_shape) in CASES.items():
        net = import_module('symbols.' + network)
        with mx.name.NameManager():      # automatic names (_plus0, ...) count from 0
            sym = net.get_symbol(**kwargs)
        out[key] = describe(sym, tuple(data_shape))
        print(key, len(out[key]['nodes']), 'nodes')
    with gzip.open(os.path.join(HERE, 'golden_example_symbols.json.gz'), 'wt') as f:
        json.dump(out, f, sort_keys=True)


if __name__ == '__main__':
    main(sys.argv[1])
