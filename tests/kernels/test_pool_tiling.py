"""Max-pooling backward of 2x2 stride-2 windows: when they cover the input, each input's
gradient is written once from comparisons with the forward's output (no argmax search, no
scatter); otherwise the generic scatter.  Either way the first maximum of a window in scan
order takes the gradient, as MXNet does, also when windows tie (zeros after a relu)."""
import numpy as np
import pytest

from mxlite.kernels import pool


def _reference(x, dy, k):
    """First-max-in-scan-order gradient of a k x k, stride k max pooling (no padding)."""
    P, H, W = x.shape
    dx = np.zeros_like(x)
    for p in range(P):
        for oy in range(H // k):
            for ox in range(W // k):
                win = x[p, oy * k:(oy + 1) * k, ox * k:(ox + 1) * k]
                r, c = divmod(int(np.argmax(win)), k)      # argmax: the first maximum
                dx[p, oy * k + r, ox * k + c] += dy[p, oy, ox]
    return dx


@pytest.mark.parametrize('H,W', [(8, 8), (24, 24), (9, 7), (5, 6)])
def test_max_backward_of_tiling_windows(H, W):
    rs = np.random.RandomState(H * W)
    x = np.maximum(rs.uniform(-1, 1, (6, H, W)), 0).astype(np.float32)   # many ties at 0
    x[0] = 0                                                               # a plane of ties
    oh, ow = H // 2, W // 2
    y = np.empty((6, oh, ow), np.float32)
    pool.forward(x, y, 0, 2, 2, 2, 2, 0, 0, H, W, True, 0, -np.inf)
    dy = rs.uniform(-1, 1, y.shape).astype(np.float32)
    dx = np.full_like(x, np.nan)            # every element must be written
    pool.backward(x, y, dy, dx, 0, 2, 2, 2, 2, 0, 0, H, W, True, 0)
    np.testing.assert_array_equal(dx, _reference(x, dy, 2))


def test_every_tie_pattern_of_a_window():
    """All 16 patterns of which of a window's four inputs hold its maximum: the first in
    scan order (top-left, top-right, bottom-left, bottom-right) gets the gradient."""
    x = np.zeros((1, 2, 32), np.float32)
    for w in range(16):
        for pos in range(4):
            r, c = divmod(pos, 2)
            x[0, r, 2 * w + c] = 1.0 if (w >> pos) & 1 else -1.0
    y = np.empty((1, 1, 16), np.float32)
    pool.forward(x, y, 0, 2, 2, 2, 2, 0, 0, 2, 32, True, 0, -np.inf)
    dy = np.arange(1, 17, dtype=np.float32).reshape(1, 1, 16)
    dx = np.full_like(x, np.nan)
    pool.backward(x, y, dy, dx, 0, 2, 2, 2, 2, 0, 0, 2, 32, True, 0)
    np.testing.assert_array_equal(dx, _reference(x, dy, 2))
