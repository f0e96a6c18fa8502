"""SGD and its relatives: SGD, ccSGD, NAG, Signum, DCASGD, SGLD, LARS, Test."""
import math
import warnings

import numpy as np

from ..ops import optimizer_kernels as K
from .optimizer import (Optimizer, register, new_like, check_weight_grad, check_number,
                        _FP16_WARNING)

__all__ = ['SGD', 'ccSGD', 'NAG', 'Signum', 'DCASGD', 'SGLD', 'LARS', 'Test']


class _MomentumMixin:
    """Momentum state and MXNet's (momentum, master copy) order for float16 weights."""

    def create_state(self, index, weight):
        if self.momentum == 0.0:
            return None
        return new_like(weight)

    def create_state_multi_precision(self, index, weight):
        if self.multi_precision and weight.dtype == np.float16:
            master = weight.astype(np.float32)
            return (self.create_state(index, master), master)
        if weight.dtype == np.float16 and not self.multi_precision:
            warnings.warn(_FP16_WARNING % ('%s ' % self._warn_name))
        return self.create_state(index, weight)

    def update_multi_precision(self, index, weight, grad, state):
        if isinstance(index, (list, tuple)):
            for i, w, g, s in zip(index, weight, grad, state):
                self.update_multi_precision(i, w, g, s)
            return
        if self.multi_precision and weight.dtype == np.float16:
            mom, master = state
            self._step(index, master, grad.astype(np.float32), mom)
            np.copyto(weight._data, master._data, casting='unsafe')
        else:
            self._step(index, weight, grad, state)

    def update(self, index, weight, grad, state):
        if isinstance(index, (list, tuple)):
            for i, w, g, s in zip(index, weight, grad, state):
                self._step(i, w, g, s)
            return
        self._step(index, weight, grad, state)


@register
class SGD(_MomentumMixin, Optimizer):
    """Stochastic gradient descent with momentum and weight decay::

        rescaled_grad = lr * (rescale_grad * clip(grad, clip_gradient) + wd * weight)
        state = momentum * state + rescaled_grad
        weight = weight - state

    ``lazy_update`` is accepted; mxlite's gradients are dense, so every row
    is updated (as MXNet does for dense gradients).
    """
    _warn_name = 'SGD'

    def __init__(self, momentum=0.0, lazy_update=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = check_number('SGD', 'momentum', momentum)
        self.lazy_update = lazy_update
        self.aggregate_num = 4

    def _step(self, index, weight, grad, state):
        check_weight_grad(type(self).__name__, weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        w = weight._data
        if state is None:
            K.sgd_update(w, grad._data, w, lr, wd, self.rescale_grad, self._clip())
        else:
            K.sgd_mom_update(w, grad._data, state._data, w, lr, self.momentum, wd,
                             self.rescale_grad, self._clip())

    # Lists of parameters (Module.update and Trainer.step pass all of them at once, as
    # MXNet's multi_sgd_mom_update path does): float32 ones are updated in one kernel call.
    # Per parameter the Python around a kernel call cost ~15 us, a sixth of an MLP step.
    def update(self, index, weight, grad, state):
        if not (isinstance(index, (list, tuple)) and self._update_many(index, weight, grad, state)):
            super().update(index, weight, grad, state)

    def update_multi_precision(self, index, weight, grad, state):
        if not (isinstance(index, (list, tuple)) and self._update_many(index, weight, grad, state)):
            super().update_multi_precision(index, weight, grad, state)

    def _update_many(self, indices, weights, grads, states):
        """One fused call for float32, C-contiguous weights, gradients and momenta; False
        (nothing done) when any parameter is otherwise."""
        mom = self.momentum != 0.0
        try:
            if mom:
                arrays = [(w._data, g._data, st._data) for w, g, st in zip(weights, grads, states)]
            else:
                if any(st is not None for st in states):
                    return False
                arrays = [(w._data, g._data) for w, g in zip(weights, grads)]
        except AttributeError:          # no state (or a tuple: float16 master copies)
            return False
        cache = self.__dict__.get('_many_cache', {})
        key = tuple(id(a) for trio in arrays for a in trio)
        hit = cache.get(key)
        if hit is None:
            for trio in arrays:
                for a in trio:
                    if a.dtype != np.float32 or not a.flags.c_contiguous:
                        return False
            for w, g in zip(weights, grads):
                check_weight_grad(type(self).__name__, w, g)
            # the arrays are kept with their addresses: while cached, none is freed (so no
            # other array can take its id), and their dtypes, shapes and layouts (checked
            # above) stay; a parameter whose buffer is replaced makes a new key
            if len(cache) > 8:
                cache.clear()
            addrs = np.array([[a.ctypes.data for a in trio] for trio in arrays], np.int64)
            sizes = np.array([trio[0].size for trio in arrays], np.int64)
            hit = cache[key] = (arrays, addrs.reshape(len(arrays), -1), sizes)
            self._many_cache = cache
        _, addrs, sizes = hit
        self._update_count(list(indices))
        lrs = self._get_lrs(indices)
        wds = self._get_wds(indices)
        f32 = np.float32
        kern = K.kernels()
        if mom:
            kern.sgd_mom_many(addrs, sizes, np.array(lrs, f32), np.array(wds, f32),
                              f32(self.momentum), f32(self.rescale_grad), f32(self._clip()))
        else:
            kern.sgd_many(addrs, sizes, np.array(lrs, f32), np.array(wds, f32),
                          np.array([1.0 - lr * wd for lr, wd in zip(lrs, wds)], f32),
                          f32(self.rescale_grad), f32(self._clip()))
        return True

    def __getstate__(self):
        ret = super().__getstate__()
        ret.pop('_many_cache', None)          # live arrays and addresses: not state
        return ret


@register
class ccSGD(SGD):
    """[DEPRECATED] Same as `SGD`. Left here for backward compatibility."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)


@register
class NAG(_MomentumMixin, Optimizer):
    """Nesterov accelerated gradient::

        state = momentum * state - lr * (clip(rescale_grad * grad) + wd * weight)
        weight = weight + momentum * state - lr * (clip(rescale_grad * grad) + wd * weight)
    """
    _warn_name = 'NAG'

    def __init__(self, momentum=0.0, **kwargs):
        super().__init__(**kwargs)
        self.momentum = check_number('NAG', 'momentum', momentum)

    def _step(self, index, weight, grad, state):
        check_weight_grad('NAG', weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        w = weight._data
        if state is None:
            K.sgd_update(w, grad._data, w, lr, wd, self.rescale_grad, self._clip())
        else:
            K.nag_mom_update(w, grad._data, state._data, w, lr, self.momentum, wd,
                             self.rescale_grad, self._clip())


@register
class Signum(Optimizer):
    """Signum (momentum > 0) or signSGD (momentum == 0)::

        state = momentum * state - (1 - momentum) * (clip(rescale_grad * grad) + wd * weight)
        weight = (1 - lr * wd_lh) * weight + lr * sign(state)
    """

    def __init__(self, learning_rate=0.01, momentum=0.9, wd_lh=0.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = check_number('Signum', 'momentum', momentum)
        self.wd_lh = check_number('Signum', 'wd_lh', wd_lh)

    def create_state(self, index, weight):
        if self.momentum != 0.0:
            return new_like(weight)
        return None

    def update(self, index, weight, grad, state):
        check_weight_grad('Signum', weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        w = weight._data
        if state is not None:
            K.signum_update(w, grad._data, state._data, w, lr, self.momentum, wd,
                            self.rescale_grad, self._clip(), self.wd_lh)
        else:
            K.signsgd_update(w, grad._data, w, lr, wd, self.rescale_grad, self._clip())
            if self.wd_lh:
                w *= 1.0 - lr * self.wd_lh


@register
class DCASGD(Optimizer):
    """Delay-compensated asynchronous SGD::

        grad = clip(rescale_grad * grad)
        step = -lr * (grad + wd * weight + lamda * grad * grad * (weight - previous_weight))
        mom = momentum * mom + step  (or mom = step without momentum)
        previous_weight = weight;  weight += mom

    MXNet 1.9.1 fails for ``momentum > 0`` (it tests an NDArray's truth
    value); mxlite implements the momentum variant as written above.
    """

    def __init__(self, momentum=0.0, lamda=0.04, **kwargs):
        super().__init__(**kwargs)
        self.momentum = check_number('DCASGD', 'momentum', momentum)
        self.weight_previous = {}
        self.lamda = check_number('DCASGD', 'lamda', lamda)

    def create_state(self, index, weight):
        if self.momentum == 0.0:
            return (None, weight.copy())
        return (new_like(weight), weight.copy())

    def update(self, index, weight, grad, state):
        check_weight_grad('DCASGD', weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        mom, previous = state
        w = weight._data
        g = K.rescaled(grad._data, self.rescale_grad, self._clip())
        step = w - previous._data
        step *= g
        step *= g
        step *= self.lamda
        step += g
        if wd != 0:
            step += wd * w
        step *= -lr
        if mom is not None:
            mom._data *= self.momentum
            mom._data += step
            step = mom._data
        previous._data[...] = w
        w += step


@register
class SGLD(Optimizer):
    """Stochastic Gradient Langevin Dynamics::

        weight += -lr / 2 * (clip(rescale_grad * grad) + wd * weight) + N(0, sqrt(lr))

    The noise comes from ``mx.random``'s generator (seed it with
    ``mx.random.seed``); MXNet's own generator gives different numbers.
    """

    def update(self, index, weight, grad, state):
        check_weight_grad('SGLD', weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        from ..random import generator
        w = weight._data
        g = K.rescaled(grad._data, self.rescale_grad, self._clip())
        if wd != 0:
            g += wd * w
        g *= -lr / 2
        noise = generator().normal(0.0, math.sqrt(lr), w.shape)
        g += noise.astype(w.dtype, copy=False)
        w += g


@register
class LARS(_MomentumMixin, Optimizer):
    """Layer-wise adaptive rate scaling on top of SGD with momentum.

    For parameters whose names do not end in ``bias``, ``gamma`` or ``beta``::

        w_norm = ||weight||;  g_norm = ||rescale_grad * grad||
        lr_layer = lr * eta * w_norm / (g_norm + wd * w_norm + eps)   (w_norm, g_norm > 0)

    then an SGD step with ``lr_layer``.  With ``momentum_correction`` the
    momentum is scaled by the change of the global learning rate.  As in
    MXNet, only parameters named ``*_weight`` get weight decay by default
    (batch-norm ``*_gamma`` too is exempt, unlike the other optimizers).
    """
    _warn_name = 'SGD'
    _decayed_suffixes = ('_weight',)

    def __init__(self, momentum=0.0, lazy_update=True, eta=0.001, eps=0,
                 momentum_correction=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = check_number('LARS', 'momentum', momentum)
        self.momentum_correction = momentum_correction
        self.lazy_update = lazy_update
        self.aggregate_num = 4
        self.eta = check_number('LARS', 'eta', eta)
        self.eps = check_number('LARS', 'eps', eps)
        self.skip = 0
        self.last_lr = None
        self.cur_lr = None

    def _global_lr(self):
        lr = self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr
        if self.cur_lr is None:
            self.last_lr = lr
        self.cur_lr = lr
        return lr

    def _layer_lr(self, index, weight, grad, lr, wd):
        name = self.idx2name[index] if index in self.idx2name else str(index)
        if name.endswith('gamma') or name.endswith('beta') or name.endswith('bias'):
            return lr
        w_norm = float(np.sqrt(np.sum(np.square(weight._data, dtype=np.float32))))
        g_norm = float(np.sqrt(np.sum(np.square(grad._data, dtype=np.float32)))) \
            * self.rescale_grad
        if w_norm > 0.0 and g_norm > 0.0:
            return lr * self.eta * w_norm / (g_norm + wd * w_norm + self.eps)
        return lr

    def _step(self, index, weight, grad, state):
        check_weight_grad('LARS', weight, grad)
        self._update_count(index)
        self._global_lr()
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        lr = self._layer_lr(index, weight, grad, lr, wd)
        w = weight._data
        if state is None:
            K.sgd_update(w, grad._data, w, lr, wd, self.rescale_grad, self._clip())
        else:
            momentum = self.momentum
            if self.momentum_correction and self.last_lr != 0:
                momentum = self.momentum * (self.cur_lr / self.last_lr)
            K.sgd_mom_update(w, grad._data, state._data, w, lr, momentum, wd,
                             self.rescale_grad, self._clip())
        self.last_lr = self.cur_lr


@register
class Test(Optimizer):
    """The test optimizer: ``weight += rescale_grad * grad``; the state keeps the weight."""

    def create_state(self, index, weight):
        return new_like(weight)

    def update(self, index, weight, grad, state):
        check_weight_grad('Test', weight, grad)
        weight._data += grad._data * self.rescale_grad
        state._data[...] = weight._data
