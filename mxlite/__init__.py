"""mxlite: Apache MXNet 1.x's Python API, re-implemented for the CPU.

``import mxlite as mx`` and MXNet 1.x scripts run unchanged.  The NDArray
layer loads at import; every other part (``mx.sym``, ``mx.mod``,
``mx.gluon``, ``mx.io``...) loads on first use, so ``import mxlite`` stays
well under MXNet's own import time.
"""
import importlib as _importlib

__version__ = '1.9.1'

from . import base
from .base import MXNetError
from . import context
from .context import Context, cpu, gpu, cpu_pinned, current_context, num_gpus
from . import ndarray
from . import ndarray as nd
from . import random
from .attribute import AttrScope

# attribute -> submodule, imported on first access
_LAZY = {
    'autograd': 'autograd', 'name': 'name', 'attribute': 'attribute',
    'symbol': 'symbol', 'sym': 'symbol', 'executor': 'executor',
    'visualization': 'visualization', 'viz': 'visualization',
    'kvstore': 'kvstore', 'kv': 'kvstore', 'callback': 'callback', 'model': 'model',
    'module': 'module', 'mod': 'module', 'io': 'io', 'image': 'image', 'img': 'image',
    'recordio': 'recordio', 'optimizer': 'optimizer', 'lr_scheduler': 'lr_scheduler',
    'initializer': 'initializer', 'init': 'initializer', 'metric': 'metric', 'gluon': 'gluon',
    'test_utils': 'test_utils', 'monitor': 'monitor', 'mon': 'monitor', 'profiler': 'profiler',
    'contrib': 'contrib', 'onnx': 'onnx', 'operator': 'operator', 'rnn': 'rnn', 'util': 'util',
    'log': 'log', 'engine': 'engine', 'runtime': 'runtime', 'library': 'library',
}


def __getattr__(attr):
    target = _LAZY.get(attr)
    if target is None:
        raise AttributeError("module 'mxlite' has no attribute %r" % attr)
    try:
        module = _importlib.import_module('.' + target, __name__)
    except ModuleNotFoundError as e:
        if e.name == __name__ + '.' + target:
            raise AttributeError("module 'mxlite' has no attribute %r (mx.%s is not available in "
                                 "this version of mxlite)" % (attr, attr)) from None
        raise
    globals()[attr] = module
    return module


def __dir__():
    return sorted(set(globals()) | set(_LAZY))


__all__ = ['base', 'MXNetError', 'context', 'Context', 'cpu', 'gpu', 'cpu_pinned',
           'current_context', 'num_gpus', 'nd', 'ndarray', 'random', 'AttrScope', '__version__']
