"""Dropout, Pad and Crop."""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import fmt, norm_axis
from .nn_common import tup, float_type, NO_EFFECT_DOC


@register
class Dropout(Operator):
    name = 'Dropout'
    params = (Param('p', 'float', 0.5, doc='fraction of the input dropped'),
              Param('mode', 'enum', 'training', choices=('always', 'training'),
                    doc="'training': only in training mode; 'always': also at inference"),
              Param('axes', 'shape', (), doc='axes along which one mask value is shared'),
              Param('cudnn_off', 'bool', False, optional=True, doc=NO_EFFECT_DOC))
    outputs = ('output', 'mask')
    grad_needs = ('outputs',)
    doc = ('Zeroes each element with probability p and scales the rest by 1 / (1 - p) in training '
           "(or always, with mode='always'); the identity otherwise.")

    def num_visible_outputs(self, attrs):
        return 1

    def infer_shape(self, attrs, in_shapes):
        if not 0.0 <= attrs.p <= 1.0:
            raise MXNetError('Dropout: p=%g must be in [0, 1]' % attrs.p)
        data = in_shapes[0]
        if data is not None:
            for a in attrs.axes:
                norm_axis(self.name, a, len(data), 'axes entry')
        return in_shapes, [data, data]

    def infer_type(self, attrs, in_types):
        float_type(self.name, 'data', in_types[0])
        return list(in_types), [in_types[0], in_types[0]]

    def _active(self, ctx, attrs):
        return attrs.p > 0 and (ctx.is_train or attrs.mode == 'always')

    def forward(self, ctx, attrs, inputs, aux):
        x = inputs[0]
        out = ctx.out(0)
        mask = ctx.out(1)
        if not self._active(ctx, attrs):
            if out is not x:
                np.copyto(out, x)
            mask.fill(1)
            return [out, mask]
        shape = list(x.shape)
        for a in attrs.axes:
            shape[norm_axis(self.name, a, x.ndim)] = 1
        keep = 1.0 - attrs.p
        if keep <= 0:
            mask.fill(0)    # everything dropped (MXNet 1.9.1 produces NaN here)
        else:
            draw = ctx.rng.random(tuple(shape), dtype=np.float32) < keep
            np.copyto(mask, np.broadcast_to(draw, x.shape) * x.dtype.type(1.0 / keep), casting='unsafe')
        np.multiply(x, mask, out=out)
        return [out, mask]

    def backward_reads(self, attrs):
        return (), (1,)        # the mask

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        return [out_grads[0] * outputs[1]]


@register
class Pad(Operator):
    name = 'Pad'
    aliases = ('pad',)
    params = (Param('mode', 'enum', choices=('constant', 'edge', 'reflect')),
              Param('pad_width', 'shape', doc='(before, after) for every axis; the first 4 must be 0'),
              Param('constant_value', 'float', 0.0, doc="fill value of mode='constant'"))
    grad_needs = ()
    doc = 'Pads the spatial axes of 4-D or 5-D data with a constant, the edge values or a reflection.'

    def _widths(self, attrs, shape):
        nd = len(shape)
        pw = attrs.pad_width
        if nd not in (4, 5):
            raise MXNetError('Pad: data must be 4-D or 5-D (batch, channel, spatial...); got %s'
                             % fmt(shape))
        if len(pw) != 2 * nd:
            raise MXNetError('Pad: pad_width %s must have 2 values per axis (%d for %d-D data)'
                             % (tup(pw), 2 * nd, nd))
        if any(pw[:4]):
            raise MXNetError('Pad: pad_width %s pads the batch or channel axis; only the spatial axes '
                             'can be padded (the first 4 values must be 0)' % tup(pw))
        if any(p < 0 for p in pw):
            raise MXNetError('Pad: pad_width %s must be non-negative' % tup(pw))
        widths = [(pw[2 * i], pw[2 * i + 1]) for i in range(nd)]
        if attrs.mode == 'reflect':
            for (b, a), n in zip(widths[2:], shape[2:]):
                if n and (b >= n or a >= n):
                    raise MXNetError("Pad: mode='reflect' needs pad widths smaller than the axis; "
                                     "pad_width %s vs data %s" % (tup(pw), fmt(shape)))
        return widths

    def infer_shape(self, attrs, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None]
        widths = self._widths(attrs, data)
        return in_shapes, [tuple(n + b + a if n else 0 for n, (b, a) in zip(data, widths))]

    def forward(self, ctx, attrs, inputs, aux):
        x = inputs[0]
        widths = self._widths(attrs, x.shape)
        if attrs.mode == 'constant':
            res = np.pad(x, widths, mode='constant', constant_values=attrs.constant_value)
        else:
            res = np.pad(x, widths, mode=attrs.mode)
        out = ctx.out(0)
        np.copyto(out, res)
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        dy = out_grads[0]
        shape = ctx.shapes[0]
        widths = self._widths(attrs, shape)
        if attrs.mode == 'constant':
            sl = tuple(slice(b, b + n) for (b, a), n in zip(widths, shape))
            return [np.ascontiguousarray(dy[sl])]
        # every output cell copies one input cell: scatter-add through that map
        src = np.pad(np.arange(int(np.prod(shape))).reshape(shape), widths, mode=attrs.mode)
        g = np.bincount(src.reshape(-1), weights=dy.reshape(-1), minlength=src.size)
        return [g[:int(np.prod(shape))].reshape(shape).astype(dy.dtype)]


@register
class Crop(Operator):
    name = 'Crop'
    params = (Param('num_args', 'int', doc='1 (crop to h_w) or 2 (crop to the second input\'s size)'),
              Param('offset', 'shape', (0, 0), doc='(y, x) of the top-left corner'),
              Param('h_w', 'shape', (0, 0), doc='(height, width) of the crop'),
              Param('center_crop', 'bool', False, doc='centre the crop (ignores offset)'))
    num_args_param = 'num_args'
    grad_needs = ()
    doc = 'Crops the spatial axes of NCHW data to h_w, or to the size of a second input.'

    def list_arguments(self, attrs):
        return ['arg%d' % i for i in range(attrs.num_args)]

    def _box(self, attrs, data, like):
        if attrs.num_args not in (1, 2):
            raise MXNetError('Crop: num_args must be 1 or 2, got %d' % attrs.num_args)
        if len(data) != 4:
            raise MXNetError('Crop: data must be 4-D (batch, channel, height, width); got %s' % fmt(data))
        if attrs.num_args == 2:
            if len(like) < 2:
                raise MXNetError('Crop: the second input must be at least 2-D; got %s' % fmt(like))
            h, w = like[-2], like[-1]
        else:
            if len(attrs.h_w) != 2:
                raise MXNetError('Crop: h_w %s must be (height, width)' % tup(attrs.h_w))
            h, w = attrs.h_w
        H, W = data[2], data[3]
        if attrs.center_crop:
            oy, ox = (H - h) // 2, (W - w) // 2
        else:
            if len(attrs.offset) != 2:
                raise MXNetError('Crop: offset %s must be (y, x)' % tup(attrs.offset))
            oy, ox = attrs.offset
        if h < 1 or w < 1 or oy < 0 or ox < 0 or oy + h > H or ox + w > W:
            raise MXNetError('Crop: the crop of size (%d, %d) at offset (%d, %d) does not fit in data %s'
                             % (h, w, oy, ox, fmt(data)))
        return oy, ox, h, w

    def infer_shape(self, attrs, in_shapes):
        if any(s is None for s in in_shapes):
            return in_shapes, [None]
        data = in_shapes[0]
        oy, ox, h, w = self._box(attrs, data, in_shapes[1] if attrs.num_args == 2 else None)
        return in_shapes, [(data[0], data[1], h, w)]

    def forward(self, ctx, attrs, inputs, aux):
        x = inputs[0]
        oy, ox, h, w = self._box(attrs, x.shape, inputs[1].shape if attrs.num_args == 2 else None)
        out = ctx.out(0)
        np.copyto(out, x[:, :, oy:oy + h, ox:ox + w])
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        shape = ctx.shapes[0]
        like = ctx.shapes[1] if attrs.num_args == 2 else None
        oy, ox, h, w = self._box(attrs, shape, like)
        dx = np.zeros(shape, dtype=out_grads[0].dtype)
        dx[:, :, oy:oy + h, ox:ox + w] = out_grads[0]
        grads = [dx]
        if attrs.num_args == 2:
            grads.append(np.zeros(like, dtype=ctx.dtypes[1]))
        return grads
