"""Record real MXNet 1.9.1 initializer behaviour (run under the oracle's interpreter).

    /tmp/mxref/bin/python tests/data/make_golden_initializer.py

Deterministic initialisers only (random ones cannot match MXNet's generator):
the name rules of init(InitDesc(name), arr) and the legacy init(name, arr)
(filled values or the error), ``__init__`` attributes, Bilinear/LSTMBias/
Constant values, dumps() strings, and FusedRNN layouts (with a NameFill
initializer that writes name-identifying values).  Writes
tests/data/golden_initializer.npz.
"""
import json
import os
import sys
import warnings

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'initializer'))
from init_cases import (NAMES, DESC_CASES, DUMPS, FUSED, fused_size, name_fill,  # noqa: E402
                        name_bias)


@mx.init.register
class NameFill(mx.init.Initializer):
    def __init__(self):
        super().__init__()

    def _init_weight(self, name, arr):
        arr[:] = name_fill(str(name), arr.shape)

    def _init_bias(self, name, arr):
        arr[:] = name_bias(str(name), arr.shape)


def main():
    out = {}
    warnings.simplefilter('ignore')
    for init_json in ('["constant", {"value": 7.0}]', '["one", {}]'):
        tag = json.loads(init_json)[0]
        for name in NAMES:
            for mode in ('desc', 'legacy'):
                shape = (1, 1, 4, 4) if name.startswith('upsampling') else \
                    (6,) if name.startswith('stn_loc') else (2, 3)
                arr = mx.nd.full(shape, -3.0)
                key = 'names:%s:%s:%s' % (tag, mode, name)
                try:
                    init = mx.init.create(init_json)
                    init(mx.init.InitDesc(name) if mode == 'desc' else name, arr)
                    out[key] = arr.asnumpy()
                except Exception as e:  # noqa: BLE001 - record MXNet's refusal
                    out[key + ':error'] = np.array(type(e).__name__)
    for cid, init_json, name, shape, attrs in DESC_CASES:
        arr = mx.nd.full(shape, -3.0)
        mx.init.create(init_json)(mx.init.InitDesc(name, attrs=attrs), arr)
        out['desc:' + cid] = arr.asnumpy()
    for cid, cls, kwargs in DUMPS:
        init = getattr(mx.init, cls)(**kwargs)
        out['dumps:' + cid] = np.array(init.dumps())
        out['dumps_roundtrip:' + cid] = np.array(mx.init.create(init.dumps()).dumps())
    for cid, mode, layers, bi, hidden, inp, fb in FUSED:
        arr = mx.nd.zeros((fused_size(mode, layers, bi, hidden, inp),))
        init = mx.init.FusedRNN(NameFill(), hidden, layers, mode, bi, forget_bias=fb)
        init(mx.init.InitDesc('rnn_weight'), arr)
        out['fused:' + cid] = arr.asnumpy()
        out['fused_dumps:' + cid] = np.array(init.dumps())
        arr = mx.nd.zeros(arr.shape)
        init = mx.init.FusedRNN(None, hidden, layers, mode, bi, forget_bias=fb)
        init(mx.init.InitDesc('rnn_weight', global_init=mx.init.Constant(0.5)), arr)
        out['fused_global:' + cid] = arr.asnumpy()
    np.savez_compressed(os.path.join(HERE, 'golden_initializer.npz'), **out)
    print('ok: %d arrays' % len(out))


if __name__ == '__main__':
    main()
