"""Local KVStore semantics and the callbacks."""
import logging
import os

import numpy as np
import pytest

import mxlite as mx


def test_kvstore_init_push_pull_sums_devices():
    kv = mx.kv.create('local')
    assert kv.type == 'local' and kv.rank == 0 and kv.num_workers == 1
    kv.init(3, mx.nd.ones((2, 3)))
    kv.push(3, [mx.nd.ones((2, 3)), mx.nd.ones((2, 3)) * 2])
    out = [mx.nd.zeros((2, 3)), mx.nd.zeros((2, 3))]
    kv.pull(3, out=out)
    assert (out[0].asnumpy() == 3).all() and (out[1].asnumpy() == 3).all()
    kv.init(['a', 'b'], [mx.nd.zeros(1), mx.nd.zeros(2)])
    kv.pushpull('a', mx.nd.ones(1) * 5)
    r = mx.nd.zeros(1)
    kv.pull('a', out=r)
    assert r.asscalar() == 5


def test_kvstore_with_optimizer_updates_and_errors(tmp_path):
    kv = mx.kv.create('device')
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.5))
    kv.init('w', mx.nd.ones((2,)))
    kv.push('w', mx.nd.ones((2,)))
    w = mx.nd.zeros((2,))
    kv.pull('w', out=w)
    assert np.allclose(w.asnumpy(), 0.5)
    kv.save_optimizer_states(str(tmp_path / 's'))
    kv.load_optimizer_states(str(tmp_path / 's'))
    with pytest.raises(mx.MXNetError, match='not initialised'):
        kv.push('zz', mx.nd.ones(1))
    with pytest.raises(mx.MXNetError, match='already initialised'):
        kv.init('w', mx.nd.ones((2,)))
    with pytest.raises(mx.MXNetError, match='has shape'):
        kv.push('w', mx.nd.ones((3,)))
    with pytest.raises(mx.MXNetError, match='unknown type'):
        mx.kv.create('bogus')


class _Param:
    def __init__(self, epoch, nbatch, metric):
        self.epoch, self.nbatch, self.eval_metric = epoch, nbatch, metric


def test_speedometer_format(caplog):
    m = mx.metric.create('acc')
    m.update([mx.nd.array([1, 0])], [mx.nd.array([[0, 1], [1, 0]])])
    s = mx.callback.Speedometer(10, frequent=2)
    with caplog.at_level(logging.INFO):
        logging.getLogger().addHandler(logging.NullHandler())
        for i in range(5):
            s(_Param(1, i, m))
    assert 'Epoch[1] Batch [0-2]\tSpeed: ' in caplog.text
    assert 'samples/sec\taccuracy=1.000000' in caplog.text


def test_do_checkpoint_period(tmp_path):
    sym = mx.sym.exp(mx.sym.var('x'))
    cb = mx.callback.do_checkpoint(str(tmp_path / 'm'), period=2)
    for epoch in range(4):
        cb(epoch, sym, {'w': mx.nd.ones(2)}, {})
    names = sorted(os.listdir(tmp_path))
    assert names == ['m-0002.params', 'm-0004.params', 'm-symbol.json']
    s2, arg, aux = mx.model.load_checkpoint(str(tmp_path / 'm'), 4)
    assert list(arg) == ['w'] and aux == {} and s2.tojson() == sym.tojson()


def test_load_checkpoint_errors(tmp_path):
    mx.nd.save(str(tmp_path / 'bad-0001.params'), {'w': mx.nd.ones(1)})
    mx.sym.var('x').save(str(tmp_path / 'bad-symbol.json'))
    with pytest.raises(mx.MXNetError, match='no arg:/aux: prefix'):
        mx.model.load_checkpoint(str(tmp_path / 'bad'), 1)
    with pytest.raises(mx.MXNetError, match='cannot read'):
        mx.model.load_checkpoint(str(tmp_path / 'missing'), 1)


def test_terminal_progress_line_only_when_enabled():
    import io
    from mxlite.callback import TerminalProgress
    buf = io.StringIO()
    bar = TerminalProgress(stream=buf, enabled=True)
    bar.start_epoch()
    bar.update(0, 4, 20, 32, [('accuracy', 0.5), ('loss', 1.25)])
    bar.end_epoch()
    text = buf.getvalue()
    assert 'Epoch 0  batch 5/20' in text and 'samples/s' in text and 'loss=1.2500' in text
    silent = io.StringIO()
    bar2 = TerminalProgress(stream=silent)      # StringIO is not a terminal: off
    bar2.update(0, 0, None, 32, [('accuracy', 0.5)])
    assert silent.getvalue() == ''
