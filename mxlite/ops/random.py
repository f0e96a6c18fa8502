"""Random sampling operators (``_random_*`` scalar-parameter and ``_sample_*`` array forms).

They draw from ``mx.random``'s global generator; ``mx.random.seed`` makes
them reproducible (the streams differ from MXNet's own generator).
"""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import fmt

_FLOAT_DT = ('float16', 'float32', 'float64')


def _dt_param(default=None, choices=_FLOAT_DT):
    return Param('dtype', 'enum', default, choices=choices, optional=True)


def _shape_param():
    return Param('shape', 'shape', ())


# name -> (parameter specs, draw(gen, attrs, size), aliases)
_SCALAR_DISTS = {
    '_random_uniform': ((('low', 0.0), ('high', 1.0)),
                        lambda g, a, n: g.uniform(a.low, a.high, n), ('uniform', 'random_uniform')),
    '_random_normal': ((('loc', 0.0), ('scale', 1.0)),
                       lambda g, a, n: g.normal(a.loc, a.scale, n), ('normal', 'random_normal')),
    '_random_exponential': ((('lam', 1.0),),
                            lambda g, a, n: g.exponential(1.0 / a.lam, n), ('random_exponential',)),
    '_random_gamma': ((('alpha', 1.0), ('beta', 1.0)),
                      lambda g, a, n: g.gamma(a.alpha, a.beta, n), ('random_gamma',)),
    '_random_poisson': ((('lam', 1.0),), lambda g, a, n: g.poisson(a.lam, n), ('random_poisson',)),
    '_random_negative_binomial': ((('k', 1), ('p', 1.0)),
                                  lambda g, a, n: g.negative_binomial(a.k, a.p, n),
                                  ('random_negative_binomial',)),
    '_random_generalized_negative_binomial': (
        (('mu', 1.0), ('alpha', 1.0)),
        lambda g, a, n: _gen_neg_binomial(g, a.mu, a.alpha, n),
        ('random_generalized_negative_binomial',)),
}


def _gen_neg_binomial(g, mu, alpha, n):
    # a Poisson whose rate is Gamma(1/alpha, mu*alpha); alpha == 0 is plain Poisson(mu)
    mu, alpha = np.broadcast_arrays(np.asarray(mu, np.float64), np.asarray(alpha, np.float64))
    safe = np.where(alpha > 0, alpha, 1.0)
    lam = np.where(alpha > 0, g.gamma(1.0 / safe, mu * safe, n), np.broadcast_to(mu, n))
    return g.poisson(lam)


def _make_scalar_dist(op_name, specs, draw, aliases):
    params = tuple(Param(n, 'int' if isinstance(d, int) else 'float', d) for n, d in specs)
    params += (_shape_param(), Param('ctx', 'str', ''), _dt_param())

    class Dist(Operator):
        name = op_name
        arguments = ()
        differentiable = False
        grad_needs = ()
        doc = 'Samples from the %s distribution.' % op_name.split('_')[-1]

        def infer_shape(self, attrs, in_shapes):
            return [], [tuple(attrs.shape)]

        def infer_type(self, attrs, in_types):
            return [], [np.dtype(attrs.dtype or 'float32')]

        def forward(self, ctx, attrs, inputs, aux):
            out = ctx.out(0)
            np.copyto(out, draw(ctx.rng, attrs, out.shape), casting='unsafe')
            return [out]
    Dist.aliases = aliases
    Dist.params = params
    Dist.__name__ = Dist.__qualname__ = 'Random' + op_name
    register(Dist)


for _n, (_s, _d, _a) in _SCALAR_DISTS.items():
    _make_scalar_dist(_n, _s, _d, _a)


@register
class RandInt(Operator):
    name = '_random_randint'
    aliases = ('random_randint',)
    arguments = ()
    params = (Param('low', 'int'), Param('high', 'int'), _shape_param(), Param('ctx', 'str', ''),
              Param('dtype', 'enum', 'int32', choices=('None', 'int32', 'int64')))
    differentiable = False
    grad_needs = ()
    doc = 'Uniform random integers in [low, high).'

    def infer_shape(self, attrs, in_shapes):
        if attrs.high <= attrs.low:
            raise MXNetError('randint: high (%d) must be greater than low (%d)'
                             % (attrs.high, attrs.low))
        return [], [tuple(attrs.shape)]

    def infer_type(self, attrs, in_types):
        return [], [np.dtype('int32' if attrs.dtype == 'None' else attrs.dtype)]

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.copyto(out, ctx.rng.integers(attrs.low, attrs.high, out.shape), casting='unsafe')
        return [out]


# name -> (argument names, draw(gen, *param arrays, size))
_ARRAY_DISTS = {
    '_sample_uniform': (('low', 'high'), lambda g, lo, hi, n: g.uniform(lo, hi, n)),
    '_sample_normal': (('mu', 'sigma'), lambda g, m, s, n: g.normal(m, s, n)),
    '_sample_exponential': (('lam',), lambda g, lam, n: g.exponential(1.0 / lam, n)),
    '_sample_gamma': (('alpha', 'beta'), lambda g, a, b, n: g.gamma(a, b, n)),
    '_sample_poisson': (('lam',), lambda g, lam, n: g.poisson(lam, n)),
    '_sample_negative_binomial': (('k', 'p'), lambda g, k, p, n: g.negative_binomial(k, p, n)),
    '_sample_generalized_negative_binomial': (
        ('mu', 'alpha'), lambda g, mu, al, n: _gen_neg_binomial(g, mu, al, n)),
}


def _make_array_dist(op_name, args, draw):
    class Sample(Operator):
        name = op_name
        aliases = (op_name[1:],)
        arguments = args
        params = (_shape_param(), _dt_param())
        differentiable = False
        grad_needs = ()
        doc = 'Samples with per-element distribution parameters given as arrays.'

        def infer_shape(self, attrs, in_shapes):
            base = next((s for s in in_shapes if s is not None), None)
            for n, s in zip(args, in_shapes):
                if s is not None and base is not None and tuple(s) != tuple(base):
                    raise MXNetError('%s: %s has shape %s but %s has %s'
                                     % (op_name, n, fmt(s), args[0], fmt(base)))
            if base is None:
                return in_shapes, [None]
            return [base] * len(args), [tuple(base) + tuple(attrs.shape)]

        def infer_type(self, attrs, in_types):
            t = attrs.dtype or (in_types[0].name if in_types[0] is not None else 'float32')
            return list(in_types), [np.dtype(t)]

        def forward(self, ctx, attrs, inputs, aux):
            out = ctx.out(0)
            extra = tuple(attrs.shape)
            k = len(extra)
            ps = [p.reshape(p.shape + (1,) * k) for p in inputs]
            np.copyto(out, draw(ctx.rng, *ps, out.shape), casting='unsafe')
            return [out]
    Sample.__name__ = Sample.__qualname__ = 'Sample' + op_name
    register(Sample)


for _n, (_args, _d) in _ARRAY_DISTS.items():
    _make_array_dist(_n, _args, _d)


@register
class SampleMultinomial(Operator):
    name = '_sample_multinomial'
    aliases = ('sample_multinomial',)
    params = (_shape_param(), Param('get_prob', 'bool', False),
              Param('dtype', 'enum', 'int32', choices=('float16', 'float32', 'float64', 'int32',
                                                       'uint8')))
    differentiable = False
    grad_needs = ()
    doc = 'Draws category indices from the probability rows of ``data``.'

    def list_outputs(self, attrs):
        return ['output', 'prob'] if attrs.get_prob else ['output']

    def infer_shape(self, attrs, in_shapes):
        s = in_shapes[0]
        if s is None:
            return in_shapes, [None] * self.num_outputs(attrs)
        o = tuple(s[:-1]) + tuple(attrs.shape)
        return in_shapes, [o] * self.num_outputs(attrs)

    def infer_type(self, attrs, in_types):
        outs = [np.dtype(attrs.dtype)]
        if attrs.get_prob:
            outs.append(in_types[0])
        return list(in_types), outs

    def forward(self, ctx, attrs, inputs, aux):
        p = inputs[0].astype(np.float64)
        rows = p.reshape(-1, p.shape[-1])
        n = int(np.prod(attrs.shape)) if attrs.shape else 1
        cdf = np.cumsum(rows, axis=1)
        cdf /= cdf[:, -1:]
        u = ctx.rng.random((rows.shape[0], n))
        idx = np.empty((rows.shape[0], n), dtype=np.int64)
        for r in range(rows.shape[0]):
            idx[r] = np.minimum(np.searchsorted(cdf[r], u[r], side='right'), rows.shape[1] - 1)
        out = ctx.out(0)
        np.copyto(out, idx.reshape(out.shape), casting='unsafe')
        if attrs.get_prob:
            pr = ctx.out(1)
            lp = np.log(np.take_along_axis(rows, idx, axis=1))
            np.copyto(pr, lp.reshape(pr.shape), casting='unsafe')
            return [out, pr]
        return [out]


@register
class Shuffle(Operator):
    name = '_shuffle'
    aliases = ('shuffle',)
    differentiable = False
    grad_needs = ()
    doc = 'Randomly permutes the input along its first axis.'

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        np.copyto(out, inputs[0][ctx.rng.permutation(inputs[0].shape[0])])
        return [out]
