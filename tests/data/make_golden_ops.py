"""Record golden outputs and gradients of tests/ops/case_spec.py under real MXNet.

Run with the oracle's interpreter (never by the test suite):
    /tmp/mxref/bin/python tests/data/make_golden_ops.py [tests/data/golden_nn.npz]
Writes the given file (default tests/data/golden_ops.npz) for the cases whose
``golden_file`` is that file's name, with per case id: in<i>, out<i>, grad<i>,
and after<i> (an input's value after backward, for the indices in ``after``).
"""
import os
import sys

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'ops'))
from case_spec import all_cases  # noqa: E402


def nd_function(name):
    fn = getattr(mx.nd, name, None)
    if fn is None:
        fn = getattr(mx.nd._internal, name)
    return fn


def main(out_path=os.path.join(HERE, 'golden_ops.npz')):
    store = {}
    failed = []
    for case in all_cases():
        if not case.golden or case.golden_file != os.path.basename(out_path):
            continue
        train = True if case.train is None else case.train
        arrays = case.arrays()
        inputs = [mx.nd.array(a, dtype=a.dtype) for a in arrays]
        diff = case.diff_inputs(arrays) if case.grad else []
        for i in diff:
            inputs[i].attach_grad()
        try:
            with mx.autograd.record(train_mode=train):
                out = nd_function(case.op)(*inputs, **case.params)
            outs = out if isinstance(out, (list, tuple)) else [out]
            for o in outs:
                o.wait_to_read()
        except Exception as e:
            # some MXNet ops fail only when recorded (their backward is broken)
            try:
                with mx.autograd.train_mode() if train else mx.autograd.predict_mode():
                    out = nd_function(case.op)(*inputs, **case.params)
                outs = out if isinstance(out, (list, tuple)) else [out]
                for o in outs:
                    o.wait_to_read()
            except Exception as e2:  # record what MXNet refuses, so the test can check it knowingly
                failed.append((case.id, str(e2).splitlines()[-1][:200]))
                store[case.id + ':error'] = np.array(str(e2).splitlines()[-1][:200])
                continue
            failed.append((case.id + ' (recorded)', str(e).splitlines()[-1][:200]))
            store[case.id + ':grad_error'] = np.array(str(e).splitlines()[-1][:200])
            diff = []
        for i, a in enumerate(arrays):
            store['%s:in%d' % (case.id, i)] = a
        for i, o in enumerate(outs):
            store['%s:out%d' % (case.id, i)] = o.asnumpy()
        if not diff:
            continue
        try:
            hgs = case.head_grads([o.shape for o in outs])
            mx.autograd.backward(list(outs), [mx.nd.array(h, dtype=o.dtype)
                                               for h, o in zip(hgs, outs)], train_mode=train)
            grads = {i: inputs[i].grad.asnumpy() for i in diff}
        except Exception as e:  # MXNet bugs in some backward passes: noted, FD check still runs
            failed.append((case.id + ' (backward)', str(e).splitlines()[-1][:200]))
            store[case.id + ':grad_error'] = np.array(str(e).splitlines()[-1][:200])
            continue
        for i, g in grads.items():
            store['%s:grad%d' % (case.id, i)] = g
        for i in case.after:
            store['%s:after%d' % (case.id, i)] = inputs[i].asnumpy()
    np.savez_compressed(out_path, **store)
    print('wrote %s: %d arrays; %d cases failed in MXNet' % (out_path, len(store), len(failed)))
    for cid, msg in failed:
        print('  ', cid, msg)


if __name__ == '__main__':
    main(*sys.argv[1:])
