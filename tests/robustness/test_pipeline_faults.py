"""Data pipeline faults: unreadable images in a .rec, and iterators shared between threads.

Default: the first unreadable record raises ``MXNetError`` naming its image
index (the record id), byte offset and file.  ``on_bad_image='skip'``:
every readable image is delivered exactly once, in order, in full batches
(only the last one padded), whatever the number of decoding threads;
each skipped record is logged with the same details.
"""
import logging
import re
import threading

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError

N = 23
BAD = {2, 3, 11, 22}              # the records that are not images


def write_rec(path, bad=BAD, n=N):
    """Records 0..n-1 (8x8 PNG, every pixel = index, label = index); ``bad`` are garbage."""
    w = mx.recordio.MXIndexedRecordIO(path[:-4] + '.idx', path, 'w')
    for i in range(n):
        hdr = mx.recordio.IRHeader(0, float(i), i, 0)
        if i in bad:
            payload = mx.recordio.pack(hdr, b'\x89PNG\r\n\x1a\n' + bytes(range(40)))
        else:
            payload = mx.recordio.pack_img(hdr, np.full((8, 8, 3), i, np.uint8), quality=1,
                                           img_fmt='.png')
        w.write_idx(i, payload)
    w.close()
    return path


@pytest.fixture
def rec(tmp_path):
    return write_rec(str(tmp_path / 'faulty.rec'))


def make(rec, **kw):
    args = dict(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=4, preprocess_threads=3,
                on_bad_image='skip', round_batch=False)
    args.update(kw)
    return mx.io.ImageRecordIter(**args)


def epoch(it):
    """[(labels of real rows, first pixel of real rows, pad)] of one epoch."""
    out = []
    for b in it:
        n = b.data[0].shape[0] - b.pad
        lab = b.label[0].asnumpy()[:n]
        pix = b.data[0].asnumpy()[:n, 0, 0, 0]
        np.testing.assert_array_equal(lab, pix)       # image and label stay together
        out.append((lab.tolist(), b.pad))
    return out


def test_default_raises_with_index_offset_and_file(rec):
    with pytest.raises(MXNetError) as e:
        for _ in mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=4):
            pass
    msg = str(e.value)
    assert re.search(r'record id 2 at byte \d+ of .*faulty\.rec', msg), msg


@pytest.mark.parametrize('threads,prefetch', [(1, 1), (3, 4), (4, 2)])
def test_skip_delivers_every_good_image_once_in_order(rec, caplog, threads, prefetch):
    with caplog.at_level(logging.WARNING):
        it = make(rec, preprocess_threads=threads, prefetch_buffer=prefetch)
        got = epoch(it)
    good = [float(i) for i in range(N) if i not in BAD]
    assert sum((lab for lab, _ in got), []) == good
    assert all(len(lab) == 4 and pad == 0 for lab, pad in got[:-1])
    assert got[-1][1] == 4 * len(got) - len(good)
    assert it.num_skipped == len(BAD)
    for i in BAD:
        assert re.search(r'record id %d at byte \d+ of .*faulty\.rec; skipped' % i, caplog.text)


def test_skip_with_round_batch_and_several_epochs(rec):
    it = make(rec, round_batch=True)
    first = epoch(it)
    good = [float(i) for i in range(N) if i not in BAD]
    assert sum((lab for lab, _ in first), [])[:len(good)] == good
    it.reset()
    second = epoch(it)
    assert len(second) in (len(first), len(first) - 1)
    assert all(pad == 0 for _, pad in second[:-1])
    assert it.num_skipped == 2 * len(BAD)


def test_skip_with_shuffled_index(rec):
    it = make(rec, path_imgidx=rec[:-4] + '.idx', shuffle=True, seed=3)
    a = sorted(sum((lab for lab, _ in epoch(it)), []))
    assert a == [float(i) for i in range(N) if i not in BAD]


def test_skip_everything_unreadable_is_an_error(tmp_path):
    rec = write_rec(str(tmp_path / 'allbad.rec'), bad=set(range(5)), n=5)
    with pytest.raises(MXNetError, match=r'no readable image .*allbad\.rec.*5 skipped'):
        epoch(make(rec))


def test_fit_trains_through_skipped_records(rec):
    data = mx.sym.var('data')
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Flatten(data), num_hidden=N),
                               name='softmax')
    it = make(rec, round_batch=True)
    mod = mx.mod.Module(net)
    mod.fit(it, num_epoch=2, optimizer_params={'learning_rate': 1e-4}, on_nan='stop')
    assert it.num_skipped == 2 * len(BAD)


def test_bad_option_value():
    with pytest.raises(MXNetError, match="on_bad_image.*one of raise, skip"):
        mx.io.ImageRecordIter(path_imgrec='x.rec', data_shape=(3, 8, 8), batch_size=4,
                              on_bad_image='ignore')


# -- threads ---------------------------------------------------------------------
def test_one_iterator_shared_by_threads_gives_each_batch_once(tmp_path):
    rec = write_rec(str(tmp_path / 'good.rec'), bad=set(), n=64)
    it = make(rec, batch_size=2, preprocess_threads=2)
    seen, errors = [], []

    def consume():
        try:
            while True:
                try:
                    b = it.next()
                except StopIteration:
                    return
                seen.append(tuple(b.label[0].asnumpy().tolist()))
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=consume) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and not any(t.is_alive() for t in threads)
    assert sorted(seen) == [(float(2 * i), float(2 * i + 1)) for i in range(32)]


def test_independent_iterators_in_threads_match_sequential(tmp_path):
    rec = write_rec(str(tmp_path / 'good.rec'), bad=set(), n=40)
    kw = dict(rand_crop=True, rand_mirror=True, data_shape=(3, 6, 6), seed=5, batch_size=8,
              round_batch=True)

    def run():
        return [b.data[0].asnumpy() for b in make(rec, **kw)]
    expected = run()
    results = [None] * 4

    def work(k):
        results[k] = run()
    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for r in results:
        assert r is not None and len(r) == len(expected)
        for a, b in zip(r, expected):
            np.testing.assert_array_equal(a, b)


def test_prefetching_iter_over_record_iter(tmp_path):
    rec = write_rec(str(tmp_path / 'good.rec'), bad=set(), n=20)
    direct = [b.label[0].asnumpy().tolist() for b in make(rec)]
    pre = mx.io.PrefetchingIter(make(rec))
    for _ in range(2):
        assert [b.label[0].asnumpy().tolist() for b in pre] == direct
        pre.reset()
    pre.close()
    assert not any(t.is_alive() for t in pre.prefetch_threads)
