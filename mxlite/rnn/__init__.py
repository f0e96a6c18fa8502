"""``mx.rnn``: MXNet 1.x's legacy symbolic RNN package (cells, bucketing sentence
iterator, RNN checkpoints)."""
from . import rnn_cell, io, rnn
from .rnn_cell import (RNNParams, BaseRNNCell, RNNCell, LSTMCell, GRUCell, FusedRNNCell,
                       SequentialRNNCell, DropoutCell, ModifierCell, ZoneoutCell, ResidualCell,
                       BidirectionalCell)
from .io import encode_sentences, BucketSentenceIter
from ..io import DataIter, DataBatch, DataDesc
from .rnn import rnn_unroll, save_rnn_checkpoint, load_rnn_checkpoint, do_rnn_checkpoint
