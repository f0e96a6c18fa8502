"""``mx.model.load_checkpoint`` (and ``Module.load``) on corrupted checkpoint files.

A checkpoint is two files; either may be corrupted, truncated or swapped
for another checkpoint's.  Every case loads (and the parameters then bind
into a Module of the symbol, or that refuses with ``MXNetError``) or
raises ``MXNetError`` naming the damaged file.
"""
import os
import re
import shutil

import pytest
from hypothesis import given, strategies as st

import mxlite as mx
from mxlite.base import MXNetError

from corpus import DATA
from robust_util import count, fuzz, limits, mutate, mutations

PREFIX = os.path.join(DATA, 'golden_ckpt')
with open(PREFIX + '-symbol.json', 'rb') as _f:
    SYMBOL = _f.read()
with open(PREFIX + '-0003.params', 'rb') as _f:
    PARAMS = _f.read()
DATA_SHAPE = (2, 1, 8, 8)


def write_ckpt(folder, symbol, params, epoch=3):
    prefix = os.path.join(str(folder), 'ck')
    with open(prefix + '-symbol.json', 'wb') as f:
        f.write(symbol)
    with open(prefix + '-%04d.params' % epoch, 'wb') as f:
        f.write(params)
    return prefix


def load_and_use(prefix, epoch=3, max_bytes=None):
    """load_checkpoint (within ``max_bytes``), then put the parameters into a bound Module."""
    with limits(10.0, max_bytes):
        sym, arg, aux = mx.model.load_checkpoint(prefix, epoch)
    # running may compile a kernel specialization: bounded in time, not in allocations
    try:
        mod = mx.mod.Module(sym, data_names=('data',), label_names=('softmax_label',))
        mod.bind(data_shapes=[('data', DATA_SHAPE)], label_shapes=[('softmax_label', (2,))],
                 for_training=False)
        mod.set_params(arg, aux)
    except MXNetError:
        return 'refused'
    mod.forward(mx.io.DataBatch([mx.nd.ones(DATA_SHAPE)], [mx.nd.zeros((2,))]), is_train=False)
    assert mod.get_outputs()[0].shape == (2, 5)
    return 'ran'


def check(prefix, which):
    damaged = prefix + ('-symbol.json' if which == 'symbol' else '-0003.params')
    with limits(20.0):
        try:
            return load_and_use(prefix, max_bytes=64 * (len(SYMBOL) + len(PARAMS)) + (16 << 20))
        except MXNetError as e:
            msg = str(e)
            assert damaged in msg, msg
            assert re.search(r'byte \d+|char \d+|node \d+|head|not a text', msg), msg
            return 'error'


def test_intact_checkpoint_runs(tmp_path):
    assert load_and_use(write_ckpt(tmp_path, SYMBOL, PARAMS)) == 'ran'


def _case(tmp_path, which, muts):
    sym, params = SYMBOL, PARAMS
    if which == 'symbol':
        sym = mutate(sym, muts)
    else:
        params = mutate(params, muts)
    prefix = write_ckpt(tmp_path, sym, params)
    check(prefix, which)
    count('load_checkpoint: corrupted checkpoints')


@fuzz(150)
@given(which=st.sampled_from(['symbol', 'params']), muts=mutations)
def test_corrupted_checkpoint_loads_or_raises(tmp_path, which, muts):
    _case(tmp_path, which, muts)


@pytest.mark.slow
@fuzz(1500)
@given(which=st.sampled_from(['symbol', 'params']), muts=mutations)
def test_corrupted_checkpoint_loads_or_raises_long(tmp_path, which, muts):
    _case(tmp_path, which, muts)


def test_truncated_params_always_raise(tmp_path):
    n = 0
    for cut in range(0, len(PARAMS), 5):
        prefix = write_ckpt(tmp_path, SYMBOL, PARAMS[:cut])
        with pytest.raises(MXNetError, match=r'ck-0003\.params.*byte \d+'):
            mx.model.load_checkpoint(prefix, 3)
        n += 1
    count('load_checkpoint: truncated params files', n)


def test_missing_or_mismatched_files(tmp_path):
    prefix = write_ckpt(tmp_path, SYMBOL, PARAMS)
    with pytest.raises(MXNetError, match=r'ck-0004\.params'):
        mx.model.load_checkpoint(prefix, 4)
    os.unlink(prefix + '-symbol.json')
    with pytest.raises(MXNetError, match=r'ck-symbol\.json'):
        mx.model.load_checkpoint(prefix, 3)
    # parameters of another network: loads, then refuses to bind with names and shapes
    other = mx.nd.load(os.path.join(DATA, 'params_dict.params'))
    shutil.copy(PREFIX + '-symbol.json', prefix + '-symbol.json')
    mx.nd.save(prefix + '-0005.params', {'arg:conv1_weight': mx.nd.ones((3, 3)), **{
        k: v for k, v in PARAMS_DICT().items() if k != 'arg:conv1_weight'}})
    with pytest.raises(MXNetError, match=r'conv1_weight has shape \(3, 3\)'):
        mod = mx.mod.Module.load(prefix, 5)
        mod.bind(data_shapes=[('data', DATA_SHAPE)], label_shapes=[('softmax_label', (2,))])
    assert other


def PARAMS_DICT():
    return mx.nd.load(PREFIX + '-0003.params')


def test_bad_array_names_are_reported_with_their_offset(tmp_path):
    params = PARAMS.replace(b'arg:bn1_beta', b'xyz:bn1_beta')
    prefix = write_ckpt(tmp_path, SYMBOL, params)
    offset = params.index(b'xyz:bn1_beta') - 8           # the name's length field
    with pytest.raises(MXNetError, match=r"ck-0003\.params: array name 'xyz:bn1_beta' at byte "
                                         r"%d: prefix must be arg: or aux:" % offset):
        mx.model.load_checkpoint(prefix, 3)
    mx.nd.save(prefix + '-0004.params', [mx.nd.ones(2)])
    with pytest.raises(MXNetError, match=r'ck-0004\.params: holds an unnamed list of 1 arrays '
                                         r'\(name count 0 at byte \d+\)'):
        mx.model.load_checkpoint(prefix, 4)
