"""Kernel taps that only ever see padding are skipped: same results as the whole kernel."""
import numpy as np
import pytest

from mxlite.kernels import conv


def _out_size(n, k, s, p, d):
    return (n + 2 * p - d * (k - 1) - 1) // s + 1


@pytest.mark.parametrize('case', [
    # (N, C, H, W), F, geo (kh, kw, sh, sw, ph, pw, dh, dw), groups
    ((4, 8, 1, 1), 6, (3, 3, 1, 1, 1, 1, 1, 1), 1),      # 1x1 images: centre tap only
    ((4, 8, 2, 2), 6, (3, 3, 2, 2, 1, 1, 1, 1), 1),      # stride 2 down to 1x1: 2x2 taps
    ((3, 4, 1, 5), 6, (3, 3, 1, 1, 1, 1, 1, 1), 2),      # one axis cropped, groups
    ((2, 3, 2, 3), 4, (5, 5, 1, 1, 2, 2, 1, 1), 1),      # 5x5 on a 2x3 image
    ((2, 3, 1, 1), 4, (3, 3, 1, 1, 2, 2, 2, 2), 1),      # dilated
])
def test_cropped_taps_match_the_whole_kernel(case):
    shape, F, geo, groups = case
    kh, kw, sh, sw, ph, pw, dh, dw = geo
    rs = np.random.RandomState(1)
    x = rs.uniform(-1, 1, shape).astype(np.float32)
    w = rs.uniform(-1, 1, (F, shape[1] // groups, kh, kw)).astype(np.float32)
    b = rs.uniform(-1, 1, F).astype(np.float32)
    oh, ow = _out_size(shape[2], kh, sh, ph, dh), _out_size(shape[3], kw, sw, pw, dw)
    assert conv._cropped(x.shape, w.shape, geo, oh, ow) is not None
    dy = rs.uniform(-1, 1, (shape[0], F, oh, ow)).astype(np.float32)
    got, want = np.empty(dy.shape, np.float32), np.empty(dy.shape, np.float32)
    conv.conv_forward(x, w, b, got, geo, groups)
    conv._conv_forward(x, w, b, want, geo, groups)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    grads = []
    for fn in (conv.conv_backward, conv._conv_backward):
        dx, dwt, db = np.empty_like(x), np.full_like(w, np.nan), np.empty_like(b)
        fn(x, w, dy, dx, dwt, db, geo, groups)
        grads.append((dx, dwt, db))
    for g, r in zip(*grads):
        np.testing.assert_allclose(g, r, rtol=1e-5, atol=1e-5)


def test_whole_kernel_in_use_is_not_cropped():
    assert conv._cropped((2, 3, 8, 8), (4, 3, 3, 3), (3, 3, 1, 1, 1, 1, 1, 1), 8, 8) is None
    assert conv._cropped((2, 3, 2, 2), (4, 3, 3, 3), (3, 3, 1, 1, 1, 1, 1, 1), 2, 2) is None


def test_crop_and_uncrop_whole_taps_including_non_contiguous_gradients():
    rs = np.random.RandomState(0)
    w = rs.uniform(-1, 1, (4, 3, 3, 5)).astype(np.float32)
    got = conv._crop_weight(w, 1, 3, 2, 4)
    assert got.flags.c_contiguous
    np.testing.assert_array_equal(got, w[:, :, 1:3, 2:4])
    for dw in (np.full((4, 3, 3, 5), 7, np.float32),
               np.full((3, 4, 3, 5), 7, np.float32).transpose(1, 0, 2, 3)):   # a strided view
        conv._uncrop_grad(got, dw, 1, 3, 2, 4)
        want = np.zeros_like(w)
        want[:, :, 1:3, 2:4] = w[:, :, 1:3, 2:4]
        np.testing.assert_array_equal(dw, want)
