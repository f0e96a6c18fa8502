"""Running a hybridized block: its traced Symbol on a cached, planned Executor.

This is mxlite's CachedOp.  Executors are cached per input signature (shapes,
dtypes, context, which inputs need gradients).  Parameters are bound by
reference, so optimizer updates are seen without copies.  While autograd
records, one call is one node on the tape whose backward is the executor's
backward.  An executor whose forward is waiting for its backward is leased;
a second call in the same recording (the same block applied twice, shared
weights) gets its own executor, so every call keeps its own saved state.
"""
import weakref

import numpy as np

from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from ..ndarray import invoke as _inv

__all__ = ['CachedGraph']


class _Lease:
    """Marks an executor busy until its backward ran or its tape node died."""
    __slots__ = ('entry', '__weakref__')

    def __init__(self, entry):
        self.entry = entry
        entry['busy'] = True

    def release(self):
        self.entry['busy'] = False


def _release(entry):
    entry['busy'] = False


class CachedGraph:
    """Executes ``symbol`` with inputs named ``data_names`` and Parameters ``params``."""

    def __init__(self, symbol, data_names, params):
        self.symbol = symbol
        self.data_names = list(data_names)
        self.input_names = symbol.list_inputs()
        self.arg_names = symbol.list_arguments()
        self.aux_names = set(symbol.list_auxiliary_states())
        self.params = params              # name -> Parameter (only those the graph uses)
        self._pool = {}                   # signature -> [entry]

    def _signature(self, data, ctx, recording):
        sig = [str(ctx), recording]
        for x in data:
            sig.append(None if x is None else (x.shape, x._data.dtype.str,
                                              recording and x._ag is not None))
        return tuple(sig)

    def _bind(self, data, ctx, recording):
        from ..executor import Executor
        args, grads, reqs, aux = {}, {}, {}, {}
        by_name = dict(zip(self.data_names, data))
        for name in self.input_names:
            if name in by_name:
                x = by_name[name]
                if x is None:
                    raise MXNetError('hybridized block: input %s is None but the graph uses it'
                                     % name)
                args[name] = NDArray(np.empty(x.shape, dtype=x._data.dtype), ctx)
                if recording and x._ag is not None:
                    reqs[name] = 'write'
                    grads[name] = NDArray(np.zeros(x.shape, dtype=x._data.dtype), ctx)
                else:
                    reqs[name] = 'null'
                continue
            p = self.params[name]
            arr = p.data(ctx)
            if name in self.aux_names:
                aux[name] = arr
                continue
            args[name] = arr
            if recording and p.grad_req != 'null':
                reqs[name] = 'write'
                grads[name] = NDArray(np.zeros(arr.shape, dtype=arr._data.dtype), ctx)
            else:
                reqs[name] = 'null'
        ex = Executor.bind(self.symbol, ctx, args, grads, reqs, aux)
        return {'ex': ex, 'busy': False}

    def _get(self, data, ctx, recording):
        key = self._signature(data, ctx, recording)
        entries = self._pool.setdefault(key, [])
        for e in entries:
            if not e['busy']:
                return e
        e = self._bind(data, ctx, recording)
        entries.append(e)
        return e

    def __call__(self, data, ctx):
        recording = _inv.STATE.recording
        entry = self._get(data, ctx, recording)
        ex = entry['ex']
        arg_dict = ex.arg_dict
        for name, x in zip(self.data_names, data):
            if name in arg_dict:
                np.copyto(arg_dict[name]._data, x._data)
        ex.forward(is_train=_inv.STATE.training)
        outputs = [NDArray(np.array(o._data, copy=True), ctx) for o in ex.outputs]
        if recording:
            inputs, grad_sources = [], []
            grad_dict = ex.grad_dict
            for name, x in zip(self.data_names, data):
                if x is not None and name in arg_dict:
                    inputs.append(x)
                    grad_sources.append(grad_dict.get(name))
            for name in self.arg_names:
                if name in self.params:
                    inputs.append(self.params[name].data(ctx))
                    grad_sources.append(grad_dict.get(name))
            lease = _Lease(entry)
            train = _inv.STATE.training

            def backward(out_grads):
                given = [NDArray(g if g is not None else np.zeros_like(o._data), ctx)
                         for g, o in zip(out_grads, outputs)]
                ex.backward(given, is_train=train)
                res = [None if g is None else g._data for g in grad_sources]
                lease.release()
                return res
            if _record(inputs, outputs, backward):
                weakref.finalize(lease, _release, entry)
            else:
                lease.release()
        return outputs


def _record(inputs, outputs, backward):
    from .. import autograd
    return autograd.record_custom(inputs, outputs, backward)
