"""mx.mod.SequentialModule: chained training against real MXNet 1.9.1, fit, errors."""
import os

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.test_utils import assert_almost_equal

import module_builders as mb

DATA = os.path.join(os.path.dirname(__file__), '..', 'data')
G = np.load(os.path.join(DATA, 'golden_sequential.npz'))
TOL = dict(rtol=1e-5, atol=1e-5)


def _init():
    return mx.nd.load(os.path.join(DATA, 'sequential_init.params'))


def _bound(inputs_need_grad=True):
    seq = mb.sequential(mx)
    seq.bind(data_shapes=[('data', (mb.BATCH, mb.SEQ_IN))],
             label_shapes=[('softmax_label', (mb.BATCH,))], inputs_need_grad=inputs_need_grad)
    seq.init_params(arg_params=_init())
    return seq


def test_training_steps_match_mxnet():
    seq = _bound()
    seq.init_optimizer(optimizer='sgd', optimizer_params=mb.OPT_PARAMS)
    metric = mx.metric.Accuracy()
    for step, (x, y) in enumerate(mb.seq_batches()):
        batch = mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)])
        seq.forward(batch, is_train=True)
        seq.backward()
        seq.update()
        seq.update_metric(metric, batch.label)
        assert_almost_equal(seq.get_outputs()[0].asnumpy(), G['step%d:out' % step], **TOL)
        assert_almost_equal(seq.get_input_grads()[0].asnumpy(), G['step%d:input_grad' % step],
                            **TOL)
        arg, aux = seq.get_params()
        assert aux == {}
        assert sorted(arg) == sorted(_init())
        for k, v in arg.items():
            assert_almost_equal(v.asnumpy(), G['step%d:arg:%s' % (step, k)], **TOL,
                                names=('mxlite %s step %d' % (k, step), 'mxnet'))
    assert metric.get()[1] == pytest.approx(float(G['metric']))


def test_shapes_names_and_wiring():
    seq = _bound()
    assert seq.data_names == ['data']
    assert seq.output_names == ['softmax_output']
    assert seq.data_shapes[0].shape == (mb.BATCH, mb.SEQ_IN)
    assert seq.output_shapes == [('softmax_output', (mb.BATCH, mb.CLASSES))]
    assert [d.shape for d in seq._modules[1].data_shapes] == [(mb.BATCH, 8)]
    assert seq._modules[1].data_shapes[0].name == 'data'  # auto_wiring renamed relu1_output
    assert seq.label_shapes == [('softmax_label', (mb.BATCH,))]
    # every module after the first hands gradients back; the first only when asked
    assert [m.inputs_need_grad for m in seq._modules] == [True, True, True]
    assert [m.inputs_need_grad for m in _bound(False)._modules] == [False, True, True]


def test_fit_and_predict():
    x = np.concatenate([b[0] for b in mb.seq_batches()])
    y = np.concatenate([b[1] for b in mb.seq_batches()])
    it = mx.io.NDArrayIter(x, y, batch_size=mb.BATCH, label_name='softmax_label')
    seq = mb.sequential(mx)
    seq.fit(it, num_epoch=3, arg_params=_init(), optimizer='sgd',
            optimizer_params=mb.OPT_PARAMS, eval_metric='acc')
    assert seq.predict(it).shape == (len(x), mb.CLASSES)
    # the same three steps by hand, from the same start, give the same parameters
    ref = _bound(False)
    ref.init_optimizer(optimizer='sgd', optimizer_params=mb.OPT_PARAMS)
    for _ in range(3):
        it.reset()
        for batch in it:
            ref.forward_backward(batch)
            ref.update()
    got, want = seq.get_params()[0], ref.get_params()[0]
    for k in want:
        assert_almost_equal(got[k].asnumpy(), want[k].asnumpy(), **TOL)


def test_save_and_load_params(tmp_path):
    seq = _bound()
    fname = str(tmp_path / 'seq.params')
    seq.save_params(fname)
    other = mb.sequential(mx)
    other.bind(data_shapes=[('data', (mb.BATCH, mb.SEQ_IN))],
               label_shapes=[('softmax_label', (mb.BATCH,))])
    other.init_params()
    other.load_params(fname)
    for k, v in _init().items():
        assert_almost_equal(other.get_params()[0][k].asnumpy(), v.asnumpy())


# -- errors -------------------------------------------------------------------------------
def test_unknown_option_in_add():
    seq = mx.mod.SequentialModule()
    with pytest.raises(MXNetError, match="unknown option 'take_label', a typo"):
        seq.add(mx.mod.Module(mx.sym.var('data'), label_names=None), take_label=True)


def test_bind_empty():
    with pytest.raises(MXNetError, match=r'the module is empty; add\(\) modules first'):
        mx.mod.SequentialModule().bind(data_shapes=[('data', (2, 3))])


def test_forward_before_bind():
    seq = mb.sequential(mx)
    batch = mx.io.DataBatch([mx.nd.zeros((mb.BATCH, mb.SEQ_IN))])
    with pytest.raises(MXNetError, match=r'SequentialModule.forward: the module is not bound'):
        seq.forward(batch)


def test_update_before_init_optimizer():
    seq = _bound()
    seq.forward_backward(mx.io.DataBatch([mx.nd.zeros((mb.BATCH, mb.SEQ_IN))],
                                         [mx.nd.zeros((mb.BATCH,))]))
    with pytest.raises(MXNetError, match=r'call init_optimizer\(\) first'):
        seq.update()


def test_adding_unbinds():
    seq = _bound()
    seq.add(mx.mod.Module(mx.sym.Activation(mx.sym.var('data'), act_type='relu'),
                          label_names=None))
    assert not seq.binded and not seq.params_initialized


def test_missing_auto_wiring_names_the_fix():
    seq = mx.mod.SequentialModule()
    seq.add(mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=4, name='fc1'),
                          label_names=None))
    seq.add(mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, name='fc2'),
                          label_names=None))
    with pytest.raises(MXNetError, match=r'module 1: .*auto_wiring=True'):
        seq.bind(data_shapes=[('data', (2, 3))])


def test_duplicated_parameter_names():
    seq = mx.mod.SequentialModule()
    for _ in range(2):
        seq.add(mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3,
                                                    name='fc'), label_names=None),
                auto_wiring=True)
    seq.bind(data_shapes=[('data', (2, 3))])
    with pytest.raises(MXNetError, match=r"duplicated parameter name 'fc_weight': module 1"):
        seq.init_params()


def test_get_input_grads_needs_inputs_need_grad():
    seq = _bound(inputs_need_grad=False)
    with pytest.raises(MXNetError, match='bind with inputs_need_grad=True'):
        seq.get_input_grads()
