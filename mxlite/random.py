"""Global random state: ``mx.random.seed`` and the generator ops draw from.

mxlite draws from numpy's PCG64, so seeded streams are reproducible run to
run but are not the same numbers as MXNet's own generator.
"""
import numpy as np

from .base import MXNetError, is_integral

__all__ = ['seed', 'generator', 'uniform', 'normal', 'randint', 'randn', 'exponential',
           'gamma', 'poisson', 'negative_binomial', 'generalized_negative_binomial',
           'multinomial', 'shuffle']

_DEFAULT_SEED = 0
_state = {'gen': np.random.Generator(np.random.PCG64(_DEFAULT_SEED))}


def seed(seed_state, ctx='all'):
    """Seed every generator mxlite uses (``ctx`` is accepted for compatibility)."""
    if not is_integral(seed_state):
        raise MXNetError('random.seed: seed_state must be an integer, got %r' % (seed_state,))
    _state['gen'] = np.random.Generator(np.random.PCG64(int(seed_state)))


def generator():
    """The numpy Generator operators draw from."""
    return _state['gen']


def __getattr__(name):
    # mx.random.uniform & co. are mx.nd.random's functions (imported lazily:
    # this module sits below ndarray in the layering).
    if name in __all__:
        from .ndarray import random as _ndr
        return getattr(_ndr, name)
    raise AttributeError(name)
