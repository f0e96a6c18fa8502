"""``gluon.rnn``: recurrent cells (RNN/LSTM/GRU and modifiers) and multi-layer RNN/LSTM/GRU.

Cells are HybridBlocks (one time step).  The layers run MXNet's fused ``RNN``
operator on one flattened parameter vector, as MXNet does: they hybridize,
and export the same graph and parameter file as MXNet 1.9.1.
"""
from .rnn_cell import (RecurrentCell, HybridRecurrentCell, RNNCell, LSTMCell, GRUCell,
                       SequentialRNNCell, HybridSequentialRNNCell, DropoutCell, ModifierCell,
                       ResidualCell, BidirectionalCell)
from .rnn_layer import RNN, LSTM, GRU

__all__ = ['RecurrentCell', 'HybridRecurrentCell', 'RNNCell', 'LSTMCell', 'GRUCell',
           'SequentialRNNCell', 'HybridSequentialRNNCell', 'DropoutCell', 'ModifierCell',
           'ResidualCell', 'BidirectionalCell', 'RNN', 'LSTM', 'GRU']
