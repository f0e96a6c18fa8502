"""A training convolution keeps its im2col columns for the backward (conv_cols.KeptCols):
the gradients are the same as recomputing them, in both layouts, through the executor
and through autograd, and stale or over-budget columns are never used."""
import numpy as np
import pytest

import mxlite as mx
from mxlite.kernels import conv, conv_cols

from test_conv_layouts import _reference

CASES = [
    ((3, 4, 12, 12), 6, (3, 3, 1, 1, 1, 1, 1, 1), 1),      # 144 outputs per image: per image
    ((4, 12, 6, 6), 8, (3, 3, 2, 2, 1, 1, 1, 1), 2),       # 9 outputs: K-first, groups
    ((2, 3, 14, 14), 5, (5, 5, 1, 1, 0, 0, 1, 1), 1),
]


def _data(case, seed=0):
    shape, F, geo, groups = case
    rs = np.random.RandomState(seed)
    x = rs.uniform(-1, 1, shape).astype(np.float32)
    w = rs.uniform(-1, 1, (F, shape[1] // groups, geo[0], geo[1])).astype(np.float32)
    b = rs.uniform(-1, 1, F).astype(np.float32)
    return x, w, b


def _fwd_bwd(x, w, b, geo, groups, keep):
    out_shape = _reference(x[:1], w, geo, groups).shape[1:]
    out = np.empty((x.shape[0],) + out_shape, np.float32)
    conv.conv_forward(x, w, b, out, geo, groups, keep=keep)
    dy = np.random.RandomState(1).uniform(-1, 1, out.shape).astype(np.float32)
    grads = [np.empty_like(x), np.empty_like(w), np.empty_like(b)]
    conv.conv_backward(x, w, dy, *grads, geo, groups, kept=keep)
    return out, dy, grads


@pytest.mark.parametrize('case', CASES)
def test_kept_columns_give_the_recomputed_gradients(case, monkeypatch):
    monkeypatch.setattr(conv.winograd, 'applicable', lambda *a: False)
    x, w, b = _data(case)
    geo, groups = case[2], case[3]
    out0, dy, want = _fwd_bwd(x, w, b, geo, groups, None)
    keep = {}
    out1, _, got = _fwd_bwd(x, w, b, geo, groups, keep)
    assert isinstance(keep.get('cols'), conv_cols.KeptCols) and keep['cols'].bufs
    np.testing.assert_array_equal(out0, out1)
    for g, h in zip(got, want):
        np.testing.assert_allclose(g, h, rtol=1e-5, atol=1e-5)
    # the backward consumed them (it overwrote them with dx's columns): a second backward
    # without a forward recomputes and still gets the gradients
    assert not keep['cols'].valid
    again = [np.empty_like(x), np.empty_like(w), np.empty_like(b)]
    conv.conv_backward(x, w, dy, *again, geo, groups, kept=keep)
    for g, h in zip(again, want):
        np.testing.assert_allclose(g, h, rtol=1e-5, atol=1e-5)


def test_columns_of_another_geometry_are_not_used(monkeypatch):
    monkeypatch.setattr(conv.winograd, 'applicable', lambda *a: False)
    x, w, b = _data(CASES[0])
    keep = {}
    _fwd_bwd(x, w, b, CASES[0][2], 1, keep)
    out = np.empty((3, 6, 12, 12), np.float32)
    conv.conv_forward(x, w, b, out, CASES[0][2], 1, keep=keep)
    x2 = x[:, :, ::-1].copy()          # same shapes, other data: backward of x2 with x's columns
    other = (3, 3, 1, 1, 1, 1, 1, 1)
    assert keep['cols'].take((x2.shape, x2.dtype, w.shape, (3, 3, 2, 2, 1, 1, 1, 1), 1), 0, 3) is None
    dy = np.ones(out.shape, np.float32)
    dw = np.empty_like(w)
    conv.conv_backward(x2, w, dy, None, dw, None, other, 1)   # no kept: recomputes
    want = np.empty_like(w)
    conv.conv_backward(x2, w, dy, None, want, None, other, 1, kept={})
    np.testing.assert_allclose(dw, want, rtol=1e-6)


def test_budget_bounds_what_the_process_keeps(monkeypatch):
    monkeypatch.setattr(conv.winograd, 'applicable', lambda *a: False)
    x, w, b = _data(CASES[0])
    before = conv_cols.kept_bytes()
    monkeypatch.setattr(conv_cols, '_KEEP_TOTAL_BYTES', before + 100)
    keep = {}
    _, _, got = _fwd_bwd(x, w, b, CASES[0][2], 1, keep)
    assert not keep['cols'].bufs and conv_cols.kept_bytes() == before
    _, _, want = _fwd_bwd(x, w, b, CASES[0][2], 1, None)
    for g, h in zip(got, want):
        np.testing.assert_allclose(g, h, rtol=1e-6)
    monkeypatch.setattr(conv_cols, '_KEEP_TOTAL_BYTES', 1 << 30)
    keep = {}
    _fwd_bwd(x, w, b, CASES[0][2], 1, keep)
    assert conv_cols.kept_bytes() == before + 3 * 36 * 144 * 4
    del keep                          # freed with their owner: the budget is given back
    assert conv_cols.kept_bytes() == before


@pytest.mark.parametrize('shape,dtype', [((3, 6, 36, 144), np.float32),
                                         ((64, 64, 72, 9), np.float32),
                                         ((40, 50, 300, 64), np.float32),
                                         ((16, 64, 300, 256), np.float32),
                                         ((64, 64, 72, 9), np.float64)])
def test_per_image_weight_gradient(shape, dtype):
    # (nb, Fg, Kg, P): one batched product and a sum for small ones; on the micro-kernel
    # GEMM for small maps in float32 (Fg a whole panel, or padded to one); a running sum of
    # per-image GEMMs for larger maps or other dtypes
    nb, Fg, Kg, P = shape
    rs = np.random.RandomState(2)
    dyb = rs.uniform(-1, 1, (nb, Fg, P)).astype(dtype)
    rows = rs.uniform(-1, 1, (nb, Kg, P)).astype(dtype)
    acc = np.ones((Fg, Kg), dtype)
    conv._weight_grad_per_image(dyb, rows, acc)
    want = 1 + np.einsum('bfp,bkp->fk', dyb.astype(np.float64), rows.astype(np.float64))
    np.testing.assert_allclose(acc, want, rtol=1e-4, atol=1e-3)


def _conv_sym():
    data = mx.sym.Variable('data')
    return mx.sym.Convolution(data, kernel=(3, 3), pad=(1, 1), num_filter=4, name='c')


def test_executor_backward_after_an_inference_forward_uses_the_current_data():
    rs = np.random.RandomState(0)
    a = rs.uniform(-1, 1, (2, 3, 9, 9)).astype(np.float32)
    bdata = rs.uniform(-1, 1, (2, 3, 9, 9)).astype(np.float32)
    ex = _conv_sym().simple_bind(mx.cpu(), data=(2, 3, 9, 9))
    ref = _conv_sym().simple_bind(mx.cpu(), data=(2, 3, 9, 9))
    for e in (ex, ref):
        e.arg_dict['c_weight'][:] = rs.uniform(-1, 1, (4, 3, 3, 3))
    ref.arg_dict['c_weight'][:] = ex.arg_dict['c_weight']
    ref.arg_dict['c_bias'][:] = ex.arg_dict['c_bias']
    ex.forward(is_train=True, data=a)       # keeps a's columns
    ex.forward(is_train=False, data=bdata)  # the backward below must not use them
    ex.backward(mx.nd.ones((2, 4, 9, 9)))
    ref.forward(is_train=True, data=bdata)
    ref.backward(mx.nd.ones((2, 4, 9, 9)))
    np.testing.assert_allclose(ex.grad_dict['c_weight'].asnumpy(),
                               ref.grad_dict['c_weight'].asnumpy(), rtol=1e-5, atol=1e-5)


def test_executor_and_autograd_hand_the_columns_to_the_backward(monkeypatch):
    taken = []
    real = conv_cols.KeptCols.take

    def spy(self, key, n0, n1):
        r = real(self, key, n0, n1)
        taken.append(r is not None)
        return r
    monkeypatch.setattr(conv_cols.KeptCols, 'take', spy)
    monkeypatch.setattr(conv.winograd, 'applicable', lambda *a: False)
    rs = np.random.RandomState(0)
    x = rs.uniform(-1, 1, (2, 3, 9, 9)).astype(np.float32)
    w = rs.uniform(-1, 1, (4, 3, 3, 3)).astype(np.float32)
    ex = _conv_sym().simple_bind(mx.cpu(), data=(2, 3, 9, 9))
    ex.arg_dict['c_weight'][:] = w
    ex.arg_dict['c_bias'][:] = 0
    ex.forward(is_train=True, data=x)
    ex.backward(mx.nd.ones((2, 4, 9, 9)))
    assert taken and all(taken)
    taken.clear()
    xs, ws = mx.nd.array(x), mx.nd.array(w)
    ws.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Convolution(xs, ws, kernel=(3, 3), pad=(1, 1), num_filter=4, no_bias=True)
    y.backward(mx.nd.ones(y.shape))
    assert taken and all(taken)
    np.testing.assert_allclose(ws.grad.asnumpy(), ex.grad_dict['c_weight'].asnumpy(),
                               rtol=1e-5, atol=1e-5)
