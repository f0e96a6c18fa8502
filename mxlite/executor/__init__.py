"""``mx.executor``: binding symbols to arrays and running them."""
from .executor import Executor

__all__ = ['Executor']
