"""``RNN``: MXNet's fused multi-layer (bidirectional) RNN / LSTM / GRU operator.

Inputs: data (T, N, C), parameters (one flat vector: every layer's and
direction's i2h then h2h weights, then all the biases in the same order, as
MXNet lays them out), state (L*D, N, H) and, for LSTM, state_cell.  Outputs:
output (T, N, D*H), then with ``state_outputs`` the final state(s).  Gates:
LSTM (i, f, g, o), GRU (r, z, n) with ``n = tanh(x_n + r * (W_hn h + b_hn))``.
Dropout ``p`` applies to the inputs of layers 2.. in training; its masks are
a hidden output so that backward sees the same ones.  Backward is
backpropagation through time over the recomputed forward pass.
"""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import fmt
from .nn_common import float_type
from .slicing import Concat

_GATES = {'rnn_relu': 1, 'rnn_tanh': 1, 'lstm': 4, 'gru': 3}


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def param_size(mode, num_layers, dirs, input_size, hidden):
    ng = _GATES[mode]
    size, ni = 0, input_size
    for _ in range(num_layers):
        size += dirs * (ng * hidden * ni + ng * hidden * hidden + 2 * ng * hidden)
        ni = dirs * hidden
    return size


def unpack_params(flat, mode, num_layers, dirs, input_size, hidden):
    """[(W_i2h, W_h2h, b_i2h, b_h2h)] per layer and direction: views into ``flat``."""
    ng = _GATES[mode]
    weights, pos, ni = [], 0, input_size
    for _ in range(num_layers):
        for _ in range(dirs):
            wi = flat[pos:pos + ng * hidden * ni].reshape(ng * hidden, ni)
            pos += ng * hidden * ni
            wh = flat[pos:pos + ng * hidden * hidden].reshape(ng * hidden, hidden)
            pos += ng * hidden * hidden
            weights.append([wi, wh])
        ni = dirs * hidden
    for entry in weights:
        entry.append(flat[pos:pos + ng * hidden])
        entry.append(flat[pos + ng * hidden:pos + 2 * ng * hidden])
        pos += 2 * ng * hidden
    return weights


def _run_direction(mode, x, h, c, wi, wh, bi, bh, reverse, keep):
    """One layer, one direction over x (T, N, I); returns outputs (T, N, H), h, c, cache."""
    T = x.shape[0]
    H = wh.shape[1]
    xp = x @ wi.T + bi                                    # (T, N, ng*H)
    out = np.empty((T, x.shape[1], H), dtype=x.dtype)
    cache = []
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        hp = h @ wh.T + bh
        if mode == 'lstm':
            g = xp[t] + hp
            i, f, o = _sigmoid(g[:, :H]), _sigmoid(g[:, H:2 * H]), _sigmoid(g[:, 3 * H:])
            gg = np.tanh(g[:, 2 * H:3 * H])
            c_prev = c
            c = f * c + i * gg
            tc = np.tanh(c)
            h_prev, h = h, o * tc
            if keep:
                cache.append((t, h_prev, c_prev, i, f, gg, o, tc))
        elif mode == 'gru':
            r = _sigmoid(xp[t, :, :H] + hp[:, :H])
            z = _sigmoid(xp[t, :, H:2 * H] + hp[:, H:2 * H])
            hn = hp[:, 2 * H:]
            n = np.tanh(xp[t, :, 2 * H:] + r * hn)
            h_prev, h = h, (1 - z) * n + z * h
            if keep:
                cache.append((t, h_prev, r, z, n, hn))
        else:
            a = xp[t] + hp
            h_prev, h = h, (np.tanh(a) if mode == 'rnn_tanh' else np.maximum(a, 0))
            if keep:
                cache.append((t, h_prev, h))
        out[t] = h
    return out, h, c, cache


def _back_direction(mode, x, cache, wi, wh, dout, dh, dc):
    """BPTT of one direction: grads of x, wi, wh, bi, bh and of the initial h, c."""
    H = wh.shape[1]
    ng = _GATES[mode]
    T, N = x.shape[0], x.shape[1]
    dxp = np.zeros((T, N, ng * H), dtype=x.dtype)        # d(pre-activations), = d(x proj)
    dwh = np.zeros_like(wh)
    dbh = np.zeros(ng * H, dtype=x.dtype)
    for entry in reversed(cache):
        t = entry[0]
        dh = dh + dout[t]
        if mode == 'lstm':
            _, h_prev, c_prev, i, f, gg, o, tc = entry
            dcell = dc + dh * o * (1 - tc * tc)
            dg = np.concatenate([dcell * gg * i * (1 - i), dcell * c_prev * f * (1 - f),
                                 dcell * i * (1 - gg * gg), dh * tc * o * (1 - o)], axis=1)
            dc = dcell * f
            dhp = dg
        elif mode == 'gru':
            _, h_prev, r, z, n, hn = entry
            dn = dh * (1 - z) * (1 - n * n)
            dr = dn * hn * r * (1 - r)
            dz = dh * (h_prev - n) * z * (1 - z)
            dg = np.concatenate([dr, dz, dn], axis=1)
            dhp = np.concatenate([dr, dz, dn * r], axis=1)
            dh_direct = dh * z
        else:
            _, h_prev, h = entry
            dg = dh * ((1 - h * h) if mode == 'rnn_tanh' else (h > 0))
            dhp = dg
        dxp[t] = dg
        dwh += dhp.T @ h_prev
        dbh += dhp.sum(axis=0)
        dh = dhp @ wh
        if mode == 'gru':
            dh = dh + dh_direct
    flat = dxp.reshape(T * N, ng * H)
    dwi = flat.T @ x.reshape(T * N, -1)
    dbi = flat.sum(axis=0)
    dx = (flat @ wi).reshape(x.shape)
    return dx, dwi, dwh, dbi, dbh, dh, dc


@register
class RNN(Operator):
    name = 'RNN'
    params = (Param('state_size', 'int', doc='hidden units H'),
              Param('num_layers', 'int', doc='stacked layers L'),
              Param('bidirectional', 'bool', False),
              Param('mode', 'enum', choices=('gru', 'lstm', 'rnn_relu', 'rnn_tanh')),
              Param('p', 'float', 0.0, doc='dropout on the inputs of layers 2.. in training'),
              Param('state_outputs', 'bool', False, doc='also return the final states'),
              Param('projection_size', 'int', None, doc='LSTMP: not supported by mxlite'),
              Param('lstm_state_clip_min', 'float', None, doc='not supported by mxlite'),
              Param('lstm_state_clip_max', 'float', None, doc='not supported by mxlite'),
              Param('lstm_state_clip_nan', 'bool', False, doc='not supported by mxlite'),
              Param('use_sequence_length', 'bool', False, doc='not supported by mxlite'))
    grad_needs = ('inputs', 'outputs')
    doc = 'Fused multi-layer RNN/LSTM/GRU over (T, N, C) data with one flat parameter vector.'

    def _check(self, attrs):
        if attrs.projection_size or attrs.use_sequence_length or attrs.lstm_state_clip_nan or \
                attrs.lstm_state_clip_min is not None or attrs.lstm_state_clip_max is not None:
            raise MXNetError('RNN: projection_size, use_sequence_length and LSTM state clipping '
                             'are not supported by mxlite')

    def list_arguments(self, attrs):
        return ['data', 'parameters', 'state'] + (['state_cell'] if attrs.mode == 'lstm' else [])

    def list_outputs(self, attrs):
        outs = ['output']
        if attrs.state_outputs:
            outs.append('state_output')
            if attrs.mode == 'lstm':
                outs.append('statecell_output')
        return outs + ['mask']

    def num_visible_outputs(self, attrs):
        return self.num_outputs(attrs) - 1

    def _mask_shape(self, attrs, T, N):
        D = 2 if attrs.bidirectional else 1
        if attrs.p > 0 and attrs.num_layers > 1:
            return (attrs.num_layers - 1, T, N, D * attrs.state_size)
        return (1,)

    def infer_shape(self, attrs, in_shapes):
        self._check(attrs)
        data = in_shapes[0]
        n_out = self.num_outputs(attrs)
        if data is None:
            return in_shapes, [None] * n_out
        if len(data) != 3:
            raise MXNetError('RNN: data must be (sequence length, batch, input size); got %s'
                             % fmt(data))
        T, N, C = data
        D = 2 if attrs.bidirectional else 1
        H, L = attrs.state_size, attrs.num_layers
        psize = param_size(attrs.mode, L, D, C, H)
        state = (L * D, N, H)
        for name, want, got in zip(('parameters', 'state', 'state_cell'),
                                   [(psize,), state, state], in_shapes[1:]):
            if got is not None and all(got) and tuple(got) != want:
                raise MXNetError('RNN: %s has shape %s but data %s with state_size=%d, '
                                 'num_layers=%d%s needs %s' % (name, fmt(got), fmt(data), H, L,
                                                              ', bidirectional' if D == 2 else '',
                                                              fmt(want)))
        ins = [tuple(data), (psize,), state] + ([state] if attrs.mode == 'lstm' else [])
        outs = [(T, N, D * H)] + [state] * (n_out - 2) + [self._mask_shape(attrs, T, N)]
        return ins, outs

    def infer_type(self, attrs, in_types):
        float_type(self.name, 'data', in_types[0])
        d = in_types[0]
        return [d] * len(in_types), [d] * self.num_outputs(attrs)

    def _run(self, ctx, attrs, inputs, mask, keep):
        x = np.asarray(inputs[0])
        T, N, C = x.shape
        D = 2 if attrs.bidirectional else 1
        H, L, mode = attrs.state_size, attrs.num_layers, attrs.mode
        weights = unpack_params(np.asarray(inputs[1]), mode, L, D, C, H)
        h0 = np.asarray(inputs[2])
        c0 = np.asarray(inputs[3]) if mode == 'lstm' else None
        layer_in, hs, cs, caches = [], [], [], []
        for layer in range(L):
            if layer > 0 and mask is not None:
                x = x * mask[layer - 1]
            layer_in.append(x)
            outs = []
            for d in range(D):
                k = layer * D + d
                wi, wh, bi, bh = weights[k]
                o, h, c, cache = _run_direction(mode, x, h0[k], None if c0 is None else c0[k],
                                                wi, wh, bi, bh, d == 1, keep)
                outs.append(o)
                hs.append(h)
                cs.append(c)
                caches.append(cache)
            x = outs[0] if D == 1 else np.concatenate(outs, axis=2)
        return x, hs, cs, caches, layer_in, weights

    def forward(self, ctx, attrs, inputs, aux):
        self._check(attrs)
        x = np.asarray(inputs[0])
        T, N, _ = x.shape
        mask_shape = self._mask_shape(attrs, T, N)
        mask = None
        if len(mask_shape) == 4 and ctx.is_train:
            keep = 1.0 - attrs.p
            mask = ((ctx.rng.random(mask_shape) < keep) / keep).astype(x.dtype)
        out, hs, cs, _, _, _ = self._run(ctx, attrs, inputs, mask, False)
        res = [out]
        if attrs.state_outputs:
            res.append(np.stack(hs))
            if attrs.mode == 'lstm':
                res.append(np.stack(cs))
        res.append(mask if mask is not None else np.ones(mask_shape, dtype=x.dtype))
        return [np.ascontiguousarray(r, dtype=x.dtype) for r in res]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        mode = attrs.mode
        mask = outputs[-1] if outputs[-1].ndim == 4 else None
        _, _, _, caches, layer_in, weights = self._run(ctx, attrs, inputs, mask, True)
        D = 2 if attrs.bidirectional else 1
        H, L = attrs.state_size, attrs.num_layers
        x0 = np.asarray(inputs[0])
        dt = x0.dtype
        dout = np.zeros(outputs[0].shape, dtype=dt) if out_grads[0] is None else \
            np.asarray(out_grads[0], dtype=dt)
        state_shape = (L * D,) + x0.shape[1:2] + (H,)
        dhy = np.zeros(state_shape, dtype=dt)
        dcy = np.zeros(state_shape, dtype=dt)
        if attrs.state_outputs:
            if out_grads[1] is not None:
                dhy = np.asarray(out_grads[1], dtype=dt)
            if mode == 'lstm' and out_grads[2] is not None:
                dcy = np.asarray(out_grads[2], dtype=dt)
        grads_w = [None] * (L * D)
        dh0 = np.zeros(state_shape, dtype=dt)
        dc0 = np.zeros(state_shape, dtype=dt)
        for layer in range(L - 1, -1, -1):
            x = layer_in[layer]
            dx = np.zeros(x.shape, dtype=dt)
            for d in range(D):
                k = layer * D + d
                wi, wh, _, _ = weights[k]
                part = dout[:, :, d * H:(d + 1) * H]
                gx, dwi, dwh, dbi, dbh, dh, dc = _back_direction(mode, x, caches[k], wi, wh, part,
                                                                 dhy[k].copy(), dcy[k].copy())
                dx += gx
                grads_w[k] = (dwi, dwh, dbi, dbh)
                dh0[k] = dh
                if mode == 'lstm':
                    dc0[k] = dc
            if layer > 0 and mask is not None:
                dx = dx * mask[layer - 1]
            dout = dx
        # MXNet's layout: per layer/direction (W_i2h, W_h2h), then per layer/direction biases
        wflat = []
        for g in grads_w:
            wflat += [g[0].ravel(), g[1].ravel()]
        for g in grads_w:
            wflat += [g[2], g[3]]
        res = [dout.astype(dt), np.concatenate(wflat).astype(dt), dh0]
        if mode == 'lstm':
            res.append(dc0)
        return res


@register
class RNNParamConcat(Concat):
    """Concat of the Gluon RNN layers' parameters (MXNet's ``_rnn_param_concat``)."""
    name = '_rnn_param_concat'
    aliases = ()
