"""RecordIO readers on corrupted files: ``MXRecordIO``, ``MXIndexedRecordIO``, ``unpack``,
the partitioned sources of ``ImageRecordIter`` and ``ImageRecordIter`` itself.

Every file either reads (records no larger than the file, each ``unpack``
returning a header or raising ``MXNetError``) or raises ``MXNetError``
naming the file and the byte offset.  ``tests/recordio`` holds the format
tests; this suite adds size-field attacks and the iterator's code paths.
"""
import os
import re
import struct

import numpy as np
import pytest
from hypothesis import given, strategies as st

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.io.record_source import SequentialSource

from corpus import image_rec, recordio_corpus
from robust_util import count, fuzz, limits, mutate, mutations

CORPUS = recordio_corpus()
IMAGE_REC, IMAGE_IDX = image_rec()


def check_error(err, fname):
    msg = str(err)
    assert fname in msg, msg
    assert re.search(r'byte \d+', msg), msg


def write(tmp_path, name, data):
    fname = str(tmp_path / name)
    with open(fname, 'wb' if isinstance(data, bytes) else 'w') as f:
        f.write(data)
    return fname


def read_all(fname, size):
    r = mx.recordio.MXRecordIO(fname, 'r')
    out = []
    try:
        while True:
            rec = r.read()
            if rec is None:
                return out
            out.append(rec)
            assert len(out) <= size // 8 + 1
    finally:
        r.close()


def _sequential(tmp_path, base, muts, aligned):
    buf = mutate(CORPUS[base][1], muts, aligned=aligned)
    fname = write(tmp_path, 'c.rec', buf)
    with limits(5.0, 4 * len(buf) + (1 << 20)):
        try:
            recs = read_all(fname, len(buf))
        except MXNetError as e:
            check_error(e, fname)
            recs = None
        if recs is not None:
            assert sum(len(r) for r in recs) <= len(buf)
            for r in recs:
                try:
                    header, payload = mx.recordio.unpack(r)
                except MXNetError:
                    continue
                assert len(payload) <= len(r)
    count('RecordIO: corrupted .rec files (MXRecordIO)')


@fuzz(300)
@given(base=st.integers(0, len(CORPUS) - 1), muts=mutations, aligned=st.booleans())
def test_corrupted_rec_reads_or_raises(tmp_path, base, muts, aligned):
    _sequential(tmp_path, base, muts, aligned)


@pytest.mark.slow
@fuzz(1500)
@given(base=st.integers(0, len(CORPUS) - 1), muts=mutations, aligned=st.booleans())
def test_corrupted_rec_reads_or_raises_long(tmp_path, base, muts, aligned):
    _sequential(tmp_path, base, muts, aligned)


def _partitioned(tmp_path, base, muts, num_parts):
    """The byte-range partitions ImageRecordIter reads: every part reads or raises."""
    buf = mutate(CORPUS[base][1], muts, aligned=True)
    fname = write(tmp_path, 'p.rec', buf)
    total = 0
    with limits(5.0, 4 * len(buf) + (1 << 20)):
        for part in range(num_parts):
            src = SequentialSource(fname, part, num_parts)
            try:
                while True:
                    rec = src.next()
                    if rec is None:
                        break
                    off, data = rec
                    assert 0 <= off < len(buf) and off % 4 == 0
                    total += len(data)
            except MXNetError as e:
                check_error(e, fname)
            finally:
                src.close()
    assert total <= len(buf)
    count('RecordIO: corrupted .rec files (partitioned sources)')


@fuzz(100)
@given(base=st.integers(0, len(CORPUS) - 1), muts=mutations, num_parts=st.integers(1, 5))
def test_partitions_of_corrupted_rec(tmp_path, base, muts, num_parts):
    _partitioned(tmp_path, base, muts, num_parts)


@pytest.mark.slow
@fuzz(600)
@given(base=st.integers(0, len(CORPUS) - 1), muts=mutations, num_parts=st.integers(1, 5))
def test_partitions_of_corrupted_rec_long(tmp_path, base, muts, num_parts):
    _partitioned(tmp_path, base, muts, num_parts)


def _indexed(tmp_path, rec_muts, idx_text):
    rec = write(tmp_path, 'i.rec', mutate(IMAGE_REC, rec_muts, aligned=True) if rec_muts
                else IMAGE_REC)
    idx = write(tmp_path, 'i.idx', idx_text)
    count('RecordIO: corrupted .rec/.idx pairs (MXIndexedRecordIO)')
    with limits(5.0, 4 * len(IMAGE_REC) + (1 << 20)):
        try:
            r = mx.recordio.MXIndexedRecordIO(idx, rec, 'r')
        except MXNetError as e:
            check_error(e, idx)
            return
        try:
            for k in r.keys:
                try:
                    r.read_idx(k)
                except MXNetError as e:
                    check_error(e, rec)
        finally:
            r.close()


idx_text = st.one_of(
    st.just(IMAGE_IDX),
    st.builds(lambda muts: mutate(IMAGE_IDX.encode(), muts).decode('latin-1'), mutations),
    st.lists(st.tuples(st.integers(-5, 50), st.sampled_from([0, 4, 12, 10 ** 12, -8, 2 ** 63])
                       | st.integers(0, len(IMAGE_REC) + 8)), max_size=8).map(
        lambda rows: ''.join('%d\t%d\n' % r for r in rows)),
)


@fuzz(200)
@given(rec_muts=st.none() | mutations, idx=idx_text)
def test_corrupted_indexed_reads_or_raises(tmp_path, rec_muts, idx):
    _indexed(tmp_path, rec_muts, idx)


@pytest.mark.slow
@fuzz(800)
@given(rec_muts=st.none() | mutations, idx=idx_text)
def test_corrupted_indexed_reads_or_raises_long(tmp_path, rec_muts, idx):
    _indexed(tmp_path, rec_muts, idx)


def _image_iter(tmp_path, muts, skip, with_idx):
    buf = mutate(IMAGE_REC, muts, aligned=True)
    rec = write(tmp_path, 'img.rec', buf)
    kw = dict(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=2, preprocess_threads=2,
              prefetch_buffer=2, on_bad_image='skip' if skip else 'raise', verbose=False)
    if with_idx:
        kw['path_imgidx'] = write(tmp_path, 'img.idx', IMAGE_IDX)
    with limits(20.0):
        try:
            it = mx.io.ImageRecordIter(**kw)
            try:
                for b in it:
                    assert b.data[0].shape == (2, 3, 8, 8)
                    assert np.isfinite(b.data[0].asnumpy()).all()
            finally:
                it.close()
        except MXNetError as e:
            msg = str(e)
            assert rec in msg, msg
            assert re.search(r'byte \d+|no readable image', msg), msg
    count('RecordIO: corrupted image .rec files (ImageRecordIter)')


@fuzz(60)
@given(muts=mutations, skip=st.booleans(), with_idx=st.booleans())
def test_image_record_iter_on_corrupted_rec(tmp_path, muts, skip, with_idx):
    _image_iter(tmp_path, muts, skip, with_idx)


@pytest.mark.slow
@fuzz(500)
@given(muts=mutations, skip=st.booleans(), with_idx=st.booleans())
def test_image_record_iter_on_corrupted_rec_long(tmp_path, muts, skip, with_idx):
    _image_iter(tmp_path, muts, skip, with_idx)


def _truncations(tmp_path, step):
    """Cut anywhere: a clean read only at a record boundary, else MXNetError with file + byte."""
    n = 0
    for name, buf in CORPUS:
        heads = set(int(h) for h in mx.recordio.iter_record_heads(buf)) | {0}
        for cut in range(0, len(buf), step):
            fname = write(tmp_path, 't.rec', buf[:cut])
            try:
                read_all(fname, cut)
                assert cut in heads, (name, cut)
            except MXNetError as e:
                check_error(e, fname)
            n += 1
    count('RecordIO: truncated .rec files', n)


def test_truncations_of_each_rec(tmp_path):
    _truncations(tmp_path, 5)


@pytest.mark.slow
def test_every_truncation_of_each_rec(tmp_path):
    _truncations(tmp_path, 1)


def test_magic_inside_record_data_is_corruption(tmp_path):
    """A record whose data holds an aligned magic word (bytes lost or duplicated) is refused:
    otherwise a partition starting there would read the same bytes twice."""
    magic = struct.pack('<I', 0xCED7230A)
    body = b'abcd' + magic + struct.pack('<I', 4) + b'efgh'
    fname = write(tmp_path, 'm.rec', struct.pack('<II', 0xCED7230A, len(body)) + body)
    with pytest.raises(MXNetError, match=r'magic number inside the data of the record at byte 0'
                                         r'.* at byte 12'):
        read_all(fname, 64)
    # an unaligned magic word is plain data
    ok = mx.recordio.encode_record(b'a' + magic + b'xyz')
    fname = write(tmp_path, 'ok.rec', ok)
    assert read_all(fname, 64) == [b'a' + magic + b'xyz']
