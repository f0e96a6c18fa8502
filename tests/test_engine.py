"""mx.engine: bulk sizes are kept and restored as in MXNet."""
import pytest

import mxlite as mx


def test_set_bulk_size_returns_the_previous_size():
    prev = mx.engine.set_bulk_size(10)
    try:
        assert mx.engine.set_bulk_size(15) == 10
    finally:
        mx.engine.set_bulk_size(prev)


def test_bulk_restores_the_size_and_runs_the_block():
    prev = mx.engine.set_bulk_size(3)
    try:
        with mx.engine.bulk(8):
            y = mx.nd.ones((2,)) * 2
            assert mx.engine.set_bulk_size(8) == 8
        assert mx.engine.set_bulk_size(3) == 3
        assert y.asnumpy().tolist() == [2.0, 2.0]
    finally:
        mx.engine.set_bulk_size(prev)


def test_bad_size_is_refused():
    with pytest.raises(mx.MXNetError, match='non-negative int'):
        mx.engine.set_bulk_size(-1)
