"""``mx.mod``: modules -- a Symbol plus parameters, optimizer and the training loop."""
from .base_module import BaseModule
from .module import Module
from .training_guard import NonFiniteError

__all__ = ['BaseModule', 'Module', 'NonFiniteError']
