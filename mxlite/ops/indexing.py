"""Gathering by index: take, pick, one_hot, where, batch_take, gather_nd.

Indices may be float arrays (MXNet's default dtype); they are truncated.
``mode='clip'`` clamps out-of-range indices, ``'wrap'`` wraps them,
``'raise'`` (take) reports them.
"""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import fmt, norm_axis, merge_shape


def _blocks(shape, axis):
    outer = 1
    for d in shape[:axis]:
        outer *= d
    inner = 1
    for d in shape[axis + 1:]:
        inner *= d
    return outer, shape[axis], inner


def _check_raise(op, idx, n, axis):
    if idx.size:
        lo, hi = idx.min(), idx.max()
        if lo < -n or hi >= n:
            raise MXNetError('%s: index %s is out of range for axis %d of length %d (mode=\'raise\'); '
                             "use mode='clip' or 'wrap'" % (op, lo if lo < -n else hi, axis, n))


@register
class Take(Operator):
    name = 'take'
    arguments = ('a', 'indices')
    params = (Param('axis', 'int', 0), Param('mode', 'enum', 'clip', choices=('raise', 'wrap', 'clip')))
    grad_needs = ('inputs',)
    doc = 'Gathers slices of ``a`` along ``axis`` at ``indices``.'

    def infer_shape(self, attrs, in_shapes):
        a, idx = in_shapes
        if a is None or idx is None:
            return in_shapes, [None]
        ax = norm_axis(self.name, attrs.axis, len(a))
        return in_shapes, [tuple(a[:ax]) + tuple(idx) + tuple(a[ax + 1:])]

    def infer_type(self, attrs, in_types):
        return list(in_types), [in_types[0]]

    def forward(self, ctx, attrs, inputs, aux):
        from ..kernels import indexing as K
        a, idx = inputs
        ax = norm_axis(self.name, attrs.axis, a.ndim)
        O, N, I = _blocks(a.shape, ax)
        if N == 0 and idx.size:
            raise MXNetError('take: axis %d of a, shape %s, is empty: there is nothing to take'
                             % (ax, fmt(a.shape)))
        if attrs.mode == 'raise':
            _check_raise(self.name, idx, N, ax)
        flat = K.as_index(idx.reshape(-1))
        if attrs.mode == 'raise':
            flat = np.where(flat < 0, flat + N, flat)
        out = ctx.out(0)
        tmp = np.empty((O, flat.shape[0], I), dtype=a.dtype)
        K.take3(np.ascontiguousarray(a).reshape(O, N, I), flat, tmp, attrs.mode == 'wrap')
        np.copyto(out, tmp.reshape(out.shape))
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        from ..kernels import indexing as K
        a, idx = inputs
        ax = norm_axis(self.name, attrs.axis, a.ndim)
        O, N, I = _blocks(a.shape, ax)
        flat = K.as_index(idx.reshape(-1))
        if attrs.mode == 'raise':
            flat = np.where(flat < 0, flat + N, flat)
        g = np.ascontiguousarray(out_grads[0]).reshape(O, flat.shape[0], I)
        gx = np.zeros((O, N, I), dtype=g.dtype)
        K.take3_backward(g, flat, gx, attrs.mode == 'wrap')
        return [gx.reshape(a.shape), None]


@register
class Pick(Operator):
    name = 'pick'
    arguments = ('data', 'index')
    params = (Param('axis', 'int', -1), Param('keepdims', 'bool', False),
              Param('mode', 'enum', 'clip', choices=('wrap', 'clip')))
    grad_needs = ('inputs',)
    doc = 'Picks one element per position along ``axis``: out[i] = data[i, index[i]].'

    def _axis(self, attrs, ndim):
        return norm_axis(self.name, -1 if attrs.axis is None else attrs.axis, ndim)

    def infer_shape(self, attrs, in_shapes):
        d, idx = in_shapes
        if d is None:
            return in_shapes, [None]
        ax = self._axis(attrs, len(d))
        out = tuple(d[:ax]) + tuple(d[ax + 1:])
        if attrs.keepdims:
            out = tuple(d[:ax]) + (1,) + tuple(d[ax + 1:])
        want = tuple(d[:ax]) + ((1,) if attrs.keepdims else ()) + tuple(d[ax + 1:])
        if idx is not None and tuple(idx) != want and tuple(idx) != tuple(d[:ax]) + tuple(d[ax + 1:]):
            raise MXNetError('pick: index shape %s does not match data shape %s with axis=%d '
                             '(expected %s)' % (fmt(idx), fmt(d), ax, fmt(want)))
        return [d, idx if idx is not None else want], [out]

    def infer_type(self, attrs, in_types):
        return list(in_types), [in_types[0]]

    def forward(self, ctx, attrs, inputs, aux):
        from ..kernels import indexing as K
        x, idx = inputs
        ax = self._axis(attrs, x.ndim)
        O, N, I = _blocks(x.shape, ax)
        out = ctx.out(0)
        tmp = np.empty((O, I), dtype=x.dtype)
        K.pick3(np.ascontiguousarray(x).reshape(O, N, I), K.as_index(idx).reshape(O, I), tmp,
                attrs.mode == 'wrap')
        np.copyto(out, tmp.reshape(out.shape))
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        from ..kernels import indexing as K
        x, idx = inputs
        ax = self._axis(attrs, x.ndim)
        O, N, I = _blocks(x.shape, ax)
        gx = np.zeros((O, N, I), dtype=out_grads[0].dtype)
        K.pick3_backward(np.ascontiguousarray(out_grads[0]).reshape(O, I),
                         K.as_index(idx).reshape(O, I), gx, attrs.mode == 'wrap')
        return [gx.reshape(x.shape), None]


@register
class OneHot(Operator):
    name = 'one_hot'
    arguments = ('indices',)
    params = (Param('depth', 'int'), Param('on_value', 'float', 1.0),
              Param('off_value', 'float', 0.0), Param('dtype', 'dtype', np.dtype('float32')))
    differentiable = False
    grad_needs = ()
    doc = 'One-hot encoding: out[..., indices[...]] = on_value, off_value elsewhere.'

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if attrs.depth < 0:
            raise MXNetError('one_hot: depth must be >= 0, got %d' % attrs.depth)
        return in_shapes, [None if s is None else tuple(s) + (attrs.depth,)]

    def infer_type(self, attrs, in_types):
        return list(in_types), [attrs.dtype]

    def forward(self, ctx, attrs, inputs, aux):
        from ..kernels import indexing as K
        idx = K.as_index(inputs[0].reshape(-1))
        out = ctx.out(0)
        tmp = np.empty((idx.shape[0], attrs.depth), dtype=out.dtype)
        K.one_hot(idx, attrs.depth, out.dtype.type(attrs.on_value),
                  out.dtype.type(attrs.off_value), tmp)
        np.copyto(out, tmp.reshape(out.shape))
        return [out]


@register
class Where(Operator):
    name = 'where'
    arguments = ('condition', 'x', 'y')
    grad_needs = ('inputs',)
    doc = 'x where condition is non-zero, else y; condition has their shape or is 1-D over axis 0.'

    def infer_shape(self, attrs, in_shapes):
        c, x, y = in_shapes
        try:   # (0 = not yet known, as in zeros((0, 0)))
            xy = merge_shape('where', 'x', x, y)
        except MXNetError:
            raise MXNetError('where: x has shape %s but y has shape %s; they must be equal'
                             % (fmt(x), fmt(y))) from None
        if c is not None and xy is not None and len(c) == len(xy):
            xy = merge_shape('where', 'x', xy, c)
        if c is not None and xy is not None and 0 not in xy and 0 not in c:
            if tuple(c) != tuple(xy) and not (len(c) == 1 and c[0] == xy[0]):
                raise MXNetError('where: condition has shape %s; it must equal the shape of x %s '
                                 'or be 1-D of length %d' % (fmt(c), fmt(xy), xy[0]))
        return [c, xy, xy], [xy]

    def infer_type(self, attrs, in_types):
        from .infer import same_type
        t_in, t_out = same_type(self.name, ['x', 'y'], in_types[1:], 1)
        return [in_types[0]] + t_in, t_out

    @staticmethod
    def _cond(c, shape):
        if c.shape != shape:
            c = c.reshape((c.shape[0],) + (1,) * (len(shape) - 1))
        return c != 0

    def forward(self, ctx, attrs, inputs, aux):
        c, x, y = inputs
        out = ctx.out(0)
        np.copyto(out, np.where(self._cond(c, x.shape), x, y))
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        c, x, _ = inputs
        g = out_grads[0]
        m = np.broadcast_to(self._cond(c, x.shape), x.shape)
        return [None, np.where(m, g, 0).astype(g.dtype), np.where(m, 0, g).astype(g.dtype)]


@register
class BatchTake(Operator):
    name = 'batch_take'
    arguments = ('a', 'indices')
    grad_needs = ('inputs',)
    doc = 'out[i] = a[i, indices[i]] for a 2-D ``a``.'

    def infer_shape(self, attrs, in_shapes):
        a, idx = in_shapes
        if a is None:
            return in_shapes, [None]
        if len(a) != 2:
            raise MXNetError('batch_take: a must be 2-D, got shape %s' % fmt(a))
        return [a, (a[0],)], [(a[0],)]

    def infer_type(self, attrs, in_types):
        return list(in_types), [in_types[0]]

    def forward(self, ctx, attrs, inputs, aux):
        a, idx = inputs
        i = np.clip(idx.astype(np.int64), 0, a.shape[1] - 1)
        out = ctx.out(0)
        np.copyto(out, a[np.arange(a.shape[0]), i])
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        a, idx = inputs
        i = np.clip(idx.astype(np.int64), 0, a.shape[1] - 1)
        g = np.zeros_like(a, dtype=out_grads[0].dtype)
        g[np.arange(a.shape[0]), i] = out_grads[0]
        return [g, None]


@register
class GatherND(Operator):
    name = 'gather_nd'
    arguments = ('data', 'indices')
    grad_needs = ('inputs',)
    doc = 'out[i..] = data[indices[0, i..], indices[1, i..], ...].'

    def infer_shape(self, attrs, in_shapes):
        d, idx = in_shapes
        if d is None or idx is None:
            return in_shapes, [None]
        m = idx[0]
        if m > len(d):
            raise MXNetError('gather_nd: indices %s index %d axes but data %s has only %d'
                             % (fmt(idx), m, fmt(d), len(d)))
        return in_shapes, [tuple(idx[1:]) + tuple(d[m:])]

    def infer_type(self, attrs, in_types):
        return list(in_types), [in_types[0]]

    def forward(self, ctx, attrs, inputs, aux):
        d, idx = inputs
        key = tuple(idx.astype(np.int64))
        out = ctx.out(0)
        np.copyto(out, d[key])
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        d, idx = inputs
        g = np.zeros(d.shape, dtype=out_grads[0].dtype)
        np.add.at(g, tuple(idx.astype(np.int64)), out_grads[0])
        return [g, None]


@register
class ScatterND(Operator):
    name = 'scatter_nd'
    arguments = ('data', 'indices')
    params = (Param('shape', 'shape'),)
    grad_needs = ('inputs',)
    doc = 'Inverse of gather_nd: an array of ``shape`` with data placed at indices.'

    def infer_shape(self, attrs, in_shapes):
        return in_shapes, [tuple(attrs.shape)]

    def infer_type(self, attrs, in_types):
        return list(in_types), [in_types[0]]

    def forward(self, ctx, attrs, inputs, aux):
        d, idx = inputs
        out = ctx.out(0)
        out.fill(0)
        out[tuple(idx.astype(np.int64))] = d
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        d, idx = inputs
        return [np.ascontiguousarray(out_grads[0][tuple(idx.astype(np.int64))]), None]
