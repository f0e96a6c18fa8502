"""Initializer golden cases as plain data, shared by mxlite's tests and the oracle.

``tests/data/make_golden_initializer.py`` runs them under MXNet 1.9.1;
``tests/initializer/test_initializer_golden.py`` replays them under mxlite.
"""
import zlib

import numpy as np

# names swept through init(InitDesc(name), arr) and the legacy init(name, arr)
NAMES = ['fc_weight', 'fc_bias', 'bn_gamma', 'bn_beta', 'bn_moving_mean', 'bn_moving_var',
         'bn_running_mean', 'bn_running_var', 'bn_moving_inv_var', 'bn_moving_avg', 'x_min',
         'x_max', 'b_bias_quantize', 'stn_loc_weight', 'stn_loc_bias', 'data', 'foo', 'weight',
         'bias', 'fcweight', 'fc_Weight', 'min', 'q_moving_mean_x', 'upsampling0_weight',
         'conv_beta', 'a_gamma_weight']

# (id, initializer JSON as dumps() writes it, name, shape, attrs)
DESC_CASES = [
    ('const_weight', '["constant", {"value": 7.0}]', 'fc_weight', (2, 4), None),
    ('one_bias_attr', '["constant", {"value": 7.0}]', 'fc_bias', (3,),
     {'__init__': '["one", {}]'}),
    ('attr_moving_mean', '["xavier", {}]', 'bn_moving_mean', (3,), {'__init__': '["zero", {}]'}),
    ('attr_moving_var', '["xavier", {}]', 'bn_moving_var', (3,), {'__init__': '["one", {}]'}),
    ('attr_const', '["zero", {}]', 'anything', (2, 2),
     {'__init__': '["constant", {"value": 2.5}]'}),
    ('attr_const_list', '["zero", {}]', 'w_weight', (2, 3),
     {'__init__': '["constant", {"value": [1.0, 2.0, 3.0]}]'}),
    ('attr_lstmbias', '["zero", {}]', 'lstm_i2h_bias', (8,),
     {'__init__': '["lstmbias", {"forget_bias": 2.0}]'}),
    ('attr_bilinear', '["zero", {}]', 'up_weight', (2, 1, 4, 4),
     {'__init__': '["bilinear", {}]'}),
    ('lstmbias_weight', '["lstmbias", {"forget_bias": 3.0}]', 'x_weight', (12,), None),
    ('lstmbias_odd', '["lstmbias", {}]', 'x_weight', (6,), None),
    ('bilinear_44', '["bilinear", {}]', 'd_weight', (1, 1, 4, 4), None),
    ('bilinear_55', '["bilinear", {}]', 'd_weight', (3, 1, 5, 5), None),
    ('bilinear_rect', '["bilinear", {}]', 'd_weight', (2, 2, 3, 6), None),
    ('bilinear_2', '["bilinear", {}]', 'd_weight', (1, 1, 2, 2), None),
    ('one_weight_int', '["one", {}]', 'w_weight', (2, 2), None),
    ('zeros_alias', '["zeros", {}]', 'w_weight', (2, 2), None),
    ('ones_alias', '["ones", {}]', 'w_gamma', (2, 2), None),
]

DUMPS = [
    ('xavier_default', 'Xavier', {}),
    ('xavier_custom', 'Xavier', {'rnd_type': 'gaussian', 'factor_type': 'in', 'magnitude': 2.34}),
    ('uniform', 'Uniform', {}),
    ('uniform_scale', 'Uniform', {'scale': 0.5}),
    ('normal', 'Normal', {'sigma': 0.2}),
    ('constant', 'Constant', {'value': 3}),
    ('zero', 'Zero', {}),
    ('one', 'One', {}),
    ('msraprelu', 'MSRAPrelu', {}),
    ('msraprelu_custom', 'MSRAPrelu', {'factor_type': 'in', 'slope': 0.1}),
    ('orthogonal', 'Orthogonal', {}),
    ('orthogonal_custom', 'Orthogonal', {'scale': 2.0, 'rand_type': 'normal'}),
    ('bilinear', 'Bilinear', {}),
    ('lstmbias', 'LSTMBias', {}),
    ('lstmbias_custom', 'LSTMBias', {'forget_bias': 0.5}),
]

# fused RNN layouts: (id, mode, num_layers, bidirectional, num_hidden, input_size, forget_bias)
FUSED = [
    ('lstm_1', 'lstm', 1, False, 2, 3, 2.5),
    ('gru_2_bi', 'gru', 2, True, 2, 3, 1.0),
    ('rnn_tanh_1', 'rnn_tanh', 1, False, 2, 1, 1.0),
    ('rnn_relu_2', 'rnn_relu', 2, False, 3, 2, 1.0),
    ('lstm_2_bi', 'lstm', 2, True, 3, 4, 0.5),
]

GATES = {'lstm': 4, 'gru': 3, 'rnn_tanh': 1, 'rnn_relu': 1}


def fused_size(mode, layers, bi, hidden, inp):
    g, d = GATES[mode], 2 if bi else 1
    size = 0
    for layer in range(layers):
        for _ in range(d):
            i = inp if layer == 0 else hidden * d
            size += g * hidden * i + g * hidden * hidden + 2 * g * hidden
    return size


def name_fill(name, shape):
    """Deterministic values that identify ``name`` (the NameFill initializer's weights)."""
    base = zlib.crc32(name.encode()) % 97
    return base + np.arange(int(np.prod(shape))).reshape(shape) / 1000.


def name_bias(name, shape):
    return np.full(shape, -(zlib.crc32(name.encode()) % 97), np.float64)
