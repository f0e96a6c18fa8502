"""Winograd F(2x2,3x3) convolution: forward and both gradients equal the im2col path."""
import numpy as np
import pytest

from mxlite.kernels import conv, winograd

GEO = (3, 3, 1, 1, 1, 1, 1, 1)


def _run(x, w, b, dy):
    out = np.empty(dy.shape, np.float32)
    conv.conv_forward(x, w, b, out, GEO, 1)
    dx, dw, db = np.empty_like(x), np.empty_like(w), np.empty_like(b)
    conv.conv_backward(x, w, dy, dx, dw, db, GEO, 1)
    return out, dx, dw, db


@pytest.mark.parametrize('shape', [(3, 16, 12, 12), (2, 24, 13, 11), (1, 16, 10, 10)])
def test_winograd_matches_im2col(shape, monkeypatch):
    rs = np.random.RandomState(0)
    x = rs.uniform(-1, 1, shape).astype(np.float32)
    w = rs.uniform(-1, 1, (20, shape[1], 3, 3)).astype(np.float32)
    b = rs.uniform(-1, 1, 20).astype(np.float32)
    dy = rs.uniform(-1, 1, (shape[0], 20, shape[2], shape[3])).astype(np.float32)
    assert winograd.applicable(x.shape, w.shape, GEO, 1, x.dtype)
    got = _run(x, w, b, dy)
    monkeypatch.setattr(winograd, 'applicable', lambda *a: False)
    want = _run(x, w, b, dy)
    for g, r in zip(got, want):
        np.testing.assert_allclose(g, r, rtol=1e-4, atol=1e-4)


def test_small_images_take_im2col():
    # 8x8 outputs: the transforms would cost more than they save
    assert not winograd.applicable((32, 64, 8, 8), (64, 64, 3, 3), GEO, 1, np.float32)
    assert winograd.applicable((32, 64, 12, 12), (64, 64, 3, 3), GEO, 1, np.float32)
    assert not winograd.applicable((32, 64, 12, 12), (64, 64, 3, 3), GEO, 1, np.float64)


@pytest.mark.parametrize('band_bytes,rows', [(1, 1), (150 << 10, 9), (300 << 10, 18)])
def test_bands_of_tile_rows_match_im2col(band_bytes, rows, monkeypatch):
    """Bands of 1, 9 and 18 tile rows (the last band ragged) give the im2col output, with
    odd output sizes and a bias."""
    rs = np.random.RandomState(1)
    x = rs.uniform(-1, 1, (2, 17, 39, 13)).astype(np.float32)
    w = rs.uniform(-1, 1, (19, 17, 3, 3)).astype(np.float32)
    b = rs.uniform(-1, 1, 19).astype(np.float32)
    monkeypatch.setattr(winograd, 'BAND_BYTES', band_bytes)
    assert winograd.band_rows(20, 7, 17, 19) == rows       # 20 x 7 tiles: ragged last bands
    got = np.empty((2, 19, 39, 13), np.float32)
    winograd.conv_part(x, winograd.transform_weight(w), b, got, 1, 1)
    want = np.empty_like(got)
    monkeypatch.setattr(winograd, 'applicable', lambda *a: False)
    conv.conv_forward(x, w, b, want, GEO, 1)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize('band_bytes', [1, 150 << 10, 8 << 20])
def test_weight_gradient_bands_match_im2col(band_bytes, monkeypatch):
    """The weight gradient summed over bands of 1, a few and all tile rows (equal heights;
    the last one shorter when they do not divide) equals the im2col path's."""
    rs = np.random.RandomState(2)
    x = rs.uniform(-1, 1, (2, 17, 39, 13)).astype(np.float32)
    w = rs.uniform(-1, 1, (19, 17, 3, 3)).astype(np.float32)
    dy = rs.uniform(-1, 1, (2, 19, 39, 13)).astype(np.float32)
    monkeypatch.setattr(winograd, 'BAND_BYTES', band_bytes)
    got = np.empty_like(w)
    conv.conv_backward(x, w, dy, None, got, None, GEO, 1)
    monkeypatch.setattr(winograd, 'applicable', lambda *a: False)
    want = np.empty_like(w)
    conv.conv_backward(x, w, dy, None, want, None, GEO, 1)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-3)
