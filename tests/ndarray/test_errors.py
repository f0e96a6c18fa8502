"""Bad arguments raise MXNetError naming the operator, the argument and the shapes."""
import numpy as np
import pytest

import mxlite as mx


def test_unknown_parameter_lists_valid_ones():
    with pytest.raises(mx.MXNetError, match=r"sum: unknown parameter 'foo'. Valid parameters: axis, keepdims, exclude"):
        mx.nd.sum(mx.nd.ones(2), foo=5)


def test_missing_required_parameter():
    with pytest.raises(mx.MXNetError, match="one_hot: required parameter 'depth' is missing"):
        mx.nd.one_hot(mx.nd.array([1]))


def test_bad_parameter_value():
    with pytest.raises(mx.MXNetError, match="topk: invalid value 'top' for parameter 'ret_typ'"):
        mx.nd.topk(mx.nd.ones((2, 2)), ret_typ='top')
    with pytest.raises(mx.MXNetError, match="invalid value 'x' for parameter 'axis'"):
        mx.nd.sum(mx.nd.ones(2), axis='x')


def test_axis_out_of_range():
    with pytest.raises(mx.MXNetError, match='sum: axis 5 is out of range for an input with 1 dimension'):
        mx.nd.sum(mx.nd.ones(3), axis=5)


def test_shape_mismatches_name_shapes():
    with pytest.raises(mx.MXNetError, match=r'broadcast_add: .*\(2, 3\) \(4, 3\)'):
        mx.nd.broadcast_add(mx.nd.ones((2, 3)), mx.nd.ones((4, 3)))
    with pytest.raises(mx.MXNetError, match=r"elemwise_add: input 'rhs' has shape \(3,\) but 'lhs' has shape \(2,\)"):
        mx.nd.elemwise_add(mx.nd.ones(2), mx.nd.ones(3))
    with pytest.raises(mx.MXNetError, match=r'dot: shape mismatch: lhs \(2, 3\) and rhs \(2, 3\)'):
        mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((2, 3)))
    with pytest.raises(mx.MXNetError, match='Concat: input 1 has shape'):
        mx.nd.concat(mx.nd.ones((2, 3)), mx.nd.ones((3, 3)), dim=1)
    with pytest.raises(mx.MXNetError, match='num_outputs=4 does not evenly divide'):
        mx.nd.split(mx.nd.ones((2, 6)), num_outputs=4)


def test_dtype_mismatch_suggests_astype():
    with pytest.raises(mx.MXNetError, match=r"dtype int32; convert one with .astype"):
        mx.nd.array([1], dtype='int32') + mx.nd.array([1])


def test_bad_dtype():
    with pytest.raises(mx.MXNetError, match="'complex64' is not supported|not a data type|not supported"):
        mx.nd.zeros((2,), dtype='complex64')
    with pytest.raises(TypeError):
        mx.nd.zeros((2,), dtype='nonsense')


def test_missing_and_extra_inputs():
    with pytest.raises(mx.MXNetError, match="dot: missing input 'rhs'"):
        mx.nd.dot(mx.nd.ones((2, 2)))
    with pytest.raises(mx.MXNetError, match='takes 1 input'):
        mx.nd.exp(mx.nd.ones(2), mx.nd.ones(2))
    with pytest.raises(mx.MXNetError, match="unknown input 'weight'"):
        mx.nd.exp(data=mx.nd.ones(2), weight=mx.nd.ones(2))


def test_positional_parameters_follow_inputs():
    x = mx.nd.array([[1, 2], [3, 4]])
    np.testing.assert_array_equal(mx.nd.sum(x, 1).asnumpy(), [3, 7])
    assert mx.nd.reshape(x, (4,)).shape == (4,)
    assert mx.nd.transpose(x, axes=(1, 0)).asnumpy()[0, 1] == 3
