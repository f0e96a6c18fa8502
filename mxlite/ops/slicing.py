"""Joining, splitting, slicing, tiling and broadcasting arrays."""
import numpy as np

from ..base import MXNetError, must_override
from .registry import Operator, register, Param
from .infer import fmt, norm_axis, merge_shape, shapes_are_concrete
from .binary import reduce_to_shape


@register
class Concat(Operator):
    name = 'Concat'
    aliases = ('concat',)
    params = (Param('num_args', 'int'), Param('dim', 'int', 1))
    num_args_param = 'num_args'
    grad_needs = ('inputs',)
    doc = 'Joins arrays along axis ``dim``; all other axes must agree.'

    def infer_shape(self, attrs, in_shapes):
        known = [s for s in in_shapes if s is not None]
        if not known:
            return in_shapes, [None]
        ndim = len(known[0])
        dim = norm_axis(self.name, attrs.dim, ndim, 'dim')
        template = None
        for i, s in enumerate(in_shapes):
            if s is None:
                continue
            if len(s) != ndim:
                raise MXNetError('Concat: input %d has shape %s but input 0 has %d dimensions'
                                 % (i, fmt(s), ndim))
            rest = tuple(0 if j == dim else d for j, d in enumerate(s))
            try:
                template = merge_shape(self.name, 'arg%d' % i, template, rest)
            except MXNetError:
                raise MXNetError('Concat: input %d has shape %s, which differs from the others '
                                 'outside dim %d (%s)' % (i, fmt(s), dim, fmt(template))) from None
        if shapes_are_concrete() and len(known) == len(in_shapes):
            # real arrays: an empty input is empty, and the other axes must agree exactly
            for i, s in enumerate(in_shapes):
                if any(a != b for j, (a, b) in enumerate(zip(s, known[0])) if j != dim):
                    raise MXNetError('Concat: input %d has shape %s, which differs from input 0 '
                                     '%s outside dim %d' % (i, fmt(s), fmt(known[0]), dim))
            out = tuple(sum(s[dim] for s in in_shapes) if j == dim else d
                        for j, d in enumerate(known[0]))
            return list(in_shapes), [out]
        full = []
        for s in in_shapes:
            full.append(tuple(template) if s is None else tuple(s))
        total = sum(s[dim] for s in full)
        unknown = any(s[dim] == 0 for s in full)
        out = tuple(0 if (j == dim and unknown) else (total if j == dim else d)
                    for j, d in enumerate(template))
        return [s if s is not None else None for s in in_shapes], [out]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.concatenate(inputs, axis=attrs.dim, out=out)
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        dim = norm_axis(self.name, attrs.dim, inputs[0].ndim, 'dim')
        cuts = np.cumsum([x.shape[dim] for x in inputs])[:-1]
        return [np.ascontiguousarray(g) for g in np.split(out_grads[0], cuts, axis=dim)]


@register
class Stack(Operator):
    name = 'stack'
    params = (Param('axis', 'int', 0), Param('num_args', 'int'))
    num_args_param = 'num_args'
    grad_needs = ()
    doc = 'Joins arrays of one shape along a new axis.'

    def infer_shape(self, attrs, in_shapes):
        common = None
        for i, s in enumerate(in_shapes):
            try:
                common = merge_shape(self.name, 'arg%d' % i, common, s)
            except MXNetError:
                raise MXNetError('stack: input %d has shape %s but the others have %s; all inputs '
                                 'must have the same shape' % (i, fmt(s), fmt(common))) from None
        if common is None:
            return in_shapes, [None]
        ax = norm_axis(self.name, attrs.axis, len(common) + 1)
        return [common] * len(in_shapes), [common[:ax] + (len(in_shapes),) + common[ax:]]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.stack(inputs, axis=attrs.axis, out=out)
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        g = out_grads[0]
        ax = norm_axis(self.name, attrs.axis, g.ndim)
        return [np.ascontiguousarray(np.take(g, i, axis=ax)) for i in range(len(inputs))]


@register
class SliceChannel(Operator):
    name = 'SliceChannel'
    aliases = ('split',)
    params = (Param('num_outputs', 'int'), Param('axis', 'int', 1),
              Param('squeeze_axis', 'bool', False))
    count_params = ('num_outputs',)
    grad_needs = ()
    doc = 'Splits an array into ``num_outputs`` equal parts along ``axis``.'

    def list_outputs(self, attrs):
        return ['output%d' % i for i in range(attrs.num_outputs)]

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        n = attrs.num_outputs
        if s is None:
            return in_shapes, [None] * n
        ax = norm_axis(self.name, attrs.axis, len(s))
        if n <= 0 or s[ax] % n:
            raise MXNetError('SliceChannel: num_outputs=%d does not evenly divide axis %d of '
                             'length %d (input shape %s)' % (n, ax, s[ax], fmt(s)))
        part = s[ax] // n
        if attrs.squeeze_axis:
            if part != 1:
                raise MXNetError('SliceChannel: squeeze_axis=True needs num_outputs (%d) equal to '
                                 'the length of axis %d (%d)' % (n, ax, s[ax]))
            o = tuple(s[:ax]) + tuple(s[ax + 1:])
        else:
            o = tuple(s[:ax]) + (part,) + tuple(s[ax + 1:])
        return in_shapes, [o] * n

    def forward(self, ctx, attrs, inputs, aux):
        x = inputs[0]
        ax = norm_axis(self.name, attrs.axis, x.ndim)
        outs = []
        for i, part in enumerate(np.split(x, attrs.num_outputs, axis=ax)):
            o = ctx.out(i)
            np.copyto(o, part.reshape(o.shape))
            outs.append(o)
        return outs

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x = inputs[0]
        ax = norm_axis(self.name, attrs.axis, x.ndim)
        part_shape = list(x.shape)
        part_shape[ax] //= attrs.num_outputs
        parts = [np.zeros(part_shape, x.dtype) if g is None else g.reshape(part_shape)
                 for g in out_grads]
        return [np.concatenate(parts, axis=ax)]


def _slices(op, shape, begin, end, step):
    if len(begin) != len(end) or (step and len(step) != len(begin)):
        raise MXNetError('%s: begin %s, end %s and step %s must have the same length'
                         % (op, begin, end, step))
    if len(begin) > len(shape):
        raise MXNetError('%s: begin %s has more entries than the input %s has dimensions'
                         % (op, begin, fmt(shape)))
    out = []
    for i in range(len(shape)):
        if i >= len(begin):
            out.append(slice(None))
            continue
        st = step[i] if step and step[i] is not None else 1
        if st == 0:
            raise MXNetError('%s: step cannot be 0 (axis %d)' % (op, i))
        out.append(slice(begin[i], end[i], st))
    return tuple(out)


def _sliced_shape(op, shape, index):
    out = []
    for d, sl in zip(shape, index):
        n = len(range(*sl.indices(d)))
        if n == 0 and d:
            raise MXNetError('%s: slice %s of axis with length %d is empty' % (op, sl, d))
        out.append(n)
    return tuple(out)


class _SliceBase(Operator):
    grad_needs = ('inputs',)

    def index(self, attrs, shape):
        must_override(self, 'index', 'return the index tuple the operator selects')

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None:
            return in_shapes, [None]
        return in_shapes, [_sliced_shape(self.name, s, self.index(attrs, s))]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.copyto(out, inputs[0][self.index(attrs, inputs[0].shape)])
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x = inputs[0]
        g = np.zeros(x.shape, dtype=out_grads[0].dtype)
        g[self.index(attrs, x.shape)] = out_grads[0]
        return [g]


@register
class Slice(_SliceBase):
    name = 'slice'
    aliases = ('crop', '_npi_slice')
    params = (Param('begin', 'shape'), Param('end', 'shape'), Param('step', 'shape', ()))
    doc = 'Takes data[begin:end:step] per axis (None entries mean the whole axis).'

    def index(self, attrs, shape):
        return _slices(self.name, shape, attrs.begin, attrs.end, attrs.step)


@register
class SliceAxis(_SliceBase):
    name = 'slice_axis'
    params = (Param('axis', 'int'), Param('begin', 'int'), Param('end', 'int', None))
    doc = 'Takes data[begin:end] along one axis.'

    def index(self, attrs, shape):
        ax = norm_axis(self.name, attrs.axis, len(shape))
        idx = [slice(None)] * len(shape)
        idx[ax] = slice(attrs.begin, attrs.end)
        return tuple(idx)


@register
class SliceLike(_SliceBase):
    name = 'slice_like'
    arguments = ('data', 'shape_like')
    params = (Param('axes', 'shape', ()),)
    doc = 'Slices ``data`` to the shape of ``shape_like`` (on ``axes`` or all).'

    def infer_shape(self, attrs, in_shapes):
        s, like = in_shapes
        if s is None or like is None:
            return in_shapes, [None]
        return in_shapes, [_sliced_shape(self.name, s, self._index(attrs, s, like))]

    def _index(self, attrs, shape, like):
        axes = attrs.axes or tuple(range(len(like)))
        idx = [slice(None)] * len(shape)
        for a in axes:
            a = norm_axis(self.name, a, len(shape))
            if a >= len(like) or like[a] > shape[a]:
                raise MXNetError('slice_like: shape_like %s does not fit in data %s at axis %d'
                                 % (fmt(like), fmt(shape), a))
            idx[a] = slice(0, like[a])
        return tuple(idx)

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.copyto(out, inputs[0][self._index(attrs, inputs[0].shape, inputs[1].shape)])
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x = inputs[0]
        g = np.zeros(x.shape, dtype=out_grads[0].dtype)
        g[self._index(attrs, x.shape, inputs[1].shape)] = out_grads[0]
        return [g, None]


@register
class Tile(Operator):
    name = 'tile'
    params = (Param('reps', 'shape'),)
    grad_needs = ('inputs',)
    doc = 'Repeats the whole array ``reps`` times along each axis (numpy.tile).'

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None:
            return in_shapes, [None]
        reps = tuple(attrs.reps) or (1,)
        n = max(len(s), len(reps))
        s2 = (1,) * (n - len(s)) + tuple(s)
        r2 = (1,) * (n - len(reps)) + reps
        return in_shapes, [tuple(a * b for a, b in zip(s2, r2))]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.copyto(out, np.tile(inputs[0], attrs.reps or (1,)))
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x = inputs[0]
        g = out_grads[0]
        n = g.ndim
        s2 = (1,) * (n - x.ndim) + x.shape
        reps = [g.shape[i] // s2[i] for i in range(n)]
        inter = []
        for r, d in zip(reps, s2):
            inter += [r, d]
        r = g.reshape(inter).sum(axis=tuple(range(0, 2 * n, 2)))
        return [r.reshape(x.shape)]


@register
class Repeat(Operator):
    name = 'repeat'
    params = (Param('repeats', 'int'), Param('axis', 'int', None))
    grad_needs = ('inputs',)
    doc = 'Repeats each element ``repeats`` times (along ``axis``, or flattened).'

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None:
            return in_shapes, [None]
        if attrs.repeats < 0:
            raise MXNetError('repeat: repeats must be >= 0, got %d' % attrs.repeats)
        if attrs.axis is None:
            n = 1
            for d in s:
                n *= d
            return in_shapes, [(n * attrs.repeats,)]
        ax = norm_axis(self.name, attrs.axis, len(s))
        o = list(s)
        o[ax] *= attrs.repeats
        return in_shapes, [tuple(o)]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.copyto(out, np.repeat(inputs[0], attrs.repeats, axis=attrs.axis))
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x = inputs[0]
        g = out_grads[0]
        r = attrs.repeats
        if attrs.axis is None:
            return [g.reshape(-1, r).sum(axis=1).reshape(x.shape)]
        ax = norm_axis(self.name, attrs.axis, x.ndim)
        shp = x.shape[:ax] + (x.shape[ax], r) + x.shape[ax + 1:]
        return [g.reshape(shp).sum(axis=ax + 1)]


@register
class Reverse(Operator):
    name = 'reverse'
    aliases = ('flip',)
    params = (Param('axis', 'shape'),)
    grad_needs = ()
    doc = 'Reverses the order of elements along the given axes.'

    def _axes(self, attrs, ndim):
        return tuple(norm_axis(self.name, a, ndim) for a in attrs.axis)

    def infer_shape(self, attrs, in_shapes):
        if in_shapes[0] is not None:
            self._axes(attrs, len(in_shapes[0]))
        return in_shapes, [in_shapes[0]]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.copyto(out, np.flip(inputs[0], self._axes(attrs, inputs[0].ndim)))
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        return [np.ascontiguousarray(np.flip(out_grads[0], self._axes(attrs, inputs[0].ndim)))]


def _broadcast_check(op, s, target):
    if len(target) != len(s):
        raise MXNetError('%s: cannot broadcast shape %s to %s: the number of dimensions differs'
                         % (op, fmt(s), fmt(target)))
    for a, b in zip(s, target):
        if a != b and a != 1:
            raise MXNetError('%s: cannot broadcast shape %s to %s' % (op, fmt(s), fmt(target)))
    return tuple(target)


class _BroadcastBase(Operator):
    grad_needs = ('inputs',)

    def target(self, attrs, in_shapes):
        must_override(self, 'target', 'return the broadcast target shape')

    def infer_shape(self, attrs, in_shapes):
        if in_shapes[0] is None:
            return in_shapes, [None]
        t = self.target(attrs, in_shapes)
        return in_shapes, [None if t is None else _broadcast_check(self.name, in_shapes[0], t)]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.copyto(out, np.broadcast_to(inputs[0], out.shape))
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        return [reduce_to_shape(out_grads[0], inputs[0].shape)] + [None] * (len(inputs) - 1)


@register
class BroadcastTo(_BroadcastBase):
    name = 'broadcast_to'
    params = (Param('shape', 'shape', ()),)
    doc = 'Broadcasts to ``shape``; a 0 keeps that dimension.'

    def target(self, attrs, in_shapes):
        s = in_shapes[0]
        if len(attrs.shape) != len(s):
            raise MXNetError('broadcast_to: shape %s must have as many dimensions as the input %s'
                             % (fmt(attrs.shape), fmt(s)))
        return tuple(d if t == 0 else t for d, t in zip(s, attrs.shape))


@register
class BroadcastAxis(_BroadcastBase):
    name = 'broadcast_axis'
    aliases = ('broadcast_axes',)
    params = (Param('axis', 'shape', ()), Param('size', 'shape', ()))
    doc = 'Broadcasts axes of size 1 to ``size``.'

    def target(self, attrs, in_shapes):
        s = list(in_shapes[0])
        if len(attrs.axis) != len(attrs.size):
            raise MXNetError('broadcast_axis: axis %s and size %s must have the same length'
                             % (attrs.axis, attrs.size))
        for a, n in zip(attrs.axis, attrs.size):
            a = norm_axis(self.name, a, len(s))
            if s[a] != 1:
                raise MXNetError('broadcast_axis: axis %d has length %d, only axes of length 1 '
                                 'can be broadcast' % (a, s[a]))
            s[a] = n
        return tuple(s)


@register
class BroadcastLike(_BroadcastBase):
    name = 'broadcast_like'
    arguments = ('lhs', 'rhs')
    params = (Param('lhs_axes', 'shape', None), Param('rhs_axes', 'shape', None))
    doc = 'Broadcasts ``lhs`` to the shape of ``rhs``.'

    def target(self, attrs, in_shapes):
        lhs, rhs = in_shapes
        if rhs is None:
            return None
        if attrs.lhs_axes is None:
            return tuple(rhs)
        out = list(lhs)
        for a, b in zip(attrs.lhs_axes, attrs.rhs_axes):
            out[norm_axis(self.name, a, len(lhs))] = rhs[norm_axis(self.name, b, len(rhs))]
        return tuple(out)
