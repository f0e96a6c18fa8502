"""Imports every operator family so each registers itself."""
from . import unary, binary, reduce, shape, slicing, indexing, ordering, linalg  # noqa: F401
from . import creation, random  # noqa: F401
from . import optimizer_ops  # noqa: F401
