"""Module training goldens from real MXNet 1.9.1 (run under the oracle).

    /tmp/mxref/bin/python tests/data/make_golden_training.py
For each optimizer configuration: start from fixed parameters, run three
forward/backward/update steps on fixed batches with Module, and record the
parameters, aux states and outputs after each step, plus metric values.
Also writes an MXNet checkpoint (golden_ckpt-symbol.json / -0003.params).
"""
import os
import sys

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'symbol'))
from graph_builders import small_convnet, OPTIMIZER_CONFIGS  # noqa: E402


def fixed_params(sym, shapes):
    rs = np.random.RandomState(7)
    arg_shapes, _, aux_shapes = sym.infer_shape(**shapes)
    args = {}
    for n, s in zip(sym.list_arguments(), arg_shapes):
        if n in ('data', 'softmax_label'):
            continue
        args[n] = rs.uniform(-0.5, 0.5, s).astype('float32')
    aux = {n: (np.ones(s) if n.endswith('var') else np.zeros(s)).astype('float32')
           for n, s in zip(sym.list_auxiliary_states(), aux_shapes)}
    return args, aux


def batches():
    rs = np.random.RandomState(11)
    return [(rs.uniform(0, 1, (6, 1, 8, 8)).astype('float32'), rs.randint(0, 5, 6).astype('float32'))
            for _ in range(3)]


def main():
    with mx.name.NameManager():
        sym, shapes = small_convnet(mx)
    args, aux = fixed_params(sym, shapes)
    data = batches()
    store = {}
    for k, v in args.items():
        store['init:arg:' + k] = v
    for k, v in aux.items():
        store['init:aux:' + k] = v
    for i, (x, y) in enumerate(data):
        store['batch%d:data' % i] = x
        store['batch%d:label' % i] = y
    for ci, (name, params) in enumerate(OPTIMIZER_CONFIGS):
        mod = mx.mod.Module(sym)
        mod.bind(data_shapes=[('data', (6, 1, 8, 8))], label_shapes=[('softmax_label', (6,))])
        mod.init_params(arg_params={k: mx.nd.array(v) for k, v in args.items()},
                        aux_params={k: mx.nd.array(v) for k, v in aux.items()})
        mod.init_optimizer(optimizer=name, optimizer_params=params)
        metric = mx.metric.create(['acc', 'ce'])
        for step, (x, y) in enumerate(data):
            batch = mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)])
            mod.forward_backward(batch)
            mod.update()
            mod.update_metric(metric, batch.label)
            a, u = mod.get_params()
            for k, v in a.items():
                store['cfg%d:step%d:arg:%s' % (ci, step, k)] = v.asnumpy()
            for k, v in u.items():
                store['cfg%d:step%d:aux:%s' % (ci, step, k)] = v.asnumpy()
            store['cfg%d:step%d:out' % (ci, step)] = mod.get_outputs()[0].asnumpy()
        store['cfg%d:metric' % ci] = np.array([v for _, v in metric.get_name_value()])
        if ci == 1:
            mod.save_checkpoint(os.path.join(HERE, 'golden_ckpt'), 3, save_optimizer_states=False)
    np.savez_compressed(os.path.join(HERE, 'golden_training.npz'), **store)
    print('ok', len(store))


if __name__ == '__main__':
    main()
