"""``FusedRNNCell``: a whole multi-layer (bidirectional) RNN as one ``RNN`` operator
whose weights are one flat ``<prefix>parameters`` vector (MXNet's cuDNN layout)."""
import warnings

from .. import symbol
from .. import initializer as init
from .. import ndarray
from ..base import MXNetError, MXNetValueError, MXNetNotImplementedError
from ..initializer_fused_rnn import fused_rnn_layout
from .rnn_cell import BaseRNNCell, RNNCell, LSTMCell, GRUCell, normalize_sequence
from .rnn_cell_containers import SequentialRNNCell, BidirectionalCell, DropoutCell

__all__ = ['FusedRNNCell']

_GATES = {'rnn_relu': ('',), 'rnn_tanh': ('',), 'lstm': ('_i', '_f', '_c', '_o'),
          'gru': ('_r', '_z', '_o')}


class FusedRNNCell(BaseRNNCell):
    """A fused RNN layer stack (``mode`` 'rnn_relu', 'rnn_tanh', 'lstm' or 'gru').

    It cannot be stepped: use :meth:`unroll`, or :meth:`unfuse` for the equivalent
    stack of ordinary cells (same parameter names after :meth:`unpack_weights`).
    """

    def __init__(self, num_hidden, num_layers=1, mode='lstm', bidirectional=False,
                 dropout=0., get_next_state=False, forget_bias=1.0, prefix=None, params=None):
        if mode not in _GATES:
            raise MXNetValueError('FusedRNNCell: mode must be one of %s, got %r'
                                  % (', '.join(sorted(_GATES)), mode))
        if prefix is None:
            prefix = '%s_' % mode
        super().__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._dropout = dropout
        self._get_next_state = get_next_state
        self._directions = ['l', 'r'] if bidirectional else ['l']
        initializer = init.FusedRNN(None, num_hidden, num_layers, mode, bidirectional,
                                    forget_bias)
        self._parameter = self.params.get('parameters', init=initializer)

    @property
    def state_info(self):
        b = len(self._directions)
        n = 2 if self._mode == 'lstm' else 1
        return [{'shape': (b * self._num_layers, 0, self._num_hidden), '__layout__': 'LNC'}
                for _ in range(n)]

    @property
    def _gate_names(self):
        return _GATES[self._mode]

    @property
    def _num_gates(self):
        return len(self._gate_names)

    def _pieces(self, size):
        try:
            return fused_rnn_layout(size, self._num_hidden, self._num_layers, self._mode,
                                    self._bidirectional)
        except MXNetValueError as e:
            raise MXNetValueError('Invalid parameters size for FusedRNNCell %r: %s'
                                  % (self._prefix, e)) from None

    def unpack_weights(self, args):
        args = args.copy()
        name = self._parameter.name
        if name not in args:
            raise MXNetError('unpack_weights: %r is missing from the parameters; they hold %s'
                             % (name, ', '.join(sorted(args))))
        arr = args.pop(name)
        flat = arr.reshape((-1,))
        for piece, offset, shape in self._pieces(flat.size):
            n = 1
            for d in shape:
                n *= d
            args[self._prefix + piece] = flat[offset:offset + n].reshape(shape).copy()
        return args

    def pack_weights(self, args):
        args = args.copy()
        first = '%sl0_i2h%s_weight' % (self._prefix, self._gate_names[0])
        if first not in args:
            raise MXNetError('pack_weights: %r is missing from the parameters; were they made '
                             'by unpack_weights of this cell?' % first)
        w0 = args[first]
        m, h, b = self._num_gates, self._num_hidden, len(self._directions)
        num_input = w0.shape[1]
        total = ((num_input + h + 2) * h * m * b
                 + (self._num_layers - 1) * m * h * (h + b * h + 2) * b)
        arr = ndarray.zeros((total,), ctx=w0.context, dtype=w0.dtype)
        for piece, offset, shape in self._pieces(total):
            key = self._prefix + piece
            if key not in args:
                raise MXNetError('pack_weights: %r is missing from the parameters' % key)
            n = 1
            for d in shape:
                n *= d
            arr[offset:offset + n] = args.pop(key).reshape((n,))
        args[self._parameter.name] = arr
        return args

    def __call__(self, inputs, states):
        raise MXNetNotImplementedError('FusedRNNCell cannot be stepped. Please use unroll')

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None):
        self.reset()
        inputs, axis = normalize_sequence(length, inputs, layout, True)
        if axis == 1:
            warnings.warn('NTC layout detected. Consider using TNC for FusedRNNCell for faster '
                          'speed')
            inputs = symbol.swapaxes(inputs, dim1=0, dim2=1)
        elif axis != 0:
            raise MXNetValueError('Unsupported layout %s: FusedRNNCell takes the time axis '
                                  'first or second (TNC or NTC)' % layout)
        if begin_state is None:
            begin_state = self.begin_state()
        states = {'state': begin_state[0]}
        if self._mode == 'lstm':
            states['state_cell'] = begin_state[1]
        rnn = symbol.RNN(data=inputs, parameters=self._parameter, state_size=self._num_hidden,
                         num_layers=self._num_layers, bidirectional=self._bidirectional,
                         p=self._dropout, state_outputs=self._get_next_state, mode=self._mode,
                         name=self._prefix + 'rnn', **states)
        if not self._get_next_state:
            outputs, states = rnn, []
        else:
            n = 2 if self._mode == 'lstm' else 1
            for i in range(1, n + 1):
                rnn[i]._set_attr(__layout__='LNC')
            outputs, states = rnn[0], [rnn[i] for i in range(1, n + 1)]
        if axis == 1:
            outputs = symbol.swapaxes(outputs, dim1=1, dim2=0)
        outputs, _ = normalize_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def unfuse(self):
        """The same network as a SequentialRNNCell of RNNCell/LSTMCell/GRUCell (wrapped in
        BidirectionalCell when bidirectional, DropoutCell between layers when dropout > 0)."""
        nh = self._num_hidden
        make = {'rnn_relu': lambda p: RNNCell(nh, activation='relu', prefix=p),
                'rnn_tanh': lambda p: RNNCell(nh, activation='tanh', prefix=p),
                'lstm': lambda p: LSTMCell(nh, prefix=p),
                'gru': lambda p: GRUCell(nh, prefix=p)}[self._mode]
        stack = SequentialRNNCell()
        for i in range(self._num_layers):
            if self._bidirectional:
                stack.add(BidirectionalCell(make('%sl%d_' % (self._prefix, i)),
                                            make('%sr%d_' % (self._prefix, i)),
                                            output_prefix='%sbi_l%d_' % (self._prefix, i)))
            else:
                stack.add(make('%sl%d_' % (self._prefix, i)))
            if self._dropout > 0 and i != self._num_layers - 1:
                stack.add(DropoutCell(self._dropout, prefix='%s_dropout%d_' % (self._prefix, i)))
        return stack
