"""Imports every operator family so each registers itself."""
from . import unary, binary, reduce, shape, slicing, indexing, ordering, linalg  # noqa: F401
from . import creation, random, custom  # noqa: F401
from . import nn_conv  # noqa: F401
from . import nn_dense  # noqa: F401
from . import nn_pool  # noqa: F401
from . import nn_activation, nn_softmax  # noqa: F401
from . import nn_loss, nn_ctc, nn_rnn  # noqa: F401
from . import nn_norm  # noqa: F401
from . import nn_misc  # noqa: F401
from . import optimizer_ops  # noqa: F401
