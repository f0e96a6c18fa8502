"""Embedding + bidirectional 2-layer LSTM + GRU + Dense as one HybridBlock, written so that
mxlite and MXNet 1.9.1 run it unchanged.  Golden (tests/data/gluon/export/): the oracle's
export of build(mxnet) (mxnet_rnn_net-*) and its outputs (mxnet_rnn_net.json)."""
import numpy as np


def build(mx):
    nn, rnn = mx.gluon.nn, mx.gluon.rnn

    class Net(mx.gluon.HybridBlock):
        def __init__(self, **kw):
            super(Net, self).__init__(**kw)
            with self.name_scope():
                self.emb = nn.Embedding(10, 4)
                self.lstm = rnn.LSTM(5, num_layers=2, layout='NTC', bidirectional=True)
                self.gru = rnn.GRU(3, layout='NTC')
                self.out = nn.Dense(2, flatten=False)

        def hybrid_forward(self, F, x):
            return self.out(self.gru(self.lstm(self.emb(x))))
    with mx.name.NameManager():
        net = Net()
    net.initialize()
    x = inputs(mx)
    net(x)
    rs = np.random.RandomState(4)
    for _, p in net.collect_params().items():
        p.set_data(mx.nd.array(rs.uniform(-0.5, 0.5, p.shape)))
    return net, x


def inputs(mx):
    return mx.nd.array(np.random.RandomState(0).randint(0, 10, (2, 6)))
