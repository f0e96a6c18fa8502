"""Operator test cases as plain data, shared by mxlite's tests and the oracle.

This module imports neither mxlite nor mxnet: ``tests/data/make_golden_ops.py``
runs the same cases under real MXNet 1.9.1 to record golden outputs and
gradients, and ``tests/ops/test_op_sweep.py`` replays them under mxlite.
Inputs come from ``numpy.random.RandomState`` seeded by the case id, so both
sides build identical arrays.
"""
import zlib

import numpy as np


class Case:
    """One call ``mx.nd.<op>(*inputs, **params)``.

    ``grad``: check gradients (finite differences, and the golden ones);
    ``grad_inputs``: indices of inputs to differentiate (default: float inputs);
    ``golden``: compare with real MXNet's numbers (False for ops whose
    results legitimately differ, e.g. random sampling); ``fd``: also check
    against finite differences (False at discontinuities, for BlockGrad).
    ``train``: None runs the forward check in predict mode and records
    (golden and autograd) in training mode; True/False runs everything in
    that mode (BatchNorm's batch statistics, Dropout).  ``after``: indices of
    inputs (aux states) whose values after backward must equal MXNet's.
    ``golden_file``: the file under tests/data/ holding this case's goldens.
    """

    def __init__(self, op, inputs, params=None, grad=True, grad_inputs=None, golden=True,
                 tag='', rtol=1e-5, atol=1e-6, fd_rtol=1e-4, fd_atol=1e-5, fd=True, train=None,
                 after=(), golden_file='golden_ops.npz', grad_rtol=1e-4, grad_atol=1e-5):
        self.op = op
        self.inputs = inputs
        self.params = params or {}
        self.grad = grad
        self.grad_inputs = grad_inputs
        self.golden = golden
        self.tag = tag
        self.rtol, self.atol = rtol, atol
        self.fd_rtol, self.fd_atol = fd_rtol, fd_atol
        self.fd = fd    # False where finite differences do not apply (steps, BlockGrad)
        self.train = train
        self.after = tuple(after)
        self.golden_file = golden_file
        self.grad_rtol, self.grad_atol = grad_rtol, grad_atol
        self.id = None

    def arrays(self):
        rs = np.random.RandomState(zlib.crc32(self.id.encode()) & 0x7FFFFFFF)
        return [spec(rs) for spec in self.inputs]

    def head_grads(self, out_shapes):
        rs = np.random.RandomState((zlib.crc32(self.id.encode()) + 1) & 0x7FFFFFFF)
        return [rs.uniform(-1, 1, s).astype(np.float32) for s in out_shapes]

    def diff_inputs(self, arrays):
        if self.grad_inputs is not None:
            return list(self.grad_inputs)
        return [i for i, a in enumerate(arrays) if a.dtype.kind == 'f']


def U(*shape, lo=-1.0, hi=1.0, dtype='float32'):
    """Uniform floats in [lo, hi)."""
    return lambda rs: rs.uniform(lo, hi, shape).astype(dtype)


def Away(*shape, lo=0.2, hi=1.0, dtype='float32'):
    """Uniform floats with |x| in [lo, hi) and a random sign (away from kinks at 0)."""
    def make(rs):
        mag = rs.uniform(lo, hi, shape)
        sign = np.where(rs.uniform(0, 1, shape) < 0.5, -1.0, 1.0)
        return (mag * sign).astype(dtype)
    return make


def Distinct(*shape, dtype='float32'):
    """A random permutation of 0.1 * (1..n): no ties (for max, sort, topk)."""
    n = int(np.prod(shape))
    return lambda rs: (rs.permutation(n).reshape(shape) * 0.1 + 0.1).astype(dtype)


def Int(*shape, lo=0, hi=3, dtype='float32'):
    """Random integers in [lo, hi) stored as ``dtype``."""
    return lambda rs: rs.randint(lo, hi, shape).astype(dtype)


def Val(values, dtype='float32'):
    return lambda rs: np.array(values, dtype=dtype)


def _unary_cases():
    cases = []
    smooth = ['exp', 'expm1', 'sin', 'cos', 'tanh', 'sigmoid', 'softsign', 'square', 'negative',
              'arctan', 'sinh', 'cosh', 'arcsinh', 'degrees', 'radians', 'erf', 'cbrt', 'tan']
    for op in smooth:
        cases.append(Case(op, [U(2, 3)]))
    positive = ['log', 'log10', 'log2', 'log1p', 'sqrt', 'rsqrt', 'reciprocal', 'rcbrt',
                'gamma', 'gammaln']
    for op in positive:
        cases.append(Case(op, [U(2, 3, lo=0.5, hi=2.0)], fd_rtol=1e-3))
    for op in ['arcsin', 'arccos', 'arctanh', 'erfinv']:
        cases.append(Case(op, [U(2, 3, lo=-0.8, hi=0.8)], fd_rtol=1e-3))
    cases.append(Case('arccosh', [U(2, 3, lo=1.5, hi=3.0)]))
    for op in ['abs', 'relu']:
        cases.append(Case(op, [Away(2, 3)]))
    for op in ['sign', 'floor', 'ceil', 'trunc', 'fix', 'round', 'rint']:
        cases.append(Case(op, [Val([[-2.5, -1.5, -0.5, 0.5], [1.5, 2.5, 0.3, -0.7]])], fd=False))
    cases.append(Case('logical_not', [Val([[0, 1, 2], [0, -1, 0]])], grad=False))
    cases.append(Case('clip', [U(3, 4)], {'a_min': -0.5, 'a_max': 0.5}))
    cases.append(Case('Cast', [U(2, 3)], {'dtype': 'float64'}))
    cases.append(Case('Cast', [U(2, 3, lo=-3, hi=3)], {'dtype': 'int32'}, grad=False))
    cases.append(Case('BlockGrad', [U(2, 3)], fd=False))
    cases.append(Case('identity', [U(2, 3)]))
    cases.append(Case('zeros_like', [U(2, 3)]))
    cases.append(Case('ones_like', [U(2, 3)]))
    cases.append(Case('sqrt', [Val([4, 9, 10], dtype='int32')], grad=False, tag='int'))
    return cases


def _binary_cases():
    cases = []
    smooth = ['add', 'sub', 'mul', 'hypot']
    for k in smooth + ['div', 'maximum', 'minimum', 'power']:
        lhs = U(2, 3, lo=0.5, hi=2.0)
        rhs = U(2, 3, lo=0.5, hi=2.0)
        names = {'add': 'elemwise_add', 'sub': 'elemwise_sub', 'mul': 'elemwise_mul',
                 'div': 'elemwise_div'}
        cases.append(Case(names.get(k, '_' + k), [lhs, rhs]))
        cases.append(Case('broadcast_' + k, [U(2, 1, 3, lo=0.5, hi=2.0), U(4, 1, lo=0.5, hi=2.0)]))
    for k in ['equal', 'not_equal', 'greater', 'greater_equal', 'lesser', 'lesser_equal',
              'logical_and', 'logical_or', 'logical_xor']:
        cases.append(Case('broadcast_' + k, [Int(2, 3), Int(1, 3)], grad=False))
        cases.append(Case('_' + k, [Int(2, 3), Int(2, 3)], grad=False))
        cases.append(Case('_%s_scalar' % k, [Int(2, 3)], {'scalar': 1}, grad=False))
    cases.append(Case('broadcast_mod', [U(2, 3, lo=1, hi=5), U(1, 3, lo=0.6, hi=0.9)]))
    cases.append(Case('_mod', [Val([[5., -5., 7.5], [3., -3., 1.]]), Val([[3., 3., -2.], [-2., 2., 0.7]])],
                      grad=False))
    for name, s in [('_plus_scalar', 2.5), ('_minus_scalar', 2.5), ('_rminus_scalar', 2.5),
                    ('_mul_scalar', -1.5), ('_div_scalar', 4.0), ('_maximum_scalar', 0.35),
                    ('_minimum_scalar', 0.35), ('_hypot_scalar', 2.0)]:
        cases.append(Case(name, [Distinct(2, 3)], {'scalar': s}))
    for name, s in [('_rdiv_scalar', 2.0), ('_power_scalar', 2.5), ('_rpower_scalar', 1.7),
                    ('_mod_scalar', 0.7), ('_rmod_scalar', 3.3)]:
        cases.append(Case(name, [U(2, 3, lo=0.5, hi=2.0)], {'scalar': s},
                          grad=name not in ('_mod_scalar', '_rmod_scalar')))
    # MXNet casts the scalar to the array's dtype first
    cases.append(Case('_mul_scalar', [Val([1, 2, 3], 'int32')], {'scalar': 2.5}, grad=False, tag='int'))
    cases.append(Case('_div_scalar', [Val([1, 2, 3, -3], 'int32')], {'scalar': 2}, grad=False, tag='int'))
    cases.append(Case('_plus_scalar', [Val([1, 2, 3], 'int8')], {'scalar': 200}, grad=False, tag='int8'))
    cases.append(Case('_minus_scalar', [Val([1, 2, 3], 'uint8')], {'scalar': 5}, grad=False, tag='uint8'))
    cases.append(Case('broadcast_div', [Val([7, -7, 9], 'int32'), Val([2, 2, 4], 'int32')], grad=False,
                      tag='int'))
    cases.append(Case('add_n', [U(2, 3), U(2, 3), U(2, 3)]))
    return cases


def _reduce_cases():
    cases = []
    for op in ['sum', 'mean', 'prod', 'nansum', 'nanprod', 'max', 'min']:
        x = Distinct(2, 3, 4) if op in ('max', 'min') else U(2, 3, 4, lo=0.5, hi=1.5)
        cases.append(Case(op, [x]))
        cases.append(Case(op, [x], {'axis': 1}))
        cases.append(Case(op, [x], {'axis': (0, 2), 'keepdims': True}))
        cases.append(Case(op, [x], {'axis': 1, 'exclude': True}))
        cases.append(Case(op, [x], {'axis': -1}))
    cases.append(Case('sum_axis', [U(2, 3)], {'axis': 0}))
    cases.append(Case('norm', [U(2, 3, 4)]))
    cases.append(Case('norm', [U(2, 3, 4)], {'axis': 1, 'keepdims': True}))
    cases.append(Case('norm', [Away(2, 3)], {'ord': 1, 'axis': 0}))
    for op in ['argmax', 'argmin']:
        cases.append(Case(op, [Distinct(3, 4)], {'axis': 1}, grad=False))
        cases.append(Case(op, [Distinct(3, 4)], {'axis': 0, 'keepdims': True}, grad=False))
        cases.append(Case(op, [Distinct(3, 4)], grad=False))
    cases.append(Case('argmax_channel', [Distinct(3, 4)], grad=False))
    return cases


def _shape_cases():
    cases = []
    x = U(2, 3, 4)
    for spec in [(0, -1), (-3, -2), (0, -4, 3, -1, 0), (-1,), (4, 0, -1), (-2,), (2, -3)]:
        cases.append(Case('Reshape', [x], {'shape': spec}))
    cases.append(Case('Reshape', [x], {'shape': (-1, 0), 'reverse': True}))
    cases.append(Case('Flatten', [x]))
    cases.append(Case('transpose', [x]))
    cases.append(Case('transpose', [x], {'axes': (1, 0, 2)}))
    cases.append(Case('expand_dims', [x], {'axis': 1}))
    cases.append(Case('expand_dims', [x], {'axis': -1}))
    cases.append(Case('squeeze', [U(2, 1, 3, 1)]))
    cases.append(Case('squeeze', [U(2, 1, 3, 1)], {'axis': 1}))
    cases.append(Case('SwapAxis', [x], {'dim1': 0, 'dim2': 2}))
    cases.append(Case('Concat', [U(2, 3), U(2, 2), U(2, 1)], {'dim': 1}))
    cases.append(Case('Concat', [U(2, 3), U(1, 3)], {'dim': 0}))
    cases.append(Case('stack', [U(2, 3), U(2, 3)], {'axis': 1}))
    cases.append(Case('stack', [U(2, 3), U(2, 3), U(2, 3)], {'axis': -1}))
    cases.append(Case('SliceChannel', [U(2, 6)], {'num_outputs': 3}))
    cases.append(Case('SliceChannel', [U(3, 2)], {'num_outputs': 3, 'axis': 0, 'squeeze_axis': True}))
    cases.append(Case('slice', [U(4, 5)], {'begin': (1, 0), 'end': (3, 4)}))
    cases.append(Case('slice', [U(4, 5)], {'begin': (None, 4), 'end': (None, 0), 'step': (2, -2)}))
    cases.append(Case('slice', [U(4, 5, 2)], {'begin': (-3,), 'end': (None,)}))
    cases.append(Case('slice_axis', [U(4, 5)], {'axis': 1, 'begin': 1, 'end': -1}))
    cases.append(Case('slice_axis', [U(4, 5)], {'axis': 0, 'begin': 2, 'end': None}))
    cases.append(Case('slice_like', [U(4, 5), U(2, 3)], grad_inputs=[0]))
    cases.append(Case('slice_like', [U(4, 5), U(2, 3)], {'axes': (1,)}, grad_inputs=[0]))
    cases.append(Case('tile', [U(2, 3)], {'reps': (2, 2)}))
    cases.append(Case('tile', [U(2, 3)], {'reps': (3,)}))
    cases.append(Case('tile', [U(3,)], {'reps': (2, 2)}))
    cases.append(Case('repeat', [U(2, 3)], {'repeats': 2, 'axis': 1}))
    cases.append(Case('repeat', [U(2, 3)], {'repeats': 3}))
    cases.append(Case('reverse', [U(2, 3, 4)], {'axis': (0, 2)}))
    cases.append(Case('flip', [U(2, 3)], {'axis': 1}))
    cases.append(Case('broadcast_to', [U(2, 1, 3)], {'shape': (2, 4, 3)}))
    cases.append(Case('broadcast_to', [U(1, 3)], {'shape': (4, 0)}))
    cases.append(Case('broadcast_axis', [U(2, 1, 1)], {'axis': (1, 2), 'size': (3, 4)}))
    cases.append(Case('broadcast_like', [U(1, 3), U(4, 3)], grad_inputs=[0]))
    cases.append(Case('reshape_like', [U(2, 6), U(3, 4)], grad_inputs=[0]))
    cases.append(Case('shape_array', [U(2, 3, 4)], grad=False))
    cases.append(Case('size_array', [U(2, 3, 4)], grad=False))
    cases.append(Case('depth_to_space', [U(1, 8, 2, 3)], {'block_size': 2}))
    cases.append(Case('space_to_depth', [U(1, 2, 4, 6)], {'block_size': 2}))
    return cases


def _index_cases():
    cases = []
    cases.append(Case('take', [U(5, 3), Val([0, 4, 2, 2])], grad_inputs=[0]))
    cases.append(Case('take', [U(3, 4), Val([[0, 3], [1, 1]])], {'axis': 1}, grad_inputs=[0]))
    cases.append(Case('take', [U(5, 3), Val([-1, 7, 2])], {'mode': 'clip'}, grad_inputs=[0]))
    cases.append(Case('take', [U(5, 3), Val([-1, 7, 2])], {'mode': 'wrap'}, grad_inputs=[0]))
    cases.append(Case('pick', [U(3, 4), Val([0, 3, 1])], {'axis': 1}, grad_inputs=[0]))
    cases.append(Case('pick', [U(3, 4), Val([0, 2, 1, 1])], {'axis': 0}, grad_inputs=[0]))
    cases.append(Case('pick', [U(3, 4), Val([[0], [3], [1]])], {'axis': -1, 'keepdims': True}, grad_inputs=[0]))
    cases.append(Case('pick', [U(3, 4), Val([5, -1, 1])], {'axis': 1, 'mode': 'wrap'}, grad_inputs=[0]))
    cases.append(Case('one_hot', [Val([0, 2, 1, 5])], {'depth': 4}, grad=False))
    cases.append(Case('one_hot', [Val([[0, 2], [1, 1]])], {'depth': 3, 'on_value': 5, 'off_value': -1,
                                                          'dtype': 'int32'}, grad=False))
    cases.append(Case('where', [Val([[1, 0, 1], [0, 0, 1]]), U(2, 3), U(2, 3)], grad_inputs=[1, 2]))
    cases.append(Case('where', [Val([1, 0]), U(2, 3), U(2, 3)], grad_inputs=[1, 2]))
    cases.append(Case('batch_take', [U(3, 4), Val([0, 3, 1], 'int32')], grad=False))
    cases.append(Case('gather_nd', [U(3, 4), Val([[0, 2, 1], [3, 0, 1]])], grad_inputs=[0]))
    cases.append(Case('scatter_nd', [U(3), Val([[0, 2, 1], [3, 0, 1]])], {'shape': (3, 4)},
                      grad_inputs=[0]))
    return cases


def _order_cases():
    cases = []
    x = Distinct(3, 5)
    cases.append(Case('sort', [x]))
    cases.append(Case('sort', [x], {'axis': 0, 'is_ascend': False}))
    cases.append(Case('argsort', [x], grad=False))
    cases.append(Case('argsort', [x], {'axis': 0, 'is_ascend': False, 'dtype': 'int32'}, grad=False))
    cases.append(Case('topk', [x], {'k': 2}, grad=False))
    cases.append(Case('topk', [x], {'k': 2, 'ret_typ': 'value'}))
    cases.append(Case('topk', [x], {'k': 3, 'ret_typ': 'both', 'axis': 0}))
    cases.append(Case('topk', [x], {'k': 2, 'ret_typ': 'mask'}, grad=False))
    cases.append(Case('topk', [x], {'k': 2, 'ret_typ': 'value', 'is_ascend': True}))
    return cases


def _linalg_cases():
    cases = []
    cases.append(Case('dot', [U(3, 4), U(4, 5)]))
    cases.append(Case('dot', [U(4, 3), U(4, 5)], {'transpose_a': True}))
    cases.append(Case('dot', [U(3, 4), U(5, 4)], {'transpose_b': True}))
    cases.append(Case('dot', [U(2, 3, 4), U(4, 5)]))
    cases.append(Case('dot', [U(4), U(4)]))
    cases.append(Case('dot', [U(3, 4), U(4)]))
    cases.append(Case('batch_dot', [U(2, 3, 4), U(2, 4, 5)]))
    cases.append(Case('batch_dot', [U(2, 4, 3), U(2, 5, 4)], {'transpose_a': True, 'transpose_b': True}))
    return cases


def _creation_cases():
    cases = []
    cases.append(Case('_zeros', [], {'shape': (2, 3)}, grad=False))
    cases.append(Case('_ones', [], {'shape': (2, 3), 'dtype': 'int32'}, grad=False))
    cases.append(Case('_full', [], {'shape': (2, 2), 'value': 3.5}, grad=False))
    cases.append(Case('_arange', [], {'start': 2, 'stop': 11, 'step': 3}, grad=False))
    cases.append(Case('_arange', [], {'start': 5}, grad=False))
    cases.append(Case('_arange', [], {'start': 0, 'stop': 3, 'repeat': 2}, grad=False))
    cases.append(Case('_eye', [], {'N': 3, 'M': 4, 'k': 1}, grad=False))
    return cases


def all_cases():
    """Every case, with a unique id (op name + counter)."""
    from case_spec_nn import nn_cases
    cases = (_unary_cases() + _binary_cases() + _reduce_cases() + _shape_cases() +
             _index_cases() + _order_cases() + _linalg_cases() + _creation_cases() + nn_cases())
    counts = {}
    for c in cases:
        n = counts.get(c.op, 0)
        counts[c.op] = n + 1
        c.id = '%s_%d' % (c.op, n)
    return cases
