"""``mx.nd``: NDArray, its constructors, and one function per registry operator."""
import types as _types

from .ndarray import NDArray
from .utils import *  # noqa: F401,F403
from .utils import __all__ as _utils_all
from .serialization import save, load, load_frombuffer
from . import random
from . import gen as _gen

_internal = _types.ModuleType('mxlite.ndarray._internal', 'Operators with a leading underscore.')
op = _types.ModuleType('mxlite.ndarray.op', 'All public operators.')
contrib = _types.ModuleType('mxlite.ndarray.contrib', 'mx.nd.contrib operators.')
linalg = _types.ModuleType('mxlite.ndarray.linalg', 'mx.nd.linalg operators.')
image = _types.ModuleType('mxlite.ndarray.image', 'mx.nd.image operators.')
sparse = _types.ModuleType('mxlite.ndarray.sparse', 'mx.nd.sparse operators.')

import sys as _sys  # noqa: E402
_this = _sys.modules[__name__]
_gen.install({None: _this, '_internal': _internal, 'contrib': contrib, 'linalg': linalg,
              'image': image, 'sparse': sparse})
_gen.install({None: op})
for _m in (_internal, op, contrib, linalg, image, sparse):
    _sys.modules[_m.__name__] = _m

__all__ = ['NDArray', 'save', 'load', 'load_frombuffer', 'random'] + list(_utils_all)
