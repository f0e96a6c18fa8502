"""Abstract methods a subclass forgot raise MXNetError naming the class, the method and the fix
(still a NotImplementedError, as MXNet raises there)."""
import pytest

import mxlite as mx
from mxlite.base import MXNetNotImplementedError


def _raises(fn, cls_name, method):
    pattern = r'%s\.%s is abstract: ' % (cls_name, method)
    with pytest.raises(MXNetNotImplementedError, match=pattern) as e:
        fn()
    assert isinstance(e.value, mx.MXNetError) and isinstance(e.value, NotImplementedError)


def test_gluon_data_bases():
    class MyData(mx.gluon.data.Dataset):
        pass

    class MySampler(mx.gluon.data.Sampler):
        pass

    _raises(lambda: MyData()[0], 'MyData', '__getitem__')
    _raises(lambda: len(MyData()), 'MyData', '__len__')
    _raises(lambda: iter(MySampler()), 'MySampler', '__iter__')
    _raises(lambda: len(MySampler()), 'MySampler', '__len__')


def test_initializer_without_weight_rule():
    class MyInit(mx.init.Initializer):
        pass

    arr = mx.nd.zeros((2, 2))
    _raises(lambda: MyInit()(mx.init.InitDesc('fc_weight'), arr), 'MyInit', '_init_weight')


def test_legacy_rnn_cell_base():
    class MyCell(mx.rnn.BaseRNNCell):
        pass

    cell = MyCell()
    _raises(lambda: cell(mx.sym.var('x'), []), 'MyCell', '__call__')
    _raises(lambda: cell.state_info, 'MyCell', 'state_info')


def test_gluon_recurrent_cell_base():
    class MyCell(mx.gluon.rnn.RecurrentCell):
        pass

    _raises(lambda: MyCell().state_info(), 'MyCell', 'state_info')


def test_messages_of_refusals_are_mxnet_errors():
    with pytest.raises(MXNetNotImplementedError, match='use unroll'):
        mx.rnn.FusedRNNCell(4)(mx.sym.var('x'), [])


def test_metric_optimizer_and_augmenter_bases():
    class MyMetric(mx.metric.EvalMetric):
        pass

    class MyOpt(mx.optimizer.Optimizer):
        pass

    class MyAug(mx.image.Augmenter):
        pass

    _raises(lambda: MyMetric('m').update([mx.nd.zeros(2)], [mx.nd.zeros((2, 2))]),
            'MyMetric', 'update')
    w = mx.nd.zeros(2)
    _raises(lambda: MyOpt().update(0, w, w, None), 'MyOpt', 'update')
    _raises(lambda: MyAug()(mx.nd.zeros((2, 2, 3))), 'MyAug', '__call__')
