"""CSVIter and MNISTIter against MXNet 1.9.1 (tests/data/make_csv_mnist_goldens.py)."""
import gzip
import json
import os
import pathlib
import shutil

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError

PIPE = os.path.join(os.path.dirname(__file__), '..', 'data', 'pipeline')
D = os.path.join(PIPE, 'csvmnist')


@pytest.fixture(scope='module')
def golden():
    with np.load(os.path.join(PIPE, 'csv_mnist_expected.npz')) as z:
        arrays = {k: z[k] for k in z.files}
    return json.loads(arrays.pop('meta').tobytes()), arrays


def cases():
    """Same table as tests/data/make_csv_mnist_goldens.py."""
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


def check(name, it, meta, arrays):
    m = meta[name]
    assert [[d.name, list(d.shape), np.dtype(d.dtype).name] for d in it.provide_data] == \
        m['provide_data']
    assert [[d.name, list(d.shape), np.dtype(d.dtype).name] for d in it.provide_label] == \
        m['provide_label']
    for ep in range(3):
        pads = []
        for bi, batch in enumerate(it):
            for kind, got in (('data', batch.data[0]), ('label', batch.label[0])):
                e = arrays['%s/e%d_b%d_%s' % (name, ep, bi, kind)]
                assert got.dtype == e.dtype and got.shape == e.shape, (name, kind)
                np.testing.assert_array_equal(got.asnumpy(), e)
            pads.append(batch.pad)
        assert pads == m['pads'][ep], (name, ep)
        it.reset()


@pytest.mark.parametrize('name', sorted(cases()))
def test_matches_mxnet(golden, name):
    meta, arrays = golden
    cls, kwargs = cases()[name]
    check(name, getattr(mx.io, cls)(**kwargs), meta, arrays)


def test_mnist_gzip(golden, tmp_path):
    meta, arrays = golden
    for f in ('images-idx3-ubyte', 'labels-idx1-ubyte'):
        with open(os.path.join(D, f), 'rb') as src, gzip.open(str(tmp_path / (f + '.gz')), 'wb') \
                as dst:
            shutil.copyfileobj(src, dst)
    it = mx.io.MNISTIter(image=str(tmp_path / 'images-idx3-ubyte.gz'),
                         label=str(tmp_path / 'labels-idx1-ubyte.gz'), batch_size=4, seed=3)
    check('mnist_shuffle', it, meta, arrays)


def test_errors(tmp_path):
    bad = tmp_path / 'bad.csv'
    bad.write_text('1,2,3\n4,5\n')
    with pytest.raises(MXNetError, match=r'bad.csv line 2 has 2 values but data_shape \(3,\)'):
        mx.io.CSVIter(data_csv=str(bad), data_shape=(3,), batch_size=1)
    bad.write_text('1,2,x\n')
    with pytest.raises(MXNetError, match='line 1'):
        mx.io.CSVIter(data_csv=str(bad), data_shape=(3,), batch_size=1)
    with pytest.raises(MXNetError, match='float16 is not supported'):
        mx.io.CSVIter(data_csv=os.path.join(D, 'data.csv'), data_shape=(3,), batch_size=1,
                      dtype='float16')
    with pytest.raises(MXNetError, match='required parameter data_shape'):
        mx.io.CSVIter(data_csv=os.path.join(D, 'data.csv'), batch_size=1)
    with pytest.raises(MXNetError, match='number of input must be bigger than batch size'):
        next(mx.io.CSVIter(data_csv=os.path.join(D, 'data.csv'), data_shape=(3,), batch_size=9))
    with pytest.raises(MXNetError, match='keyword arguments'):
        mx.io.CSVIter('x.csv')
    trunc = tmp_path / 'img'
    trunc.write_bytes(pathlib.Path(os.path.join(D, 'images-idx3-ubyte')).read_bytes()[:50])
    with pytest.raises(MXNetError, match='truncated'):
        mx.io.MNISTIter(image=str(trunc), label=os.path.join(D, 'labels-idx1-ubyte'))
    with pytest.raises(MXNetError, match='magic number 2049'):
        mx.io.MNISTIter(image=os.path.join(D, 'labels-idx1-ubyte'),
                        label=os.path.join(D, 'labels-idx1-ubyte'))
    with pytest.raises(MXNetError, match='cannot open'):
        mx.io.MNISTIter(image=str(tmp_path / 'none'), label=str(tmp_path / 'none'))
    with pytest.raises(MXNetError, match='sparse'):
        mx.io.LibSVMIter(data_libsvm='x', data_shape=(3,), batch_size=1)
