"""``mx.optimizer``: MXNet 1.9.1's optimizers, ``create``, ``register``, ``get_updater``.

Optimizers are registered under their lower-cased class names: ``sgd``,
``ccsgd``, ``nag``, ``signum``, ``dcasgd``, ``sgld``, ``lars``, ``lbsgd``, ``test``,
``adam``, ``adagrad``, ``rmsprop``, ``adadelta``, ``ftrl``, ``adamax``,
``nadam``, ``ftml``, ``lamb``, ``groupadagrad``.  MXNet 1.9.1 has no AdamW
optimizer class (only the ``_adamw_update`` operator), so neither does
mxlite.
"""
from .optimizer import Optimizer, register, create
from .sgd import SGD, ccSGD, NAG, Signum, DCASGD, SGLD, LARS, Test
from .lbsgd import LBSGD
from .adaptive import Adam, AdaGrad, RMSProp, AdaDelta, Ftrl, Adamax, Nadam, FTML, LAMB
from . import contrib
from .contrib import GroupAdaGrad
from .updater import Updater, get_updater
from . import optimizer

__all__ = ['Optimizer', 'register', 'create', 'get_updater', 'Updater', 'SGD', 'ccSGD', 'NAG',
           'Signum', 'DCASGD', 'SGLD', 'LARS', 'LBSGD', 'Test', 'Adam', 'AdaGrad', 'RMSProp',
           'AdaDelta', 'Ftrl', 'Adamax', 'Nadam', 'FTML', 'LAMB', 'GroupAdaGrad', 'contrib']
