"""Gluon ``Parameter``, ``Constant`` and ``ParameterDict`` (MXNet 1.x semantics).

A Parameter holds one array per context (plus gradients).  With
``allow_deferred_init`` its shape may contain 0s until the first forward
pass infers them; until then ``data()`` raises ``DeferredInitializationError``.
"""
import re
from collections import OrderedDict

import numpy as np

from ..base import MXNetError, as_dtype, mx_real_t
from ..context import Context, cpu, current_context
from ..ndarray.ndarray import NDArray

__all__ = ['Parameter', 'Constant', 'ParameterDict', 'DeferredInitializationError']


class DeferredInitializationError(MXNetError):
    """A parameter's shape is not known yet: run a forward pass first."""


def _shape_known(shape):
    return shape is not None and all(d > 0 for d in shape)


def _as_ctx_list(ctx):
    if ctx is None:
        ctx = [current_context()]
    if isinstance(ctx, Context):
        ctx = [ctx]
    for c in ctx:
        if not isinstance(c, Context):
            raise MXNetError('ctx must be a Context or a list of Contexts, got %r' % (c,))
        c.check_usable('Parameter.initialize')
    return list(ctx)


class Parameter:
    """A weight of a Block, with its gradient, on one or more contexts."""

    def __init__(self, name, grad_req='write', shape=None, dtype=mx_real_t, lr_mult=1.0,
                 wd_mult=1.0, init=None, allow_deferred_init=False, differentiable=True,
                 stype='default', grad_stype='default'):
        self._var = None
        self._data = None
        self._grad = None
        self._ctx_list = None
        self._ctx_map = None
        self._trainer = None
        self._deferred_init = ()
        self._differentiable = differentiable
        self._allow_deferred_init = allow_deferred_init
        self._grad_req = None
        if isinstance(shape, int):
            shape = (shape,)
        self._shape = tuple(shape) if shape is not None else None
        self.name = name
        self._dtype = as_dtype(dtype).type
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.init = init
        if stype != 'default' or grad_stype != 'default':
            raise MXNetError('Parameter %s: sparse storage types are not supported by mxlite' % name)
        self._stype = stype
        self._grad_stype = grad_stype
        self.grad_req = grad_req

    def __repr__(self):
        return 'Parameter %s (shape=%s, dtype=%s)' % (self.name, self.shape,
                                                      np.dtype(self.dtype).name)

    # -- properties ----------------------------------------------------------
    @property
    def grad_req(self):
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req):
        if req not in ('write', 'add', 'null'):
            raise MXNetError("Parameter %s: grad_req must be 'write', 'add' or 'null', got %r"
                             % (self.name, req))
        if not self._differentiable:
            req = 'null'
        if self._grad_req == req:
            return
        self._grad_req = req
        if req == 'null' and self._grad is not None:
            self._grad = None
            for d in self._data or []:
                d._grad = None
                d._grad_req = 'null'
                d._ag = None
        elif self._data is not None:
            self._init_grad()

    @property
    def dtype(self):
        return self._dtype

    @dtype.setter
    def dtype(self, dtype):
        self._dtype = as_dtype(dtype).type

    @property
    def shape(self):
        return self._shape

    @shape.setter
    def shape(self, new_shape):
        if self._shape is None:
            self._shape = tuple(new_shape)
            return
        new_shape = tuple(new_shape)
        if len(self._shape) != len(new_shape) or any(
                i != j and i != 0 for i, j in zip(self._shape, new_shape)):
            raise MXNetError('Parameter %s: expected shape %s is incompatible with given shape %s'
                             % (self.name, self._shape, new_shape))
        self._shape = new_shape

    @property
    def stype(self):
        return self._stype

    # -- initialisation ----------------------------------------------------------
    def initialize(self, init=None, ctx=None, default_init=None, force_reinit=False):
        """Allocate and initialise the data on ``ctx`` (deferred if the shape is unknown)."""
        from .. import initializer as init_mod
        if default_init is None:
            default_init = init_mod.Uniform()
        if self._data is not None and not force_reinit:
            import warnings
            warnings.warn('Parameter %s is already initialized, ignoring. Set force_reinit=True '
                          'to re-initialize.' % self.name, stacklevel=2)
            return
        self._data = self._grad = None
        ctx = _as_ctx_list(ctx)
        if init is None:
            init = default_init if self.init is None else self.init
        if not _shape_known(self.shape):
            if self._allow_deferred_init:
                self._deferred_init = (init, ctx, default_init, None)
                return
            raise MXNetError('Cannot initialize Parameter %s because it has invalid shape: %s. '
                             'Give the shape, or set allow_deferred_init=True' % (self.name,
                                                                                   self.shape))
        self._deferred_init = (init, ctx, default_init, None)
        self._finish_deferred_init()

    def _finish_deferred_init(self):
        from .. import initializer as init_mod
        if not self._deferred_init:
            return
        init, ctx, default_init, data = self._deferred_init
        if not _shape_known(self.shape):
            raise DeferredInitializationError(
                "Parameter '%s' has not been initialized yet because initialization was deferred. "
                'Actual initialization happens during the first forward pass. Please pass one '
                'batch of data through the network before accessing Parameters.' % self.name)
        self._deferred_init = ()
        if data is None:
            from .. import autograd
            data = NDArray(np.zeros(self.shape, dtype=self.dtype), cpu())
            # as in MXNet: the block-level initializer runs with this parameter's own init
            # (or itself) as the '__init__' attribute, which takes precedence
            with autograd.pause():
                init_mod.create(default_init)(init_mod.InitDesc(self.name, {'__init__': init}), data)
        self._init_impl(data, ctx)

    def _init_impl(self, data, ctx_list):
        self._ctx_list = list(ctx_list)
        self._ctx_map = {(c.device_typeid, c.device_id): i for i, c in enumerate(self._ctx_list)}
        src = data._data if isinstance(data, NDArray) else np.asarray(data)
        self._data = [NDArray(np.array(src, dtype=self.dtype, copy=True), c)
                      for c in self._ctx_list]
        self._init_grad()

    def _init_grad(self):
        from .. import autograd
        if self.grad_req == 'null':
            self._grad = None
            return
        self._grad = [NDArray(np.zeros(d.shape, dtype=d._data.dtype), d._ctx) for d in self._data]
        autograd.mark_variables(self._data, self._grad, self.grad_req)

    def _load_init(self, data, ctx, cast_dtype=False, dtype_source='current'):
        """Set the value from a loaded array (shape checked; dtype cast if asked)."""
        if cast_dtype and dtype_source == 'saved':
            self.dtype = data.dtype
        if self.shape:
            unknown_dim_size = 0
            for self_dim, data_dim in zip(self.shape, data.shape):
                if self_dim not in (unknown_dim_size, data_dim):
                    raise MXNetError("Failed loading Parameter '%s' from saved params: shape "
                                     'incompatible expected %s vs saved %s'
                                     % (self.name, self.shape, data.shape))
            if len(self.shape) != len(data.shape):
                raise MXNetError("Failed loading Parameter '%s': expected %d dimensions, saved has "
                                 "%d" % (self.name, len(self.shape), len(data.shape)))
        self.shape = data.shape
        if not cast_dtype and np.dtype(self.dtype) != np.dtype(data.dtype):
            raise MXNetError("Failed loading Parameter '%s' from saved params: dtype incompatible "
                             'expected %s vs saved %s. Set cast_dtype=True to cast the dtype of '
                             'saved params.' % (self.name, np.dtype(self.dtype).name,
                                                np.dtype(data.dtype).name))
        if isinstance(ctx, Context):
            ctx = [ctx]
        if self._data is None:
            if self._deferred_init:
                ctx = self._deferred_init[1] if ctx is None else ctx
            self._deferred_init = ()
            self._init_impl(data, _as_ctx_list(ctx))
        else:
            if ctx is not None and set(map(str, ctx)) != set(map(str, self.list_ctx())):
                raise MXNetError("Failed to load Parameter '%s' on %s because it was previously "
                                 'initialized on %s.' % (self.name, ctx, self.list_ctx()))
            self.set_data(data)

    # -- access ------------------------------------------------------------------
    def _check_and_get(self, arr_list, ctx):
        if arr_list is not None:
            if ctx is list:
                return arr_list
            if ctx is None:
                if len(arr_list) == 1:
                    return arr_list[0]
                ctx = current_context()
            idx = self._ctx_map.get((ctx.device_typeid, ctx.device_id))
            if idx is not None:
                return arr_list[idx]
            raise MXNetError("Parameter '%s' was not initialized on context %s. It was only "
                             'initialized on %s.' % (self.name, ctx, self._ctx_list))
        if self._deferred_init:
            raise DeferredInitializationError(
                "Parameter '%s' has not been initialized yet because initialization was deferred. "
                'Actual initialization happens during the first forward pass. Please pass one '
                'batch of data through the network before accessing Parameters.' % self.name)
        raise MXNetError("Parameter '%s' has not been initialized. Note that you should "
                         'initialize parameters and create Trainer with Block.collect_params() '
                         'instead of Block.params because the later does not include Parameters '
                         'of nested child Blocks' % self.name)

    def data(self, ctx=None):
        """The value on ``ctx`` (the only context when there is one)."""
        return self._check_and_get(self._data, ctx)

    def list_data(self):
        return self._check_and_get(self._data, list)

    def grad(self, ctx=None):
        if self._data is not None and self._grad is None:
            raise MXNetError("Cannot get gradient array for Parameter '%s' because grad_req='null'"
                             % self.name)
        return self._check_and_get(self._grad, ctx)

    def list_grad(self):
        if self._data is not None and self._grad is None:
            raise MXNetError("Cannot get gradient array for Parameter '%s' because grad_req='null'"
                             % self.name)
        return self._check_and_get(self._grad, list)

    def list_ctx(self):
        if self._data is None:
            if self._deferred_init:
                return self._deferred_init[1]
            raise MXNetError("Parameter '%s' has not been initialized" % self.name)
        return self._ctx_list

    def set_data(self, data):
        """Copy ``data`` into the value on every context."""
        self.shape = data.shape
        if self._data is None:
            if not self._deferred_init:
                raise MXNetError("Parameter '%s' has not been initialized" % self.name)
            self._deferred_init = self._deferred_init[:3] + (data,)
            return
        src = data._data if isinstance(data, NDArray) else np.asarray(data)
        for arr in self._data:
            np.copyto(arr._data, src, casting='unsafe')

    def zero_grad(self):
        for g in self._grad or []:
            g._data[...] = 0

    def reset_ctx(self, ctx):
        """Move the value (and gradient) to other contexts."""
        ctx = _as_ctx_list(ctx)
        if self._data is not None:
            data = self._reduce()
            self._init_impl(data, ctx)
        elif self._deferred_init:
            init, _, default_init, data = self._deferred_init
            self._deferred_init = (init, ctx, default_init, data)
        else:
            raise MXNetError("Cannot reset context for Parameter '%s' because it has not been "
                             'initialized.' % self.name)

    def _reduce(self):
        """The average of the value over contexts, on the CPU."""
        data = self.list_data()
        if len(data) == 1:
            return NDArray(np.array(data[0]._data, copy=True), cpu())
        return NDArray(sum(d._data for d in data) / len(data), cpu())

    def var(self):
        """The Symbol variable standing for this parameter in hybridized graphs."""
        from .. import symbol
        if self._var is None:
            self._var = symbol.var(self.name, shape=self.shape, dtype=self.dtype,
                                   lr_mult=self.lr_mult, wd_mult=self.wd_mult, init=self.init,
                                   stype=self._stype)
        return self._var

    def cast(self, dtype):
        """Change the dtype of the value and gradient."""
        self.dtype = dtype
        self._var = None
        if self._data is None:
            return
        for d in self._data:
            d._data = d._data.astype(self.dtype)
        self._init_grad()


class Constant(Parameter):
    """A Parameter whose value never changes (``grad_req='null'``)."""

    def __init__(self, name, value):
        if not isinstance(value, NDArray):
            value = NDArray(np.array(value, dtype=np.float32), cpu())
        self.value = value
        from .. import initializer as init_mod

        class _ConstInit(init_mod.Initializer):
            def _init_weight(self_inner, _, arr):
                np.copyto(arr._data, value._data, casting='unsafe')
        super().__init__(name, grad_req='null', shape=value.shape, dtype=value.dtype,
                         init=_ConstInit())

    def __repr__(self):
        # MXNet prints the dtype's class here (unlike Parameter's repr)
        return 'Constant %s (shape=%s, dtype=%s)' % (self.name, self.shape, self.dtype)

    @property
    def grad_req(self):
        return 'null'

    @grad_req.setter
    def grad_req(self, req):
        if req != 'null':
            import warnings
            warnings.warn('Constant parameter "%s" does not support grad_req other than "null", '
                          'and new value "%s" is ignored.' % (self.name, req), stacklevel=2)
        self._grad_req = 'null'


class ParameterDict:
    """An ordered dict of Parameters sharing a name prefix."""

    def __init__(self, prefix='', shared=None):
        self._prefix = prefix
        self._params = OrderedDict()
        self._shared = shared

    def __repr__(self):
        s = '{name}(\n{content}\n)'
        name = self._prefix + ' ' if self._prefix else ''
        return s.format(name=name, content='\n'.join(['  ' + repr(v) for v in self.values()]))

    def __getitem__(self, key):
        return self._params[key]

    def __iter__(self):
        return iter(self._params)

    def __len__(self):
        return len(self._params)

    def __contains__(self, key):
        return key in self._params

    def items(self):
        return self._params.items()

    def keys(self):
        return self._params.keys()

    def values(self):
        return self._params.values()

    @property
    def prefix(self):
        return self._prefix

    def _get_impl(self, name):
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._shared._params[name]
        return None

    def get(self, name, **kwargs):
        """The Parameter ``prefix + name``, created with ``kwargs`` if new."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            param = Parameter(name, **kwargs)
            self._params[name] = param
            return param
        for k, v in kwargs.items():
            if hasattr(param, k) and getattr(param, k) is not None:
                existing = getattr(param, k)
                if k == 'shape' and v is not None and len(v) == len(existing):
                    inferred = []
                    matched = True
                    for dim1, dim2 in zip(v, existing):
                        if dim1 != dim2 and dim1 * dim2 != 0:
                            matched = False
                            break
                        inferred.append(max(dim1, dim2))
                    if matched:
                        param._shape = tuple(inferred)
                        continue
                elif k == 'dtype' and np.dtype(v) == np.dtype(existing):
                    continue
                if v is not None and v != existing:
                    raise MXNetError("Cannot retrieve Parameter '%s' because desired attribute "
                                     "does not match with stored for attribute '%s': desired "
                                     "'%s' vs stored '%s'." % (name, k, v, existing))
            else:
                setattr(param, k, v)
        return param

    def get_constant(self, name, value=None):
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                raise MXNetError("No constant named '%s'. Please specify value if you want to "
                                 'create a new constant.' % name)
            param = Constant(name, value)
            self._params[name] = param
        elif value is not None:
            if not isinstance(param, Constant):
                raise MXNetError("Parameter '%s' already exists but it is not a constant." % name)
        return param

    def update(self, other):
        for k, v in other.items():
            if k in self._params and self._params[k] is not v:
                raise MXNetError("Cannot update self with other because they have different "
                                 "Parameters with the same name '%s'" % k)
        for k, v in other.items():
            self._params[k] = v

    def initialize(self, init=None, ctx=None, verbose=False, force_reinit=False):
        from .. import initializer as init_mod
        if init is None:
            init = init_mod.Uniform()
        if verbose:
            init.set_verbosity(verbose=verbose)
        for v in self.values():
            v.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self):
        for v in self.values():
            v.zero_grad()

    def reset_ctx(self, ctx):
        for v in self.values():
            v.reset_ctx(ctx)

    def list_ctx(self):
        s = set()
        for v in self.values():
            s.update(v.list_ctx())
        return list(s)

    def setattr(self, name, value):
        for v in self.values():
            setattr(v, name, value)

    def save(self, filename, strip_prefix=''):
        """Save every parameter's value (averaged over contexts) by full name."""
        from .. import ndarray as nd
        arg_dict = {}
        for param in self.values():
            weight = param._reduce()
            if not param.name.startswith(strip_prefix):
                raise MXNetError("Prefix '%s' is to be striped before saving, but Parameter's "
                                 "name '%s' does not start with '%s'."
                                 % (strip_prefix, param.name, strip_prefix))
            arg_dict[param.name[len(strip_prefix):]] = weight
        nd.save(filename, arg_dict)

    def load(self, filename, ctx=None, allow_missing=False, ignore_extra=False, restore_prefix='',
             cast_dtype=False, dtype_source='current'):
        """Load values saved by ``save`` (or ``arg:``/``aux:``-prefixed checkpoints)."""
        from .. import ndarray as nd
        if restore_prefix:
            for name in self.keys():
                if not name.startswith(restore_prefix):
                    raise MXNetError("restore_prefix is '%s' but Parameters name '%s' does not "
                                     'start with it' % (restore_prefix, name))
        lprefix = len(restore_prefix)
        loaded = nd.load(filename)
        if not isinstance(loaded, dict):
            raise MXNetError('%s holds no parameter names' % filename)
        arg_dict = {}
        for k, v in loaded.items():
            if k.startswith('arg:') or k.startswith('aux:'):
                k = k[4:]
            arg_dict[restore_prefix + k] = v
        if not allow_missing:
            for name in self.keys():
                if name not in arg_dict:
                    raise MXNetError("Parameter '%s' is missing in file '%s', which contains "
                                     'parameters: %s. Please make sure source and target networks '
                                     'have the same prefix.' % (name[lprefix:], filename,
                                                                _brief(arg_dict.keys())))
        for name in arg_dict:
            if name not in self._params:
                if not ignore_extra:
                    raise MXNetError("Parameter '%s' loaded from file '%s' is not present in "
                                     'ParameterDict, choices are: %s. Set ignore_extra to True to '
                                     'ignore. Please make sure source and target networks have the '
                                     'same prefix.' % (name[lprefix:], filename,
                                                       _brief(self._params.keys())))
                continue
            self[name]._load_init(arg_dict[name], ctx, cast_dtype=cast_dtype,
                                  dtype_source=dtype_source)

    def select(self, select):
        """A ParameterDict of the parameters whose names match the regex ``select``."""
        ret = ParameterDict(self._prefix)
        pattern = re.compile(select)
        ret._params.update({n: v for n, v in self._params.items() if pattern.match(n)})
        return ret


def _brief(names, limit=6):
    names = list(names)
    s = ', '.join(names[:limit])
    return s + (', ...' if len(names) > limit else '')
