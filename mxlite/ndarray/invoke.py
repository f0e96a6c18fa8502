"""Running one registry operator imperatively on NDArrays.

Every ``mx.nd.<op>`` call funnels through :func:`invoke`: bind the call's
arguments to the operator's inputs and parameters, check contexts, shapes
and dtypes (so kernels never see inconsistent input), run ``forward``, wrap
the results, and hand the call to the autograd recorder when one is active.
"""
import threading
import time

import numpy as np

from ..kernels import blas as _blas

from .. import profiler as _prof
from ..base import MXNetError, _Null
from ..context import Context, current_context
from ..ops.registry import OpContext
from ..ops.infer import fmt, concrete_shapes

__all__ = ['invoke', 'invoke_op', 'STATE', 'bind_inputs']


class _State(threading.local):
    """Autograd's flags, kept here so the imperative path can read them cheaply."""

    def __init__(self):
        self.recording = False
        self.training = False
        self.recorder = None     # set by mxlite.autograd: recorder(op, attrs, inputs, outputs, state)


STATE = _State()

_ATTR_CACHE = {}
_ATTR_CACHE_MAX = 4096


def parse_cached(op, params):
    """``op.parse(params)``, memoised on hashable parameter values."""
    try:
        # the value's type is part of the key: scalar=1 and scalar=1.0 print differently
        key = (op.name, tuple(sorted((k, type(v), v) for k, v in params.items())))
        hash(key)
    except TypeError:
        return op.parse(params)
    attrs = _ATTR_CACHE.get(key)
    if attrs is None:
        attrs = op.parse(params)
        if len(_ATTR_CACHE) >= _ATTR_CACHE_MAX:
            _ATTR_CACHE.clear()
        _ATTR_CACHE[key] = attrs
    return attrs


def bind_inputs(op, args, kwargs, is_input):
    """Split a call into (positional inputs, named inputs, params).

    Leading positional values for which ``is_input`` holds are inputs;
    further positional values fill the operator's parameters in order.
    Keyword values for which ``is_input`` holds (or that are ``None`` and
    name an input) are named inputs.
    """
    pos_inputs = []
    params = {}
    i = 0
    variadic = op.num_args_param is not None
    if variadic and len(args) == 1 and isinstance(args[0], (list, tuple)):
        args = tuple(args[0])
    while i < len(args) and (is_input(args[i]) or (args[i] is None and not variadic)):
        pos_inputs.append(args[i])
        i += 1
    rest = args[i:]
    if rest:
        names = [p.name for p in op.params if p.name != op.num_args_param]
        if len(rest) > len(names):
            raise MXNetError('%s: too many positional arguments (%d given after the inputs); pass '
                             'parameters by name' % (op.name, len(rest)))
        for name, v in zip(names, rest):
            params[name] = v
    named = {}
    input_names = set(op.arguments) | set(op.aux_states)
    for k, v in kwargs.items():
        if is_input(v):
            named[k] = v
        elif v is None and k in input_names:
            continue
        else:
            if k in params:
                raise MXNetError('%s: parameter %r given twice' % (op.name, k))
            params[k] = v
    if variadic and op.num_args_param not in params:
        params[op.num_args_param] = len(pos_inputs) + len(named)
    return pos_inputs, named, params


def order_inputs(op, attrs, pos_inputs, named):
    """Inputs in the operator's order (arguments, then aux states)."""
    names = op.list_arguments(attrs) + op.list_aux_states(attrs)
    pos_inputs = [x for x in pos_inputs]
    while pos_inputs and pos_inputs[-1] is None:
        pos_inputs.pop()
    if len(pos_inputs) > len(names):
        raise MXNetError('%s: takes %d input%s (%s) but %d were given'
                         % (op.name, len(names), '' if len(names) == 1 else 's',
                            ', '.join(names) or 'none', len(pos_inputs)))
    ordered = list(pos_inputs) + [None] * (len(names) - len(pos_inputs))
    for k, v in named.items():
        if k not in names:
            raise MXNetError('%s: unknown input %r; inputs are: %s'
                             % (op.name, k, ', '.join(names) or 'none'))
        idx = names.index(k)
        if ordered[idx] is not None:
            raise MXNetError('%s: input %r given twice' % (op.name, k))
        ordered[idx] = v
    missing = [n for n, v in zip(names, ordered) if v is None]
    if missing:
        raise MXNetError('%s: missing input%s %s' % (op.name, '' if len(missing) == 1 else 's',
                                                     ', '.join(repr(m) for m in missing)))
    return ordered, names


def _check_inferred(op, names, given, inferred):
    for name, g, want in zip(names, given, inferred):
        if want is None:
            continue
        if len(g) != len(want) or any(w != 0 and w != d for d, w in zip(g, want)):
            raise MXNetError('%s: input %r has shape %s but %s is required by the other inputs '
                             'and the parameters' % (op.name, name, fmt(g), fmt(want)))


def run_forward(op, attrs, arrays, names, buffers=None, is_train=False, state=None):
    """Shape/type-check and run ``op`` on numpy arrays; returns all outputs."""
    in_shapes = [a.shape for a in arrays]
    with concrete_shapes():
        new_shapes, out_shapes = op.infer_shape(attrs, in_shapes)
    _check_inferred(op, names, in_shapes, new_shapes)
    in_types = [a.dtype for a in arrays]
    _, out_types = op.infer_type(attrs, in_types)
    n_out = len(out_shapes)
    out_types = [t if t is not None else (in_types[0] if in_types else np.dtype(np.float32))
                 for t in out_types]
    if any(s is None for s in out_shapes):
        raise MXNetError('%s: cannot infer the output shape from inputs %s'
                         % (op.name, ', '.join(fmt(s) for s in in_shapes)))
    if buffers is not None:
        for i, (b, s) in enumerate(zip(buffers, out_shapes)):
            if b is not None and b.shape != tuple(s):
                raise MXNetError('%s: out= array has shape %s but the result has shape %s'
                                 % (op.name, fmt(b.shape), fmt(s)))
    n_args = len(op.list_arguments(attrs))
    ctx = OpContext(is_train, buffers, None, out_shapes, out_types, state=state)
    outs = op.forward(ctx, attrs, arrays[:n_args], arrays[n_args:])
    if len(outs) != n_out:
        raise MXNetError('%s: internal error: forward returned %d outputs, expected %d'
                         % (op.name, len(outs), n_out))
    return outs


def invoke(op, args, kwargs):
    """``mx.nd.<op>(*args, **kwargs)``."""
    from .ndarray import NDArray
    out = kwargs.pop('out', None)
    kwargs.pop('name', None)
    pos, named, params = bind_inputs(op, args, kwargs, lambda v: isinstance(v, NDArray))
    attrs = parse_cached(op, params)
    inputs, names = order_inputs(op, attrs, pos, named)
    return invoke_op(op, attrs, inputs, names, out)


def _context_of(op, attrs, inputs):
    if inputs:
        ctx = inputs[0]._ctx
        for x in inputs[1:]:
            if x._ctx != ctx:
                raise MXNetError('%s: inputs are on different contexts (%s and %s); move them to '
                                 'one with .as_in_context(ctx)' % (op.name, ctx, x._ctx))
        return ctx
    text = attrs.get('ctx')
    if text:
        dev, _, rest = str(text).partition('(')
        ctx = Context(dev, int(rest.rstrip(')') or 0))
    else:
        ctx = current_context()
    ctx.check_usable(op.name)
    return ctx


def invoke_op(op, attrs, inputs, names=None, out=None):
    """Run ``op`` with parsed ``attrs`` on NDArray ``inputs``; returns NDArray(s)."""
    from .ndarray import NDArray
    if _blas._libs is None:        # first operator of the process: BLAS to one thread
        _blas.ensure_pinned()
    if names is None:
        names = op.list_arguments(attrs) + op.list_aux_states(attrs)
    ctx = _context_of(op, attrs, inputs)
    arrays = [x._data for x in inputs]
    n_vis = op.num_visible_outputs(attrs)
    outs_given = None
    buffers = None
    if out is not None:
        outs_given = list(out) if isinstance(out, (list, tuple)) else [out]
        for o in outs_given:
            if not isinstance(o, NDArray):
                raise MXNetError('%s: out= must be an NDArray, got %s' % (op.name, type(o).__name__))
        buffers = [o._data for o in outs_given]
        buffers += [None] * (op.num_outputs(attrs) - len(buffers))
    is_train = STATE.training
    recording = STATE.recording and STATE.recorder is not None
    # a recorded call of an operator that keeps state gets a dict its backward will see
    state = None
    if recording and op.keeps_state and any(x._ag is not None for x in inputs):
        state = {}
    if _prof.STATE.active:
        t = time.perf_counter()
        results = run_forward(op, attrs, arrays, names, buffers, is_train, state)
        _prof.record(op.name, 'imperative', t, time.perf_counter())
    else:
        results = run_forward(op, attrs, arrays, names, buffers, is_train, state)
    if outs_given is not None:
        for o, r in zip(outs_given, results):
            if r is not o._data:
                if r.dtype != o._data.dtype:
                    np.copyto(o._data, r, casting='unsafe')
                else:
                    o._data[...] = r
        wrapped = list(outs_given) + [NDArray(r, ctx) for r in results[len(outs_given):]]
    else:
        wrapped = [NDArray(r, ctx) for r in results]
    if recording:
        STATE.recorder(op, attrs, inputs, wrapped, state)
    if outs_given is not None:
        return out
    if n_vis == 1:
        return wrapped[0]
    return wrapped[:n_vis]
