"""mxlite's own parallelism: split GEMMs, split elementwise work, BLAS pinned to one thread."""
import numpy as np
import pytest

from mxlite.kernels import _threads, blas, conv


@pytest.fixture
def always_split(monkeypatch):
    """Force the splitting paths whatever the machine's thread count and the sizes."""
    monkeypatch.setattr(_threads.numba.config, 'NUMBA_NUM_THREADS', 3)
    monkeypatch.setattr(_threads, 'GEMM_SPLIT_FLOPS', 0)


def test_split_gemm_equals_matmul(always_split):
    if not blas.pinned():
        pytest.skip('threadpoolctl cannot control this BLAS: GEMMs are not split')
    rs = np.random.RandomState(0)
    a = rs.rand(37, 50).astype(np.float32)
    b = rs.rand(50, 23).astype(np.float32)
    for lhs in (a, np.asfortranarray(a), rs.rand(50, 37).astype(np.float32).T):
        out = np.full((37, 23), np.nan, np.float32)
        _threads.gemm(lhs, b, out)
        np.testing.assert_allclose(out, lhs @ b, rtol=1e-5)


def test_split_runs_every_piece(monkeypatch):
    monkeypatch.setattr(_threads.numba.config, 'NUMBA_NUM_THREADS', 3)
    x = np.arange(10.0)
    y = np.zeros(10)
    _threads.split(lambda xs, ys: np.multiply(xs, 2, out=ys), [x, y], min_size=1)
    np.testing.assert_array_equal(y, 2 * x)
    y[:] = 0
    _threads.split(lambda xs, ys: np.multiply(xs, 2, out=ys), [x, y], min_size=100)   # one call
    np.testing.assert_array_equal(y, 2 * x)


def test_narrow_convolution_with_split_gemms(always_split):
    """A narrow batch (images x positions < 256) runs one part whose GEMMs split rows."""
    rs = np.random.RandomState(2)
    x = rs.uniform(-1, 1, (4, 24, 2, 2)).astype(np.float32)
    w = rs.uniform(-1, 1, (40, 24, 3, 3)).astype(np.float32)
    geo = (3, 3, 1, 1, 1, 1, 1, 1)
    out = np.empty((4, 40, 2, 2), np.float32)
    conv.conv_forward(x, w, None, out, geo, 1)
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (1, 1), (1, 1)))
    want = np.zeros(out.shape)
    for ky in range(3):
        for kx in range(3):
            want += np.einsum('bchw,fc->bfhw', xp[:, :, ky:ky + 2, kx:kx + 2], w[:, :, ky, kx])
    np.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-4)
    dy = rs.uniform(-1, 1, out.shape).astype(np.float32)
    dx, dw = np.empty_like(x), np.empty_like(w)
    conv.conv_backward(x, w, dy, dx, dw, None, geo, 1)
    dw_want = np.zeros(w.shape)
    for ky in range(3):
        for kx in range(3):
            dw_want[:, :, ky, kx] = np.einsum('bchw,bfhw->fc', xp[:, :, ky:ky + 2, kx:kx + 2], dy)
    np.testing.assert_allclose(dw, dw_want, rtol=1e-4, atol=1e-4)


def test_blas_is_pinned_to_one_thread_unless_asked():
    libs = blas.controllers()
    if not libs:
        pytest.skip('threadpoolctl found no BLAS to control')
    import os
    if os.environ.get('MXLITE_BLAS_THREADS'):
        pytest.skip('MXLITE_BLAS_THREADS set: BLAS left alone')
    blas.ensure_pinned()
    assert all(lib.get_num_threads() == 1 for lib in libs)
