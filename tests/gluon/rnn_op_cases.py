"""The fused ``RNN`` operator, run identically by mxlite and (for the golden) by MXNet 1.9.1.

Golden: tests/data/gluon/rnn_op.json = json of run(mxnet) from the oracle interpreter.
"""
import numpy as np

GATES = {'rnn_relu': 1, 'rnn_tanh': 1, 'lstm': 4, 'gru': 3}


def run(mx):
    res = {}
    for mode in ['rnn_tanh', 'rnn_relu', 'lstm', 'gru']:
        for layers, bi in [(1, False), (2, True)]:
            rs = np.random.RandomState(0)
            T, N, C, H = 4, 2, 3, 5
            D = 2 if bi else 1
            ng = GATES[mode]
            size, ni = 0, C
            for _ in range(layers):
                size += D * (ng * H * ni + ng * H * H + 2 * ng * H)
                ni = D * H
            args = [mx.nd.array(rs.uniform(-1, 1, (T, N, C))),
                    mx.nd.array(rs.uniform(-0.4, 0.4, (size,))),
                    mx.nd.array(rs.uniform(-0.5, 0.5, (layers * D, N, H)))]
            if mode == 'lstm':
                args.append(mx.nd.array(rs.uniform(-0.5, 0.5, (layers * D, N, H))))
            for a in args:
                a.attach_grad()
            with mx.autograd.record():
                out = mx.nd.RNN(*args, state_size=H, num_layers=layers, bidirectional=bi,
                                mode=mode, state_outputs=True)
                loss = (out[0] ** 2).sum() + (out[1] * 0.7).sum()
                if mode == 'lstm':
                    loss = loss + (out[2] * 1.3).sum()
            loss.backward()
            res['%s/%d/%s' % (mode, layers, bi)] = {
                'out': [o.asnumpy().astype(np.float64).round(6).tolist() for o in out],
                'grads': [a.grad.asnumpy().astype(np.float64).round(6).tolist() for a in args]}
    return res
