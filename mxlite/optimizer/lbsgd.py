"""LBSGD: large-batch SGD, accumulating ``batch_scale`` gradients per step, with warm-up."""
import logging
import math

import numpy as np

from ..base import MXNetValueError
from ..ops import optimizer_kernels as K
from .optimizer import Optimizer, register, new_like, check_weight_grad, check_number

__all__ = ['LBSGD']

@register
class LBSGD(Optimizer):
    """The Large Batch SGD optimizer with momentum and weight decay.

    Gradients of ``batch_scale`` consecutive updates of a parameter are summed;
    every ``batch_scale``-th update applies an SGD step with their mean and a
    learning rate scaled by the warm-up multiplier: rising from 1 to
    ``batch_scale`` over ``warmup_epochs * updates_per_epoch`` updates
    (``warmup_strategy`` 'linear', 'power2' or 'sqrt'), or the layer-wise
    ``sqrt(|w|^2 / (|g|^2 + wd |w|^2))`` clipped to [0.01, 100] ('lars'); other
    strategies keep 1.  The other updates leave the weight unchanged.

    As in MXNet 1.9.1, the first gradient of each accumulation is kept by
    reference, not copied: a caller reusing its gradient buffer (Module does)
    sees MXNet's numbers.
    """

    def __init__(self, momentum=0.0, multi_precision=False, warmup_strategy='linear',
                 warmup_epochs=5, batch_scale=1, updates_per_epoch=32, begin_epoch=0,
                 num_epochs=60, **kwargs):
        super().__init__(**kwargs)
        logging.info('Running Large-Batch SGD Algorithm')
        logging.info('(Batch_scale=%f, warmup_epochs=%d, warmup_strategy=%s, '
                     'updates_per_epoch=%d)', batch_scale, warmup_epochs, warmup_strategy,
                     updates_per_epoch)
        self.momentum = check_number('LBSGD', 'momentum', momentum)
        self.multi_precision = multi_precision
        self.warmup_strategy = warmup_strategy
        self.warmup_epochs = warmup_epochs
        if isinstance(batch_scale, bool) or not isinstance(batch_scale, (int, np.integer)) \
                or batch_scale < 1:
            raise MXNetValueError('LBSGD: batch_scale must be a positive integer, got %r'
                                  % (batch_scale,))
        self.batch_scale = batch_scale
        self.updates_per_epoch = updates_per_epoch
        self.init_updates = begin_epoch * updates_per_epoch
        self.num_epochs = num_epochs
        self.lbmult = 1
        self.cumgrads = {}
        self.adaptive = False
        self.admult = 1

    def create_state(self, index, weight):
        if self.momentum != 0.0:
            return new_like(weight)
        return None

    def _get_lbmult(self, nup):
        """The warm-up multiplier of the learning rate after ``nup`` updates."""
        nwup = self.warmup_epochs * self.updates_per_epoch
        maxmult = float(self.batch_scale)
        if nup >= nwup:
            return maxmult
        if nwup <= 1:
            return 1.0
        if self.warmup_strategy == 'linear':
            return 1.0 + (maxmult - 1) * nup / nwup
        if self.warmup_strategy == 'power2':
            return 1.0 + (maxmult - 1) * (nup * nup) / (nwup * nwup)
        if self.warmup_strategy == 'sqrt':
            return 1.0 + (maxmult - 1) * math.sqrt(float(nup) / nwup)
        return 1.0

    @staticmethod
    def _l2norm(v):
        """Sum of squares (MXNet's LBSGD calls it the norm)."""
        d = v.reshape(-1)
        return float(np.dot(d, d))

    def _get_lars(self, weight, g, wd):
        weight2 = self._l2norm(weight)
        grad2 = self._l2norm(g)
        lars = math.sqrt(weight2 / (grad2 + wd * weight2 + 1e-18))
        return min(max(lars, 0.01), 100)

    def _cumulate_gradient(self, grad, index):
        cgrad = self.cumgrads.get(index)
        if cgrad and cgrad['num_cums'] > 0:
            cum = cgrad['cum_grad'] + grad._data
            num_cums = cgrad['num_cums'] + 1
        else:
            cum = grad._data                      # a reference, as in MXNet
            num_cums = self.init_updates + 1
        cgrad = {'cum_grad': cum, 'num_cums': num_cums}
        self.cumgrads[index] = cgrad
        return cgrad

    def update(self, index, weight, grad, state):
        check_weight_grad('LBSGD', weight, grad)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        self._update_count(index)
        cgrad = self._cumulate_gradient(grad, index)
        if cgrad['num_cums'] % self.batch_scale != 0:
            return                                # MXNet applies a zero-rate step here
        g = cgrad['cum_grad'] / self.batch_scale
        g = g.astype(weight._data.dtype, copy=False)
        if self.warmup_strategy == 'lars':
            lbmult = self._get_lars(weight._data, g, wd)
        else:
            lbmult = self._get_lbmult(cgrad['num_cums'])
        lr = lr * lbmult
        clip = self.clip_gradient if self.clip_gradient else -1.0
        w = weight._data
        if state is not None:
            K.sgd_mom_update(w, g, state._data, w, lr, self.momentum, wd, self.rescale_grad,
                             clip)
        else:
            K.sgd_update(w, g, w, lr, wd, self.rescale_grad, clip)
        self.cumgrads[index]['cum_grad'] = 0
