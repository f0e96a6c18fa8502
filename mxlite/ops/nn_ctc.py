"""``CTCLoss`` (connectionist temporal classification), MXNet's ``ctc_loss``.

data (T, N, C) are unnormalised scores (softmax is applied inside), label
(N, L) class indices padded with 0 (``blank_label='first'``: blank is class
0) or -1 (``'last'``: blank is class C-1); optional ``data_lengths`` and
``label_lengths`` (N,).  The output is -log p(label | data) per sample; the
gradient of the scores is computed with the forward pass (alpha-beta in log
space) and scaled by the head gradient.
"""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import fmt
from .nn_common import float_type


def _logsumexp(a, b):
    m = np.maximum(a, b)
    with np.errstate(invalid='ignore'):
        out = m + np.log(np.exp(a - m) + np.exp(b - m))
    return np.where(np.isneginf(m), -np.inf, out)


def ctc_sample(logp, labels, blank):
    """(-log p, d loss / d scores) of one sample: logp (T, C) log-softmax, labels (L,)."""
    T, C = logp.shape
    ext = np.full(2 * len(labels) + 1, blank, dtype=np.int64)
    ext[1::2] = labels
    S = len(ext)
    # transitions from s-2 allowed where ext[s] is a label different from ext[s-2]
    skip = np.zeros(S, dtype=bool)
    skip[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
    lp = logp[:, ext]                                  # (T, S)
    alpha = np.full((T, S), -np.inf)
    alpha[0, 0] = lp[0, 0]
    if S > 1:
        alpha[0, 1] = lp[0, 1]
    for t in range(1, T):
        prev = alpha[t - 1]
        a = prev.copy()
        a[1:] = _logsumexp(a[1:], prev[:-1])
        a[2:] = np.where(skip[2:], _logsumexp(a[2:], prev[:-2]), a[2:])
        alpha[t] = a + lp[t]
    beta = np.full((T, S), -np.inf)
    beta[T - 1, S - 1] = lp[T - 1, S - 1]
    if S > 1:
        beta[T - 1, S - 2] = lp[T - 1, S - 2]
    for t in range(T - 2, -1, -1):
        nxt = beta[t + 1]
        b = nxt.copy()
        b[:-1] = _logsumexp(b[:-1], nxt[1:])
        b[:-2] = np.where(skip[2:], _logsumexp(b[:-2], nxt[2:]), b[:-2])
        beta[t] = b + lp[t]
    log_p = alpha[T - 1, S - 1] if S == 1 else _logsumexp(alpha[T - 1, S - 1],
                                                          alpha[T - 1, S - 2])
    grad = np.exp(logp)                                # softmax
    if np.isneginf(log_p):
        return np.inf, np.zeros_like(grad)
    # posterior of each class at t: sum over s with ext[s] == c of alpha*beta / (p * y)
    post = alpha + beta - lp - log_p                   # (T, S)
    occ = np.zeros((T, C))
    for s in range(S):
        occ[:, ext[s]] += np.exp(post[:, s])
    return -log_p, grad - occ


@register
class CTCLoss(Operator):
    name = 'CTCLoss'
    aliases = ('ctc_loss', '_contrib_CTCLoss', '_contrib_ctc_loss')
    params = (Param('use_data_lengths', 'bool', False, doc='data_lengths input gives T per sample'),
              Param('use_label_lengths', 'bool', False,
                    doc='label_lengths input gives L per sample (otherwise padding ends labels)'),
              Param('blank_label', 'enum', 'first', choices=('first', 'last'),
                    doc="blank is class 0 ('first', labels padded with 0) or C-1 ('last', -1)"))
    outputs = ('output', 'grad')
    grad_needs = ('inputs', 'outputs')
    doc = 'Connectionist temporal classification loss per sample (softmax applied inside).'

    def list_arguments(self, attrs):
        args = ['data', 'label']
        if attrs.use_data_lengths:
            args.append('data_lengths')
        if attrs.use_label_lengths:
            args.append('label_lengths')
        return args

    def num_visible_outputs(self, attrs):
        return 1

    def infer_shape(self, attrs, in_shapes):
        data, label = in_shapes[0], in_shapes[1]
        if data is None:
            return in_shapes, [None, None]
        if len(data) != 3:
            raise MXNetError('CTCLoss: data must be (sequence length, batch, alphabet size); '
                             'got %s' % fmt(data))
        if label is not None and (len(label) != 2 or label[0] != data[1]):
            raise MXNetError('CTCLoss: label must be (batch, max label length) with batch %d; '
                             'got %s' % (data[1], fmt(label)))
        shapes = [tuple(data), tuple(label) if label is not None else None]
        shapes += [(data[1],)] * (len(in_shapes) - 2)
        return shapes, [(data[1],), tuple(data)]

    def infer_type(self, attrs, in_types):
        float_type(self.name, 'data', in_types[0])
        d = in_types[0]
        return [d] + [t if t is not None else d for t in in_types[1:]], [d, d]

    def forward(self, ctx, attrs, inputs, aux):
        data = np.asarray(inputs[0], dtype=np.float64)
        label = np.asarray(inputs[1])
        T, N, C = data.shape
        i = 2
        data_len = label_len = None
        if attrs.use_data_lengths:
            data_len = np.asarray(inputs[i]).astype(np.int64)
            i += 1
        if attrs.use_label_lengths:
            label_len = np.asarray(inputs[i]).astype(np.int64)
        blank = 0 if attrs.blank_label == 'first' else C - 1
        pad = 0 if attrs.blank_label == 'first' else -1
        m = data.max(axis=2, keepdims=True)
        logp = data - m - np.log(np.exp(data - m).sum(axis=2, keepdims=True))
        loss = np.zeros(N)
        grad = np.zeros((T, N, C))
        for n in range(N):
            tn = T if data_len is None else int(data_len[n])
            row = label[n].astype(np.int64)
            if label_len is not None:
                row = row[:int(label_len[n])]
            else:
                stop = np.flatnonzero(row == pad)
                row = row[:stop[0]] if stop.size else row
            if tn < 1 or tn > T:
                raise MXNetError('CTCLoss: data length %d of sample %d is outside [1, %d]'
                                 % (tn, n, T))
            if np.any(row < 0) or np.any(row >= C) or np.any(row == blank):
                raise MXNetError('CTCLoss: sample %d has a label outside the alphabet or equal '
                                 'to the blank (%d): %s' % (n, blank, row.tolist()))
            loss[n], grad[:tn, n] = ctc_sample(logp[:tn, n], row, blank)
        dt = inputs[0].dtype
        return [loss.astype(dt), grad.astype(dt)]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        g = outputs[1] * np.asarray(out_grads[0]).reshape(1, -1, 1)
        return [g.astype(inputs[0].dtype)] + [None] * (len(inputs) - 1)
