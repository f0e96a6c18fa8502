"""Expected batches of MXNet 1.9.1's CSVIter and MNISTIter on tiny generated files.

Run with the oracle's interpreter:

    /tmp/mxref/bin/python tests/data/make_csv_mnist_goldens.py

Writes tests/data/pipeline/csvmnist/ (the CSV and idx files) and
tests/data/pipeline/csv_mnist_expected.npz (three epochs of batches per case,
plus pads).
"""
import json
import os
import struct

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
PIPE = os.path.join(HERE, 'pipeline')
D = os.path.join(PIPE, 'csvmnist')


def write_files():
    os.makedirs(D, exist_ok=True)
    with open(os.path.join(D, 'data.csv'), 'w') as f:
        f.write('1,2,3\n2,3,4\n3,4,5\n4,5,6\n')
    with open(os.path.join(D, 'data4.csv'), 'w') as f:
        for i in range(7):
            f.write(','.join('%g' % (i * 4 + j + 0.5) for j in range(4)) + '\n')
    with open(os.path.join(D, 'label2.csv'), 'w') as f:
        for i in range(7):
            f.write('%d,%d\n' % (i, -i))
    rng = np.random.RandomState(0)
    n, rows, cols = 10, 4, 3
    img = rng.randint(0, 256, (n, rows, cols)).astype(np.uint8)
    lab = rng.randint(0, 10, n).astype(np.uint8)
    with open(os.path.join(D, 'images-idx3-ubyte'), 'wb') as f:
        f.write(struct.pack('>IIII', 2051, n, rows, cols))
        f.write(img.tobytes())
    with open(os.path.join(D, 'labels-idx1-ubyte'), 'wb') as f:
        f.write(struct.pack('>II', 2049, n))
        f.write(lab.tobytes())


def cases():
    """name -> (iterator name, kwargs); the test suite has the same table."""
    csv = os.path.join(D, 'data.csv')
    csv4 = os.path.join(D, 'data4.csv')
    lab2 = os.path.join(D, 'label2.csv')
    img = os.path.join(D, 'images-idx3-ubyte')
    lab = os.path.join(D, 'labels-idx1-ubyte')
    return {
        'csv_round': ('CSVIter', dict(data_csv=csv, data_shape=(3,), batch_size=3)),
        'csv_noround': ('CSVIter', dict(data_csv=csv, data_shape=(3,), batch_size=3,
                                        round_batch=False)),
        'csv_int32': ('CSVIter', dict(data_csv=csv, data_shape=(3,), batch_size=3,
                                      round_batch=False, dtype='int32')),
        'csv_int64': ('CSVIter', dict(data_csv=csv, data_shape=(3,), batch_size=2,
                                      dtype='int64')),
        'csv_label': ('CSVIter', dict(data_csv=csv4, data_shape=(2, 2), label_csv=lab2,
                                      label_shape=(2,), batch_size=3)),
        'csv_exact': ('CSVIter', dict(data_csv=csv, data_shape=(3,), batch_size=2)),
        'mnist_plain': ('MNISTIter', dict(image=img, label=lab, batch_size=3, shuffle=False)),
        'mnist_shuffle': ('MNISTIter', dict(image=img, label=lab, batch_size=4, seed=3)),
        'mnist_flat': ('MNISTIter', dict(image=img, label=lab, batch_size=5, flat=True,
                                         shuffle=False)),
        'mnist_parts': ('MNISTIter', dict(image=img, label=lab, batch_size=2, num_parts=3,
                                          part_index=2, shuffle=False)),
    }


def main():
    write_files()
    out = {}
    meta = {}
    for name, (cls, kwargs) in sorted(cases().items()):
        it = getattr(mx.io, cls)(**kwargs)
        m = {'provide_data': [[d.name, list(d.shape), np.dtype(d.dtype).name]
                              for d in it.provide_data],
             'provide_label': [[d.name, list(d.shape), np.dtype(d.dtype).name]
                               for d in it.provide_label], 'pads': []}
        for ep in range(3):
            pads = []
            for bi, batch in enumerate(it):
                out['%s/e%d_b%d_data' % (name, ep, bi)] = batch.data[0].asnumpy()
                out['%s/e%d_b%d_label' % (name, ep, bi)] = batch.label[0].asnumpy()
                pads.append(batch.pad)
            m['pads'].append(pads)
            it.reset()
        meta[name] = m
    out['meta'] = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), np.uint8)
    np.savez_compressed(os.path.join(PIPE, 'csv_mnist_expected.npz'), **out)


if __name__ == '__main__':
    main()
