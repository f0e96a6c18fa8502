"""Neural-network operator cases (plain data, see case_spec.py).

Goldens live in tests/data/golden_nn.npz; regenerate them with
    /tmp/mxref/bin/python tests/data/make_golden_ops.py tests/data/golden_nn.npz
"""
from case_spec import Case, U, Away, Distinct, Int, Val

GOLDEN = 'golden_nn.npz'
# float32 accumulation order differs from MXNet's (oneDNN) for the large sums
LOOSE = dict(rtol=1e-4, atol=1e-5)


def _nn(op, inputs, params=None, **kw):
    kw.setdefault('golden_file', GOLDEN)
    return Case(op, inputs, params, **kw)


def _conv_cases():
    c = []
    conv = lambda x, w, p, **kw: _nn('Convolution', x + w, p, **LOOSE, **kw)
    c.append(conv([U(2, 4, 5, 5)], [U(3, 4, 3, 3), U(3)], {'kernel': (3, 3), 'num_filter': 3}))
    c.append(conv([U(2, 4, 6, 5)], [U(3, 4, 3, 3), U(3)],
                  {'kernel': (3, 3), 'stride': (2, 2), 'pad': (1, 1), 'num_filter': 3}))
    c.append(conv([U(1, 5, 7, 7)], [U(3, 5, 3, 3)],
                  {'kernel': (3, 3), 'dilate': (2, 2), 'pad': (2, 1), 'num_filter': 3, 'no_bias': True}))
    c.append(conv([U(2, 4, 5, 5)], [U(6, 2, 3, 3), U(6)],
                  {'kernel': (3, 3), 'pad': (1, 1), 'num_filter': 6, 'num_group': 2}))
    c.append(conv([U(2, 3, 8)], [U(4, 3, 3), U(4)],
                  {'kernel': (3,), 'stride': (2,), 'pad': (1,), 'num_filter': 4}))
    c.append(conv([U(2, 3, 4, 4)], [U(5, 3, 1, 1), U(5)], {'kernel': (1, 1), 'num_filter': 5}))
    c.append(conv([U(2, 6, 3, 3)], [U(4, 3, 1, 1)],
                  {'kernel': (1, 1), 'num_filter': 4, 'num_group': 2, 'no_bias': True}))
    c.append(conv([U(2, 4, 5, 6)], [U(3, 4, 2, 3), U(3)],
                  {'kernel': (2, 3), 'stride': (1, 2), 'num_filter': 3}))
    # few taps per output: the direct kernel
    c.append(conv([U(2, 1, 6, 6)], [U(3, 1, 3, 3), U(3)], {'kernel': (3, 3), 'num_filter': 3}))
    c.append(conv([U(2, 2, 7, 6)], [U(2, 2, 3, 3), U(2)],
                  {'kernel': (3, 3), 'stride': (2, 2), 'pad': (1, 1), 'num_filter': 2}))
    c.append(conv([U(2, 2, 9)], [U(3, 2, 5)],
                  {'kernel': (5,), 'dilate': (2,), 'num_filter': 3, 'no_bias': True}))
    dec = lambda x, w, p, **kw: _nn('Deconvolution', x + w, p, **LOOSE, **kw)
    c.append(dec([U(2, 3, 4, 4)], [U(3, 2, 3, 3)], {'kernel': (3, 3), 'stride': (2, 2), 'num_filter': 2}))
    c.append(dec([U(2, 3, 3, 4)], [U(3, 2, 3, 3), U(2)],
                 {'kernel': (3, 3), 'stride': (2, 2), 'pad': (1, 1), 'adj': (1, 1), 'num_filter': 2,
                  'no_bias': False}))
    c.append(dec([U(1, 2, 4, 4)], [U(2, 3, 4, 4)],
                 {'kernel': (4, 4), 'stride': (2, 2), 'pad': (1, 1), 'target_shape': (8, 8),
                  'num_filter': 3}))
    c.append(dec([U(1, 4, 3, 3)], [U(4, 1, 3, 3)],
                 {'kernel': (3, 3), 'num_filter': 2, 'num_group': 2}))
    c.append(dec([U(2, 3, 5)], [U(3, 2, 3), U(2)],
                 {'kernel': (3,), 'stride': (2,), 'num_filter': 2, 'no_bias': False}))
    c.append(dec([U(1, 2, 3, 3)], [U(2, 2, 2, 2)],
                 {'kernel': (2, 2), 'dilate': (2, 2), 'num_filter': 2}))
    fc = lambda x, w, p, **kw: _nn('FullyConnected', x + w, p, **LOOSE, **kw)
    c.append(fc([U(3, 5)], [U(4, 5), U(4)], {'num_hidden': 4}))
    c.append(fc([U(2, 3, 4)], [U(6, 12), U(6)], {'num_hidden': 6}))
    c.append(fc([U(2, 3, 4)], [U(6, 4), U(6)], {'num_hidden': 6, 'flatten': False}))
    c.append(fc([U(3, 5)], [U(2, 5)], {'num_hidden': 2, 'no_bias': True}))
    return c


def _pool_cases():
    c = []
    x = Distinct(2, 3, 6, 6)
    pool = lambda x, p, **kw: _nn('Pooling', [x], p, **kw)
    c.append(pool(x, {'kernel': (2, 2), 'stride': (2, 2)}))
    c.append(pool(x, {'kernel': (3, 3), 'stride': (2, 2), 'pad': (1, 1)}))
    c.append(pool(x, {'kernel': (3, 3), 'stride': (2, 2), 'pooling_convention': 'full'}))
    c.append(pool(x, {'kernel': (3, 3), 'stride': (2, 2), 'pad': (1, 1), 'pool_type': 'avg'}))
    c.append(pool(x, {'kernel': (3, 3), 'stride': (2, 2), 'pad': (1, 1), 'pool_type': 'avg',
                      'count_include_pad': False}))
    c.append(pool(x, {'kernel': (2, 2), 'stride': (1, 1), 'pool_type': 'sum'}))
    c.append(pool(x, {'kernel': (2, 2), 'stride': (2, 2), 'pool_type': 'lp', 'p_value': 2}))
    c.append(pool(x, {'kernel': (2, 2), 'stride': (2, 2), 'pool_type': 'lp', 'p_value': 1}))
    c.append(pool(x, {'kernel': (3, 3), 'stride': (3, 3), 'pool_type': 'lp', 'p_value': 3}))
    c.append(pool(x, {'global_pool': True, 'pool_type': 'avg'}))
    c.append(pool(x, {'global_pool': True, 'kernel': (2, 2)}))
    c.append(pool(x, {'global_pool': True, 'pool_type': 'sum'}))
    y = Distinct(1, 2, 5, 5)
    for pt in ('avg', 'sum', 'max'):
        # max over an empty window is the lowest float: no finite differences through it
        c.append(pool(y, {'kernel': (3, 3), 'stride': (3, 3), 'pad': (1, 1), 'pool_type': pt,
                          'pooling_convention': 'full'}, fd=pt != 'max'))
    c.append(pool(y, {'kernel': (2, 2), 'stride': (2, 2), 'pool_type': 'avg',
                      'pooling_convention': 'full'}))
    c.append(pool(y, {'kernel': (3, 3), 'stride': (3, 3), 'pad': (1, 1), 'pool_type': 'avg',
                      'pooling_convention': 'full', 'count_include_pad': False}))
    z = Distinct(2, 3, 7)
    c.append(pool(z, {'kernel': (3,), 'stride': (2,)}))
    c.append(pool(z, {'kernel': (3,), 'stride': (2,), 'pad': (1,), 'pool_type': 'avg'}))
    c.append(pool(z, {'global_pool': True, 'pool_type': 'max'}))
    c.append(pool(Distinct(1, 2, 4, 5), {'kernel': (2, 3), 'stride': (1, 2), 'pad': (1, 1)}))
    return c


def _activation_cases():
    c = []
    for t in ('relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'):
        c.append(_nn('Activation', [Away(2, 3, 4)], {'act_type': t}))
    c.append(_nn('LeakyReLU', [Away(2, 3, 4)], {}))
    c.append(_nn('LeakyReLU', [Away(2, 3, 4)], {'act_type': 'leaky', 'slope': 0.1}))
    c.append(_nn('LeakyReLU', [Away(2, 3, 4)], {'act_type': 'elu', 'slope': 0.5}))
    # MXNet's selu gradient below 0 is lambda * (y + alpha), not the derivative: no FD check
    c.append(_nn('LeakyReLU', [Away(2, 3, 4)], {'act_type': 'selu'}, fd=False))
    c.append(_nn('LeakyReLU', [U(2, 3, 4, lo=-3, hi=3)], {'act_type': 'gelu'}))
    c.append(_nn('LeakyReLU', [Away(2, 3, 4), U(3, lo=0.1, hi=0.5)], {'act_type': 'prelu'}))
    c.append(_nn('LeakyReLU', [Away(2, 3, 2, 2), U(1, lo=0.1, hi=0.5)], {'act_type': 'prelu'}))
    x = U(2, 3, 4, lo=-2, hi=2)
    c.append(_nn('softmax', [x]))
    c.append(_nn('softmax', [x], {'axis': 1, 'temperature': 2.0}))
    c.append(_nn('softmax', [x], {'axis': 0, 'dtype': 'float64'}))
    c.append(_nn('softmax', [U(2, 5), Val([2, 4], 'int32')], {'use_length': True},
                 grad_inputs=[0]))
    c.append(_nn('log_softmax', [x]))
    c.append(_nn('log_softmax', [x], {'axis': 1, 'temperature': 0.5}))
    c.append(_nn('softmin', [x], {'axis': -2}))
    c.append(_nn('SoftmaxActivation', [U(3, 5, lo=-2, hi=2)]))
    c.append(_nn('SoftmaxActivation', [x], {'mode': 'channel'}))
    c.append(_nn('SoftmaxActivation', [U(2, 3, 2, 2)], {'mode': 'channel'}))
    return c


def _norm_cases():
    c = []
    bn = lambda x, p, **kw: _nn(
        'BatchNorm', [x, U(3, lo=0.5, hi=1.5), U(3), U(3, lo=-0.5, hi=0.5), U(3, lo=0.5, hi=2.0)], p,
        grad_inputs=[0, 1, 2], after=(1, 3, 4), rtol=1e-4, atol=1e-5, **kw)
    x = U(4, 3, 2, 2, lo=-2, hi=2)
    c.append(bn(x, {'fix_gamma': False}, train=True))
    c.append(bn(x, {}, train=True))
    c.append(bn(x, {'fix_gamma': False}, train=False))
    c.append(bn(x, {'fix_gamma': False, 'use_global_stats': True}, train=True))
    c.append(bn(x, {'fix_gamma': False, 'momentum': 0.7, 'eps': 1e-4}, train=True))
    c.append(bn(U(4, 2, 3, lo=-2, hi=2), {'fix_gamma': False, 'axis': -1}, train=True))
    c.append(bn(U(5, 3, lo=-2, hi=2), {'fix_gamma': False}, train=True))
    c.append(bn(U(3, 3, 4, lo=-2, hi=2), {'fix_gamma': False}, train=True))
    c.append(bn(x, {'fix_gamma': False, 'output_mean_var': True}, train=True, fd=False))
    c.append(bn(x, {'fix_gamma': False, 'output_mean_var': True}, train=False, fd=False))
    c.append(_nn('InstanceNorm', [U(2, 3, 4), U(3, lo=0.5, hi=1.5), U(3)], **LOOSE))
    c.append(_nn('InstanceNorm', [U(2, 3, 2, 3), U(3, lo=0.5, hi=1.5), U(3)], {'eps': 1e-2}, **LOOSE))
    c.append(_nn('LayerNorm', [U(2, 3, 4), U(4, lo=0.5, hi=1.5), U(4)], **LOOSE))
    c.append(_nn('LayerNorm', [U(2, 3, 4), U(3, lo=0.5, hi=1.5), U(3)], {'axis': 1, 'eps': 1e-3},
                 **LOOSE))
    c.append(_nn('LayerNorm', [U(3, 5), U(5, lo=0.5, hi=1.5), U(5)], {'output_mean_var': True},
                 fd=False, **LOOSE))
    c.append(_nn('LRN', [U(2, 5, 3, 3)], {'nsize': 3}, **LOOSE))
    c.append(_nn('LRN', [U(2, 4, 2, 3)], {'nsize': 5, 'alpha': 0.01, 'beta': 0.5, 'knorm': 1.0},
                 **LOOSE))
    return c


def _loss_cases():
    c = []
    d = U(4, 3, lo=-2, hi=2)
    lab = Val([0, 2, 1, -1])
    so = lambda x, l, p, **kw: _nn('SoftmaxOutput', [x, l], p, grad_inputs=[0], fd=False, **kw)
    c.append(so(d, Val([0, 2, 1, 1]), {}))
    c.append(so(d, lab, {'grad_scale': 2.0, 'normalization': 'batch'}))
    c.append(so(d, lab, {'use_ignore': True, 'normalization': 'valid'}))
    c.append(so(d, lab, {'normalization': 'valid'}))
    c.append(so(d, Val([2, 2, 1, 0]), {'ignore_label': 2, 'use_ignore': True}))
    c.append(so(d, Val([0, 2, 1, 1]), {'smooth_alpha': 0.1}))
    c.append(so(d, Val([0.6, 1.4, 2.5, 3.0]), {}))
    m = U(2, 3, 4, lo=-2, hi=2)
    c.append(so(m, Val([[0, 1, 2, 2], [1, 0, 2, 1]]), {'multi_output': True}))
    c.append(so(m, Val([[0, -1, 2, 2], [1, 0, -1, 1]]), {'multi_output': True, 'use_ignore': True,
                                                         'normalization': 'valid'}))
    c.append(so(m, Val([[0, -1, 2, 2], [1, 0, -1, 1]]), {'multi_output': True, 'normalization': 'batch'}))
    c.append(so(U(2, 3, 2, 2), Val([[[0, 1], [2, 2]], [[1, 0], [2, 1]]]), {'multi_output': True}))
    c.append(so(m, Val([[0, 1, 3], [1, -1, 2]]), {'preserve_shape': True, 'use_ignore': True,
                                                  'normalization': 'valid'}))
    c.append(so(m, Val([[0, 1, 3], [1, 2, 2]]), {'preserve_shape': True, 'normalization': 'batch'}))
    c.append(so(m, Val([[2, 1, 0], [5, 1, 0]]), {}))
    c.append(_nn('Softmax', [d, Val([0, 2, 1, 1])], grad_inputs=[0], fd=False))
    for op in ('LinearRegressionOutput', 'LogisticRegressionOutput', 'MAERegressionOutput'):
        c.append(_nn(op, [Away(4, 3), U(4, 3)], grad_inputs=[0], fd=False))
        c.append(_nn(op, [Away(3, 2, 2), U(3, 2, 2)], {'grad_scale': 2.0}, grad_inputs=[0], fd=False))
    c.append(_nn('LinearRegressionOutput', [U(4, 1), U(4)], grad_inputs=[0], fd=False))
    for p in ({}, {'grad_scale': 2.0}, {'normalization': 'batch'}, {'normalization': 'valid'},
              {'normalization': 'valid', 'valid_thresh': 0.5}):
        c.append(_nn('MakeLoss', [U(4, 3)], p, fd=False))
    c.append(_nn('make_loss', [U(4, 3)], fd=False))
    sl = Val([[-2.0, -0.8, -0.3, 0.1], [0.45, 0.9, 1.3, 3.0]])
    c.append(_nn('smooth_l1', [sl], {'scalar': 1.0}))
    c.append(_nn('smooth_l1', [sl], {'scalar': 2.0}))
    c.append(_nn('softmax_cross_entropy', [d, Val([0, 2, 1, 1])], grad_inputs=[0]))
    return c


def _misc_cases():
    c = []
    c.append(_nn('Dropout', [U(3, 4)], {'p': 0.5}, train=False))
    c.append(_nn('Dropout', [U(3, 4)], {'p': 0.0}, train=True))
    c.append(_nn('Dropout', [U(3, 4)], {'p': 0.3, 'axes': (0,)}, train=False))
    c.append(_nn('Embedding', [Val([[0, 2], [1, 3], [2, 2]]), U(4, 5)],
                 {'input_dim': 4, 'output_dim': 5}, grad_inputs=[1]))
    c.append(_nn('Embedding', [Val([3, 0, 3]), U(4, 2, dtype='float64')],
                 {'input_dim': 4, 'output_dim': 2, 'dtype': 'float64'}, grad_inputs=[1]))
    up = lambda xs, p, **kw: _nn('UpSampling', xs, p, **kw)
    c.append(up([U(1, 2, 3, 3)], {'scale': 2, 'sample_type': 'nearest'}))
    c.append(up([U(2, 1, 2, 3)], {'scale': 3, 'sample_type': 'nearest'}))
    c.append(up([U(1, 2, 2, 2), U(1, 3, 4, 4)], {'scale': 2, 'sample_type': 'nearest'}))
    c.append(up([U(1, 2, 2, 2), U(1, 2, 4, 4)], {'scale': 2, 'sample_type': 'nearest',
                                                'multi_input_mode': 'sum'}))
    c.append(up([U(1, 2, 3, 3), U(2, 1, 4, 4)], {'scale': 2, 'sample_type': 'bilinear',
                                                'num_filter': 2}, grad_inputs=[0, 1], **LOOSE))
    pad = lambda x, p: _nn('Pad', [x], p)
    c.append(pad(U(1, 2, 3, 4), {'mode': 'constant', 'pad_width': (0, 0, 0, 0, 1, 2, 2, 1),
                                 'constant_value': 0.5}))
    c.append(pad(U(2, 1, 3, 3), {'mode': 'edge', 'pad_width': (0, 0, 0, 0, 2, 1, 1, 2)}))
    c.append(pad(U(1, 2, 4, 3), {'mode': 'reflect', 'pad_width': (0, 0, 0, 0, 2, 1, 1, 2)}))
    c.append(pad(U(1, 1, 2, 3, 3), {'mode': 'constant', 'pad_width': (0, 0, 0, 0, 1, 0, 0, 1, 1, 1)}))
    c.append(pad(U(1, 1, 3, 3, 3), {'mode': 'edge', 'pad_width': (0, 0, 0, 0, 1, 1, 0, 2, 1, 0)}))
    c.append(_nn('pad', [U(1, 1, 3, 3)], {'mode': 'reflect', 'pad_width': (0, 0, 0, 0, 1, 1, 1, 1)}))
    c.append(_nn('Crop', [U(1, 2, 5, 6)], {'num_args': 1, 'offset': (1, 2), 'h_w': (3, 2)}))
    c.append(_nn('Crop', [U(1, 2, 5, 6)], {'num_args': 1, 'h_w': (2, 4), 'center_crop': True}))
    c.append(_nn('Crop', [U(1, 2, 5, 6), U(1, 1, 3, 3)], {'num_args': 2, 'offset': (1, 1)},
                 grad_inputs=[0]))
    c.append(_nn('Crop', [U(1, 2, 5, 6), U(1, 1, 2, 3)], {'num_args': 2, 'center_crop': True},
                 grad_inputs=[0]))
    c.append(_nn('ROIPooling', [Distinct(1, 2, 6, 6), Val([[0, 0, 0, 3, 3], [0, 1, 2, 5, 4]])],
                 {'pooled_size': (2, 2), 'spatial_scale': 1.0}, grad_inputs=[0]))
    c.append(_nn('ROIPooling', [Distinct(2, 1, 8, 8), Val([[1, 0, 0, 7, 7], [0, 2, 2, 9, 6]])],
                 {'pooled_size': (3, 2), 'spatial_scale': 0.5}, grad_inputs=[0]))
    c.append(_nn('Flatten', [U(2, 3, 2, 2)]))
    return c


def nn_cases():
    return _conv_cases() + _pool_cases() + _activation_cases() + _norm_cases() + _loss_cases() + \
        _misc_cases()
