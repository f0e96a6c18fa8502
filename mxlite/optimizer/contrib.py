"""``mx.optimizer.contrib``: GroupAdaGrad."""
import numpy as np

from ..base import MXNetValueError
from ..ops import optimizer_kernels as K
from .optimizer import Optimizer, register, check_weight_grad, check_number

__all__ = ['GroupAdaGrad']


@register
class GroupAdaGrad(Optimizer):
    """AdaGrad with one history value per row (the first axis)::

        g = clip(rescale_grad * grad)
        history += mean(g * g, over all axes but the first)
        weight -= lr * g / sqrt(history + eps)

    Weight decay is not supported (as in MXNet).
    """

    def __init__(self, eps=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = check_number('GroupAdaGrad', 'eps', eps)

    def create_state(self, index, weight):
        from ..ndarray.ndarray import NDArray
        if weight.ndim < 2:
            raise MXNetValueError('GroupAdaGrad: weights must have at least 2 dimensions (one '
                                  'history value per row), got shape %s' % (weight.shape,))
        return NDArray(np.zeros((weight.shape[0], 1), weight._data.dtype), weight.context)

    def update(self, index, weight, grad, state):
        check_weight_grad('GroupAdaGrad', weight, grad)
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        if wd != 0:
            raise MXNetValueError('GroupAdaGrad: weight decay is not supported (wd=%r for '
                                  'index %r); use wd=0' % (wd, index))
        w = weight._data
        g = K.rescaled(grad._data, self.rescale_grad, self._clip())
        hist = state._data
        sq = np.square(g).reshape(g.shape[0], -1).mean(axis=1, keepdims=True)
        hist += sq.astype(hist.dtype, copy=False)
        d = np.sqrt(hist + self.float_stable_eps).reshape((g.shape[0],) + (1,) * (g.ndim - 1))
        g /= d
        g *= lr
        w -= g
