"""Recurrent cells: one time step ``cell(inputs, states) -> (output, new_states)``, and
``unroll`` over a sequence (MXNet 1.x gluon.rnn semantics, names and reprs)."""
from ...base import MXNetError, must_override
from ...ndarray.ndarray import NDArray
from ..block import Block
from ..hybrid import HybridBlock

__all__ = ['RecurrentCell', 'HybridRecurrentCell', 'RNNCell', 'LSTMCell', 'GRUCell',
           'SequentialRNNCell', 'HybridSequentialRNNCell', 'DropoutCell', 'ModifierCell',
           'ResidualCell', 'BidirectionalCell']


def _modules():
    from ... import ndarray, symbol
    return ndarray, symbol


def _format_sequence(length, inputs, layout, merge, in_layout=None):
    """Inputs as a list of steps (merge False) or one tensor (merge True), plus the time axis,
    the module (nd or sym) and the batch size (0 for symbols)."""
    ndarray, symbol = _modules()
    if inputs is None:
        raise MXNetError('unroll: inputs must not be None')
    axis = layout.find('T')
    batch_axis = layout.find('N')
    batch_size = 0
    in_axis = in_layout.find('T') if in_layout is not None else axis
    if isinstance(inputs, symbol.Symbol):
        F = symbol
        if merge is False:
            if len(inputs.list_outputs()) != 1:
                raise MXNetError('unroll doesn\'t allow grouped symbol as input. Please convert '
                                 'to list with list(inputs) first or let unroll handle splitting.')
            inputs = list(symbol.split(inputs, axis=in_axis, num_outputs=length,
                                       squeeze_axis=1))
    elif isinstance(inputs, NDArray):
        F = ndarray
        batch_size = inputs.shape[batch_axis]
        if merge is False:
            if length is not None and length != inputs.shape[in_axis]:
                raise MXNetError('unroll: length %d does not match the input\'s %d steps'
                                 % (length, inputs.shape[in_axis]))
            steps = ndarray.split(inputs, axis=in_axis, num_outputs=inputs.shape[in_axis],
                                  squeeze_axis=1)
            inputs = steps if isinstance(steps, list) else [steps]
    else:
        if length is not None and len(inputs) != length:
            raise MXNetError('unroll: %d inputs given for length %d' % (len(inputs), length))
        if isinstance(inputs[0], symbol.Symbol):
            F = symbol
        else:
            F = ndarray
            batch_size = inputs[0].shape[batch_axis]
        if merge is True:
            inputs = F.concat(*[F.expand_dims(i, axis=axis) for i in inputs], dim=axis)
            in_axis = axis
    if isinstance(inputs, (NDArray, symbol.Symbol)) and axis != in_axis:
        inputs = F.swapaxes(inputs, dim1=axis, dim2=in_axis)
    return inputs, axis, F, batch_size


def _get_begin_state(cell, F, begin_state, inputs, batch_size):
    if begin_state is not None:
        return begin_state
    ndarray, _ = _modules()
    if F is ndarray:
        ctx = inputs.context if isinstance(inputs, NDArray) else inputs[0].context
        with ctx:
            return cell.begin_state(func=F.zeros, batch_size=batch_size)
    raise MXNetError('unroll on Symbols needs begin_state: mxlite cannot make zero states of '
                     'unknown batch size; pass begin_state=cell.begin_state(batch_size, '
                     'func=mx.sym.zeros)')


def _get_activation(F, inputs, activation, **kwargs):
    from ..nn import LeakyReLU
    if isinstance(activation, str):
        if activation in ('tanh', 'sigmoid', 'relu', 'softsign'):
            return getattr(F, activation)(inputs, **kwargs)
        return F.Activation(inputs, act_type=activation, **kwargs)
    if isinstance(activation, LeakyReLU):
        return F.LeakyReLU(inputs, act_type='leaky', slope=activation._alpha, **kwargs)
    return activation(inputs, **kwargs)


class RecurrentCell(Block):
    """Abstract recurrent cell: ``state_info``, ``begin_state``, ``unroll``, ``__call__``."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._modified = False
        self.reset()

    def reset(self):
        """Reset the step counters (before a new sequence)."""
        self._init_counter = -1
        self._counter = -1
        for cell in self._children.values():
            cell.reset()

    def state_info(self, batch_size=0):
        must_override(self, 'state_info', 'a cell returns one dict (shape, __layout__) per state')

    @property
    def _gate_names(self):
        return ()

    def begin_state(self, batch_size=0, func=None, **kwargs):
        """Initial states made by ``func`` (default ``mx.nd.zeros``) from ``state_info``."""
        ndarray, symbol = _modules()
        if self._modified:
            raise MXNetError('After applying modifier cells (e.g. ZoneoutCell) the base cell '
                             'cannot be called directly. Call the modifier cell instead.')
        func = ndarray.zeros if func is None else func
        states = []
        for info in self.state_info(batch_size):
            self._init_counter += 1
            info = dict(info) if info is not None else {}
            info.update(kwargs)
            if func in (symbol.zeros, symbol.ones) or getattr(func, '__module__', '').startswith(
                    symbol.__name__):
                info['name'] = '%sbegin_state_%d' % (self._prefix, self._init_counter)
            info.pop('__layout__', None)
            states.append(func(**info))
        return states

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None,
               valid_length=None):
        """Run ``length`` steps; returns (outputs, last states).

        ``inputs``: one tensor in ``layout`` or a list of per-step tensors;
        ``merge_outputs``: stack the outputs (True), a list (False), or like the inputs.
        """
        if valid_length is not None:
            raise MXNetError('unroll(valid_length=...) is not supported by mxlite')
        self.reset()
        inputs, _, F, batch_size = _format_sequence(length, inputs, layout, False)
        states = _get_begin_state(self, F, begin_state, inputs, batch_size)
        outputs = []
        for i in range(length):
            output, states = self(inputs[i], states)
            outputs.append(output)
        outputs, _, _, _ = _format_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def forward(self, inputs, states):
        self._counter += 1
        return super().forward(inputs, states)


class HybridRecurrentCell(RecurrentCell, HybridBlock):
    """A recurrent cell written as ``hybrid_forward(F, inputs, states, **params)``."""

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise MXNetError('%s must define hybrid_forward' % type(self).__name__)


class _GatedCell(HybridRecurrentCell):
    """i2h/h2h weights and biases for ``gates`` x ``hidden_size`` units; MXNet's repr."""

    _gates = 1

    def __init__(self, hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                 i2h_bias_initializer, h2h_bias_initializer, input_size, prefix, params):
        super().__init__(prefix=prefix, params=params)
        n = self._gates * hidden_size
        self._hidden_size = hidden_size
        self._input_size = input_size
        self.i2h_weight = self.params.get('i2h_weight', shape=(n, input_size),
                                          init=i2h_weight_initializer, allow_deferred_init=True)
        self.h2h_weight = self.params.get('h2h_weight', shape=(n, hidden_size),
                                          init=h2h_weight_initializer, allow_deferred_init=True)
        self.i2h_bias = self.params.get('i2h_bias', shape=(n,), init=i2h_bias_initializer,
                                        allow_deferred_init=True)
        self.h2h_bias = self.params.get('h2h_bias', shape=(n,), init=h2h_bias_initializer,
                                        allow_deferred_init=True)

    def state_info(self, batch_size=0):
        return [{'shape': (batch_size, self._hidden_size), '__layout__': 'NC'}]

    def __repr__(self):
        s = '{name}({mapping}'
        if hasattr(self, '_activation'):
            s += ', {_activation}'
        s += ')'
        shape = self.i2h_weight.shape
        mapping = '{0} -> {1}'.format(shape[1] if shape[1] else None, shape[0])
        return s.format(name=self.__class__.__name__, mapping=mapping, **self.__dict__)

    def _projections(self, F, inputs, h, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        prefix = 't%d_' % self._counter
        n = self._gates * self._hidden_size
        i2h = F.FullyConnected(data=inputs, weight=i2h_weight, bias=i2h_bias, num_hidden=n,
                               name=prefix + 'i2h')
        h2h = F.FullyConnected(data=h, weight=h2h_weight, bias=h2h_bias, num_hidden=n,
                               name=prefix + 'h2h')
        return prefix, i2h, h2h


class RNNCell(_GatedCell):
    """Elman cell: ``h' = activation(W_i x + b_i + W_h h + b_h)``."""

    def __init__(self, hidden_size, activation='tanh', i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer='zeros',
                 h2h_bias_initializer='zeros', input_size=0, prefix=None, params=None):
        self._activation = activation
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix, params)

    def _alias(self):
        return 'rnn'

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        prefix, i2h, h2h = self._projections(F, inputs, states[0], i2h_weight, h2h_weight,
                                             i2h_bias, h2h_bias)
        output = _get_activation(F, F.elemwise_add(i2h, h2h, name=prefix + 'plus0'),
                                 self._activation, name=prefix + 'out')
        return output, [output]


class LSTMCell(_GatedCell):
    """LSTM cell; gates in MXNet's order (input, forget, cell, output)."""

    _gates = 4

    def __init__(self, hidden_size, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', input_size=0,
                 prefix=None, params=None, activation='tanh', recurrent_activation='sigmoid'):
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix, params)
        self._act = activation
        self._recurrent_act = recurrent_activation

    def state_info(self, batch_size=0):
        return [{'shape': (batch_size, self._hidden_size), '__layout__': 'NC'},
                {'shape': (batch_size, self._hidden_size), '__layout__': 'NC'}]

    def _alias(self):
        return 'lstm'

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        prefix, i2h, h2h = self._projections(F, inputs, states[0], i2h_weight, h2h_weight,
                                             i2h_bias, h2h_bias)
        gates = F.elemwise_add(i2h, h2h, name=prefix + 'plus0')
        sl = F.SliceChannel(gates, num_outputs=4, name=prefix + 'slice')
        rec = self._recurrent_act
        in_gate = _get_activation(F, sl[0], rec, name=prefix + 'i')
        forget_gate = _get_activation(F, sl[1], rec, name=prefix + 'f')
        in_transform = _get_activation(F, sl[2], self._act, name=prefix + 'c')
        out_gate = _get_activation(F, sl[3], rec, name=prefix + 'o')
        next_c = F.elemwise_add(F.elemwise_mul(forget_gate, states[1], name=prefix + 'mul0'),
                                F.elemwise_mul(in_gate, in_transform, name=prefix + 'mul1'),
                                name=prefix + 'state')
        next_h = F.elemwise_mul(out_gate, _get_activation(F, next_c, self._act),
                                name=prefix + 'out')
        return next_h, [next_h, next_c]


class GRUCell(_GatedCell):
    """GRU cell (reset, update, new); ``n = tanh(W_in x + b_in + r * (W_hn h + b_hn))``."""

    _gates = 3

    def __init__(self, hidden_size, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', input_size=0,
                 prefix=None, params=None, activation='tanh', recurrent_activation='sigmoid'):
        super().__init__(hidden_size, i2h_weight_initializer, h2h_weight_initializer,
                         i2h_bias_initializer, h2h_bias_initializer, input_size, prefix, params)
        self._act = activation
        self._recurrent_act = recurrent_activation

    def _alias(self):
        return 'gru'

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        prev_h = states[0]
        prefix, i2h, h2h = self._projections(F, inputs, prev_h, i2h_weight, h2h_weight,
                                             i2h_bias, h2h_bias)
        i2h_r, i2h_z, i2h = F.SliceChannel(i2h, num_outputs=3, name=prefix + 'i2h_slice')
        h2h_r, h2h_z, h2h = F.SliceChannel(h2h, num_outputs=3, name=prefix + 'h2h_slice')
        reset_gate = _get_activation(F, F.elemwise_add(i2h_r, h2h_r, name=prefix + 'plus0'),
                                     self._recurrent_act, name=prefix + 'r_act')
        update_gate = _get_activation(F, F.elemwise_add(i2h_z, h2h_z, name=prefix + 'plus1'),
                                      self._recurrent_act, name=prefix + 'z_act')
        next_h_tmp = _get_activation(
            F, F.elemwise_add(i2h, F.elemwise_mul(reset_gate, h2h, name=prefix + 'mul0'),
                              name=prefix + 'plus2'), self._act, name=prefix + 'h_act')
        ones = F.ones_like(update_gate, name=prefix + 'ones_like0')
        next_h = F.elemwise_add(F.elemwise_mul(F.elemwise_sub(ones, update_gate,
                                                              name=prefix + 'minus0'),
                                               next_h_tmp, name=prefix + 'mul1'),
                                F.elemwise_mul(update_gate, prev_h, name=prefix + 'mul20'),
                                name=prefix + 'out')
        return next_h, [next_h]


def _seq_repr(cell):
    s = '{name}(\n{modstr}\n)'
    return s.format(name=cell.__class__.__name__,
                    modstr='\n'.join(['({i}): {m}'.format(i=i, m=m)
                                      for i, m in cell._children.items()]))


class _SequentialMixin:
    def add(self, cell):
        """Append a cell."""
        self.register_child(cell)

    def state_info(self, batch_size=0):
        return [info for c in self._children.values() for info in c.state_info(batch_size)]

    def begin_state(self, **kwargs):
        if self._modified:
            raise MXNetError('After applying modifier cells the base cell cannot be called '
                             'directly. Call the modifier cell instead.')
        return [s for c in self._children.values() for s in c.begin_state(**kwargs)]

    def __repr__(self):
        return _seq_repr(self)

    def __getitem__(self, i):
        return list(self._children.values())[i]

    def __len__(self):
        return len(self._children)

    def _step(self, inputs, states):
        self._counter += 1
        next_states = []
        p = 0
        for cell in self._children.values():
            n = len(cell.state_info())
            inputs, state = cell(inputs, states[p:p + n])
            p += n
            next_states.extend(state)
        return inputs, next_states


class SequentialRNNCell(_SequentialMixin, RecurrentCell):
    """Stacks cells: each step runs them one after another."""

    def __call__(self, inputs, states):
        return self._step(inputs, states)


class HybridSequentialRNNCell(_SequentialMixin, HybridRecurrentCell):
    """Hybrid version of :class:`SequentialRNNCell`."""

    def __call__(self, inputs, states):
        return self._step(inputs, states)


class DropoutCell(HybridRecurrentCell):
    """Dropout on the inputs of each step; no state."""

    def __init__(self, rate, axes=(), prefix=None, params=None):
        super().__init__(prefix, params)
        if not isinstance(rate, (int, float)):
            raise MXNetError('rate must be a number')
        self._rate = rate
        self._axes = axes

    def __repr__(self):
        return '{name}(rate={_rate}, axes={_axes})'.format(name=self.__class__.__name__,
                                                          **self.__dict__)

    def state_info(self, batch_size=0):
        return []

    def _alias(self):
        return 'dropout'

    def hybrid_forward(self, F, inputs, states):
        if self._rate > 0:
            inputs = F.Dropout(data=inputs, p=self._rate, axes=self._axes,
                               name='t%d_fwd' % self._counter)
        return inputs, states


class ModifierCell(HybridRecurrentCell):
    """Wraps ``base_cell`` and changes its behaviour; parameters are the base cell's."""

    def __init__(self, base_cell):
        if base_cell._modified:
            raise MXNetError('Cell %s is already modified. One cell cannot be modified twice'
                             % base_cell.name)
        base_cell._modified = True
        super().__init__(prefix=base_cell.prefix + self._alias(), params=None)
        self.base_cell = base_cell

    @property
    def params(self):
        return self.base_cell.params

    def state_info(self, batch_size=0):
        return self.base_cell.state_info(batch_size)

    def begin_state(self, func=None, **kwargs):
        self.base_cell._modified = False
        try:
            return self.base_cell.begin_state(func=func, **kwargs)
        finally:
            self.base_cell._modified = True

    def __repr__(self):
        return '{name}({base_cell})'.format(name=self.__class__.__name__, **self.__dict__)


class ResidualCell(ModifierCell):
    """Adds the step's input to the base cell's output."""

    def hybrid_forward(self, F, inputs, states):
        output, states = self.base_cell(inputs, states)
        return F.elemwise_add(output, inputs, name='t%d_fwd' % self._counter), states

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None,
               valid_length=None):
        self.reset()
        self.base_cell._modified = False
        outputs, states = self.base_cell.unroll(length, inputs=inputs, begin_state=begin_state,
                                                layout=layout, merge_outputs=merge_outputs,
                                                valid_length=valid_length)
        self.base_cell._modified = True
        if merge_outputs is None:
            merge_outputs = isinstance(outputs, (NDArray, _modules()[1].Symbol))
        inputs, _, F, _ = _format_sequence(length, inputs, layout, merge_outputs)
        if merge_outputs:
            outputs = F.elemwise_add(outputs, inputs)
        else:
            outputs = [F.elemwise_add(i, j) for i, j in zip(outputs, inputs)]
        return outputs, states


class BidirectionalCell(HybridRecurrentCell):
    """Runs ``l_cell`` forward and ``r_cell`` backward in time; outputs concatenated.
    Only ``unroll`` is possible."""

    def __init__(self, l_cell, r_cell, output_prefix='bi_'):
        super().__init__(prefix='', params=None)
        self.register_child(l_cell, 'l_cell')
        self.register_child(r_cell, 'r_cell')
        self._output_prefix = output_prefix

    def __call__(self, inputs, states):
        raise MXNetError('Bidirectional cannot be stepped. Please use unroll')

    def __repr__(self):
        return '{name}(forward={l_cell}, backward={r_cell})'.format(
            name=self.__class__.__name__, l_cell=self._children['l_cell'],
            r_cell=self._children['r_cell'])

    def state_info(self, batch_size=0):
        return [i for c in self._children.values() for i in c.state_info(batch_size)]

    def begin_state(self, **kwargs):
        return [s for c in self._children.values() for s in c.begin_state(**kwargs)]

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None,
               valid_length=None):
        if valid_length is not None:
            raise MXNetError('unroll(valid_length=...) is not supported by mxlite')
        self.reset()
        inputs, axis, F, batch_size = _format_sequence(length, inputs, layout, False)
        begin_state = _get_begin_state(self, F, begin_state, inputs, batch_size)
        states = begin_state
        l_cell, r_cell = self._children['l_cell'], self._children['r_cell']
        n_l = len(l_cell.state_info(batch_size))
        l_outputs, l_states = l_cell.unroll(length, inputs=inputs, begin_state=states[:n_l],
                                            layout=layout, merge_outputs=False)
        r_outputs, r_states = r_cell.unroll(length, inputs=list(reversed(inputs)),
                                            begin_state=states[n_l:], layout=layout,
                                            merge_outputs=False)
        r_outputs = list(reversed(r_outputs))
        if merge_outputs is None:
            merge_outputs = False
        outputs = [F.concat(l_o, r_o, dim=1, name='%st%d' % (self._output_prefix, i))
                   for i, (l_o, r_o) in enumerate(zip(l_outputs, r_outputs))]
        if merge_outputs:
            outputs = F.stack(*outputs, axis=axis)
        return outputs, l_states + r_states
