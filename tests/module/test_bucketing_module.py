"""mx.mod.BucketingModule: training against real MXNet 1.9.1, sharing, checkpoints, errors."""
import logging
import os

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.test_utils import assert_almost_equal

import module_builders as mb

DATA = os.path.join(os.path.dirname(__file__), '..', 'data')
G = np.load(os.path.join(DATA, 'golden_bucketing.npz'))
TOL = dict(rtol=1e-5, atol=1e-5)


def _init():
    return mx.nd.load(os.path.join(DATA, 'bucketing_init.params'))


def _bound(for_training=True, inputs_need_grad=False):
    mod = mx.mod.BucketingModule(mb.rnn_sym_gen(mx), default_bucket_key=mb.DEFAULT_BUCKET)
    mod.bind(data_shapes=[('data', (mb.BATCH, mb.DEFAULT_BUCKET))],
             label_shapes=[('softmax_label', (mb.BATCH,))], for_training=for_training,
             inputs_need_grad=inputs_need_grad)
    mod.init_params(arg_params=_init())
    return mod


def test_training_steps_over_buckets_match_mxnet():
    mod = _bound()
    mod.init_optimizer(optimizer='sgd', optimizer_params=mb.OPT_PARAMS)
    metric = mx.metric.Accuracy()
    keys = []
    for step, batch in enumerate(mb.bucket_iter(mx)):
        mod.forward(batch, is_train=True)
        mod.backward()
        mod.update()
        mod.update_metric(metric, batch.label)
        keys.append(mod._curr_bucket_key)
        assert mod.data_shapes[0].shape == (mb.BATCH, batch.bucket_key)
        assert_almost_equal(mod.get_outputs()[0].asnumpy(), G['step%d:out' % step], **TOL)
        arg, _ = mod.get_params()
        assert sorted(arg) == sorted(k[len('step0:arg:'):] for k in G.files
                                     if k.startswith('step0:arg:'))
        for k, v in arg.items():
            assert_almost_equal(v.asnumpy(), G['step%d:arg:%s' % (step, k)], **TOL,
                                names=('mxlite %s step %d' % (k, step), 'mxnet'))
    assert keys == list(mb.BATCH_KEYS)
    assert sorted(mod._buckets) == sorted(mb.BUCKETS)
    assert metric.get()[1] == pytest.approx(float(G['metric']))


def test_fit_predict_score_match_mxnet():
    mod = mx.mod.BucketingModule(mb.rnn_sym_gen(mx), default_bucket_key=mb.DEFAULT_BUCKET)
    it = mb.bucket_iter(mx)
    mod.fit(it, num_epoch=2, arg_params=_init(), optimizer='sgd',
            optimizer_params=mb.OPT_PARAMS, eval_metric='acc')
    arg, _ = mod.get_params()
    for k, v in arg.items():
        assert_almost_equal(v.asnumpy(), G['fit:arg:%s' % k], **TOL, names=('mxlite ' + k, 'mxnet'))
    assert_almost_equal(mod.predict(it).asnumpy(), G['fit:predict'], **TOL)
    assert mod.score(it, 'acc')[0][1] == pytest.approx(float(G['fit:score']))


def test_buckets_share_parameters_gradients_and_optimizer():
    mod = _bound()
    mod.init_optimizer(optimizer='sgd', optimizer_params=mb.OPT_PARAMS)
    mod.switch_bucket(2, [('data', (mb.BATCH, 2))], [('softmax_label', (mb.BATCH,))])
    default, small = mod._buckets[mb.DEFAULT_BUCKET], mod._buckets[2]
    d_exec, s_exec = default._exec_group.execs[0], small._exec_group.execs[0]
    for name in default._param_names:
        assert s_exec.arg_dict[name] is d_exec.arg_dict[name]
        assert s_exec.grad_dict[name] is d_exec.grad_dict[name]
    assert small._updater is default._updater
    assert small._optimizer is default._optimizer
    assert small._arg_params is default._arg_params


def test_properties_follow_the_current_bucket():
    mod = mx.mod.BucketingModule(mb.rnn_sym_gen(mx), default_bucket_key=mb.DEFAULT_BUCKET)
    assert list(mod.data_names) == ['data']
    assert mod.output_names == ['softmax_output']
    mod.bind(data_shapes=[('data', (mb.BATCH, 5))], label_shapes=[('softmax_label', (mb.BATCH,))])
    mod.init_params(arg_params=_init())
    assert mod.output_shapes == [('softmax_output', (mb.BATCH, mb.CLASSES))]
    mod.switch_bucket(3, [('data', (mb.BATCH, 3))], [('softmax_label', (mb.BATCH,))])
    assert mod.data_shapes[0].shape == (mb.BATCH, 3)
    assert mod.label_shapes[0].shape == (mb.BATCH,)
    assert 't2_h_output' in mod.symbol.get_internals().list_outputs()
    assert 't3_h_output' not in mod.symbol.get_internals().list_outputs()


def test_prepare_keeps_the_current_bucket():
    mod = _bound()
    batch = next(iter(mb.bucket_iter(mx)))
    batch.bucket_key = 3
    batch.provide_data = [mx.io.DataDesc('data', (mb.BATCH, 3))]
    mod.prepare(batch)
    assert mod._curr_bucket_key == mb.DEFAULT_BUCKET
    assert 3 in mod._buckets


def test_input_grads_and_inference_binding():
    mod = _bound(inputs_need_grad=True)
    batch = next(iter(mb.bucket_iter(mx)))
    mod.forward_backward(batch)
    assert mod.get_input_grads()[0].shape == (mb.BATCH, mb.DEFAULT_BUCKET)
    infer = _bound(for_training=False)
    for batch in mb.bucket_iter(mx):
        infer.forward(batch)
        assert infer.get_outputs()[0].shape == (mb.BATCH, mb.CLASSES)
    assert not infer._buckets[2].for_training


def test_checkpoint_roundtrip(tmp_path):
    mod = _bound()
    mod.switch_bucket(3, [('data', (mb.BATCH, 3))], [('softmax_label', (mb.BATCH,))])
    prefix = str(tmp_path / 'rnn')
    mod.save_checkpoint(prefix, 2)
    names = sorted(os.listdir(tmp_path))
    # as MXNet 1.9.1: one symbol file per bound bucket, the params, and the bucket keys
    assert names == ['rnn-0002.params', 'rnn-3-symbol.json', 'rnn-5-symbol.json', 'rnn.buckets']
    assert sorted(mx.nd.load(prefix + '.buckets')[0].asnumpy().tolist()) == [3, 5]
    sym3 = mx.sym.load(prefix + '-3-symbol.json')
    assert sym3.list_arguments() == mb.rnn_sym_gen(mx)(3)[0].list_arguments()
    loaded = mx.mod.BucketingModule.load(prefix, 2, sym_gen=mb.rnn_sym_gen(mx),
                                         default_bucket_key=mb.DEFAULT_BUCKET)
    assert loaded.params_initialized
    loaded.bind(data_shapes=[('data', (mb.BATCH, 5))],
                label_shapes=[('softmax_label', (mb.BATCH,))])
    arg, _ = loaded.get_params()
    for k, v in _init().items():
        assert_almost_equal(arg[k].asnumpy(), v.asnumpy())


def test_force_rebind_keeps_parameters():
    mod = _bound()
    mod.init_optimizer(optimizer='sgd', optimizer_params=mb.OPT_PARAMS)
    for batch in mb.bucket_iter(mx):
        mod.forward_backward(batch)
        mod.update()
    before = {k: v.asnumpy().copy() for k, v in mod.get_params()[0].items()}
    mod.bind(data_shapes=[('data', (mb.BATCH, 5))], label_shapes=[('softmax_label', (mb.BATCH,))],
             force_rebind=True)
    assert list(mod._buckets) == [mb.DEFAULT_BUCKET]
    for k, v in mod.get_params()[0].items():
        assert_almost_equal(v.asnumpy(), before[k])


# -- errors -------------------------------------------------------------------------------
def test_missing_default_bucket_key():
    with pytest.raises(MXNetError, match='default_bucket_key is required'):
        mx.mod.BucketingModule(mb.rnn_sym_gen(mx))


def test_sym_gen_must_return_a_triple():
    with pytest.raises(MXNetError, match=r'sym_gen\(5\) must return \(symbol, data_names'):
        mx.mod.BucketingModule(lambda key: mx.sym.var('data'), default_bucket_key=5)


def test_bad_data_name():
    def sym_gen(key):
        sym, _, labels = mb.rnn_sym_gen(mx)(key)
        return sym, ('tokens',), labels
    with pytest.raises(MXNetError, match="data name 'tokens' is not an argument"):
        mx.mod.BucketingModule(sym_gen, default_bucket_key=5)


def test_switch_bucket_before_bind():
    mod = mx.mod.BucketingModule(mb.rnn_sym_gen(mx), default_bucket_key=5)
    with pytest.raises(MXNetError, match=r'call bind\(\) before switching to bucket 3'):
        mod.switch_bucket(3, [('data', (mb.BATCH, 3))])


def test_forward_before_bind():
    mod = mx.mod.BucketingModule(mb.rnn_sym_gen(mx), default_bucket_key=5)
    batch = next(iter(mb.bucket_iter(mx)))
    with pytest.raises(MXNetError, match=r'forward: the module is not bound; call bind'):
        mod.forward(batch)
    mod.bind(data_shapes=[('data', (mb.BATCH, 5))], label_shapes=[('softmax_label', (mb.BATCH,))])
    with pytest.raises(MXNetError, match=r'forward: parameters are not initialised'):
        mod.forward(batch)


def test_update_before_init_optimizer():
    mod = _bound()
    mod.forward_backward(next(iter(mb.bucket_iter(mx))))
    with pytest.raises(MXNetError, match=r'call init_optimizer\(\) first'):
        mod.update()


def test_unknown_bucket_without_provide_data():
    mod = _bound()
    batch = mx.io.DataBatch([mx.nd.zeros((mb.BATCH, 3))], [mx.nd.zeros((mb.BATCH,))],
                            bucket_key=3)
    with pytest.raises(MXNetError, match=r'bucket_key 3 has no provide_data'):
        mod.forward(batch)


def test_parameter_shape_differs_between_buckets():
    def sym_gen(key):
        data = mx.sym.var('data')
        fc = mx.sym.FullyConnected(mx.sym.Embedding(data, input_dim=10, output_dim=4,
                                                    name='embed'),
                                   num_hidden=key, name='fc')  # wrong: width depends on key
        return mx.sym.SoftmaxOutput(fc, name='softmax'), ('data',), ('softmax_label',)
    mod = mx.mod.BucketingModule(sym_gen, default_bucket_key=5)
    mod.bind(data_shapes=[('data', (2, 5))], label_shapes=[('softmax_label', (2,))])
    mod.init_params()
    with pytest.raises(MXNetError, match=r"sym_gen\(3\) gives parameter 'fc_weight' the shape "
                                         r"\(3, 20\) but the default bucket 5 has \(5, 20\)"):
        mod.switch_bucket(3, [('data', (2, 5))], [('softmax_label', (2,))])


def test_parameter_missing_from_default_bucket():
    def sym_gen(key):
        data = mx.sym.var('data')
        net = mx.sym.FullyConnected(data, num_hidden=4, name='fc')
        if key > 5:
            net = mx.sym.FullyConnected(net, num_hidden=4, name='extra')
        return mx.sym.SoftmaxOutput(net, name='softmax'), ('data',), ('softmax_label',)
    mod = mx.mod.BucketingModule(sym_gen, default_bucket_key=5)
    mod.bind(data_shapes=[('data', (2, 5))], label_shapes=[('softmax_label', (2,))])
    mod.init_params()
    with pytest.raises(MXNetError, match=r"sym_gen\(8\) has parameter 'extra_weight' that the "
                                         r"default bucket 5 does not have"):
        mod.switch_bucket(8, [('data', (2, 5))], [('softmax_label', (2,))])


def test_shared_module_is_refused():
    mod = _bound()
    other = mx.mod.BucketingModule(mb.rnn_sym_gen(mx), default_bucket_key=5)
    with pytest.raises(MXNetError, match='shared_module is not supported'):
        other.bind(data_shapes=[('data', (mb.BATCH, 5))], shared_module=mod)


def test_rebind_warns(caplog):
    mod = _bound()
    with caplog.at_level(logging.WARNING):
        mod.bind(data_shapes=[('data', (mb.BATCH, 5))])
    assert 'Already bound, ignoring bind()' in caplog.text


def test_load_needs_sym_gen(tmp_path):
    with pytest.raises(MXNetError, match='sym_gen is required'):
        mx.mod.BucketingModule.load(str(tmp_path / 'x'), 1, default_bucket_key=5)


def test_two_contexts_match_mxnet_single_context():
    # batches split over two CPU contexts, updates through a local kvstore: same numbers
    mod = mx.mod.BucketingModule(mb.rnn_sym_gen(mx), default_bucket_key=mb.DEFAULT_BUCKET,
                                 context=[mx.cpu(0), mx.cpu(1)])
    mod.bind(data_shapes=[('data', (mb.BATCH, 5))], label_shapes=[('softmax_label', (mb.BATCH,))])
    mod.init_params(arg_params=_init())
    mod.init_optimizer(optimizer='sgd', optimizer_params=mb.OPT_PARAMS)
    for step, batch in enumerate(mb.bucket_iter(mx)):
        mod.forward_backward(batch)
        mod.update()
    arg, _ = mod.get_params()
    for k, v in arg.items():
        assert_almost_equal(v.asnumpy(), G['step%d:arg:%s' % (step, k)], **TOL)


def test_fixed_param_names_apply_to_every_bucket():
    mod = mx.mod.BucketingModule(mb.rnn_sym_gen(mx), default_bucket_key=mb.DEFAULT_BUCKET,
                                 fixed_param_names=['embed_weight'])
    mod.bind(data_shapes=[('data', (mb.BATCH, 5))], label_shapes=[('softmax_label', (mb.BATCH,))])
    mod.init_params(arg_params=_init())
    mod.init_optimizer(optimizer='sgd', optimizer_params=mb.OPT_PARAMS)
    for batch in mb.bucket_iter(mx):
        mod.forward_backward(batch)
        mod.update()
    arg, _ = mod.get_params()
    assert_almost_equal(arg['embed_weight'].asnumpy(), _init()['embed_weight'].asnumpy())
    assert not np.allclose(arg['cls_weight'].asnumpy(), _init()['cls_weight'].asnumpy())


def test_monitor_reaches_buckets_bound_later():
    mod = _bound()
    mon = mx.mon.Monitor(1, pattern='cls.*')
    mod.install_monitor(mon)
    batch = [b for b in mb.bucket_iter(mx) if b.bucket_key == 2][0]
    mon.tic()
    mod.forward(batch, is_train=False)
    names = [name for _, name, _ in mon.toc()]
    assert any(name.startswith('cls') for name in names)
