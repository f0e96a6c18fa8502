"""Convolution and Deconvolution (1-D and 2-D, NCW/NCHW, groups, dilation).

Kernels live in ``mxlite/kernels/conv.py``: im2col + BLAS GEMM, or a direct
loop when each output sums over very few taps.  1-D convolutions run as 2-D
ones with a unit height.  3-D kernels raise a clear "not supported".
"""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import fmt
from .nn_common import (spatial, check_layout, tup, uniform_float_type, as_compute,
                        compute_dtype, wanted, grad_buffer, out_buffer, finish, NO_EFFECT_DOC)

_LAYOUTS = ('NCW', 'NCHW', 'NCDHW', 'NHWC', 'NDHWC')
_TUNE = ('fastest', 'limited_workspace', 'off')


def _conv_params(workspace, no_bias, extra=()):
    return ((Param('kernel', 'shape', doc='kernel size (h, w) or (w,)'),
             Param('stride', 'shape', (), doc='stride per spatial dimension (default 1)'),
             Param('dilate', 'shape', (), doc='dilation per spatial dimension (default 1)'),
             Param('pad', 'shape', (), doc='zero padding per spatial dimension (default 0)'))
            + extra +
            (Param('num_filter', 'int', doc='number of output channels'),
             Param('num_group', 'int', 1, doc='number of groups'),
             Param('workspace', 'int', workspace, doc=NO_EFFECT_DOC),
             Param('no_bias', 'bool', no_bias, doc='whether to leave out the bias'),
             Param('cudnn_tune', 'enum', None, choices=_TUNE, doc=NO_EFFECT_DOC),
             Param('cudnn_off', 'bool', False, doc=NO_EFFECT_DOC),
             Param('layout', 'enum', None, choices=_LAYOUTS, doc='only NCW/NCHW are supported')))


class _ConvBase(Operator):
    arguments = ('data', 'weight', 'bias')

    def list_arguments(self, attrs):
        return ['data', 'weight'] if attrs.no_bias else ['data', 'weight', 'bias']

    def infer_type(self, attrs, in_types):
        return uniform_float_type(self.name, self.list_arguments(attrs), in_types, 1)

    def _check_common(self, attrs):
        nd = len(attrs.kernel)
        if nd == 3:
            raise MXNetError('%s: 3-D kernels (kernel %s) are not supported by mxlite; only 1-D and '
                             '2-D convolutions are' % (self.name, tup(attrs.kernel)))
        if nd not in (1, 2):
            raise MXNetError('%s: kernel %s must have 1 or 2 dimensions, e.g. kernel=(3, 3)'
                             % (self.name, tup(attrs.kernel)))
        if any(k < 1 for k in attrs.kernel):
            raise MXNetError('%s: kernel %s must be at least 1 in every dimension'
                             % (self.name, tup(attrs.kernel)))
        check_layout(self.name, attrs.layout, nd)
        if attrs.num_filter < 1:
            raise MXNetError('%s: num_filter must be at least 1, got %d' % (self.name, attrs.num_filter))
        if attrs.num_group < 1:
            raise MXNetError('%s: num_group must be at least 1, got %d' % (self.name, attrs.num_group))
        if attrs.num_filter % attrs.num_group:
            raise MXNetError('%s: num_filter=%d is not divisible by num_group=%d'
                             % (self.name, attrs.num_filter, attrs.num_group))
        return nd

    def _check_data(self, attrs, data, nd):
        if data is not None and len(data) != nd + 2:
            names = '(batch, channel, width)' if nd == 1 else '(batch, channel, height, width)'
            raise MXNetError('%s: kernel %s needs %d-D data %s; got data of shape %s'
                             % (self.name, tup(attrs.kernel), nd + 2, names, fmt(data)))

    def _check_arg(self, name, have, want, what):
        if have is None:
            return tuple(want)
        if len(have) != len(want) or any(h and w and h != w for h, w in zip(have, want)):
            raise MXNetError('%s: %s shape %s does not match %s: expected %s'
                             % (self.name, name, fmt(have), what, fmt(want)))
        return tuple(h or w for h, w in zip(have, want))

    @staticmethod
    def _geo(attrs, stride, dilate, pad):
        """(kh, kw, sh, sw, ph, pw, dh, dw) of the 2-D kernel that runs it."""
        if len(attrs.kernel) == 1:
            return (1, attrs.kernel[0], 1, stride[0], 0, pad[0], 1, dilate[0])
        return (attrs.kernel[0], attrs.kernel[1], stride[0], stride[1], pad[0], pad[1],
                dilate[0], dilate[1])

    @staticmethod
    def _as4d(a):
        return a.reshape(a.shape[:2] + (1,) + a.shape[2:]) if a.ndim == 3 else a

    def _empty_forward(self, ctx, attrs, inputs):
        """Outputs for zero-size calls (the kernels need at least one image and channel).

        No channels is refused; an empty batch or image gives an empty
        output (a bias alone where only the input is empty).
        """
        x = inputs[0]
        if x.shape[1] == 0:
            raise MXNetError('%s: data of shape %s has no channels' % (self.name, fmt(x.shape)))
        if x.size and 0 not in ctx.shapes[0]:
            return None
        out = np.zeros(ctx.shapes[0], dtype=compute_dtype(x))
        if not attrs.no_bias and out.size:
            out += as_compute(inputs[2]).reshape((1, -1) + (1,) * (out.ndim - 2))
        return [finish(ctx, 0, out, ctx.dtypes[0])]

    def _empty_backward(self, attrs, out_grads, inputs):
        x, w = inputs[0], inputs[1]
        dy = out_grads[0]
        if x.size and dy.size:
            return None
        dt = compute_dtype(x)
        grads = [np.zeros(x.shape, dt), np.zeros(w.shape, dt)]
        if not attrs.no_bias:
            axes = (0,) + tuple(range(2, dy.ndim))
            grads.append(as_compute(dy).sum(axis=axes) if dy.size else
                         np.zeros((attrs.num_filter,), dt))
        return [g.astype(a.dtype, copy=False) for g, a in zip(grads, inputs)]


def _conv_out(op, kernel, stride, dilate, pad, spatial_in):
    out = []
    for k, s, d, p, n in zip(kernel, stride, dilate, pad, spatial_in):
        if n == 0:
            out.append(0)
            continue
        dk = d * (k - 1) + 1
        if dk > n + 2 * p:
            padded = tuple(x + 2 * q for x, q in zip(spatial_in, pad))
            dil = tuple(dd * (kk - 1) + 1 for kk, dd in zip(kernel, dilate))
            raise MXNetError('%s: kernel %s%s larger than padded input %s; use a smaller kernel or '
                             'dilation, or more padding'
                             % (op, tup(kernel), '' if dil == tuple(kernel) else
                                ' (dilated to %s)' % tup(dil), tup(padded)))
        out.append((n + 2 * p - dk) // s + 1)
    return tuple(out)


@register
class Convolution(_ConvBase):
    name = 'Convolution'
    params = _conv_params(1024, False)
    grad_needs = ('inputs',)
    keeps_state = True          # its im2col columns, for the backward
    doc = ('Convolution of NCW/NCHW data with weight (num_filter, channels / num_group, *kernel) '
           'plus an optional bias (num_filter,).')

    def infer_shape(self, attrs, in_shapes):
        nd = self._check_common(attrs)
        stride, dilate, pad = spatial(self.name, attrs, nd)
        data, weight = in_shapes[0], in_shapes[1]
        self._check_data(attrs, data, nd)
        G, F = attrs.num_group, attrs.num_filter
        if data is None:
            data = (0, 0) + (0,) * nd
        data = tuple(data)
        if data[1] == 0 and weight is not None and len(weight) == nd + 2 and weight[1]:
            data = (data[0], weight[1] * G) + data[2:]
        C = data[1]
        if C and C % G:
            raise MXNetError('%s: data has %d channels, which is not divisible by num_group=%d'
                             % (self.name, C, G))
        want_w = (F, C // G) + tuple(attrs.kernel)
        what = 'num_filter=%d%s, kernel=%s and data with %s channels' % (
            F, '' if G == 1 else ', num_group=%d' % G, tup(attrs.kernel), C or '?')
        shapes = [None if in_shapes[0] is None and not C else data,
                  self._check_arg('weight', weight, want_w, what)]
        if not attrs.no_bias:
            shapes.append(self._check_arg('bias', in_shapes[2], (F,), 'num_filter=%d' % F))
        if in_shapes[0] is None and not C:
            return shapes, [None]
        out = (data[0], F) + _conv_out(self.name, attrs.kernel, stride, dilate, pad, data[2:])
        return shapes, [out]

    def forward(self, ctx, attrs, inputs, aux):
        from ..kernels import conv
        empty = self._empty_forward(ctx, attrs, inputs)
        if empty is not None:
            return empty
        nd = len(attrs.kernel)
        stride, dilate, pad = spatial(self.name, attrs, nd)
        geo = self._geo(attrs, stride, dilate, pad)
        x = inputs[0]
        dt = compute_dtype(x)
        x4 = self._as4d(as_compute(x))
        w4 = self._as4d(as_compute(inputs[1]))
        bias = None if attrs.no_bias else as_compute(inputs[2])
        shape = ctx.shapes[0]
        out = out_buffer(ctx, 0, shape, dt)
        # ctx.state (training, a backward may follow): the im2col columns are kept there
        conv.conv_forward(x4, w4, bias, self._as4d(out), geo, attrs.num_group, keep=ctx.state)
        return [finish(ctx, 0, out, ctx.dtypes[0])]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        from ..kernels import conv
        empty = self._empty_backward(attrs, out_grads, inputs)
        if empty is not None:
            return empty
        nd = len(attrs.kernel)
        stride, dilate, pad = spatial(self.name, attrs, nd)
        geo = self._geo(attrs, stride, dilate, pad)
        x, w = inputs[0], inputs[1]
        dt = compute_dtype(x)
        dy = self._as4d(as_compute(out_grads[0]))
        dx = grad_buffer(ctx, 0, x.shape, dt) if wanted(ctx, 0) else None
        dw = grad_buffer(ctx, 1, w.shape, dt) if wanted(ctx, 1) else None
        db = None
        if not attrs.no_bias and wanted(ctx, 2):
            db = grad_buffer(ctx, 2, (attrs.num_filter,), dt)
        conv.conv_backward(self._as4d(as_compute(x)), self._as4d(as_compute(w)), dy,
                           None if dx is None else self._as4d(dx),
                           None if dw is None else self._as4d(dw), db, geo, attrs.num_group,
                           kept=ctx.state)
        grads = [dx, dw] + ([] if attrs.no_bias else [db])
        return [None if g is None else g.astype(a.dtype, copy=False) for g, a in zip(grads, inputs)]


@register
class Deconvolution(_ConvBase):
    name = 'Deconvolution'
    params = _conv_params(512, True, (
        Param('adj', 'shape', (), doc='extra rows/columns added to one side of the output'),
        Param('target_shape', 'shape', (), doc='output spatial shape; sets pad and adj')))
    grad_needs = ('inputs',)
    doc = ('Transposed convolution (the gradient of Convolution with respect to its data): '
           'weight is (channels, num_filter / num_group, *kernel).')

    def _pads(self, attrs, nd, spatial_in):
        stride, dilate, pad = spatial(self.name, attrs, nd)
        adj = attrs.adj if attrs.adj else (0,) * nd
        if len(adj) != nd:
            raise MXNetError('%s: adj %s has %d values but kernel %s has %d'
                             % (self.name, tup(adj), len(adj), tup(attrs.kernel), nd))
        target = attrs.target_shape
        if target and any(target):
            if len(target) != nd:
                raise MXNetError('%s: target_shape %s has %d values but kernel %s has %d'
                                 % (self.name, tup(target), len(target), tup(attrs.kernel), nd))
            pad, adj = [], []
            for k, s, d, n, t in zip(attrs.kernel, stride, dilate, spatial_in, target):
                full = s * (n - 1) + d * (k - 1) + 1 if n else 0
                if n and full < t:
                    raise MXNetError('%s: target_shape %s is too big: at most %d is reachable with '
                                     'kernel %s, stride %s and input %s'
                                     % (self.name, tup(target), full, tup(attrs.kernel),
                                        tup(stride), tup(spatial_in)))
                total = full - t if n else 0
                pad.append((total + 1) // 2)
                adj.append(total % 2)
            pad, adj = tuple(pad), tuple(adj)
        for a, s in zip(adj, stride):
            if a >= s:
                raise MXNetError('%s: adj %s must be smaller than stride %s in every dimension'
                                 % (self.name, tup(adj), tup(stride)))
        return stride, dilate, pad, adj

    def infer_shape(self, attrs, in_shapes):
        nd = self._check_common(attrs)
        data, weight = in_shapes[0], in_shapes[1]
        self._check_data(attrs, data, nd)
        G, F = attrs.num_group, attrs.num_filter
        if data is None:
            data = (0, 0) + (0,) * nd
        data = tuple(data)
        if data[1] == 0 and weight is not None and len(weight) == nd + 2 and weight[0]:
            data = (data[0], weight[0]) + data[2:]
        C = data[1]
        if C and C % G:
            raise MXNetError('%s: data has %d channels, which is not divisible by num_group=%d'
                             % (self.name, C, G))
        want_w = (C, F // G) + tuple(attrs.kernel)
        what = 'data with %s channels, num_filter=%d%s and kernel=%s' % (
            C or '?', F, '' if G == 1 else ', num_group=%d' % G, tup(attrs.kernel))
        stride, dilate, pad, adj = self._pads(attrs, nd, data[2:])
        shapes = [None if in_shapes[0] is None and not C else data,
                  self._check_arg('weight', weight, want_w, what)]
        if not attrs.no_bias:
            shapes.append(self._check_arg('bias', in_shapes[2], (F,), 'num_filter=%d' % F))
        if in_shapes[0] is None and not C:
            return shapes, [None]
        out = []
        for k, s, d, p, a, n in zip(attrs.kernel, stride, dilate, pad, adj, data[2:]):
            if n == 0:
                out.append(0)
                continue
            size = s * (n - 1) + d * (k - 1) + 1 - 2 * p + a
            if size < 1:
                raise MXNetError('%s: pad %s is too large for kernel %s and input %s: the output '
                                 'would be empty' % (self.name, tup(pad), tup(attrs.kernel),
                                                     tup(data[2:])))
            out.append(size)
        return shapes, [(data[0], F) + tuple(out)]

    def _geo_for(self, attrs, x):
        nd = len(attrs.kernel)
        stride, dilate, pad, adj = self._pads(attrs, nd, x.shape[2:])
        return self._geo(attrs, stride, dilate, pad)

    def forward(self, ctx, attrs, inputs, aux):
        from ..kernels import deconv
        empty = self._empty_forward(ctx, attrs, inputs)
        if empty is not None:
            return empty
        x = inputs[0]
        geo = self._geo_for(attrs, x)
        dt = compute_dtype(x)
        bias = None if attrs.no_bias else as_compute(inputs[2])
        out = out_buffer(ctx, 0, ctx.shapes[0], dt)
        deconv.deconv_forward(self._as4d(as_compute(x)), self._as4d(as_compute(inputs[1])), bias,
                            self._as4d(out), geo, attrs.num_group)
        return [finish(ctx, 0, out, ctx.dtypes[0])]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        from ..kernels import deconv
        empty = self._empty_backward(attrs, out_grads, inputs)
        if empty is not None:
            return empty
        x, w = inputs[0], inputs[1]
        geo = self._geo_for(attrs, x)
        dt = compute_dtype(x)
        dx = grad_buffer(ctx, 0, x.shape, dt) if wanted(ctx, 0) else None
        dw = grad_buffer(ctx, 1, w.shape, dt) if wanted(ctx, 1) else None
        db = None
        if not attrs.no_bias and wanted(ctx, 2):
            db = grad_buffer(ctx, 2, (attrs.num_filter,), dt)
        deconv.deconv_backward(self._as4d(as_compute(x)), self._as4d(as_compute(w)),
                             self._as4d(as_compute(out_grads[0])),
                             None if dx is None else self._as4d(dx),
                             None if dw is None else self._as4d(dw), db, geo, attrs.num_group)
        grads = [dx, dw] + ([] if attrs.no_bias else [db])
        return [None if g is None else g.astype(a.dtype, copy=False) for g, a in zip(grads, inputs)]
