"""Networks built from mx.rnn cells, run unchanged under mxnet (tests/data/make_golden_rnn.py)
or mxlite (test_cells_golden.py).  Each case returns (symbol, cells, input shapes)."""
import numpy as np

B, T, I, H = 2, 3, 5, 4


def _merged(mx, layout):
    return mx.sym.Variable('data'), {'data': (B, T, I) if layout == 'NTC' else (T, B, I)}


def _flat(states):
    out = []
    for s in states:
        out.extend(_flat(s) if isinstance(s, list) else [s])
    return out


def _group(mx, outputs, states):
    outs = outputs if isinstance(outputs, list) else [outputs]
    return mx.sym.Group(outs + _flat(states))


def rnn_tanh_list(mx):
    cell = mx.rnn.RNNCell(H, prefix='rnn_')
    data, shapes = _merged(mx, 'NTC')
    out, st = cell.unroll(T, data, layout='NTC', merge_outputs=False)
    return _group(mx, out, st), [cell], shapes


def rnn_relu_merged(mx):
    cell = mx.rnn.RNNCell(H, activation='relu', prefix='rr_')
    data, shapes = _merged(mx, 'TNC')
    out, st = cell.unroll(T, data, layout='TNC', merge_outputs=True)
    return _group(mx, out, st), [cell], shapes


def lstm_merged(mx):
    cell = mx.rnn.LSTMCell(H, prefix='lstm_', forget_bias=2.0)
    data, shapes = _merged(mx, 'NTC')
    out, st = cell.unroll(T, data, layout='NTC', merge_outputs=True)
    return _group(mx, out, st), [cell], shapes


def lstm_step_inputs(mx):
    """A list of step inputs and begin states as graph inputs (func=mx.sym.Variable)."""
    cell = mx.rnn.LSTMCell(H)
    steps = [mx.sym.Variable('x%d' % t) for t in range(T)]
    begin = cell.begin_state(func=mx.sym.Variable)
    out, st = cell.unroll(T, steps, begin_state=begin, merge_outputs=False)
    shapes = {'x%d' % t: (B, I) for t in range(T)}
    shapes.update({'lstm_begin_state_0': (B, H), 'lstm_begin_state_1': (B, H)})
    return _group(mx, out, st), [cell], shapes


def gru_tnc(mx):
    cell = mx.rnn.GRUCell(H, prefix='gru_')
    data, shapes = _merged(mx, 'TNC')
    out, st = cell.unroll(T, data, layout='TNC')
    return _group(mx, out, st), [cell], shapes


def fused_lstm_bi2(mx):
    cell = mx.rnn.FusedRNNCell(H, num_layers=2, mode='lstm', bidirectional=True,
                               get_next_state=True, prefix='fl_')
    data, shapes = _merged(mx, 'TNC')
    out, st = cell.unroll(T, data, layout='TNC', merge_outputs=True)
    return _group(mx, out, st), [cell], shapes


def unfused_lstm_bi2(mx):
    cell = mx.rnn.FusedRNNCell(H, num_layers=2, mode='lstm', bidirectional=True,
                               get_next_state=True, prefix='fl_').unfuse()
    data, shapes = _merged(mx, 'TNC')
    out, st = cell.unroll(T, data, layout='TNC', merge_outputs=True)
    return _group(mx, out, st), [cell], shapes


def fused_gru_ntc(mx):
    cell = mx.rnn.FusedRNNCell(H, num_layers=1, mode='gru', prefix='fg_')
    data, shapes = _merged(mx, 'NTC')
    out, st = cell.unroll(T, data, layout='NTC', merge_outputs=False)
    return _group(mx, out, st), [cell], shapes


def fused_tanh_2(mx):
    cell = mx.rnn.FusedRNNCell(H, num_layers=2, mode='rnn_tanh', get_next_state=True)
    data, shapes = _merged(mx, 'TNC')
    out, st = cell.unroll(T, data, layout='TNC', merge_outputs=True)
    return _group(mx, out, st), [cell], shapes


def bidirectional_merged(mx):
    cell = mx.rnn.BidirectionalCell(mx.rnn.LSTMCell(H, prefix='l_'),
                                    mx.rnn.GRUCell(H, prefix='r_'))
    data, shapes = _merged(mx, 'NTC')
    out, st = cell.unroll(T, data, layout='NTC', merge_outputs=True)
    return _group(mx, out, st), [cell], shapes


def bidirectional_list(mx):
    cell = mx.rnn.BidirectionalCell(mx.rnn.RNNCell(H, prefix='l_'),
                                    mx.rnn.RNNCell(H, prefix='r_'), output_prefix='b_')
    data, shapes = _merged(mx, 'TNC')
    out, st = cell.unroll(T, data, layout='TNC', merge_outputs=False)
    return _group(mx, out, st), [cell], shapes


def sequential_residual(mx):
    cell = mx.rnn.SequentialRNNCell()
    cell.add(mx.rnn.LSTMCell(H, prefix='s0_'))
    cell.add(mx.rnn.DropoutCell(0.0))
    cell.add(mx.rnn.ResidualCell(mx.rnn.GRUCell(H, prefix='s1_')))
    data, shapes = _merged(mx, 'NTC')
    out, st = cell.unroll(T, data, layout='NTC', merge_outputs=True)
    return _group(mx, out, st), [cell], shapes


def shared_params(mx):
    """Two cells sharing one RNNParams: variables named by the params' prefix."""
    enc = mx.rnn.GRUCell(H, prefix='enc_')
    dec = mx.rnn.GRUCell(H, prefix='dec_', params=enc.params)
    cell = mx.rnn.SequentialRNNCell()
    cell.add(enc)
    cell.add(dec)
    steps = [mx.sym.Variable('x%d' % t) for t in range(T)]
    out, st = cell.unroll(T, steps, merge_outputs=False)
    return _group(mx, out, st), [enc], {'x%d' % t: (B, H) for t in range(T)}


CASES = ['rnn_tanh_list', 'rnn_relu_merged', 'lstm_merged', 'lstm_step_inputs', 'gru_tnc',
         'fused_lstm_bi2', 'unfused_lstm_bi2', 'fused_gru_ntc', 'fused_tanh_2',
         'bidirectional_merged', 'bidirectional_list', 'sequential_residual',
         'shared_params']


def build(mx, name):
    with mx.name.NameManager():
        return globals()[name](mx)


def inputs_for(sym, shapes, seed=0):
    """Fixed argument values and head gradients for a bound case."""
    arg_shapes, out_shapes, _ = sym.infer_shape(**shapes)
    rng = np.random.RandomState(seed)
    args = {n: rng.uniform(-0.6, 0.6, s).astype('float32')
            for n, s in zip(sym.list_arguments(), arg_shapes)}
    heads = [rng.uniform(-1, 1, s).astype('float32') for s in out_shapes]
    return args, heads


def run(mx, sym, shapes, args, heads):
    """Forward (training) and backward on the CPU; returns (outputs, {arg: grad})."""
    exe = sym.simple_bind(mx.cpu(), grad_req='write', **shapes)
    for n, v in args.items():
        exe.arg_dict[n][:] = v
    exe.forward(is_train=True)
    exe.backward([mx.nd.array(h) for h in heads])
    outs = [o.asnumpy() for o in exe.outputs]
    grads = {n: exe.grad_dict[n].asnumpy() for n in sym.list_arguments()}
    return outs, grads


def corpus():
    """A fixed small corpus of word lists of lengths 1..12."""
    rng = np.random.RandomState(7)
    words = ['w%d' % i for i in range(15)]
    lengths = rng.randint(1, 13, size=60)
    return [[words[k] for k in rng.randint(0, len(words), size=n)] for n in lengths]
