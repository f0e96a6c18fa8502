"""``mx.mod``: modules -- a Symbol plus parameters, optimizer and the training loop."""
from .base_module import BaseModule
from .module import Module
from .bucketing_module import BucketingModule
from .sequential_module import SequentialModule
from .training_guard import NonFiniteError

__all__ = ['BaseModule', 'Module', 'BucketingModule', 'SequentialModule', 'NonFiniteError']
