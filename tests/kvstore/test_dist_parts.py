"""The parts of distributed training that need no MPI job: errors, fusion, watchdog, rank 0 only."""
import logging
import os
import sys
import threading
import time
import types

import numpy as np
import pytest

import mxlite as mx
from mxlite.kvstore import role
from mxlite.kvstore.fusion import FusionBuffer, fusion_bytes_from_env, reduce_dtype
from mxlite.kvstore.watchdog import Watchdog, timeout_from_env


# -- no MPI: a clear MXNetError naming what to install ---------------------------------------
def test_missing_mpi4py_raises_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, 'mpi4py', None)
    with pytest.raises(mx.MXNetError, match=r"mpi4py is not installed.*pip install -e '.\[dist\]'"):
        mx.kv.create('dist_sync')


def test_mpi4py_without_mpi_library_raises_clear_error(monkeypatch):
    class BrokenMPI:      # what mpi4py does when no libmpi can be loaded
        def find_spec(self, name, path=None, target=None):
            if name == 'mpi4py.MPI':
                raise RuntimeError('cannot load MPI library: libmpi.so.40: cannot open shared '
                                   'object file')
            return None

    fake = types.ModuleType('mpi4py')
    fake.__path__ = []
    fake.rc = types.SimpleNamespace()
    monkeypatch.setitem(sys.modules, 'mpi4py', fake)
    monkeypatch.delitem(sys.modules, 'mpi4py.MPI', raising=False)
    monkeypatch.setattr(sys, 'meta_path', [BrokenMPI()] + sys.meta_path)
    with pytest.raises(mx.MXNetError, match='cannot load an MPI library.*openmpi-bin'):
        mx.kv.create('dist_device_sync')


def test_unknown_dist_type():
    with pytest.raises(mx.MXNetError, match="unknown distributed type 'dist_sinc'"):
        mx.kv.create('dist_sinc')


# -- fusion buffers ---------------------------------------------------------------------
def test_fusion_buffer_packs_casts_and_unpacks():
    buf = FusionBuffer(reduce_dtype(np.float16, 'k'), 64)
    assert buf.dtype == np.float32 and buf.capacity == 16
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    h = np.ones(4, dtype=np.float16)
    buf.add('a', a)
    buf.add(7, h)
    assert buf.fits(6) and not buf.fits(7)
    assert buf.describe() == 'a:2x3:<f4;7:4:<f2'
    buf.flat()[:] *= 2
    views = dict(buf.views())
    assert np.array_equal(views['a'], a * 2) and views[7].dtype == np.float16
    assert np.array_equal(views[7], h * 2)
    with pytest.raises(mx.MXNetError, match='do not fit'):
        buf.add('c', np.zeros(7, dtype=np.float32))
    buf.clear()
    assert buf.used == 0 and buf.keys() == []


def test_fusion_settings_and_dtypes(monkeypatch):
    monkeypatch.setenv('MXLITE_KVSTORE_FUSION_MB', '2')
    assert fusion_bytes_from_env() == 2 << 20
    monkeypatch.setenv('MXLITE_KVSTORE_FUSION_MB', 'lots')
    with pytest.raises(mx.MXNetError, match='megabytes'):
        fusion_bytes_from_env()
    with pytest.raises(mx.MXNetError, match='cannot be summed'):
        reduce_dtype(np.bool_, 'mask')


# -- the watchdog -----------------------------------------------------------------------
def test_watchdog_warns_then_times_out():
    fired = threading.Event()
    messages = []

    class Stream:
        def write(self, text):
            messages.append(text)

        def flush(self):
            pass

    def on_timeout(message):
        messages.append(message)
        fired.set()

    dog = Watchdog(0.4, on_timeout, 'worker 3 of 4', stream=Stream())
    with dog.guard('push (w:2:<f4)'):
        assert fired.wait(5)
    assert any('still waiting' in m for m in messages)
    assert 'worker 3 of 4: timed out after 0 s waiting for the other workers in push (w:2:<f4)' \
        in messages[-1]


def test_watchdog_quiet_when_calls_return():
    fired = []
    dog = Watchdog(0.3, fired.append, 'w')
    for _ in range(5):
        with dog.guard('x'):
            time.sleep(0.05)
    time.sleep(0.5)
    dog.close()
    assert fired == []


def test_watchdog_timeout_setting(monkeypatch):
    monkeypatch.setenv('MXLITE_KVSTORE_TIMEOUT', '0')
    assert timeout_from_env() is None
    monkeypatch.setenv('MXLITE_KVSTORE_TIMEOUT', '-1')
    with pytest.raises(mx.MXNetError, match='negative'):
        timeout_from_env()
    monkeypatch.delenv('MXLITE_KVSTORE_TIMEOUT')
    assert timeout_from_env() == 600


# -- only rank 0 logs and writes checkpoints ----------------------------------------------
@pytest.fixture
def rank1(monkeypatch):
    monkeypatch.delenv('MXLITE_DIST_ALL_RANKS', raising=False)
    role.set_worker(1, 2)
    yield
    role.set_worker(0, 1)


def test_other_ranks_do_not_log_or_checkpoint(rank1, tmp_path, caplog, monkeypatch):
    sym = mx.sym.exp(mx.sym.var('x'))
    with caplog.at_level(logging.INFO):
        mx.log.get_logger().info('hidden message')
        mx.callback.do_checkpoint(str(tmp_path / 'm'))(0, sym, {'w': mx.nd.ones(2)}, {})
    assert 'hidden message' not in caplog.text and os.listdir(tmp_path) == []
    monkeypatch.setenv('MXLITE_DIST_ALL_RANKS', '1')
    mx.callback.do_checkpoint(str(tmp_path / 'm'))(0, sym, {'w': mx.nd.ones(2)}, {})
    assert sorted(os.listdir(tmp_path)) == ['m-0001.params', 'm-symbol.json']


def test_rank0_logs_and_checkpoints(tmp_path):
    assert role.worker_rank() == 0 and role.is_primary()
    sym = mx.sym.exp(mx.sym.var('x'))
    mx.callback.do_checkpoint(str(tmp_path / 'm'))(0, sym, {'w': mx.nd.ones(2)}, {})
    assert sorted(os.listdir(tmp_path)) == ['m-0001.params', 'm-symbol.json']
