"""MXNet 1.x's legacy symbolic RNN cells (``mx.rnn``): a cell maps one time step
``cell(inputs, states) -> (output, next_states)`` to ``mx.sym`` operators, and
``unroll`` repeats it over a sequence.  Parameter, state and output names follow
MXNet (``lstm_i2h_weight``, ``lstm_begin_state_0``, ``lstm_t0_out``...).

Container and modifier cells live in ``rnn_cell_containers.py``, the fused cell
in ``rnn_cell_fused.py``; all are re-exported here as MXNet's ``mx.rnn.rnn_cell``.
"""
from .. import symbol
from .. import initializer as init
from .. import ndarray
from ..base import MXNetError, MXNetValueError, must_override

__all__ = ['RNNParams', 'BaseRNNCell', 'RNNCell', 'LSTMCell', 'GRUCell', 'FusedRNNCell',
           'SequentialRNNCell', 'DropoutCell', 'ModifierCell', 'ZoneoutCell', 'ResidualCell',
           'BidirectionalCell']

_MODIFIED_MSG = ('After applying modifier cells (e.g. DropoutCell) the base cell cannot be '
                 'called directly. Call the modifier cell instead.')


def normalize_sequence(length, inputs, layout, merge, in_layout=None):
    """``inputs`` as a list of ``length`` step symbols (``merge`` False), one merged symbol
    (``merge`` True) or as given (``merge`` None); returns ``(inputs, time_axis)``."""
    from ..gluon.rnn.rnn_cell import _format_sequence
    if inputs is None:
        raise MXNetValueError('unroll(inputs=None) has been deprecated. Please create input '
                              'variables outside unroll, e.g. inputs=mx.sym.Variable("data").')
    check_layout(layout, 'layout')
    if in_layout is not None:
        check_layout(in_layout, 'in_layout')
    if isinstance(inputs, (list, tuple)):
        if length is not None and len(inputs) != length:
            raise MXNetValueError('unroll: length=%d but %d input symbols were given; pass one '
                                  'symbol per time step, or a single symbol with the time axis '
                                  'in layout' % (length, len(inputs)))
        if not all(isinstance(i, symbol.Symbol) for i in inputs):
            raise MXNetValueError('unroll: mx.rnn cells are symbolic; inputs must be Symbols '
                                  '(use mx.gluon.rnn for NDArrays)')
    elif not isinstance(inputs, symbol.Symbol):
        raise MXNetValueError('unroll: inputs must be a Symbol or a list of Symbols, got %s'
                              % type(inputs).__name__)
    inputs, axis, _, _ = _format_sequence(length, inputs, layout, merge, in_layout)
    return inputs, axis


def check_layout(layout, what='layout'):
    if not isinstance(layout, str) or layout.count('T') != 1 or layout.count('N') != 1:
        raise MXNetValueError("unroll: unknown %s %r; it must name one time axis 'T' and one "
                              "batch axis 'N', e.g. 'NTC' (batch major) or 'TNC' (time major)"
                              % (what, layout))


class RNNParams:
    """The variables of a cell (and of the cells sharing them), created on first use with
    the cell's prefix: ``params.get('i2h_weight')`` is ``Variable(prefix + 'i2h_weight')``."""

    def __init__(self, prefix=''):
        self._prefix = prefix
        self._params = {}

    def get(self, name, **kwargs):
        name = self._prefix + name
        if name not in self._params:
            self._params[name] = symbol.Variable(name, **kwargs)
        return self._params[name]


class BaseRNNCell:
    """The base of the symbolic cells.

    Parameters
    ----------
    prefix : str
        Prefix of the cell's parameter, state and output names.
    params : RNNParams or None
        Variables shared with another cell; None creates the cell's own.
    """

    def __init__(self, prefix='', params=None):
        if params is None:
            params = RNNParams(prefix)
            self._own_params = True
        else:
            self._own_params = False
        self._prefix = prefix
        self._params = params
        self._modified = False
        self.reset()

    def reset(self):
        """Restart the step counters (output names ``t0``, ``t1``...) before a new unroll."""
        self._init_counter = -1
        self._counter = -1
        for cell in getattr(self, '_cells', ()):
            cell.reset()

    def __call__(self, inputs, states):
        """One step: ``(output, next_states)``."""
        must_override(self, '__call__', 'a cell returns (output, next_states) for one step')

    @property
    def params(self):
        """The cell's RNNParams (once read, the cell no longer counts as owning them)."""
        self._own_params = False
        return self._params

    @property
    def state_info(self):
        """A dict per state: its ``shape`` (0 = batch size, inferred) and ``__layout__``."""
        must_override(self, 'state_info', 'a cell returns one dict (shape, __layout__) per state')

    @property
    def state_shape(self):
        return [ele['shape'] for ele in self.state_info]

    @property
    def _gate_names(self):
        return ()

    def begin_state(self, func=symbol.zeros, **kwargs):
        """The initial states, one ``func(name=prefix + 'begin_state_%d', shape=..., **kwargs)``
        per state (``func=mx.sym.Variable`` makes them inputs of the graph)."""
        if self._modified:
            raise MXNetError(_MODIFIED_MSG)
        states = []
        for info in self.state_info:
            self._init_counter += 1
            if info is not None:
                kwargs.update(info)  # (MXNet passes every earlier state's info on too)
            name = '%sbegin_state_%d' % (self._prefix, self._init_counter)
            states.append(func(name=name, **kwargs))
        return states

    def unpack_weights(self, args):
        """Split the gate-stacked ``i2h``/``h2h`` weights and biases in ``args`` (a dict of
        NDArrays) into one array per gate (``lstm_i2h_f_weight``...); returns a new dict."""
        args = args.copy()
        if not self._gate_names:
            return args
        h = self._num_hidden
        for group in ('i2h', 'h2h'):
            for kind in ('weight', 'bias'):
                key = '%s%s_%s' % (self._prefix, group, kind)
                if key not in args:
                    raise MXNetError('unpack_weights: %r is missing from the parameters; '
                                     'they hold %s' % (key, ', '.join(sorted(args))))
                whole = args.pop(key)
                for j, gate in enumerate(self._gate_names):
                    args['%s%s%s_%s' % (self._prefix, group, gate, kind)] = \
                        whole[j * h:(j + 1) * h].copy()
        return args

    def pack_weights(self, args):
        """The inverse of :meth:`unpack_weights`."""
        args = args.copy()
        if not self._gate_names:
            return args
        for group in ('i2h', 'h2h'):
            for kind in ('weight', 'bias'):
                names = ['%s%s%s_%s' % (self._prefix, group, gate, kind)
                         for gate in self._gate_names]
                missing = [n for n in names if n not in args]
                if missing:
                    raise MXNetError('pack_weights: %s missing from the parameters; were they '
                                     'made by unpack_weights of this cell?' % ', '.join(missing))
                args['%s%s_%s' % (self._prefix, group, kind)] = \
                    ndarray.concatenate([args.pop(n) for n in names])
        return args

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None):
        """Unroll over ``length`` steps.

        Parameters
        ----------
        length : int
        inputs : Symbol (time axis as in ``layout``) or list of ``length`` Symbols
        begin_state : list of Symbol, or None for ``begin_state()``
        layout : str, 'NTC' or 'TNC'
        merge_outputs : bool or None
            True: one Symbol with the time axis; False: a list; None: whichever is natural.

        Returns ``(outputs, states)``.
        """
        self.reset()
        inputs, _ = normalize_sequence(length, inputs, layout, False)
        if begin_state is None:
            begin_state = self.begin_state()
        states = begin_state
        outputs = []
        for i in range(length):
            output, states = self(inputs[i], states)
            outputs.append(output)
        outputs, _ = normalize_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def _get_activation(self, inputs, activation, **kwargs):
        if isinstance(activation, str):
            return symbol.Activation(inputs, act_type=activation, **kwargs)
        return activation(inputs, **kwargs)

    def _step_name(self):
        self._counter += 1
        return '%st%d_' % (self._prefix, self._counter)


def _check_states(cell, states, n):
    if not isinstance(states, (list, tuple)) or len(states) != n:
        raise MXNetValueError('%s: expects a list of %d state symbols, got %r; use '
                              'cell.begin_state() or the states returned by the previous step'
                              % (type(cell).__name__, n, states))


class RNNCell(BaseRNNCell):
    """An Elman cell: ``out = activation(i2h(x) + h2h(h))``."""

    def __init__(self, num_hidden, activation='tanh', prefix='rnn_', params=None):
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._activation = activation
        self._iW = self.params.get('i2h_weight')
        self._iB = self.params.get('i2h_bias')
        self._hW = self.params.get('h2h_weight')
        self._hB = self.params.get('h2h_bias')

    @property
    def state_info(self):
        return [{'shape': (0, self._num_hidden), '__layout__': 'NC'}]

    @property
    def _gate_names(self):
        return ('',)

    def __call__(self, inputs, states):
        _check_states(self, states, 1)
        name = self._step_name()
        i2h = symbol.FullyConnected(data=inputs, weight=self._iW, bias=self._iB,
                                    num_hidden=self._num_hidden, name='%si2h' % name)
        h2h = symbol.FullyConnected(data=states[0], weight=self._hW, bias=self._hB,
                                    num_hidden=self._num_hidden, name='%sh2h' % name)
        output = self._get_activation(i2h + h2h, self._activation, name='%sout' % name)
        return output, [output]


class LSTMCell(BaseRNNCell):
    """A long short-term memory cell; gates ``i, f, c, o`` stacked in that order, the
    forget gate's ``i2h`` bias initialised to ``forget_bias`` (``mx.init.LSTMBias``)."""

    def __init__(self, num_hidden, prefix='lstm_', params=None, forget_bias=1.0):
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._iW = self.params.get('i2h_weight')
        self._hW = self.params.get('h2h_weight')
        self._iB = self.params.get('i2h_bias', init=init.LSTMBias(forget_bias=forget_bias))
        self._hB = self.params.get('h2h_bias')

    @property
    def state_info(self):
        return [{'shape': (0, self._num_hidden), '__layout__': 'NC'},
                {'shape': (0, self._num_hidden), '__layout__': 'NC'}]

    @property
    def _gate_names(self):
        return ('_i', '_f', '_c', '_o')

    def __call__(self, inputs, states):
        _check_states(self, states, 2)
        name = self._step_name()
        nh = self._num_hidden
        i2h = symbol.FullyConnected(data=inputs, weight=self._iW, bias=self._iB,
                                    num_hidden=nh * 4, name='%si2h' % name)
        h2h = symbol.FullyConnected(data=states[0], weight=self._hW, bias=self._hB,
                                    num_hidden=nh * 4, name='%sh2h' % name)
        gates = symbol.SliceChannel(i2h + h2h, num_outputs=4, name='%sslice' % name)
        in_gate = symbol.Activation(gates[0], act_type='sigmoid', name='%si' % name)
        forget_gate = symbol.Activation(gates[1], act_type='sigmoid', name='%sf' % name)
        in_transform = symbol.Activation(gates[2], act_type='tanh', name='%sc' % name)
        out_gate = symbol.Activation(gates[3], act_type='sigmoid', name='%so' % name)
        next_c = symbol._internal._plus(forget_gate * states[1], in_gate * in_transform,
                                        name='%sstate' % name)
        next_h = symbol._internal._mul(out_gate, symbol.Activation(next_c, act_type='tanh'),
                                       name='%sout' % name)
        return next_h, [next_h, next_c]


class GRUCell(BaseRNNCell):
    """A gated recurrent unit; gates ``r, z, o`` (reset, update, candidate)."""

    def __init__(self, num_hidden, prefix='gru_', params=None):
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._iW = self.params.get('i2h_weight')
        self._iB = self.params.get('i2h_bias')
        self._hW = self.params.get('h2h_weight')
        self._hB = self.params.get('h2h_bias')

    @property
    def state_info(self):
        return [{'shape': (0, self._num_hidden), '__layout__': 'NC'}]

    @property
    def _gate_names(self):
        return ('_r', '_z', '_o')

    def __call__(self, inputs, states):
        _check_states(self, states, 1)
        name = self._step_name()
        nh = self._num_hidden
        prev_h = states[0]
        # (MXNet names these steps with a doubled underscore: gru_t0__i2h)
        i2h = symbol.FullyConnected(data=inputs, weight=self._iW, bias=self._iB,
                                    num_hidden=nh * 3, name='%s_i2h' % name)
        h2h = symbol.FullyConnected(data=prev_h, weight=self._hW, bias=self._hB,
                                    num_hidden=nh * 3, name='%s_h2h' % name)
        i2h_r, i2h_z, i2h = symbol.SliceChannel(i2h, num_outputs=3, name='%s_i2h_slice' % name)
        h2h_r, h2h_z, h2h = symbol.SliceChannel(h2h, num_outputs=3, name='%s_h2h_slice' % name)
        reset_gate = symbol.Activation(i2h_r + h2h_r, act_type='sigmoid', name='%s_r_act' % name)
        update_gate = symbol.Activation(i2h_z + h2h_z, act_type='sigmoid',
                                        name='%s_z_act' % name)
        candidate = symbol.Activation(i2h + reset_gate * h2h, act_type='tanh',
                                      name='%s_h_act' % name)
        next_h = symbol._internal._plus((1. - update_gate) * candidate, update_gate * prev_h,
                                        name='%sout' % name)
        return next_h, [next_h]


from .rnn_cell_containers import (SequentialRNNCell, DropoutCell, ModifierCell,  # noqa: E402
                                  ZoneoutCell, ResidualCell, BidirectionalCell)
from .rnn_cell_fused import FusedRNNCell  # noqa: E402
