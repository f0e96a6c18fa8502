"""The operator registry (see :mod:`mxlite.ops.registry` for the contract)."""
from .registry import Operator, OpContext, register, get_op, find_op, list_ops, Param, Attrs
from . import _all  # noqa: F401

__all__ = ['Operator', 'OpContext', 'register', 'get_op', 'find_op', 'list_ops', 'Param', 'Attrs']
