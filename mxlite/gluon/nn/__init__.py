"""``gluon.nn``: neural-network layers (MXNet 1.x names, defaults and reprs)."""
from .basic_layers import (Sequential, HybridSequential, Dense, Dropout, BatchNorm, InstanceNorm,
                           LayerNorm, Embedding, Flatten, Lambda, HybridLambda)
from .activations import Activation, LeakyReLU, PReLU, ELU, SELU, Swish, GELU
from .conv_layers import (Conv1D, Conv2D, Conv3D, Conv1DTranspose, Conv2DTranspose,
                          Conv3DTranspose, MaxPool1D, MaxPool2D, MaxPool3D, AvgPool1D, AvgPool2D,
                          AvgPool3D, GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D,
                          GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D, ReflectionPad2D)
from ..block import Block
from ..hybrid import HybridBlock
from ..symbol_block import SymbolBlock

__all__ = ['Sequential', 'HybridSequential', 'Dense', 'Dropout', 'BatchNorm', 'InstanceNorm',
           'LayerNorm', 'Embedding', 'Flatten', 'Lambda', 'HybridLambda', 'Activation',
           'LeakyReLU', 'PReLU', 'ELU', 'SELU', 'Swish', 'GELU', 'Conv1D', 'Conv2D', 'Conv3D',
           'Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose', 'MaxPool1D', 'MaxPool2D',
           'MaxPool3D', 'AvgPool1D', 'AvgPool2D', 'AvgPool3D', 'GlobalMaxPool1D',
           'GlobalMaxPool2D', 'GlobalMaxPool3D', 'GlobalAvgPool1D', 'GlobalAvgPool2D',
           'GlobalAvgPool3D', 'ReflectionPad2D', 'Block', 'HybridBlock', 'SymbolBlock']
