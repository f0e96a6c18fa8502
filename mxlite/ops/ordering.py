"""Sorting: sort, argsort, topk.  Index outputs default to float32 as in MXNet."""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import norm_axis, fmt


def _order(x, axis, ascend):
    """Stable argsort along ``axis``; descending keeps equal elements in order."""
    if ascend:
        return np.argsort(x, axis=axis, kind='stable')
    if x.dtype.kind == 'f':
        return np.argsort(-x, axis=axis, kind='stable')
    rev = np.flip(x, axis=axis)
    idx = np.argsort(rev, axis=axis, kind='stable')
    idx = x.shape[axis] - 1 - np.flip(idx, axis=axis)
    return idx


def _flat_axis(op, axis, x_shape):
    if axis is None:
        return None
    return norm_axis(op, axis, len(x_shape))


@register
class Sort(Operator):
    name = 'sort'
    params = (Param('axis', 'int', -1), Param('is_ascend', 'bool', True))
    grad_needs = ('inputs',)
    doc = 'Sorts along ``axis`` (flattened when None).'

    def list_outputs(self, attrs):
        return ['output']

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None:
            return in_shapes, [None]
        if attrs.axis is None:
            return in_shapes, [(int(np.prod(s)),)]
        norm_axis(self.name, attrs.axis, len(s))
        return in_shapes, [s]

    def forward(self, ctx, attrs, inputs, aux):
        x = inputs[0]
        ax = _flat_axis(self.name, attrs.axis, x.shape)
        if ax is None:
            x, ax = x.reshape(-1), 0
        idx = _order(x, ax, attrs.is_ascend)
        out = ctx.out(0)
        np.copyto(out, np.take_along_axis(x, idx, axis=ax))
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x = inputs[0]
        ax = _flat_axis(self.name, attrs.axis, x.shape)
        xf = x.reshape(-1) if ax is None else x
        a = 0 if ax is None else ax
        idx = _order(xf, a, attrs.is_ascend)
        g = np.zeros(xf.shape, dtype=out_grads[0].dtype)
        np.put_along_axis(g, idx, out_grads[0].reshape(xf.shape) if ax is None else out_grads[0],
                          axis=a)
        return [g.reshape(x.shape)]


@register
class Argsort(Operator):
    name = 'argsort'
    params = (Param('axis', 'int', -1), Param('is_ascend', 'bool', True),
              Param('dtype', 'enum', 'float32', choices=('float16', 'float32', 'float64',
                                                         'int32', 'int64', 'uint8')))
    differentiable = False
    grad_needs = ()
    doc = 'Indices that sort the input along ``axis``.'

    infer_shape = Sort.infer_shape

    def infer_type(self, attrs, in_types):
        return list(in_types), [np.dtype(attrs.dtype)]

    def forward(self, ctx, attrs, inputs, aux):
        x = inputs[0]
        ax = _flat_axis(self.name, attrs.axis, x.shape)
        if ax is None:
            x, ax = x.reshape(-1), 0
        out = ctx.out(0)
        np.copyto(out, _order(x, ax, attrs.is_ascend), casting='unsafe')
        return [out]


@register
class TopK(Operator):
    name = 'topk'
    params = (Param('axis', 'int', -1), Param('k', 'int', 1),
              Param('ret_typ', 'enum', 'indices', choices=('value', 'indices', 'mask', 'both')),
              Param('is_ascend', 'bool', False),
              Param('dtype', 'enum', 'float32', choices=('float16', 'float32', 'float64',
                                                         'int32', 'int64', 'uint8')))
    grad_needs = ('inputs',)
    doc = 'The k largest (or smallest) elements along ``axis``: values, indices, a mask or both.'

    def list_outputs(self, attrs):
        return ['output0', 'output1'] if attrs.ret_typ == 'both' else ['output']

    def _geom(self, attrs, s):
        if attrs.axis is None:
            n = int(np.prod(s))
            k = n if attrs.k <= 0 else attrs.k
            if k > n:
                raise MXNetError('topk: k=%d is larger than the %d elements of the input'
                                 % (k, n))
            return None, k
        ax = norm_axis(self.name, attrs.axis, len(s))
        k = s[ax] if attrs.k <= 0 else attrs.k
        if k > s[ax]:
            raise MXNetError('topk: k=%d is larger than axis %d of length %d (input shape %s)'
                             % (k, ax, s[ax], fmt(s)))
        return ax, k

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None:
            return in_shapes, [None] * self.num_outputs(attrs)
        ax, k = self._geom(attrs, s)
        if attrs.ret_typ == 'mask':
            return in_shapes, [s]
        o = (k,) if ax is None else tuple(s[:ax]) + (k,) + tuple(s[ax + 1:])
        return in_shapes, [o] * self.num_outputs(attrs)

    def infer_type(self, attrs, in_types):
        t = in_types[0]
        idx_t = np.dtype(attrs.dtype)
        if attrs.ret_typ == 'both':
            return list(in_types), [t, idx_t]
        if attrs.ret_typ == 'indices':
            return list(in_types), [idx_t]
        return list(in_types), [t]

    def _topk(self, attrs, x):
        ax, k = self._geom(attrs, x.shape)
        if ax is None:
            x, ax = x.reshape(-1), 0
        idx = np.take(_order(x, ax, attrs.is_ascend), np.arange(k), axis=ax)
        return x, ax, idx

    def forward(self, ctx, attrs, inputs, aux):
        x0 = inputs[0]
        x, ax, idx = self._topk(attrs, x0)
        if attrs.ret_typ == 'mask':
            m = np.zeros(x.shape, dtype=x0.dtype)
            np.put_along_axis(m, idx, 1, axis=ax)
            out = ctx.out(0)
            np.copyto(out, m.reshape(out.shape))
            return [out]
        vals = np.take_along_axis(x, idx, axis=ax)
        if attrs.ret_typ == 'value':
            out = ctx.out(0)
            np.copyto(out, vals)
            return [out]
        if attrs.ret_typ == 'indices':
            out = ctx.out(0)
            np.copyto(out, idx, casting='unsafe')
            return [out]
        o0, o1 = ctx.out(0), ctx.out(1)
        np.copyto(o0, vals)
        np.copyto(o1, idx, casting='unsafe')
        return [o0, o1]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x0 = inputs[0]
        if attrs.ret_typ in ('indices', 'mask') or out_grads[0] is None:
            return [np.zeros_like(x0)]
        x, ax, idx = self._topk(attrs, x0)
        g = np.zeros(x.shape, dtype=out_grads[0].dtype)
        np.put_along_axis(g, idx, out_grads[0].reshape(idx.shape), axis=ax)
        return [g.reshape(x0.shape)]
