"""Symbol JSON goldens written by real MXNet 1.9.1 (run under the oracle).

    /tmp/mxref/bin/python tests/data/make_golden_symbols.py
Writes tests/data/sym_*.json plus sym_expected.json describing each one
(arguments, outputs, aux states, inferred shapes for the given input shapes,
attr_dict) and sym_*_io.npz with inputs and outputs for bound runs.
"""
import json
import os
import sys

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'symbol'))
from graph_builders import BUILDERS  # noqa: E402


def main():
    expected = {}
    for name, make in BUILDERS.items():
        with mx.name.NameManager():
            sym, shapes = make(mx)
        sym.save(os.path.join(HERE, 'sym_%s.json' % name))
        arg_shapes, out_shapes, aux_shapes = sym.infer_shape(**shapes)
        expected[name] = {
            'arguments': sym.list_arguments(), 'outputs': sym.list_outputs(),
            'aux': sym.list_auxiliary_states(), 'inputs': shapes,
            'arg_shapes': arg_shapes, 'out_shapes': out_shapes, 'aux_shapes': aux_shapes,
            'internals': sym.get_internals().list_outputs(), 'attr_dict': sym.attr_dict(),
        }
        rs = np.random.RandomState(0)
        args = {n: mx.nd.array(rs.uniform(-1, 1, s)) for n, s in zip(sym.list_arguments(), arg_shapes)}
        if 'softmax_label' in args:
            args['softmax_label'] = mx.nd.array(rs.randint(0, 10, arg_shapes[sym.list_arguments().index('softmax_label')]))
        aux = {n: mx.nd.array(rs.uniform(0.5, 1.5, s)) for n, s in zip(sym.list_auxiliary_states(), aux_shapes)}
        ex = sym.bind(mx.cpu(), args, aux_states=aux, grad_req='null')
        outs = ex.forward(is_train=False)
        store = {'arg:' + k: v.asnumpy() for k, v in args.items()}
        store.update({'aux:' + k: v.asnumpy() for k, v in aux.items()})
        store.update({'out%d' % i: o.asnumpy() for i, o in enumerate(outs)})
        np.savez_compressed(os.path.join(HERE, 'sym_%s_io.npz' % name), **store)
    with open(os.path.join(HERE, 'sym_expected.json'), 'w') as f:
        json.dump(expected, f, indent=1, sort_keys=True)
    print('ok')


if __name__ == '__main__':
    main()
