"""Creation operators not covered by the golden sweep."""
import numpy as np

import mxlite as mx


def test_linspace():
    np.testing.assert_allclose(mx.nd.linspace(0, 1, 5).asnumpy(), np.linspace(0, 1, 5))
    np.testing.assert_allclose(mx.nd.linspace(0, 1, 4, endpoint=False).asnumpy(),
                               [0, 0.25, 0.5, 0.75])


def test_zeros_without_dtype():
    z = mx.nd._internal._zeros_without_dtype(shape=(2, 3))
    assert z.shape == (2, 3) and z.dtype is np.float32 and z.asnumpy().sum() == 0
