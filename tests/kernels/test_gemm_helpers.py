"""GEMMs split with spinning helper threads (mxlite/kernels/gemm_helpers.py)."""
import threading
import time

import numpy as np
import pytest

from mxlite.kernels import gemm_helpers as gh
from mxlite.kernels import _threads

needs_helpers = pytest.mark.skipif(not gh.helpers(2), reason='no ILP64 OpenBLAS / semaphores')


def _rand(*shape, seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype(np.float32)


def _ref(a, b):
    return (a.astype(np.float64) @ b.astype(np.float64)).astype(np.float32)


@needs_helpers
@pytest.mark.parametrize('m,k,n', [(100, 784, 128),    # split by columns (n >= m)
                                   (128, 100, 784),
                                   (301, 37, 29),      # split by rows, ragged
                                   (7, 5, 3)])
@pytest.mark.parametrize('ta', [False, True])
@pytest.mark.parametrize('tb', [False, True])
@pytest.mark.parametrize('parts', [2, 3])
def test_split_product_matches_reference(m, k, n, ta, tb, parts):
    a = _rand(k, m).T if ta else _rand(m, k)
    b = _rand(n, k, seed=1).T if tb else _rand(k, n, seed=1)
    big = np.full((m, n + 5), 7.0, np.float32)      # out rows padded: ld > n
    out = big[:, :n]
    assert gh.matmul(a, b, out, parts)
    np.testing.assert_allclose(out, _ref(a, b), rtol=1e-5, atol=1e-4)
    assert (big[:, n:] == 7.0).all()                  # nothing written past the columns


@needs_helpers
def test_operands_blas_cannot_read_fall_back():
    a, b = _rand(64, 64), _rand(64, 64, seed=1)
    out = np.empty((64, 64), np.float32)
    assert not gh.matmul(a.astype(np.float64), b, out, 2)          # not float32
    assert not gh.matmul(_rand(64, 128)[:, ::2], b, out, 2)        # no unit stride
    assert not gh.matmul(a, b, np.empty((64, 128), np.float32)[:, ::2], 2)
    assert not gh.matmul(a, b, out, 1)                             # nothing to split


def test_operand_layouts():
    x = np.zeros((6, 10), np.float32)
    assert gh._operand(x) == (gh._CBLAS_NO_TRANS, 10)
    assert gh._operand(x.T) == (gh._CBLAS_TRANS, 10)
    assert gh._operand(x[:, 2:7]) == (gh._CBLAS_NO_TRANS, 10)
    assert gh._operand(x[:, ::2]) is None
    assert gh._operand(np.zeros((6, 10, 2), np.float32)[:, :, 0]) is None


@needs_helpers
def test_caller_takes_back_a_job_nobody_started():
    # slots of a helper that does not exist: the caller must run the job itself
    h = gh.helpers(1)[0]
    ctrl, job = gh._isolated(32), gh._isolated(16)
    job[gh.J_FN] = h.job[gh.J_FN]
    ctrl[gh.AWAKE] = 1                  # "awake", so posting does not touch a semaphore
    a, b = _rand(9, 11), _rand(11, 13, seed=1)
    out = np.zeros((9, 13), np.float32)
    gh._post(ctrl, job, gh._CBLAS_NO_TRANS, gh._CBLAS_NO_TRANS, 9, 13, 11, a.ctypes.data, 11,
             b.ctypes.data, 13, out.ctypes.data, 13)
    assert ctrl[gh.STATE] == gh.POSTED
    assert not gh._finish(ctrl, job)
    assert ctrl[gh.STATE] == gh.IDLE
    np.testing.assert_allclose(out, _ref(a, b), rtol=1e-5, atol=1e-5)


@needs_helpers
def test_sleeping_helper_is_woken_and_runs_the_job():
    h = gh.helpers(1)[0]
    h.park()
    deadline = time.time() + 10
    while h.ctrl[gh.AWAKE] and time.time() < deadline:    # let it fall asleep
        time.sleep(0.001)
    assert h.ctrl[gh.AWAKE] == 0
    a, b = _rand(20, 30), _rand(30, 40, seed=1)
    out = np.zeros((20, 40), np.float32)
    h.post(gh._CBLAS_NO_TRANS, gh._CBLAS_NO_TRANS, 20, 40, 30, a.ctypes.data, 30,
           b.ctypes.data, 40, out.ctypes.data, 40)
    while h.ctrl[gh.STATE] != gh.DONE and time.time() < deadline:
        time.sleep(0.001)
    assert h.finish()                   # the helper, not the caller, ran it
    np.testing.assert_allclose(out, _ref(a, b), rtol=1e-5, atol=1e-5)


@needs_helpers
def test_concurrent_callers_each_get_their_product():
    a = [_rand(96, 200, seed=s) for s in range(4)]
    b = _rand(200, 96, seed=9)
    errors = []

    def work(i):
        out = np.empty((96, 96), np.float32)
        for _ in range(50):
            _threads.gemm(a[i], b, out)          # helpers or np.matmul, whoever is free
            if not np.allclose(out, _ref(a[i], b), rtol=1e-5, atol=1e-4):
                errors.append(i)
                return

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_without_a_callable_blas_nothing_splits(monkeypatch):
    monkeypatch.setattr(gh, '_helpers', None)
    monkeypatch.setattr(gh, '_blas', None)
    monkeypatch.setattr(gh, '_find_sgemm', lambda: None)
    a, b = _rand(100, 784), _rand(784, 128, seed=1)
    out = np.empty((100, 128), np.float32)
    assert not gh.matmul(a, b, out, 2)
    _threads.gemm(a, b, out)                      # the caller's np.matmul
    np.testing.assert_allclose(out, _ref(a, b), rtol=1e-5, atol=1e-4)


def test_user_opt_out(monkeypatch):
    monkeypatch.setattr(gh, '_helpers', None)
    monkeypatch.setenv('MXLITE_GEMM_HELPERS', '0')
    assert gh.helpers(1) == []
    a, b = _rand(100, 784), _rand(784, 128, seed=1)
    assert not gh.matmul(a, b, np.empty((100, 128), np.float32), 2)
