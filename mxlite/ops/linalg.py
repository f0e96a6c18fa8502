"""Matrix products: dot and batch_dot (BLAS through numpy)."""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import fmt, shape_size

DOT_PARAMS = (Param('transpose_a', 'bool', False), Param('transpose_b', 'bool', False),
              Param('forward_stype', 'enum', None,
                    choices=('default', 'csr', 'row_sparse'), optional=True))


def _as2d(shape, transposed, left):
    """(rows, cols) view of an N-D operand and the dims it contributes to the output."""
    if len(shape) == 1:
        n = shape[0]
        if left:
            return (1, n), ()
        return (n, 1), ()
    if left:
        if transposed:
            return (shape[0], shape_size(shape[1:])), tuple(shape[1:])
        return (shape_size(shape[:-1]), shape[-1]), tuple(shape[:-1])
    if transposed:
        return (shape_size(shape[:-1]), shape[-1]), tuple(shape[:-1])
    return (shape[0], shape_size(shape[1:])), tuple(shape[1:])


@register
class Dot(Operator):
    name = 'dot'
    arguments = ('lhs', 'rhs')
    params = DOT_PARAMS
    grad_needs = ('inputs',)
    doc = ('Matrix product.  N-D operands contract the last axis of lhs with the first of rhs '
           '(the first of lhs / last of rhs when transposed).')

    def _geom(self, attrs, a, b):
        a2, lead = _as2d(a, attrs.transpose_a, True)
        b2, trail = _as2d(b, attrs.transpose_b, False)
        k_a = a2[0] if attrs.transpose_a else a2[1]
        k_b = b2[1] if attrs.transpose_b else b2[0]
        if k_a != k_b:
            raise MXNetError('dot: shape mismatch: lhs %s%s and rhs %s%s do not contract '
                             '(%d vs %d)' % (fmt(a), '.T' if attrs.transpose_a else '', fmt(b),
                                             '.T' if attrs.transpose_b else '', k_a, k_b))
        out = lead + trail
        return a2, b2, out if out else (1,)

    def infer_shape(self, attrs, in_shapes):
        a, b = in_shapes
        if a is None or b is None:
            return in_shapes, [None]
        return in_shapes, [self._geom(attrs, a, b)[2]]

    def _mats(self, attrs, a, b):
        a2, b2, out_shape = self._geom(attrs, a.shape, b.shape)
        A = a.reshape(a2)
        B = b.reshape(b2)
        return (A.T if attrs.transpose_a else A), (B.T if attrs.transpose_b else B), out_shape

    def forward(self, ctx, attrs, inputs, aux):
        A, B, _ = self._mats(attrs, inputs[0], inputs[1])
        out = ctx.out(0)
        if out.flags.c_contiguous and A.dtype == out.dtype:
            np.matmul(A, B, out=out.reshape(A.shape[0], B.shape[1]))
        else:
            np.copyto(out, np.matmul(A, B).reshape(out.shape), casting='unsafe')
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        a, b = inputs
        A, B, _ = self._mats(attrs, a, b)
        G = out_grads[0].reshape(A.shape[0], B.shape[1])
        gA = G @ B.T
        gB = A.T @ G
        if attrs.transpose_a:
            gA = gA.T
        if attrs.transpose_b:
            gB = gB.T
        return [np.ascontiguousarray(gA).reshape(a.shape), np.ascontiguousarray(gB).reshape(b.shape)]


@register
class BatchDot(Operator):
    name = 'batch_dot'
    arguments = ('lhs', 'rhs')
    params = DOT_PARAMS
    grad_needs = ('inputs',)
    doc = 'Batched matrix product of (B, M, K) and (B, K, N) arrays (N-D: leading axes are batch).'

    def infer_shape(self, attrs, in_shapes):
        a, b = in_shapes
        if a is None or b is None:
            return in_shapes, [None]
        if len(a) < 3 or len(a) != len(b) or tuple(a[:-2]) != tuple(b[:-2]):
            raise MXNetError('batch_dot: lhs %s and rhs %s must be N-D (N >= 3) with the same '
                             'batch dimensions' % (fmt(a), fmt(b)))
        m, k = (a[-1], a[-2]) if attrs.transpose_a else (a[-2], a[-1])
        k2, n = (b[-1], b[-2]) if attrs.transpose_b else (b[-2], b[-1])
        if k != k2:
            raise MXNetError('batch_dot: shape mismatch: lhs %s%s and rhs %s%s (%d vs %d)'
                             % (fmt(a), '.T' if attrs.transpose_a else '', fmt(b),
                                '.T' if attrs.transpose_b else '', k, k2))
        return in_shapes, [tuple(a[:-2]) + (m, n)]

    @staticmethod
    def _t(x, flag):
        return np.swapaxes(x, -1, -2) if flag else x

    def forward(self, ctx, attrs, inputs, aux):
        A = self._t(inputs[0], attrs.transpose_a)
        B = self._t(inputs[1], attrs.transpose_b)
        out = ctx.out(0)
        np.matmul(A, B, out=out)
        return [out]

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        A = self._t(inputs[0], attrs.transpose_a)
        B = self._t(inputs[1], attrs.transpose_b)
        G = out_grads[0]
        gA = np.matmul(G, np.swapaxes(B, -1, -2))
        gB = np.matmul(np.swapaxes(A, -1, -2), G)
        return [np.ascontiguousarray(self._t(gA, attrs.transpose_a)),
                np.ascontiguousarray(self._t(gB, attrs.transpose_b))]
