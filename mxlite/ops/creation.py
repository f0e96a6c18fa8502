"""Operators without array inputs that create arrays: zeros, ones, full, arange, eye."""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import fmt

CTX = Param('ctx', 'str', '')


def _dtype_param(default='float32'):
    return Param('dtype', 'dtype', np.dtype(default))


class _Creator(Operator):
    arguments = ()
    differentiable = False
    grad_needs = ()

    def infer_type(self, attrs, in_types):
        return [], [attrs.dtype]


class _Filled(_Creator):
    params = (Param('shape', 'shape', ()), CTX, _dtype_param())
    value = 0

    def infer_shape(self, attrs, in_shapes):
        if any(d < 0 for d in attrs.shape):
            raise MXNetError('%s: shape %s has a negative dimension' % (self.name, fmt(attrs.shape)))
        return [], [tuple(attrs.shape)]

    def fill_value(self, attrs):
        return self.value

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        out.fill(self.fill_value(attrs))
        return [out]


@register
class Zeros(_Filled):
    name = '_zeros'
    doc = 'An array of zeros.'


@register
class ZerosNoDtype(_Filled):
    name = '_zeros_without_dtype'
    params = (Param('shape', 'shape', ()), CTX, Param('dtype', 'int', -1))

    def infer_type(self, attrs, in_types):
        return [], [np.dtype(np.float32)]


@register
class Ones(_Filled):
    name = '_ones'
    value = 1
    doc = 'An array of ones.'


@register
class Full(_Filled):
    name = '_full'
    params = (Param('shape', 'shape', ()), CTX, _dtype_param(), Param('value', 'float'))
    doc = 'An array filled with ``value``.'

    def fill_value(self, attrs):
        return attrs.value


@register
class Arange(_Creator):
    name = '_arange'
    params = (Param('start', 'float'), Param('stop', 'float', None), Param('step', 'float', 1.0),
              Param('repeat', 'int', 1), Param('infer_range', 'bool', False), CTX, _dtype_param())
    doc = 'Evenly spaced values in [start, stop) (each repeated ``repeat`` times).'

    def _bounds(self, attrs):
        start, stop = attrs.start, attrs.stop
        if stop is None:
            start, stop = 0.0, start
        if attrs.step == 0:
            raise MXNetError('_arange: step cannot be 0')
        n = int(np.ceil((stop - start) / attrs.step))
        return start, max(n, 0)

    def infer_shape(self, attrs, in_shapes):
        if attrs.repeat < 1:
            raise MXNetError('_arange: repeat must be >= 1, got %d' % attrs.repeat)
        return [], [(self._bounds(attrs)[1] * attrs.repeat,)]

    def forward(self, ctx, attrs, inputs, aux):
        start, n = self._bounds(attrs)
        vals = start + np.arange(n, dtype=np.float64) * attrs.step
        if attrs.repeat > 1:
            vals = np.repeat(vals, attrs.repeat)
        out = ctx.out(0)
        np.copyto(out, vals, casting='unsafe')
        return [out]


@register
class Eye(_Creator):
    name = '_eye'
    params = (Param('N', 'int'), Param('M', 'int', 0), Param('k', 'int', 0), CTX, _dtype_param())
    doc = 'An N x M array with ones on the k-th diagonal.'

    def infer_shape(self, attrs, in_shapes):
        return [], [(attrs.N, attrs.M if attrs.M > 0 else attrs.N)]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.copyto(out, np.eye(out.shape[0], out.shape[1], attrs.k), casting='unsafe')
        return [out]


@register
class Linspace(_Creator):
    name = '_linspace'
    params = (Param('start', 'float'), Param('stop', 'float', None), Param('step', 'float', 1.0),
              Param('repeat', 'int', 1), Param('infer_range', 'bool', False), CTX, _dtype_param(),
              Param('num', 'int', 50), Param('endpoint', 'bool', True))

    def infer_shape(self, attrs, in_shapes):
        return [], [(attrs.num,)]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.copyto(out, np.linspace(attrs.start, attrs.stop, attrs.num, endpoint=attrs.endpoint),
                  casting='unsafe')
        return [out]
