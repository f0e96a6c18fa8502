"""encode_sentences and BucketSentenceIter against MXNet 1.9.1 (tests/data/golden_rnn.npz).

BucketSentenceIter shuffles the batch order with Python's ``random`` and each bucket's
sentences with numpy's global RNG; both are seeded identically here and in the generator,
so batches are compared exactly and in order.
"""
import json
import os
import random
import warnings

import numpy as np
import pytest

import mxlite as mx
import legacy_rnn_cases as cases

GOLDEN = os.path.join(os.path.dirname(__file__), '..', 'data', 'golden_rnn.npz')


@pytest.fixture(scope='module')
def golden():
    with np.load(GOLDEN) as z:
        return {k: z[k] for k in z.files if k.startswith('io/')}


def _json(golden, key):
    return json.loads(str(golden[key]))


def test_encode_sentences_matches_mxnet(golden):
    sents = cases.corpus()
    assert list(mx.rnn.encode_sentences(sents)) == _json(golden, 'io/encode/default')
    got = mx.rnn.encode_sentences(sents, invalid_label=0, start_label=0, invalid_key='<pad>')
    assert list(got) == _json(golden, 'io/encode/invalid0')
    small = {w: i + 1 for i, w in enumerate(['w1', 'w2', 'w3'])}
    got = mx.rnn.encode_sentences(sents[:5], vocab=dict(small), unknown_token='<unk>')
    assert list(got) == _json(golden, 'io/encode/unknown')


def test_encode_sentences_unknown_word_without_unknown_token():
    with pytest.raises(mx.MXNetError, match="unknown token 'b'.*unknown_token"):
        mx.rnn.encode_sentences([['a', 'b']], vocab={'a': 1})


@pytest.mark.parametrize('key', ['auto_nt', 'tn_buckets'])
def test_bucket_sentence_iter_matches_mxnet(golden, key, capsys):
    coded, _ = mx.rnn.encode_sentences(cases.corpus())
    coded2, _ = mx.rnn.encode_sentences(cases.corpus(), invalid_label=0, start_label=0,
                                        invalid_key='<pad>')
    kw = {'auto_nt': dict(batch_size=4),
          'tn_buckets': dict(batch_size=3, buckets=[4, 8, 10, 20], invalid_label=0,
                             layout='TN', data_name='words', label_name='next')}[key]
    random.seed(3)
    np.random.seed(3)
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        it = mx.rnn.BucketSentenceIter(coded2 if key == 'tn_buckets' else coded, **kw)
    assert 'sentences longer than the largest bucket' in capsys.readouterr().out
    info = _json(golden, 'io/%s/info' % key)
    assert list(it.buckets) == info['buckets']
    assert it.default_bucket_key == info['default_bucket_key']
    assert [[d.name, list(d.shape), d.layout] for d in it.provide_data] == info['provide_data']
    assert [[d.name, list(d.shape), d.layout] for d in it.provide_label] == info['provide_label']
    got = []
    for epoch in range(2):
        if epoch:
            it.reset()
        for n, batch in enumerate(it):
            got.append([batch.bucket_key, batch.pad, [list(batch.provide_data[0].shape),
                                                      batch.provide_data[0].layout]])
            np.testing.assert_array_equal(batch.data[0].asnumpy(),
                                          golden['io/%s/%d_%d/data' % (key, epoch, n)])
            np.testing.assert_array_equal(batch.label[0].asnumpy(),
                                          golden['io/%s/%d_%d/label' % (key, epoch, n)])
            assert batch.provide_label[0].shape == batch.label[0].shape
    assert got == info['batches']


def test_long_sentences_dropped_with_warning(capsys):
    with pytest.warns(UserWarning, match='discarded 1 sentences.*longest sentence has 9 words'):
        it = mx.rnn.BucketSentenceIter([[1, 2, 3], [1, 2], list(range(9))], 2, buckets=[4])
    assert 'WARNING: discarded 1 sentences longer than the largest bucket.' in \
        capsys.readouterr().out
    assert it.data[0].shape == (2, 4)


def test_empty_buckets_removed_and_small_buckets_give_no_batch():
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        it = mx.rnn.BucketSentenceIter([[1, 2, 3], [1, 2], [5, 6, 7, 8, 9]], 2,
                                       buckets=[4, 8, 12])
    assert it.buckets == [4, 8] and it.default_bucket_key == 8
    assert it.idx == [(0, 0)]
    batches = list(it)
    assert len(batches) == 1 and batches[0].bucket_key == 4
    lab = batches[0].label[0].asnumpy()
    dat = batches[0].data[0].asnumpy()
    np.testing.assert_array_equal(lab[:, :-1], dat[:, 1:])
    assert (lab[:, -1] == -1).all()


def test_bucket_sentence_iter_errors():
    with pytest.raises(mx.MXNetError, match="invalid layout 'NTC'.*NT.*TN"):
        mx.rnn.BucketSentenceIter([[1, 2]], 1, layout='NTC')
    with pytest.raises(ValueError, match='no sentence fits any bucket'), \
            pytest.warns(UserWarning, match='discarded 2 sentences'):
        mx.rnn.BucketSentenceIter([[1, 2, 3], [4]], 3)
