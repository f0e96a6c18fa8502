"""mx.rnn cells: state handling, modifiers, error messages, checkpoints and a Module fit."""
import os
import warnings

import numpy as np
import pytest

import mxlite as mx


def test_mx_rnn_is_a_real_package():
    assert mx.rnn.LSTMCell is mx.rnn.rnn_cell.LSTMCell
    assert mx.rnn.BucketSentenceIter is mx.rnn.io.BucketSentenceIter
    assert mx.rnn.DataBatch is mx.io.DataBatch
    assert callable(mx.rnn.save_rnn_checkpoint)


def test_begin_state_names_and_variables():
    cell = mx.rnn.LSTMCell(4)
    states = cell.begin_state(func=mx.sym.Variable)
    assert [s.name for s in states] == ['lstm_begin_state_0', 'lstm_begin_state_1']
    assert states[0].attr_dict()['lstm_begin_state_0']['__layout__'] == 'NC'
    assert cell.state_shape == [(0, 4), (0, 4)]
    assert cell.params._params['lstm_i2h_bias'].attr('__init__') == \
        '["lstmbias", {"forget_bias": 1.0}]'
    fused = mx.rnn.FusedRNNCell(3, num_layers=2, bidirectional=True, mode='gru')
    assert fused.state_info == [{'shape': (4, 0, 3), '__layout__': 'LNC'}]
    assert list(fused.params._params) == ['gru_parameters']


def test_step_by_step_call_names():
    cell = mx.rnn.GRUCell(3)
    states = cell.begin_state()
    out, states = cell(mx.sym.Variable('x0'), states)
    out, states = cell(mx.sym.Variable('x1'), states)
    assert out.name == 'gru_t1_out'
    cell.reset()
    out, _ = cell(mx.sym.Variable('x'), cell.begin_state())
    assert out.name == 'gru_t0_out'


def test_unroll_wrong_number_of_inputs():
    with pytest.raises(mx.MXNetError, match='length=3 but 1 input symbols were given'):
        mx.rnn.LSTMCell(4).unroll(3, [mx.sym.Variable('a')])


@pytest.mark.parametrize('layout', ['XYZ', 'NC', 'TTN'])
def test_unroll_unknown_layout(layout):
    with pytest.raises(mx.MXNetError, match="unknown layout %r.*'NTC'" % layout):
        mx.rnn.RNNCell(4).unroll(3, mx.sym.Variable('a'), layout=layout)


def test_unroll_needs_inputs():
    with pytest.raises(mx.MXNetError, match='inputs=None.*mx.sym.Variable'):
        mx.rnn.LSTMCell(4).unroll(3, None)


def test_fused_cell_errors():
    cell = mx.rnn.FusedRNNCell(3)
    with pytest.raises(NotImplementedError, match='Please use unroll'):
        cell(mx.sym.Variable('a'), [])
    with pytest.raises(mx.MXNetError, match="mode must be one of.*'lstmx'"):
        mx.rnn.FusedRNNCell(3, mode='lstmx')
    with pytest.raises(mx.MXNetError, match='Invalid parameters size'):
        cell.unpack_weights({'lstm_parameters': mx.nd.zeros((7,))})
    with pytest.warns(UserWarning, match='NTC layout detected'):
        cell.unroll(2, mx.sym.Variable('data'))


def test_modifier_and_container_errors():
    base = mx.rnn.LSTMCell(3)
    mx.rnn.ZoneoutCell(base, 0.2)
    with pytest.raises(mx.MXNetError, match='Call the modifier cell instead'):
        base.begin_state()
    with pytest.raises(mx.MXNetError, match='unfuse first'):
        mx.rnn.ZoneoutCell(mx.rnn.FusedRNNCell(3))
    seq = mx.rnn.SequentialRNNCell(params=mx.rnn.RNNParams('x_'))
    with pytest.raises(mx.MXNetError, match='Either specify params for SequentialRNNCell'):
        seq.add(mx.rnn.LSTMCell(3))   # (as in MXNet: a cell reading its params no longer owns them)
    with pytest.raises(NotImplementedError, match='Bidirectional cannot be stepped'):
        mx.rnn.BidirectionalCell(mx.rnn.RNNCell(3, prefix='a'),
                                 mx.rnn.RNNCell(3, prefix='b'))(mx.sym.Variable('x'), [])
    with pytest.raises(mx.MXNetError, match='expects a list of 2 state symbols'):
        mx.rnn.LSTMCell(3)(mx.sym.Variable('x'), [mx.sym.Variable('h')])
    with pytest.raises(mx.MXNetError, match='dropout must be a number'):
        mx.rnn.DropoutCell('0.5')


def test_zoneout_and_dropout_cells_in_inference_are_identity():
    base = mx.rnn.GRUCell(3, prefix='g_')
    zone = mx.rnn.ZoneoutCell(base, zoneout_outputs=0.5, zoneout_states=0.5)
    out, _ = zone.unroll(2, mx.sym.Variable('data'), merge_outputs=True)
    drop, _ = mx.rnn.DropoutCell(0.5).unroll(2, mx.sym.Variable('data'))
    assert isinstance(drop, mx.sym.Symbol)
    plain, _ = mx.rnn.GRUCell(3, prefix='g_').unroll(2, mx.sym.Variable('data'),
                                                     merge_outputs=True)
    assert out.list_arguments() == plain.list_arguments()
    rng = np.random.RandomState(0)
    args = {n: mx.nd.array(rng.uniform(-1, 1, s)) for n, s in
            zip(plain.list_arguments(), plain.infer_shape(data=(2, 2, 5))[0])}
    a = out.bind(mx.cpu(), args).forward(is_train=False)[0].asnumpy()
    b = plain.bind(mx.cpu(), args).forward(is_train=False)[0].asnumpy()
    np.testing.assert_allclose(a, b, rtol=1e-6)


def test_rnn_checkpoint_fused_to_unfused(tmp_path):
    fused = mx.rnn.FusedRNNCell(4, num_layers=2, mode='lstm', prefix='f_')
    data = mx.sym.Variable('data')
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        out, _ = fused.unroll(3, data, layout='TNC', merge_outputs=True)
    shapes = out.infer_shape(data=(3, 2, 5))[0]
    args = {n: mx.nd.array(np.random.RandomState(1).uniform(-1, 1, s))
            for n, s in zip(out.list_arguments(), shapes) if n != 'data'}
    prefix = str(tmp_path / 'ckpt')
    mx.rnn.do_rnn_checkpoint(fused, prefix, period=2)(1, out, args, {})
    assert os.path.exists(prefix + '-0002.params')
    saved = mx.nd.load(prefix + '-0002.params')
    assert 'arg:f_l1_h2h_o_weight' in saved and 'arg:f_parameters' not in saved
    _, back, _ = mx.rnn.load_rnn_checkpoint(fused, prefix, 2)
    np.testing.assert_array_equal(back['f_parameters'].asnumpy(), args['f_parameters'].asnumpy())
    stack = fused.unfuse()
    _, unfused_args, _ = mx.rnn.load_rnn_checkpoint(stack, prefix, 2)
    u_out, _ = stack.unroll(3, data, layout='TNC', merge_outputs=True)
    assert sorted(unfused_args) == sorted(n for n in u_out.list_arguments() if n != 'data')
    x = mx.nd.array(np.random.RandomState(2).uniform(-1, 1, (3, 2, 5)))
    a = out.bind(mx.cpu(), dict(args, data=x)).forward()[0].asnumpy()
    b = u_out.bind(mx.cpu(), dict(unfused_args, data=x)).forward()[0].asnumpy()
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-5)


def test_lstm_bucketing_style_module_fit():
    """The lstm_bucketing.py network on one bucket, trained with mx.mod.Module."""
    mx.random.seed(1)
    rng = np.random.RandomState(0)
    sents = [[(s + k) % 7 + 1 for k in range(6)] for s in rng.randint(0, 7, size=24)]
    random_state = np.random.get_state()
    it = mx.rnn.BucketSentenceIter(sents, batch_size=8, buckets=[6], invalid_label=0)
    np.random.set_state(random_state)
    stack = mx.rnn.SequentialRNNCell()
    stack.add(mx.rnn.LSTMCell(num_hidden=8, prefix='lstm_l0_'))
    stack.add(mx.rnn.LSTMCell(num_hidden=8, prefix='lstm_l1_'))
    data = mx.sym.Variable('data')
    label = mx.sym.Variable('softmax_label')
    embed = mx.sym.Embedding(data=data, input_dim=8, output_dim=6, name='embed')
    stack.reset()
    outputs, _ = stack.unroll(6, inputs=embed, merge_outputs=True)
    pred = mx.sym.Reshape(outputs, shape=(-1, 8))
    pred = mx.sym.FullyConnected(data=pred, num_hidden=8, name='pred')
    label = mx.sym.Reshape(label, shape=(-1,))
    pred = mx.sym.SoftmaxOutput(data=pred, label=label, name='softmax')
    mod = mx.mod.Module(pred, data_names=('data',), label_names=('softmax_label',))
    metric = mx.metric.Perplexity(0)
    mod.fit(it, eval_metric=metric, num_epoch=8, optimizer='adam',
            optimizer_params={'learning_rate': 0.05}, initializer=mx.init.Xavier(factor_type='in',
                                                                               magnitude=2.34))
    arg, _ = mod.get_params()
    assert 'lstm_l1_i2h_weight' in arg
    it.reset()
    score = dict(mod.score(it, mx.metric.Perplexity(0)))['perplexity']
    assert score < 3   # each next word is determined; a uniform guess over 7 words scores 7
