"""mx.lr_scheduler against real MXNet 1.9.1's schedules (tests/data/golden_lr_scheduler.npz)."""
import json
import logging
import os

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError

GOLDEN = np.load(os.path.join(os.path.dirname(__file__), '..', 'data', 'golden_lr_scheduler.npz'))
CASE_IDS = sorted(k[:-len(':cls')] for k in GOLDEN.files if k.endswith(':cls'))


@pytest.mark.parametrize('cid', CASE_IDS)
def test_schedule_matches_mxnet(cid):
    cls = str(GOLDEN[cid + ':cls'])
    kwargs = json.loads(str(GOLDEN[cid + ':kwargs']))
    if cls.endswith(':get_warmup_lr'):
        fn = mx.lr_scheduler.LRScheduler(**kwargs).get_warmup_lr
    else:
        fn = getattr(mx.lr_scheduler, cls)(**kwargs)
    got = [fn(int(n)) for n in GOLDEN[cid + ':calls']]
    np.testing.assert_allclose(got, GOLDEN[cid + ':lrs'], rtol=1e-12, atol=0)


def test_golden_file_covers_every_scheduler():
    classes = {str(GOLDEN[c + ':cls']).split(':')[0] for c in CASE_IDS}
    assert classes == {'LRScheduler', 'FactorScheduler', 'MultiFactorScheduler',
                       'PolyScheduler', 'CosineScheduler'}


def test_attributes_as_mxnet():
    s = mx.lr_scheduler.CosineScheduler(max_update=10, base_lr=1, final_lr=0.1, warmup_steps=3,
                                        warmup_begin_lr=0.2)
    assert (s.base_lr, s.warmup_steps, s.warmup_final_lr, s.warmup_begin_lr, s.warmup_mode,
            s.base_lr_orig, s.max_update, s.final_lr, s.max_steps) == \
        (1, 3, 1, 0.2, 'linear', 1, 10, 0.1, 7)
    f = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5)
    assert (f.step, f.factor, f.stop_factor_lr, f.count, f.base_lr) == (2, 0.5, 1e-8, 0, 0.01)
    m = mx.lr_scheduler.MultiFactorScheduler(step=[2, 5], factor=0.5)
    m(10)
    assert (m.cur_step_ind, m.count, m.base_lr) == (2, 5, 0.0025)
    p = mx.lr_scheduler.PolyScheduler(max_update=4, pwr=3)
    assert p.power == 3 and p.max_steps == 4


@pytest.mark.parametrize('make, words', [
    (lambda L: L.FactorScheduler(step=0), 'greater or equal than 1'),
    (lambda L: L.FactorScheduler(step=2, factor=1.5), 'no more than 1'),
    (lambda L: L.MultiFactorScheduler(step=[]), 'non-empty list'),
    (lambda L: L.MultiFactorScheduler(step=[3, 2]), 'increasing'),
    (lambda L: L.MultiFactorScheduler(step=[0, 2]), 'greater or equal than 1'),
    (lambda L: L.MultiFactorScheduler(step=[1, 2], factor=2), 'no more than 1'),
    (lambda L: L.PolyScheduler(max_update=0), 'strictly positive'),
    (lambda L: L.CosineScheduler(max_update=-3), 'strictly positive'),
    (lambda L: L.CosineScheduler(max_update=5, warmup_steps=-1), 'positive or 0'),
    (lambda L: L.PolyScheduler(max_update=5, warmup_mode='foo'), 'linear and constant'),
    (lambda L: L.FactorScheduler(step=2, warmup_begin_lr=1.0), 'higher than warmup_begin_lr'),
])
def test_bad_arguments(make, words):
    with pytest.raises(ValueError, match=words) as info:
        make(mx.lr_scheduler)
    assert isinstance(info.value, MXNetError)


def test_base_class_has_no_schedule():
    s = mx.lr_scheduler.LRScheduler(base_lr=0.1, warmup_steps=3)
    with pytest.raises(NotImplementedError):
        s(5)
    with pytest.raises(ValueError, match='past the 3 warm-up steps'):
        s.get_warmup_lr(4)


def test_zero_length_decay_does_not_divide_by_zero():
    # MXNet 1.9.1 raises ZeroDivisionError here; mxlite goes straight to final_lr
    for cls in (mx.lr_scheduler.PolyScheduler, mx.lr_scheduler.CosineScheduler):
        s = cls(max_update=4, base_lr=0.5, final_lr=0.1, warmup_steps=4, warmup_begin_lr=0.1)
        np.testing.assert_allclose([s(n) for n in (0, 2, 4, 9)], [0.1, 0.3, 0.1, 0.1])


def test_factor_logs_changes(caplog):
    s = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, stop_factor_lr=0.003, base_lr=0.02)
    with caplog.at_level(logging.INFO):
        [s(i) for i in range(9)]
    msgs = [r.getMessage() for r in caplog.records]
    assert msgs == ['Update[3]: Change learning rate to 1.00000e-02',
                    'Update[5]: Change learning rate to 5.00000e-03',
                    'Update[7]: now learning rate arrived at 3.00000e-03, will not change in '
                    'the future']


def test_custom_subclass():
    class Halve(mx.lr_scheduler.LRScheduler):
        def __call__(self, num_update):
            return self.base_lr / (1 + num_update)
    assert Halve(base_lr=1.0)(1) == 0.5
