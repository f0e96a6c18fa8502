"""Multi-layer (bidirectional) RNN, LSTM and GRU layers with MXNet's parameters and layouts.

As in MXNet, the parameters are flattened into one vector and run by the
fused ``RNN`` operator, so the layers hybridize and export the same graph.
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
        from ... import ndarray, symbol
        func = ndarray.zeros if func is None else func
        is_sym = getattr(func, '__module__', '').startswith(symbol.__name__)
        states = []
        for i, info in enumerate(self.state_info(batch_size)):
            info = dict(info)
            info.update(kwargs)
            if is_sym:
                info['name'] = '%sh0_%d' % (self.prefix, i)
            info.pop('__layout__', None)
            states.append(func(**info))
        return states

    def __call__(self, inputs, states=None, sequence_length=None, **kwargs):
        from ...symbol.symbol import Symbol
        if sequence_length is not None:
            raise MXNetError('sequence_length is not supported by mxlite')
        from ... import symbol
        self.skip_states = states is None
        if states is None:
            if isinstance(inputs, NDArray):
                batch_size = inputs.shape[self._layout.find('N')]
                states = self.begin_state(batch_size, ctx=inputs.context, dtype=inputs.dtype)
            elif isinstance(inputs, Symbol):
                # batch size 0: the graph's shape inference fills it in
                states = self.begin_state(0, func=symbol.zeros)
            else:
                raise MXNetError('%s expects an NDArray or a Symbol, got %s'
                                 % (type(self).__name__, type(inputs).__name__))
        if isinstance(states, (NDArray, Symbol)):
            states = [states]
        return super().__call__(inputs, states)

    def infer_shape(self, inputs, *args):
        """Parameter shapes from the input's feature size (no graph needed)."""
        ni = inputs.shape[2]
        for i in range(self._num_layers):
            for j in ['l', 'r'][:self._dir]:
                p = getattr(self, '{}{}_i2h_weight'.format(j, i))
                p.shape = (p.shape[0], ni)
            ni = self._hidden_size * self._dir

    def hybrid_forward(self, F, inputs, states, **params):
        from ... import ndarray
        if F is ndarray:
            batch_size = inputs.shape[self._layout.find('N')]
            for state, info in zip(states, self.state_info(batch_size)):
                if state.shape != info['shape']:
                    raise MXNetError('Invalid recurrent state shape. Expecting %s, got %s.'
                                     % (str(info['shape']), str(state.shape)))
        out = self._forward_kernel(F, inputs, states, params)
        return out[0] if self.skip_states else out

    def _forward_kernel(self, F, inputs, states, params):
        if self._layout == 'NTC':
            inputs = F.swapaxes(inputs, dim1=0, dim2=1)
        flat = [params['{}{}_{}_{}'.format(d, layer, g, t)].reshape(-1)
                for t in ['weight', 'bias'] for layer in range(self._num_layers)
                for d in ['l', 'r'][:self._dir] for g in ['i2h', 'h2h']]
        flat = F._internal._rnn_param_concat(*flat, dim=0)
        rnn = F.RNN(inputs, flat, *states, use_sequence_length=False,
                    state_size=self._hidden_size, projection_size=None,
                    num_layers=self._num_layers, bidirectional=self._dir == 2, p=self._dropout,
                    state_outputs=True, mode=self._mode, lstm_state_clip_min=None,
                    lstm_state_clip_max=None, lstm_state_clip_nan=False)
        if self._mode == 'lstm':
            outputs, states = rnn[0], [rnn[1], rnn[2]]
        else:
            outputs, states = rnn[0], [rnn[1]]
        if self._layout == 'NTC':
            outputs = F.swapaxes(outputs, dim1=0, dim2=1)
        return outputs, states


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
