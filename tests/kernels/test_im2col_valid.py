"""im2col / col2im of unit-stride, undilated convolutions take their own kernels (straight
row copies; padded layers through a zero-padded copy); they must equal the general
bounds-tested kernels."""
import numpy as np
import pytest

from mxlite.kernels import im2col as im


@pytest.mark.parametrize('shape,kh,kw', [((3, 2, 7, 9), 3, 2), ((2, 1, 28, 28), 5, 5),
                                         ((4, 5, 5, 4), 5, 4), ((1, 3, 6, 6), 1, 1)])
def test_valid_kernels_equal_the_general_ones(shape, kh, kw):
    rs = np.random.RandomState(0)
    x = rs.uniform(-1, 1, shape).astype(np.float32)
    B, C, H, W = shape
    oh, ow = H - kh + 1, W - kw + 1
    K = C * kh * kw
    got = np.full((B, K, oh * ow), np.nan, np.float32)
    im.im2col(x, got, kh, kw, 1, 1, 0, 0, 1, 1, oh, ow, False)
    want = np.empty_like(got)
    im._im2col_bkp(x, want, kh, kw, 1, 1, 0, 0, 1, 1, oh, ow)
    np.testing.assert_array_equal(got, want)
    cols = rs.uniform(-1, 1, got.shape).astype(np.float32)
    back = np.full_like(x, np.nan)                       # overwritten, not added to
    im.col2im(cols, back, kh, kw, 1, 1, 0, 0, 1, 1, oh, ow, False)
    ref = np.empty_like(x)
    im._col2im_bkp(cols, ref, kh, kw, 1, 1, 0, 0, 1, 1, oh, ow)
    np.testing.assert_allclose(back, ref, rtol=1e-6, atol=1e-6)
    strided = np.full((B, C, H, W + 3), 7.0, np.float32)[..., :W]     # a non-contiguous x
    im.col2im(cols, strided, kh, kw, 1, 1, 0, 0, 1, 1, oh, ow, False)
    np.testing.assert_allclose(strided, ref, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize('keep', [None, {}])
def test_fused_forward_equals_the_chunked_one(keep, monkeypatch):
    """Unit-stride unpadded layers unfold and multiply image by image (conv._valid_forward),
    into the kept columns when training: same output as unfolding the whole batch first."""
    from mxlite.kernels import conv
    rs = np.random.RandomState(1)
    x = rs.uniform(-1, 1, (5, 3, 13, 12)).astype(np.float32)
    w = rs.uniform(-1, 1, (7, 3, 4, 5)).astype(np.float32)
    b = rs.uniform(-1, 1, 7).astype(np.float32)
    geo = (4, 5, 1, 1, 0, 0, 1, 1)
    calls = []
    real = conv._valid_forward
    monkeypatch.setattr(conv, '_valid_forward', lambda *a: calls.append(1) or real(*a))
    got = np.full((5, 7, 10, 8), np.nan, np.float32)
    conv.conv_forward(x, w, b, got, geo, 1, keep)
    assert calls
    if keep is not None:
        assert keep['cols'].valid                 # the columns are there for the backward
    monkeypatch.setattr(conv, '_unit', lambda *a: False)
    want = np.empty_like(got)
    conv.conv_forward(x, w, b, want, geo, 1)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize('kfirst', [False, True])
@pytest.mark.parametrize('shape,kh,kw,ph,pw', [((3, 2, 8, 8), 3, 3, 1, 1), ((2, 3, 5, 7), 3, 5, 2, 1),
                                               ((2, 1, 4, 4), 3, 3, 3, 3),    # pad > kernel
                                               ((2, 2, 6, 5), 2, 3, 0, 0)])
def test_unit_stride_kernels_equal_the_general_ones(shape, kh, kw, ph, pw, kfirst):
    """Unit-stride layers in both column layouts (padded ones unfold a zero-padded copy and
    fold into one, keeping its interior): same columns and gradients as the general
    bounds-tested kernels."""
    rs = np.random.RandomState(2)
    x = rs.uniform(-1, 1, shape).astype(np.float32)
    B, C, H, W = shape
    oh, ow = H + 2 * ph - kh + 1, W + 2 * pw - kw + 1
    cshape = (C * kh * kw, B, oh * ow) if kfirst else (B, C * kh * kw, oh * ow)
    general = (im._im2col_kbp, im._col2im_kbp) if kfirst else (im._im2col_bkp, im._col2im_bkp)
    got = np.full(cshape, np.nan, np.float32)
    im.im2col(x, got, kh, kw, 1, 1, ph, pw, 1, 1, oh, ow, kfirst)
    want = np.empty_like(got)
    general[0](x, want, kh, kw, 1, 1, ph, pw, 1, 1, oh, ow)
    np.testing.assert_array_equal(got, want)
    cols = rs.uniform(-1, 1, got.shape).astype(np.float32)
    back = np.full_like(x, np.nan)
    im.col2im(cols, back, kh, kw, 1, 1, ph, pw, 1, 1, oh, ow, kfirst)
    ref = np.empty_like(x)
    general[1](cols, ref, kh, kw, 1, 1, ph, pw, 1, 1, oh, ow)
    np.testing.assert_allclose(back, ref, rtol=1e-6, atol=1e-6)
