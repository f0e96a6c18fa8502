"""The ``Custom`` operator: user-defined operators written in Python (``mx.operator``).

A ``CustomOpProp`` subclass registered under a name describes the operator
(arguments, outputs, shape/type inference); its ``create_operator`` returns
a ``CustomOp`` whose ``forward``/``backward`` fill output NDArrays through
``assign``.  This registry entry adapts that protocol to the registry's, so
``mx.nd.Custom``, ``mx.sym.Custom``, the executor and autograd all run it.
"""
import weakref

import numpy as np

from ..base import MXNetError
from .params import Attrs
from .registry import Operator, register

PROPS = {}           # op_type -> CustomOpProp subclass


def register_prop(name, prop_cls):
    PROPS[name] = prop_cls


class _Instances:
    """The CustomOp object of each forward call, found again by its first output."""

    def __init__(self):
        self._by_out = {}

    def put(self, out, op):
        key = id(out)
        self._by_out[key] = (weakref.ref(out), op)
        weakref.finalize(out, self._by_out.pop, key, None)

    def get(self, out):
        entry = self._by_out.get(id(out))
        if entry is not None and entry[0]() is out:
            return entry[1]
        return None


_INSTANCES = _Instances()
_PROP_CACHE = {}


def _nd(arrays):
    from ..ndarray.ndarray import NDArray
    from ..context import cpu
    return [NDArray(a, cpu()) for a in arrays]


@register
class Custom(Operator):
    name = 'Custom'
    open_params = True          # any keyword is passed to the CustomOpProp's constructor
    doc = 'Runs a Python operator registered with mx.operator.register(op_type).'

    def parse(self, kwargs):
        params = {k: v for k, v in kwargs.items() if not (k.startswith('__') and k.endswith('__'))}
        op_type = params.pop('op_type', None)
        if op_type is None:
            raise MXNetError('Custom: required parameter op_type is missing (the name given to '
                             'mx.operator.register)')
        if op_type not in PROPS:
            raise MXNetError('Custom: op_type %r is not registered; register a CustomOpProp with '
                             '@mx.operator.register(%r) first (registered: %s)'
                             % (op_type, op_type, ', '.join(sorted(PROPS)) or 'none'))
        raw = {'op_type': str(op_type)}
        raw.update({k: str(v) for k, v in params.items()})
        return Attrs({'op_type': str(op_type), 'kwargs': tuple(sorted((k, str(v))
                                                                      for k, v in params.items()))},
                     raw)

    def prop(self, attrs):
        key = (attrs.op_type, attrs.kwargs)
        p = _PROP_CACHE.get(key)
        if p is None:
            p = PROPS[attrs.op_type](**dict(attrs.kwargs))
            _PROP_CACHE[key] = p
        return p

    def list_arguments(self, attrs):
        return list(self.prop(attrs).list_arguments())

    def list_aux_states(self, attrs):
        return list(self.prop(attrs).list_auxiliary_states())

    def list_outputs(self, attrs):
        return list(self.prop(attrs).list_outputs())

    def is_loss(self, attrs):
        return not self.prop(attrs).need_top_grad_

    def infer_shape(self, attrs, in_shapes):
        n_args = len(self.list_arguments(attrs))
        n_out = len(self.list_outputs(attrs))
        if any(s is None or 0 in s for s in in_shapes[:n_args]):
            return in_shapes, [None] * n_out
        res = self.prop(attrs).infer_shape([list(s) for s in in_shapes[:n_args]])
        arg_s, out_s = res[0], res[1]
        aux_s = res[2] if len(res) > 2 else []
        return ([tuple(s) for s in arg_s] + [tuple(s) for s in aux_s],
                [tuple(s) for s in out_s])

    def infer_type(self, attrs, in_types):
        n_args = len(self.list_arguments(attrs))
        n_out = len(self.list_outputs(attrs))
        if any(t is None for t in in_types[:n_args]):
            return list(in_types), [None] * n_out
        res = self.prop(attrs).infer_type([np.dtype(t).type for t in in_types[:n_args]])
        arg_t, out_t = res[0], res[1]
        aux_t = res[2] if len(res) > 2 else []
        return [np.dtype(t) for t in list(arg_t) + list(aux_t)], [np.dtype(t) for t in out_t]

    def forward(self, ctx, attrs, inputs, aux):
        from .. import autograd
        from ..context import cpu
        prop = self.prop(attrs)
        outs = [ctx.out(i) for i in range(len(self.list_outputs(attrs)))]
        op = prop.create_operator(cpu(), [list(a.shape) for a in inputs],
                                  [a.dtype.type for a in inputs])
        out_nd = _nd(outs)
        with autograd.pause(train_mode=ctx.is_train):
            op.forward(is_train=ctx.is_train, req=['write'] * len(outs), in_data=_nd(inputs),
                       out_data=out_nd, aux=_nd(aux))
        result = [o._data for o in out_nd]
        if result:
            _INSTANCES.put(result[0], op)
        return result

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        from .. import autograd
        from ..context import cpu
        prop = self.prop(attrs)
        op = _INSTANCES.get(outputs[0]) if outputs else None
        if op is None:
            op = prop.create_operator(cpu(), [list(a.shape) for a in inputs],
                                      [a.dtype.type for a in inputs])
        grads = [np.zeros(a.shape, dtype=a.dtype) for a in inputs]
        reqs = ['write'] * len(inputs)
        if ctx.req is not None:
            reqs = ['null' if r == 'null' else 'write' for r in ctx.req]
        ogs = [g if g is not None else np.zeros_like(o) for g, o in zip(out_grads, outputs)]
        in_grad = _nd(grads)
        with autograd.pause(train_mode=ctx.is_train):
            op.backward(req=reqs, out_grad=_nd(ogs), in_data=_nd(inputs), out_data=_nd(outputs),
                        in_grad=in_grad, aux=_nd(aux))
        return [g._data for g in in_grad]
