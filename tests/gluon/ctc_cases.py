"""CTC cases run identically by mxlite and (for the golden) by MXNet 1.9.1.

Golden: tests/data/gluon/ctc.json = json of run(mxnet) from the oracle interpreter.
"""
import numpy as np


def run(mx, hybrid=False):
    rs = np.random.RandomState(0)
    pred = rs.randn(2, 6, 5).astype(np.float32)   # N, T, C (gluon: blank = 4)
    label = np.array([[1, 2, 2], [3, -1, -1]], np.float32)
    L = mx.gluon.loss
    cases = {
        'plain': (L.CTCLoss(), [pred, label]),
        'tnc': (L.CTCLoss(layout='TNC', label_layout='TN'),
                [pred.transpose(1, 0, 2).copy(), label.T.copy()]),
        'lengths': (L.CTCLoss(), [pred, np.array([[1, 0, 3], [2, 2, 0]], np.float32),
                                  np.array([5, 6], np.float32), np.array([2, 3], np.float32)]),
        'weighted': (L.CTCLoss(weight=0.5), [pred, label, None, None,
                                             np.array([1., 2.], np.float32)]),
    }
    res = {}
    for key, (loss, args) in sorted(cases.items()):
        if hybrid:
            loss.hybridize()
        arrs = [None if a is None else mx.nd.array(a) for a in args]
        arrs[0].attach_grad()
        with mx.autograd.record():
            out = loss(*arrs)
        out.backward()
        res[key] = {'out': out.asnumpy().astype(np.float64).round(5).tolist(),
                    'grad': arrs[0].grad.asnumpy().astype(np.float64).round(5).tolist()}
    # the operator itself, blank first (labels padded with 0)
    data = mx.nd.array(pred.transpose(1, 0, 2).copy())
    op_label = mx.nd.array([[1, 2, 2], [3, 0, 0]])
    res['op_first'] = {'out': mx.nd.CTCLoss(data, op_label).asnumpy().astype(np.float64)
                       .round(5).tolist()}
    res['op_alias'] = {'out': mx.nd.ctc_loss(data, op_label, blank_label='first').asnumpy()
                       .astype(np.float64).round(5).tolist()}
    return res
