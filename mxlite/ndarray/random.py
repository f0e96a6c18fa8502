"""``mx.nd.random``: sampling functions over the ``_random_*``/``_sample_*`` operators.

Scalar distribution parameters draw an array of ``shape``; NDArray
parameters draw ``shape`` samples per element (MXNet's ``_sample_*`` ops).
"""
from ..base import MXNetError, _Null
from ..context import current_context
from ..ops.registry import get_op
from . import invoke as _inv
from .ndarray import NDArray

__all__ = ['uniform', 'normal', 'randn', 'randint', 'exponential', 'gamma', 'poisson',
           'negative_binomial', 'generalized_negative_binomial', 'multinomial', 'shuffle']


def _random(scalar_op, sample_op, params, shape, dtype, ctx, out, kwargs):
    if shape is _Null or shape is None:
        shape = ()
    elif isinstance(shape, int):
        shape = (shape,)
    nd_params = [p for p in params.values() if isinstance(p, NDArray)]
    if nd_params:
        if len(nd_params) != len(params):
            raise MXNetError('%s: distribution parameters must be all NDArrays or all numbers'
                             % sample_op)
        kw = dict(shape=shape, out=out, **kwargs)
        if dtype is not _Null and dtype is not None:
            kw['dtype'] = dtype
        return _inv.invoke(get_op(sample_op), tuple(params.values()), kw)
    if out is not None and not shape:
        shape = out.shape
    kw = dict(params)
    kw.update(shape=shape, ctx=str(ctx if ctx is not None else current_context()), out=out,
              **kwargs)
    if dtype is not _Null and dtype is not None:
        kw['dtype'] = dtype
    return _inv.invoke(get_op(scalar_op), (), kw)


def uniform(low=0, high=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples uniformly from [low, high)."""
    return _random('_random_uniform', '_sample_uniform', {'low': low, 'high': high}, shape,
                   dtype, ctx, out, kwargs)


def normal(loc=0, scale=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from a normal distribution N(loc, scale^2)."""
    return _random('_random_normal', '_sample_normal', {'loc': loc, 'scale': scale}, shape,
                   dtype, ctx, out, kwargs)


def randn(*shape, **kwargs):
    """Standard-normal samples of the given shape (``loc``/``scale`` keywords allowed)."""
    loc = kwargs.pop('loc', 0)
    scale = kwargs.pop('scale', 1)
    return normal(loc, scale, shape, **kwargs)


def randint(low, high, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Uniform random integers in [low, high)."""
    if shape is _Null or shape is None:
        shape = ()
    kw = dict(low=low, high=high, shape=shape, ctx=str(ctx if ctx is not None else current_context()),
              out=out, **kwargs)
    if dtype is not _Null and dtype is not None:
        kw['dtype'] = dtype
    return _inv.invoke(get_op('_random_randint'), (), kw)


def exponential(scale=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    if isinstance(scale, NDArray):
        return _random('_random_exponential', '_sample_exponential', {'lam': 1.0 / scale},
                       shape, dtype, ctx, out, kwargs)
    return _random('_random_exponential', '_sample_exponential', {'lam': 1.0 / scale}, shape,
                   dtype, ctx, out, kwargs)


def gamma(alpha=1, beta=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    return _random('_random_gamma', '_sample_gamma', {'alpha': alpha, 'beta': beta}, shape, dtype,
                   ctx, out, kwargs)


def poisson(lam=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    return _random('_random_poisson', '_sample_poisson', {'lam': lam}, shape, dtype, ctx, out,
                   kwargs)


def negative_binomial(k=1, p=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    return _random('_random_negative_binomial', '_sample_negative_binomial', {'k': k, 'p': p},
                   shape, dtype, ctx, out, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=_Null, dtype=_Null, ctx=None, out=None,
                                  **kwargs):
    return _random('_random_generalized_negative_binomial',
                   '_sample_generalized_negative_binomial', {'mu': mu, 'alpha': alpha}, shape,
                   dtype, ctx, out, kwargs)


def multinomial(data, shape=_Null, get_prob=False, out=None, dtype='int32', **kwargs):
    """Draws category indices from probability rows of ``data``."""
    if shape is _Null or shape is None:
        shape = ()
    return _inv.invoke(get_op('_sample_multinomial'), (data,),
                       dict(shape=shape, get_prob=get_prob, out=out, dtype=dtype, **kwargs))


def shuffle(data, **kwargs):
    """A copy of ``data`` randomly permuted along its first axis."""
    return _inv.invoke(get_op('_shuffle'), (data,), kwargs)
