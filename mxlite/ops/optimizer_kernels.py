"""MXNet's optimizer update rules: the one definition of each, for operators and optimizers.

Both the registry operators (``mx.nd.sgd_update`` & co., in
:mod:`mxlite.ops.optimizer_ops`) and the ``mx.optimizer`` classes call these
functions.  They work in place on numpy arrays: state arrays (``mom``,
``mean``, ``var``, ...) are updated where they lie, and the new weight is
written into ``out`` (which may be ``weight`` itself).  The arithmetic runs
in the fused Numba kernels of :mod:`mxlite.kernels.optimizer` (imported on
first use), in the weight's precision: float32 weights get float32
arithmetic, as in MXNet.  Other dtypes (float16) and non-contiguous arrays
are computed in float32 on copies and written back.

``clip_gradient < 0`` means "no clipping", as in MXNet's operators.
"""
import numpy as np

__all__ = ['rescaled', 'clip_inplace', 'sgd_update', 'sgd_mom_update', 'nag_mom_update',
           'adam_update', 'rmsprop_update', 'rmspropalex_update', 'signsgd_update',
           'signum_update', 'ftrl_update', 'ftml_update', 'lamb_update_phase1',
           'lamb_update_phase2', 'mp_sgd_update', 'mp_sgd_mom_update', 'mp_nag_mom_update',
           'adagrad_update', 'adadelta_update', 'adamax_update', 'nadam_update']

_NATIVE = (np.dtype(np.float32), np.dtype(np.float64))


_KERNELS = []


def _nb():
    """The Numba kernel module, imported on first use (import mxlite compiles nothing)."""
    if not _KERNELS:
        from ..kernels import optimizer
        _KERNELS.append(optimizer)
    return _KERNELS[0]


def kernels():
    """The Numba kernel module (for callers that run its kernels directly)."""
    return _nb()


def _native(dt, arrays):
    if dt not in _NATIVE:
        return False
    for a in arrays:
        if a.dtype != dt or not a.flags.c_contiguous:
            return False
    return True


def _call(kernel, arrays, written, scalars):
    """Call ``kernel(*flat arrays, *scalars)``; ``written``: indices of arrays it writes."""
    dt = arrays[0].dtype
    if _native(dt, arrays):
        t = dt.type
        kernel(*[a.reshape(-1) for a in arrays], *[t(s) for s in scalars])
        return
    work = np.dtype(np.float64) if dt == np.float64 else np.dtype(np.float32)
    copies = {}
    flat = []
    for a in arrays:
        if id(a) not in copies:      # the same array twice (out is weight) stays one buffer
            copies[id(a)] = np.array(a, dtype=work, order='C').reshape(-1)
        flat.append(copies[id(a)])
    kernel(*flat, *[work.type(s) for s in scalars])
    for i in written:
        np.copyto(arrays[i], flat[i].reshape(arrays[i].shape), casting='unsafe')


def _run(kernel, weight, out, others, written, scalars):
    """Update ``out`` in place (the weight is copied there first when they differ);
    ``others``: the gradient and the states, ``written``: indices of states written."""
    if out is not weight:
        np.copyto(out, weight, casting='unsafe')
    _call(kernel, [out] + list(others), (0,) + tuple(i + 1 for i in written), scalars)


def clip_inplace(a, bound):
    """Clip ``a`` into ``[-bound, bound]`` in place when ``bound >= 0``."""
    if bound is not None and bound >= 0:
        np.clip(a, -bound, bound, out=a)
    return a


def rescaled(grad, rescale_grad, clip_gradient, weight=None, wd=0.0):
    """A new array ``clip(rescale_grad * grad [+ wd * weight], clip_gradient)`` (numpy)."""
    g = np.multiply(grad, rescale_grad, dtype=grad.dtype)
    if weight is not None and wd != 0:
        g += wd * weight
    return clip_inplace(g, clip_gradient)


def sgd_update(weight, grad, out, lr, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0):
    """``out = (1 - lr*wd) * weight - lr * clip(rescale_grad * grad)``."""
    _run(_nb().sgd, weight, out, [grad], (),
         (lr, wd, rescale_grad, clip_gradient, 1.0 - lr * wd))
    return out


def sgd_mom_update(weight, grad, mom, out, lr, momentum=0.0, wd=0.0, rescale_grad=1.0,
                   clip_gradient=-1.0):
    """``mom = momentum*mom - lr*wd*weight - lr*clip(rescale_grad*grad)``; ``out = weight + mom``."""
    _run(_nb().sgd_mom, weight, out, [grad, mom], (1,),
         (lr, momentum, wd, rescale_grad, clip_gradient))
    return out


def nag_mom_update(weight, grad, mom, out, lr, momentum=0.0, wd=0.0, rescale_grad=1.0,
                   clip_gradient=-1.0):
    """Nesterov momentum, with ``g = clip(rescale_grad*grad)``::

        step = lr * (g + wd*weight)
        out = weight + momentum * (momentum*mom - step) - step
        mom = momentum*mom - lr * (g + wd*weight)

    The last line reads ``weight`` again after ``out`` is written: when
    ``out`` is ``weight`` (as in the NAG optimizer) its decay term uses the
    new weight, exactly as MXNet 1.9.1's kernel does.
    """
    reread = np.may_share_memory(out, weight)
    _run(_nb().nag_mom, weight, out, [grad, mom], (1,),
         (lr, momentum, wd, rescale_grad, clip_gradient, reread))
    return out


def adam_update(weight, grad, mean, var, out, lr, beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0.0,
                rescale_grad=1.0, clip_gradient=-1.0):
    """Adam (bias correction is folded into ``lr`` by the caller)::

        g = clip(rescale_grad*grad + wd*weight)
        mean = beta1*mean + (1-beta1)*g;  var = beta2*var + (1-beta2)*g*g
        out = weight - lr * mean / (sqrt(var) + epsilon)
    """
    _run(_nb().adam, weight, out, [grad, mean, var], (1, 2),
         (lr, beta1, beta2, 1.0 - beta1, 1.0 - beta2, epsilon, wd, rescale_grad, clip_gradient))
    return out


def rmsprop_update(weight, grad, n, out, lr, gamma1=0.95, epsilon=1e-8, wd=0.0, rescale_grad=1.0,
                   clip_gradient=-1.0, clip_weights=-1.0):
    """Tieleman & Hinton's RMSProp::

        g = clip(rescale_grad*grad + wd*weight)
        n = (1-gamma1)*g*g + gamma1*n
        out = clip(weight - lr * g / sqrt(n + epsilon), clip_weights)
    """
    _run(_nb().rmsprop, weight, out, [grad, n], (1,),
         (lr, gamma1, 1.0 - gamma1, epsilon, wd, rescale_grad, clip_gradient, clip_weights))
    return out


def rmspropalex_update(weight, grad, n, g_avg, delta, out, lr, gamma1=0.95, gamma2=0.9,
                       epsilon=1e-8, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                       clip_weights=-1.0):
    """Graves' centred RMSProp::

        g = clip(rescale_grad*grad + wd*weight)
        n = (1-gamma1)*g*g + gamma1*n;  g_avg = (1-gamma1)*g + gamma1*g_avg
        delta = gamma2*delta - lr * g / sqrt(n - g_avg*g_avg + epsilon)
        out = clip(weight + delta, clip_weights)
    """
    _run(_nb().rmspropalex, weight, out, [grad, n, g_avg, delta], (1, 2, 3),
         (lr, gamma1, 1.0 - gamma1, gamma2, epsilon, wd, rescale_grad, clip_gradient,
          clip_weights))
    return out


def signsgd_update(weight, grad, out, lr, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0):
    """``out = (1 - lr*wd) * weight - lr * sign(grad)`` (scaling and clipping keep the sign)."""
    _run(_nb().signsgd, weight, out, [grad], (), (lr, 1.0 - lr * wd))
    return out


def signum_update(weight, grad, mom, out, lr, momentum=0.0, wd=0.0, rescale_grad=1.0,
                  clip_gradient=-1.0, wd_lh=0.0):
    """Signum::

        mom = momentum*mom - (1-momentum) * (wd*weight + clip(rescale_grad*grad))
        out = (1 - lr*wd_lh) * weight + lr * sign(mom)
    """
    _run(_nb().signum, weight, out, [grad, mom], (1,),
         (lr, momentum, 1.0 - momentum, wd, rescale_grad, clip_gradient, 1.0 - lr * wd_lh))
    return out


def ftrl_update(weight, grad, z, n, out, lr, lamda1=0.01, beta=1.0, wd=0.0, rescale_grad=1.0,
                clip_gradient=-1.0):
    """FTRL-proximal::

        g = clip(rescale_grad*grad)
        z += g - (sqrt(n + g*g) - sqrt(n)) * weight / lr;  n += g*g
        out = (sign(z)*lamda1 - z) / ((beta + sqrt(n)) / lr + wd) * (|z| > lamda1)
    """
    _run(_nb().ftrl, weight, out, [grad, z, n], (1, 2),
         (lr, lamda1, beta, wd, rescale_grad, clip_gradient))
    return out


def ftml_update(weight, grad, d, v, z, out, lr, t, beta1=0.6, beta2=0.999, epsilon=1e-8,
                wd=0.0, rescale_grad=1.0, clip_grad=-1.0):
    """FTML::

        g = clip(rescale_grad*grad + wd*weight)
        v = beta2*v + (1-beta2)*g*g
        d_t = (1 - beta1**t) / lr * (sqrt(v / (1 - beta2**t)) + epsilon)
        z = beta1*z + (1-beta1)*g - (d_t - beta1*d) * weight;  d = d_t
        out = -z / d_t
    """
    _run(_nb().ftml, weight, out, [grad, d, v, z], (1, 2, 3),
         (beta1, beta2, 1.0 - beta1, 1.0 - beta2, 1.0 - beta2 ** t, (1.0 - beta1 ** t) / lr,
          epsilon, wd, rescale_grad, clip_grad))
    return out


def lamb_update_phase1(weight, grad, mean, var, out, t, wd, beta1=0.9, beta2=0.999,
                       epsilon=1e-6, bias_correction=True, rescale_grad=1.0, clip_gradient=-1.0):
    """LAMB phase 1: updates ``mean``/``var`` and writes the step direction into ``out``::

        g = clip(rescale_grad*grad)
        mean = beta1*mean + (1-beta1)*g;  var = beta2*var + (1-beta2)*g*g
        out = mean_hat / (sqrt(var_hat) + epsilon) + wd*weight
    with ``mean_hat``/``var_hat`` bias-corrected by ``1 - beta**t`` when asked.
    """
    bc1, bc2 = (1.0 - beta1 ** t, 1.0 - beta2 ** t) if bias_correction else (1.0, 1.0)
    _call(_nb().lamb_phase1, [weight, grad, mean, var, out], (2, 3, 4),
         (beta1, beta2, 1.0 - beta1, 1.0 - beta2, bc1, bc2, epsilon, wd, rescale_grad,
          clip_gradient))
    return out


def lamb_update_phase2(weight, g, r1, r2, out, lr, lower_bound=-1.0, upper_bound=-1.0):
    """LAMB phase 2: ``out = weight - lr * (r1 / r2) * g`` with the trust ratio
    ``r1`` (weight norm) clamped into ``[lower_bound, upper_bound]`` where set,
    and ``lr`` used as is when ``r1`` or ``r2`` is 0."""
    r1 = float(np.asarray(r1).reshape(-1)[0])
    r2 = float(np.asarray(r2).reshape(-1)[0])
    if lower_bound >= 0:
        r1 = max(r1, lower_bound)
    if upper_bound >= 0:
        r1 = min(r1, upper_bound)
    if r1 != 0 and r2 != 0:
        lr = lr * (r1 / r2)
    _run(_nb().axpy, weight, out, [g], (), (lr,))
    return out


def _mixed(kernel, grad, states, weight32, out, kwargs):
    """Run ``kernel`` on the float32 master copy ``weight32``; ``out`` gets its cast."""
    kernel(weight32, grad.astype(np.float32), *states, weight32, **kwargs)
    np.copyto(out, weight32, casting='unsafe')
    return out


def mp_sgd_update(weight, grad, weight32, out, lr, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0):
    """:func:`sgd_update` on the float32 master copy ``weight32`` of a float16 ``weight``."""
    return _mixed(sgd_update, grad, (), weight32, out,
                  dict(lr=lr, wd=wd, rescale_grad=rescale_grad, clip_gradient=clip_gradient))


def mp_sgd_mom_update(weight, grad, mom, weight32, out, lr, momentum=0.0, wd=0.0,
                      rescale_grad=1.0, clip_gradient=-1.0):
    """:func:`sgd_mom_update` on the float32 master copy ``weight32``."""
    return _mixed(sgd_mom_update, grad, (mom,), weight32, out,
                  dict(lr=lr, momentum=momentum, wd=wd, rescale_grad=rescale_grad,
                       clip_gradient=clip_gradient))


def mp_nag_mom_update(weight, grad, mom, weight32, out, lr, momentum=0.0, wd=0.0,
                      rescale_grad=1.0, clip_gradient=-1.0):
    """:func:`nag_mom_update` on the float32 master copy ``weight32``."""
    return _mixed(nag_mom_update, grad, (mom,), weight32, out,
                  dict(lr=lr, momentum=momentum, wd=wd, rescale_grad=rescale_grad,
                       clip_gradient=clip_gradient))


# -- rules of optimizers without an MXNet operator (weight updated in place) --

def adagrad_update(weight, grad, history, lr, eps, wd, rescale_grad, clip_gradient):
    """``g = clip(rescale_grad*grad)``; ``history += g*g``;
    ``weight -= lr * (g / sqrt(history + eps) + wd*weight)``."""
    _call(_nb().adagrad, [weight, grad, history], (0, 2),
         (lr, eps, wd, rescale_grad, clip_gradient))


def adadelta_update(weight, grad, acc_g, acc_delta, rho, epsilon, wd, rescale_grad,
                    clip_gradient):
    """AdaDelta with ``g = clip(rescale_grad*grad)``; ``weight -= delta + wd*weight``."""
    _call(_nb().adadelta, [weight, grad, acc_g, acc_delta], (0, 2, 3),
         (rho, 1.0 - rho, epsilon, wd, rescale_grad, clip_gradient))


def adamax_update(weight, grad, m, u, lr, beta1, beta2, wd, rescale_grad, clip_gradient):
    """AdaMax with ``g = clip(rescale_grad*grad + wd*weight)``; ``lr`` bias-corrected by the caller."""
    _call(_nb().adamax, [weight, grad, m, u], (0, 2, 3),
         (lr, beta1, 1.0 - beta1, beta2, wd, rescale_grad, clip_gradient))


def nadam_update(weight, grad, m, v, lr, beta1, beta2, k_grad, k_mom, bc2, epsilon, wd,
                 rescale_grad, clip_gradient):
    """Nadam's step; the momentum-schedule coefficients come from the caller."""
    _call(_nb().nadam, [weight, grad, m, v], (0, 2, 3),
         (lr, beta1, 1.0 - beta1, beta2, 1.0 - beta2, k_grad, k_mom, bc2, epsilon, wd,
          rescale_grad, clip_gradient))
