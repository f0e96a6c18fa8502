"""``mx.lr_scheduler``: learning-rate schedules, computed exactly as MXNet 1.9.1 does.

A scheduler is called with the optimizer's update count and returns the
learning rate.  As in MXNet, schedulers are stateful: ``FactorScheduler``
and ``MultiFactorScheduler`` decay ``base_lr`` in place as the count passes
each step (so a scheduler should drive one optimizer), and
``PolyScheduler``/``CosineScheduler`` keep their last value once
``max_update`` is passed.  All of them may start with a warm-up phase of
``warmup_steps`` updates, rising linearly from ``warmup_begin_lr`` to
``base_lr`` (``warmup_mode='linear'``) or held at ``warmup_begin_lr``
(``'constant'``).
"""
import logging
from math import cos, pi

from .base import MXNetValueError, MXNetNotImplementedError

__all__ = ['LRScheduler', 'FactorScheduler', 'MultiFactorScheduler', 'PolyScheduler',
           'CosineScheduler']

_WARMUP_MODES = ('linear', 'constant')


class LRScheduler:
    """Base class of a learning rate scheduler.

    Parameters
    ----------
    base_lr : float
        The initial learning rate (an optimizer's ``learning_rate`` overrides it).
    warmup_steps : int
        Number of warm-up updates before the schedule proper starts.
    warmup_begin_lr : float
        The learning rate warm-up starts from.
    warmup_mode : {'linear', 'constant'}
        'linear' rises in equal increments; 'constant' holds ``warmup_begin_lr``.
    """

    def __init__(self, base_lr=0.01, warmup_steps=0, warmup_begin_lr=0, warmup_mode='linear'):
        self.base_lr = base_lr
        self.warmup_steps = warmup_steps
        self.warmup_final_lr = base_lr
        self.warmup_begin_lr = warmup_begin_lr
        if self.warmup_begin_lr > self.warmup_final_lr:
            raise MXNetValueError('Base lr has to be higher than warmup_begin_lr (base_lr=%r, '
                                  'warmup_begin_lr=%r)' % (base_lr, warmup_begin_lr))
        if self.warmup_steps < 0:
            raise MXNetValueError('Warmup steps has to be positive or 0, got %r' % (warmup_steps,))
        if warmup_mode not in _WARMUP_MODES:
            raise MXNetValueError('Supports only linear and constant modes of warmup, got '
                                  'warmup_mode=%r' % (warmup_mode,))
        self.warmup_mode = warmup_mode

    def get_warmup_lr(self, num_update):
        """The warm-up learning rate at update ``num_update`` (< ``warmup_steps``)."""
        if num_update >= self.warmup_steps:
            raise MXNetValueError('get_warmup_lr: num_update %d is past the %d warm-up steps'
                                  % (num_update, self.warmup_steps))
        if self.warmup_mode == 'linear':
            increase = (self.warmup_final_lr - self.warmup_begin_lr) \
                * float(num_update) / float(self.warmup_steps)
            return self.warmup_begin_lr + increase
        return self.warmup_begin_lr

    def __call__(self, num_update):
        """The learning rate after ``num_update`` updates (subclasses define it)."""
        raise MXNetNotImplementedError('%s does not define a schedule: use FactorScheduler, '
                                  'MultiFactorScheduler, PolyScheduler or CosineScheduler, or '
                                  'override __call__' % type(self).__name__)


class FactorScheduler(LRScheduler):
    """Multiply the learning rate by ``factor`` every ``step`` updates.

    The rate is ``base_lr * factor ** floor((num_update - 1) / step)``, never
    below ``stop_factor_lr``.
    """

    def __init__(self, step, factor=1, stop_factor_lr=1e-8, base_lr=0.01, warmup_steps=0,
                 warmup_begin_lr=0, warmup_mode='linear'):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if step < 1:
            raise MXNetValueError('Schedule step must be greater or equal than 1 round, got %r'
                                  % (step,))
        if factor > 1.0:
            raise MXNetValueError('Factor must be no more than 1 to make lr reduce, got %r'
                                  % (factor,))
        self.step = step
        self.factor = factor
        self.stop_factor_lr = stop_factor_lr
        self.count = 0

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        # a loop, not an if: resuming at a late update catches up every step
        while num_update > self.count + self.step:
            self.count += self.step
            self.base_lr *= self.factor
            if self.base_lr < self.stop_factor_lr:
                self.base_lr = self.stop_factor_lr
                logging.info('Update[%d]: now learning rate arrived at %0.5e, will not '
                             'change in the future', num_update, self.base_lr)
            else:
                logging.info('Update[%d]: Change learning rate to %0.5e',
                             num_update, self.base_lr)
        return self.base_lr


class MultiFactorScheduler(LRScheduler):
    """Multiply the learning rate by ``factor`` after each update count in ``step``.

    ``step`` is an increasing list of update counts, e.g. ``[30000, 60000]``.
    """

    def __init__(self, step, factor=1, base_lr=0.01, warmup_steps=0, warmup_begin_lr=0,
                 warmup_mode='linear'):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if not isinstance(step, (list, tuple)) or len(step) < 1:
            raise MXNetValueError('MultiFactorScheduler: step must be a non-empty list of '
                                  'increasing update counts, got %r' % (step,))
        for i, _step in enumerate(step):
            if i != 0 and step[i] <= step[i - 1]:
                raise MXNetValueError('Schedule step must be an increasing integer list, got %r'
                                      % (step,))
            if _step < 1:
                raise MXNetValueError('Schedule step must be greater or equal than 1 round, '
                                      'got %r' % (step,))
        if factor > 1.0:
            raise MXNetValueError('Factor must be no more than 1 to make lr reduce, got %r'
                                  % (factor,))
        self.step = step
        self.cur_step_ind = 0
        self.factor = factor
        self.count = 0

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        while self.cur_step_ind <= len(self.step) - 1:
            if num_update > self.step[self.cur_step_ind]:
                self.count = self.step[self.cur_step_ind]
                self.cur_step_ind += 1
                self.base_lr *= self.factor
                logging.info('Update[%d]: Change learning rate to %0.5e',
                             num_update, self.base_lr)
            else:
                return self.base_lr
        return self.base_lr


def _check_max_update(max_update):
    if max_update < 1:
        raise MXNetValueError('maximum number of updates must be strictly positive, got '
                              'max_update=%r' % (max_update,))


class PolyScheduler(LRScheduler):
    """Polynomial decay from ``base_lr`` to ``final_lr`` over ``max_update`` updates.

    After warm-up: ``final_lr + (base_lr - final_lr) * (1 - t / max_steps) ** pwr``
    with ``t = num_update - warmup_steps`` and ``max_steps = max_update - warmup_steps``.
    """

    def __init__(self, max_update, base_lr=0.01, pwr=2, final_lr=0, warmup_steps=0,
                 warmup_begin_lr=0, warmup_mode='linear'):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        _check_max_update(max_update)
        self.power = pwr
        self.base_lr_orig = self.base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.max_steps = self.max_update - self.warmup_steps

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        if self.max_steps == 0 and num_update <= self.max_update:
            # no decay phase at all (MXNet divides by zero here)
            self.base_lr = self.final_lr
        elif num_update <= self.max_update:
            self.base_lr = self.final_lr + (self.base_lr_orig - self.final_lr) * \
                pow(1 - float(num_update - self.warmup_steps) / float(self.max_steps),
                    self.power)
        return self.base_lr


class CosineScheduler(LRScheduler):
    """Cosine decay from ``base_lr`` to ``final_lr`` over ``max_update`` updates.

    After warm-up: ``final_lr + (base_lr - final_lr) * (1 + cos(pi * t / max_steps)) / 2``
    with ``t`` and ``max_steps`` as in :class:`PolyScheduler`.
    """

    def __init__(self, max_update, base_lr=0.01, final_lr=0, warmup_steps=0, warmup_begin_lr=0,
                 warmup_mode='linear'):
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        _check_max_update(max_update)
        self.base_lr_orig = base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.max_steps = self.max_update - self.warmup_steps

    def __call__(self, num_update):
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        if self.max_steps == 0 and num_update <= self.max_update:
            # no decay phase at all (MXNet divides by zero here)
            self.base_lr = self.final_lr
        elif num_update <= self.max_update:
            self.base_lr = self.final_lr + (self.base_lr_orig - self.final_lr) * \
                (1 + cos(pi * (num_update - self.warmup_steps) / self.max_steps)) / 2
        return self.base_lr
