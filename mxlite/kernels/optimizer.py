"""Fused optimizer update kernels: one pass over the weight, no temporaries.

Arrays are 1-D and C-contiguous; scalars arrive in the arrays' dtype (the
caller converts them), so float32 weights are updated with float32
arithmetic as in MXNet's kernels.  The weight ``w`` is updated in place
(a caller wanting a separate output copies the weight there first): with
no separate output array aliasing the weight, the loops vectorise.
``error_model='numpy'`` lets divisions vectorise too (no zero checks).
``clip < 0`` means no clipping; NaN passes through clipping unchanged.
"""
import numpy as np
from llvmlite import ir
from numba import carray, njit, types
from numba.extending import intrinsic

_JIT = dict(cache=True, nogil=True, error_model='numpy')


@intrinsic
def _f32_ptr(typingctx, addr):
    """The float32 pointer at integer address ``addr`` (for numba.carray)."""
    def codegen(context, builder, sig, args):
        return builder.inttoptr(args[0], ir.FloatType().as_pointer())
    return types.CPointer(types.float32)(types.int64), codegen


@njit(inline='always')
def _clip(x, c):
    if c >= 0:
        if x > c:
            return c
        if x < -c:
            return -c
    return x


@njit(**_JIT)
def sgd(w, g, lr, wd, rs, clip, decay):
    # decay = 1 - lr * wd
    for i in range(w.size):
        w[i] = decay * w[i] - lr * _clip(rs * g[i], clip)


@njit(**_JIT)
def sgd_mom(w, g, mom, lr, momentum, wd, rs, clip):
    for i in range(w.size):
        m = momentum * mom[i] - lr * wd * w[i] - lr * _clip(rs * g[i], clip)
        mom[i] = m
        w[i] = w[i] + m


@njit(**_JIT)
def sgd_mom_many(addrs, sizes, lrs, wds, momentum, rs, clip):
    """``sgd_mom`` over many float32 parameters in one call: row p of ``addrs`` holds
    the addresses of weight, gradient and momentum (``sizes[p]`` elements each), and
    ``lrs[p]``/``wds[p]`` their rates.  The same arithmetic, element for element."""
    for p in range(sizes.size):
        n = sizes[p]
        w = carray(_f32_ptr(addrs[p, 0]), n)
        g = carray(_f32_ptr(addrs[p, 1]), n)
        mom = carray(_f32_ptr(addrs[p, 2]), n)
        sgd_mom(w, g, mom, lrs[p], momentum, wds[p], rs, clip)


@njit(**_JIT)
def sgd_many(addrs, sizes, lrs, wds, decays, rs, clip):
    """``sgd`` (no momentum) over many float32 parameters in one call (as sgd_mom_many;
    ``decays[p]`` = 1 - lr * wd, rounded from double precision as the single call's)."""
    for p in range(sizes.size):
        n = sizes[p]
        w = carray(_f32_ptr(addrs[p, 0]), n)
        g = carray(_f32_ptr(addrs[p, 1]), n)
        sgd(w, g, lrs[p], wds[p], rs, clip, decays[p])


@njit(**_JIT)
def nag_mom(w, g, mom, lr, momentum, wd, rs, clip, reread):
    # reread: the momentum's decay term uses the new weight, as MXNet's kernel
    # does when its output is the weight itself
    for i in range(w.size):
        gr = _clip(rs * g[i], clip)
        w0 = w[i]
        step = lr * (gr + wd * w0)
        m0 = mom[i]
        w1 = w0 + momentum * (momentum * m0 - step) - step
        w[i] = w1
        wm = w1 if reread else w0
        mom[i] = momentum * m0 - lr * (gr + wd * wm)


@njit(**_JIT)
def adam(w, g, mean, var, lr, b1, b2, c1, c2, eps, wd, rs, clip):
    # c1 = 1 - b1, c2 = 1 - b2
    for i in range(w.size):
        gr = _clip(rs * g[i] + wd * w[i], clip)
        m = b1 * mean[i] + c1 * gr
        v = b2 * var[i] + c2 * gr * gr
        mean[i] = m
        var[i] = v
        w[i] = w[i] - lr * m / (np.sqrt(v) + eps)


@njit(**_JIT)
def rmsprop(w, g, n, lr, g1, c1, eps, wd, rs, clip, clip_w):
    # c1 = 1 - g1
    for i in range(w.size):
        gr = _clip(rs * g[i] + wd * w[i], clip)
        nv = c1 * gr * gr + g1 * n[i]
        n[i] = nv
        w[i] = _clip(w[i] - lr * gr / np.sqrt(nv + eps), clip_w)


@njit(**_JIT)
def rmspropalex(w, g, n, gavg, delta, lr, g1, c1, g2, eps, wd, rs, clip, clip_w):
    for i in range(w.size):
        gr = _clip(rs * g[i] + wd * w[i], clip)
        nv = c1 * gr * gr + g1 * n[i]
        gv = c1 * gr + g1 * gavg[i]
        d = g2 * delta[i] - lr * gr / np.sqrt(nv - gv * gv + eps)
        n[i] = nv
        gavg[i] = gv
        delta[i] = d
        w[i] = _clip(w[i] + d, clip_w)


@njit(**_JIT)
def signsgd(w, g, lr, decay):
    # decay = 1 - lr * wd
    for i in range(w.size):
        w[i] = decay * w[i] - lr * np.sign(g[i])


@njit(**_JIT)
def signum(w, g, mom, lr, momentum, c_mom, wd, rs, clip, decay_lh):
    # c_mom = 1 - momentum, decay_lh = 1 - lr * wd_lh
    for i in range(w.size):
        m = momentum * mom[i] - c_mom * (wd * w[i] + _clip(rs * g[i], clip))
        mom[i] = m
        w[i] = decay_lh * w[i] + lr * np.sign(m)


@njit(**_JIT)
def ftrl(w, g, z, n, lr, lamda1, beta, wd, rs, clip):
    for i in range(w.size):
        gr = _clip(rs * g[i], clip)
        n0 = n[i]
        n1 = n0 + gr * gr
        zv = z[i] + gr - (np.sqrt(n1) - np.sqrt(n0)) * w[i] / lr
        z[i] = zv
        n[i] = n1
        if np.abs(zv) > lamda1:
            w[i] = (np.sign(zv) * lamda1 - zv) / ((beta + np.sqrt(n1)) / lr + wd)
        else:
            w[i] = 0


@njit(**_JIT)
def ftml(w, g, d, v, z, b1, b2, c1, c2, bc2, coef, eps, wd, rs, clip):
    # c1 = 1 - b1, c2 = 1 - b2, bc2 = 1 - b2**t, coef = (1 - b1**t) / lr
    for i in range(w.size):
        gr = _clip(rs * g[i] + wd * w[i], clip)
        vv = b2 * v[i] + c2 * gr * gr
        dt = coef * (np.sqrt(vv / bc2) + eps)
        zv = b1 * z[i] + c1 * gr - (dt - b1 * d[i]) * w[i]
        v[i] = vv
        d[i] = dt
        z[i] = zv
        w[i] = -zv / dt


@njit(**_JIT)
def lamb_phase1(w, g, mean, var, out, b1, b2, c1, c2, bc1, bc2, eps, wd, rs, clip):
    # writes the step direction into out (not the weight);
    # bc1 = 1 - b1**t, bc2 = 1 - b2**t (both 1 without bias correction)
    for i in range(w.size):
        gr = _clip(rs * g[i], clip)
        m = b1 * mean[i] + c1 * gr
        v = b2 * var[i] + c2 * gr * gr
        mean[i] = m
        var[i] = v
        out[i] = (m / bc1) / (np.sqrt(v / bc2) + eps) + wd * w[i]


@njit(**_JIT)
def axpy(w, g, a):
    # w -= a * g
    for i in range(w.size):
        w[i] = w[i] - a * g[i]


@njit(**_JIT)
def adagrad(w, g, hist, lr, eps, wd, rs, clip):
    for i in range(w.size):
        gr = _clip(rs * g[i], clip)
        h = hist[i] + gr * gr
        hist[i] = h
        w[i] = w[i] - lr * (gr / np.sqrt(h + eps) + wd * w[i])


@njit(**_JIT)
def adadelta(w, g, acc_g, acc_d, rho, c_rho, eps, wd, rs, clip):
    # c_rho = 1 - rho
    for i in range(w.size):
        gr = _clip(rs * g[i], clip)
        ag = rho * acc_g[i] + c_rho * gr * gr
        delta = np.sqrt(acc_d[i] + eps) / np.sqrt(ag + eps) * gr
        acc_g[i] = ag
        acc_d[i] = rho * acc_d[i] + c_rho * delta * delta
        w[i] = w[i] - (delta + wd * w[i])


@njit(**_JIT)
def adamax(w, g, m, u, lr, b1, c1, b2, wd, rs, clip):
    for i in range(w.size):
        gr = _clip(rs * g[i] + wd * w[i], clip)
        mv = b1 * m[i] + c1 * gr
        uv = max(b2 * u[i], np.abs(gr))
        m[i] = mv
        u[i] = uv
        w[i] = w[i] - lr * mv / uv


@njit(**_JIT)
def nadam(w, g, m, v, lr, b1, c1, b2, c2, k_grad, k_mom, bc2, eps, wd, rs, clip):
    # k_grad = (1 - momentum_t) / (1 - m_schedule)
    # k_mom = momentum_t_1 / (1 - m_schedule_next);  bc2 = 1 - b2**t
    for i in range(w.size):
        gr = _clip(rs * g[i] + wd * w[i], clip)
        mv = b1 * m[i] + c1 * gr
        vv = b2 * v[i] + c2 * gr * gr
        m[i] = mv
        v[i] = vv
        w[i] = w[i] - lr * (k_grad * gr + k_mom * mv) / (np.sqrt(vv / bc2) + eps)
