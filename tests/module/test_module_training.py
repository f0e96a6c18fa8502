"""Module.fit end to end on the embedded digits, resuming, logging, guards, contexts."""
import logging
import re

import numpy as np
import pytest

import mxlite as mx
from mxlite.test_utils import get_digits, assert_almost_equal


def convnet():
    data = mx.sym.Variable('data')
    net = mx.sym.Convolution(data, kernel=(5, 5), num_filter=8, name='conv1')
    net = mx.sym.Activation(net, act_type='relu')
    net = mx.sym.Pooling(net, pool_type='max', kernel=(2, 2), stride=(2, 2))
    net = mx.sym.Convolution(net, kernel=(3, 3), num_filter=16, name='conv2')
    net = mx.sym.Activation(net, act_type='relu')
    net = mx.sym.Pooling(net, pool_type='max', kernel=(2, 2), stride=(2, 2))
    net = mx.sym.FullyConnected(mx.sym.Flatten(net), num_hidden=10, name='fc')
    return mx.sym.SoftmaxOutput(net, name='softmax')


def mlp(hidden=32):
    data = mx.sym.Variable('data')
    net = mx.sym.FullyConnected(mx.sym.Flatten(data), num_hidden=hidden, name='fc1')
    net = mx.sym.Activation(net, act_type='relu')
    net = mx.sym.FullyConnected(net, num_hidden=10, name='fc2')
    return mx.sym.SoftmaxOutput(net, name='softmax')


@pytest.fixture(scope='module')
def digits():
    return get_digits()


def iters(d, batch=64, shuffle=True):
    train = mx.io.NDArrayIter(d['train_data'], d['train_label'], batch, shuffle=shuffle)
    val = mx.io.NDArrayIter(d['test_data'], d['test_label'], batch)
    return train, val


def test_fit_conv_net_on_digits_checkpoint_reload_predict(digits, tmp_path):
    mx.random.seed(1)
    np.random.seed(1)
    train, val = iters(digits, batch=32)
    mod = mx.mod.Module(convnet())
    prefix = str(tmp_path / 'digits')
    mod.fit(train, eval_data=val, num_epoch=8, optimizer='adam',
            optimizer_params={'learning_rate': 0.003},
            initializer=mx.init.Xavier(), epoch_end_callback=mx.callback.do_checkpoint(prefix))
    acc = dict(mod.score(val, 'acc'))['accuracy']
    assert acc >= 0.95, acc
    pred = mod.predict(val).asnumpy()
    loaded = mx.mod.Module.load(prefix, 8)
    loaded.bind(data_shapes=val.provide_data, label_shapes=val.provide_label, for_training=False)
    assert_almost_equal(loaded.predict(val).asnumpy(), pred, rtol=1e-5, atol=1e-6)
    assert pred.shape == (len(digits['test_label']), 10)


def test_fit_logs_mxnet_lines_and_the_loss(digits, caplog):
    train, val = iters(digits, batch=100)
    mod = mx.mod.Module(mlp())
    with caplog.at_level(logging.INFO):
        logging.getLogger().addHandler(logging.NullHandler())
        mod.fit(train, eval_data=val, num_epoch=1, optimizer_params={'learning_rate': 0.1},
                batch_end_callback=mx.callback.Speedometer(100, 5))
    text = caplog.text
    assert re.search(r'Epoch\[0\] Batch \[0-5\]\tSpeed: [\d.]+ samples/sec\taccuracy=[\d.]+\t'
                     r'loss=[\d.]+', text), text
    assert re.search(r'Epoch\[0\] Train-accuracy=[\d.]+', text)
    assert re.search(r'Epoch\[0\] Train-loss=[\d.]+', text)
    assert re.search(r'Epoch\[0\] Time cost=[\d.]+', text)
    assert re.search(r'Epoch\[0\] Validation-accuracy=[\d.]+', text)


def test_fit_is_visible_without_logging_configured(digits, capfd):
    root = logging.getLogger()
    saved = root.handlers[:]
    root.handlers = []
    try:
        train, _ = iters(digits, batch=200)
        mx.mod.Module(mlp()).fit(train, num_epoch=1)
    finally:
        root.handlers = saved
    err = capfd.readouterr().err
    assert 'Epoch[0] Train-accuracy=' in err and 'Epoch[0] Time cost=' in err


def test_nan_is_reported_and_can_stop_training(digits, caplog):
    x = digits['train_data'][:400].copy()
    x[250, 0, 10, 10] = np.nan                  # a corrupt sample in batch 2
    train = mx.io.NDArrayIter(x, digits['train_label'][:400], 100)
    mod = mx.mod.Module(mlp())
    with caplog.at_level(logging.WARNING):
        logging.getLogger().addHandler(logging.NullHandler())
        mod.fit(train, num_epoch=1, optimizer_params={'learning_rate': 0.5},
                initializer=mx.init.Xavier())
    # relu maps NaN to 0 (as MXNet's does), so the NaN shows in fc1's weight gradient
    assert re.search(r'(loss is nan|the gradient of fc1_weight has NaN/inf values) at epoch 0 '
                     r'batch 2: the learning rate 0.5 may be too high', caplog.text), caplog.text
    mod2 = mx.mod.Module(mlp())
    with pytest.raises(mx.mod.NonFiniteError, match='last finite values'):
        mod2.fit(train, num_epoch=1, optimizer_params={'learning_rate': 0.5},
                 initializer=mx.init.Xavier(), on_nan='stop')
    arg, _ = mod2.get_params()
    assert all(np.isfinite(v.asnumpy()).all() for v in arg.values())


def test_exploding_parameters_are_reported(digits, caplog):
    train, _ = iters(digits, batch=100)
    mod = mx.mod.Module(mlp())
    with caplog.at_level(logging.WARNING):
        logging.getLogger().addHandler(logging.NullHandler())
        mod.fit(train, num_epoch=1, optimizer_params={'learning_rate': 1e38},
                initializer=mx.init.Xavier())
    assert re.search(r'(parameter \w+ became NaN/inf in the update|loss is (nan|inf)|gradient of '
                     r'\w+ has NaN/inf values) at epoch 0 batch \d+: the learning rate 1e\+38',
                     caplog.text), caplog.text


def test_resume_with_optimizer_states_reproduces_uninterrupted_run(digits, tmp_path):
    def run(epochs, begin=0, arg=None, aux=None, states=None, save=None):
        train = mx.io.NDArrayIter(digits['train_data'][:512], digits['train_label'][:512], 64)
        mod = mx.mod.Module(mlp())
        mod.bind(train.provide_data, train.provide_label)
        mod.init_params(mx.init.Xavier(), arg_params=arg, aux_params=aux)
        mod.init_optimizer(optimizer='sgd', optimizer_params={'learning_rate': 0.05,
                                                              'momentum': 0.9})
        if states:
            mod.load_optimizer_states(states)
        mod.fit(train, num_epoch=epochs, begin_epoch=begin)
        if save:
            mod.save_checkpoint(save, epochs, save_optimizer_states=True)
        return mod.get_params()[0]
    mx.random.seed(3)
    full = run(4)
    init_arg = None
    mx.random.seed(3)
    prefix = str(tmp_path / 'r')
    run(2, save=prefix)
    _, arg, aux = mx.model.load_checkpoint(prefix, 2)
    resumed = run(4, begin=2, arg=arg, aux=aux, states='%s-0002.states' % prefix)
    for k in full:
        assert_almost_equal(resumed[k].asnumpy(), full[k].asnumpy(), rtol=1e-5, atol=1e-6)
    del init_arg


def test_two_contexts_match_one(digits):
    def train(ctx):
        mx.random.seed(5)
        it = mx.io.NDArrayIter(digits['train_data'][:256], digits['train_label'][:256], 64)
        mod = mx.mod.Module(mlp(), context=ctx)
        mod.fit(it, num_epoch=2, initializer=mx.init.Xavier(),
                optimizer_params={'learning_rate': 0.1, 'momentum': 0.9})
        return mod.get_params()[0]
    a = train(mx.cpu(0))
    b = train([mx.cpu(0), mx.cpu(1)])
    for k in a:
        assert_almost_equal(a[k].asnumpy(), b[k].asnumpy(), rtol=1e-4, atol=1e-5)


def test_fixed_params_and_lr_mult_zero_freeze(digits):
    it = mx.io.NDArrayIter(digits['train_data'][:128], digits['train_label'][:128], 64)
    mod = mx.mod.Module(mlp(), fixed_param_names=['fc1_weight'])
    mod.fit(it, num_epoch=1, initializer=mx.init.Xavier())
    before = mod.get_params()[0]['fc1_weight'].asnumpy().copy()
    mod.fit(it, num_epoch=2, begin_epoch=1)
    assert (mod.get_params()[0]['fc1_weight'].asnumpy() == before).all()
    data = mx.sym.Variable('data')
    w = mx.sym.Variable('fc1_weight', lr_mult=0.0)
    net = mx.sym.FullyConnected(mx.sym.Flatten(data), weight=w, num_hidden=10, name='fc1')
    net = mx.sym.SoftmaxOutput(net, name='softmax')
    mod2 = mx.mod.Module(net)
    mod2.bind(it.provide_data, it.provide_label)
    mod2.init_params(mx.init.Xavier())
    w0 = mod2.get_params()[0]['fc1_weight'].asnumpy().copy()
    mod2.fit(it, num_epoch=1)
    assert (mod2.get_params()[0]['fc1_weight'].asnumpy() == w0).all()
    assert not (mod2.get_params()[0]['fc1_bias'].asnumpy() == 0).all()


def test_module_api_errors():
    with pytest.raises(mx.MXNetError, match="data name 'x' is not an argument"):
        mx.mod.Module(mlp(), data_names=['x'])
    mod = mx.mod.Module(mlp())
    with pytest.raises(mx.MXNetError, match='call bind'):
        mod.get_params()
    mod.bind([('data', (4, 1, 28, 28))], [('softmax_label', (4,))])
    with pytest.raises(mx.MXNetError, match='call init_params'):
        mod.forward(mx.io.DataBatch([mx.nd.ones((4, 1, 28, 28))], [mx.nd.ones((4,))]))
    mod.init_params()
    with pytest.raises(mx.MXNetError, match='call init_optimizer'):
        mod.update()
    with pytest.raises(mx.MXNetError, match='num_epoch'):
        mod.fit(mx.io.NDArrayIter(np.ones((4, 1, 28, 28)), np.ones(4), 4))


def test_forward_reshapes_for_a_new_batch_size(digits):
    mod = mx.mod.Module(mlp())
    mod.bind([('data', (8, 1, 28, 28))], [('softmax_label', (8,))], for_training=False)
    mod.init_params()
    batch = mx.io.DataBatch([mx.nd.array(digits['test_data'][:5])], None)
    mod.forward(batch)
    assert mod.get_outputs()[0].shape == (5, 10)


def test_feedforward_legacy_api(digits, tmp_path):
    X = digits['train_data'][:600]
    y = digits['train_label'][:600]
    mx.random.seed(2)
    model = mx.model.FeedForward(mlp(64), num_epoch=8, learning_rate=0.1, momentum=0.9,
                                 numpy_batch_size=50, initializer=mx.init.Xavier())
    model.fit(X, y)
    acc = model.score((digits['test_data'], digits['test_label']))
    assert acc > 0.85
    prob = model.predict(digits['test_data'])
    assert prob.shape == (len(digits['test_data']), 10)
    prefix = str(tmp_path / 'ff')
    model.save(prefix)
    back = mx.model.FeedForward.load(prefix, 8)
    assert_almost_equal(back.predict(digits['test_data']), prob, rtol=1e-5, atol=1e-6)
    m2 = mx.model.FeedForward.create(mlp(16), X, y, num_epoch=1, learning_rate=0.05)
    assert m2.arg_params['fc1_weight'].shape == (16, 784)
    with pytest.raises(mx.MXNetError, match='y \\(the labels\\) is required'):
        mx.model.FeedForward(mlp(), num_epoch=1).fit(X)


def test_feedforward_predict_on_unlabeled_iterator(digits):
    model = mx.model.FeedForward(mlp(16), num_epoch=1, learning_rate=0.1, numpy_batch_size=100)
    model.fit(digits['train_data'][:200], digits['train_label'][:200])
    it = mx.io.NDArrayIter(digits['test_data'][:50], batch_size=25)
    assert model.predict(it).shape == (50, 10)
