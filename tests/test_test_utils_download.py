"""mx.test_utils.download: MXNet's signature; offline it fails with the file to provide."""
import pytest

import mxlite as mx


def test_existing_file_is_kept(tmp_path):
    f = tmp_path / 'data.bin'
    f.write_bytes(b'abc')
    assert mx.test_utils.download('http://example.invalid/data.bin', dirname=str(tmp_path)) == str(f)
    assert f.read_bytes() == b'abc'


def test_file_url_is_fetched(tmp_path):
    src = tmp_path / 'src.txt'
    src.write_bytes(b'hello')
    out = mx.test_utils.download(src.as_uri(), fname='copy.txt', dirname=str(tmp_path / 'd'))
    assert open(out, 'rb').read() == b'hello'


def test_unreachable_url_names_the_file(tmp_path):
    with pytest.raises(mx.MXNetError, match='put it at .*x.gz'):
        mx.test_utils.download('http://127.0.0.1:9/x.gz', dirname=str(tmp_path), retries=0)
