"""What mxlite's ``fit`` adds to MXNet's: the loss, NaN detection, a live status line.

* :class:`HeadLoss` is a metric computing the training loss of the network's
  loss heads (``SoftmaxOutput``: cross-entropy; ``LinearRegressionOutput``:
  half squared error; ``LogisticRegressionOutput``: binary cross-entropy;
  ``MAERegressionOutput``: absolute error; ``MakeLoss``: the mean output),
  so the loss is logged next to the user's metric.
* :func:`non_finite` checks a batch's loss and gradients once per batch
  (one reduction per array), so a diverging run is reported the moment it
  happens, with the epoch, the batch and a hint.
* :class:`Snapshot` keeps a copy of the state a batch may spoil (parameters,
  auxiliary states, optimizer states) so ``on_nan='stop'`` can put back the
  last finite values: one copy per batch into buffers allocated once.
"""
import math

import numpy as np

from ..base import MXNetError

__all__ = ['HeadLoss', 'loss_heads', 'non_finite', 'NonFiniteError', 'Snapshot']

LOSS_OPS = ('SoftmaxOutput', 'LinearRegressionOutput', 'LogisticRegressionOutput',
            'MAERegressionOutput', 'MakeLoss')


class NonFiniteError(MXNetError):
    """Raised by ``fit(..., on_nan='stop')`` when the loss or a gradient is NaN/inf."""


def loss_heads(symbol):
    """[(output index, op name, attrs)] for outputs produced by loss operators."""
    out = []
    for i, (node, _) in enumerate(symbol._outputs):
        if node.op is not None and node.op.name in LOSS_OPS:
            out.append((i, node.op.name, node.attrs))
    return out


def _head_loss(op, attrs, pred, label):
    p = pred.astype(np.float64, copy=False)
    if op == 'MakeLoss':
        return float(np.mean(p)), 1
    if label is None:
        return None, 0
    y = label.astype(np.float64, copy=False)
    n = p.shape[0]
    if op == 'SoftmaxOutput':
        if getattr(attrs, 'multi_output', False) or p.ndim > 2:
            # (N, C, ...) probabilities with (N, ...) labels
            probs = np.moveaxis(p, 1, -1).reshape(-1, p.shape[1])
            lab = y.reshape(-1)
        else:
            probs = p.reshape(n, -1)
            lab = y.reshape(-1)
            if lab.shape[0] != probs.shape[0]:
                return None, 0
        idx = lab.astype(np.int64)
        keep = np.ones(idx.shape, dtype=bool)
        if getattr(attrs, 'use_ignore', False):
            keep = lab != attrs.ignore_label
        idx = np.clip(idx, 0, probs.shape[1] - 1)
        picked = probs[np.arange(probs.shape[0]), idx][keep]
        if picked.size == 0:
            return 0.0, 0
        return float(-np.sum(np.log(np.maximum(picked, 1e-12)))), int(picked.size)
    y = y.reshape(p.shape) if y.size == p.size else y
    if y.shape != p.shape:
        return None, 0
    if op == 'LinearRegressionOutput':
        per = 0.5 * np.sum(np.square(p - y).reshape(n, -1), axis=1)
    elif op == 'MAERegressionOutput':
        per = np.sum(np.abs(p - y).reshape(n, -1), axis=1)
    else:  # LogisticRegressionOutput: pred is sigmoid(x)
        q = np.clip(p, 1e-12, 1 - 1e-12)
        per = -np.sum((y * np.log(q) + (1 - y) * np.log(1 - q)).reshape(n, -1), axis=1)
    return float(np.sum(per)), n


class HeadLoss:
    """A metric-like accumulator of the loss heads' average loss (name 'loss')."""

    def __init__(self, heads, label_names, output_names):
        self.heads = heads
        self.label_names = label_names
        self.output_names = output_names
        self.name = 'loss'
        self.reset()

    def reset(self):
        self.sum_metric = 0.0
        self.num_inst = 0
        self.global_sum_metric = 0.0
        self.global_num_inst = 0
        self.last_batch = float('nan')

    def reset_local(self):
        self.sum_metric = 0.0
        self.num_inst = 0

    def update_batch(self, labels, outputs):
        total, count = 0.0, 0
        for k, (i, op, attrs) in enumerate(self.heads):
            label = None
            if op != 'MakeLoss' and labels:
                label = labels[min(k, len(labels) - 1)]
            pred = outputs[i]
            value, n = _head_loss(op, attrs, pred.asnumpy() if hasattr(pred, 'asnumpy') else pred,
                                  None if label is None else (label.asnumpy()
                                                              if hasattr(label, 'asnumpy')
                                                              else np.asarray(label)))
            if value is None:
                continue
            total += value
            count = max(count, n)
        if count:
            self.sum_metric += total
            self.num_inst += count
            self.global_sum_metric += total
            self.global_num_inst += count
            self.last_batch = total / count
        return self.last_batch

    def get(self):
        return self.name, (self.sum_metric / self.num_inst if self.num_inst else float('nan'))

    def get_global(self):
        return self.name, (self.global_sum_metric / self.global_num_inst
                           if self.global_num_inst else float('nan'))


def non_finite(arrays):
    """Index of the first array holding NaN or inf, else -1 (one reduction each)."""
    for i, a in enumerate(arrays):
        if a is None:
            continue
        data = a._data if hasattr(a, '_data') else a
        if data.dtype.kind == 'f' and not math.isfinite(float(np.sum(data))):
            return i
    return -1


class Snapshot:
    """Copies of a list of numpy arrays, taken before a batch and put back after a bad one."""

    def __init__(self):
        self._arrays = []
        self._copies = []

    def take(self, arrays):
        if len(arrays) != len(self._copies) or any(
                c.shape != a.shape or c.dtype != a.dtype for a, c in zip(arrays, self._copies)):
            self._copies = [np.empty_like(a) for a in arrays]
        for a, c in zip(arrays, self._copies):
            np.copyto(c, a)
        self._arrays = list(arrays)

    def restore(self):
        for a, c in zip(self._arrays, self._copies):
            np.copyto(a, c)
