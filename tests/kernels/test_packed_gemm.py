"""The micro-kernel GEMM (mxlite/kernels/packed_gemm.py) against float64 products."""
import numpy as np
import pytest

from mxlite.kernels import packed_gemm as pg


def _ref(a, b):
    return np.matmul(a.astype(np.float64), b.astype(np.float64))


def _rand(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


def _close(got, want):
    scale = np.abs(want).max() + 1e-6
    assert np.abs(got - want).max() <= 2e-6 * scale * max(1, np.sqrt(want.size))


# shapes around every blocking edge: rows past a multiple of MR, columns past NR, the
# reduction past KC, and single rows/columns
SHAPES = [(1, 1, 1), (pg.MR, 3, pg.NR), (pg.MR + 1, 5, pg.NR + 1), (50, 500, 64),
          (7, pg.KC + 3, 2 * pg.NR - 1), (25, 20, 576), (3, 2 * pg.KC, 5)]


@pytest.mark.parametrize('M,K,N', SHAPES)
def test_2d_products_match_float64(M, K, N):
    rng = np.random.default_rng(M * 1000 + K + N)
    a, b = _rand(rng, M, K), _rand(rng, K, N)
    out = np.full((M, N), np.nan, np.float32)
    pg.matmul(a, b, out)
    _close(out, _ref(a, b))


@pytest.mark.parametrize('a_in_place', [False, True])
@pytest.mark.parametrize('M,K,N', SHAPES[1:5])
def test_strided_operands(M, K, N, a_in_place):
    """A transposed A (packed, or read in place) and B (B then goes through the packed
    panel), and an out whose rows sit further apart than its width."""
    rng = np.random.default_rng(7)
    a = np.asfortranarray(_rand(rng, M, K))
    b = _rand(rng, N, K).T
    wide = np.full((M, N + 5), -7.0, np.float32)
    pg.matmul(a, b, wide[:, :N], a_in_place=a_in_place)
    _close(wide[:, :N], _ref(a, b))
    assert (wide[:, N:] == -7.0).all()          # nothing written past the view


def test_accumulate_adds_to_out():
    rng = np.random.default_rng(1)
    a, b, c0 = _rand(rng, 13, 70), _rand(rng, 70, 130), _rand(rng, 13, 130)
    out = c0.copy()
    pg.matmul(a, b, out, accumulate=True)
    _close(out, _ref(a, b) + c0)


def test_batched_broadcast_and_batch_sum():
    rng = np.random.default_rng(2)
    w, cols = _rand(rng, 50, 120), _rand(rng, 6, 120, 64)
    out = np.empty((6, 50, 64), np.float32)
    pg.matmul(w, cols, out)                     # one A for every image
    _close(out, _ref(w, cols))
    dy = _rand(rng, 6, 50, 64)
    dw = np.empty((50, 120), np.float32)
    pg.matmul(dy, cols.transpose(0, 2, 1), dw)  # out of batch 1: the sum over images
    _close(dw, _ref(dy, cols.transpose(0, 2, 1)).sum(0))
    dwt = np.empty((120, 50), np.float32)       # the same with every A read in place
    pg.matmul(cols, dy.transpose(0, 2, 1), dwt, a_in_place=True)
    _close(dwt, _ref(cols, dy.transpose(0, 2, 1)).sum(0))


def test_refuses_what_would_overrun():
    a, b = np.ones((4, 5), np.float32), np.ones((6, 3), np.float32)
    with pytest.raises(ValueError, match='do not fit'):
        pg.matmul(a, b, np.empty((4, 3), np.float32))
    with pytest.raises(ValueError, match='do not fit'):
        pg.matmul(a, np.ones((5, 3), np.float64), np.empty((4, 3), np.float32))
    with pytest.raises(ValueError, match='do not fit'):
        pg.matmul(a, np.ones((5, 3), np.float32), np.empty((3, 4), np.float32).T)
