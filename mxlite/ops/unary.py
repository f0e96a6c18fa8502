"""Elementwise operators of one input: math, rounding, activations, casts.

Integer inputs keep their dtype (``sqrt`` of int32 is int32), as in MXNet.
"""
import math

import numpy as np

from .registry import Operator, register, Param

_LN10 = math.log(10.0)
_LN2 = math.log(2.0)


def _uf(ufunc):
    """``fn(x, out)`` from a numpy ufunc; unsafe casting keeps int dtypes."""
    def fn(x, out):
        return ufunc(x, out=out, casting='unsafe')
    return fn


def _rint(x, out):
    # MXNet's rint sends halves down: rint(1.5) == 1, rint(-0.5) == -1.
    f = np.floor(x)
    np.copyto(out, np.where(x - f <= np.ceil(x) - x, f, np.ceil(x)), casting='unsafe')
    return out


def _round(x, out):
    # Halves away from zero: round(2.5) == 3, round(-1.5) == -2.
    np.copyto(out, np.sign(x) * np.floor(np.abs(x) + 0.5), casting='unsafe')
    return out


def _sigmoid(x, out):
    if x.dtype.kind != 'f':
        np.copyto(out, 1.0 / (1.0 + np.exp(-x.astype(np.float64))), casting='unsafe')
        return out
    np.negative(x, out=out)
    np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)
    return out


def _relu(x, out):
    return np.maximum(x, 0, out=out, casting='unsafe')


def _softsign(x, out):
    np.copyto(out, x / (1 + np.abs(x)), casting='unsafe')
    return out


def _rsqrt(x, out):
    np.copyto(out, 1.0 / np.sqrt(x), casting='unsafe')
    return out


def _rcbrt(x, out):
    np.copyto(out, 1.0 / np.cbrt(x), casting='unsafe')
    return out


def _float_input(x):
    # the special-function kernels are compiled for float32 and float64
    if x.dtype in (np.float32, np.float64):
        return np.ascontiguousarray(x)
    return np.ascontiguousarray(x, dtype=np.float64)


def _special(name):
    def fn(x, out):
        from ..kernels import special
        np.copyto(out, getattr(special, name)(_float_input(x)), casting='unsafe')
        return out
    return fn


# name -> (forward fn(x, out), grad(x, y, g) or None for a zero gradient, aliases)
UNARY = {
    'abs': (_uf(np.abs), lambda x, y, g: g * np.sign(x), ()),
    'sign': (_uf(np.sign), None, ()),
    'round': (_round, None, ()),
    'rint': (_rint, None, ()),
    'ceil': (_uf(np.ceil), None, ()),
    'floor': (_uf(np.floor), None, ()),
    'trunc': (_uf(np.trunc), None, ()),
    'fix': (_uf(np.trunc), None, ()),
    'square': (_uf(np.square), lambda x, y, g: g * 2 * x, ()),
    'sqrt': (_uf(np.sqrt), lambda x, y, g: g / (2 * y), ()),
    'rsqrt': (_rsqrt, lambda x, y, g: g * (-0.5) * y * y * y, ()),
    'cbrt': (_uf(np.cbrt), lambda x, y, g: g / (3 * y * y), ()),
    'rcbrt': (_rcbrt, lambda x, y, g: g * (-1.0 / 3) * y / x, ()),
    'exp': (_uf(np.exp), lambda x, y, g: g * y, ()),
    'expm1': (_uf(np.expm1), lambda x, y, g: g * (y + 1), ()),
    'log': (_uf(np.log), lambda x, y, g: g / x, ()),
    'log10': (_uf(np.log10), lambda x, y, g: g / (x * _LN10), ()),
    'log2': (_uf(np.log2), lambda x, y, g: g / (x * _LN2), ()),
    'log1p': (_uf(np.log1p), lambda x, y, g: g / (1 + x), ()),
    'sin': (_uf(np.sin), lambda x, y, g: g * np.cos(x), ()),
    'cos': (_uf(np.cos), lambda x, y, g: -g * np.sin(x), ()),
    'tan': (_uf(np.tan), lambda x, y, g: g * (1 + y * y), ()),
    'arcsin': (_uf(np.arcsin), lambda x, y, g: g / np.sqrt(1 - x * x), ()),
    'arccos': (_uf(np.arccos), lambda x, y, g: -g / np.sqrt(1 - x * x), ()),
    'arctan': (_uf(np.arctan), lambda x, y, g: g / (1 + x * x), ()),
    'sinh': (_uf(np.sinh), lambda x, y, g: g * np.cosh(x), ()),
    'cosh': (_uf(np.cosh), lambda x, y, g: g * np.sinh(x), ()),
    'tanh': (_uf(np.tanh), lambda x, y, g: g * (1 - y * y), ()),
    'arcsinh': (_uf(np.arcsinh), lambda x, y, g: g / np.sqrt(x * x + 1), ()),
    'arccosh': (_uf(np.arccosh), lambda x, y, g: g / np.sqrt(x * x - 1), ()),
    'arctanh': (_uf(np.arctanh), lambda x, y, g: g / (1 - x * x), ()),
    'degrees': (_uf(np.degrees), lambda x, y, g: g * (180 / math.pi), ()),
    'radians': (_uf(np.radians), lambda x, y, g: g * (math.pi / 180), ()),
    'sigmoid': (_sigmoid, lambda x, y, g: g * y * (1 - y), ()),
    'relu': (_relu, lambda x, y, g: g * (y > 0), ()),
    'softsign': (_softsign, lambda x, y, g: g / np.square(1 + np.abs(x)), ()),
    'negative': (_uf(np.negative), lambda x, y, g: -g, ()),
    'reciprocal': (_uf(np.reciprocal), lambda x, y, g: -g * y * y, ()),
    'gamma': (_special('gamma'), lambda x, y, g: g * y * _digamma(x), ()),
    'gammaln': (_special('gammaln'), lambda x, y, g: g * _digamma(x), ()),
    'erf': (_special('erf'), lambda x, y, g: g * (2 / math.sqrt(math.pi)) * np.exp(-x * x), ()),
    'erfinv': (_special('erfinv'), lambda x, y, g: g * (math.sqrt(math.pi) / 2) * np.exp(y * y), ()),
    'logical_not': (lambda x, out: _logical_not(x, out), None, ()),
}


def _logical_not(x, out):
    np.copyto(out, np.logical_not(x), casting='unsafe')
    return out


def _digamma(x):
    from ..kernels import special
    return special.digamma(_float_input(x)).astype(x.dtype, copy=False)


def _make_unary(op_name, fn, grad, aliases):
    class Unary(Operator):
        name = op_name
        inplace = ((0, 0),)
        differentiable = grad is not None

        def forward(self, ctx, attrs, inputs, aux):
            return [fn(inputs[0], ctx.out(0))]

        def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
            if grad is None:
                return [None]
            g = grad(inputs[0], outputs[0], out_grads[0])
            return [np.asarray(g, dtype=out_grads[0].dtype)]
    Unary.aliases = aliases
    Unary.__name__ = Unary.__qualname__ = 'Unary_' + op_name
    Unary.doc = 'Elementwise %s of the input.' % op_name
    register(Unary)


for _n, (_f, _g, _a) in UNARY.items():
    _make_unary(_n, _f, _g, _a)


@register
class Identity(Operator):
    name = '_copy'
    aliases = ('identity',)
    inplace = ((0, 0),)
    grad_needs = ()
    doc = 'Returns a copy of the input.'

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        if out is not inputs[0]:
            np.copyto(out, inputs[0])
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        return [out_grads[0]]


@register
class BlockGrad(Operator):
    name = 'BlockGrad'
    aliases = ('stop_gradient',)
    inplace = ((0, 0),)
    grad_needs = ()
    differentiable = False
    doc = 'Passes the input through and stops the gradient flowing back.'

    def forward(self, ctx, attrs, inputs, aux):
        return Identity.forward(self, ctx, attrs, inputs, aux)


class _Like(Operator):
    differentiable = False
    grad_needs = ()
    value = 0

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        out.fill(self.value)
        return [out]


@register
class ZerosLike(_Like):
    name = 'zeros_like'
    value = 0


@register
class OnesLike(_Like):
    name = 'ones_like'
    value = 1


@register
class Clip(Operator):
    name = 'clip'
    params = (Param('a_min', 'float'), Param('a_max', 'float'))
    inplace = ((0, 0),)
    doc = 'Clips values to [a_min, a_max]; the gradient passes where a_min < x < a_max.'

    def forward(self, ctx, attrs, inputs, aux):
        x = inputs[0]
        lo, hi = attrs.a_min, attrs.a_max
        if x.dtype.kind in 'iu':
            lo, hi = int(lo), int(hi)
        return [np.clip(x, lo, hi, out=ctx.out(0), casting='unsafe')]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x = inputs[0]
        mask = (x > attrs.a_min) & (x < attrs.a_max)
        return [out_grads[0] * mask]


@register
class Cast(Operator):
    name = 'Cast'
    aliases = ('cast',)
    params = (Param('dtype', 'dtype'),)
    grad_needs = ()
    doc = 'Casts the input to ``dtype``; the gradient is cast back.'

    def infer_type(self, attrs, in_types):
        return list(in_types), [attrs.dtype]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.copyto(out, inputs[0], casting='unsafe')
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        return [out_grads[0].astype(inputs[0].dtype)]
