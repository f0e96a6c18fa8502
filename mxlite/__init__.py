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

__all__ = ['base', 'MXNetError', 'context', 'Context', 'cpu', 'gpu', 'cpu_pinned',
           'current_context', 'num_gpus', 'nd', 'ndarray', 'random', '__version__']

# data pipeline (issue 6)
from . import recordio
from . import io
from . import image
from . import image as img
