"""Adaptive-rate optimizers: Adam, AdaGrad, RMSProp, AdaDelta, Ftrl, Adamax, Nadam, FTML, LAMB."""
import math

import numpy as np

from ..ops import optimizer_kernels as K
from .optimizer import (Optimizer, register, new_like, check_weight_grad, check_number,
                        check_range)

__all__ = ['Adam', 'AdaGrad', 'RMSProp', 'AdaDelta', 'Ftrl', 'Adamax', 'Nadam', 'FTML', 'LAMB']


def _beta(owner, name, value):
    # 1 - beta**t divides the update: beta must stay below 1
    return check_range(owner, name, value, 0.0, 1.0, hi_open=True)


def _norm(a):
    """L2 norm of a float array, accumulated in its own precision as MXNet's ``norm``."""
    flat = a.reshape(-1)
    return float(np.sqrt(np.dot(flat, flat)))


class _Stepper(Optimizer):
    """Common prologue: shape check, update count, lr and wd of ``index``."""

    def _begin(self, index, weight, grad):
        check_weight_grad(type(self).__name__, weight, grad)
        self._update_count(index)
        return self._get_lr(index), self._get_wd(index)


@register
class Adam(_Stepper):
    """Adam, with the bias correction folded into the learning rate::

        g = clip(rescale_grad * grad + wd * weight)
        m = beta1 * m + (1 - beta1) * g;  v = beta2 * v + (1 - beta2) * g * g
        weight -= lr * sqrt(1 - beta2**t) / (1 - beta1**t) * m / (sqrt(v) + epsilon)
    """

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 lazy_update=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = _beta('Adam', 'beta1', beta1)
        self.beta2 = _beta('Adam', 'beta2', beta2)
        self.epsilon = check_number('Adam', 'epsilon', epsilon)
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        return (new_like(weight), new_like(weight))

    def update(self, index, weight, grad, state):
        lr, wd = self._begin(index, weight, grad)
        t = self._index_update_count[index]
        lr *= math.sqrt(1. - self.beta2 ** t) / (1. - self.beta1 ** t)
        mean, var = state
        w = weight._data
        K.adam_update(w, grad._data, mean._data, var._data, w, lr, self.beta1, self.beta2,
                      self.epsilon, wd, self.rescale_grad, self._clip())


@register
class AdaGrad(_Stepper):
    """AdaGrad::

        g = clip(rescale_grad * grad);  history += g * g
        weight -= lr * (g / sqrt(history + eps) + wd * weight)
    """

    def __init__(self, eps=1e-7, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = check_number('AdaGrad', 'eps', eps)

    def create_state(self, index, weight):
        return new_like(weight)

    def update(self, index, weight, grad, state):
        lr, wd = self._begin(index, weight, grad)
        K.adagrad_update(weight._data, grad._data, state._data, lr, self.float_stable_eps, wd,
                         self.rescale_grad, self._clip())


@register
class RMSProp(_Stepper):
    """RMSProp: Tieleman & Hinton's (``centered=False``, see ``rmsprop_update``)
    or Graves' centred version (``centered=True``, see ``rmspropalex_update``);
    ``clip_weights`` clips the weights after each step."""

    def __init__(self, learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8,
                 centered=False, clip_weights=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1 = check_number('RMSProp', 'gamma1', gamma1)
        self.gamma2 = check_number('RMSProp', 'gamma2', gamma2)
        self.centered = centered
        self.epsilon = check_number('RMSProp', 'epsilon', epsilon)
        self.clip_weights = check_number('RMSProp', 'clip_weights', clip_weights,
                                         allow_none=True)

    def create_state(self, index, weight):
        if self.centered:
            return (new_like(weight), new_like(weight), new_like(weight))
        return (new_like(weight),)

    def update(self, index, weight, grad, state):
        lr, wd = self._begin(index, weight, grad)
        w = weight._data
        clip_w = -1.0 if self.clip_weights is None else self.clip_weights
        if self.centered:
            n, g, delta = state
            K.rmspropalex_update(w, grad._data, n._data, g._data, delta._data, w, lr,
                                 self.gamma1, self.gamma2, self.epsilon, wd, self.rescale_grad,
                                 self._clip(), clip_w)
        else:
            K.rmsprop_update(w, grad._data, state[0]._data, w, lr, self.gamma1, self.epsilon,
                             wd, self.rescale_grad, self._clip(), clip_w)


@register
class AdaDelta(_Stepper):
    """AdaDelta (the learning rate is not used)::

        g = clip(rescale_grad * grad)
        acc_g = rho * acc_g + (1 - rho) * g * g
        delta = sqrt(acc_delta + epsilon) / sqrt(acc_g + epsilon) * g
        acc_delta = rho * acc_delta + (1 - rho) * delta * delta
        weight -= delta + wd * weight
    """

    def __init__(self, rho=0.9, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.rho = check_number('AdaDelta', 'rho', rho)
        self.epsilon = check_number('AdaDelta', 'epsilon', epsilon)

    def create_state(self, index, weight):
        return (new_like(weight), new_like(weight))

    def update(self, index, weight, grad, state):
        _, wd = self._begin(index, weight, grad)
        K.adadelta_update(weight._data, grad._data, state[0]._data, state[1]._data, self.rho,
                          self.epsilon, wd, self.rescale_grad, self._clip())


@register
class Ftrl(_Stepper):
    """FTRL-proximal (see ``mx.nd.ftrl_update``); state ``(z, n)``."""

    def __init__(self, lamda1=0.01, learning_rate=0.1, beta=1, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.lamda1 = check_number('Ftrl', 'lamda1', lamda1)
        self.beta = check_number('Ftrl', 'beta', beta)

    def create_state(self, index, weight):
        return (new_like(weight), new_like(weight))

    def update(self, index, weight, grad, state):
        lr, wd = self._begin(index, weight, grad)
        z, n = state
        w = weight._data
        K.ftrl_update(w, grad._data, z._data, n._data, w, lr, self.lamda1, self.beta, wd,
                      self.rescale_grad, self._clip())


@register
class Adamax(_Stepper):
    """AdaMax (Adam with the infinity norm)::

        g = clip(rescale_grad * grad + wd * weight)
        m = beta1 * m + (1 - beta1) * g;  u = maximum(beta2 * u, |g|)
        weight -= lr / (1 - beta1**t) * m / u
    """

    def __init__(self, learning_rate=0.002, beta1=0.9, beta2=0.999, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = _beta('Adamax', 'beta1', beta1)
        self.beta2 = check_number('Adamax', 'beta2', beta2)

    def create_state(self, index, weight):
        return (new_like(weight), new_like(weight))

    def update(self, index, weight, grad, state):
        lr, wd = self._begin(index, weight, grad)
        t = self._index_update_count[index]
        lr /= (1. - self.beta1 ** t)
        K.adamax_update(weight._data, grad._data, state[0]._data, state[1]._data, lr,
                        self.beta1, self.beta2, wd, self.rescale_grad, self._clip())


@register
class Nadam(_Stepper):
    """Nesterov Adam.  As in MXNet, the momentum schedule product
    ``m_schedule`` is one value on the optimizer, advanced by every update
    of every parameter."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 schedule_decay=0.004, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = check_number('Nadam', 'beta1', beta1)
        self.beta2 = _beta('Nadam', 'beta2', beta2)
        self.epsilon = check_number('Nadam', 'epsilon', epsilon)
        self.schedule_decay = check_number('Nadam', 'schedule_decay', schedule_decay)
        self.m_schedule = 1.

    def create_state(self, index, weight):
        return (new_like(weight), new_like(weight))

    def update(self, index, weight, grad, state):
        lr, wd = self._begin(index, weight, grad)
        t = self._index_update_count[index]
        momentum_t = self.beta1 * (1. - 0.5 * (pow(0.96, t * self.schedule_decay)))
        momentum_t_1 = self.beta1 * (1. - 0.5 * (pow(0.96, (t + 1) * self.schedule_decay)))
        self.m_schedule = self.m_schedule * momentum_t
        m_schedule_next = self.m_schedule * momentum_t_1
        # m_t_bar = (1 - momentum_t) * grad_prime + momentum_t_1 * m_t_prime
        k_grad = (1. - momentum_t) / (1. - self.m_schedule)
        k_mom = momentum_t_1 / (1. - m_schedule_next)
        K.nadam_update(weight._data, grad._data, state[0]._data, state[1]._data, lr,
                       self.beta1, self.beta2, k_grad, k_mom, 1. - pow(self.beta2, t),
                       self.epsilon, wd, self.rescale_grad, self._clip())


@register
class FTML(_Stepper):
    """Follow the Moving Leader (see ``mx.nd.ftml_update``); state ``(d, v, z)``."""

    def __init__(self, beta1=0.6, beta2=0.999, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.beta1 = _beta('FTML', 'beta1', beta1)
        self.beta2 = _beta('FTML', 'beta2', beta2)
        self.epsilon = check_number('FTML', 'epsilon', epsilon)

    def create_state(self, index, weight):
        return (new_like(weight), new_like(weight), new_like(weight))

    def update(self, index, weight, grad, state):
        lr, wd = self._begin(index, weight, grad)
        t = self._index_update_count[index]
        d, v, z = state
        w = weight._data
        K.ftml_update(w, grad._data, d._data, v._data, z._data, w, lr, t, self.beta1,
                      self.beta2, self.epsilon, wd, self.rescale_grad, self._clip())


@register
class LAMB(_Stepper):
    """LAMB: Adam-style direction ``g`` (``lamb_update_phase1``), scaled by the
    trust ratio ``||weight|| / ||g||`` (``lamb_update_phase2``), with
    ``||weight||`` clamped to ``[lower_bound, upper_bound]`` where given."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-6,
                 lower_bound=None, upper_bound=None, bias_correction=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = _beta('LAMB', 'beta1', beta1)
        self.beta2 = _beta('LAMB', 'beta2', beta2)
        self.epsilon = check_number('LAMB', 'epsilon', epsilon)
        self.lower_bound = check_number('LAMB', 'lower_bound', lower_bound, allow_none=True)
        self.upper_bound = check_number('LAMB', 'upper_bound', upper_bound, allow_none=True)
        self.bias_correction = bias_correction

    def create_state(self, index, weight):
        return (new_like(weight), new_like(weight))

    def update(self, index, weight, grad, state):
        lr, wd = self._begin(index, weight, grad)
        t = self._index_update_count[index]
        mean, var = state
        w = weight._data
        g = np.empty_like(w)
        K.lamb_update_phase1(w, grad._data, mean._data, var._data, g, t, wd, self.beta1,
                             self.beta2, self.epsilon, self.bias_correction, self.rescale_grad,
                             self._clip())
        r1 = np.float32(_norm(w))
        r2 = np.float32(_norm(g))
        lower = -1.0 if self.lower_bound is None else self.lower_bound
        upper = -1.0 if self.upper_bound is None else self.upper_bound
        K.lamb_update_phase2(w, g, r1, r2, w, lr, lower, upper)
