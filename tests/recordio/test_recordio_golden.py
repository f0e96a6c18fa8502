"""mx.recordio against files written by real MXNet 1.9.1 (tests/data/pipeline/recordio)."""
import os
import pathlib
import pickle
import shutil
import struct

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError

DATA = os.path.join(os.path.dirname(__file__), '..', 'data', 'pipeline', 'recordio')
MAGIC = struct.pack('<I', 0xced7230a)


@pytest.fixture(scope='module')
def expected():
    with np.load(os.path.join(DATA, 'expected.npz')) as z:
        return {k: z[k] for k in z.files}


def raw_records(expected):
    names = sorted(k for k in expected if k.startswith('raw_'))
    return [expected[k].tobytes() for k in names]


def test_read_mxnet_raw_file(expected):
    recs = raw_records(expected)
    r = mx.recordio.MXRecordIO(os.path.join(DATA, 'raw.rec'), 'r')
    got = [r.read() for _ in range(len(recs))]
    assert got == recs
    assert r.read() is None
    assert r.read() is None
    r.reset()
    assert r.read() == recs[0]
    r.close()


def test_write_matches_mxnet_bytes(expected, tmp_path):
    recs = raw_records(expected)
    fname = str(tmp_path / 'raw.rec')
    w = mx.recordio.MXRecordIO(fname, 'w')
    for rec in recs:
        w.write(rec)
    w.close()
    with open(fname, 'rb') as f, open(os.path.join(DATA, 'raw.rec'), 'rb') as g:
        assert f.read() == g.read()


def test_magic_split_layout(tmp_path):
    """A payload holding the magic word at an aligned offset is split into parts."""
    fname = str(tmp_path / 'm.rec')
    w = mx.recordio.MXRecordIO(fname, 'w')
    w.write(b'abcd' + MAGIC + b'ef')
    w.close()
    raw = pathlib.Path(fname).read_bytes()
    words = struct.unpack('<%dI' % (len(raw) // 4), raw)
    assert words[0] == 0xced7230a and words[1] == (1 << 29) | 4
    assert raw[8:12] == b'abcd'
    assert words[3] == 0xced7230a and words[4] == (3 << 29) | 2
    assert raw[20:22] == b'ef' and raw[22:24] == b'\0\0'
    assert mx.recordio.MXRecordIO(fname, 'r').read() == b'abcd' + MAGIC + b'ef'


def test_indexed_read_mxnet_file(expected):
    r = mx.recordio.MXIndexedRecordIO(os.path.join(DATA, 'packed.idx'),
                                      os.path.join(DATA, 'packed.rec'), 'r')
    assert r.keys == [5, 2, 9, 100, 0]
    for k in [9, 0, 5, 100, 2, 9]:
        h, s = mx.recordio.unpack(r.read_idx(k))
        flag, hid, hid2 = expected['packed_%d_header' % k]
        assert (h.flag, h.id, h.id2) == (flag, hid, hid2)
        np.testing.assert_array_equal(np.atleast_1d(np.asarray(h.label, np.float32)),
                                      expected['packed_%d_label' % k])
        assert s == expected['packed_%d_payload' % k].tobytes()
    r.close()


def test_indexed_write_matches_mxnet(expected, tmp_path):
    idx, rec = str(tmp_path / 'p.idx'), str(tmp_path / 'p.rec')
    w = mx.recordio.MXIndexedRecordIO(idx, rec, 'w')
    assert w.tell() == 0
    for k, i in zip([5, 2, 9, 100, 0], range(5)):
        w.write_idx(k, expected['pack_%d' % i].tobytes())
    w.close()
    gold = pathlib.Path(DATA)
    assert pathlib.Path(idx).read_text() == (gold / 'packed.idx').read_text()
    assert pathlib.Path(rec).read_bytes() == (gold / 'packed.rec').read_bytes()


def test_pack_matches_mxnet(expected):
    IR = mx.recordio.IRHeader
    cases = [(IR(0, 3.0, 7, 0), b'payload-seven'),
             (IR(0, [1.0, 2.5, -3.0], 8, 0), b'multi'),
             (IR(5, 1.5, 2 ** 40 + 3, 11), b''),
             (IR(0, np.array([4.0], dtype=np.float32), 9, 1), MAGIC + b'z'),
             (IR(0, -0.25, 0, 0), bytes(range(100)))]
    for i, (h, s) in enumerate(cases):
        assert mx.recordio.pack(h, s) == expected['pack_%d' % i].tobytes()


def test_unpack_multilabel():
    h, s = mx.recordio.unpack(mx.recordio.pack(mx.recordio.IRHeader(0, [1, 2, 3], 5, 0), b'xx'))
    assert h.flag == 3 and h.id == 5 and s == b'xx'
    assert h.label.dtype == np.float32
    np.testing.assert_array_equal(h.label, [1, 2, 3])
    h, s = mx.recordio.unpack(mx.recordio.pack(mx.recordio.IRHeader(9, 2.5, 1, 0), b'y'))
    assert h.flag == 0 and h.label == 2.5 and s == b'y'
    assert type(h).__name__ == 'HEADER'


def test_pack_img_matches_mxnet(expected):
    img = np.arange(12 * 10 * 3, dtype=np.uint8).reshape(12, 10, 3)
    jpg = mx.recordio.pack_img(mx.recordio.IRHeader(0, 1.0, 3, 0), img, quality=90)
    assert jpg == expected['pack_img_jpg'].tobytes()
    png = mx.recordio.pack_img(mx.recordio.IRHeader(0, [1.0, 2.0], 4, 0), img, quality=3,
                               img_fmt='.png')
    assert png == expected['pack_img_png'].tobytes()
    h, dec = mx.recordio.unpack_img(png)
    np.testing.assert_array_equal(dec, img)
    np.testing.assert_array_equal(h.label, [1.0, 2.0])
    h, gray = mx.recordio.unpack_img(png, 0)
    assert gray.shape == (12, 10)


def test_tell_and_positions(tmp_path):
    w = mx.recordio.MXIndexedRecordIO(str(tmp_path / 't.idx'), str(tmp_path / 't.rec'), 'w')
    positions = []
    for i in range(5):
        w.write_idx(i, b'record_%d' % i)
        positions.append(w.tell())
    assert positions == [16, 32, 48, 64, 80]
    w.close()
    r = mx.recordio.MXIndexedRecordIO(str(tmp_path / 't.idx'), str(tmp_path / 't.rec'), 'r')
    assert r.idx == {0: 0, 1: 16, 2: 32, 3: 48, 4: 64}
    assert r.read_idx(3) == b'record_3'
    assert r.read() == b'record_4'
    assert r.read() is None


def test_string_keys(tmp_path):
    idx, rec = str(tmp_path / 's.idx'), str(tmp_path / 's.rec')
    w = mx.recordio.MXIndexedRecordIO(idx, rec, 'w', key_type=str)
    w.write_idx('b', b'B')
    w.write_idx('a', b'A')
    w.close()
    r = mx.recordio.MXIndexedRecordIO(idx, rec, 'r', key_type=str)
    assert r.keys == ['b', 'a'] and r.read_idx('a') == b'A'


def test_pickle_reopens(tmp_path):
    shutil.copy(os.path.join(DATA, 'raw.rec'), str(tmp_path / 'raw.rec'))
    r = mx.recordio.MXRecordIO(str(tmp_path / 'raw.rec'), 'r')
    r2 = pickle.loads(pickle.dumps(r))
    assert r2.is_open and r2.read() == b''
    shutil.copy(os.path.join(DATA, 'packed.rec'), str(tmp_path / 'packed.rec'))
    shutil.copy(os.path.join(DATA, 'packed.idx'), str(tmp_path / 'packed.idx'))
    ir = mx.recordio.MXIndexedRecordIO(str(tmp_path / 'packed.idx'),
                                       str(tmp_path / 'packed.rec'), 'r')
    ir2 = pickle.loads(pickle.dumps(ir))
    assert ir2.keys == [5, 2, 9, 100, 0]
    assert mx.recordio.unpack(ir2.read_idx(5))[1] == b'payload-seven'


def test_errors(tmp_path):
    with pytest.raises(MXNetError, match='nope.rec'):
        mx.recordio.MXRecordIO(str(tmp_path / 'nope.rec'), 'r')
    with pytest.raises(ValueError, match='Invalid flag'):
        mx.recordio.MXRecordIO(str(tmp_path / 'x.rec'), 'a')
    w = mx.recordio.MXRecordIO(str(tmp_path / 'x.rec'), 'w')
    with pytest.raises(MXNetError, match='opened for writing'):
        w.read()
    with pytest.raises(TypeError, match='bytes'):
        w.write(12)
    w.write('text')  # str payloads are stored as UTF-8
    w.close()
    w.close()
    with pytest.raises(MXNetError, match='closed'):
        w.write(b'x')
    r = mx.recordio.MXRecordIO(str(tmp_path / 'x.rec'), 'r')
    assert r.read() == b'text'
    with pytest.raises(MXNetError, match='opened for reading'):
        r.write(b'x')
    with pytest.raises(MXNetError, match='only available when writing'):
        r.tell()
    w = mx.recordio.MXIndexedRecordIO(str(tmp_path / 'y.idx'), str(tmp_path / 'y.rec'), 'w')
    w.write_idx(1, b'one')
    w.close()
    r = mx.recordio.MXIndexedRecordIO(str(tmp_path / 'y.idx'), str(tmp_path / 'y.rec'), 'r')
    with pytest.raises(KeyError, match='key 7 is not in index'):
        r.read_idx(7)
    with pytest.raises(MXNetError, match='missing.idx'):
        mx.recordio.MXIndexedRecordIO(str(tmp_path / 'missing.idx'), str(tmp_path / 'y.rec'), 'r')
    with pytest.raises(MXNetError, match='unpack'):
        mx.recordio.unpack(b'short')
    bad = struct.pack('IfQQ', 1000, 0, 0, 0) + b'abc'
    with pytest.raises(MXNetError, match='1000 labels'):
        mx.recordio.unpack(bad)


def test_writer_truncates_and_context_manager(tmp_path):
    fname = str(tmp_path / 'c.rec')
    with mx.recordio.MXRecordIO(fname, 'w') as w:
        w.write(b'first')
    with mx.recordio.MXRecordIO(fname, 'w') as w:
        w.write(b'second')
    with mx.recordio.MXRecordIO(fname, 'r') as r:
        assert r.read() == b'second' and r.read() is None
