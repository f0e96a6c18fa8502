"""mx.util: environment helpers; the NumPy mode is refused clearly."""
import os

import pytest

import mxlite as mx


def test_env_helpers(tmp_path):
    mx.util.setenv('MXLITE_TEST_UTIL_VAR', 5)
    assert mx.util.getenv('MXLITE_TEST_UTIL_VAR') == '5'
    mx.util.setenv('MXLITE_TEST_UTIL_VAR', None)
    assert mx.util.getenv('MXLITE_TEST_UTIL_VAR') is None
    d = tmp_path / 'a' / 'b'
    mx.util.makedirs(str(d))
    mx.util.makedirs(str(d))                 # existing: fine
    assert d.is_dir()
    assert mx.util.get_gpu_count() == 0


def test_classic_semantics_only():
    assert not mx.util.is_np_array() and not mx.util.is_np_shape()
    assert mx.util.set_np_shape(False) is False
    with mx.util.np_shape(False):
        pass
    with pytest.raises(mx.MXNetError, match='NumPy-compatible mode'):
        mx.util.set_np_shape(True)
    with pytest.raises(mx.MXNetError, match='mx.np'):
        mx.util.set_np()
    with pytest.raises(mx.MXNetError, match='use_np'):
        @mx.util.use_np
        class Net:
            pass
    with pytest.raises(mx.MXNetError):
        with mx.util.np_array(True):
            pass

