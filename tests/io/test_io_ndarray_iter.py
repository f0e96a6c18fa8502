"""NDArrayIter batch by batch against MXNet 1.9.1 (tests/data/make_io_goldens.py)."""
import json
import os

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError

DATA = os.path.join(os.path.dirname(__file__), '..', 'data', 'pipeline', 'io_expected.npz')


@pytest.fixture(scope='module')
def golden():
    with np.load(DATA) as z:
        arrays = {k: z[k] for k in z.files}
    return json.loads(arrays.pop('meta').tobytes()), arrays


def cases():
    """Same cases as tests/data/make_io_goldens.py, built with mxlite."""
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


def descs(descs):
    return [[d.name, list(d.shape), np.dtype(d.dtype).name, d.layout] for d in descs]


def check_run(name, it, meta, arrays):
    exp = meta[name]
    assert descs(it.provide_data) == exp['provide_data']
    assert descs(it.provide_label) == exp['provide_label']
    for ep, batches in enumerate(exp['epochs']):
        got = []
        try:
            for bi, batch in enumerate(it):
                got.append(batch)
                if bi >= len(batches):
                    break
            it.reset()
        except MXNetError:
            assert exp.get('error', {}).get('epoch') == ep, 'unexpected error in epoch %d' % ep
            assert len(got) == exp['error']['batch']
            return
        assert 'error' not in exp or exp['error']['epoch'] != ep
        assert len(got) == len(batches), (name, ep)
        for bi, (batch, eb) in enumerate(zip(got, batches)):
            assert batch.pad == eb['pad'], (name, ep, bi)
            assert batch.index == eb['index']
            assert len(batch.data) == eb['ndata'] and len(batch.label) == eb['nlabel']
            for j, d in enumerate(batch.data):
                e = arrays['%s/e%d_b%d_d%d' % (name, ep, bi, j)]
                assert d.dtype == e.dtype and d.shape == e.shape
                np.testing.assert_array_equal(d.asnumpy(), e)
            for j, l in enumerate(batch.label):
                e = arrays['%s/e%d_b%d_l%d' % (name, ep, bi, j)]
                assert l.dtype == e.dtype
                np.testing.assert_array_equal(l.asnumpy(), e)


@pytest.mark.parametrize('name', sorted(cases()))
def test_ndarray_iter_matches_mxnet(golden, name):
    meta, arrays = golden
    check_run(name, mx.io.NDArrayIter(**cases()[name]), meta, arrays)


def test_shuffle_uses_numpy_global_rng(golden):
    meta, arrays = golden
    np.random.seed(7)
    it = mx.io.NDArrayIter(data=np.arange(30, dtype=np.float32).reshape(10, 3),
                           label=np.arange(10, dtype=np.float32), batch_size=4, shuffle=True,
                           last_batch_handle='pad')
    check_run('shuffle_seed7', it, meta, arrays)


def test_hard_reset_drops_rollover():
    it = mx.io.NDArrayIter(np.arange(10, dtype=np.float32), batch_size=4,
                           last_batch_handle='roll_over')
    assert len(list(it)) == 2
    it.hard_reset()
    first = next(it)
    assert first.pad == 0
    np.testing.assert_array_equal(first.data[0].asnumpy(), [0, 1, 2, 3])


def test_iter_protocol_and_getters():
    it = mx.io.NDArrayIter(np.arange(6, dtype=np.float32).reshape(6, 1), np.arange(6),
                           batch_size=4)
    assert it.iter_next()
    np.testing.assert_array_equal(it.getdata()[0].asnumpy().ravel(), [0, 1, 2, 3])
    assert it.getpad() == 0 and it.getindex() is None
    assert it.iter_next()
    assert it.getpad() == 2
    np.testing.assert_array_equal(it.getlabel()[0].asnumpy(), [4, 5, 0, 1])
    assert not it.iter_next()
    assert it.batch_size == 4 and it.num_data == 6
    assert str(mx.io.DataBatch([mx.nd.zeros((2, 3))], [mx.nd.zeros((2,))])) == \
        'DataBatch: data shapes: [(2, 3)] label shapes: [(2,)]'


def test_bad_arguments():
    with pytest.raises(ValueError, match='batch_size must be a positive integer'):
        mx.io.NDArrayIter(np.zeros((4, 2)), batch_size=0)
    with pytest.raises(ValueError, match="last_batch_handle must be 'pad'"):
        mx.io.NDArrayIter(np.zeros((4, 2)), last_batch_handle='wrap')
    with pytest.raises(ValueError, match='same number of examples'):
        mx.io.NDArrayIter(np.zeros((4, 2)), np.zeros(5))
    with pytest.raises(ValueError, match='must be given'):
        mx.io.NDArrayIter(None)
    with pytest.raises(ValueError, match='input must be an NDArray'):
        mx.io.NDArrayIter(42)


def test_data_desc():
    d = mx.io.DataDesc('data', (2, 3))
    assert d == ('data', (2, 3)) and d.dtype is np.float32 and d.layout == 'NCHW'
    name, shape = d
    assert name == 'data' and shape == (2, 3)
    assert repr(d) == "DataDesc[data,(2, 3),<class 'numpy.float32'>,NCHW]"
    assert mx.io.DataDesc.get_batch_axis('TNC') == 1
    assert mx.io.DataDesc.get_batch_axis(None) == 0
    lst = mx.io.DataDesc.get_list([('a', (1,)), ('b', (2,))], [('a', np.int32), ('b', np.uint8)])
    assert [x.dtype for x in lst] == [np.int32, np.uint8]


def test_resize_iter():
    base = mx.io.NDArrayIter(np.arange(10, dtype=np.float32), batch_size=4)
    it = mx.io.ResizeIter(base, 5)
    firsts = [b.data[0].asnumpy()[0] for b in it]
    assert firsts == [0, 4, 8, 0, 4]
    it.reset()
    assert len(list(it)) == 5
    assert it.provide_data == base.provide_data and it.batch_size == 4


def test_prefetching_iter():
    a = mx.io.NDArrayIter(np.arange(10, dtype=np.float32), np.arange(10), batch_size=4)
    b = mx.io.NDArrayIter({'b': np.arange(10, 20, dtype=np.float32)}, batch_size=4)
    it = mx.io.PrefetchingIter([a, b], rename_data=[{'data': 'x'}, {'b': 'y'}])
    assert [d.name for d in it.provide_data] == ['x', 'y']
    assert it.batch_size == 4
    for _ in range(2):
        batches = list(it)
        assert [bt.pad for bt in batches] == [0, 0, 2]
        np.testing.assert_array_equal(batches[2].data[1].asnumpy(), [18, 19, 10, 11])
        assert len(batches[0].label) == 1
        it.reset()
    it.close()
    single = mx.io.PrefetchingIter(mx.io.NDArrayIter(np.arange(3, dtype=np.float32),
                                                      batch_size=2))
    assert len(list(single)) == 2


def test_prefetching_iter_mismatch():
    a = mx.io.NDArrayIter(np.arange(10, dtype=np.float32), batch_size=4)
    b = mx.io.NDArrayIter(np.arange(4, dtype=np.float32), batch_size=4)
    it = mx.io.PrefetchingIter([a, b])
    next(it)
    with pytest.raises(MXNetError, match='different numbers'):
        next(it)
