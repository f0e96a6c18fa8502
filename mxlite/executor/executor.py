"""``Executor``: a Symbol bound to arrays, run forward and backward (MXNet 1.x API)."""
import time

import numpy as np

from .. import profiler as _prof
from ..base import MXNetError, as_dtype
from ..context import Context
from ..ndarray.ndarray import NDArray
from ..ops.infer import fmt
from .plan import build_plan
from .memory_limit import check

__all__ = ['Executor']

_REQS = ('write', 'add', 'null')


def _as_list_or_dict(value, names, what, allow_missing=False):
    """Normalise list-or-dict arrays to {name: NDArray or None}."""
    if value is None:
        return {}
    if isinstance(value, dict):
        unknown = [k for k in value if k not in names]
        if unknown:
            raise MXNetError('bind: %s has names that are not inputs of the symbol: %s (inputs: %s)'
                             % (what, ', '.join(unknown), ', '.join(names)))
        return dict(value)
    if isinstance(value, (list, tuple)):
        if len(value) != len(names) and not allow_missing:
            raise MXNetError('bind: %s has %d arrays but the symbol has %d (%s)'
                             % (what, len(value), len(names), ', '.join(names)))
        return dict(zip(names, value))
    raise MXNetError('bind: %s must be a list or a dict of NDArrays, got %s'
                     % (what, type(value).__name__))


def _nbytes(shape, dtype):
    n = np.dtype(dtype).itemsize
    for d in shape:
        n *= int(d)
    return n


def _fresh_bytes(arg_names, arg_shapes, arg_types, aux_names, aux_shapes, aux_types, reqs,
                 shared, shared_arg_names, shared_exec):
    """Bytes simple_bind will allocate: (arguments, gradients, auxiliary states)."""
    args = grads = aux = 0
    for n, s, t in zip(arg_names, arg_shapes, arg_types):
        s = tuple(s)
        if not (n in shared and shared[n].shape == s and
                (shared_arg_names is None or n in shared_arg_names)):
            args += _nbytes(s, t)
        if reqs[n] != 'null':
            g = shared_exec.grad_dict.get(n) if shared_exec is not None else None
            if g is None or g.shape != s:
                grads += _nbytes(s, t)
    for n, s, t in zip(aux_names, aux_shapes, aux_types):
        if not (n in shared and shared[n].shape == tuple(s)):
            aux += _nbytes(s, t)
    return args, grads, aux


def _reqs(grad_req, names):
    if isinstance(grad_req, str):
        reqs = {n: grad_req for n in names}
    elif isinstance(grad_req, (list, tuple)):
        if len(grad_req) != len(names):
            raise MXNetError('bind: grad_req has %d entries for %d arguments'
                             % (len(grad_req), len(names)))
        reqs = dict(zip(names, grad_req))
    elif isinstance(grad_req, dict):
        reqs = {n: grad_req.get(n, 'null') for n in names}
    else:
        raise MXNetError("bind: grad_req must be 'write', 'add', 'null', a list or a dict")
    for n, r in reqs.items():
        if r not in _REQS:
            raise MXNetError("bind: grad_req %r for %s is not one of 'write', 'add', 'null'" % (r, n))
    return reqs


class Executor:
    """Runs a bound Symbol.  Create with ``Symbol.bind`` or ``Symbol.simple_bind``."""

    def __init__(self, symbol, ctx, arg_dict, grad_dict, grad_reqs, aux_dict, fresh_bytes=0):
        self._symbol = symbol
        self._ctx = ctx
        self._arg_names = symbol.list_arguments()
        self._aux_names = symbol.list_auxiliary_states()
        self.arg_arrays = [arg_dict[n] for n in self._arg_names]
        self.grad_arrays = [grad_dict.get(n) for n in self._arg_names]
        self.aux_arrays = [aux_dict[n] for n in self._aux_names]
        self._grad_reqs = grad_reqs
        self._monitor = None
        self._monitor_all = False
        self._plan = build_plan(
            symbol, {n: a._data for n, a in zip(self._arg_names, self.arg_arrays)},
            {n: a._data for n, a in zip(self._aux_names, self.aux_arrays)},
            {n: g._data for n, g in zip(self._arg_names, self.grad_arrays) if g is not None},
            {n: (grad_reqs.get(n, 'null') if grad_dict.get(n) is not None else 'null')
             for n in self._arg_names}, fresh_bytes)
        self.outputs = [NDArray(a, ctx) for a in self._plan.head_arrays]
        self._output_names = symbol.list_outputs()
        self._forward_done = False
        self._trained_forward = False

    # -- construction ------------------------------------------------------
    @classmethod
    def bind(cls, symbol, ctx, args, args_grad=None, grad_req='write', aux_states=None,
             group2ctx=None, shared_exec=None):
        if not isinstance(ctx, Context):
            raise MXNetError('bind: ctx must be a Context such as mx.cpu(), got %r' % (ctx,))
        ctx.check_usable('bind')
        arg_names = symbol.list_arguments()
        aux_names = symbol.list_auxiliary_states()
        arg_dict = _as_list_or_dict(args, arg_names, 'args')
        missing = [n for n in arg_names if arg_dict.get(n) is None]
        if missing:
            raise MXNetError('bind: args is missing %s; every argument of the symbol (%s) needs an '
                             'array' % (', '.join(missing), ', '.join(arg_names)))
        grad_dict = {k: v for k, v in _as_list_or_dict(args_grad, arg_names, 'args_grad',
                                                        allow_missing=True).items()
                     if v is not None}
        aux_dict = _as_list_or_dict(aux_states, aux_names, 'aux_states')
        missing = [n for n in aux_names if aux_dict.get(n) is None]
        if missing:
            raise MXNetError('bind: aux_states is missing %s' % ', '.join(missing))
        for d in (arg_dict, grad_dict, aux_dict):
            for k, v in d.items():
                if not isinstance(v, NDArray):
                    raise MXNetError('bind: %s must be an NDArray, got %s' % (k, type(v).__name__))
        for k, g in grad_dict.items():
            if g.shape != arg_dict[k].shape:
                raise MXNetError('bind: gradient array for %s has shape %s but the argument has %s'
                                 % (k, fmt(g.shape), fmt(arg_dict[k].shape)))
        reqs = _reqs(grad_req, arg_names)
        return cls(symbol, ctx, arg_dict, grad_dict, reqs, aux_dict)

    @classmethod
    def simple_bind(cls, symbol, ctx, grad_req='write', type_dict=None, stype_dict=None,
                    group2ctx=None, shared_arg_names=None, shared_exec=None, shared_buffer=None,
                    **kwargs):
        if not isinstance(ctx, Context):
            raise MXNetError('simple_bind: ctx must be a Context such as mx.cpu(), got %r' % (ctx,))
        ctx.check_usable('simple_bind')
        if stype_dict and any(v != 'default' for v in stype_dict.values()):
            raise MXNetError('simple_bind: sparse storage types are not supported by mxlite')
        arg_shapes, _, aux_shapes = symbol.infer_shape(**kwargs)
        arg_names = symbol.list_arguments()
        aux_names = symbol.list_auxiliary_states()
        if arg_shapes is None:
            partial, _, _ = symbol.infer_shape_partial(**kwargs)
            unknown = ['%s %s' % (n, fmt(s) if s else '?') for n, s in zip(arg_names, partial)
                       if not s or 0 in s]
            raise MXNetError('simple_bind: cannot infer the shapes of %s; pass them as keyword '
                             'arguments, e.g. simple_bind(ctx, data=(32, 3, 28, 28))'
                             % ', '.join(unknown))
        known_types = {k: as_dtype(v) for k, v in (type_dict or {}).items()}
        arg_types, _, aux_types = symbol.infer_type_partial(**known_types)
        arg_types = [np.float32 if t is None else t for t in arg_types]
        aux_types = [np.float32 if t is None else t for t in aux_types]
        shared = {}
        if shared_exec is not None:
            shared = dict(shared_exec.arg_dict)
            shared.update(shared_exec.aux_dict)
        reqs = _reqs(grad_req, arg_names)
        fresh = _fresh_bytes(arg_names, arg_shapes, arg_types, aux_names, aux_shapes, aux_types,
                             reqs, shared, shared_arg_names, shared_exec)
        check('simple_bind', sum(fresh), sum(fresh),
              list(zip(('arguments', 'gradients', 'auxiliary states'), fresh)), at_least=True)
        arg_dict, grad_dict, aux_dict = {}, {}, {}
        for n, s, t in zip(arg_names, arg_shapes, arg_types):
            if n in shared and shared[n].shape == tuple(s) and \
                    (shared_arg_names is None or n in shared_arg_names):
                arg_dict[n] = shared[n]
            else:
                arg_dict[n] = NDArray(np.zeros(s, dtype=t), ctx)
            if reqs[n] != 'null':
                if shared_exec is not None and n in shared_exec.grad_dict and \
                        shared_exec.grad_dict[n] is not None and \
                        shared_exec.grad_dict[n].shape == tuple(s):
                    grad_dict[n] = shared_exec.grad_dict[n]
                else:
                    grad_dict[n] = NDArray(np.zeros(s, dtype=t), ctx)
        for n, s, t in zip(aux_names, aux_shapes, aux_types):
            if n in shared and shared[n].shape == tuple(s):
                aux_dict[n] = shared[n]
            else:
                aux_dict[n] = NDArray(np.zeros(s, dtype=t), ctx)
        return cls(symbol, ctx, arg_dict, grad_dict, reqs, aux_dict, sum(fresh))

    # -- dictionaries ------------------------------------------------------
    @property
    def arg_dict(self):
        return dict(zip(self._arg_names, self.arg_arrays))

    @property
    def grad_dict(self):
        return dict(zip(self._arg_names, self.grad_arrays))

    @property
    def aux_dict(self):
        return dict(zip(self._aux_names, self.aux_arrays))

    @property
    def output_dict(self):
        return dict(zip(self._output_names, self.outputs))

    # -- running -----------------------------------------------------------
    def forward(self, is_train=False, **kwargs):
        """Run the graph; keyword arrays are copied into the arguments first."""
        if kwargs:
            ad = self.arg_dict
            for k, v in kwargs.items():
                if k not in ad:
                    raise MXNetError('forward: %r is not an argument of the symbol; arguments: %s'
                                     % (k, ', '.join(self._arg_names)))
                dst = ad[k]
                src = v._data if isinstance(v, NDArray) else np.asarray(v)
                if src.shape != dst.shape:
                    raise MXNetError('forward: %s has shape %s but the executor was bound with %s; '
                                     'use reshape() to change input shapes'
                                     % (k, fmt(src.shape), fmt(dst.shape)))
                np.copyto(dst._data, src, casting='unsafe')
        mon = self._monitor
        if _prof.STATE.active:
            self._forward_profiled(is_train)
        elif mon is None:
            for step in self._plan.forward_steps:
                step.run(is_train)
        else:
            for step in self._plan.forward_steps:
                if self._monitor_all:
                    for name, arr in zip(step.node.input_names(), step.inputs + step.aux):
                        mon('%s_%s' % (step.node.name, name), NDArray(arr, self._ctx))
                step.run(is_train)
                for name, arr in zip(step.out_names, step.outs):
                    mon(name, NDArray(arr, self._ctx))
        self._forward_done = True
        self._trained_forward = is_train
        return self.outputs

    def backward(self, out_grads=None, is_train=True):
        """Propagate gradients into ``grad_arrays`` (``out_grads`` for non-loss outputs)."""
        plan = self._plan
        if not self._forward_done:
            raise MXNetError('backward: call forward(is_train=True) first')
        if out_grads is None:
            out_grads = []
        elif isinstance(out_grads, NDArray):
            out_grads = [out_grads]
        given = list(out_grads)
        if len(given) > len(plan.head_grad_arrays):
            raise MXNetError('backward: got %d out_grads for %d outputs'
                             % (len(given), len(plan.head_grad_arrays)))
        for i, buf in enumerate(plan.head_grad_arrays):
            if buf is None:          # a loss head, or an output that carries no gradient
                continue
            g = given[i] if i < len(given) else None
            if g is None:
                raise MXNetError(
                    'backward: output %d (%s) is not a loss, so its gradient is required: call '
                    'backward(out_grads=[...]) or wrap the output in mx.sym.MakeLoss to minimise '
                    'it' % (i, self._output_names[i]))
            src = g._data if isinstance(g, NDArray) else np.asarray(g)
            if src.shape != buf.shape:
                raise MXNetError('backward: out_grads[%d] has shape %s but output %s has %s'
                                 % (i, fmt(src.shape), self._output_names[i], fmt(buf.shape)))
            np.copyto(buf, src, casting='unsafe')
        for arr in plan.zero_on_backward:
            arr.fill(0)
        mon = self._monitor
        if _prof.STATE.active:
            for step in plan.backward_steps:
                t = time.perf_counter()
                step.run(is_train)
                _prof.record('_backward_' + step.op.name, 'symbolic', t, time.perf_counter())
                if mon is not None:
                    self._monitor_backward(mon, step)
            return
        for step in plan.backward_steps:
            step.run(is_train)
            if mon is not None:
                self._monitor_backward(mon, step)

    def _monitor_backward(self, mon, step):
        # MXNet names the gradients a backward node writes <node>_backward_output<i>
        for i, dest, _ in step.targets:
            mon('%s_backward_output%d' % (step.node.name, i), NDArray(dest, self._ctx))

    def _forward_profiled(self, is_train):
        for step in self._plan.forward_steps:
            t = time.perf_counter()
            step.run(is_train)
            _prof.record(step.op.name, 'symbolic', t, time.perf_counter())

    def set_monitor_callback(self, callback, monitor_all=False):
        """Call ``callback(name, NDArray)`` on every output (and input, with monitor_all)."""
        self._monitor = callback
        self._monitor_all = monitor_all

    # -- parameters ----------------------------------------------------------
    def copy_params_from(self, arg_params, aux_params=None, allow_extra_params=False):
        """Copy parameters into this executor's arrays (by name)."""
        ad, xd = self.arg_dict, self.aux_dict
        for source, target, what in ((arg_params, ad, 'arg_params'), (aux_params or {}, xd,
                                                                       'aux_params')):
            for name, arr in source.items():
                if name not in target:
                    if allow_extra_params:
                        continue
                    raise MXNetError('copy_params_from: %s has %r, which the symbol does not use; '
                                     'pass allow_extra_params=True to ignore it' % (what, name))
                dst = target[name]
                src = arr._data if isinstance(arr, NDArray) else np.asarray(arr)
                if src.shape != dst.shape:
                    raise MXNetError('copy_params_from: %s has shape %s but the executor expects %s'
                                     % (name, fmt(src.shape), fmt(dst.shape)))
                np.copyto(dst._data, src, casting='unsafe')

    def reshape(self, partial_shaping=False, allow_up_sizing=False, **kwargs):
        """A new executor for new input shapes, sharing the arrays whose shape is unchanged."""
        import warnings
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            arg_shapes, _, aux_shapes = self._symbol.infer_shape(**kwargs)
        if arg_shapes is None:
            # the arguments not given keep their current shapes
            known = {n: a.shape for n, a in zip(self._arg_names, self.arg_arrays)}
            known.update(kwargs)
            arg_shapes, _, aux_shapes = self._symbol.infer_shape(**known)
        if arg_shapes is None:
            raise MXNetError('reshape: cannot infer all shapes from %s' % kwargs)
        fresh = sum(_nbytes(s, a._data.dtype) * (1 if g is None else 2)
                    for s, a, g in zip(arg_shapes, self.arg_arrays, self.grad_arrays)
                    if a.shape != tuple(s))
        check('reshape', fresh, fresh, [('new arguments and gradients', fresh)], at_least=True)
        args, grads, aux = {}, {}, {}
        for n, s, a, g in zip(self._arg_names, arg_shapes, self.arg_arrays, self.grad_arrays):
            s = tuple(s)
            if a.shape == s:
                args[n] = a
                if g is not None:
                    grads[n] = g
                continue
            if n not in kwargs and not partial_shaping:
                raise MXNetError('reshape: the shape of %s would change from %s to %s; pass '
                                 'partial_shaping=True to allow it' % (n, fmt(a.shape), fmt(s)))
            args[n] = NDArray(np.zeros(s, dtype=a._data.dtype), self._ctx)
            if g is not None:
                grads[n] = NDArray(np.zeros(s, dtype=g._data.dtype), self._ctx)
        for n, s, a in zip(self._aux_names, aux_shapes, self.aux_arrays):
            if a.shape != tuple(s):
                raise MXNetError('reshape: auxiliary state %s would change shape from %s to %s'
                                 % (n, fmt(a.shape), fmt(tuple(s))))
            aux[n] = a
        ex = Executor(self._symbol, self._ctx, args, grads, self._grad_reqs, aux, fresh)
        ex._monitor, ex._monitor_all = self._monitor, self._monitor_all
        return ex

    # -- introspection -------------------------------------------------------
    def debug_str(self):
        """The plan: forward and backward operators, then ``Total N MB allocated``."""
        from .debug import describe_plan
        return describe_plan(self)
