"""BatchNorm, InstanceNorm, LayerNorm and LRN.

BatchNorm follows MXNet 1.x exactly where it is surprising:

* the saved second statistic (the ``var`` output) is 1 / sqrt(var + eps);
* in training the forward pass uses batch statistics but leaves
  ``moving_mean``/``moving_var`` alone; the *backward* pass (when run in
  training mode without ``use_global_stats``) updates them with
  ``moving = moving * momentum + batch * (1 - momentum)``, the batch
  variance being biased and recovered from the saved 1 / sqrt(var + eps);
* with ``fix_gamma`` the scale is 1, gamma's gradient is 0, and backward
  writes 1 into gamma.
"""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import fmt, norm_axis, shape_size
from .nn_common import (FLOAT_TYPES, float_type, uniform_float_type, as_compute, finish, grad_buffer,
                        out_buffer,
                        NO_EFFECT_DOC)


def _blocks(shape, axis):
    return shape_size(shape[:axis]), shape[axis], shape_size(shape[axis + 1:])


def _param_shapes(op, names, in_shapes, want):
    out = []
    for name, s in zip(names, in_shapes):
        if s is not None and want is not None and (len(s) != 1 or (s[0] and s[0] != want[0])):
            raise MXNetError('%s: %s has shape %s but the data has %d channels on the normalised axis: '
                             'expected %s' % (op, name, fmt(s), want[0], fmt(want)))
        out.append(tuple(s) if s is not None and want is None else want)
    return out


@register
class BatchNorm(Operator):
    name = 'BatchNorm'
    params = (Param('eps', 'float', 1e-3, doc='added to the variance'),
              Param('momentum', 'float', 0.9, doc='of the moving averages'),
              Param('fix_gamma', 'bool', True, doc='use scale 1 (gamma gets no gradient)'),
              Param('use_global_stats', 'bool', False, doc='use the moving statistics in training too'),
              Param('output_mean_var', 'bool', False, doc='also return mean and 1/sqrt(var + eps)'),
              Param('axis', 'int', 1, doc='the channel axis'),
              Param('cudnn_off', 'bool', False, doc=NO_EFFECT_DOC),
              Param('min_calib_range', 'float', None, doc='quantisation only; no effect on float data'),
              Param('max_calib_range', 'float', None, doc='quantisation only; no effect on float data'))
    arguments = ('data', 'gamma', 'beta')
    aux_states = ('moving_mean', 'moving_var')
    outputs = ('output', 'mean', 'var')
    grad_needs = ('inputs', 'outputs')
    doc = 'Batch normalisation over every axis but ``axis``; see the module docstring.'

    def num_visible_outputs(self, attrs):
        return 3 if attrs.output_mean_var else 1

    inplace = ((0, 0),)        # elementwise once the statistics are known

    def backward_reads(self, attrs):
        # data, gamma, beta (for its dtype) and the saved batch mean / inverse std
        return (0, 1, 2), (1, 2)

    @staticmethod
    def var_attrs(attrs):
        # implicit moving-statistics variables say how to initialise them, as in MXNet
        return {'moving_mean': {'__init__': '["zero", {}]'},
                'moving_var': {'__init__': '["one", {}]'}}

    def infer_shape(self, attrs, in_shapes):
        data = in_shapes[0]
        names = ['gamma', 'beta', 'moving_mean', 'moving_var']
        if data is None:
            known = [s for s in in_shapes[1:] if s is not None]
            c = tuple(known[0]) if known else None
            return [None] + _param_shapes(self.name, names, in_shapes[1:], c), [None, c, c]
        if len(data) < 1:
            raise MXNetError('BatchNorm: data must have at least one dimension')
        axis = norm_axis(self.name, attrs.axis, len(data))
        c = (data[axis],)
        return [tuple(data)] + _param_shapes(self.name, names, in_shapes[1:], c), [tuple(data), c, c]

    def infer_type(self, attrs, in_types):
        d = in_types[0]
        float_type(self.name, 'data', d)
        pt = None if d is None else (np.dtype(np.float32) if np.dtype(d) == np.float16 else np.dtype(d))
        names = ['gamma', 'beta', 'moving_mean', 'moving_var']
        for name, t in zip(names, in_types[1:]):
            if t is not None and pt is not None and np.dtype(t) != pt:
                raise MXNetError("BatchNorm: %s has dtype %s but data of dtype %s needs %s parameters "
                                 "(convert with .astype('%s'))" % (name, np.dtype(t).name, np.dtype(d).name,
                                                                  pt.name, pt.name))
        return [d] + [pt] * 4, [d, pt, pt]

    def _view(self, attrs, x):
        axis = norm_axis(self.name, attrs.axis, x.ndim)
        return _blocks(x.shape, axis)

    def forward(self, ctx, attrs, inputs, aux):
        from ..kernels import norm
        from ..kernels._threads import call
        x, gamma, beta = inputs
        moving_mean, moving_var = aux
        s3 = self._view(attrs, x)
        C = s3[1]
        xc = as_compute(x).reshape(s3)
        pdt = xc.dtype
        mean = np.empty(C, pdt)
        invstd = np.empty(C, pdt)
        if ctx.is_train and not attrs.use_global_stats and xc.size:
            call(norm.channel_stats, xc.size, xc, mean, invstd, attrs.eps)
        elif ctx.is_train and not attrs.use_global_stats:
            # an empty batch has no statistics (and must not turn the moving ones into NaN)
            mean[...] = 0
            invstd[...] = 1
        else:
            mean[...] = moving_mean
            invstd[...] = 1.0 / np.sqrt(moving_var.astype(pdt) + pdt.type(attrs.eps))
        g = np.ones(C, pdt) if attrs.fix_gamma else np.ascontiguousarray(gamma, pdt)
        # written straight into the caller's buffer (which may be x's own memory: in-place)
        y = out_buffer(ctx, 0, x.shape, pdt)
        call(norm.channel_affine, xc.size, xc, mean, invstd, g, np.ascontiguousarray(beta, pdt),
             y.reshape(s3))
        return [finish(ctx, 0, y, ctx.dtypes[0]),
                finish(ctx, 1, mean, ctx.dtypes[1]), finish(ctx, 2, invstd, ctx.dtypes[2])]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        from ..kernels import norm
        from ..kernels._threads import call
        x, gamma, beta = inputs
        moving_mean, moving_var = aux
        s3 = self._view(attrs, x)
        C = s3[1]
        xc = as_compute(x).reshape(s3)
        pdt = xc.dtype
        mean = np.ascontiguousarray(outputs[1], pdt)
        invstd = np.ascontiguousarray(outputs[2], pdt)
        dy = as_compute(out_grads[0]).reshape(s3)
        batch_stats = ctx.is_train and not attrs.use_global_stats
        sum_dy = np.empty(C, np.float64)
        sum_dy_xhat = np.empty(C, np.float64)
        call(norm.channel_grad_sums, xc.size, xc, dy, mean, invstd, sum_dy, sum_dy_xhat)
        g = np.ones(C, pdt) if attrs.fix_gamma else np.ascontiguousarray(gamma, pdt)
        dx = grad_buffer(ctx, 0, x.shape, pdt).reshape(s3)
        call(norm.batchnorm_dx, xc.size, xc, dy, mean, invstd, g, sum_dy, sum_dy_xhat, dx, batch_stats)
        if batch_stats and xc.size:
            m = attrs.momentum
            var = 1.0 / (invstd.astype(np.float64) ** 2) - attrs.eps
            moving_mean[...] = moving_mean * m + mean * (1 - m)
            moving_var[...] = moving_var * m + var * (1 - m)
        if attrs.fix_gamma:
            gamma[...] = 1
            dgamma = np.zeros(C, gamma.dtype)
        else:
            dgamma = sum_dy_xhat.astype(gamma.dtype)
        return [dx.reshape(x.shape).astype(x.dtype, copy=False), dgamma, sum_dy.astype(beta.dtype)]


def _row_norm_forward(x2, gamma_rows, beta_rows, eps):
    """Normalise rows of x2 (R, n); gamma/beta broadcastable to (R, n)."""
    from ..kernels import norm
    from ..kernels._threads import call
    R = x2.shape[0]
    mean = np.empty(R, x2.dtype)
    invstd = np.empty(R, x2.dtype)
    call(norm.row_stats, x2.size, x2, mean, invstd, eps)
    y = (x2 - mean[:, None]) * invstd[:, None] * gamma_rows + beta_rows
    return y, mean, invstd


def _row_norm_backward(x2, dy2, mean, invstd, gamma_rows):
    from ..kernels import norm
    from ..kernels._threads import call
    dx = np.empty_like(x2)
    gs = np.ascontiguousarray(np.broadcast_to(gamma_rows, x2.shape), dtype=x2.dtype)
    call(norm.row_grad, x2.size, x2, np.ascontiguousarray(dy2, x2.dtype),
         np.ascontiguousarray(mean, x2.dtype),
         np.ascontiguousarray(invstd, x2.dtype), gs, dx)
    xhat = (x2 - mean[:, None]) * invstd[:, None]
    return dx, xhat


@register
class LayerNorm(Operator):
    name = 'LayerNorm'
    params = (Param('axis', 'int', -1, doc='the axis normalised over'),
              Param('eps', 'float', 1e-5, doc='added to the variance'),
              Param('output_mean_var', 'bool', False, doc='also return the mean and std'))
    arguments = ('data', 'gamma', 'beta')
    outputs = ('output', 'mean', 'std')
    grad_needs = ('inputs', 'outputs')
    doc = 'Normalises each slice along ``axis`` to zero mean and unit variance, then gamma * . + beta.'

    def num_visible_outputs(self, attrs):
        return 3 if attrs.output_mean_var else 1

    def infer_shape(self, attrs, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None, None, None]
        axis = norm_axis(self.name, attrs.axis, len(data))
        c = (data[axis],)
        stat = tuple(data[:axis]) + (1,) + tuple(data[axis + 1:])
        return [tuple(data)] + _param_shapes(self.name, ['gamma', 'beta'], in_shapes[1:], c), \
            [tuple(data), stat, stat]

    def infer_type(self, attrs, in_types):
        return uniform_float_type(self.name, ['data', 'gamma', 'beta'], in_types, 3)

    def _rows(self, attrs, a):
        axis = norm_axis(self.name, attrs.axis, a.ndim)
        moved = np.moveaxis(a, axis, -1)
        return np.ascontiguousarray(moved).reshape(-1, a.shape[axis]), moved.shape, axis

    def forward(self, ctx, attrs, inputs, aux):
        x, gamma, beta = inputs
        xr, mshape, axis = self._rows(attrs, as_compute(x))
        dt = xr.dtype
        y, mean, invstd = _row_norm_forward(xr, gamma.astype(dt)[None, :], beta.astype(dt)[None, :],
                                            attrs.eps)
        y = np.moveaxis(y.reshape(mshape), -1, axis)
        stat_shape = ctx.shapes[1]
        std = 1.0 / invstd
        return [finish(ctx, 0, np.ascontiguousarray(y), ctx.dtypes[0]),
                finish(ctx, 1, mean.reshape(stat_shape), ctx.dtypes[1]),
                finish(ctx, 2, std.reshape(stat_shape), ctx.dtypes[2])]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x, gamma, beta = inputs
        xr, mshape, axis = self._rows(attrs, as_compute(x))
        dt = xr.dtype
        dyr, _, _ = self._rows(attrs, as_compute(out_grads[0]))
        mean = outputs[1].reshape(-1).astype(dt)
        invstd = (1.0 / outputs[2].reshape(-1)).astype(dt)
        dx, xhat = _row_norm_backward(xr, dyr, mean, invstd, gamma.astype(dt)[None, :])
        dx = np.moveaxis(dx.reshape(mshape), -1, axis)
        dgamma = (dyr * xhat).sum(axis=0, dtype=np.float64)
        dbeta = dyr.sum(axis=0, dtype=np.float64)
        return [np.ascontiguousarray(dx).astype(x.dtype, copy=False), dgamma.astype(gamma.dtype),
                dbeta.astype(beta.dtype)]


@register
class InstanceNorm(Operator):
    name = 'InstanceNorm'
    params = (Param('eps', 'float', 1e-3, doc='added to the variance'),)
    arguments = ('data', 'gamma', 'beta')
    outputs = ('output', 'mean', 'var')
    grad_needs = ('inputs', 'outputs')
    doc = 'Normalises each (instance, channel) over its spatial positions, then gamma[c] * . + beta[c].'

    def num_visible_outputs(self, attrs):
        return 1

    def infer_shape(self, attrs, in_shapes):
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None, None, None]
        if len(data) < 3:
            raise MXNetError('InstanceNorm: data must have at least 3 dimensions (batch, channel, '
                             'spatial...); got %s' % fmt(data))
        c = (data[1],)
        stat = (data[0], data[1])
        return [tuple(data)] + _param_shapes(self.name, ['gamma', 'beta'], in_shapes[1:], c), \
            [tuple(data), stat, stat]

    def infer_type(self, attrs, in_types):
        return uniform_float_type(self.name, ['data', 'gamma', 'beta'], in_types, 3)

    def forward(self, ctx, attrs, inputs, aux):
        x, gamma, beta = inputs
        N, C = x.shape[:2]
        xr = as_compute(x).reshape(N * C, -1)
        dt = xr.dtype
        g = np.tile(gamma.astype(dt), N)[:, None]
        b = np.tile(beta.astype(dt), N)[:, None]
        y, mean, invstd = _row_norm_forward(xr, g, b, attrs.eps)
        return [finish(ctx, 0, y.reshape(x.shape), ctx.dtypes[0]),
                finish(ctx, 1, mean.reshape(N, C), ctx.dtypes[1]),
                finish(ctx, 2, invstd.reshape(N, C), ctx.dtypes[2])]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x, gamma, beta = inputs
        N, C = x.shape[:2]
        xr = as_compute(x).reshape(N * C, -1)
        dt = xr.dtype
        dyr = as_compute(out_grads[0]).reshape(N * C, -1)
        mean = outputs[1].reshape(-1).astype(dt)
        invstd = outputs[2].reshape(-1).astype(dt)
        dx, xhat = _row_norm_backward(xr, dyr, mean, invstd, np.tile(gamma.astype(dt), N)[:, None])
        dgamma = (dyr * xhat).sum(axis=1, dtype=np.float64).reshape(N, C).sum(axis=0)
        dbeta = dyr.sum(axis=1, dtype=np.float64).reshape(N, C).sum(axis=0)
        return [dx.reshape(x.shape).astype(x.dtype, copy=False), dgamma.astype(gamma.dtype),
                dbeta.astype(beta.dtype)]


@register
class LRN(Operator):
    name = 'LRN'
    params = (Param('alpha', 'float', 1e-4, doc='scale of the squared sum'),
              Param('beta', 'float', 0.75, doc='exponent'),
              Param('knorm', 'float', 2.0, doc='additive constant'),
              Param('nsize', 'int', doc='channels in the window (odd)'))
    outputs = ('output', 'tmp_norm')
    grad_needs = ('inputs', 'outputs')
    doc = ('Local response normalisation across channels: '
           'x / (knorm + alpha / nsize * sum of x^2 over nsize neighbouring channels)^beta.')

    def num_visible_outputs(self, attrs):
        return 1

    def infer_shape(self, attrs, in_shapes):
        data = in_shapes[0]
        if attrs.nsize < 1 or attrs.nsize % 2 == 0:
            raise MXNetError('LRN: nsize must be a positive odd number, got %d' % attrs.nsize)
        if data is not None and len(data) != 4:
            raise MXNetError('LRN: data must be 4-D (batch, channel, height, width); got %s' % fmt(data))
        return in_shapes, [data, data]

    def infer_type(self, attrs, in_types):
        float_type(self.name, 'data', in_types[0])
        return list(in_types), [in_types[0], in_types[0]]

    @staticmethod
    def _window_sum(a, half):
        """Sum over channels c - half .. c + half (clipped) of a (N, C, H, W)."""
        C = a.shape[1]
        cs = np.cumsum(a, axis=1, dtype=np.float64)
        cs = np.concatenate([np.zeros_like(cs[:, :1]), cs], axis=1)
        hi = np.minimum(np.arange(C) + half + 1, C)
        lo = np.maximum(np.arange(C) - half, 0)
        return cs[:, hi] - cs[:, lo]

    def forward(self, ctx, attrs, inputs, aux):
        x = as_compute(inputs[0])
        half = attrs.nsize // 2
        scale = attrs.knorm + attrs.alpha / attrs.nsize * self._window_sum(x * x, half)
        y = x * scale ** -attrs.beta
        return [finish(ctx, 0, y.astype(x.dtype), ctx.dtypes[0]),
                finish(ctx, 1, scale.astype(x.dtype), ctx.dtypes[1])]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x = as_compute(inputs[0]).astype(np.float64)
        scale = outputs[1].astype(np.float64)
        dy = out_grads[0].astype(np.float64)
        half = attrs.nsize // 2
        t = dy * x * scale ** (-attrs.beta - 1)
        dx = dy * scale ** -attrs.beta - \
            2.0 * attrs.alpha * attrs.beta / attrs.nsize * x * self._window_sum(t, half)
        return [dx.astype(inputs[0].dtype)]
