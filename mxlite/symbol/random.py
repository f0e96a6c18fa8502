"""``mx.sym.random``: symbolic sampling nodes."""
from ..ops.registry import get_op
from .creation import create_symbol
from .symbol import Symbol

__all__ = ['uniform', 'normal', 'randint', 'exponential', 'gamma', 'poisson', 'negative_binomial',
           'generalized_negative_binomial', 'multinomial', 'shuffle']


def _random(scalar_op, sample_op, params, shape, dtype, kwargs):
    if shape is None:
        shape = ()
    syms = [p for p in params.values() if isinstance(p, Symbol)]
    if syms:
        kw = dict(shape=shape, **kwargs)
        if dtype is not None:
            kw['dtype'] = dtype
        return create_symbol(get_op(sample_op), sample_op[1:], tuple(params.values()), kw)
    kw = dict(params, shape=shape, **kwargs)
    if dtype is not None:
        kw['dtype'] = dtype
    return create_symbol(get_op(scalar_op), scalar_op, (), kw)


def uniform(low=0, high=1, shape=None, dtype=None, **kwargs):
    return _random('_random_uniform', '_sample_uniform', {'low': low, 'high': high}, shape, dtype,
                   kwargs)


def normal(loc=0, scale=1, shape=None, dtype=None, **kwargs):
    return _random('_random_normal', '_sample_normal', {'loc': loc, 'scale': scale}, shape, dtype,
                   kwargs)


def randint(low, high, shape=None, dtype=None, **kwargs):
    return _random('_random_randint', '_random_randint', {'low': low, 'high': high}, shape, dtype,
                   kwargs)


def exponential(scale=1, shape=None, dtype=None, **kwargs):
    return _random('_random_exponential', '_sample_exponential', {'lam': 1.0 / scale}, shape,
                   dtype, kwargs)


def gamma(alpha=1, beta=1, shape=None, dtype=None, **kwargs):
    return _random('_random_gamma', '_sample_gamma', {'alpha': alpha, 'beta': beta}, shape, dtype,
                   kwargs)


def poisson(lam=1, shape=None, dtype=None, **kwargs):
    return _random('_random_poisson', '_sample_poisson', {'lam': lam}, shape, dtype, kwargs)


def negative_binomial(k=1, p=1, shape=None, dtype=None, **kwargs):
    return _random('_random_negative_binomial', '_sample_negative_binomial', {'k': k, 'p': p},
                   shape, dtype, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=None, dtype=None, **kwargs):
    return _random('_random_generalized_negative_binomial',
                   '_sample_generalized_negative_binomial', {'mu': mu, 'alpha': alpha}, shape,
                   dtype, kwargs)


def multinomial(data, shape=None, get_prob=False, dtype='int32', **kwargs):
    return create_symbol(get_op('_sample_multinomial'), 'sample_multinomial', (data,),
                         dict(shape=shape or (), get_prob=get_prob, dtype=dtype, **kwargs))


def shuffle(data, **kwargs):
    return create_symbol(get_op('_shuffle'), 'shuffle', (data,), kwargs)
