"""Record real MXNet 1.9.1 metric values (run under the oracle's interpreter).

    /tmp/mxref/bin/python tests/data/make_golden_metric.py

For every case in tests/metric/metric_cases.py: ``get()`` and ``get_global()``
after each update (with ``reset_local()`` after the second batch), the final
``get_name_value()``/``get_global_name_value()``, and ``get_config()``.
Writes tests/data/golden_metric.json.
"""
import json
import os
import sys

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'metric'))
from metric_cases import CASES, RESET_LOCAL_AFTER, batches  # noqa: E402


def flat(value):
    """A name/value pair from get() as JSON (NaN kept as a string)."""
    name, val = value
    if not isinstance(val, list):
        val = [val]
        name = [name]
    return json.dumps([name, [float(v) if np.isfinite(float(v)) else str(float(v))
                              for v in val]])


def main():
    out = {}
    for cid, spec, kwargs, _ in CASES:
        try:
            run(cid, spec, kwargs, out)
        except Exception as e:  # noqa: BLE001 - report every case MXNet rejects
            print('FAILED', cid, type(e).__name__, e)
    with open(os.path.join(HERE, 'golden_metric.json'), 'w') as f:
        json.dump({k: str(v) for k, v in out.items()}, f, indent=0, sort_keys=True)
    print('ok: %d cases' % len(CASES))


def run(cid, spec, kwargs, out):
    metric = mx.metric.create(spec, **kwargs)
    for b, (labels, preds) in enumerate(batches(cid)):
        metric.update([mx.nd.array(x, dtype=x.dtype) for x in labels],
                      [mx.nd.array(x, dtype=x.dtype) for x in preds])
        out['%s:%d:get' % (cid, b)] = np.array(flat(metric.get()))
        out['%s:%d:global' % (cid, b)] = np.array(flat(metric.get_global()))
        if b == RESET_LOCAL_AFTER:
            metric.reset_local()
            out['%s:%d:after_reset_local' % (cid, b)] = np.array(flat(metric.get()))
    nv = [(n, float(v)) for n, v in metric.get_name_value()]
    gnv = [(n, float(v)) for n, v in metric.get_global_name_value()]
    out[cid + ':name_value'] = np.array(json.dumps(nv))
    out[cid + ':global_name_value'] = np.array(json.dumps(gnv))
    out[cid + ':config'] = np.array(json.dumps(metric.get_config()))
    metric.reset()
    out[cid + ':after_reset'] = np.array(flat(metric.get()))


if __name__ == '__main__':
    main()
