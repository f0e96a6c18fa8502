"""``.lst`` image-list readers on corrupted text: ``tools/im2rec.py``'s ``read_list``,
``ImageRecordIter``'s ``path_imglist`` and ``mx.image.ImageIter``'s ``path_imglist``.

The list readers of the library either return exactly the entries a
reference parser accepts or raise ``MXNetError`` naming the file and the
line; ``im2rec`` (like MXNet's tool) skips bad lines with a message
naming the line and yields every good one.
"""
import contextlib
import importlib.util
import io
import math
import os
import re

import pytest
from hypothesis import given, strategies as st

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.io.image_record_iter import read_label_list

from corpus import lst_corpus
from robust_util import count, fuzz, limits, mutate, mutations

CORPUS = [t.encode() for t in lst_corpus()]
TOOL = os.path.join(os.path.dirname(__file__), '..', '..', 'tools', 'im2rec.py')
_spec = importlib.util.spec_from_file_location('im2rec_tool_robustness', TOOL)
im2rec = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(im2rec)


def ref_im2rec(raw):
    """What tools/im2rec.py must yield: MXNet's rules, line by line."""
    out = []
    for line in raw.split(b'\n'):
        try:
            parts = [p.strip() for p in line.decode('utf-8').strip().split('\t')]
        except UnicodeDecodeError:
            continue
        if len(parts) < 3:
            continue
        try:
            out.append([int(parts[0]), parts[-1]] + [float(x) for x in parts[1:-1]])
        except ValueError:
            continue
    return out


def same(a, b):
    return a == b or (isinstance(a, float) and isinstance(b, float) and math.isnan(a)
                      and math.isnan(b))


line_text = st.one_of(
    st.text(alphabet='0123456789.-+e\tnaif /x', max_size=24),
    st.builds(lambda i, labels, path: '\t'.join([i] + labels + [path]),
              st.sampled_from(['0', '7', '-3', '1e3', 'x', '', '9' * 5000, '1.5', 'inf', 'nan']),
              st.lists(st.sampled_from(['0.5', '1', 'nan', 'inf', '-inf', '1e400', 'x', '', ' 2 ']),
                       max_size=4),
              st.sampled_from(['a.jpg', 'dir/b.png', '', ' c.jpg ', 'é.jpg'])),
)
lst_input = st.one_of(
    st.builds(lambda base, muts: mutate(CORPUS[base], muts), st.integers(0, len(CORPUS) - 1),
              mutations),
    st.lists(line_text, max_size=8).map(lambda ls: '\n'.join(ls).encode('utf-8')),
    st.binary(max_size=200),
)


def write(tmp_path, raw):
    fname = str(tmp_path / 'fuzz.lst')
    with open(fname, 'wb') as f:
        f.write(raw)
    return fname


def check_error(err, fname):
    msg = str(err)
    assert fname in msg, msg
    assert re.search(r'line \d+', msg), msg


def _all_readers(tmp_path, raw):
    fname = write(tmp_path, raw)
    with limits(5.0, 64 * len(raw) + (4 << 20)):
        # tools/im2rec.py: skips bad lines, keeps every good one
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            items = list(im2rec.read_list(fname))
        want = ref_im2rec(raw)
        assert len(items) == len(want)
        for got, exp in zip(items, want):
            assert len(got) == len(exp) and all(same(g, e) for g, e in zip(got, exp))
        for line in err.getvalue().splitlines():
            assert re.search(r'\(%s line \d+\)$' % re.escape(fname), line), line
        # ImageRecordIter's label map
        for width in (1, 2):
            try:
                labels = read_label_list(fname, width)
            except MXNetError as e:
                check_error(e, fname)
            else:
                assert all(v.shape == (width,) for v in labels.values())
        # ImageIter's image list
        keys = []
        try:
            imglist = mx.image.ImageIter._read_list(fname, 'float32', keys)
        except MXNetError as e:
            check_error(e, fname)
        else:
            assert sorted(imglist) == sorted(set(keys))
            assert len(keys) == len(want)
    count('.lst readers: corrupted lists (x3 readers)')


@fuzz(250)
@given(raw=lst_input)
def test_corrupted_lists(tmp_path, raw):
    _all_readers(tmp_path, raw)


@pytest.mark.slow
@fuzz(1000)
@given(raw=lst_input)
def test_corrupted_lists_long(tmp_path, raw):
    _all_readers(tmp_path, raw)


def test_valid_lists_read_identically(tmp_path):
    for raw in CORPUS:
        fname = write(tmp_path, raw)
        items = list(im2rec.read_list(fname))
        assert items == ref_im2rec(raw) and items
        keys = []
        imglist = mx.image.ImageIter._read_list(fname, 'float32', keys)
        assert keys == [it[0] for it in items]
        for it in items:
            assert imglist[it[0]][1] == it[1]
            assert imglist[it[0]][0].asnumpy().tolist() == it[2:]


@pytest.mark.parametrize('raw,reader,what', [
    (b'0\t1.0\t\xff\xfe.jpg\n', 'label', r'line 1: not UTF-8'),
    (b'inf\t1.0\ta.jpg\n', 'label', r'line 1'),
    (b'1\t2\ta.jpg\n2\t\xffb.jpg\n', 'imagelist', r'line 2: not UTF-8'),
], ids=['label-map-bytes', 'label-map-inf-index', 'image-list-bytes'])
def test_known_bad_lines(tmp_path, raw, reader, what):
    fname = write(tmp_path, raw)
    with pytest.raises(MXNetError, match=what):
        if reader == 'label':
            read_label_list(fname, 1)
        else:
            mx.image.ImageIter._read_list(fname, 'float32', [])
