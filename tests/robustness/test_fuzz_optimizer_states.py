"""Optimizer states (``Updater.set_states``, ``Module.load_optimizer_states``) on hostile bytes.

States files are pickles, read by a restricted unpickler.  Corrupted,
truncated and crafted files either load as states (a dict of NDArrays by
index, and an Optimizer) or raise ``MXNetError`` -- quickly, allocating
little, and never running anything named in the file.
"""
import os
import pickle
import struct

import numpy as np
import pytest
from hypothesis import given, strategies as st

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.optimizer.updater import loads_states

from corpus import DATA
from robust_util import count, fuzz, limits, mutate, mutations


def _corpus():
    out = []
    for opt, dump in ((mx.optimizer.SGD(momentum=0.9, learning_rate=0.1), True),
                      (mx.optimizer.Adam(), False), (mx.optimizer.Adam(), True)):
        upd = mx.optimizer.get_updater(opt)
        for i, shape in enumerate([(3, 2), (4,)]):
            w = mx.nd.ones(shape)
            upd(i, mx.nd.ones(shape) * 0.1, w)
        out.append(upd.get_states(dump))
    golden = np.load(os.path.join(DATA, 'golden_optimizers.npz'))
    out += [golden[k].tobytes() for k in sorted(golden.files) if k.startswith('states:')][:6]
    return out


CORPUS = _corpus()


def load(data):
    upd = mx.optimizer.get_updater(mx.optimizer.SGD())
    upd.set_states(data)
    return upd


def _case(data):
    with limits(5.0, 16 * len(data) + (4 << 20)):
        try:
            upd = load(data)
        except MXNetError:
            pass
        else:
            assert isinstance(upd.optimizer, mx.optimizer.Optimizer)
    count('optimizer states: corrupted files')


def test_corpus_loads():
    for data in CORPUS:
        upd = load(data)
        assert upd.states


@fuzz(300)
@given(base=st.integers(0, len(CORPUS) - 1), muts=mutations)
def test_corrupted_states_load_or_raise(base, muts):
    _case(mutate(CORPUS[base], muts))


@pytest.mark.slow
@fuzz(1200)
@given(base=st.integers(0, len(CORPUS) - 1), muts=mutations)
def test_corrupted_states_load_or_raise_long(base, muts):
    _case(mutate(CORPUS[base], muts))


def test_every_truncation_raises():
    n = 0
    for data in CORPUS[:3]:
        for cut in range(0, len(data), 3):
            with limits(5.0, 16 * len(data) + (4 << 20)):
                with pytest.raises(MXNetError):
                    load(data[:cut])
            n += 1
    count('optimizer states: truncated files', n)


class _Call:
    """Pickles as a call of ``fn(*args)``: what an attacker would put in a states file."""

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


def test_nothing_named_in_the_file_runs(tmp_path):
    marker = tmp_path / 'pwned'
    attacks = [_Call(os.system, 'touch %s' % marker),
               _Call(eval, '__import__("os").system("touch %s")' % marker),
               _Call(exec, 'open(%r, "w").close()' % str(marker)),
               _Call(open, str(marker), 'w'),
               _Call(__import__, 'os'),
               _Call(np.save, str(marker), np.zeros(1)),
               _Call(np.load, str(marker)),
               _Call(pickle.loads, b'x'),
               _Call(mx.nd.save, str(marker), mx.nd.zeros(1))]
    for attack in attacks:
        for payload in ({0: attack}, ({0: None}, attack), attack):
            data = pickle.dumps(payload, protocol=2)
            with pytest.raises(MXNetError, match='refusing'):
                load(data)
    assert not marker.exists()


@pytest.mark.parametrize('data,what', [
    # memo index 2^30: the C unpickler would allocate and clear an 8 GiB table
    (b'\x80\x02N' + b'r' + struct.pack('<I', 1 << 30) + b'.', 'memo index'),
    (b'\x80\x04\x8e' + struct.pack('<Q', 1 << 40) + b'.', 'corrupt'),      # BINBYTES8 of 1 TiB
    (b'\x80\x04\x8d' + struct.pack('<Q', 1 << 40) + b'.', 'corrupt'),      # BINUNICODE8
    (pickle.dumps(_Call(bytearray, 10 ** 12), protocol=2), 'bytearray from a int'),
    (pickle.dumps(_Call(set, range(10 ** 12)), protocol=2), 'set from a range'),
    (pickle.dumps(_Call(frozenset, range(10 ** 12)), protocol=2), 'frozenset from a range'),
], ids=['memo-2^30', 'bytes8-1TiB', 'unicode8-1TiB', 'bytearray-1e12', 'set-range-1e12',
        'frozenset-range-1e12'])
def test_size_attacks_refused_before_allocating(data, what):
    with limits(2.0, 1 << 20):
        with pytest.raises(MXNetError, match=what):
            load(data)


def test_shared_references_load_in_linear_time():
    """40 nested levels of a list holding its child twice: 2^40 paths, 41 objects."""
    node = [mx.nd.ones((1,))]
    for _ in range(40):
        node = [node, node]
    data = pickle.dumps({0: tuple(node)})
    with limits(2.0, 1 << 20):
        upd = load(data)
        states = loads_states(data)
    assert isinstance(upd.states[0], tuple) and isinstance(states[0], tuple)


@pytest.mark.parametrize('payload,what', [
    ({0: 'a string'}, 'state of index 0 is a str'),
    ({(1, 2): None}, 'state index'),
    (({0: None}, 'not an optimizer'), 'not an Optimizer'),
    ([1, 2], 'expected a dict'),
], ids=['str-state', 'tuple-index', 'fake-optimizer', 'list'])
def test_wrong_shapes_of_states(payload, what):
    with pytest.raises(MXNetError, match=what):
        load(pickle.dumps(payload))


def test_poisoned_dtype_flags_refused():
    """A dtype whose pickled flags claim object references: refused, not handed to numpy ops."""
    bad = pickle.dumps({0: mx.nd.ones((3,))}, protocol=4)
    # the dtype's state tuple ends with its flags (0 for float32); 1 = NPY_ITEM_REFCOUNT
    i = bad.index(b'J\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00t')
    bad = bad[:i] + b'J\xff\xff\xff\xffJ\xff\xff\xff\xffK\x01t' + bad[i + 13:]
    with pytest.raises(MXNetError, match='malformed numpy dtype'):
        load(bad)


def test_optimizer_with_junk_attributes_refused():
    opt = mx.optimizer.SGD()
    opt.lr = 'fast'
    with pytest.raises(MXNetError, match="optimizer's lr is 'fast'"):
        load(pickle.dumps(({0: None}, opt)))


def test_module_load_optimizer_states_file(tmp_path):
    fname = str(tmp_path / 'm.states')
    with open(fname, 'wb') as f:
        f.write(b'\x80\x02N' + b'r' + struct.pack('<I', 1 << 30) + b'.')
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3),
                               name='softmax')
    mod = mx.mod.Module(net)
    mod.bind(data_shapes=[('data', (2, 4))], label_shapes=[('softmax_label', (2,))])
    mod.init_params()
    mod.init_optimizer()
    with limits(2.0, 1 << 20):
        with pytest.raises(MXNetError, match='memo index'):
            mod.load_optimizer_states(fname)
