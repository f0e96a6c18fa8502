"""``nd.load``/``load_frombuffer`` on corrupted, truncated and random bytes.

Every input either loads (and then round-trips through ``nd.save``) or
raises ``MXNetError`` naming the file and a byte offset; each case is
bounded in time and in peak allocation, so a size field is never believed
before the bytes behind it have been counted.
"""
import re
import struct

import numpy as np
import pytest
from hypothesis import given, strategies as st

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.ndarray.serialization import loads, dumps
from mxlite.context import cpu

from corpus import params_corpus
from robust_util import count, fuzz, limits, mutate, mutations

CORPUS = params_corpus()


def mem_bound(buf):
    # the loaded arrays are copies of the file's bytes: a few times its size, never more
    return 4 * len(buf) + (1 << 20)


def check_loaded(result, buf):
    arrays = list(result.values()) if isinstance(result, dict) else list(result)
    assert sum(a.asnumpy().nbytes for a in arrays if a is not None) <= len(buf)
    names = list(result) if isinstance(result, dict) else []
    again = loads(dumps([(a.asnumpy(), cpu()) for a in arrays if a is not None],
                        names if None not in arrays else []))
    kept = [a for a in arrays if a is not None]
    assert len(again[0]) == len(kept)
    for a, b in zip(kept, again[0]):
        assert a.asnumpy().dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a.asnumpy(), b)


def check_error(err, source):
    msg = str(err)
    assert source in msg, msg
    assert re.search(r'byte \d+', msg), msg


def load_file(tmp_path, buf, name='x.params'):
    fname = str(tmp_path / name)
    with open(fname, 'wb') as f:
        f.write(buf)
    with limits(5.0, mem_bound(buf)):
        try:
            res = mx.nd.load(fname)
        except MXNetError as e:
            check_error(e, fname)
            return None
    check_loaded(res, buf)
    return res


def test_corpus_loads(tmp_path):
    for buf in CORPUS:
        assert load_file(tmp_path, buf) is not None


def _truncations(step):
    """A proper prefix of a valid file never parses: each cut raises 'truncated'."""
    n = 0
    for buf in CORPUS:
        for cut in range(0, len(buf), step):
            with limits(5.0, mem_bound(buf)):
                with pytest.raises(MXNetError) as e:
                    loads(buf[:cut], 'cut.params')
            check_error(e.value, 'cut.params')
            n += 1
    count('nd.load: truncated inputs', n)


def test_truncations_raise():
    _truncations(7)


@pytest.mark.slow
def test_every_truncation_raises():
    _truncations(1)


def _mutated(tmp_path, base, muts):
    load_file(tmp_path, mutate(CORPUS[base], muts))
    count('nd.load: corrupted inputs')


@fuzz(400)
@given(base=st.integers(0, len(CORPUS) - 1), muts=mutations)
def test_corrupted_files_load_or_raise(tmp_path, base, muts):
    _mutated(tmp_path, base, muts)


@pytest.mark.slow
@fuzz(2000)
@given(base=st.integers(0, len(CORPUS) - 1), muts=mutations)
def test_corrupted_files_load_or_raise_long(tmp_path, base, muts):
    _mutated(tmp_path, base, muts)


def _random(buf):
    with limits(5.0, mem_bound(buf)):
        try:
            res = mx.nd.load_frombuffer(buf)
        except MXNetError as e:
            check_error(e, '<buffer>')
            res = None
    if res is not None:
        check_loaded(res, buf)
    count('nd.load: random inputs')


# random bodies behind a valid list header, so the fuzzer gets past the magic
random_params = st.one_of(
    st.binary(max_size=256),
    st.builds(lambda n, body: struct.pack('<QQQ', 0x112, 0, n) + body,
              st.integers(0, 4), st.binary(max_size=256)),
    st.builds(lambda n, ndim, dims, flag, body: struct.pack('<QQQIiI', 0x112, 0, n, 0xF993FAC9,
                                                             0, ndim) + dims + body,
              st.integers(0, 3), st.integers(0, 40), st.binary(max_size=64),
              st.integers(-2, 13), st.binary(max_size=128)),
)


@fuzz(300)
@given(buf=random_params)
def test_random_buffers_load_or_raise(buf):
    _random(buf)


@pytest.mark.slow
@fuzz(1500)
@given(buf=random_params)
def test_random_buffers_load_or_raise_long(buf):
    _random(buf)


def header(shape, flag=0, n=1, magic=0xF993FAC9):
    return (struct.pack('<QQQIiI', 0x112, 0, n, magic, 0, len(shape))
            + struct.pack('<%dq' % len(shape), *shape) + struct.pack('<iii', 1, 0, flag))


@pytest.mark.parametrize('buf,what', [
    (header((10 ** 12,)), r'needs 4000000000000 bytes'),
    (header((10 ** 6, 10 ** 6), flag=1), r'needs 8000000000000 bytes'),
    (header((2 ** 62, 2 ** 62)), r'too large'),
    (header((0, 2 ** 62, 2 ** 62)), r'too large'),
    (header((2 ** 63 - 1, 0)), r'too large'),
    (struct.pack('<QQQ', 0x112, 0, 10 ** 12), r'array count'),
    (header((1,)) + b'\0' * 4 + struct.pack('<QQ', 1, 10 ** 12), r'name 0 needs'),
    (header((1,)) + b'\0' * 4 + struct.pack('<Q', 10 ** 12), r'name count'),
], ids=['1e12-floats', '1e12-doubles', 'overflowing-dims', 'empty-overflowing-dims',
        'empty-max-dim', '1e12-arrays', '1e12-name-bytes', '1e12-names'])
def test_huge_claims_refused_before_allocating(buf, what):
    """Headers claiming 10^12 elements, arrays or name bytes fail at once, allocating nothing."""
    with limits(1.0, 1 << 16):
        with pytest.raises(MXNetError, match=what) as e:
            loads(buf, 'huge.params')
    check_error(e.value, 'huge.params')
