"""``gluon.rnn``: recurrent cells (RNN/LSTM/GRU and modifiers) and multi-layer RNN/LSTM/GRU.

Cells are HybridBlocks (one time step) and hybridize.  The layers run their
time loop on NDArrays (imperatively, with autograd); mxlite has no fused RNN
operator, so a layer cannot be traced into a Symbol.
"""
from .rnn_cell import (RecurrentCell, HybridRecurrentCell, RNNCell, LSTMCell, GRUCell,
                       SequentialRNNCell, HybridSequentialRNNCell, DropoutCell, ModifierCell,
                       ResidualCell, BidirectionalCell)
from .rnn_layer import RNN, LSTM, GRU

__all__ = ['RecurrentCell', 'HybridRecurrentCell', 'RNNCell', 'LSTMCell', 'GRUCell',
           'SequentialRNNCell', 'HybridSequentialRNNCell', 'DropoutCell', 'ModifierCell',
           'ResidualCell', 'BidirectionalCell', 'RNN', 'LSTM', 'GRU']
