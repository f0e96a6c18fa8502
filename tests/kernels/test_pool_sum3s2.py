"""3x3 stride-2 pad-1 sum/average pooling takes separable kernels when every window lies in
the padded input; forward and backward equal the generic kernels, odd and tiny maps too."""
import numpy as np
import pytest

from mxlite.kernels import pool


@pytest.mark.parametrize('H,W', [(56, 56), (7, 9), (8, 8), (5, 4), (1, 1), (2, 3)])
@pytest.mark.parametrize('kind', [pool.AVG, pool.SUM])
def test_separable_kernels_equal_the_generic_ones(H, W, kind):
    rng = np.random.default_rng(H * 100 + W)
    x = rng.standard_normal((3, H, W)).astype(np.float32)
    oh, ow = (H - 1) // 2 + 1, (W - 1) // 2 + 1
    args = (kind, 3, 3, 2, 2, 1, 1, H + 1, W + 1, True, 0)
    assert pool._sum3s2(x.shape, (3, oh, ow), *args[:-1], x.dtype) is not None
    got = np.full((3, oh, ow), np.nan, np.float32)
    pool.forward(x, got, *args, -np.inf)
    want = np.empty_like(got)
    pool.pool_forward(x, want, *args, -np.inf, (0, 0, 0, 0))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    dy = rng.standard_normal(got.shape).astype(np.float32)
    dx = np.full_like(x, np.nan)            # every element written
    pool.backward(x, got, dy, dx, *args)
    ref = np.empty_like(x)
    pool.pool_backward(x, want, dy, ref, *args, (0, 0, 0, 0))
    np.testing.assert_allclose(dx, ref, rtol=1e-5, atol=1e-6)


def test_only_when_every_average_divides_by_nine():
    shape, out = (3, 56, 56), (3, 28, 28)
    assert pool._sum3s2(shape, out, pool.AVG, 3, 3, 2, 2, 1, 1, 57, 57, True, np.float32) == 1 / 9
    # count_include_pad=False divides border windows by fewer: the generic kernels
    assert pool._sum3s2(shape, out, pool.AVG, 3, 3, 2, 2, 1, 1, 57, 57, False, np.float32) is None
    assert pool._sum3s2(shape, out, pool.MAX, 3, 3, 2, 2, 1, 1, 57, 57, True, np.float32) is None
    assert pool._sum3s2(shape, (3, 29, 29), pool.AVG, 3, 3, 2, 2, 1, 1, 58, 58, True,
                        np.float32) is None            # 'full': a window past the padding
    assert pool._sum3s2(shape, out, pool.AVG, 3, 3, 2, 2, 1, 1, 57, 57, True, np.float64) is None
