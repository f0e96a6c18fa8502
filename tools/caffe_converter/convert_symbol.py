#!/usr/bin/env python3
"""Convert a Caffe network definition (.prototxt) into an mx.sym network.

    python tools/caffe_converter/convert_symbol.py deploy.prototxt net.py [--json]

writes ``net.py``, a Python program whose ``get_symbol()`` builds the
network with ``mx.sym`` (``INPUT_SHAPES`` holds the declared input shapes;
running it prints the layer summary).  ``--json`` also writes
``net-symbol.json``; an output name ending in ``.json`` writes only the
JSON, as MXNet's tool did.  No Caffe installation is needed (only the
``protobuf`` package: ``pip install "mxlite[caffe]"``).

From Python: ``sym, input_dim = convert_symbol('deploy.prototxt')``.
"""
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
try:
    import mxlite  # noqa: F401
except ImportError:
    sys.path.insert(0, os.path.join(_HERE, '..', '..'))

from caffe_cli import Parser, run  # noqa: E402

__all__ = ['convert_symbol', 'convert_network', 'write_outputs']


def convert_network(prototxt_fname):
    """The :class:`caffe_net.Network` of a prototxt (symbol, input shapes, program, specs)."""
    from caffe_parser import read_prototxt, ConverterError
    from caffe_net import build_network
    network = build_network(read_prototxt(prototxt_fname))
    source = network.source(os.path.basename(prototxt_fname))
    namespace = {'__name__': 'caffe_converted'}
    exec(compile(source, '<converted %s>' % prototxt_fname, 'exec'), namespace)
    if namespace['get_symbol']().tojson() != network.sym.tojson():
        raise ConverterError('internal error: the generated program builds a different graph')
    return network


def convert_symbol(prototxt_fname):
    """(symbol, input_dim) of a Caffe prototxt; input_dim is the first input's shape."""
    network = convert_network(prototxt_fname)
    first = next(iter(network.input_shapes.values()), None)
    return network.sym, first


def write_outputs(network, origin, output, json_too=False):
    """Write the program (and/or ``-symbol.json``); returns the paths written."""
    from mxlite.ndarray.serialization import atomic_write
    written = []
    if output.endswith('.json'):
        network.sym.save(output)
        return [output]
    atomic_write(output, network.source(origin).encode('utf-8'))
    written.append(output)
    if json_too:
        stem = output[:-3] if output.endswith('.py') else output
        network.sym.save(stem + '-symbol.json')
        written.append(stem + '-symbol.json')
    return written


def main(argv=None):
    parser = Parser(description='Convert a Caffe network definition (.prototxt) into a Python '
                    'program that builds the same network with mx.sym.  Needs no Caffe '
                    'installation.')
    parser.add_argument('prototxt', help='the Caffe network definition, e.g. deploy.prototxt '
                        '(text format; "layer" or legacy "layers" entries)')
    parser.add_argument('output', help='the Python file to write (its get_symbol() returns the '
                        'network); a name ending in .json writes the symbol JSON instead')
    parser.add_argument('--json', action='store_true',
                        help='also write the symbol as <output without .py>-symbol.json')
    args = parser.parse_args(argv)
    network = convert_network(args.prototxt)
    for path in write_outputs(network, os.path.basename(args.prototxt), args.output, args.json):
        print('wrote %s' % path)


if __name__ == '__main__':
    run(main)
