"""mx.metric beyond the goldens: registry, errors, custom metrics, dict updates, and the
cases where MXNet 1.9.1 fails (mxlite's documented behaviour)."""
import math

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError

REGISTERED = ['acc', 'accuracy', 'caffe', 'ce', 'composite', 'compositeevalmetric',
              'crossentropy', 'custommetric', 'f1', 'loss', 'mae', 'mcc', 'mse',
              'negativeloglikelihood', 'nll_loss', 'pcc', 'pearsoncorrelation', 'pearsonr',
              'perplexity', 'rmse', 'top_k_acc', 'top_k_accuracy', 'topkaccuracy', 'torch']


def nd(x, dtype='float32'):
    return mx.nd.array(np.asarray(x, dtype=dtype), dtype=dtype)


def test_registry_matches_mxnet():
    from mxlite.metric.base import _REGISTRY
    assert sorted(_REGISTRY) == REGISTERED


@pytest.mark.parametrize('name, cls', [('acc', 'Accuracy'), ('ACC', 'Accuracy'),
                                       ('ce', 'CrossEntropy'), ('nll_loss', 'NegativeLogLikelihood'),
                                       ('pearsonr', 'PearsonCorrelation'), ('mse', 'MSE'),
                                       ('composite', 'CompositeEvalMetric')])
def test_create_by_name(name, cls):
    assert type(mx.metric.create(name)).__name__ == cls


def test_create_errors_list_valid_names():
    with pytest.raises(ValueError, match='foo is not registered') as info:
        mx.metric.create('foo')
    assert isinstance(info.value, MXNetError) and 'accuracy' in str(info.value)
    with pytest.raises(MXNetError, match='string type'):
        mx.metric.create(3)
    with pytest.raises(MXNetError, match='Please use Accuracy if top_k is no more than 1'):
        mx.metric.create('top_k_accuracy')
    with pytest.raises(TypeError):
        mx.metric.create('perplexity')          # ignore_label is required, as in MXNet


def test_create_instances_lists_and_callables():
    acc = mx.metric.Accuracy()
    assert mx.metric.create(acc) is acc
    comp = mx.metric.create(['acc', mx.metric.MSE()])
    assert isinstance(comp, mx.metric.CompositeEvalMetric)
    assert [m.name for m in comp.metrics] == ['accuracy', 'mse']
    assert comp.get_metric(1).name == 'mse'
    with pytest.raises(MXNetError, match='Metric index 5 is out of range 0 and 2'):
        comp.get_metric(5)

    def myf(label, pred):
        return 1.0
    assert mx.metric.create(myf).name == 'myf'
    assert mx.metric.create(lambda l, p: 1).name == 'custom(<lambda>)'
    assert mx.metric.np(myf).name == 'myf'
    assert isinstance(mx.metric.create(mx.metric.MAE), mx.metric.MAE)
    assert mx.metric.create('["top_k_acc", {"top_k": 3}]').name == 'top_k_accuracy_3'


def test_custom_metric_values_and_tuple_returns():
    def frac(label, pred):
        return float((label == pred.argmax(axis=1)).sum()), label.size
    m = mx.metric.np(frac)
    m.update([nd([0, 1, 1])], [nd([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]])])
    assert m.get() == ('frac', pytest.approx(2 / 3.))
    m2 = mx.metric.CustomMetric(lambda l, p: float(np.abs(l - p).sum()), name='l1')
    m2.update([nd([1, 2])], [nd([1, 4])])
    m2.update([nd([0])], [nd([1])])
    assert m2.get() == ('l1', 1.5) and m2.get_global() == ('l1', 1.5)
    with pytest.raises(NotImplementedError, match='cannot be serialized'):
        m2.get_config()
    extra = mx.metric.np(lambda l, p: 1.0, allow_extra_outputs=True)
    extra.update([nd([1])], [nd([1]), nd([2])])    # more outputs than labels: allowed
    assert extra.num_inst == 1
    with pytest.raises(MXNetError, match='feval must be callable'):
        mx.metric.CustomMetric(3)


def test_check_label_shapes():
    with pytest.raises(MXNetError, match='Shape of labels 1 does not match shape of predictions 2'):
        mx.metric.Accuracy().update([nd([1, 2])], [nd([1, 2]), nd([1])])
    with pytest.raises(MXNetError, match='Shape of labels 3 does not match shape of predictions 2'):
        mx.metric.Accuracy().update(nd([1, 2, 3]), nd([[1, 2], [3, 4]]))
    a, b = mx.metric.check_label_shapes(nd([1]), nd([2]), wrap=True)
    assert isinstance(a, list) and isinstance(b, list)
    with pytest.raises(MXNetError, match=r'\(2,\) does not match shape of predictions \(3,\)'):
        mx.metric.check_label_shapes(np.zeros(2), np.zeros(3), shape=True)


def test_update_dict_selects_names():
    m = mx.metric.Accuracy(output_names=['out'], label_names=['lab'])
    m.update_dict({'lab': nd([1, 0]), 'other': nd([5, 5])},
                  {'out': nd([[0, 1], [1, 0]]), 'junk': nd([[1, 0], [1, 0]])})
    assert m.get() == ('accuracy', 1.0)
    comp = mx.metric.CompositeEvalMetric(['acc', 'mse'], label_names=['lab'])
    comp.update_dict({'lab': nd([1, 0]), 'x': nd([0, 0])}, {'o': nd([[0, 1], [1, 0]])})
    assert comp.get()[0] == ['accuracy', 'mse'] and comp.get()[1][0] == 1.0


def test_str_and_name_values():
    m = mx.metric.create('acc')
    m.update([nd([1])], [nd([[0.1, 0.9]])])
    assert str(m) == "EvalMetric: {'accuracy': 1.0}"
    assert m.get_name_value() == [('accuracy', 1.0)]
    assert m.get_global_name_value() == [('accuracy', 1.0)]


def test_base_metric_without_global_stats():
    class Half(mx.metric.EvalMetric):
        def update(self, labels, preds):
            self.sum_metric += 1
            self.num_inst += 2
    h = Half('half')
    h.update(None, None)
    assert h.get() == ('half', 0.5) and h.get_global() == ('half', 0.5)
    assert h.get_global_name_value() == [('half', 0.5)]
    with pytest.raises(NotImplementedError):
        mx.metric.EvalMetric('x').update([], [])


def test_top_k_beyond_classes_counts_everything():
    # MXNet 1.9.1 fails here (argpartition kth out of bounds)
    m = mx.metric.TopKAccuracy(top_k=9)
    m.update([nd([0, 1, 3])], [nd(np.random.RandomState(0).rand(3, 4))])
    assert m.get() == ('top_k_accuracy_9', 1.0)


def test_top_k_with_class_index_predictions():
    m = mx.metric.TopKAccuracy(top_k=2)
    m.update([nd([0, 1, 2, 2])], [nd([0, 1, 1, 2])])
    assert m.get() == ('top_k_accuracy_2', 0.75) and m.get_global() == ('top_k_accuracy_2', 0.75)
    with pytest.raises(MXNetError, match='no more than 2 dims'):
        m.update([nd([[0, 1]])], [nd(np.zeros((1, 2, 3)))])


def test_perplexity_sequences_and_axis():
    rs = np.random.RandomState(0)
    p = rs.uniform(0.1, 1, (3, 5, 4))
    p /= p.sum(-1, keepdims=True)
    lab = rs.randint(0, 4, (3, 5))
    m = mx.metric.Perplexity(ignore_label=None)          # MXNet 1.9.1 fails for 3-D outputs
    m.update([nd(lab)], [nd(p)])
    want = math.exp(-np.log(np.take_along_axis(p, lab[..., None], -1)).mean())
    assert m.get()[1] == pytest.approx(want, rel=1e-5)
    m1 = mx.metric.Perplexity(ignore_label=None, axis=0)     # classes along axis 0
    m1.update([nd(lab.reshape(-1))], [nd(p.reshape(-1, 4).T)])
    assert m1.get()[1] == pytest.approx(want, rel=1e-5)
    with pytest.raises(MXNetError, match='shape mismatch'):
        m.update([nd([1, 2])], [nd(np.ones((3, 4)) / 4)])
    with pytest.raises(MXNetError, match='2 labels but 1 predictions'):
        m.update([nd([1]), nd([1])], [nd([[0.5, 0.5]])])


def test_binary_metrics_reject_multiclass():
    with pytest.raises(MXNetError, match='only supports binary classification'):
        mx.metric.F1().update([nd([0, 1, 2])], [nd(np.ones((3, 2)))])
    with pytest.raises(MXNetError, match="average must be 'macro' or 'micro'"):
        mx.metric.MCC(average='weighted')


def test_loss_metric_accepts_single_array():
    m = mx.metric.Loss()
    m.update(None, nd([[1.0, 3.0]]))
    assert m.get() == ('loss', 2.0)


def test_pcc_grows_with_classes():
    m = mx.metric.PCC()
    m.update([nd([0, 1, 2, 3, 3])], [nd([0, 1, 2, 3, 2])])
    assert m.k == 4 and m.lcm.shape == (4, 4)
    m.reset()
    assert m.k == 4 and m.get()[1] != m.get()[1]       # NaN after reset, size kept
