"""mxlite: Apache MXNet 1.x's Python API, re-implemented for the CPU.

``import mxlite as mx`` and MXNet 1.x scripts run unchanged.
"""
__version__ = '1.9.1'

from . import base
from .base import MXNetError
from . import context
from .context import Context, cpu, gpu, cpu_pinned, current_context, num_gpus
from . import ndarray
from . import ndarray as nd
from . import random
from . import autograd
from . import name
from . import attribute
from .attribute import AttrScope
from . import symbol
from . import symbol as sym
from . import executor
from . import visualization
from . import visualization as viz

__all__ = ['base', 'MXNetError', 'context', 'Context', 'cpu', 'gpu', 'cpu_pinned',
           'current_context', 'num_gpus', 'nd', 'ndarray', 'random', 'autograd', 'name',
           'attribute', 'AttrScope', 'symbol', 'sym', '__version__']

# data pipeline (issue 6)
from . import recordio
from . import io
from . import image
from . import image as img

# training parts (issue 5)
from . import lr_scheduler
from . import optimizer
from . import initializer
from . import initializer as init
from . import metric
