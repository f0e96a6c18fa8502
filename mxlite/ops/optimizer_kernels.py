"""Numpy kernels of MXNet's fused optimizer updates: the one definition of each rule.

Both the registry operators (``mx.nd.sgd_update`` & co., in
:mod:`mxlite.ops.optimizer_ops`) and the ``mx.optimizer`` classes call these
functions.  They work in place on numpy arrays: state arrays (``mom``,
``mean``, ``var``, ...) are updated where they lie, and the new weight is
written into ``out`` (which may be ``weight`` itself).  Scalars arrive as
Python floats; numpy applies them to float32 arrays in float32, as MXNet's
kernels do.  Each kernel makes at most a couple of temporaries the size of
the weight.

``clip_gradient < 0`` means "no clipping", as in MXNet's operators.
"""
import numpy as np

__all__ = ['rescaled', 'sgd_update', 'sgd_mom_update', 'nag_mom_update', 'adam_update',
           'rmsprop_update', 'rmspropalex_update', 'signsgd_update', 'signum_update',
           'ftrl_update', 'ftml_update', 'lamb_update_phase1', 'lamb_update_phase2',
           'clip_inplace', 'mp_sgd_update', 'mp_sgd_mom_update', 'mp_nag_mom_update']


def clip_inplace(a, bound):
    """Clip ``a`` into ``[-bound, bound]`` in place when ``bound >= 0``."""
    if bound is not None and bound >= 0:
        np.clip(a, -bound, bound, out=a)
    return a


def rescaled(grad, rescale_grad, clip_gradient, weight=None, wd=0.0):
    """A new array ``clip(rescale_grad * grad [+ wd * weight], clip_gradient)``.

    With ``weight`` given, the weight decay term is added before clipping
    (Adam, RMSProp, FTML, ...); without, it is the plain clipped gradient.
    """
    g = np.multiply(grad, rescale_grad, dtype=grad.dtype)
    if weight is not None and wd != 0:
        g += wd * weight
    return clip_inplace(g, clip_gradient)


def sgd_update(weight, grad, out, lr, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0):
    """``out = (1 - lr*wd) * weight - lr * clip(rescale_grad * grad)``."""
    g = rescaled(grad, rescale_grad, clip_gradient)
    g *= lr
    np.multiply(weight, 1.0 - lr * wd, out=out)
    out -= g
    return out


def sgd_mom_update(weight, grad, mom, out, lr, momentum=0.0, wd=0.0, rescale_grad=1.0,
                   clip_gradient=-1.0):
    """``mom = momentum*mom - lr*wd*weight - lr*clip(rescale_grad*grad)``; ``out = weight + mom``."""
    g = rescaled(grad, rescale_grad, clip_gradient)
    g *= lr
    mom *= momentum
    if wd != 0:
        mom -= (lr * wd) * weight
    mom -= g
    np.add(weight, mom, out=out)
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
    g = rescaled(grad, rescale_grad, clip_gradient)
    step = g * lr
    if wd != 0:
        step += (lr * wd) * weight
    ahead = mom * momentum
    ahead -= step
    ahead *= momentum
    ahead -= step
    np.add(weight, ahead, out=out)
    mom *= momentum
    g *= lr
    mom -= g
    if wd != 0:
        mom -= (lr * wd) * weight
    return out


def adam_update(weight, grad, mean, var, out, lr, beta1=0.9, beta2=0.999, epsilon=1e-8, wd=0.0,
                rescale_grad=1.0, clip_gradient=-1.0):
    """Adam (bias correction is folded into ``lr`` by the caller)::

        g = clip(rescale_grad*grad + wd*weight)
        mean = beta1*mean + (1-beta1)*g;  var = beta2*var + (1-beta2)*g*g
        out = weight - lr * mean / (sqrt(var) + epsilon)
    """
    g = rescaled(grad, rescale_grad, clip_gradient, weight, wd)
    mean *= beta1
    mean += (1.0 - beta1) * g
    np.square(g, out=g)
    g *= 1.0 - beta2
    var *= beta2
    var += g
    np.sqrt(var, out=g)
    g += epsilon
    np.divide(mean, g, out=g)
    g *= lr
    np.subtract(weight, g, out=out)
    return out


def rmsprop_update(weight, grad, n, out, lr, gamma1=0.95, epsilon=1e-8, wd=0.0, rescale_grad=1.0,
                   clip_gradient=-1.0, clip_weights=-1.0):
    """Tieleman & Hinton's RMSProp::

        g = clip(rescale_grad*grad + wd*weight)
        n = (1-gamma1)*g*g + gamma1*n
        out = clip(weight - lr * g / sqrt(n + epsilon), clip_weights)
    """
    g = rescaled(grad, rescale_grad, clip_gradient, weight, wd)
    n *= gamma1
    n += (1.0 - gamma1) * np.square(g)
    d = n + epsilon
    np.sqrt(d, out=d)
    np.divide(g, d, out=g)
    g *= lr
    np.subtract(weight, g, out=out)
    return clip_inplace(out, clip_weights)


def rmspropalex_update(weight, grad, n, g_avg, delta, out, lr, gamma1=0.95, gamma2=0.9,
                       epsilon=1e-8, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0,
                       clip_weights=-1.0):
    """Graves' centred RMSProp::

        g = clip(rescale_grad*grad + wd*weight)
        n = (1-gamma1)*g*g + gamma1*n;  g_avg = (1-gamma1)*g + gamma1*g_avg
        delta = gamma2*delta - lr * g / sqrt(n - g_avg*g_avg + epsilon)
        out = clip(weight + delta, clip_weights)
    """
    g = rescaled(grad, rescale_grad, clip_gradient, weight, wd)
    n *= gamma1
    n += (1.0 - gamma1) * np.square(g)
    g_avg *= gamma1
    g_avg += (1.0 - gamma1) * g
    d = np.square(g_avg)
    np.subtract(n, d, out=d)
    d += epsilon
    np.sqrt(d, out=d)
    np.divide(g, d, out=g)
    g *= lr
    delta *= gamma2
    delta -= g
    np.add(weight, delta, out=out)
    return clip_inplace(out, clip_weights)


def signsgd_update(weight, grad, out, lr, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0):
    """``out = (1 - lr*wd) * weight - lr * sign(grad)`` (scaling and clipping keep the sign)."""
    s = np.sign(grad)
    s *= lr
    np.multiply(weight, 1.0 - lr * wd, out=out)
    out -= s
    return out


def signum_update(weight, grad, mom, out, lr, momentum=0.0, wd=0.0, rescale_grad=1.0,
                  clip_gradient=-1.0, wd_lh=0.0):
    """Signum::

        mom = momentum*mom - (1-momentum) * (wd*weight + clip(rescale_grad*grad))
        out = (1 - lr*wd_lh) * weight + lr * sign(mom)
    """
    g = rescaled(grad, rescale_grad, clip_gradient)
    if wd != 0:
        g += wd * weight
    g *= 1.0 - momentum
    mom *= momentum
    mom -= g
    np.sign(mom, out=g)
    g *= lr
    np.multiply(weight, 1.0 - lr * wd_lh, out=out)
    out += g
    return out


def ftrl_update(weight, grad, z, n, out, lr, lamda1=0.01, beta=1.0, wd=0.0, rescale_grad=1.0,
                clip_gradient=-1.0):
    """FTRL-proximal::

        g = clip(rescale_grad*grad)
        z += g - (sqrt(n + g*g) - sqrt(n)) * weight / lr;  n += g*g
        out = (sign(z)*lamda1 - z) / ((beta + sqrt(n)) / lr + wd) * (|z| > lamda1)
    """
    g = rescaled(grad, rescale_grad, clip_gradient)
    g2 = np.square(g)
    sig = np.sqrt(n)
    n += g2
    np.sqrt(n, out=g2)           # g2 now holds sqrt(new n)
    sig -= g2
    sig *= weight
    sig /= lr                    # -(sqrt(n_new) - sqrt(n_old)) * weight / lr
    z += g
    z += sig
    g2 += beta
    g2 /= lr
    g2 += wd                     # denominator
    np.sign(z, out=g)
    g *= lamda1
    g -= z
    g /= g2
    g *= np.abs(z) > lamda1
    out[...] = g
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
    g = rescaled(grad, rescale_grad, clip_grad, weight, wd)
    v *= beta2
    v += (1.0 - beta2) * np.square(g)
    d_t = v / (1.0 - beta2 ** t)
    np.sqrt(d_t, out=d_t)
    d_t += epsilon
    d_t *= (1.0 - beta1 ** t) / lr
    z *= beta1
    g *= 1.0 - beta1
    z += g
    d *= beta1
    np.subtract(d_t, d, out=d)
    d *= weight
    z -= d
    d[...] = d_t
    np.negative(z, out=out)
    out /= d_t
    return out


def lamb_update_phase1(weight, grad, mean, var, out, t, wd, beta1=0.9, beta2=0.999,
                       epsilon=1e-6, bias_correction=True, rescale_grad=1.0, clip_gradient=-1.0):
    """LAMB phase 1: updates ``mean``/``var`` and writes the step direction into ``out``::

        g = clip(rescale_grad*grad)
        mean = beta1*mean + (1-beta1)*g;  var = beta2*var + (1-beta2)*g*g
        out = mean_hat / (sqrt(var_hat) + epsilon) + wd*weight
    with ``mean_hat``/``var_hat`` bias-corrected by ``1 - beta**t`` when asked.
    """
    g = rescaled(grad, rescale_grad, clip_gradient)
    decay = wd * weight if wd != 0 else None     # before out is written: out may be weight
    mean *= beta1
    mean += (1.0 - beta1) * g
    np.square(g, out=g)
    g *= 1.0 - beta2
    var *= beta2
    var += g
    if bias_correction:
        np.divide(var, 1.0 - beta2 ** t, out=g)
        np.sqrt(g, out=g)
        g += epsilon
        np.divide(mean, 1.0 - beta1 ** t, out=out)
    else:
        np.sqrt(var, out=g)
        g += epsilon
        out[...] = mean
    out /= g
    if decay is not None:
        out += decay
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
    np.subtract(weight, lr * g, out=out)
    return out


def _mixed(kernel, weight, grad, states, weight32, out, kwargs):
    """Run ``kernel`` on the float32 master copy ``weight32``; ``out`` gets its cast."""
    kernel(weight32, grad.astype(np.float32), *states, weight32, **kwargs)
    np.copyto(out, weight32, casting='unsafe')
    return out


def mp_sgd_update(weight, grad, weight32, out, lr, wd=0.0, rescale_grad=1.0, clip_gradient=-1.0):
    """:func:`sgd_update` on the float32 master copy ``weight32`` of a float16 ``weight``."""
    return _mixed(sgd_update, weight, grad, (), weight32, out,
                  dict(lr=lr, wd=wd, rescale_grad=rescale_grad, clip_gradient=clip_gradient))


def mp_sgd_mom_update(weight, grad, mom, weight32, out, lr, momentum=0.0, wd=0.0,
                      rescale_grad=1.0, clip_gradient=-1.0):
    """:func:`sgd_mom_update` on the float32 master copy ``weight32``."""
    return _mixed(sgd_mom_update, weight, grad, (mom,), weight32, out,
                  dict(lr=lr, momentum=momentum, wd=wd, rescale_grad=rescale_grad,
                       clip_gradient=clip_gradient))


def mp_nag_mom_update(weight, grad, mom, weight32, out, lr, momentum=0.0, wd=0.0,
                      rescale_grad=1.0, clip_gradient=-1.0):
    """:func:`nag_mom_update` on the float32 master copy ``weight32``."""
    return _mixed(nag_mom_update, weight, grad, (mom,), weight32, out,
                  dict(lr=lr, momentum=momentum, wd=wd, rescale_grad=rescale_grad,
                       clip_gradient=clip_gradient))
