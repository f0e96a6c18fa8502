"""``mx.gluon``: the imperative/hybrid neural-network API of MXNet 1.x."""
from .parameter import Parameter, Constant, ParameterDict, DeferredInitializationError
from .block import Block
from .hybrid import HybridBlock
from .symbol_block import SymbolBlock
from .trainer import Trainer

__all__ = ['Parameter', 'Constant', 'ParameterDict', 'DeferredInitializationError', 'Block',
           'HybridBlock', 'SymbolBlock', 'Trainer']


def __getattr__(name):
    # sub-packages load on first use (nn, loss, data, model_zoo, utils, rnn)
    if name in ('nn', 'loss', 'data', 'model_zoo', 'utils', 'rnn', 'contrib'):
        import importlib
        module = importlib.import_module('.' + name, __name__)
        globals()[name] = module
        return module
    raise AttributeError("module 'mxlite.gluon' has no attribute %r" % name)
