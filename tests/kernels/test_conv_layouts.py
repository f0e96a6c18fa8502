"""Both column layouts of the im2col path (one GEMM per chunk, per-image GEMMs) give the
convolution of a float64 reference, forward and backward, with groups, stride and padding."""
import numpy as np
import pytest

from mxlite.kernels import conv


def _reference(x, w, geo, groups):
    kh, kw, sh, sw, ph, pw, dh, dw = geo
    N, C, H, W = x.shape
    F = w.shape[0]
    oh = (H + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (W + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    xp = np.pad(x.astype(np.float64), ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((N, F, oh, ow))
    Cg, Fg = C // groups, F // groups
    for g in range(groups):
        for ky in range(kh):
            for kx in range(kw):
                patch = xp[:, g * Cg:(g + 1) * Cg, ky * dh:ky * dh + sh * (oh - 1) + 1:sh,
                           kx * dw:kx * dw + sw * (ow - 1) + 1:sw]
                out[:, g * Fg:(g + 1) * Fg] += np.einsum(
                    'bchw,fc->bfhw', patch, w[g * Fg:(g + 1) * Fg, :, ky, kx])
    return out


@pytest.mark.parametrize('per_image_from', [1, 1 << 30])
@pytest.mark.parametrize('case', [
    ((3, 4, 12, 12), 6, (3, 3, 1, 1, 1, 1, 1, 1), 1),
    ((2, 6, 11, 9), 8, (3, 3, 2, 2, 1, 0, 1, 1), 2),
    ((2, 3, 14, 14), 5, (5, 5, 1, 1, 0, 0, 1, 1), 1),
    ((2, 4, 13, 13), 4, (3, 3, 1, 1, 2, 2, 2, 2), 1),
])
def test_layouts_match_reference(case, per_image_from, monkeypatch):
    monkeypatch.setattr(conv, '_PER_IMAGE_MIN_P', per_image_from)
    monkeypatch.setattr(conv.winograd, 'applicable', lambda *a: False)
    shape, F, geo, groups = case
    rs = np.random.RandomState(3)
    x = rs.uniform(-1, 1, shape).astype(np.float32)
    w = rs.uniform(-1, 1, (F, shape[1] // groups, geo[0], geo[1])).astype(np.float32)
    want = _reference(x, w, geo, groups)
    out = np.empty(want.shape, np.float32)
    conv.conv_forward(x, w, None, out, geo, groups)
    np.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-4)
    # backward: the gradient of sum(out * dy) by finite structure -- compare to the
    # reference through the adjoint identity <conv(x), dy> == <x, dx>, and dw directly
    dy = rs.uniform(-1, 1, want.shape).astype(np.float32)
    dx, dw = np.empty_like(x), np.empty_like(w)
    conv.conv_backward(x, w, dy, dx, dw, None, geo, groups)
    np.testing.assert_allclose((want * dy).sum(), (x.astype(np.float64) * dx).sum(), rtol=1e-4)
    eps = np.zeros_like(w)
    eps.flat[5] = 1.0
    dw_want = (_reference(x, eps, geo, groups) * dy).sum()
    np.testing.assert_allclose(dw.flat[5], dw_want, rtol=1e-4, atol=1e-4)
