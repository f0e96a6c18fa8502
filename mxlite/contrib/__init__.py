"""``mx.contrib``: experimental APIs.  ``mx.contrib.onnx`` loads on first use."""
import importlib as _importlib

_LAZY = ('onnx',)


def __getattr__(attr):
    if attr in _LAZY:
        module = _importlib.import_module('.' + attr, __name__)
        globals()[attr] = module
        return module
    raise AttributeError("module 'mxlite.contrib' has no attribute %r (mx.contrib.%s is not "
                         "available in this version of mxlite)" % (attr, attr))


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
