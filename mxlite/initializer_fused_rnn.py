"""``mx.init.FusedRNN``: initialise the flat parameter vector of a fused RNN layer.

The vector holds, as MXNet's fused RNN operator lays it out, first every
weight then every bias: for each layer and each direction (``l`` then
``r``), the input-to-hidden weights of each gate (``num_hidden`` rows each)
then the hidden-to-hidden ones; then, in the same order, the biases.  Gates
are ``i, f, c, o`` (LSTM), ``r, z, o`` (GRU), or one unnamed gate
(``rnn_tanh``/``rnn_relu``).  Each piece is initialised under its unfused
name (``l0_i2h_f_weight``, ``r1_h2h_o_bias``, ...) by ``init`` (or by the
global initialiser when ``init`` is None), and LSTM forget-gate biases are
set to ``forget_bias``.
"""
import json

import numpy as np

from .base import MXNetValueError
from .initializer import Initializer, InitDesc, register, create, _data

__all__ = ['FusedRNN']

_GATES = {'rnn_relu': ('',), 'rnn_tanh': ('',), 'lstm': ('i', 'f', 'c', 'o'),
          'gru': ('r', 'z', 'o')}


def fused_rnn_layout(size, num_hidden, num_layers, mode, bidirectional):
    """[(name, offset, shape)] of every piece of a flat parameter vector of ``size``."""
    if mode not in _GATES:
        raise MXNetValueError('FusedRNN: mode must be one of %s, got %r'
                              % (', '.join(sorted(_GATES)), mode))
    gates = _GATES[mode]
    g, h = len(gates), num_hidden
    dirs = ('l', 'r') if bidirectional else ('l',)
    d = len(dirs)
    upper = g * h * (h * d) + g * h * h + 2 * g * h       # one direction of layers >= 1
    first = size / d - (num_layers - 1) * upper - g * h * h - 2 * g * h
    input_size = first / (g * h)
    if input_size < 1 or input_size != int(input_size):
        raise MXNetValueError('FusedRNN: %d parameters do not fit a %s layer with num_hidden=%d, '
                              'num_layers=%d, bidirectional=%s' % (size, mode, num_hidden,
                                                                   num_layers, bidirectional))
    input_size = int(input_size)
    pieces = []
    offset = 0
    for layer in range(num_layers):
        inp = input_size if layer == 0 else h * d
        for dr in dirs:
            for conn, cols in (('i2h', inp), ('h2h', h)):
                for gate in gates:
                    name = '%s%d_%s%s_weight' % (dr, layer, conn, '_' + gate if gate else '')
                    pieces.append((name, offset, (h, cols)))
                    offset += h * cols
    for layer in range(num_layers):
        for dr in dirs:
            for conn in ('i2h', 'h2h'):
                for gate in gates:
                    name = '%s%d_%s%s_bias' % (dr, layer, conn, '_' + gate if gate else '')
                    pieces.append((name, offset, (h,)))
                    offset += h
    return pieces


@register
class FusedRNN(Initializer):
    """Initialise parameters for fused RNN layers.

    Parameters
    ----------
    init : Initializer, its dumps() string, or None
        Applied to the unpacked weights; None falls back to the global initialiser.
    num_hidden, num_layers, mode, bidirectional, forget_bias
        As given to the fused RNN layer.
    """

    def __init__(self, init, num_hidden, num_layers, mode, bidirectional=False,
                 forget_bias=1.0):
        if isinstance(init, str):
            klass, kwargs = json.loads(init)
            init = create(klass, **kwargs)
        super().__init__(init=init.dumps() if init is not None else None,
                         num_hidden=num_hidden, num_layers=num_layers, mode=mode,
                         bidirectional=bidirectional, forget_bias=forget_bias)
        if mode not in _GATES:
            raise MXNetValueError('FusedRNN: mode must be one of %s, got %r'
                                  % (', '.join(sorted(_GATES)), mode))
        self._init = init
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._forget_bias = forget_bias

    def _init_weight(self, desc, arr):
        from .ndarray.ndarray import NDArray
        flat = _data(arr).reshape(-1)
        pieces = fused_rnn_layout(flat.size, self._num_hidden, self._num_layers, self._mode,
                                  self._bidirectional)
        global_init = getattr(desc, 'global_init', None)
        for name, offset, shape in pieces:
            n = int(np.prod(shape))
            piece = NDArray(np.zeros(shape, flat.dtype), arr.context)
            if self._mode == 'lstm' and name.endswith('f_bias'):
                piece._data[...] = self._forget_bias
            elif self._init is None:
                if global_init is None:
                    raise MXNetValueError('FusedRNN: init is None and no global initializer '
                                          'was given for %s' % (desc,))
                global_init(InitDesc(name, global_init=global_init), piece)
            else:
                self._init(InitDesc(name, global_init=global_init), piece)
            flat[offset:offset + n] = piece._data.reshape(-1)
