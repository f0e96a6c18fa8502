"""softmax, log_softmax, softmin and SoftmaxActivation."""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import fmt, norm_axis
from .nn_common import float_type, as_compute, finish, grad_buffer

_DTYPES = ('float16', 'float32', 'float64')


def _blocks(shape, axis):
    """(outer, n, inner) of ``shape`` around ``axis``."""
    outer = int(np.prod(shape[:axis], dtype=np.int64))
    inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
    return outer, shape[axis], inner


class _SoftmaxBase(Operator):
    """Shared by softmax, log_softmax and softmin: reduce over ``axis``."""
    params = (Param('axis', 'int', -1, doc='the axis to normalise over'),
              Param('temperature', 'float', None, doc='divides the input (default 1)'),
              Param('dtype', 'enum', None, choices=_DTYPES, doc='output dtype (default: the input\'s)'),
              Param('use_length', 'bool', False, doc='mask entries past a per-row length'))
    arguments = ('data', 'length')
    grad_needs = ('inputs', 'outputs')
    log = False
    sign = 1.0
    has_length = True

    def list_arguments(self, attrs):
        return ['data', 'length'] if attrs.use_length else ['data']

    def _check(self, attrs):
        if attrs.use_length and not self.has_length:
            raise MXNetError('%s: use_length=True is not supported by mxlite for this operator; '
                             'use softmax with a length input' % self.name)
        if attrs.temperature is not None and attrs.temperature == 0:
            raise MXNetError('%s: temperature must be non-zero' % self.name)

    def infer_shape(self, attrs, in_shapes):
        self._check(attrs)
        data = in_shapes[0]
        if data is None:
            return in_shapes, [None]
        axis = norm_axis(self.name, attrs.axis, len(data))
        if attrs.use_length:
            want = tuple(data[:axis]) + tuple(data[axis + 1:])
            got = in_shapes[1]
            if got is not None and tuple(got) != want and not (want == () and tuple(got) == (1,)):
                raise MXNetError('%s: length has shape %s but data %s with axis=%d needs %s'
                                 % (self.name, fmt(got), fmt(data), attrs.axis, fmt(want)))
            return [data, got if got is not None else want], [data]
        return in_shapes, [data]

    def infer_type(self, attrs, in_types):
        float_type(self.name, 'data', in_types[0])
        if attrs.use_length and in_types[1] is not None and np.dtype(in_types[1]).kind not in 'iu':
            raise MXNetError('%s: length must have an integer dtype (got %s); convert it with '
                             ".astype('int32')" % (self.name, np.dtype(in_types[1]).name))
        out = np.dtype(attrs.dtype) if attrs.dtype else in_types[0]
        return list(in_types), [out]

    def _compute_dtype(self, x, out_dtype):
        return np.float64 if np.float64 in (x.dtype, np.dtype(out_dtype)) else np.float32

    def _lens(self, attrs, inputs, outer, inner):
        if not attrs.use_length:
            return np.zeros((1, 1), dtype=np.int64), False
        return np.ascontiguousarray(inputs[1], dtype=np.int64).reshape(outer, inner), True

    def _axis(self, attrs, ndim):
        return norm_axis(self.name, attrs.axis, ndim)

    def forward(self, ctx, attrs, inputs, aux):
        from ..kernels import softmax
        x = inputs[0]
        dt = self._compute_dtype(x, ctx.dtypes[0])
        shape3 = _blocks(x.shape, self._axis(attrs, x.ndim))
        y = np.empty(x.shape, dtype=dt)
        lens, use_len = self._lens(attrs, inputs, shape3[0], shape3[2])
        t = attrs.temperature if attrs.temperature is not None else 1.0
        softmax.forward(np.ascontiguousarray(x, dtype=dt).reshape(shape3), y.reshape(shape3),
                                1.0 / t, self.sign, self.log, lens, use_len)
        return [finish(ctx, 0, y, ctx.dtypes[0])]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        from ..kernels import softmax
        x, y = inputs[0], outputs[0]
        dt = self._compute_dtype(x, y.dtype)
        shape3 = _blocks(x.shape, self._axis(attrs, x.ndim))
        dx = grad_buffer(ctx, 0, x.shape, dt)
        lens, use_len = self._lens(attrs, inputs, shape3[0], shape3[2])
        t = attrs.temperature if attrs.temperature is not None else 1.0
        softmax.backward(np.ascontiguousarray(y, dtype=dt).reshape(shape3),
                                 np.ascontiguousarray(out_grads[0], dtype=dt).reshape(shape3),
                                 dx.reshape(shape3), self.sign / t, self.log, lens, use_len)
        grads = [dx.astype(x.dtype, copy=False)]
        if attrs.use_length:
            grads.append(None)
        return grads


@register
class Softmax(_SoftmaxBase):
    name = 'softmax'
    doc = 'exp(x / T) normalised to sum to 1 along axis.'


@register
class LogSoftmax(_SoftmaxBase):
    name = 'log_softmax'
    log = True
    has_length = False
    arguments = ('data',)
    doc = 'log(softmax(x / T)) along axis, computed stably.'


@register
class Softmin(_SoftmaxBase):
    name = 'softmin'
    sign = -1.0
    has_length = False
    arguments = ('data',)
    doc = 'softmax(-x / T) along axis.'


@register
class SoftmaxActivation(Operator):
    name = 'SoftmaxActivation'
    params = (Param('mode', 'enum', 'instance', choices=('channel', 'instance'),
                    doc="'instance': over all but the first axis; 'channel': over axis 1"),)
    grad_needs = ('outputs',)
    doc = 'Softmax over each instance (flattened) or over the channel axis.'

    def infer_type(self, attrs, in_types):
        float_type(self.name, 'data', in_types[0])
        return list(in_types), [in_types[0]]

    def infer_shape(self, attrs, in_shapes):
        data = in_shapes[0]
        if data is not None and len(data) < 2:
            raise MXNetError('SoftmaxActivation: data must have at least 2 dimensions; got %s'
                             % fmt(data))
        return in_shapes, [data]

    @staticmethod
    def _shape3(attrs, shape):
        if attrs.mode == 'instance':
            return (shape[0], int(np.prod(shape[1:], dtype=np.int64)), 1)
        return _blocks(shape, 1)

    def forward(self, ctx, attrs, inputs, aux):
        from ..kernels import softmax
        x = inputs[0]
        s3 = self._shape3(attrs, x.shape)
        xc = as_compute(x)
        y = np.empty(x.shape, xc.dtype)
        softmax.forward(xc.reshape(s3), y.reshape(s3), 1.0, 1.0, False,
                                np.zeros((1, 1), np.int64), False)
        return [finish(ctx, 0, y, ctx.dtypes[0])]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        from ..kernels import softmax
        x, y = inputs[0], outputs[0]
        s3 = self._shape3(attrs, x.shape)
        yc = as_compute(y)
        dx = np.empty(x.shape, yc.dtype)
        softmax.backward(yc.reshape(s3), as_compute(out_grads[0]).reshape(s3), dx.reshape(s3),
                                 1.0, False, np.zeros((1, 1), np.int64), False)
        return [dx.astype(x.dtype, copy=False)]
