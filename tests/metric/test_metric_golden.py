"""mx.metric values against real MXNet 1.9.1 (tests/data/golden_metric.json).

Every case feeds the same batches; ``get()``/``get_global()`` after each
update, around ``reset_local()`` and ``reset()``, the name/value lists and
``get_config()`` must equal MXNet's.
"""
import json
import os

import numpy as np
import pytest

import mxlite as mx

from metric_cases import CASES, RESET_LOCAL_AFTER, batches

with open(os.path.join(os.path.dirname(__file__), '..', 'data', 'golden_metric.json')) as _f:
    GOLDEN = json.load(_f)


def check(got, key):
    want_names, want_values = json.loads(str(GOLDEN[key]))
    name, value = got
    names = name if isinstance(name, list) else [name]
    values = value if isinstance(value, list) else [value]
    assert names == want_names, key
    assert len(values) == len(want_values)
    for v, w in zip(values, want_values):
        if isinstance(w, str):
            assert np.isnan(float(v)), (key, v)
        else:
            assert float(v) == pytest.approx(w, rel=1e-6, abs=1e-9), key


@pytest.mark.parametrize('case', CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize('as_numpy', [False, True], ids=['ndarray', 'numpy'])
def test_metric_matches_mxnet(case, as_numpy):
    cid, spec, kwargs, _ = case
    metric = mx.metric.create(spec, **kwargs)
    wrap = (lambda x: x) if as_numpy else (lambda x: mx.nd.array(x, dtype=x.dtype))
    for b, (labels, preds) in enumerate(batches(cid)):
        metric.update([wrap(x) for x in labels], [wrap(x) for x in preds])
        check(metric.get(), '%s:%d:get' % (cid, b))
        check(metric.get_global(), '%s:%d:global' % (cid, b))
        if b == RESET_LOCAL_AFTER:
            metric.reset_local()
            check(metric.get(), '%s:%d:after_reset_local' % (cid, b))
    for got, key in ((metric.get_name_value(), 'name_value'),
                     (metric.get_global_name_value(), 'global_name_value')):
        want = json.loads(str(GOLDEN['%s:%s' % (cid, key)]))
        assert [n for n, _ in got] == [n for n, _ in want]
        for (_, v), (_, w) in zip(got, want):
            assert float(v) == pytest.approx(w, rel=1e-6, abs=1e-9)
    assert metric.get_config() == json.loads(str(GOLDEN[cid + ':config']))
    metric.reset()
    check(metric.get(), cid + ':after_reset')
