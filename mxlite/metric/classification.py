"""Classification metrics: Accuracy, TopKAccuracy, F1, MCC, PCC, Perplexity,
CrossEntropy, NegativeLogLikelihood (MXNet 1.9.1's arithmetic and shape rules)."""
import math

import numpy

from ..base import MXNetValueError, must_override
from .base import EvalMetric, register, alias, check_label_shapes, as_numpy

__all__ = ['Accuracy', 'TopKAccuracy', 'F1', 'MCC', 'PCC', 'Perplexity', 'CrossEntropy',
           'NegativeLogLikelihood']


@register
@alias('acc')
class Accuracy(EvalMetric):
    """Fraction of correct predictions.  Predictions with the label's shape are class
    indices; otherwise the class is their argmax along ``axis``."""

    def __init__(self, axis=1, name='accuracy', output_names=None, label_names=None):
        super().__init__(name, axis=axis, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.axis = axis

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label = as_numpy(label)
            pred = as_numpy(pred)
            if pred.shape != label.shape:
                pred = numpy.argmax(pred, axis=self.axis)
            pred = pred.astype('int32').ravel()
            label = label.astype('int32').ravel()
            check_label_shapes(label, pred)
            self._add(int((pred == label).sum()), len(pred))


@register
@alias('top_k_accuracy', 'top_k_acc')
class TopKAccuracy(EvalMetric):
    """Fraction of samples whose label is among the ``top_k`` highest predictions
    (``top_k`` > 1; the name becomes ``top_k_accuracy_<k>``)."""

    def __init__(self, top_k=1, name='top_k_accuracy', output_names=None, label_names=None):
        super().__init__(name, top_k=top_k, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.top_k = top_k
        if not self.top_k > 1:
            raise MXNetValueError('Please use Accuracy if top_k is no more than 1 (top_k=%r)'
                                  % (top_k,))
        self.name += '_%d' % self.top_k

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            pred = as_numpy(pred).astype('float32')
            if pred.ndim > 2:
                raise MXNetValueError('TopKAccuracy: predictions should be no more than 2 dims, '
                                      'got shape %s' % (pred.shape,))
            label = as_numpy(label).astype('int32')
            if pred.ndim == 1:
                # predicted class indices.  (MXNet 1.9.1 compares the indices of an
                # argpartition of them with the labels, which depends on numpy's
                # partition algorithm, and counts them in the local statistics only.)
                check_label_shapes(label, pred)
                num_samples = pred.shape[0]
                self._add_correct(int((pred.astype('int32').flat == label.flat).sum()))
            else:
                # MXNet fails when top_k exceeds the number of classes; all classes count
                top_k = min(self.top_k, pred.shape[-1])
                pred_label = numpy.argpartition(pred, -top_k)
                check_label_shapes(label, pred_label)
                num_samples = pred_label.shape[0]
                num_classes = pred_label.shape[1]
                for j in range(top_k):
                    self._add_correct(int((pred_label[:, num_classes - 1 - j].flat
                                           == label.flat).sum()))
            self.num_inst += num_samples
            self.global_num_inst += num_samples

    def _add_correct(self, n):
        self.sum_metric += n
        self.global_sum_metric += n


class _BinaryClassificationMetrics:
    """Confusion counts of a binary classifier, local and global."""

    def __init__(self):
        self.reset_stats()

    def update_binary_stats(self, label, pred):
        pred = as_numpy(pred)
        label = as_numpy(label).astype('int32')
        pred_label = numpy.argmax(pred, axis=1)
        check_label_shapes(label, pred)
        if len(numpy.unique(label)) > 2:
            raise MXNetValueError('%s currently only supports binary classification (labels '
                                  '0 and 1)' % self.__class__.__name__)
        pred_true = (pred_label == 1)
        pred_false = 1 - pred_true
        label_true = (label == 1)
        label_false = 1 - label_true
        true_pos = int((pred_true * label_true).sum())
        false_pos = int((pred_true * label_false).sum())
        false_neg = int((pred_false * label_true).sum())
        true_neg = int((pred_false * label_false).sum())
        self.true_positives += true_pos
        self.global_true_positives += true_pos
        self.false_positives += false_pos
        self.global_false_positives += false_pos
        self.false_negatives += false_neg
        self.global_false_negatives += false_neg
        self.true_negatives += true_neg
        self.global_true_negatives += true_neg

    @staticmethod
    def _fscore(tp, fp, fn):
        precision = float(tp) / (tp + fp) if tp + fp > 0 else 0.
        recall = float(tp) / (tp + fn) if tp + fn > 0 else 0.
        if precision + recall > 0:
            return 2 * precision * recall / (precision + recall)
        return 0.

    @property
    def fscore(self):
        return self._fscore(self.true_positives, self.false_positives, self.false_negatives)

    @property
    def global_fscore(self):
        return self._fscore(self.global_true_positives, self.global_false_positives,
                            self.global_false_negatives)

    def matthewscc(self, use_global=False):
        if use_global:
            if not self.global_total_examples:
                return 0.
            tp, fp, fn, tn = (self.global_true_positives, self.global_false_positives,
                              self.global_false_negatives, self.global_true_negatives)
        else:
            if not self.total_examples:
                return 0.
            tp, fp, fn, tn = (self.true_positives, self.false_positives, self.false_negatives,
                              self.true_negatives)
        terms = [(tp + fp), (tp + fn), (tn + fp), (tn + fn)]
        denom = 1.
        for t in terms:
            if t != 0.:
                denom *= t
        return ((tp * tn) - (fp * fn)) / math.sqrt(denom)

    @property
    def total_examples(self):
        return (self.false_negatives + self.false_positives + self.true_negatives
                + self.true_positives)

    @property
    def global_total_examples(self):
        return (self.global_false_negatives + self.global_false_positives
                + self.global_true_negatives + self.global_true_positives)

    def local_reset_stats(self):
        self.false_positives = 0
        self.false_negatives = 0
        self.true_positives = 0
        self.true_negatives = 0

    def reset_stats(self):
        self.local_reset_stats()
        self.global_false_positives = 0
        self.global_false_negatives = 0
        self.global_true_positives = 0
        self.global_true_negatives = 0


class _BinaryMetric(EvalMetric):
    """F1 and MCC: 'macro' averages per-update scores, 'micro' scores all counts."""

    def __init__(self, name, output_names, label_names, average):
        if average not in ('macro', 'micro'):
            raise MXNetValueError("%s: average must be 'macro' or 'micro', got %r"
                                  % (type(self).__name__, average))
        self.average = average
        self.metrics = _BinaryClassificationMetrics()
        super().__init__(name=name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)

    def _score(self, use_global):
        must_override(self, '_score', 'return the score of the accumulated counts')

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            self.metrics.update_binary_stats(label, pred)
        if self.average == 'macro':
            self.sum_metric += self._score(False)
            self.global_sum_metric += self._score(True)
            self.num_inst += 1
            self.global_num_inst += 1
            self.metrics.reset_stats()
        else:
            self.sum_metric = self._score(False) * self.metrics.total_examples
            self.global_sum_metric = self._score(True) * self.metrics.global_total_examples
            self.num_inst = self.metrics.total_examples
            self.global_num_inst = self.metrics.global_total_examples

    def reset(self):
        self.sum_metric = 0.
        self.num_inst = 0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0
        if hasattr(self, 'metrics'):
            self.metrics.reset_stats()

    def reset_local(self):
        self.sum_metric = 0.
        self.num_inst = 0
        self.metrics.local_reset_stats()


@register
class F1(_BinaryMetric):
    """F1 score of a binary classifier (labels 0/1, predictions of shape (N, 2))."""

    def __init__(self, name='f1', output_names=None, label_names=None, average='macro'):
        super().__init__(name, output_names, label_names, average)

    def _score(self, use_global):
        return self.metrics.global_fscore if use_global else self.metrics.fscore


@register
class MCC(_BinaryMetric):
    """Matthews correlation coefficient of a binary classifier."""

    def __init__(self, name='mcc', output_names=None, label_names=None, average='macro'):
        super().__init__(name, output_names, label_names, average)

    def _score(self, use_global):
        return self.metrics.matthewscc(use_global)


@register
class PCC(EvalMetric):
    """Multiclass Pearson correlation (generalised MCC) from a confusion matrix that
    grows with the largest class seen."""

    def __init__(self, name='pcc', output_names=None, label_names=None, has_global_stats=True):
        self.k = 2
        super().__init__(name=name, output_names=output_names, label_names=label_names,
                         has_global_stats=has_global_stats)

    def _grow(self, inc):
        self.lcm = numpy.pad(self.lcm, ((0, inc), (0, inc)), 'constant', constant_values=(0))
        self.gcm = numpy.pad(self.gcm, ((0, inc), (0, inc)), 'constant', constant_values=(0))
        self.k += inc

    @staticmethod
    def _calc_mcc(cmat):
        n = cmat.sum()
        x = cmat.sum(axis=1)
        y = cmat.sum(axis=0)
        cov_xx = numpy.sum(x * (n - x))
        cov_yy = numpy.sum(y * (n - y))
        if cov_xx == 0 or cov_yy == 0:
            return float('nan')
        i = cmat.diagonal()
        cov_xy = numpy.sum(i * n - x * y)
        return cov_xy / (cov_xx * cov_yy) ** 0.5

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label = as_numpy(label).astype('int32')
            pred = as_numpy(pred)
            if pred.shape != label.shape:
                pred = pred.argmax(axis=1)
            else:
                pred = pred.astype('int32')
            n = max(pred.max(), label.max())
            if n >= self.k:
                self._grow(n + 1 - self.k)
            bcm = numpy.zeros((self.k, self.k))
            numpy.add.at(bcm, (pred.ravel(), label.ravel()), 1)
            self.lcm += bcm
            self.gcm += bcm
        self.num_inst += 1
        self.global_num_inst += 1

    @property
    def sum_metric(self):
        return self._calc_mcc(self.lcm) * self.num_inst

    @property
    def global_sum_metric(self):
        return self._calc_mcc(self.gcm) * self.global_num_inst

    def reset(self):
        self.global_num_inst = 0.
        self.gcm = numpy.zeros((self.k, self.k))
        self.reset_local()

    def reset_local(self):
        self.num_inst = 0.
        self.lcm = numpy.zeros((self.k, self.k))


@register
class Perplexity(EvalMetric):
    """exp of the mean negative log-probability of the labels; labels equal to
    ``ignore_label`` are left out.  The class axis is ``axis`` (default: last)."""

    def __init__(self, ignore_label, axis=-1, name='perplexity', output_names=None,
                 label_names=None):
        super().__init__(name, ignore_label=ignore_label, output_names=output_names,
                         label_names=label_names, has_global_stats=True)
        self.ignore_label = ignore_label
        self.axis = axis

    def update(self, labels, preds):
        if len(labels) != len(preds):
            raise MXNetValueError('Perplexity: %d labels but %d predictions'
                                  % (len(labels), len(preds)))
        loss = 0.
        num = 0
        for label, pred in zip(labels, preds):
            label = as_numpy(label)
            pred = as_numpy(pred)
            if pred.ndim == 0 or label.size != pred.size / pred.shape[self.axis]:
                raise MXNetValueError('shape mismatch: %s vs. %s' % (label.shape, pred.shape))
            label = label.reshape((label.size,))
            classes = pred.shape[self.axis]
            probs = numpy.moveaxis(pred, self.axis, -1).reshape(-1, classes)
            index = numpy.clip(label.astype('int32'), 0, classes - 1)
            picked = probs[numpy.arange(label.size), index]
            if self.ignore_label is not None:
                ignore = (label == self.ignore_label).astype(picked.dtype)
                num -= float(ignore.sum())
                picked = picked * (1 - ignore) + ignore
            loss -= float(numpy.sum(numpy.log(numpy.maximum(picked.dtype.type(1e-10), picked))))
            num += picked.size
        self._add(loss, num)

    def get(self):
        if self.num_inst == 0:
            return (self.name, float('nan'))
        return (self.name, math.exp(self.sum_metric / self.num_inst))

    def get_global(self):
        if self.global_num_inst == 0:
            return (self.name, float('nan'))
        return (self.name, math.exp(self.global_sum_metric / self.global_num_inst))


class _LogLoss(EvalMetric):
    def __init__(self, eps, name, output_names, label_names):
        super().__init__(name, eps=eps, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        self.eps = eps

    def update(self, labels, preds):
        labels, preds = check_label_shapes(labels, preds, True)
        for label, pred in zip(labels, preds):
            label = as_numpy(label).ravel()
            pred = as_numpy(pred)
            if label.shape[0] != pred.shape[0]:
                raise MXNetValueError('%s: %d labels for %d predictions'
                                      % (type(self).__name__, label.shape[0], pred.shape[0]))
            prob = pred[numpy.arange(label.shape[0], dtype=numpy.int64), numpy.int64(label)]
            self._add((-numpy.log(prob + self.eps)).sum(), label.shape[0])


@register
@alias('ce')
class CrossEntropy(_LogLoss):
    """Mean cross-entropy ``-log(p[label] + eps)`` over samples."""

    def __init__(self, eps=1e-12, name='cross-entropy', output_names=None, label_names=None):
        super().__init__(eps, name, output_names, label_names)


@register
@alias('nll_loss')
class NegativeLogLikelihood(_LogLoss):
    """Mean negative log-likelihood ``-log(p[label] + eps)`` over samples."""

    def __init__(self, eps=1e-12, name='nll-loss', output_names=None, label_names=None):
        super().__init__(eps, name, output_names, label_names)
