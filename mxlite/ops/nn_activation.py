"""Activation and LeakyReLU: elementwise non-linearities on Numba kernels."""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import fmt
from .nn_common import (float_type, uniform_float_type, as_compute, compute_dtype, out_buffer, finish,
                        grad_buffer)

_ACT = {'relu': 0, 'sigmoid': 1, 'tanh': 2, 'softrelu': 3, 'softsign': 4}
_LEAKY = {'leaky': 10, 'elu': 11, 'selu': 12, 'gelu': 13}


def _run_forward(ctx, x, kind, a):
    from ..kernels import activation
    dt = compute_dtype(x)
    out = out_buffer(ctx, 0, x.shape, dt)
    activation.forward(as_compute(x).reshape(-1), out.reshape(-1), kind, a)
    return finish(ctx, 0, out, ctx.dtypes[0])


def _run_backward(ctx, x, y, g, kind, a):
    from ..kernels import activation
    dt = compute_dtype(g)
    dx = grad_buffer(ctx, 0, g.shape, dt)
    xs = as_compute(x).reshape(-1) if x is not None else dx.reshape(-1)
    ys = as_compute(y).reshape(-1) if y is not None else dx.reshape(-1)
    activation.backward(xs, ys, as_compute(g).reshape(-1), dx.reshape(-1), kind, a)
    return dx


@register
class Activation(Operator):
    name = 'Activation'
    params = (Param('act_type', 'enum', choices=tuple(sorted(_ACT))),)
    grad_needs = ('inputs', 'outputs')
    inplace = ((0, 0),)
    doc = 'Elementwise relu, sigmoid, tanh, softrelu (log(1 + exp(x))) or softsign (x / (1 + |x|)).'

    def backward_reads(self, attrs):
        # the kernels differentiate from the output, except softsign (from the input)
        return ((0,), ()) if attrs.act_type == 'softsign' else ((), (0,))

    def infer_type(self, attrs, in_types):
        float_type(self.name, 'data', in_types[0])
        return list(in_types), [in_types[0]]

    def forward(self, ctx, attrs, inputs, aux):
        return [_run_forward(ctx, inputs[0], _ACT[attrs.act_type], 0.0)]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x = inputs[0]
        dx = _run_backward(ctx, x, outputs[0], out_grads[0], _ACT[attrs.act_type], 0.0)
        return [dx.astype(x.dtype, copy=False)]


@register
class LeakyReLU(Operator):
    name = 'LeakyReLU'
    params = (Param('act_type', 'enum', 'leaky', choices=('elu', 'gelu', 'leaky', 'prelu', 'rrelu', 'selu')),
              Param('slope', 'float', 0.25, doc='slope of leaky, alpha of elu'),
              Param('lower_bound', 'float', 0.125, doc='lower bound of the random rrelu slope'),
              Param('upper_bound', 'float', 0.334, doc='upper bound of the random rrelu slope'))
    arguments = ('data', 'gamma')
    outputs = ('output', 'mask')
    grad_needs = ('inputs', 'outputs')
    doc = ('leaky: x > 0 ? x : slope * x; elu: slope * (exp(x) - 1) below 0; selu; gelu (erf form); '
           'prelu: a learned slope gamma per channel (axis 1); rrelu: a random slope in '
           '[lower_bound, upper_bound] in training, their mean otherwise.')

    def list_arguments(self, attrs):
        return ['data', 'gamma'] if attrs.act_type == 'prelu' else ['data']

    @staticmethod
    def var_attrs(attrs):
        # an implicit prelu slope starts at 0.25, as MXNet's symbol says
        if attrs.act_type == 'prelu':
            return {'gamma': {'__init__': '["Constant", {"value": 0.25}]'}}
        return {}

    def list_outputs(self, attrs):
        return ['output', 'mask'] if attrs.act_type == 'rrelu' else ['output']

    def infer_type(self, attrs, in_types):
        return uniform_float_type(self.name, self.list_arguments(attrs), in_types,
                                  len(self.list_outputs(attrs)))

    def infer_shape(self, attrs, in_shapes):
        data = in_shapes[0]
        n_out = len(self.list_outputs(attrs))
        if attrs.act_type != 'prelu':
            return [data], [data] * n_out
        gamma = in_shapes[1]
        C = 0
        if data is not None:
            C = data[1] if len(data) >= 2 else 1
        if gamma is not None:
            if len(gamma) != 1 or (C and gamma[0] and gamma[0] not in (1, C)):
                raise MXNetError("LeakyReLU: prelu's gamma has shape %s but data %s has %d channels "
                                 "(axis 1): gamma must be (%d,) or (1,)" % (fmt(gamma), fmt(data), C, C))
        else:
            gamma = (C,) if C else None
        return [data, gamma], [data]

    @staticmethod
    def _nc_s(x):
        """(N, C, rest) view for prelu's per-channel slope."""
        if x.ndim == 1:
            return x.reshape(x.shape[0], 1, 1)
        return x.reshape(x.shape[0], x.shape[1], -1)

    def forward(self, ctx, attrs, inputs, aux):
        t = attrs.act_type
        x = inputs[0]
        if t in _LEAKY:
            return [_run_forward(ctx, x, _LEAKY[t], attrs.slope)]
        from ..kernels import activation
        dt = compute_dtype(x)
        if t == 'prelu':
            out = out_buffer(ctx, 0, x.shape, dt)
            activation.prelu_forward(self._nc_s(as_compute(x)), as_compute(inputs[1]).reshape(-1),
                                     self._nc_s(out))
            return [finish(ctx, 0, out, ctx.dtypes[0])]
        # rrelu: the second output holds the slopes used (zeros outside training, as MXNet)
        lo, hi = attrs.lower_bound, attrs.upper_bound
        out = out_buffer(ctx, 0, x.shape, dt)
        if ctx.is_train:
            slopes = ctx.rng.uniform(lo, hi, x.shape).astype(dt)
            activation.rrelu_forward(as_compute(x).reshape(-1), slopes.reshape(-1), out.reshape(-1))
            mask = slopes
        else:
            activation.forward(as_compute(x).reshape(-1), out.reshape(-1), _LEAKY['leaky'],
                               (lo + hi) / 2.0)
            mask = np.zeros(x.shape, dt)
        return [finish(ctx, 0, out, ctx.dtypes[0]), finish(ctx, 1, mask, ctx.dtypes[1])]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        t = attrs.act_type
        x = inputs[0]
        g = out_grads[0]
        if t in _LEAKY:
            dx = _run_backward(ctx, x, outputs[0], g, _LEAKY[t], attrs.slope)
            return [dx.astype(x.dtype, copy=False)]
        from ..kernels import activation
        dt = compute_dtype(x)
        if t == 'prelu':
            gamma = inputs[1]
            dx = np.empty(x.shape, dt)
            dgamma = np.empty(gamma.shape, dt).reshape(-1)
            activation.prelu_backward(self._nc_s(as_compute(x)), as_compute(gamma).reshape(-1),
                                      self._nc_s(as_compute(g)), self._nc_s(dx), dgamma)
            return [dx.astype(x.dtype, copy=False), dgamma.reshape(gamma.shape).astype(gamma.dtype)]
        mask = outputs[1]
        if np.any(mask):    # the forward ran in training: the slopes it drew
            slopes = as_compute(mask)
        else:
            slopes = np.full(x.shape, (attrs.lower_bound + attrs.upper_bound) / 2.0, dt)
        dx = np.where(x > 0, g, slopes * g)
        return [dx.astype(x.dtype, copy=False)]
