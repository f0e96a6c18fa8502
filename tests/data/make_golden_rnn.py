"""Regenerate tests/data/golden_rnn.npz with real MXNet 1.9.1 (run with the oracle):

    /tmp/mxref/bin/python tests/data/make_golden_rnn.py

The networks are tests/rnn/legacy_rnn_cases.py, which runs unchanged under mxnet and
mxlite.  For each case it stores the argument/output names, inferred shapes, the sorted
node names of the graph, fixed inputs and head gradients, the forward outputs, the
gradients, and each cell's unpack_weights of the inputs.  It also stores
encode_sentences and BucketSentenceIter results for a fixed corpus (batches in order,
with Python's ``random`` and numpy's global RNG seeded before building the iterator).
"""
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'rnn'))

import numpy as np  # noqa: E402
import mxnet as mx  # noqa: E402
import legacy_rnn_cases as cases  # noqa: E402


def cell_goldens(store):
    for name in cases.CASES:
        sym, cells, shapes = cases.build(mx, name)
        arg_shapes, out_shapes, _ = sym.infer_shape(**shapes)
        nodes = sorted(n['name'] for n in json.loads(sym.tojson())['nodes'])
        meta = {'arguments': sym.list_arguments(), 'outputs': sym.list_outputs(),
                'arg_shapes': arg_shapes, 'out_shapes': out_shapes, 'nodes': nodes}
        args, heads = cases.inputs_for(sym, shapes)
        outs, grads = cases.run(mx, sym, shapes, args, heads)
        unpacked = {k: v for k, v in args.items()}
        nd_args = {k: mx.nd.array(v) for k, v in args.items()}
        for cell in cells:
            nd_args = cell.unpack_weights(nd_args)
        meta['unpacked'] = sorted(nd_args)
        store['%s/meta' % name] = np.array(json.dumps(meta))
        for k, v in args.items():
            store['%s/arg/%s' % (name, k)] = v
        for i, h in enumerate(heads):
            store['%s/head/%d' % (name, i)] = h
        for i, o in enumerate(outs):
            store['%s/out/%d' % (name, i)] = o
        for k, g in grads.items():
            store['%s/grad/%s' % (name, k)] = g
        for k, v in nd_args.items():
            store['%s/unpacked/%s' % (name, k)] = v.asnumpy()
        del unpacked


def io_goldens(store):
    sents = cases.corpus()
    coded, vocab = mx.rnn.encode_sentences(sents)
    store['io/encode/default'] = np.array(json.dumps([coded, vocab]))
    coded2, vocab2 = mx.rnn.encode_sentences(sents, invalid_label=0, start_label=0,
                                             invalid_key='<pad>')
    store['io/encode/invalid0'] = np.array(json.dumps([coded2, vocab2]))
    small = {w: i + 1 for i, w in enumerate(['w1', 'w2', 'w3'])}
    coded3, vocab3 = mx.rnn.encode_sentences(sents[:5], vocab=dict(small), unknown_token='<unk>')
    store['io/encode/unknown'] = np.array(json.dumps([coded3, vocab3]))
    configs = {'auto_nt': dict(batch_size=4),
               'tn_buckets': dict(batch_size=3, buckets=[4, 8, 10, 20], invalid_label=0,
                                  layout='TN', data_name='words', label_name='next')}
    for key, kw in configs.items():
        random.seed(3)
        np.random.seed(3)
        it = mx.rnn.BucketSentenceIter(coded2 if key == 'tn_buckets' else coded, **kw)
        info = {'buckets': list(it.buckets), 'default_bucket_key': it.default_bucket_key,
                'provide_data': [[d.name, list(d.shape), d.layout] for d in it.provide_data],
                'provide_label': [[d.name, list(d.shape), d.layout] for d in it.provide_label],
                'batches': []}
        for epoch in range(2):
            if epoch:
                it.reset()
            for n, batch in enumerate(it):
                info['batches'].append([batch.bucket_key, batch.pad,
                                        [list(batch.provide_data[0].shape),
                                         batch.provide_data[0].layout]])
                store['io/%s/%d_%d/data' % (key, epoch, n)] = batch.data[0].asnumpy()
                store['io/%s/%d_%d/label' % (key, epoch, n)] = batch.label[0].asnumpy()
        store['io/%s/info' % key] = np.array(json.dumps(info))


def main():
    store = {}
    cell_goldens(store)
    io_goldens(store)
    np.savez_compressed(os.path.join(HERE, 'golden_rnn.npz'), **store)
    print('wrote %d arrays' % len(store))


if __name__ == '__main__':
    main()
