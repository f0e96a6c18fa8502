"""Loss heads and loss helpers.

``SoftmaxOutput``, the regression outputs, ``MakeLoss`` and ``make_loss``
ignore the gradient arriving from above (``ignores_head_grad``), exactly as
MXNet's loss layers: their backward is the loss gradient itself, scaled as
MXNet scales it.
"""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import fmt, shape_size
from .nn_common import float_type, as_compute, compute_dtype, finish


@register
class SoftmaxOutput(Operator):
    name = 'SoftmaxOutput'
    aliases = ('Softmax',)
    params = (Param('grad_scale', 'float', 1.0, doc='scales the gradient'),
              Param('ignore_label', 'float', -1.0, doc='label value ignored when use_ignore'),
              Param('multi_output', 'bool', False, doc='softmax over axis 1 at every position'),
              Param('use_ignore', 'bool', False, doc='zero the gradient of ignore_label entries'),
              Param('preserve_shape', 'bool', False, doc='softmax over the last axis'),
              Param('normalization', 'enum', 'null', choices=('batch', 'null', 'valid'),
                    doc="divide the gradient by nothing, the batch size or the valid labels"),
              Param('out_grad', 'bool', False, doc='not supported by mxlite'),
              Param('smooth_alpha', 'float', 0.0, doc='label smoothing'))
    arguments = ('data', 'label')
    grad_needs = ('inputs', 'outputs')
    ignores_head_grad = True
    doc = ('Softmax in the forward pass; in the backward pass the cross-entropy gradient '
           '(softmax - onehot(label)) * grad_scale, normalised as asked, ignoring the head gradient.')

    def _label_shape(self, attrs, data):
        if attrs.multi_output:
            return (data[0],) + tuple(data[2:])
        return tuple(data[:-1])

    def infer_shape(self, attrs, in_shapes):
        if attrs.out_grad:
            raise MXNetError('SoftmaxOutput: out_grad=True is not supported by mxlite')
        data, label = in_shapes
        if data is None:
            return in_shapes, [None]
        if len(data) < 2 and not attrs.preserve_shape:
            raise MXNetError('SoftmaxOutput: data must have at least 2 dimensions (batch, classes); '
                             'got %s' % fmt(data))
        if attrs.multi_output and len(data) < 3:
            raise MXNetError('SoftmaxOutput: multi_output=True needs data of at least 3 dimensions '
                             '(batch, classes, positions...); got %s' % fmt(data))
        want = self._label_shape(attrs, data)
        if label is not None and all(want) and all(label):
            ok = tuple(label) == want
            if attrs.multi_output and not ok:
                # MXNet also takes the positions flattened: (batch, prod(positions))
                ok = len(label) >= 1 and label[0] == data[0] and shape_size(label) == shape_size(want)
            if not ok:
                raise MXNetError('SoftmaxOutput: label has shape %s but data %s needs label shape %s%s'
                                 % (fmt(label), fmt(data), fmt(want),
                                    '' if attrs.multi_output or len(data) > 2 else
                                    ' (one class index per row)'))
        return [data, label if label is not None else want], [data]

    def infer_type(self, attrs, in_types):
        float_type(self.name, 'data', in_types[0])
        return list(in_types), [in_types[0]]

    def _shape3(self, attrs, shape):
        """(outer, classes, inner) of the softmax."""
        if attrs.multi_output:
            return shape[0], shape[1], shape_size(shape[2:])
        if attrs.preserve_shape:
            return shape_size(shape[:-1]), shape[-1], 1
        return shape[0], shape_size(shape[1:]), 1

    def forward(self, ctx, attrs, inputs, aux):
        from ..kernels import softmax
        x = inputs[0]
        s3 = self._shape3(attrs, x.shape)
        xc = as_compute(x)
        y = np.empty(x.shape, xc.dtype)
        softmax.forward(xc.reshape(s3), y.reshape(s3), 1.0, 1.0, False,
                                np.zeros((1, 1), np.int64), False)
        return [finish(ctx, 0, y, ctx.dtypes[0])]

    def backward_reads(self, attrs):
        # softmax(x) - onehot(label): the label and the output, never x's values
        return (1,), (0,)

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        from ..kernels import softmax
        from ..kernels._threads import call
        x, label = inputs
        y = as_compute(outputs[0])
        O, K, I = self._shape3(attrs, x.shape)
        lab = np.asarray(label, dtype=np.float64).reshape(-1)
        if not attrs.multi_output and not attrs.preserve_shape:
            lab = lab[:O]    # MXNet reads one label per row of the flattened data
        lab = np.ascontiguousarray(lab).reshape(O, I)
        if attrs.normalization == 'valid':
            valid = int(np.count_nonzero(lab != attrs.ignore_label))
            scale = attrs.grad_scale / max(valid, 1)
        elif attrs.normalization == 'batch':
            scale = attrs.grad_scale / (O * I)
        else:
            scale = attrs.grad_scale / (I if attrs.multi_output else 1)
        dx = np.empty(x.shape, y.dtype)
        call(softmax.softmax_output_grad, y.size, y.reshape(O, K, I), lab, dx.reshape(O, K, I),
                                    float(attrs.ignore_label), attrs.use_ignore,
                                    float(attrs.smooth_alpha), scale)
        return [dx.astype(x.dtype, copy=False), None]


class _RegressionOutput(Operator):
    params = (Param('grad_scale', 'float', 1.0, doc='scales the gradient'),)
    arguments = ('data', 'label')
    grad_needs = ('inputs', 'outputs')
    ignores_head_grad = True

    def infer_shape(self, attrs, in_shapes):
        data, label = in_shapes
        if data is None:
            return in_shapes, [None]
        if label is not None and all(label) and all(data):
            same = tuple(label) == tuple(data)
            squeezed = (len(label) >= 1 and label[0] == data[0] and
                        shape_size(label) == shape_size(data))
            if not (same or squeezed):
                raise MXNetError('%s: label has shape %s but data has shape %s; they must match '
                                 '(a (batch,) label is accepted for (batch, 1) data)'
                                 % (self.name, fmt(label), fmt(data)))
        return [data, label if label is not None else tuple(data)], [data]

    def infer_type(self, attrs, in_types):
        float_type(self.name, 'data', in_types[0])
        return list(in_types), [in_types[0]]

    def transform(self, x, out):
        np.copyto(out, x)

    def gradient(self, diff):
        return diff

    def forward(self, ctx, attrs, inputs, aux):
        x = inputs[0]
        out = ctx.out(0)
        self.transform(x, out)
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x, label = inputs
        y = outputs[0]
        num_output = label.size // label.shape[0] if label.ndim and label.shape[0] else 1
        diff = y - np.asarray(label, dtype=y.dtype).reshape(y.shape)
        g = self.gradient(diff) * (attrs.grad_scale / num_output)
        return [g.astype(x.dtype, copy=False), None]


@register
class LinearRegressionOutput(_RegressionOutput):
    name = 'LinearRegressionOutput'
    doc = 'Identity forward; backward (out - label) * grad_scale / outputs per example.'


@register
class LogisticRegressionOutput(_RegressionOutput):
    name = 'LogisticRegressionOutput'
    doc = 'Sigmoid forward; backward (sigmoid(x) - label) * grad_scale / outputs per example.'

    def transform(self, x, out):
        from ..kernels import activation
        res = np.empty(x.shape, compute_dtype(x))
        activation.forward(as_compute(x).reshape(-1), res.reshape(-1), activation.SIGMOID, 0.0)
        np.copyto(out, res, casting='unsafe')


@register
class MAERegressionOutput(_RegressionOutput):
    name = 'MAERegressionOutput'
    doc = 'Identity forward; backward sign(out - label) * grad_scale / outputs per example.'

    def gradient(self, diff):
        return np.sign(diff)


@register
class MakeLoss(Operator):
    name = 'MakeLoss'
    params = (Param('grad_scale', 'float', 1.0, doc='the gradient of every element'),
              Param('valid_thresh', 'float', 0.0, doc="elements above it count as valid"),
              Param('normalization', 'enum', 'null', choices=('batch', 'null', 'valid'),
                    doc='divide the gradient by nothing, the batch size or the valid count'))
    grad_needs = ('inputs',)
    ignores_head_grad = True
    doc = 'Marks its input as a loss: identity forward, gradient grad_scale (normalised) backward.'

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        if out is not inputs[0]:
            np.copyto(out, inputs[0])
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x = inputs[0]
        scale = attrs.grad_scale
        if attrs.normalization == 'batch':
            scale /= x.shape[0] if x.ndim else 1
        elif attrs.normalization == 'valid':
            scale /= max(int(np.count_nonzero(x > attrs.valid_thresh)), 1)
        return [np.full(x.shape, scale, dtype=x.dtype)]


@register
class make_loss(Operator):
    name = 'make_loss'
    grad_needs = ('inputs',)
    ignores_head_grad = True
    doc = 'Identity forward; the gradient is 1 for every element (the head gradient is ignored).'

    def forward(self, ctx, attrs, inputs, aux):
        return MakeLoss.forward(self, ctx, attrs, inputs, aux)

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        return [np.ones_like(inputs[0])]


@register
class SmoothL1(Operator):
    name = 'smooth_l1'
    params = (Param('scalar', 'float', doc='sigma: the quadratic part is |x| < 1 / sigma^2'),)
    inplace = ((0, 0),)
    grad_needs = ('inputs',)
    doc = 'f(x) = 0.5 (sigma x)^2 if |x| < 1 / sigma^2 else |x| - 0.5 / sigma^2.'

    def infer_type(self, attrs, in_types):
        float_type(self.name, 'data', in_types[0])
        return list(in_types), [in_types[0]]

    def forward(self, ctx, attrs, inputs, aux):
        x = inputs[0]
        s2 = attrs.scalar * attrs.scalar
        ax = np.abs(x)
        res = np.where(ax < 1.0 / s2, 0.5 * s2 * x * x, ax - 0.5 / s2)
        out = ctx.out(0)
        np.copyto(out, res, casting='unsafe')
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x = inputs[0]
        s2 = attrs.scalar * attrs.scalar
        d = np.where(np.abs(x) < 1.0 / s2, s2 * x, np.sign(x))
        return [(out_grads[0] * d).astype(x.dtype, copy=False)]


@register
class SoftmaxCrossEntropy(Operator):
    name = 'softmax_cross_entropy'
    arguments = ('data', 'label')
    grad_needs = ('inputs',)
    doc = 'sum over the batch of -log(softmax(data)[label]); data (batch, classes), label (batch,).'

    def infer_shape(self, attrs, in_shapes):
        data, label = in_shapes
        if data is not None and len(data) != 2:
            raise MXNetError('softmax_cross_entropy: data must be 2-D (batch, classes); got %s'
                             % fmt(data))
        if label is not None and len(label) != 1:
            raise MXNetError('softmax_cross_entropy: label must be 1-D (batch,); got %s' % fmt(label))
        if data is not None and label is not None and data[0] and label[0] and data[0] != label[0]:
            raise MXNetError('softmax_cross_entropy: label has %d entries but data has %d rows'
                             % (label[0], data[0]))
        return [data, label if label is not None else (None if data is None else (data[0],))], [(1,)]

    def infer_type(self, attrs, in_types):
        float_type(self.name, 'data', in_types[0])
        return list(in_types), [in_types[0]]

    @staticmethod
    def _probs(x):
        from ..kernels import softmax
        xc = as_compute(x)
        p = np.empty(x.shape, xc.dtype)
        softmax.forward(xc.reshape(x.shape[0], x.shape[1], 1), p.reshape(x.shape[0], x.shape[1], 1),
                                1.0, 1.0, True, np.zeros((1, 1), np.int64), False)
        return p

    @staticmethod
    def _labels(label, k):
        return np.clip(np.trunc(np.asarray(label, dtype=np.float64)), 0, k - 1).astype(np.intp)

    def forward(self, ctx, attrs, inputs, aux):
        x, label = inputs
        logp = self._probs(x)
        idx = self._labels(label, x.shape[1])
        loss = -logp[np.arange(x.shape[0]), idx].sum(dtype=np.float64)
        out = ctx.out(0)
        out[0] = loss
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x, label = inputs
        p = np.exp(self._probs(x))
        idx = self._labels(label, x.shape[1])
        p[np.arange(x.shape[0]), idx] -= 1
        p *= out_grads[0].reshape(-1)[0]
        return [p.astype(x.dtype, copy=False), None]
