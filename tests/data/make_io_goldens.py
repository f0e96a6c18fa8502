"""Expected batches of MXNet 1.9.1's Python data iterators (NDArrayIter & co).

Run with the oracle's interpreter:

    /tmp/mxref/bin/python tests/data/make_io_goldens.py

Writes tests/data/pipeline/io_expected.npz: for each case, every batch of
two epochs (data, label, pad), plus provide_data/provide_label, so the test
suite can check mxlite's batches and pad values exactly.
"""
import json
import os

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'pipeline')


def cases():
    """name -> (constructor kwargs builder, epochs).  Same list in test_io_ndarray_iter.py."""
    d10 = np.arange(30, dtype=np.float32).reshape(10, 3)
    l10 = np.arange(10, dtype=np.float32)
    out = {}
    for bs in (3, 4, 5, 10, 13, 25):
        for mode in ('pad', 'discard', 'roll_over'):
            out['bs%d_%s' % (bs, mode)] = dict(data=d10, label=l10, batch_size=bs,
                                               last_batch_handle=mode)
    out['nolabel'] = dict(data=d10, batch_size=4)
    out['int_data'] = dict(data=np.arange(20, dtype=np.int32).reshape(10, 2),
                           label=np.arange(10, dtype=np.int64), batch_size=4)
    out['nd_int_data'] = dict(data=mx.nd.array(np.arange(20).reshape(10, 2), dtype='int32'),
                              batch_size=4)
    out['list_data'] = dict(data=[d10, d10 * 2], label=[l10, l10 + 1], batch_size=4)
    out['dict_data'] = dict(data={'b': d10, 'a': d10 * 3}, label={'lab': l10}, batch_size=4,
                            last_batch_handle='roll_over')
    out['names'] = dict(data=d10, label=l10, batch_size=4, data_name='x', label_name='y')
    out['tnc'] = dict(data=np.arange(10 * 10 * 3, dtype=np.float32).reshape(10, 10, 3),
                      batch_size=4, layout='TNC')
    out['nd_label_int'] = dict(data=mx.nd.array(d10), label=mx.nd.array(l10, dtype='int64'),
                               batch_size=3, last_batch_handle='discard')
    return out


def run_case(kwargs, epochs=3):
    it = mx.io.NDArrayIter(**kwargs)
    res = {'provide_data': [[d.name, list(d.shape), np.dtype(d.dtype).name, d.layout]
                            for d in it.provide_data],
           'provide_label': [[d.name, list(d.shape), np.dtype(d.dtype).name, d.layout]
                             for d in it.provide_label],
           'epochs': []}
    arrays = {}
    for ep in range(epochs):
        batches = []
        try:
            for bi, batch in enumerate(it):
                record(arrays, batches, ep, bi, batch)
            it.reset()
        except mx.base.MXNetError as e:
            # MXNet fails here (e.g. roll_over with batch_size > 2 * num_data)
            res['error'] = {'epoch': ep, 'batch': len(batches), 'msg': str(e).splitlines()[-1]}
            res['epochs'].append(batches)
            break
        res['epochs'].append(batches)
    return res, arrays


def record(arrays, batches, ep, bi, batch):
    for j, d in enumerate(batch.data):
        arrays['e%d_b%d_d%d' % (ep, bi, j)] = d.asnumpy()
    for j, l in enumerate(batch.label or []):
        arrays['e%d_b%d_l%d' % (ep, bi, j)] = l.asnumpy()
    batches.append({'pad': batch.pad, 'index': batch.index,
                    'ndata': len(batch.data), 'nlabel': len(batch.label or [])})


def main():
    meta = {}
    arrays = {}
    for name, kwargs in sorted(cases().items()):
        res, arr = run_case(kwargs)
        meta[name] = res
        for k, v in arr.items():
            arrays['%s/%s' % (name, k)] = v
    # shuffle draws from numpy's global RNG, as MXNet does
    np.random.seed(7)
    res, arr = run_case(dict(data=np.arange(30, dtype=np.float32).reshape(10, 3),
                             label=np.arange(10, dtype=np.float32), batch_size=4, shuffle=True,
                             last_batch_handle='pad'))
    meta['shuffle_seed7'] = res
    for k, v in arr.items():
        arrays['shuffle_seed7/%s' % k] = v
    arrays['meta'] = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), np.uint8)
    np.savez_compressed(os.path.join(OUT, 'io_expected.npz'), **arrays)


if __name__ == '__main__':
    main()
