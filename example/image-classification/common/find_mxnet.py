"""Make ``import mxlite`` work from a source checkout that was not pip-installed.

Scripts start with ``from common import find_mxnet`` (as MXNet's did); it puts
the repository root on ``sys.path`` when mxlite is not importable, and exposes
the package as ``find_mxnet.mx``.
"""
import os
import sys

try:
    import mxlite as mx
except ImportError:
    sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..')))
    import mxlite as mx

__all__ = ['mx']
