"""The operator/shape fuzz's core: run an ``mx.nd`` call and judge it against a reference.

:func:`check_call` runs the reference first.  When MXNet would refuse the
call (:class:`np_reference.Invalid`), mxlite must raise ``MXNetError``;
otherwise it must return the reference's values (float64 reference,
tolerance by input dtype) and, for the inputs named in ``linear``, its
backward pass must agree with the reference through the identity
``<grad_x, v> == <g, f(x + v) - f(x)>`` (exact for operators linear in x).
Every case runs under a time limit; a crash of the interpreter fails the run.
"""
import numpy as np

import mxlite as mx
from mxlite.base import MXNetError

from np_reference import Invalid
from robust_util import count, limits

TOL = {np.float32: (2e-4, 2e-4), np.float64: (1e-9, 1e-9)}


def _close(got, want, dtype, scale):
    rtol, atol = TOL[dtype]
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol * max(scale, 1.0))


def check_call(name, mx_fn, ref_fn, arrays, dtype, linear=(), seed=0):
    """``mx_fn(*ndarrays)`` vs ``ref_fn(*numpy arrays)``; returns 'valid' or 'invalid'."""
    try:
        want = ref_fn(*arrays)
    except Invalid:
        want = None
    nds = [mx.nd.array(a, dtype=a.dtype) for a in arrays]
    with limits(20.0):
        if want is None:
            try:
                out = mx_fn(*nds)
                out.wait_to_read()
            except MXNetError:
                count('ops fuzz: %s refused' % name)
                return 'invalid'
            raise AssertionError('%s: MXNet refuses this call but mxlite returned %s'
                                 % (name, out.shape))
        try:
            out = mx_fn(*nds)
        except MXNetError as e:
            raise AssertionError('%s: valid call refused: %s' % (name, e)) from None
        got = out.asnumpy()
        assert got.shape == want.shape, (got.shape, want.shape)
        assert got.dtype == dtype, got.dtype
        scale = max([float(np.abs(a).sum()) for a in arrays if a.size] + [1.0]) ** 0.5
        _close(got, want, dtype, scale)
        for i in linear:
            _check_grad(mx_fn, ref_fn, arrays, nds, i, dtype, want, seed)
    count('ops fuzz: %s computed' % name)
    return 'valid'


def _check_grad(mx_fn, ref_fn, arrays, nds, i, dtype, want, seed):
    rs = np.random.RandomState(seed)
    g = rs.uniform(-1, 1, want.shape).astype(dtype)
    v = rs.uniform(-1, 1, arrays[i].shape).astype(dtype)
    x = nds[i]
    x.attach_grad()
    with mx.autograd.record():
        y = mx_fn(*nds)
    y.backward(mx.nd.array(g, dtype=dtype))
    grad = x.grad.asnumpy().astype(np.float64)
    assert grad.shape == arrays[i].shape
    moved = list(arrays)
    moved[i] = arrays[i].astype(np.float64) + v
    lhs = float(np.sum(grad * v))
    rhs = float(np.sum(g.astype(np.float64) * (ref_fn(*moved) - want)))
    rtol, atol = TOL[dtype]
    scale = float(np.sum(np.abs(grad * v))) + float(np.sum(np.abs(g))) + 1.0
    assert abs(lhs - rhs) <= 10 * (rtol + atol) * scale, (lhs, rhs)
