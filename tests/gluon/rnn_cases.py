"""gluon.rnn cases run identically by mxlite and (for the golden) by MXNet 1.9.1.

Golden: tests/data/gluon/rnn.json = json of run(mxnet) from the oracle interpreter.
"""
import numpy as np


def _set(block, seed):
    rs = np.random.RandomState(seed)
    for name, p in block.collect_params().items():
        p.set_data(rs.uniform(-0.4, 0.4, p.shape).astype(np.float32))


def _r(a):
    return np.asarray(a.asnumpy(), dtype=np.float64).round(5).tolist()


def run(mx):
    rnn = mx.gluon.rnn
    rs = np.random.RandomState(3)
    res = {}
    x_ntc = mx.nd.array(rs.uniform(-1, 1, (2, 4, 3)))      # N=2, T=4, C=3
    x_tnc = mx.nd.array(rs.uniform(-1, 1, (4, 2, 3)))
    cells = {'rnn_cell': rnn.RNNCell(5), 'rnn_cell_relu': rnn.RNNCell(5, activation='relu'),
             'lstm_cell': rnn.LSTMCell(5), 'gru_cell': rnn.GRUCell(5)}
    for key, cell in cells.items():
        cell.initialize()
        cell.unroll(4, x_ntc)                               # deferred init
        _set(cell, len(key))
        x_ntc.attach_grad()
        with mx.autograd.record():
            out, states = cell.unroll(4, x_ntc, layout='NTC', merge_outputs=True)
            loss = (out * out).sum() + sum((s * s).sum() for s in states)
        loss.backward()
        res[key] = {'repr': repr(cell), 'out': _r(out), 'states': [_r(s) for s in states],
                    'params': [(k[len(cell.prefix):], list(v.shape))
                               for k, v in cell.collect_params().items()],
                    'grad': _r(x_ntc.grad),
                    'wgrad': _r(cell.collect_params()[cell.prefix + 'h2h_weight'].grad())}
    seq = rnn.SequentialRNNCell()
    with seq.name_scope():
        seq.add(rnn.LSTMCell(4))
        seq.add(rnn.DropoutCell(0.0))
        seq.add(rnn.ResidualCell(rnn.GRUCell(4)))
    seq.initialize()
    seq.unroll(4, x_ntc)
    _set(seq, 11)
    out, states = seq.unroll(4, x_ntc, merge_outputs=False)
    res['seq_cell'] = {'repr': repr(seq), 'out': [_r(o) for o in out],
                       'states': [_r(s) for s in states],
                       'params': [k[len(seq.prefix):] for k in seq.collect_params().keys()]}
    bi = rnn.BidirectionalCell(rnn.LSTMCell(3), rnn.GRUCell(3))
    bi.initialize()
    bi.unroll(4, x_tnc, layout='TNC')
    _set(bi, 12)
    out, states = bi.unroll(4, x_tnc, layout='TNC', merge_outputs=True)
    res['bi_cell'] = {'out': _r(out), 'states': [_r(s) for s in states],
                      'params': [k for k in bi.collect_params().keys()][:4]}
    layers = {'rnn_layer': (rnn.RNN(5, num_layers=2, activation='tanh'), x_tnc),
              'lstm_layer': (rnn.LSTM(5, num_layers=2, bidirectional=True), x_tnc),
              'gru_layer': (rnn.GRU(4, layout='NTC', input_size=3), x_ntc),
              'lstm_ntc_bi': (rnn.LSTM(3, layout='NTC', bidirectional=True), x_ntc)}
    for key, (layer, x) in layers.items():
        layer.initialize()
        layer(x)
        _set(layer, len(key) + 20)
        x.attach_grad()
        with mx.autograd.record():
            out = layer(x)
            loss = (out * out).sum()
        loss.backward()
        n = x.shape[layer._layout.find('N')]
        begin = layer.begin_state(batch_size=n)
        begin = [b + 0.3 for b in begin]
        out2, states2 = layer(x, begin)
        res[key] = {'repr': repr(layer), 'out': _r(out), 'grad': _r(x.grad),
                    'out2': _r(out2), 'states2': [_r(s) for s in states2],
                    'params': [(k[len(layer.prefix):], list(v.shape))
                               for k, v in layer.collect_params().items()]}
    return res
