"""The former name of ``symbols/``: ``import_module('symbol.' + name)`` loads ``symbols/<name>.py``.

Older copies of MXNet's image-classification scripts import networks from a
``symbol`` package.  This package has no files of its own: its search path is
the ``symbols`` folder, so both names load the same definitions.
"""
import os

__path__ = [os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'symbols')]
