"""Operator-level export checks: each mx operator form against onnxruntime, then re-imported."""
import numpy as np
import pytest

onnx = pytest.importorskip('onnx')
ort = pytest.importorskip('onnxruntime')

import mxlite as mx  # noqa: E402
import onnx_nets  # noqa: E402

D = mx.sym.var('data')
S = (2, 3, 4, 5)


def case(fn, shape=S, params=None, reimport=True):
    return fn, shape, params or {}, reimport


CASES = {
    'arith': case(lambda: ((D + 1.5) * D - 2.0 / (mx.sym.abs(D) + 1)) ** 2),
    'rscalar': case(lambda: mx.sym._internal._rminus_scalar(D, scalar=3.0) +
                    mx.sym._internal._rpower_scalar(mx.sym.clip(D, -1, 1), scalar=2.0)),
    'max_min': case(lambda: mx.sym._internal._maximum_scalar(D, scalar=0.2) +
                    mx.sym._internal._minimum_scalar(D, scalar=-0.1)),
    'unary': case(lambda: mx.sym.exp(mx.sym.sin(D)) + mx.sym.sqrt(mx.sym.abs(D)) +
                  mx.sym.log1p(mx.sym.square(D)) + mx.sym.rsqrt(mx.sym.abs(D) + 1) +
                  mx.sym.erf(D) + mx.sym.negative(mx.sym.floor(D)), reimport=False),
    'broadcast': case(lambda: mx.sym.broadcast_mul(D, mx.sym.var('w')) -
                      mx.sym.broadcast_div(D, mx.sym.var('w') + 3),
                      params={'w': np.random.RandomState(0).rand(1, 3, 1, 5) + 0.5}),
    'add_n_concat': case(lambda: mx.sym.Concat(mx.sym.add_n(D, D, D), D * 2, dim=2)),
    'reshape_codes': case(lambda: mx.sym.reshape(D, shape=(-3, -2)) +
                          mx.sym.reshape(mx.sym.reshape(D, shape=(0, -1)), shape=(6, 4, 5))),
    'transpose_swap': case(lambda: mx.sym.transpose(D, axes=(0, 2, 3, 1)).reshape((2, -1)) +
                           mx.sym.SwapAxis(D, dim1=1, dim2=3).reshape((2, -1))),
    'expand_squeeze': case(lambda: mx.sym.squeeze(mx.sym.expand_dims(D, axis=1), axis=1)),
    'slices': case(lambda: mx.sym.slice_axis(D, axis=3, begin=1, end=4) +
                   mx.sym.slice(D, begin=(None, None, 0, 1), end=(None, None, 4, 4))),
    'slice_step': case(lambda: mx.sym.slice(D, begin=(0, 2), end=(2, None), step=(1, -1)),
                       reimport=False),
    'split': case(lambda: mx.sym.Group(list(mx.sym.SliceChannel(D, num_outputs=3, axis=1,
                                                                squeeze_axis=True)))),
    'reduce': case(lambda: mx.sym.Group([mx.sym.sum(D, axis=(1, 3), keepdims=True),
                                         mx.sym.mean(D, axis=2), mx.sym.max(D, axis=1),
                                         mx.sym.sum(D, axis=1, exclude=True)])),
    'activations': case(lambda: mx.sym.Group([
        mx.sym.LeakyReLU(D, act_type='leaky', slope=0.3), mx.sym.LeakyReLU(D, act_type='elu'),
        mx.sym.LeakyReLU(D, act_type='selu'), mx.sym.LeakyReLU(D, act_type='gelu'),
        mx.sym.Activation(D, act_type='softrelu'), mx.sym.Activation(D, act_type='softsign'),
        mx.sym.relu(D), mx.sym.sigmoid(D), mx.sym.tanh(D)]), reimport=False),
    'prelu': case(lambda: mx.sym.LeakyReLU(D, act_type='prelu', name='pr'),
                  params={'pr_gamma': np.array([0.1, 0.2, 0.3])}),
    'softmaxes': case(lambda: mx.sym.Group([
        mx.sym.softmax(D, axis=1, temperature=2.0), mx.sym.log_softmax(D, axis=-1),
        mx.sym.SoftmaxActivation(D, mode='channel'), mx.sym.SoftmaxActivation(D),
        mx.sym.SoftmaxOutput(D, multi_output=True, name='so'),
        mx.sym.SoftmaxOutput(D, name='so2')]), reimport=False),
    'norms': case(lambda: mx.sym.Group([mx.sym.LRN(D, nsize=3, alpha=0.1, beta=0.6, knorm=1.5),
                                        mx.sym.BatchNorm(D, fix_gamma=True, name='bn')]),
                  params={'bn_gamma': np.full(3, 7.0), 'bn_beta': np.arange(3.0),
                          'bn_moving_mean': np.array([0.1, 0.2, 0.3]),
                          'bn_moving_var': np.array([1.0, 2.0, 0.5])}),
    'deconv': case(lambda: mx.sym.Deconvolution(D, kernel=(3, 3), stride=(2, 2), pad=(1, 1),
                                                adj=(1, 1), num_filter=4, name='dc'),
                   params={'dc_weight': np.random.RandomState(1).randn(3, 4, 3, 3)}),
    'conv_group_dilate': case(lambda: mx.sym.Convolution(D, kernel=(3, 3), dilate=(2, 1),
                                                         num_group=3, num_filter=6, pad=(2, 1),
                                                         name='cv'),
                              params={'cv_weight': np.random.RandomState(2).randn(6, 1, 3, 3),
                                      'cv_bias': np.arange(6.0)}),
    'fc_no_flatten': case(lambda: mx.sym.FullyConnected(D, num_hidden=3, flatten=False, name='fc'),
                          params={'fc_weight': np.random.RandomState(3).randn(3, 5),
                                  'fc_bias': np.ones(3)}),
    'pad_ops': case(lambda: mx.sym.Pad(D, mode='edge', pad_width=(0, 0, 0, 0, 1, 2, 2, 1)) +
                    mx.sym.Pad(D, mode='constant', constant_value=0.5,
                               pad_width=(0, 0, 0, 0, 1, 2, 2, 1))),
    'pool_lp_global': case(lambda: mx.sym.Group([
        mx.sym.Pooling(D, kernel=(2, 2), pool_type='lp', p_value=2),
        mx.sym.Pooling(D, global_pool=True, kernel=(1, 1), pool_type='max'),
        mx.sym.Pooling(D, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type='avg',
                       count_include_pad=False)])),
    'dots': case(lambda: mx.sym.batch_dot(D.reshape((6, 4, 5)), D.reshape((6, 4, 5)),
                                          transpose_b=True) +
                 mx.sym.dot(D.reshape((24, 5)), mx.sym.var('m'), transpose_b=True).reshape((6, 4, 4)),
                 params={'m': np.random.RandomState(4).randn(4, 5)}),
    'misc': case(lambda: mx.sym.Group([
        mx.sym.tile(D, reps=(1, 2, 1, 1)), mx.sym.broadcast_to(mx.sym.sum(D, axis=1, keepdims=True),
                                                               shape=S),
        mx.sym.where(D > 0, D, D * 0.1), mx.sym.argmax(D, axis=2), mx.sym.zeros_like(D) + 1,
        mx.sym.Cast(D, dtype='float16'), mx.sym.BlockGrad(D), mx.sym.identity(D)]),
        reimport=False),
    'embedding': case(lambda: mx.sym.Embedding(mx.sym.var('data'), input_dim=7, output_dim=3,
                                               name='emb'),
                      shape=(2, 4), params={'emb_weight': np.random.RandomState(5).randn(7, 3)}),
}


@pytest.mark.parametrize('name', sorted(CASES))
def test_operator(tmp_path, name):
    build, shape, params, reimport = CASES[name]
    sym = build()
    params = {k: mx.nd.array(np.asarray(v, np.float32)) for k, v in params.items()}
    rng = np.random.RandomState(7)
    x = rng.randint(0, 7, shape).astype(np.float32) if name == 'embedding' else \
        rng.standard_normal(shape).astype(np.float32)
    args = {k: v for k, v in params.items() if k in sym.list_arguments()}
    aux = {k: v for k, v in params.items() if k in sym.list_auxiliary_states()}
    expect = onnx_nets.mx_forward(sym, args, aux, {'data': x})
    path = mx.onnx.export_model(sym, params, [shape], np.float32, str(tmp_path / 'op.onnx'))
    sess = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    got = sess.run(None, {'data': x})
    assert len(got) == len(expect)
    for g, e in zip(got, expect):
        assert g.shape == e.shape
        np.testing.assert_allclose(g.astype(np.float32), e.astype(np.float32), rtol=1e-3, atol=1e-5)
    if reimport:
        sym2, args2, aux2 = mx.contrib.onnx.import_model(path)
        back = onnx_nets.mx_forward(sym2, args2, aux2, {'data': x})
        for b, e in zip(back, expect):
            np.testing.assert_allclose(b, e, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize('pool_type, cip', [('max', None), ('avg', None), ('avg', False)])
@pytest.mark.parametrize('size, k, s, p', [(5, 3, 3, 1), (7, 3, 2, 1), (8, 3, 3, 1), (4, 3, 3, 2)])
def test_full_pooling_windows_in_padding(tmp_path, pool_type, cip, size, k, s, p):
    """mx 'full' keeps windows that start in the end padding; ONNX's ceil_mode drops them."""
    kw = {} if cip is None else {'count_include_pad': cip}
    sym = mx.sym.Pooling(D, kernel=(k, k), stride=(s, s), pad=(p, p), pool_type=pool_type,
                         pooling_convention='full', name='p', **kw)
    x = np.random.RandomState(size).standard_normal((1, 2, size, size + 1)).astype(np.float32)
    (expect,) = onnx_nets.mx_forward(sym, {}, {}, {'data': x})
    path = mx.onnx.export_model(sym, {}, [x.shape], np.float32, str(tmp_path / 'p.onnx'))
    (got,) = ort.InferenceSession(path, providers=['CPUExecutionProvider']).run(None, {'data': x})
    np.testing.assert_allclose(got, expect, rtol=1e-5, atol=1e-6)
    sym2, args2, aux2 = mx.contrib.onnx.import_model(path)
    np.testing.assert_allclose(onnx_nets.mx_forward(sym2, args2, aux2, {'data': x})[0], expect,
                               rtol=1e-5, atol=1e-6)
