"""Loss cases run identically by mxlite and (for the golden) by MXNet 1.9.1.

Golden: tests/data/gluon/losses.json = json of run(mxnet, hybrid) from the oracle interpreter.
"""
import numpy as np


def run(mx, hybrid=False):
    L = mx.gluon.loss
    rs = np.random.RandomState(42)
    nd = mx.nd
    pred = rs.randn(4, 5).astype(np.float32)
    prob = 1 / (1 + np.exp(-pred))
    sparse = rs.randint(0, 5, (4,)).astype(np.float32)
    dense = rs.dirichlet(np.ones(5), 4).astype(np.float32)
    binary = (rs.rand(4, 5) > 0.5).astype(np.float32)
    signed = binary * 2 - 1
    sw = rs.rand(4, 1).astype(np.float32)
    reg = rs.randn(4, 5).astype(np.float32) * 2
    pos_w = rs.rand(5).astype(np.float32) * 3
    cases = {
        'l2': (L.L2Loss(), [pred, reg]), 'l2w': (L.L2Loss(weight=3.), [pred, reg, sw]),
        'l1': (L.L1Loss(), [pred, reg]), 'l1w': (L.L1Loss(weight=0.5), [pred, reg, sw]),
        'sce': (L.SoftmaxCrossEntropyLoss(), [pred, sparse]),
        'sce_w': (L.SoftmaxCELoss(weight=2.), [pred, sparse, sw]),
        'sce_dense': (L.SoftmaxCrossEntropyLoss(sparse_label=False), [pred, dense]),
        'sce_logits': (L.SoftmaxCrossEntropyLoss(from_logits=True), [np.log(dense), sparse]),
        'sce_axis': (L.SoftmaxCrossEntropyLoss(axis=0), [pred, rs.randint(0, 4, (5,)).astype(np.float32)]),
        'bce': (L.SigmoidBinaryCrossEntropyLoss(), [pred, binary]),
        'bce_sig': (L.SigmoidBCELoss(from_sigmoid=True), [prob, binary, sw]),
        'bce_pos': (L.SigmoidBCELoss(), [pred, binary, None, pos_w]),
        'bce_sig_pos': (L.SigmoidBCELoss(from_sigmoid=True), [prob, binary, None, pos_w]),
        'kl': (L.KLDivLoss(), [np.log(dense[::-1].copy()), dense]),
        'kl_nl': (L.KLDivLoss(from_logits=False), [pred, dense]),
        'huber': (L.HuberLoss(rho=0.7), [pred, reg]),
        'hinge': (L.HingeLoss(), [pred, signed]), 'hinge_m': (L.HingeLoss(margin=2, weight=0.3), [pred, signed, sw]),
        'sqhinge': (L.SquaredHingeLoss(), [pred, signed]),
        'logistic': (L.LogisticLoss(), [pred, signed]),
        'logistic_b': (L.LogisticLoss(label_format='binary'), [pred, binary]),
        'triplet': (L.TripletLoss(margin=2), [pred, reg, reg[::-1].copy()]),
        'poisson': (L.PoissonNLLLoss(), [pred, np.abs(reg).round()]),
        'poisson_full': (L.PoissonNLLLoss(from_logits=False, compute_full=True), [prob * 3, np.abs(reg).round() + 1]),
        'cosine': (L.CosineEmbeddingLoss(), [pred, reg, np.array([1, -1, 1, -1], np.float32)]),
        'cosine_m': (L.CosineEmbeddingLoss(margin=0.2), [pred, reg, np.array([-1, -1, 1, -1], np.float32)]),
        'batch_axis1': (L.L2Loss(batch_axis=1), [pred, reg]),
    }
    res = {}
    for key, (loss, args) in sorted(cases.items()):
        if hybrid:
            loss.hybridize()
        arrs = [None if a is None else nd.array(a) for a in args]
        x = arrs[0]
        if key == 'poisson_full':   # MXNet's compute_full updates in place: no autograd there
            out, grad = loss(*arrs), None
        else:
            x.attach_grad()
            with mx.autograd.record():
                out = loss(*arrs)
            out.backward()
            grad = x.grad.asnumpy().astype(np.float64).round(6).tolist()
        res[key] = dict(out=out.asnumpy().astype(np.float64).round(6).tolist(), grad=grad,
                        repr=repr(loss))
    return res
