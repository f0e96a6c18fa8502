"""``mx.sym``: Symbol, Variable, Group, JSON load/save, one function per registry operator."""
import sys as _sys
import types as _types

from .symbol import Symbol, Variable, var, Group
from .json_io import load, load_json
from .helpers import *  # noqa: F401,F403
from .helpers import __all__ as _helpers_all
from . import random
from . import gen as _gen

_internal = _types.ModuleType('mxlite.symbol._internal', 'Operators with a leading underscore.')
op = _types.ModuleType('mxlite.symbol.op', 'All public operators.')
contrib = _types.ModuleType('mxlite.symbol.contrib', 'mx.sym.contrib operators.')
linalg = _types.ModuleType('mxlite.symbol.linalg', 'mx.sym.linalg operators.')
image = _types.ModuleType('mxlite.symbol.image', 'mx.sym.image operators.')
sparse = _types.ModuleType('mxlite.symbol.sparse', 'mx.sym.sparse operators.')

_this = _sys.modules[__name__]
_gen.install({None: _this, '_internal': _internal, 'contrib': contrib, 'linalg': linalg,
              'image': image, 'sparse': sparse})
_gen.install({None: op})
for _m in (_internal, op, contrib, linalg, image, sparse):
    _sys.modules[_m.__name__] = _m


def _install_fluent():
    from ..ndarray.ndarray import FLUENT

    def make(name):
        fn = getattr(_this, name)

        def method(self, *args, **kwargs):
            return fn(self, *args, **kwargs)
        method.__name__ = name
        method.__doc__ = 'Same as ``mx.sym.%s(self, ...)``.' % name
        return method
    for name in FLUENT:
        if hasattr(_this, name) and not hasattr(Symbol, name):
            setattr(Symbol, name, make(name))


_install_fluent()

__all__ = ['Symbol', 'Variable', 'var', 'Group', 'load', 'load_json', 'random'] + list(_helpers_all)
