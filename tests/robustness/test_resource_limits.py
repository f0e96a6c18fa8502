"""Binding a graph that cannot fit fails at once, with its planned size, allocating nothing.

Real machines: a graph of terabytes is refused by every bind path
(``simple_bind``, ``Module.bind``, ``Executor.reshape``, a plan whose
arguments are small but whose internal buffers are huge).  The threshold
itself comes from ``MXLITE_MEMORY_LIMIT`` in the tests that need an exact one.
"""
import re

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.executor import memory_limit

from robust_util import limits

TB = 1 << 40
PLANNED = re.compile(r'planned to need (at least )?[\d.]+ [KMGT]iB \((\d+) bytes')


def planned_bytes(err):
    m = PLANNED.search(str(err))
    assert m, str(err)
    return int(m.group(2))


def fc_graph(hidden):
    return mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=hidden,
                                                      name='fc'), name='softmax')


def test_available_memory_is_read_from_the_machine(monkeypatch):
    monkeypatch.delenv(memory_limit.ENV, raising=False)
    avail = memory_limit.available_bytes()
    assert avail is not None and (1 << 24) < avail < (1 << 50)


@pytest.mark.parametrize('text,value', [('1024', 1024), ('64M', 64 << 20), ('2G', 2 << 30),
                                        ('1.5K', 1536), ('3GiB', 3 << 30), ('off', float('inf'))])
def test_override_parses(monkeypatch, text, value):
    monkeypatch.setenv(memory_limit.ENV, text)
    assert memory_limit.available_bytes() == value


def test_bad_override_is_a_clear_error(monkeypatch):
    monkeypatch.setenv(memory_limit.ENV, 'lots')
    with pytest.raises(MXNetError, match='MXLITE_MEMORY_LIMIT=.lots.: expected a number'):
        fc_graph(10).simple_bind(mx.cpu(), data=(2, 3))


def test_terabyte_arguments_refused_before_allocating(monkeypatch):
    monkeypatch.delenv(memory_limit.ENV, raising=False)
    sym = fc_graph(1 << 20)
    with limits(5.0, 1 << 20):
        with pytest.raises(MXNetError, match=r'simple_bind: the graph is planned to need at least '
                                             r'[\d.]+ TiB .*but only .* is available') as e:
            sym.simple_bind(mx.cpu(), data=(1 << 20, 1 << 18))
    # weight (2^20 x 2^18 floats) and its gradient, data and its gradient
    assert planned_bytes(e.value) >= 2 * 4 * (1 << 38)


def test_module_bind_refuses_too(monkeypatch):
    monkeypatch.delenv(memory_limit.ENV, raising=False)
    mod = mx.mod.Module(fc_graph(1 << 20))
    with limits(5.0, 1 << 20):
        with pytest.raises(MXNetError, match=r'planned to need .* TiB'):
            mod.bind(data_shapes=[('data', (1 << 20, 1 << 18))],
                     label_shapes=[('softmax_label', (1 << 20,))])


def test_huge_internal_buffers_with_small_arguments(monkeypatch):
    """Arguments of a few bytes, an intermediate of 4 TB: refused by the plan's check."""
    monkeypatch.delenv(memory_limit.ENV, raising=False)
    x = mx.sym.var('x')
    big = mx.sym.broadcast_to(x, shape=(1 << 20, 1 << 20))
    sym = mx.sym.sum(big * 2)
    with limits(5.0, 1 << 20):
        with pytest.raises(MXNetError, match=r'bind: the graph is planned to need [\d.]+ TiB .*'
                                             r'internal buffers [\d.]+ TiB') as e:
            sym.simple_bind(mx.cpu(), x=(1, 1), grad_req='null')
    assert planned_bytes(e.value) >= 4 * TB


def test_exact_threshold_from_the_environment(monkeypatch):
    """Just under the planned size fails, the planned size itself binds and runs."""
    sym = mx.sym.sum(mx.sym.broadcast_to(mx.sym.var('x'), shape=(256, 1024)) * 2)
    monkeypatch.setenv(memory_limit.ENV, '8K')     # the 4 KiB argument fits, the plan does not
    with pytest.raises(MXNetError, match='internal buffers 1.0 MiB') as e:
        sym.simple_bind(mx.cpu(), x=(1, 1024), grad_req='null')
    need = planned_bytes(e.value)
    assert need == 4096 + 256 * 1024 * 4 + 4
    monkeypatch.setenv(memory_limit.ENV, str(need - 1))
    with pytest.raises(MXNetError, match='MXLITE_MEMORY_LIMIT override'):
        sym.simple_bind(mx.cpu(), x=(1, 1024), grad_req='null')
    monkeypatch.setenv(memory_limit.ENV, str(need))
    ex = sym.simple_bind(mx.cpu(), x=(1, 1024), grad_req='null')
    ex.arg_dict['x'][:] = 1
    assert ex.forward()[0].asscalar() == 2 * 256 * 1024


def test_reshape_to_a_huge_batch_is_refused(monkeypatch):
    monkeypatch.delenv(memory_limit.ENV, raising=False)
    ex = fc_graph(8).simple_bind(mx.cpu(), data=(2, 4))
    with limits(5.0, 1 << 20):
        with pytest.raises(MXNetError, match=r'reshape: the graph is planned to need at least'):
            ex.reshape(data=(1 << 40, 4), softmax_label=(1 << 40,))
    out = ex.forward(data=mx.nd.ones((2, 4)))[0]
    assert out.shape == (2, 8) and np.isfinite(out.asnumpy()).all()


def test_bind_with_user_arrays_counts_only_new_memory(monkeypatch):
    """bind() with the caller's arrays: those exist already, only the plan's buffers are new."""
    sym = mx.sym.broadcast_to(mx.sym.var('x'), shape=(64, 1024)) * 2
    x = mx.nd.ones((1, 1024))
    monkeypatch.setenv(memory_limit.ENV, str(64 * 1024 * 4 * 2 + 4096))
    ex = sym.bind(mx.cpu(), {'x': x})
    assert ex.forward()[0].asnumpy().sum() == 2 * 64 * 1024
    monkeypatch.setenv(memory_limit.ENV, str(64 * 1024 * 4 - 1))
    with pytest.raises(MXNetError, match=r'bind: the graph is planned'):
        sym.bind(mx.cpu(), {'x': x})
