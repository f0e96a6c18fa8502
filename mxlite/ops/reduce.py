"""Reductions: sum, mean, prod, max, min, norm, argmax, argmin.

MXNet 1.x reduces to shape ``(1,)`` (not a 0-d array) when every axis goes
and ``keepdims`` is off.  ``argmax``/``argmin`` return indices in the input's
dtype (float32 for float32 input), as MXNet does.
"""
import numpy as np

from ..base import MXNetError, must_override
from .registry import Operator, register, Param
from .infer import norm_axes, norm_axis, fmt

REDUCE_PARAMS = (Param('axis', 'axis', None), Param('keepdims', 'bool', False),
                 Param('exclude', 'bool', False))


def reduced_shape(shape, axes, keepdims):
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    out = tuple(d for i, d in enumerate(shape) if i not in axes)
    return out if out else (1,)


def _keep_shape(shape, axes):
    return tuple(1 if i in axes else d for i, d in enumerate(shape))


class _Reduce(Operator):
    params = REDUCE_PARAMS
    aliases = ()

    def _axes(self, attrs, ndim):
        return norm_axes(self.name, attrs.axis, ndim, attrs.exclude)

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None:
            return in_shapes, [None]
        return in_shapes, [reduced_shape(s, self._axes(attrs, len(s)), attrs.keepdims)]

    def compute(self, x, axes):
        must_override(self, 'compute', 'return the reduction of x over axes')

    def forward(self, ctx, attrs, inputs, aux):
        x = inputs[0]
        axes = self._axes(attrs, x.ndim)
        out = ctx.out(0)
        r = self.compute(x, axes)
        np.copyto(out, np.reshape(r, out.shape), casting='unsafe')
        return [out]

    def grad(self, x, y, g, axes):
        must_override(self, 'grad', 'return the gradient of the reduction')

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x = inputs[0]
        axes = self._axes(attrs, x.ndim)
        keep = _keep_shape(x.shape, axes)
        g = out_grads[0].reshape(keep)
        y = outputs[0].reshape(keep)
        return [np.asarray(self.grad(x, y, g, axes), dtype=out_grads[0].dtype)]


def _reduce(op_name, aliases, compute, grad, doc):
    cls = type('Reduce_' + op_name, (_Reduce,), {
        'name': op_name, 'aliases': aliases, 'doc': doc,
        'compute': lambda self, x, axes: compute(x, axes),
        'grad': lambda self, x, y, g, axes: grad(x, y, g, axes)})
    register(cls)


def _mean(x, axes):
    if x.dtype.kind in 'iu':
        n = 1
        for a in axes:
            n *= x.shape[a]
        return np.sum(x, axis=axes, dtype=np.int64) // max(n, 1)
    return np.mean(x, axis=axes, dtype=x.dtype)


def _count(x, axes):
    n = 1
    for a in axes:
        n *= x.shape[a]
    return n


_reduce('sum', ('sum_axis',), lambda x, a: np.sum(x, axis=a, dtype=x.dtype),
        lambda x, y, g, a: np.broadcast_to(g, x.shape), 'Sum over the given axes.')
_reduce('mean', (), _mean, lambda x, y, g, a: np.broadcast_to(g / _count(x, a), x.shape),
        'Mean over the given axes.')
_reduce('prod', (), lambda x, a: np.prod(x, axis=a, dtype=x.dtype),
        lambda x, y, g, a: g * y / x, 'Product over the given axes.')
_reduce('nansum', (), lambda x, a: np.nansum(x, axis=a, dtype=x.dtype),
        lambda x, y, g, a: g * ~np.isnan(x), 'Sum over the given axes, NaN counted as 0.')
_reduce('nanprod', (), lambda x, a: np.nanprod(x, axis=a, dtype=x.dtype),
        lambda x, y, g, a: np.where(np.isnan(x), 0, g * y / x), 'Product, NaN counted as 1.')
_reduce('max', ('max_axis',), lambda x, a: np.max(x, axis=a) if x.size else np.zeros(()),
        lambda x, y, g, a: g * (x == y), 'Maximum over the given axes.')
_reduce('min', ('min_axis',), lambda x, a: np.min(x, axis=a) if x.size else np.zeros(()),
        lambda x, y, g, a: g * (x == y), 'Minimum over the given axes.')


@register
class Norm(Operator):
    name = 'norm'
    params = (Param('ord', 'int', 2), Param('axis', 'axis', None),
              Param('out_dtype', 'enum', None, choices=('float16', 'float32', 'float64', 'int32',
                                                        'int64', 'int8'), optional=True),
              Param('keepdims', 'bool', False))
    doc = 'The L1 or L2 norm over the given axes (all by default).'

    def _axes(self, attrs, ndim):
        if attrs.ord not in (1, 2):
            raise MXNetError('norm: ord=%d is not supported; use ord=1 or ord=2' % attrs.ord)
        return norm_axes(self.name, attrs.axis, ndim)

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None:
            return in_shapes, [None]
        return in_shapes, [reduced_shape(s, self._axes(attrs, len(s)), attrs.keepdims)]

    def infer_type(self, attrs, in_types):
        out = np.dtype(attrs.out_dtype) if attrs.out_dtype else in_types[0]
        return list(in_types), [out]

    def forward(self, ctx, attrs, inputs, aux):
        x = inputs[0]
        axes = self._axes(attrs, x.ndim)
        if attrs.ord == 1:
            r = np.sum(np.abs(x), axis=axes)
        else:
            r = np.sqrt(np.sum(np.square(x, dtype=np.float64 if x.dtype.kind != 'f' else x.dtype),
                               axis=axes))
        out = ctx.out(0)
        np.copyto(out, np.reshape(r, out.shape), casting='unsafe')
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x = inputs[0]
        axes = self._axes(attrs, x.ndim)
        keep = _keep_shape(x.shape, axes)
        g = out_grads[0].reshape(keep)
        if attrs.ord == 1:
            return [(g * np.sign(x)).astype(x.dtype)]
        y = outputs[0].reshape(keep)
        with np.errstate(divide='ignore', invalid='ignore'):
            r = np.where(y == 0, 0, g * x / y)
        return [r.astype(x.dtype)]


class _ArgReduce(Operator):
    params = (Param('axis', 'int', None), Param('keepdims', 'bool', False))
    differentiable = False
    grad_needs = ()
    fn = None

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None:
            return in_shapes, [None]
        if attrs.axis is None:
            return in_shapes, [(1,) * len(s) if attrs.keepdims else (1,)]
        ax = norm_axis(self.name, attrs.axis, len(s))
        return in_shapes, [reduced_shape(s, (ax,), attrs.keepdims)]

    def forward(self, ctx, attrs, inputs, aux):
        x = inputs[0]
        if x.size == 0:
            raise MXNetError('%s: input of shape %s is empty' % (self.name, fmt(x.shape)))
        r = type(self).fn(x, axis=None if attrs.axis is None else
                          norm_axis(self.name, attrs.axis, x.ndim))
        out = ctx.out(0)
        np.copyto(out, np.reshape(r, out.shape), casting='unsafe')
        return [out]


@register
class Argmax(_ArgReduce):
    name = 'argmax'
    fn = staticmethod(np.argmax)
    doc = 'Index of the maximum along ``axis`` (the flat index when axis is None).'


@register
class Argmin(_ArgReduce):
    name = 'argmin'
    fn = staticmethod(np.argmin)
    doc = 'Index of the minimum along ``axis`` (the flat index when axis is None).'


@register
class ArgmaxChannel(Operator):
    name = 'argmax_channel'
    differentiable = False
    grad_needs = ()
    doc = 'argmax along the last axis.'

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        return in_shapes, [None if s is None else (tuple(s[:-1]) or (1,))]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.copyto(out, np.argmax(inputs[0], axis=-1).reshape(out.shape), casting='unsafe')
        return [out]
