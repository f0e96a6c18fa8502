"""Operators that change an array's shape or axis order but not its values.

``Reshape`` implements MXNet's special codes: 0 copies a dimension, -1 infers
one, -2 copies all remaining, -3 merges two, -4 splits one into the next two
values (either may be -1); ``reverse=True`` applies them from the right.
"""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import fmt, norm_axis, shape_size


def reshape_shape(op, ishape, spec, reverse=False):
    """The output shape of MXNet's Reshape for input ``ishape``."""
    ishape = tuple(ishape)
    spec = tuple(spec)
    if reverse:
        ishape, spec = ishape[::-1], spec[::-1]
    out = []
    src = 0
    infer_at = -1
    i = 0

    def need(n):
        if src + n > len(ishape):
            raise MXNetError('%s: shape %s uses more dimensions than the input %s has'
                             % (op, fmt(spec), fmt(ishape)))
    while i < len(spec):
        s = spec[i]
        if s > 0:
            out.append(s)
            src += 1
        elif s == 0:
            need(1)
            out.append(ishape[src])
            src += 1
        elif s == -1:
            if infer_at >= 0:
                raise MXNetError('%s: shape %s has more than one -1' % (op, fmt(spec)))
            infer_at = len(out)
            out.append(1)
            src += 1
        elif s == -2:
            out.extend(ishape[src:])
            src = len(ishape)
        elif s == -3:
            need(2)
            out.append(ishape[src] * ishape[src + 1])
            src += 2
        elif s == -4:
            need(1)
            if i + 2 >= len(spec):
                raise MXNetError('%s: -4 in shape %s must be followed by two dimensions'
                                 % (op, fmt(spec)))
            d0 = ishape[src]
            d1, d2 = spec[i + 1], spec[i + 2]
            i += 2
            if d1 == -1 and d2 == -1:
                raise MXNetError('%s: -4 split of dimension %d cannot infer both parts'
                                 % (op, d0))
            if d1 == -1:
                d1 = d0 // d2 if d2 else 0
            if d2 == -1:
                d2 = d0 // d1 if d1 else 0
            if d1 * d2 != d0:
                raise MXNetError('%s: split dims %d, %d do not divide original dim %d'
                                 % (op, d1, d2, d0))
            out.extend([d1, d2])
            src += 1
        else:
            raise MXNetError('%s: invalid value %d in shape %s' % (op, s, fmt(spec)))
        i += 1
    total = shape_size(ishape)
    if infer_at >= 0:
        rest = shape_size(out)
        if rest == 0 or total % rest:
            raise MXNetError('%s: cannot reshape input of shape %s into %s: %d elements do not '
                             'divide into %d' % (op, fmt(ishape[::-1] if reverse else ishape),
                                                 fmt(spec[::-1] if reverse else spec), total, rest))
        out[infer_at] = total // rest
    if reverse:
        out = out[::-1]
        ishape = ishape[::-1]
    out = tuple(out)
    if shape_size(out) != total:
        raise MXNetError('%s: cannot reshape input of shape %s (%d elements) into %s (%d elements)'
                         % (op, fmt(ishape), total, fmt(out), shape_size(out)))
    return out


@register
class Reshape(Operator):
    name = 'Reshape'
    aliases = ('reshape',)
    params = (Param('shape', 'shape', ()), Param('reverse', 'bool', False),
              Param('target_shape', 'shape', ()), Param('keep_highest', 'bool', False))
    inplace = ((0, 0),)
    grad_needs = ()
    doc = 'Reshapes the input; see MXNet\'s special codes 0, -1, -2, -3, -4.'

    def out_shape(self, attrs, ishape):
        if attrs.shape:
            return reshape_shape(self.name, ishape, attrs.shape, attrs.reverse)
        if attrs.target_shape:
            spec = list(attrs.target_shape)
            if attrs.keep_highest:
                spec = [ishape[0]] + spec
            spec = [-1 if d == 0 else d for d in spec]
            return reshape_shape(self.name, ishape, spec)
        raise MXNetError('Reshape: parameter shape is required, e.g. shape=(0, -1)')

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None or 0 in s:
            return in_shapes, [None]
        return in_shapes, [self.out_shape(attrs, s)]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        src = inputs[0].reshape(out.shape)
        if out is not src and not np.shares_memory(out, src):
            np.copyto(out, src)
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        return [out_grads[0].reshape(inputs[0].shape)]


@register
class Flatten(Operator):
    name = 'Flatten'
    aliases = ('flatten',)
    inplace = ((0, 0),)
    grad_needs = ()
    doc = 'Collapses all but the first axis: (N, ...) -> (N, rest).'

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None:
            return in_shapes, [None]
        if len(s) == 0:
            return in_shapes, [(1, 1)]
        return in_shapes, [(s[0], shape_size(s[1:]))]

    forward = Reshape.forward
    backward = Reshape.backward


@register
class ExpandDims(Operator):
    name = 'expand_dims'
    params = (Param('axis', 'int'),)
    inplace = ((0, 0),)
    grad_needs = ()
    doc = 'Inserts a new axis of size 1 at ``axis``.'

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None:
            return in_shapes, [None]
        ax = norm_axis(self.name, attrs.axis, len(s) + 1)
        return in_shapes, [tuple(s[:ax]) + (1,) + tuple(s[ax:])]

    forward = Reshape.forward
    backward = Reshape.backward


@register
class Squeeze(Operator):
    name = 'squeeze'
    params = (Param('axis', 'axis', None),)
    inplace = ((0, 0),)
    grad_needs = ()
    doc = 'Removes axes of size 1 (all of them, or those in ``axis``).'

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None:
            return in_shapes, [None]
        if attrs.axis is None:
            out = tuple(d for d in s if d != 1)
        else:
            axes = (attrs.axis,) if isinstance(attrs.axis, int) else attrs.axis
            axes = {norm_axis(self.name, a, len(s)) for a in axes}
            for a in axes:
                if s[a] != 1:
                    raise MXNetError('squeeze: cannot squeeze axis %d of size %d in shape %s'
                                     % (a, s[a], fmt(s)))
            out = tuple(d for i, d in enumerate(s) if i not in axes)
        return in_shapes, [out if out else (1,)]

    forward = Reshape.forward
    backward = Reshape.backward


@register
class ReshapeLike(Operator):
    name = 'reshape_like'
    arguments = ('lhs', 'rhs')
    params = (Param('lhs_begin', 'int', None), Param('lhs_end', 'int', None),
              Param('rhs_begin', 'int', None), Param('rhs_end', 'int', None))
    grad_needs = ('inputs',)
    doc = 'Reshapes ``lhs`` to the shape of ``rhs`` (or a range of its axes).'

    def infer_shape(self, attrs, in_shapes):
        lhs, rhs = in_shapes
        if lhs is None or rhs is None:
            return in_shapes, [None]
        lb = 0 if attrs.lhs_begin is None else attrs.lhs_begin % max(len(lhs), 1)
        le = len(lhs) if attrs.lhs_end is None else (attrs.lhs_end % (len(lhs) + 1) if attrs.lhs_end < 0 else attrs.lhs_end)
        rb = 0 if attrs.rhs_begin is None else attrs.rhs_begin % max(len(rhs), 1)
        re = len(rhs) if attrs.rhs_end is None else (attrs.rhs_end % (len(rhs) + 1) if attrs.rhs_end < 0 else attrs.rhs_end)
        out = tuple(lhs[:lb]) + tuple(rhs[rb:re]) + tuple(lhs[le:])
        if shape_size(out) != shape_size(lhs):
            raise MXNetError('reshape_like: cannot reshape lhs of shape %s like %s'
                             % (fmt(lhs), fmt(out)))
        return in_shapes, [out]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.copyto(out, inputs[0].reshape(out.shape))
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        return [out_grads[0].reshape(inputs[0].shape), None]


@register
class Transpose(Operator):
    name = 'transpose'
    params = (Param('axes', 'shape', ()),)
    grad_needs = ()
    doc = 'Permutes the axes (reverses them when ``axes`` is empty).'

    def _axes(self, attrs, ndim):
        if not attrs.axes:
            return tuple(range(ndim))[::-1]
        axes = tuple(norm_axis(self.name, a, ndim, 'axes entry') for a in attrs.axes)
        if sorted(axes) != list(range(ndim)):
            raise MXNetError('transpose: axes %s is not a permutation of the %d axes of the input'
                             % (fmt(attrs.axes), ndim))
        return axes

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None:
            return in_shapes, [None]
        return in_shapes, [tuple(s[a] for a in self._axes(attrs, len(s)))]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.copyto(out, np.transpose(inputs[0], self._axes(attrs, inputs[0].ndim)))
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        axes = self._axes(attrs, inputs[0].ndim)
        return [np.ascontiguousarray(np.transpose(out_grads[0], np.argsort(axes)))]


@register
class SwapAxis(Operator):
    name = 'SwapAxis'
    aliases = ('swapaxes',)
    params = (Param('dim1', 'int', 0), Param('dim2', 'int', 0))
    grad_needs = ()
    doc = 'Interchanges two axes.'

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None:
            return in_shapes, [None]
        a = norm_axis(self.name, attrs.dim1, len(s), 'dim1')
        b = norm_axis(self.name, attrs.dim2, len(s), 'dim2')
        out = list(s)
        out[a], out[b] = out[b], out[a]
        return in_shapes, [tuple(out)]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.copyto(out, np.swapaxes(inputs[0], attrs.dim1, attrs.dim2))
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        return [np.ascontiguousarray(np.swapaxes(out_grads[0], attrs.dim1, attrs.dim2))]


class _SizeInfo(Operator):
    differentiable = False
    grad_needs = ()

    def infer_type(self, attrs, in_types):
        return list(in_types), [np.dtype(np.int64)]


@register
class ShapeArray(_SizeInfo):
    name = 'shape_array'
    doc = 'The shape of the input as an int64 array.'

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        return in_shapes, [None if s is None else (len(s),)]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        out[...] = inputs[0].shape
        return [out]


@register
class SizeArray(_SizeInfo):
    name = 'size_array'
    doc = 'The number of elements of the input as an int64 array of shape (1,).'

    def infer_shape(self, attrs, in_shapes):
        return in_shapes, [(1,)]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        out[0] = inputs[0].size
        return [out]


@register
class DepthToSpace(Operator):
    name = 'depth_to_space'
    params = (Param('block_size', 'int'),)
    grad_needs = ()
    doc = 'Rearranges (N, C*b*b, H, W) into (N, C, H*b, W*b).'

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None:
            return in_shapes, [None]
        b = attrs.block_size
        if len(s) != 4 or s[1] % (b * b):
            raise MXNetError('depth_to_space: input %s must be 4-D with channels divisible by '
                             'block_size^2 = %d' % (fmt(s), b * b))
        return in_shapes, [(s[0], s[1] // (b * b), s[2] * b, s[3] * b)]

    def forward(self, ctx, attrs, inputs, aux):
        x = inputs[0]
        n, c, h, w = x.shape
        b = attrs.block_size
        out = ctx.out(0)
        y = x.reshape(n, b, b, c // (b * b), h, w).transpose(0, 3, 4, 1, 5, 2)
        np.copyto(out, y.reshape(out.shape))
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        n, c, h, w = inputs[0].shape
        b = attrs.block_size
        g = out_grads[0].reshape(n, c // (b * b), h, b, w, b).transpose(0, 3, 5, 1, 2, 4)
        return [np.ascontiguousarray(g.reshape(inputs[0].shape))]


@register
class SpaceToDepth(Operator):
    name = 'space_to_depth'
    params = (Param('block_size', 'int'),)
    grad_needs = ()
    doc = 'Rearranges (N, C, H*b, W*b) into (N, C*b*b, H, W).'

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None:
            return in_shapes, [None]
        b = attrs.block_size
        if len(s) != 4 or s[2] % b or s[3] % b:
            raise MXNetError('space_to_depth: input %s must be 4-D with H and W divisible by '
                             'block_size %d' % (fmt(s), b))
        return in_shapes, [(s[0], s[1] * b * b, s[2] // b, s[3] // b)]

    def forward(self, ctx, attrs, inputs, aux):
        x = inputs[0]
        n, c, h, w = x.shape
        b = attrs.block_size
        out = ctx.out(0)
        y = x.reshape(n, c, h // b, b, w // b, b).transpose(0, 3, 5, 1, 2, 4)
        np.copyto(out, y.reshape(out.shape))
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        n, c, h, w = inputs[0].shape
        b = attrs.block_size
        g = out_grads[0].reshape(n, b, b, c, h // b, w // b).transpose(0, 3, 4, 1, 5, 2)
        return [np.ascontiguousarray(g.reshape(inputs[0].shape))]
