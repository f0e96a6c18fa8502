"""Gluon core behaviour run identically by mxlite and (for the golden) by MXNet 1.9.1:
summary tables, collect_params(select), reprs, Constant, Trainer steps.

Golden: tests/data/gluon/core.json = json of run(mxnet) from the oracle interpreter.
"""
import contextlib
import io


def _summary(net, x):
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        net.summary(x)
    return buf.getvalue()


def run(mx):
    nn = mx.gluon.nn
    res = {}
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(4, 3, in_channels=1), nn.BatchNorm(), nn.Activation('relu'),
                nn.Flatten(), nn.Dense(5, activation='relu'), nn.Dense(3))
    net.initialize()
    res['summary'] = _summary(net, mx.nd.ones((2, 1, 6, 6)))
    res['select'] = list(net.collect_params('.*weight').keys())
    res['select2'] = list(net.collect_params('hybridsequential0_dense0_bias|.*gamma').keys())

    class Net(mx.gluon.HybridBlock):
        def __init__(self, **kw):
            super(Net, self).__init__(**kw)
            with self.name_scope():
                self.features = nn.HybridSequential()
                self.features.add(nn.Dense(4, in_units=3, activation='relu'),
                                  nn.Dense(4, in_units=4))
                self.out = nn.Dense(2, in_units=4)

        def hybrid_forward(self, F, x):
            return self.out(self.features(x))
    custom = Net()
    custom.initialize()
    res['summary_nested'] = _summary(custom, mx.nd.ones((1, 3)))
    res['nested_names'] = list(custom.collect_params().keys())
    seq = nn.Sequential()
    seq.add(nn.Dense(3, in_units=3), nn.Dense(2, in_units=3))
    seq.initialize()
    res['summary_seq'] = _summary(seq, mx.nd.ones((1, 3)))
    c = nn.HybridSequential()
    with c.name_scope():
        c.add(nn.Dense(2, in_units=3))
    res['params_repr'] = repr(c.collect_params())
    res['param_repr'] = repr(c[0].weight)

    class WithConst(mx.gluon.HybridBlock):
        def __init__(self, **kw):
            super(WithConst, self).__init__(**kw)
            with self.name_scope():
                self.const = self.params.get_constant('const', mx.nd.array([[1., 2.], [3., 4.]]))

        def hybrid_forward(self, F, x, const):
            return F.dot(x, const)
    w = WithConst()
    w.initialize()
    res['const'] = w(mx.nd.ones((1, 2))).asnumpy().tolist()
    res['const_repr'] = repr(w.const)
    res['const_grad_req'] = w.const.grad_req
    d = nn.Dense(2, in_units=3)
    d.initialize(mx.init.One())
    tr = mx.gluon.Trainer(d.collect_params(), 'sgd',
                          {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01})
    x = mx.nd.array([[1., 2., 3.], [4., 5., 6.]])
    for _ in range(3):
        with mx.autograd.record():
            loss = (d(x) ** 2).sum()
        loss.backward()
        tr.step(2)
    res['trainer_w'] = d.weight.data().asnumpy().tolist()
    res['lr'] = tr.learning_rate
    tr.set_learning_rate(0.05)
    res['lr2'] = tr.learning_rate
    return res
