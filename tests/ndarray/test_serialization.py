"""nd.save / nd.load against files written by real MXNet 1.9.1 (tests/data)."""
import os
import struct

import numpy as np
import pytest

import mxlite as mx

DATA = os.path.join(os.path.dirname(__file__), '..', 'data')
EXPECTED = np.load(os.path.join(DATA, 'params_expected.npz'))
ORDER = open(os.path.join(DATA, 'params_list_order.txt')).read().split()


def test_load_mxnet_dict_file():
    d = mx.nd.load(os.path.join(DATA, 'params_dict.params'))
    assert isinstance(d, dict) and sorted(d) == sorted(EXPECTED.files)
    for k, v in d.items():
        assert v.dtype == EXPECTED[k].dtype.type, k
        assert v.shape == EXPECTED[k].shape
        np.testing.assert_array_equal(v.asnumpy(), EXPECTED[k])
        assert v.context == mx.cpu(0)


def test_load_mxnet_list_and_single_files():
    lst = mx.nd.load(os.path.join(DATA, 'params_list.params'))
    assert isinstance(lst, list) and len(lst) == len(ORDER)
    for name, v in zip(ORDER, lst):
        np.testing.assert_array_equal(v.asnumpy(), EXPECTED[name])
    single = mx.nd.load(os.path.join(DATA, 'params_single.params'))
    assert len(single) == 1
    np.testing.assert_array_equal(single[0].asnumpy(), EXPECTED['arg:conv0_weight'])


@pytest.mark.parametrize('fname,make', [
    ('params_dict.params', lambda: {k: mx.nd.array(EXPECTED[k], dtype=EXPECTED[k].dtype)
                                    for k in EXPECTED.files}),
    ('params_list.params', lambda: [mx.nd.array(EXPECTED[k], dtype=EXPECTED[k].dtype)
                                    for k in ORDER]),
    ('params_single.params', lambda: mx.nd.array(EXPECTED['arg:conv0_weight'])),
])
def test_save_is_byte_identical_to_mxnet(tmp_path, fname, make):
    data = make()
    if isinstance(data, dict):
        # MXNet writes names in its own (insertion) order: match the golden file's order
        golden = mx.nd.load(os.path.join(DATA, fname))
        data = {k: data[k] for k in golden}
    out = tmp_path / fname
    mx.nd.save(str(out), data)
    assert out.read_bytes() == open(os.path.join(DATA, fname), 'rb').read()


def test_roundtrip_all_dtypes_and_shapes(tmp_path):
    rs = np.random.RandomState(0)
    data = {'f16': rs.rand(3).astype(np.float16), 'b': np.array([True, False]),
            'zero_rows': np.zeros((0, 3), np.float32), 'scalar': np.array(5.0, np.float32),
            'u8': np.arange(6, dtype=np.uint8).reshape(2, 3), 'big': rs.rand(40, 50)}
    f = tmp_path / 'x.params'
    mx.nd.save(str(f), {k: mx.nd.array(v, dtype=v.dtype) for k, v in data.items()})
    back = mx.nd.load(str(f))
    for k, v in data.items():
        assert back[k].dtype == v.dtype.type
        np.testing.assert_array_equal(back[k].asnumpy(), v)


def test_load_frombuffer_matches_load():
    raw = open(os.path.join(DATA, 'params_dict.params'), 'rb').read()
    a = mx.nd.load_frombuffer(raw)
    b = mx.nd.load(os.path.join(DATA, 'params_dict.params'))
    assert sorted(a) == sorted(b)


def test_save_rejects_bad_input(tmp_path):
    with pytest.raises(mx.MXNetError, match='not an NDArray'):
        mx.nd.save(str(tmp_path / 'a'), [mx.nd.ones(2), np.ones(2)])
    with pytest.raises(mx.MXNetError, match='keys must be strings'):
        mx.nd.save(str(tmp_path / 'a'), {1: mx.nd.ones(2)})
    with pytest.raises(mx.MXNetError, match='must be an NDArray'):
        mx.nd.save(str(tmp_path / 'a'), 'hello')
    assert not os.path.exists(tmp_path / 'a')


def test_failed_save_keeps_previous_file(tmp_path):
    f = tmp_path / 'keep.params'
    mx.nd.save(str(f), {'w': mx.nd.ones((2, 2))})
    before = f.read_bytes()
    with pytest.raises(mx.MXNetError):
        mx.nd.save(str(f), {'w': 3})
    assert f.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ['keep.params']


def test_truncated_file_reports_offset(tmp_path):
    raw = open(os.path.join(DATA, 'params_dict.params'), 'rb').read()
    for cut in (0, 4, 8, 23, 30, 100, len(raw) - 1):
        f = tmp_path / 'cut.params'
        f.write_bytes(raw[:cut])
        with pytest.raises(mx.MXNetError) as e:
            mx.nd.load(str(f))
        msg = str(e.value)
        assert 'cut.params' in msg
        assert ('truncated at byte' in msg) or ('not an MXNet NDArray file' in msg)


def test_foreign_file_is_refused(tmp_path):
    f = tmp_path / 'foreign.params'
    f.write_bytes(b'PK\x03\x04' + b'\x00' * 100)
    with pytest.raises(mx.MXNetError, match='not an MXNet NDArray file'):
        mx.nd.load(str(f))
    with pytest.raises(mx.MXNetError, match='cannot read'):
        mx.nd.load(str(tmp_path / 'missing.params'))


def test_huge_claimed_size_is_refused_before_allocating(tmp_path):
    header = struct.pack('<QQQ', 0x112, 0, 1)
    arr = struct.pack('<IiI', 0xF993FAC9, 0, 2) + struct.pack('<qq', 10**6, 10**6) + \
        struct.pack('<iii', 1, 0, 0)
    f = tmp_path / 'huge.params'
    f.write_bytes(header + arr + b'\x00' * 16)
    with pytest.raises(mx.MXNetError, match='truncated at byte 64'):
        mx.nd.load(str(f))
    f.write_bytes(struct.pack('<QQQ', 0x112, 0, 10**12))
    with pytest.raises(mx.MXNetError, match='larger than the file can hold'):
        mx.nd.load(str(f))


def test_sparse_storage_is_reported(tmp_path):
    header = struct.pack('<QQQ', 0x112, 0, 1)
    f = tmp_path / 'sparse.params'
    f.write_bytes(header + struct.pack('<Ii', 0xF993FAC9, 1) + b'\x00' * 40)
    with pytest.raises(mx.MXNetError, match='sparse storage'):
        mx.nd.load(str(f))
