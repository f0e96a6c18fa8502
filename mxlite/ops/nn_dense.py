"""FullyConnected and Embedding: the layers that are one matrix product or lookup."""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import fmt, shape_size
from .nn_common import (uniform_float_type, float_type, as_compute, compute_dtype, wanted,
                        out_buffer, finish, grad_buffer)


@register
class FullyConnected(Operator):
    name = 'FullyConnected'
    params = (Param('num_hidden', 'int', doc='number of output units'),
              Param('no_bias', 'bool', False, doc='whether to leave out the bias'),
              Param('flatten', 'bool', True,
                    doc='flatten all but the first axis of data (else use only the last axis)'))
    arguments = ('data', 'weight', 'bias')
    grad_needs = ('inputs',)
    doc = 'out = data @ weight.T + bias, with weight (num_hidden, features).'

    def list_arguments(self, attrs):
        return ['data', 'weight'] if attrs.no_bias else ['data', 'weight', 'bias']

    def infer_type(self, attrs, in_types):
        return uniform_float_type(self.name, self.list_arguments(attrs), in_types, 1)

    def infer_shape_backward(self, attrs, in_shapes, out_shapes):
        """Complete unknown (0) batch dimensions of ``data`` from the known output."""
        data, out = in_shapes[0], out_shapes[0]
        if data is None or out is None or 0 not in data:
            return None
        lead = 1 if attrs.flatten else len(data) - 1
        if len(out) != lead + 1:
            return None
        filled = tuple(o if d == 0 else d for d, o in zip(data[:lead], out[:lead])) + data[lead:]
        return [filled] + list(in_shapes[1:])

    def infer_shape(self, attrs, in_shapes):
        H = attrs.num_hidden
        if H < 1:
            raise MXNetError('FullyConnected: num_hidden must be at least 1, got %d' % H)
        data, weight = in_shapes[0], in_shapes[1]
        K = 0
        if data is not None:
            if len(data) == 0:
                raise MXNetError('FullyConnected: data must have at least one dimension')
            if attrs.flatten:
                rest = data[1:]
                K = shape_size(rest) if all(rest) else 0
            else:
                K = data[-1]
        if K == 0 and weight is not None and len(weight) == 2:
            K = weight[1]
        want_w = (H, K)
        if weight is not None:
            if len(weight) != 2 or (weight[0] and weight[0] != H) or (K and weight[1] and weight[1] != K):
                raise MXNetError('FullyConnected: weight shape %s does not match num_hidden=%d and data '
                                 'of shape %s with %s input features%s: expected %s'
                                 % (fmt(weight), H, fmt(data), K or '?',
                                    '' if attrs.flatten else ' (flatten=False uses the last axis)',
                                    fmt(want_w)))
        shapes = [data, want_w]
        if not attrs.no_bias:
            b = in_shapes[2]
            if b is not None and (len(b) != 1 or (b[0] and b[0] != H)):
                raise MXNetError('FullyConnected: bias shape %s does not match num_hidden=%d: expected '
                                 '(%d,)' % (fmt(b), H, H))
            shapes.append((H,))
        if data is None:
            return shapes, [None]
        if attrs.flatten:
            out = (data[0], H)
        else:
            out = tuple(data[:-1]) + (H,)
        return shapes, [out]

    @staticmethod
    def _rows(attrs, x, w, out_shape):
        """(rows, K) of the product; a zero-size data axis is real here, not unknown."""
        rows = shape_size(out_shape[:-1]) if not attrs.flatten else out_shape[0]
        K = w.shape[1]
        features = shape_size(x.shape[1:]) if attrs.flatten else x.shape[-1]
        if features != K:
            raise MXNetError('FullyConnected: data of shape %s does not have %d input features '
                             'per row as weight %s needs' % (fmt(x.shape), K, fmt(w.shape)))
        return rows, K

    def forward(self, ctx, attrs, inputs, aux):
        x, w = inputs[0], inputs[1]
        dt = compute_dtype(x)
        rows, K = self._rows(attrs, x, w, ctx.shapes[0])
        x2 = as_compute(x).reshape(rows, K)
        out = out_buffer(ctx, 0, ctx.shapes[0], dt)
        out2 = out.reshape(rows, attrs.num_hidden)
        from ..kernels._threads import gemm
        gemm(x2, as_compute(w).T, out2)
        if not attrs.no_bias:
            out2 += as_compute(inputs[2])
        return [finish(ctx, 0, out, ctx.dtypes[0])]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        x, w = inputs[0], inputs[1]
        H = attrs.num_hidden
        rows, K = self._rows(attrs, x, w, out_grads[0].shape)
        dy = as_compute(out_grads[0]).reshape(rows, H)
        dt = dy.dtype
        grads = [None, None] + ([] if attrs.no_bias else [None])
        from ..kernels._threads import gemm
        if wanted(ctx, 0):
            dx = grad_buffer(ctx, 0, x.shape, dt)
            gemm(dy, as_compute(w), dx.reshape(rows, K))
            grads[0] = dx.astype(x.dtype, copy=False)
        if wanted(ctx, 1):
            dw = grad_buffer(ctx, 1, w.shape, dt)
            gemm(dy.T, as_compute(x).reshape(rows, K), dw)
            grads[1] = dw.astype(w.dtype, copy=False)
        if not attrs.no_bias and wanted(ctx, 2):
            grads[2] = dy.sum(axis=0, dtype=np.float64).astype(inputs[2].dtype)
        return grads


_EMB_TYPES = ('bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', 'int8', 'uint8')


@register
class Embedding(Operator):
    name = 'Embedding'
    params = (Param('input_dim', 'int', doc='vocabulary size (rows of weight)'),
              Param('output_dim', 'int', doc='embedding size (columns of weight)'),
              Param('dtype', 'enum', 'float32', choices=_EMB_TYPES, doc='dtype of weight and output'),
              Param('sparse_grad', 'bool', False,
                    doc='accepted; mxlite computes the (numerically equal) dense gradient'))
    arguments = ('data', 'weight')
    grad_needs = ('inputs',)
    doc = ('Looks up rows of weight (input_dim, output_dim) at the indices in data; indices are '
           'truncated to integers and clipped to [0, input_dim - 1].')

    def infer_shape(self, attrs, in_shapes):
        if attrs.input_dim < 1 or attrs.output_dim < 1:
            raise MXNetError('Embedding: input_dim and output_dim must be at least 1, got %d and %d'
                             % (attrs.input_dim, attrs.output_dim))
        want = (attrs.input_dim, attrs.output_dim)
        w = in_shapes[1]
        if w is not None and (len(w) != 2 or any(a and a != b for a, b in zip(w, want))):
            raise MXNetError('Embedding: weight shape %s does not match input_dim=%d and output_dim=%d: '
                             'expected %s' % (fmt(w), attrs.input_dim, attrs.output_dim, fmt(want)))
        data = in_shapes[0]
        out = None if data is None else tuple(data) + (attrs.output_dim,)
        return [data, want], [out]

    def infer_type(self, attrs, in_types):
        if attrs.dtype == 'bfloat16':
            raise MXNetError("Embedding: dtype 'bfloat16' is not supported by mxlite")
        w = in_types[1] if in_types[1] is not None else np.dtype(attrs.dtype)
        return [in_types[0], w], [w]

    def forward(self, ctx, attrs, inputs, aux):
        from ..kernels import indexing
        idx = indexing.as_index(inputs[0].reshape(-1))
        w = np.ascontiguousarray(inputs[1])
        out = ctx.out(0)
        res = out if out.flags.c_contiguous else np.empty(out.shape, out.dtype)
        indexing.take3(w.reshape(1, attrs.input_dim, attrs.output_dim), idx,
                       res.reshape(1, idx.shape[0], attrs.output_dim), False)
        if res is not out:
            np.copyto(out, res)
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        from ..kernels import indexing
        idx = indexing.as_index(inputs[0].reshape(-1))
        w = inputs[1]
        dt = np.float64 if w.dtype == np.float64 else np.float32
        dw = np.zeros(w.shape, dtype=dt)
        dy = np.ascontiguousarray(out_grads[0], dtype=dt).reshape(1, -1, attrs.output_dim)
        indexing.take3_backward(dy, idx, dw.reshape(1, attrs.input_dim, attrs.output_dim), False)
        dx = np.zeros_like(inputs[0]) if inputs[0].dtype.kind == 'f' else None
        return [dx, dw.astype(w.dtype, copy=False)]
