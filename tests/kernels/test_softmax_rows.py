"""Softmax backward over the last axis: the fused fastmath row kernel against float64."""
import numpy as np
import pytest

from mxlite.kernels import softmax


@pytest.mark.parametrize('shape', [(3, 7), (128, 1000), (600, 1000)])   # the last is split
@pytest.mark.parametrize('dtype', [np.float32, np.float64])              # across threads
def test_rows_backward_matches_float64(shape, dtype):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    y = np.exp(x - x.max(1, keepdims=True))
    y /= y.sum(1, keepdims=True)
    g = rng.standard_normal(shape)
    scale = -0.5                           # softmin at temperature 2: sign / T
    dx = np.full(shape, np.nan, dtype)
    softmax.backward(y.astype(dtype)[:, :, None], g.astype(dtype)[:, :, None], dx[:, :, None],
                     scale, False, np.zeros((1, 1), np.int64), False)
    want = scale * y * (g - (g * y).sum(1, keepdims=True))
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(dx, want, rtol=tol, atol=tol)
