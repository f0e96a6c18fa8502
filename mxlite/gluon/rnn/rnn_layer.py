"""Multi-layer (bidirectional) RNN, LSTM and GRU layers with MXNet's parameters and layouts.

The time loop runs on NDArrays with the same arithmetic as MXNet's fused RNN
operator (gate order i, f, g, o for LSTM and r, z, n for GRU), so outputs and
gradients match; mxlite has no fused RNN operator, so these layers cannot be
traced into a Symbol (inside a hybridized parent they raise a clear error).
"""
from ...base import MXNetError
from ...ndarray.ndarray import NDArray
from ..hybrid import HybridBlock

__all__ = ['RNN', 'LSTM', 'GRU']


class _RNNLayer(HybridBlock):
    """Shared implementation; ``mode`` is 'rnn_relu', 'rnn_tanh', 'lstm' or 'gru'."""

    def __init__(self, hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                 i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                 h2h_bias_initializer, mode, projection_size=None, dtype='float32',
                 use_sequence_length=False, **kwargs):
        super().__init__(**kwargs)
        if layout not in ('TNC', 'NTC'):
            raise MXNetError("Invalid layout %s; must be one of ['TNC' or 'NTC']" % layout)
        if projection_size:
            raise MXNetError('LSTM(projection_size=...) is not supported by mxlite')
        if use_sequence_length:
            raise MXNetError('use_sequence_length=True is not supported by mxlite')
        self._hidden_size = hidden_size
        self._projection_size = projection_size
        self._num_layers = num_layers
        self._mode = mode
        self._layout = layout
        self._dropout = dropout
        self._dir = 2 if bidirectional else 1
        self._input_size = input_size
        self._dtype = dtype
        self._gates = {'rnn_relu': 1, 'rnn_tanh': 1, 'lstm': 4, 'gru': 3}[mode]
        ng, ni, nh = self._gates, input_size, hidden_size
        for i in range(num_layers):
            for j in ['l', 'r'][:self._dir]:
                self._register_param('{}{}_i2h_weight'.format(j, i), (ng * nh, ni),
                                     i2h_weight_initializer, dtype)
                self._register_param('{}{}_h2h_weight'.format(j, i), (ng * nh, nh),
                                     h2h_weight_initializer, dtype)
                self._register_param('{}{}_i2h_bias'.format(j, i), (ng * nh,),
                                     i2h_bias_initializer, dtype)
                self._register_param('{}{}_h2h_bias'.format(j, i), (ng * nh,),
                                     h2h_bias_initializer, dtype)
            ni = nh * self._dir

    def _register_param(self, name, shape, init, dtype):
        p = self.params.get(name, shape=shape, init=init, allow_deferred_init=True, dtype=dtype)
        setattr(self, name, p)
        return p

    def __repr__(self):
        s = '{name}({mapping}, {_layout}'
        if self._num_layers != 1:
            s += ', num_layers={_num_layers}'
        if self._dropout != 0:
            s += ', dropout={_dropout}'
        if self._dir == 2:
            s += ', bidirectional'
        s += ')'
        shape = self.l0_i2h_weight.shape
        mapping = '{0} -> {1}'.format(shape[1] if shape[1] else None, shape[0] // self._gates)
        return s.format(name=self.__class__.__name__, mapping=mapping, **self.__dict__)

    def state_info(self, batch_size=0):
        info = {'shape': (self._num_layers * self._dir, batch_size, self._hidden_size),
                '__layout__': 'LNC', 'dtype': self._dtype}
        return [info, dict(info)] if self._mode == 'lstm' else [info]

    def begin_state(self, batch_size=0, func=None, **kwargs):
        """Initial states (zeros by default), shaped (layers * directions, batch, hidden)."""
        from ... import ndarray
        func = ndarray.zeros if func is None else func
        states = []
        for info in self.state_info(batch_size):
            info = dict(info)
            info.update(kwargs)
            info.pop('__layout__', None)
            states.append(func(**info))
        return states

    def hybridize(self, active=True, **kwargs):
        # the time loop always runs on NDArrays (no fused RNN operator to trace into)
        pass

    def __call__(self, inputs, states=None, sequence_length=None, **kwargs):
        if not isinstance(inputs, NDArray):
            raise MXNetError('%s cannot be traced into a Symbol by mxlite (there is no fused RNN '
                             'operator): call it on NDArrays, and do not hybridize a block that '
                             'contains it' % self.__class__.__name__)
        if sequence_length is not None:
            raise MXNetError('sequence_length is not supported by mxlite')
        self.skip_states = states is None
        if states is None:
            batch_size = inputs.shape[self._layout.find('N')]
            states = self.begin_state(batch_size, ctx=inputs.context, dtype=inputs.dtype)
        if isinstance(states, NDArray):
            states = [states]
        return super().__call__(inputs, states)

    def forward(self, inputs, states):
        from ... import ndarray
        from ..parameter import DeferredInitializationError
        ctx = inputs.context
        with ctx:
            try:
                params = {k: v.data(ctx) for k, v in self._reg_params.items()}
            except DeferredInitializationError:
                self._infer_param_shapes(inputs.shape[2])
                params = {k: v.data(ctx) for k, v in self._reg_params.items()}
            return self.hybrid_forward(ndarray, inputs, states, **params)

    def _infer_param_shapes(self, input_size):
        ni = input_size
        for i in range(self._num_layers):
            for j in ['l', 'r'][:self._dir]:
                p = getattr(self, '{}{}_i2h_weight'.format(j, i))
                p.shape = (p.shape[0], ni)
            ni = self._hidden_size * self._dir
        for p in self._reg_params.values():
            p._finish_deferred_init()

    def hybrid_forward(self, F, inputs, states, **params):
        batch_size = inputs.shape[self._layout.find('N')]
        for state, info in zip(states, self.state_info(batch_size)):
            if state.shape != info['shape']:
                raise MXNetError('Invalid recurrent state shape. Expecting %s, got %s.'
                                 % (str(info['shape']), str(state.shape)))
        out = self._forward_kernel(F, inputs, states, params)
        return out[0] if self.skip_states else out

    def _step(self, F, x_proj, h, c, w_h2h, b_h2h):
        """One time step from the input projection ``x_proj``; returns (h, c)."""
        nh = self._hidden_size
        h2h = F.FullyConnected(h, w_h2h, b_h2h, num_hidden=self._gates * nh)
        if self._mode in ('rnn_relu', 'rnn_tanh'):
            return getattr(F, self._mode[4:])(x_proj + h2h), None
        if self._mode == 'lstm':
            g = F.SliceChannel(x_proj + h2h, num_outputs=4)
            c = F.sigmoid(g[1]) * c + F.sigmoid(g[0]) * F.tanh(g[2])
            return F.sigmoid(g[3]) * F.tanh(c), c
        xr, xz, xn = F.SliceChannel(x_proj, num_outputs=3)
        hr, hz, hn = F.SliceChannel(h2h, num_outputs=3)
        r = F.sigmoid(xr + hr)
        z = F.sigmoid(xz + hz)
        n = F.tanh(xn + r * hn)
        return (1 - z) * n + z * h, None

    def _forward_kernel(self, F, inputs, states, params):
        if self._layout == 'NTC':
            inputs = F.swapaxes(inputs, dim1=0, dim2=1)
        steps = inputs.shape[0]
        lstm = self._mode == 'lstm'
        x = inputs
        new_h, new_c = [], []
        for layer in range(self._num_layers):
            outs = []
            for d in range(self._dir):
                idx = layer * self._dir + d
                pre = '%s%d_' % ('lr'[d], layer)
                h = states[0][idx]
                c = states[1][idx] if lstm else None
                proj = F.FullyConnected(x, params[pre + 'i2h_weight'], params[pre + 'i2h_bias'],
                                        num_hidden=self._gates * self._hidden_size,
                                        flatten=False)
                seq = [None] * steps
                order = range(steps) if d == 0 else range(steps - 1, -1, -1)
                for t in order:
                    h, c = self._step(F, proj[t], h, c, params[pre + 'h2h_weight'],
                                      params[pre + 'h2h_bias'])
                    seq[t] = h
                outs.append(F.stack(*seq, axis=0))
                new_h.append(h)
                new_c.append(c)
            x = outs[0] if self._dir == 1 else F.concat(*outs, dim=2)
            if self._dropout and layer < self._num_layers - 1:
                x = F.Dropout(x, p=self._dropout)
        if self._layout == 'NTC':
            x = F.swapaxes(x, dim1=0, dim2=1)
        out_states = [F.stack(*new_h, axis=0)]
        if lstm:
            out_states.append(F.stack(*new_c, axis=0))
        return x, out_states


class RNN(_RNNLayer):
    """Elman RNN layer (``activation`` 'relu' or 'tanh'); input (T, N, C) or (N, T, C)."""

    def __init__(self, hidden_size, num_layers=1, activation='relu', layout='TNC', dropout=0,
                 bidirectional=False, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', input_size=0,
                 dtype='float32', **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, 'rnn_' + activation, dtype=dtype, **kwargs)


class LSTM(_RNNLayer):
    """LSTM layer; states [h, c], each (layers * directions, N, hidden)."""

    def __init__(self, hidden_size, num_layers=1, layout='TNC', dropout=0, bidirectional=False,
                 input_size=0, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros',
                 projection_size=None, h2r_weight_initializer=None, state_clip_min=None,
                 state_clip_max=None, state_clip_nan=False, dtype='float32', **kwargs):
        if state_clip_min is not None or state_clip_max is not None or state_clip_nan:
            raise MXNetError('LSTM state clipping is not supported by mxlite')
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, 'lstm', projection_size=projection_size,
                         dtype=dtype, **kwargs)


class GRU(_RNNLayer):
    """GRU layer; state h, (layers * directions, N, hidden)."""

    def __init__(self, hidden_size, num_layers=1, layout='TNC', dropout=0, bidirectional=False,
                 input_size=0, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', dtype='float32',
                 **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, 'gru', dtype=dtype, **kwargs)
