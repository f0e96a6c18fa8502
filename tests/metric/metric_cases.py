"""Metric golden cases as plain data, shared by mxlite's tests and the oracle.

Each case creates a metric with ``mx.metric.create(spec, **kwargs)``, feeds it
batches of (labels, preds) lists drawn from ``numpy.random.RandomState``
seeded by the case id, and records ``get()``/``get_global()`` after every
update, with a ``reset_local()`` after the second batch.
``tests/data/make_golden_metric.py`` runs them under MXNet 1.9.1.
"""
import zlib

import numpy as np

N_BATCHES = 4
RESET_LOCAL_AFTER = 1      # reset_local() after this batch index


def _probs(rs, *shape):
    p = rs.uniform(0.01, 1, shape)
    return (p / p.sum(axis=-1, keepdims=True)).astype('float32')


def _probs_axis1(rs, n, c, t):
    p = rs.uniform(0.01, 1, (n, c, t))
    return (p / p.sum(axis=1, keepdims=True)).astype('float32')


def _cls(rs, n, c):
    return rs.randint(0, c, (n,)).astype('float32')


# data kinds: rs -> (labels list, preds list)
DATA = {
    'cls': lambda rs: ([_cls(rs, 10, 4)], [_probs(rs, 10, 4)]),
    'cls_two_outputs': lambda rs: ([_cls(rs, 6, 3), _cls(rs, 5, 2)],
                                   [_probs(rs, 6, 3), _probs(rs, 5, 2)]),
    'cls_label_col': lambda rs: ([_cls(rs, 8, 3).reshape(8, 1)], [_probs(rs, 8, 3)]),
    'cls_pred_index': lambda rs: ([_cls(rs, 9, 3)], [_cls(rs, 9, 3)]),
    'cls_pred_float_1d': lambda rs: ([_cls(rs, 9, 2)],
                                     [rs.uniform(0, 1.99, (9,)).astype('float32')]),
    'cls_axis1': lambda rs: ([rs.randint(0, 3, (4, 5)).astype('float32')],
                             [_probs_axis1(rs, 4, 3, 5)]),
    'cls_3d': lambda rs: ([rs.randint(0, 4, (3, 5)).astype('float32')], [_probs(rs, 3, 5, 4)]),
    'binary': lambda rs: ([rs.randint(0, 2, (12,)).astype('float32')], [_probs(rs, 12, 2)]),
    'binary_skewed': lambda rs: ([np.ones(7, 'float32')],
                                 [np.tile(np.array([[0.9, 0.1]], 'float32'), (7, 1))]),
    'binary_int_label': lambda rs: ([rs.randint(0, 2, (10,)).astype('int32')],
                                    [_probs(rs, 10, 2)]),
    'reg': lambda rs: ([rs.uniform(-1, 1, (10,)).astype('float32')],
                       [rs.uniform(-1, 1, (10,)).astype('float32')]),
    'reg_col': lambda rs: ([rs.uniform(-1, 1, (10,)).astype('float32')],
                           [rs.uniform(-1, 1, (10, 1)).astype('float32')]),
    'reg_multi': lambda rs: ([rs.uniform(-1, 1, (6, 3)).astype('float32')],
                             [rs.uniform(-1, 1, (6, 3)).astype('float32')]),
    'reg_corr': lambda rs: (lambda x: ([x.astype('float32')],
                                       [(0.7 * x + rs.uniform(-0.5, 0.5, (15,)) + 0.3)
                                        .astype('float32')]))(rs.uniform(-1, 1, (15,))),
    'perp': lambda rs: ([_cls(rs, 10, 5)], [_probs(rs, 10, 5)]),
    'perp_seq': lambda rs: ([rs.randint(0, 4, (3, 5)).astype('float32')],
                            [_probs(rs, 3, 5, 4)]),
    'multiclass': lambda rs: ([_cls(rs, 20, 5)], [_probs(rs, 20, 5)]),
    'multiclass_index': lambda rs: ([_cls(rs, 20, 4)], [_cls(rs, 20, 4)]),
    'loss': lambda rs: ([], [rs.uniform(0, 2, (4, 3)).astype('float32')]),
    'loss_two': lambda rs: ([], [rs.uniform(0, 2, (4,)).astype('float32'),
                                 rs.uniform(0, 2, (2, 2)).astype('float32')]),
}

# (id, metric spec for create, kwargs, data kind)
CASES = [
    ('acc', 'acc', {}, 'cls'),
    ('accuracy_two_outputs', 'accuracy', {}, 'cls_two_outputs'),
    ('acc_label_col', 'acc', {}, 'cls_label_col'),
    ('acc_pred_index', 'acc', {}, 'cls_pred_index'),
    ('acc_pred_float_1d', 'acc', {}, 'cls_pred_float_1d'),
    ('acc_axis1', 'acc', {'axis': 1}, 'cls_axis1'),
    ('acc_3d_axis2', 'acc', {'axis': 2}, 'cls_3d'),
    ('acc_named', 'Accuracy', {'name': 'my_acc'}, 'cls'),
    ('topk2', 'top_k_accuracy', {'top_k': 2}, 'cls'),
    ('topk3', 'top_k_acc', {'top_k': 3}, 'multiclass'),
    ('f1', 'f1', {}, 'binary'),
    ('f1_micro', 'f1', {'average': 'micro'}, 'binary'),
    ('f1_skewed', 'f1', {}, 'binary_skewed'),
    ('f1_int_label', 'F1', {}, 'binary_int_label'),
    ('mcc', 'mcc', {}, 'binary'),
    ('mcc_micro', 'mcc', {'average': 'micro'}, 'binary'),
    ('mcc_skewed', 'mcc', {}, 'binary_skewed'),
    ('mae', 'mae', {}, 'reg'),
    ('mae_col', 'mae', {}, 'reg_col'),
    ('mae_multi', 'mae', {}, 'reg_multi'),
    ('mse', 'mse', {}, 'reg'),
    ('mse_col', 'mse', {}, 'reg_col'),
    ('rmse', 'rmse', {}, 'reg'),
    ('rmse_multi', 'rmse', {}, 'reg_multi'),
    ('ce', 'ce', {}, 'cls'),
    ('ce_eps', 'crossentropy', {'eps': 0.1}, 'cls_two_outputs'),
    ('ce_label_col', 'ce', {}, 'cls_label_col'),
    ('nll', 'nll_loss', {}, 'cls'),
    ('nll_eps', 'negativeloglikelihood', {'eps': 1e-3}, 'cls_label_col'),
    ('perplexity', 'perplexity', {'ignore_label': None}, 'perp'),
    ('perplexity_ignore', 'perplexity', {'ignore_label': 2}, 'perp'),
    ('pearsonr', 'pearsonr', {}, 'reg_corr'),
    ('pearsonr_micro', 'pearsoncorrelation', {'average': 'micro'}, 'reg_corr'),
    ('pearsonr_multi', 'pearsonr', {}, 'reg_multi'),
    ('pcc', 'pcc', {}, 'multiclass'),
    ('pcc_binary', 'pcc', {}, 'binary'),
    ('pcc_index', 'pcc', {}, 'multiclass_index'),
    ('loss', 'loss', {}, 'loss'),
    ('loss_two', 'loss', {}, 'loss_two'),
    ('torch', 'torch', {}, 'loss'),
    ('caffe', 'caffe', {}, 'loss'),
    ('composite', ['acc', 'ce', 'nll_loss'], {}, 'cls'),
    ('composite_mixed', ['mse', 'mae'], {}, 'reg'),
]

# The oracle does not accept these (MXNet 1.9.1 fails); mxlite gives errors or values
# that are checked in tests/metric/test_metric_api.py.


def batches(cid):
    """[(labels, preds)] for every batch of case ``cid``."""
    kind = [c for c in CASES if c[0] == cid][0][3]
    rs = np.random.RandomState(zlib.crc32(cid.encode()) & 0x7FFFFFFF)
    return [DATA[kind](rs) for _ in range(N_BATCHES)]
