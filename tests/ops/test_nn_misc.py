"""NN operator behaviours the golden sweep cannot pin down (randomness, cases
MXNet 1.9.1 itself rejects, internal code paths)."""
import numpy as np
import pytest

import mxlite as mx
from mxlite.kernels import conv_cols


def _ref_conv(x, w, stride=1, pad=0, dilate=1, groups=1):
    """Plain numpy convolution (NCHW) for checking the kernels."""
    x = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad))).astype(np.float64)
    n, c, h, wd = x.shape
    f, cg, kh, kw = w.shape
    oh = (h - dilate * (kh - 1) - 1) // stride + 1
    ow = (wd - dilate * (kw - 1) - 1) // stride + 1
    out = np.zeros((n, f, oh, ow))
    fg = f // groups
    for fi in range(f):
        g = fi // fg
        for ci in range(cg):
            for ky in range(kh):
                for kx in range(kw):
                    patch = x[:, g * cg + ci, ky * dilate:ky * dilate + stride * (oh - 1) + 1:stride,
                              kx * dilate:kx * dilate + stride * (ow - 1) + 1:stride]
                    out[:, fi] += w[fi, ci, ky, kx] * patch
    return out


@pytest.mark.parametrize('shape,wshape,kw', [
    ((5, 6, 9, 9), (4, 6, 3, 3), dict(pad=(1, 1))),                       # (K, B, P) layout
    ((5, 3, 33, 34), (4, 3, 3, 3), dict(stride=(2, 2))),                  # P >= 1024 would be per image
    ((4, 3, 40, 40), (5, 3, 3, 3), dict(pad=(1, 1))),                     # per-image GEMMs
    ((3, 8, 10, 10), (8, 1, 3, 3), dict(pad=(1, 1), num_group=8)),        # depthwise: direct kernel
])
def test_convolution_paths_and_chunking(monkeypatch, shape, wshape, kw):
    # a tiny column budget forces several chunks (and a short last one); nothing kept for
    # the backward, which would take whole batch parts
    monkeypatch.setattr(conv_cols, 'COL_BYTES', 40000)
    monkeypatch.setattr(conv_cols, '_KEEP_COL_BYTES', 0)
    rs = np.random.RandomState(0)
    x = rs.uniform(-1, 1, shape).astype('float32')
    w = rs.uniform(-1, 1, wshape).astype('float32')
    groups = kw.get('num_group', 1)
    ref = _ref_conv(x, w, kw.get('stride', (1,))[0], kw.get('pad', (0,))[0], groups=groups)
    xs, ws = mx.nd.array(x), mx.nd.array(w)
    xs.attach_grad()
    ws.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Convolution(xs, ws, kernel=wshape[2:], num_filter=wshape[0], no_bias=True, **kw)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-4, atol=1e-4)
    head = rs.uniform(-1, 1, y.shape).astype('float32')
    y.backward(mx.nd.array(head))
    # the same gradients without chunking, the forward's columns kept for the backward
    monkeypatch.setattr(conv_cols, 'COL_BYTES', 1 << 30)
    monkeypatch.setattr(conv_cols, '_KEEP_COL_BYTES', 1 << 30)
    xs2, ws2 = mx.nd.array(x), mx.nd.array(w)
    xs2.attach_grad()
    ws2.attach_grad()
    with mx.autograd.record():
        y2 = mx.nd.Convolution(xs2, ws2, kernel=wshape[2:], num_filter=wshape[0], no_bias=True, **kw)
    y2.backward(mx.nd.array(head))
    np.testing.assert_allclose(xs.grad.asnumpy(), xs2.grad.asnumpy(), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(ws.grad.asnumpy(), ws2.grad.asnumpy(), rtol=1e-4, atol=1e-3)


def test_deconvolution_is_the_data_gradient_of_convolution():
    # target_shape (8, 8) needs adj=1, which MXNet 1.9.1's oneDNN path rejects
    rs = np.random.RandomState(1)
    x = rs.uniform(-1, 1, (2, 3, 4, 4)).astype('float32')
    w = rs.uniform(-1, 1, (3, 2, 3, 3)).astype('float32')
    y = mx.nd.Deconvolution(mx.nd.array(x), mx.nd.array(w), kernel=(3, 3), stride=(2, 2),
                            target_shape=(8, 8), num_filter=2)
    assert y.shape == (2, 2, 8, 8)
    # conv with pad 1, stride 2 maps (8, 8) to (4, 4); its data gradient for head x is y
    d = mx.nd.zeros((2, 2, 8, 8))
    d.attach_grad()
    with mx.autograd.record():
        c = mx.nd.Convolution(d, mx.nd.array(w), kernel=(3, 3),
                              stride=(2, 2), pad=(1, 1), num_filter=3, no_bias=True)
    c.backward(mx.nd.array(x))
    np.testing.assert_allclose(y.asnumpy(), d.grad.asnumpy(), rtol=1e-5, atol=1e-5)


def test_convolution_float16_computes_in_float32():
    rs = np.random.RandomState(2)
    x = rs.uniform(-1, 1, (2, 3, 6, 6)).astype('float16')
    w = rs.uniform(-1, 1, (4, 3, 3, 3)).astype('float16')
    y = mx.nd.Convolution(mx.nd.array(x, dtype='float16'), mx.nd.array(w, dtype='float16'),
                          kernel=(3, 3), num_filter=4, no_bias=True)
    assert y.dtype == np.float16
    np.testing.assert_allclose(y.asnumpy(), _ref_conv(x.astype('f'), w.astype('f')), rtol=2e-2,
                               atol=2e-2)


def test_pooling_same_convention_1d():
    x = np.arange(1, 8, dtype='float32').reshape(1, 1, 7) * np.array([1, -1, 1, -1, 1, -1, 1],
                                                                      dtype='float32')
    y = mx.nd.Pooling(mx.nd.array(x), kernel=(3,), stride=(2,), pooling_convention='same').asnumpy()
    # out = ceil(7 / 2) = 4; total pad (4 - 1) * 2 + 3 - 7 = 2, one on each side
    padded = np.concatenate([[-np.inf], x.ravel(), [-np.inf]])
    want = [padded[i * 2:i * 2 + 3].max() for i in range(4)]
    np.testing.assert_array_equal(y.ravel(), want)


def test_rrelu_slopes():
    x = mx.nd.array(np.linspace(-2, 2, 41).astype('float32'))
    out, mask = mx.nd.LeakyReLU(x, act_type='rrelu', lower_bound=0.2, upper_bound=0.4)
    xn = x.asnumpy()
    np.testing.assert_allclose(out.asnumpy(), np.where(xn > 0, xn, 0.3 * xn), rtol=1e-6)
    mx.random.seed(0)
    x.attach_grad()
    with mx.autograd.record():
        out, mask = mx.nd.LeakyReLU(x, act_type='rrelu', lower_bound=0.2, upper_bound=0.4)
    slopes = mask.asnumpy()
    assert ((slopes >= 0.2) & (slopes <= 0.4)).all() and len(np.unique(slopes)) > 30
    np.testing.assert_allclose(out.asnumpy(), np.where(xn > 0, xn, slopes * xn), rtol=1e-6)
    out.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), np.where(xn > 0, 1, slopes), rtol=1e-6)


def test_softmax_output_ignores_head_gradient():
    d = mx.nd.array([[1.0, 2.0, 0.5], [0.1, 0.2, 0.3]])
    d.attach_grad()
    with mx.autograd.record():
        y = mx.nd.SoftmaxOutput(d, mx.nd.array([1, 0]))
    y.backward(mx.nd.ones_like(y) * 7)
    p = y.asnumpy()
    np.testing.assert_allclose(d.grad.asnumpy(), p - np.eye(3)[[1, 0]], rtol=1e-6)


def test_embedding_truncates_and_clips_indices():
    w = mx.nd.array(np.arange(8, dtype='float32').reshape(4, 2))
    y = mx.nd.Embedding(mx.nd.array([-1, 5, 1.7, 2.5, -0.5]), w, input_dim=4, output_dim=2)
    np.testing.assert_array_equal(y.asnumpy(), [[0, 1], [6, 7], [2, 3], [4, 5], [0, 1]])


def test_unwanted_gradients_are_skipped_and_written_in_place(monkeypatch):
    def no_col2im(*args):
        raise AssertionError('col2im ran for an input nobody differentiates')
    monkeypatch.setattr(conv_cols, 'col2im', no_col2im)
    x = mx.nd.array(np.random.RandomState(3).uniform(-1, 1, (2, 3, 6, 6)).astype('float32'))
    w = mx.nd.ones((4, 3, 3, 3))
    w.attach_grad()
    g = w.grad
    with mx.autograd.record():
        y = mx.nd.Convolution(x, w, kernel=(3, 3), num_filter=4, no_bias=True)
    y.backward()
    assert w.grad is g      # filled in place
    xn = x.asnumpy()
    want = np.array([[[xn[:, c, ky:ky + 4, kx:kx + 4].sum() for kx in range(3)] for ky in range(3)]
                     for c in range(3)])
    for f in range(4):
        np.testing.assert_allclose(g.asnumpy()[f], want, rtol=1e-5)
    assert x.grad is None
