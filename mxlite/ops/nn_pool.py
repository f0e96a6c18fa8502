"""Pooling, ROIPooling and UpSampling.

Pooling follows MXNet's conventions: ``valid`` (floor), ``full`` (ceil; the
last windows may hang past the padded input) and ``same`` (1-D only, output
``ceil(width / stride)``, no explicit pad).  Average pooling divides by the
window clipped to the padded input unless ``count_include_pad=False``.
"""
import math

import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import fmt
from .nn_common import (spatial, check_layout, tup, float_type, uniform_float_type, as_compute,
                        compute_dtype, out_buffer, finish, wanted, grad_buffer, NO_EFFECT_DOC)

_POOL_CODES = {'max': 0, 'avg': 1, 'sum': 2, 'lp': 3}


class _PoolGeometry:
    """Kernel, stride and the padding of each side, for 1-D or 2-D pooling."""
    __slots__ = ('kernel', 'stride', 'pad', 'lim_pad', 'out')


def pool_geometry(attrs, data):
    """Validate ``attrs`` against ``data``'s shape; returns a _PoolGeometry (2-D form)."""
    op = 'Pooling'
    if data is not None and len(data) < 3:
        raise MXNetError('Pooling: data must be 3-D (batch, channel, width) or 4-D (batch, channel, '
                         'height, width); got shape %s' % fmt(data))
    if attrs.pool_type == 'lp' and attrs.p_value not in (1, 2, 3):
        if attrs.p_value is None:
            raise MXNetError("Pooling: pool_type='lp' needs p_value (1, 2 or 3)")
        raise MXNetError('Pooling: p_value=%d is not supported; MXNet supports 1, 2 and 3'
                         % attrs.p_value)
    g = _PoolGeometry()
    if attrs.global_pool:
        if data is None:
            g.kernel = None
            return g
        sp = tuple(data[2:])
        g.kernel, g.stride, g.pad, g.lim_pad = sp, (1,) * len(sp), (0,) * len(sp), (0,) * len(sp)
        g.out = (1,) * len(sp)
        return g
    nd = len(attrs.kernel)
    if nd == 0:
        raise MXNetError('Pooling: kernel is required unless global_pool=True, e.g. kernel=(2, 2)')
    if nd == 3:
        raise MXNetError('Pooling: 3-D pooling (kernel %s) is not supported by mxlite; only 1-D, 2-D '
                         'and global pooling are' % tup(attrs.kernel))
    if nd > 3:
        raise MXNetError('Pooling: kernel %s must have 1 or 2 dimensions' % tup(attrs.kernel))
    if any(k < 1 for k in attrs.kernel):
        raise MXNetError('Pooling: kernel %s must be at least 1 in every dimension' % tup(attrs.kernel))
    check_layout(op, attrs.layout, nd)
    stride, pad = spatial(op, attrs, nd, ('stride', 'pad'), (1, 0))
    if data is not None and len(data) != nd + 2:
        raise MXNetError('Pooling: kernel %s needs %d-D data; got data of shape %s'
                         % (tup(attrs.kernel), nd + 2, fmt(data)))
    if any(p >= k for p, k in zip(pad, attrs.kernel)):
        raise MXNetError('Pooling: pad %s must be smaller than kernel %s in every dimension'
                         % (tup(pad), tup(attrs.kernel)))
    g.kernel, g.stride = tuple(attrs.kernel), stride
    conv = attrs.pooling_convention
    if conv == 'same':
        if nd != 1:
            raise MXNetError("Pooling: pooling_convention='same' supports 1-D pooling only (3-D data "
                             "(batch, channel, width)); got kernel %s" % tup(attrs.kernel))
        if any(pad):
            raise MXNetError("Pooling: pooling_convention='same' computes its own padding; leave pad "
                             "unset (got %s)" % tup(pad))
    if data is None:
        return g
    sp = tuple(data[2:])
    out, before, after = [], [], []
    for k, s, p, n in zip(attrs.kernel, stride, pad, sp):
        if n == 0:
            out.append(0)
            before.append(p)
            after.append(p)
            continue
        if conv == 'same':
            o = -(-n // s)
            total = max((o - 1) * s + k - n, 0)
            out.append(o)
            before.append(total // 2)
            after.append(total - total // 2)
            continue
        if k > n + 2 * p:
            raise MXNetError('Pooling: kernel %s larger than padded input %s; use a smaller kernel or '
                             'more padding' % (tup(attrs.kernel),
                                               tup(tuple(a + 2 * b for a, b in zip(sp, pad)))))
        if conv == 'valid':
            out.append((n + 2 * p - k) // s + 1)
        else:
            out.append(-(-(n + 2 * p - k) // s) + 1)
        before.append(p)
        after.append(p)
    g.out, g.pad, g.lim_pad = tuple(out), tuple(before), tuple(after)
    return g


@register
class Pooling(Operator):
    name = 'Pooling'
    params = (Param('kernel', 'shape', (), doc='window size (h, w) or (w,)'),
              Param('pool_type', 'enum', 'max', choices=('avg', 'lp', 'max', 'sum')),
              Param('global_pool', 'bool', False, doc='pool over the whole spatial extent'),
              Param('cudnn_off', 'bool', False, doc=NO_EFFECT_DOC),
              Param('pooling_convention', 'enum', 'valid', choices=('full', 'same', 'valid')),
              Param('stride', 'shape', (), doc='default 1 per dimension'),
              Param('pad', 'shape', (), doc='default 0 per dimension'),
              Param('p_value', 'int', None, doc="power of 'lp' pooling: 1, 2 or 3"),
              Param('count_include_pad', 'bool', None,
                    doc='average pooling counts padded cells (default True)'),
              Param('layout', 'enum', None,
                    choices=('NCDHW', 'NCHW', 'NCW', 'NDHWC', 'NHWC', 'NWC'),
                    doc='only NCW/NCHW are supported'))
    doc = 'Max, average, sum or Lp pooling over windows of NCW/NCHW data.'

    def list_outputs(self, attrs):
        # MXNet's pip build (MKLDNN) gives max pooling a hidden workspace output; keeping the
        # same outputs keeps symbol JSON (node_row_ptr) identical.  Nothing reads it.
        return ['output', 'workspace'] if attrs.pool_type == 'max' else ['output']

    def num_visible_outputs(self, attrs):
        return 1

    def backward_reads(self, attrs):
        return (0,), (0,)      # never the workspace

    def infer_type(self, attrs, in_types):
        float_type(self.name, 'data', in_types[0])
        return list(in_types), [in_types[0]] * self.num_outputs(attrs)

    def infer_shape(self, attrs, in_shapes):
        data = in_shapes[0]
        g = pool_geometry(attrs, data)
        if data is None:
            return in_shapes, [None] * self.num_outputs(attrs)
        return in_shapes, [tuple(data[:2]) + g.out] * self.num_outputs(attrs)

    @staticmethod
    def _with_workspace(ctx, attrs, outs):
        if attrs.pool_type == 'max':
            # a buffer the caller planned (or a 0-cost view when there is none)
            ws = ctx.buffers[1] if ctx.has_buffer(1) else np.broadcast_to(outs[0], outs[0].shape)
            return outs + [ws]
        return outs

    @staticmethod
    def _planes(a, n_sp):
        """(N*C, H, W) view; 1-D data gets H == 1; global pooling of any rank flattens."""
        shape = a.shape
        if n_sp == 1:
            return a.reshape(shape[0] * shape[1], 1, shape[2])
        return a.reshape(shape[0] * shape[1], shape[2], shape[3])

    def _args(self, attrs, g):
        k, s, p, lp = g.kernel, g.stride, g.pad, g.lim_pad
        if len(k) == 1:
            k, s, p, lp = (1,) + k, (1,) + s, (0,) + p, (0,) + lp
        return k, s, p, lp

    def forward(self, ctx, attrs, inputs, aux):
        from ..kernels import pool
        from ..kernels._threads import call
        x = inputs[0]
        g = pool_geometry(attrs, x.shape)
        if x.size == 0:
            # no window has a value: an empty batch or image gives an empty output, but a
            # global pool of empty images would have to invent one
            if attrs.global_pool and x.shape[0] * x.shape[1]:
                raise MXNetError('Pooling: global pooling of data of shape %s: its images are '
                                 'empty' % fmt(x.shape))
            return self._with_workspace(ctx, attrs, [np.zeros(ctx.shapes[0], dtype=ctx.dtypes[0])])
        kind = _POOL_CODES[attrs.pool_type]
        p = attrs.p_value or 1
        dt = compute_dtype(x)
        xc = as_compute(x)
        out = out_buffer(ctx, 0, ctx.shapes[0], dt)
        if attrs.global_pool:
            n = x.shape[0] * x.shape[1]
            call(pool.global_pool_forward, x.size, xc.reshape(n, -1), out.reshape(n), kind, p)
            return self._with_workspace(ctx, attrs, [finish(ctx, 0, out, ctx.dtypes[0])])
        (kh, kw), (sh, sw), (ph, pw), (qh, qw) = self._args(attrs, g)
        n_sp = x.ndim - 2
        xp = self._planes(xc, n_sp)
        hlim, wlim = xp.shape[1] + qh, xp.shape[2] + qw
        include_pad = attrs.count_include_pad is None or attrs.count_include_pad
        pool.forward(xp, self._planes(out, n_sp), kind, kh, kw, sh, sw, ph, pw, hlim, wlim,
                          include_pad, p, pool.lowest(dt))
        return self._with_workspace(ctx, attrs, [finish(ctx, 0, out, ctx.dtypes[0])])

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        from ..kernels import pool
        from ..kernels._threads import call
        x, y = inputs[0], outputs[0]
        g = pool_geometry(attrs, x.shape)
        if x.size == 0:
            return [np.zeros(x.shape, dtype=x.dtype)]
        kind = _POOL_CODES[attrs.pool_type]
        p = attrs.p_value or 1
        dt = compute_dtype(x)
        xc = as_compute(x)
        dx = grad_buffer(ctx, 0, x.shape, dt)
        dy = as_compute(out_grads[0])
        yc = as_compute(y)
        if attrs.global_pool:
            n = x.shape[0] * x.shape[1]
            dxf = dx.reshape(n, -1)
            if kind in (1, 2):      # every element gets dy (/ size): a broadcast
                scale = 1.0 / dxf.shape[1] if kind == 1 else 1.0
                np.copyto(dxf, dy.reshape(n, 1) * dt(scale))
            else:
                # a global window is an ordinary window covering the whole input
                xp = xc.reshape(n, 1, -1)
                call(pool.pool_backward, x.size, xp, yc.reshape(n, 1, 1), dy.reshape(n, 1, 1),
                     dx.reshape(n, 1, -1), kind, 1, xp.shape[2], 1, 1, 0, 0, 1, xp.shape[2], True,
                     p, (0, 0, 0, 0))
            return [dx.astype(x.dtype, copy=False)]
        (kh, kw), (sh, sw), (ph, pw), (qh, qw) = self._args(attrs, g)
        n_sp = x.ndim - 2
        xp = self._planes(xc, n_sp)
        hlim, wlim = xp.shape[1] + qh, xp.shape[2] + qw
        include_pad = attrs.count_include_pad is None or attrs.count_include_pad
        pool.backward(xp, self._planes(yc, n_sp), self._planes(dy, n_sp), self._planes(dx, n_sp),
                           kind, kh, kw, sh, sw, ph, pw, hlim, wlim, include_pad, p)
        return [dx.astype(x.dtype, copy=False)]


@register
class ROIPooling(Operator):
    name = 'ROIPooling'
    params = (Param('pooled_size', 'shape', doc='output (height, width) of each region'),
              Param('spatial_scale', 'float', doc='ratio of feature-map to ROI coordinates'))
    arguments = ('data', 'rois')
    outputs = ('output', 'maxidx')
    grad_needs = ('inputs', 'outputs')
    doc = ('Max pooling of regions of interest: rois rows are (batch_index, x1, y1, x2, y2) in '
           'input coordinates (scaled by spatial_scale).')

    def num_visible_outputs(self, attrs):
        return 1

    def infer_shape(self, attrs, in_shapes):
        if len(attrs.pooled_size) != 2 or any(s < 1 for s in attrs.pooled_size):
            raise MXNetError('ROIPooling: pooled_size %s must be two positive values (height, width)'
                             % tup(attrs.pooled_size))
        data, rois = in_shapes
        if data is not None and len(data) != 4:
            raise MXNetError('ROIPooling: data must be 4-D (batch, channel, height, width); got %s'
                             % fmt(data))
        if rois is not None and (len(rois) != 2 or (rois[1] and rois[1] != 5)):
            raise MXNetError('ROIPooling: rois must have shape (num_rois, 5) with rows (batch_index, '
                             'x1, y1, x2, y2); got %s' % fmt(rois))
        if data is None or rois is None:
            return in_shapes, [None, None]
        out = (rois[0], data[1]) + tuple(attrs.pooled_size)
        return in_shapes, [out, out]

    def infer_type(self, attrs, in_types):
        return uniform_float_type(self.name, ['data', 'rois'], in_types, 2)

    def forward(self, ctx, attrs, inputs, aux):
        from ..kernels import pool
        x, rois = inputs
        dt = compute_dtype(x)
        out = np.empty(ctx.shapes[0], dtype=dt)
        arg = np.empty(ctx.shapes[0], dtype=np.int64)
        pool.roi_pool_forward(as_compute(x), np.ascontiguousarray(rois, dtype=np.float64), out, arg,
                              float(attrs.spatial_scale))
        return [finish(ctx, 0, out, ctx.dtypes[0]), finish(ctx, 1, arg, ctx.dtypes[1])]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        from ..kernels import pool
        x, rois = inputs
        dt = compute_dtype(x)
        dx = np.zeros(x.shape, dtype=dt)
        arg = np.ascontiguousarray(outputs[1], dtype=np.int64)
        pool.roi_pool_backward(as_compute(out_grads[0]), np.ascontiguousarray(rois, dtype=np.float64),
                               arg, dx)
        return [dx.astype(x.dtype, copy=False), None]


def _bilinear_kernel(scale):
    return 2 * scale - scale % 2


@register
class UpSampling(Operator):
    name = 'UpSampling'
    params = (Param('scale', 'int', doc='upsampling factor'),
              Param('num_filter', 'int', 0, doc='channels of the bilinear weight'),
              Param('sample_type', 'enum', choices=('bilinear', 'nearest')),
              Param('multi_input_mode', 'enum', 'concat', choices=('concat', 'sum')),
              Param('num_args', 'int', doc='number of inputs'),
              Param('workspace', 'int', 512, doc=NO_EFFECT_DOC))
    num_args_param = 'num_args'
    grad_needs = ('inputs',)
    doc = ('Nearest-neighbour upsampling of NCHW inputs (several inputs are brought to the size '
           'of the first times scale, then concatenated or summed), or bilinear upsampling with a '
           'learnable weight (num_filter, 1, k, k), k = 2 * scale - scale % 2.')

    def list_arguments(self, attrs):
        if attrs.sample_type == 'bilinear':
            return ['data', 'weight']
        return ['arg%d' % i for i in range(attrs.num_args)]

    def _check(self, attrs):
        if attrs.scale < 1:
            raise MXNetError('UpSampling: scale must be at least 1, got %d' % attrs.scale)
        if attrs.sample_type == 'bilinear' and attrs.num_args != 2:
            raise MXNetError('UpSampling: bilinear sampling takes two inputs (data, weight); got '
                             'num_args=%d' % attrs.num_args)
        if attrs.num_args < 1:
            raise MXNetError('UpSampling: needs at least one input')

    def infer_type(self, attrs, in_types):
        return uniform_float_type(self.name, self.list_arguments(attrs), in_types, 1)

    def infer_shape(self, attrs, in_shapes):
        self._check(attrs)
        s = attrs.scale
        if attrs.sample_type == 'bilinear':
            data = in_shapes[0]
            if data is not None and len(data) != 4:
                raise MXNetError('UpSampling: data must be 4-D (batch, channel, height, width); got %s'
                                 % fmt(data))
            k = _bilinear_kernel(s)
            C = attrs.num_filter or (data[1] if data is not None else 0)
            if data is not None and data[1] and C != data[1]:
                raise MXNetError('UpSampling: num_filter=%d must equal the data channels %d for '
                                 'bilinear sampling' % (C, data[1]))
            want = (C, 1, k, k)
            w = in_shapes[1]
            if w is not None and (len(w) != 4 or any(a and b and a != b for a, b in zip(w, want))):
                raise MXNetError('UpSampling: weight shape %s does not match: expected %s'
                                 % (fmt(w), fmt(want)))
            if data is None:
                return [None, want], [None]
            return [data, want], [(data[0], data[1], data[2] * s, data[3] * s)]
        first = in_shapes[0]
        for i, sh in enumerate(in_shapes):
            if sh is not None and len(sh) != 4:
                raise MXNetError('UpSampling: input %d must be 4-D (batch, channel, height, width); '
                                 'got %s' % (i, fmt(sh)))
        if any(sh is None for sh in in_shapes):
            return in_shapes, [None]
        oh, ow = first[2] * s, first[3] * s
        channels = 0
        for i, sh in enumerate(in_shapes):
            if sh[0] != first[0]:
                raise MXNetError('UpSampling: input %d has batch size %d but input 0 has %d'
                                 % (i, sh[0], first[0]))
            if oh % sh[2] or ow % sh[3] or oh // sh[2] != ow // sh[3]:
                raise MXNetError('UpSampling: input %d of shape %s cannot be scaled to the output size '
                                 '(%d, %d) by one integer factor' % (i, fmt(sh), oh, ow))
            if attrs.multi_input_mode == 'sum' and sh[1] != first[1]:
                raise MXNetError("UpSampling: multi_input_mode='sum' needs equal channels; input %d "
                                 "has %d, input 0 has %d" % (i, sh[1], first[1]))
            channels += sh[1]
        C = first[1] if attrs.multi_input_mode == 'sum' else channels
        return in_shapes, [(first[0], C, oh, ow)]

    def _bilinear_geo(self, s):
        k = _bilinear_kernel(s)
        p = int(math.ceil((s - 1) / 2.0))
        return (k, k, s, s, p, p, 1, 1)

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        if attrs.sample_type == 'bilinear':
            from ..kernels import deconv
            x, w = inputs
            dt = compute_dtype(x)
            res = out_buffer(ctx, 0, ctx.shapes[0], dt)
            deconv.deconv_forward(as_compute(x), as_compute(w), None, res,
                                self._bilinear_geo(attrs.scale), x.shape[1])
            return [finish(ctx, 0, res, ctx.dtypes[0])]
        oh = out.shape[2]
        c0 = 0
        for i, x in enumerate(inputs):
            f = oh // x.shape[2]
            up = x.repeat(f, axis=2).repeat(f, axis=3)
            if attrs.multi_input_mode == 'sum':
                if i == 0:
                    out[...] = up
                else:
                    out += up
            else:
                out[:, c0:c0 + x.shape[1]] = up
                c0 += x.shape[1]
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        dy = out_grads[0]
        if attrs.sample_type == 'bilinear':
            from ..kernels import deconv
            x, w = inputs
            dt = compute_dtype(x)
            dx = np.empty(x.shape, dt) if wanted(ctx, 0) else None
            dw = np.empty(w.shape, dt) if wanted(ctx, 1) else None
            deconv.deconv_backward(as_compute(x), as_compute(w), as_compute(dy), dx, dw, None,
                                 self._bilinear_geo(attrs.scale), x.shape[1])
            return [None if g is None else g.astype(a.dtype, copy=False) for g, a in zip((dx, dw), inputs)]
        oh = dy.shape[2]
        grads = []
        c0 = 0
        for x in inputs:
            f = oh // x.shape[2]
            if attrs.multi_input_mode == 'sum':
                part = dy
            else:
                part = dy[:, c0:c0 + x.shape[1]]
                c0 += x.shape[1]
            n, c, h, w = x.shape
            grads.append(part.reshape(n, c, h, f, w, f).sum(axis=(3, 5)).astype(x.dtype, copy=False))
        return grads
