"""mx.nd.imdecode: the deprecated operator is refused with the replacement named."""
import pytest

import mxlite as mx


def test_legacy_nd_imdecode_points_to_mx_image():
    with pytest.raises(mx.MXNetError, match=r'mx.image.imdecode'):
        mx.nd.imdecode(b'\x89PNG')
