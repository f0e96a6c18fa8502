"""``gluon.model_zoo``: predefined networks (``vision``) and the local model store."""
from . import model_store
from . import vision

__all__ = ['model_store', 'vision']
