"""The ``Optimizer`` base class, its registry, and ``create``.

Attributes, learning-rate/weight-decay rules and update counting follow
MXNet 1.9.1:

* ``lr`` (``learning_rate``) or an ``lr_scheduler`` called with
  ``num_update``; an explicit ``learning_rate`` overrides the scheduler's
  ``base_lr`` (with MXNet's warning when they differ).
* ``_get_lr(index)`` / ``_get_wd(index)`` scale by the per-parameter
  multipliers: ``param_dict[index].lr_mult`` (Gluon) first, then
  ``lr_mult[index]``, then ``lr_mult[param_idx2name[index]]``.
* ``set_wd_mult``: parameters named by ``param_idx2name`` whose names end
  neither in ``_weight`` nor in ``_gamma`` get no weight decay; then a
  symbol's ``__wd_mult__`` attributes (``sym=``), then the explicit dict.
  ``set_lr_mult`` reads ``__lr_mult__`` the same way.
* ``_update_count(index)`` counts updates per index, starting from
  ``begin_num_update``; ``num_update`` is the largest count.

Subclasses define ``create_state(index, weight)`` and
``update(index, weight, grad, state)``; the base class supplies the
float16 master-copy logic (``multi_precision``).  Updates work in place on
the NDArrays' numpy buffers through :mod:`mxlite.ops.optimizer_kernels`.
"""
import logging
import numbers
import warnings

import numpy as np

from ..base import MXNetError, MXNetValueError, MXNetTypeError, must_override

__all__ = ['Optimizer', 'register', 'create']

_FP16_WARNING = ('Accumulating with float16 in optimizer can lead to poor accuracy or slow '
                 'convergence. Consider using multi_precision=True option of the %soptimizer')


def check_number(owner, name, value, allow_none=False):
    """Raise a clear error unless ``value`` is a real number (or None when allowed)."""
    if value is None and allow_none:
        return value
    if isinstance(value, bool) or not isinstance(value, (numbers.Real, np.generic)) \
            or isinstance(value, (str, bytes)):
        raise MXNetTypeError('%s: %s must be a number%s, got %r'
                             % (owner, name, ' or None' if allow_none else '', value))
    return value


def check_range(owner, name, value, lo=None, hi=None, lo_open=False, hi_open=False):
    """Raise a clear error unless ``value`` lies in the given interval."""
    check_number(owner, name, value)
    bad = ((lo is not None and (value < lo or (lo_open and value == lo))) or
           (hi is not None and (value > hi or (hi_open and value == hi))))
    if bad:
        interval = '%s%s, %s%s' % ('(' if lo_open else '[', '-inf' if lo is None else lo,
                                   'inf' if hi is None else hi, ')' if hi_open else ']')
        raise MXNetValueError('%s: %s must lie in %s, got %r' % (owner, name, interval, value))
    return value


class Optimizer:
    """The base class inherited by all optimizers (MXNet 1.9.1's arguments).

    Parameters
    ----------
    rescale_grad : float
        Multiplies every gradient before the update (often 1/batch_size).
    param_idx2name : dict of int to str
        Parameter names by update index; used for the weight-decay rule and
        name-keyed multipliers.
    wd : float
        L2 weight decay.
    clip_gradient : float or None
        Clip the rescaled gradient into [-clip_gradient, clip_gradient].
    learning_rate : float or None
        The learning rate (default 0.01, or the scheduler's ``base_lr``).
    lr_scheduler : LRScheduler or None
        Called with ``num_update`` to give the learning rate.
    sym : Symbol or None
        Its variables' ``lr_mult``/``wd_mult`` attributes set multipliers.
    begin_num_update : int
        The update count to start from (resuming training).
    multi_precision : bool
        Keep a float32 master copy of float16 weights.
    param_dict : dict
        Gluon parameters by index (their ``lr_mult``/``wd_mult`` are used).
    """
    opt_registry = {}
    # names with these endings get weight decay by default (set_wd_mult)
    _decayed_suffixes = ('_weight', '_gamma')

    def __init__(self, rescale_grad=1., param_idx2name=None, wd=0., clip_gradient=None,
                 learning_rate=None, lr_scheduler=None, sym=None, begin_num_update=0,
                 multi_precision=False, param_dict=None):
        owner = type(self).__name__
        self.rescale_grad = check_number(owner, 'rescale_grad', rescale_grad)
        check_number(owner, 'wd', wd)
        check_number(owner, 'clip_gradient', clip_gradient, allow_none=True)
        check_number(owner, 'learning_rate', learning_rate, allow_none=True)
        if lr_scheduler is not None and not callable(lr_scheduler):
            raise MXNetTypeError('%s: lr_scheduler must be an LRScheduler (a callable of the '
                                 'update count), got %r' % (owner, lr_scheduler))
        if isinstance(begin_num_update, bool) or not isinstance(begin_num_update,
                                                                (numbers.Integral,)):
            raise MXNetTypeError('%s: begin_num_update must be an integer, got %r'
                                 % (owner, begin_num_update))
        self.lr_scheduler = lr_scheduler
        if lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if self.lr_scheduler is not None and learning_rate is not None:
            if getattr(self.lr_scheduler, 'base_lr', None) != learning_rate:
                logging.warning('learning rate from ``lr_scheduler`` has been overwritten by '
                                '``learning_rate`` in optimizer.')
            self.lr_scheduler.base_lr = learning_rate
        self.wd = wd
        self.lr_mult = {}
        self.wd_mult = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._all_index_update_counts = {0: {}}
        self._index_update_count = self._all_index_update_counts[0]
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.aggregate_num = 0
        if param_idx2name is None:
            param_idx2name = {}
        if not isinstance(param_idx2name, dict):
            raise MXNetTypeError('%s: param_idx2name must be a dict mapping update indices to '
                                 'parameter names, got %s' % (owner, type(param_idx2name).__name__))
        self.idx2name = param_idx2name.copy()
        self.sym_info = (sym.attr_dict(), sym.list_arguments()) if sym is not None else ()
        self.param_dict = param_dict if param_dict else {}
        self.allow_np_array = False
        self.set_lr_mult({})
        self.set_wd_mult({})

    # -- registry ----------------------------------------------------------
    @staticmethod
    def register(klass):
        """Register ``klass`` under its lower-cased class name (a decorator)."""
        if not isinstance(klass, type) or not issubclass(klass, Optimizer):
            raise MXNetTypeError('register: expected a subclass of Optimizer, got %r' % (klass,))
        name = klass.__name__.lower()
        if name in Optimizer.opt_registry:
            old = Optimizer.opt_registry[name]
            warnings.warn('WARNING: New optimizer %s.%s is overriding existing optimizer %s.%s'
                          % (klass.__module__, klass.__name__, old.__module__, old.__name__))
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name, **kwargs):
        """An optimizer by registered name (case-insensitive), e.g. ``create('sgd', momentum=0.9)``."""
        if not isinstance(name, str):
            raise MXNetTypeError('create: the optimizer name must be a string, got %r' % (name,))
        klass = Optimizer.opt_registry.get(name.lower())
        if klass is None:
            raise MXNetValueError('Cannot find optimizer %s; registered optimizers: %s'
                                  % (name, ', '.join(sorted(Optimizer.opt_registry))))
        return klass(**kwargs)

    # -- learning rate -----------------------------------------------------
    @property
    def learning_rate(self):
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def set_learning_rate(self, lr):
        """Set the learning rate (only without an ``lr_scheduler``, as in MXNet)."""
        if self.lr_scheduler is not None:
            raise UserWarning('LRScheduler of the optimizer has already been defined. Note that '
                              'set_learning_rate can mutate the value of the learning rate of '
                              'the optimizer only when the LRScheduler of the optimizer is '
                              'undefined.')
        self.lr = lr

    def set_lr_scale(self, args_lrscale):
        """Deprecated in MXNet; use ``set_lr_mult``."""
        raise DeprecationWarning('set_lr_scale is deprecated: use set_lr_mult')

    # -- multipliers -------------------------------------------------------
    def _sym_mults(self, key):
        out = {}
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and key in attr[name]:
                    out[name] = float(attr[name][key])
        return out

    def set_lr_mult(self, args_lr_mult):
        """Learning-rate multipliers by index or name; a symbol's ``__lr_mult__`` first."""
        self.lr_mult = self._sym_mults('__lr_mult__')
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult):
        """Weight-decay multipliers: no decay unless a name ends in ``_weight``/``_gamma``,
        then a symbol's ``__wd_mult__``, then ``args_wd_mult``."""
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not n.endswith(self._decayed_suffixes):
                self.wd_mult[n] = 0.0
        self.wd_mult.update(self._sym_mults('__wd_mult__'))
        self.wd_mult.update(args_wd_mult)

    def _set_current_context(self, device_id):
        """Keep separate update counts per device (data-parallel updates)."""
        if device_id not in self._all_index_update_counts:
            self._all_index_update_counts[device_id] = {}
        self._index_update_count = self._all_index_update_counts[device_id]

    def _update_count(self, index):
        """Count one update of ``index`` (or of each index in a list)."""
        if not isinstance(index, (list, tuple)):
            index = [index]
        counts = self._index_update_count
        for idx in index:
            if idx not in counts:
                counts[idx] = self.begin_num_update
            counts[idx] += 1
            self.num_update = max(counts[idx], self.num_update)

    def _scaled(self, base, indices, mults, attr):
        out = []
        for index in indices:
            v = base
            if index in self.param_dict:
                v *= getattr(self.param_dict[index], attr)
            elif index in mults:
                v *= mults[index]
            elif index in self.idx2name:
                v *= mults.get(self.idx2name[index], 1.0)
            out.append(v)
        return out

    def _get_lrs(self, indices):
        """Learning rates of several indices (scheduler and multipliers applied)."""
        if self.lr_scheduler is not None:
            lr = self.lr_scheduler(self.num_update)
        else:
            lr = self.lr
        return self._scaled(lr, indices, self.lr_mult, 'lr_mult')

    def _get_lr(self, index):
        return self._get_lrs([index])[0]

    def _get_wds(self, indices):
        """Weight decays of several indices (multipliers applied)."""
        return self._scaled(self.wd, indices, self.wd_mult, 'wd_mult')

    def _get_wd(self, index):
        return self._get_wds([index])[0]

    def _clip(self):
        """``clip_gradient`` as the kernels take it (-1: no clipping)."""
        return -1.0 if self.clip_gradient is None else self.clip_gradient

    # -- states and updates ------------------------------------------------
    def create_state(self, index, weight):
        """Auxiliary state(s) for one weight; None when the optimizer needs none."""
        return None

    def create_state_multi_precision(self, index, weight):
        """``create_state``, with a float32 master copy first for float16 weights."""
        if self.multi_precision and weight.dtype == np.float16:
            master = weight.astype(np.float32)
            return (master,) + (self.create_state(index, master),)
        if weight.dtype == np.float16 and not self.multi_precision:
            warnings.warn(_FP16_WARNING % '')
        return self.create_state(index, weight)

    def update(self, index, weight, grad, state):
        """Update ``weight`` in place from ``grad`` (subclasses define the rule)."""
        must_override(self, 'update', 'update weight in place from grad and state')

    def update_multi_precision(self, index, weight, grad, state):
        """``update``, through the float32 master copy for float16 weights."""
        if isinstance(index, (list, tuple)):
            for i, w, g, s in zip(index, weight, grad, state):
                self.update_multi_precision(i, w, g, s)
            return
        if self.multi_precision and weight.dtype == np.float16:
            master, inner = state[0], state[1]
            self.update(index, master, grad.astype(np.float32), inner)
            np.copyto(weight._data, master._data, casting='unsafe')
        else:
            self.update(index, weight, grad, state)

    # -- pickling (Updater.get_states(dump_optimizer=True)) ----------------
    def __getstate__(self):
        ret = self.__dict__.copy()
        # Gluon parameters are not saved with the optimizer (as in MXNet)
        ret.pop('param_dict', None)
        return ret

    def __setstate__(self, state):
        self.__dict__ = state
        self.param_dict = {}

    def __repr__(self):
        return '<%s lr=%r wd=%r>' % (type(self).__name__, self.lr, self.wd)


register = Optimizer.register
create = Optimizer.create_optimizer


def new_like(weight, fill=0.0, dtype=None):
    """A new NDArray shaped like ``weight`` on its context, filled with ``fill``."""
    from ..ndarray.ndarray import NDArray
    data = np.full(weight.shape, fill, dtype=weight._data.dtype if dtype is None else dtype)
    return NDArray(data, weight._ctx)


def check_weight_grad(owner, weight, grad):
    """Clear errors for mismatched weight/gradient before any kernel runs."""
    if weight.shape != grad.shape:
        raise MXNetError('%s.update: gradient shape %s does not match weight shape %s'
                         % (owner, grad.shape, weight.shape))
