"""NDArray semantics of MXNet 1.x (tutorial section 01 and friends)."""
import numpy as np
import pytest

import mxlite as mx


def test_print_form_matches_mxnet():
    a = mx.nd.array([[1, 2], [3, 4]])
    assert str(a) == '\n[[1. 2.]\n [3. 4.]]\n<NDArray 2x2 @cpu(0)>'
    assert repr(a) == str(a)
    assert str(mx.nd.array(5)) == '\n5.0\n<NDArray  @cpu(0)>'


def test_dtype_defaults_and_overrides():
    a = mx.nd.array([[1, 2], [3, 4]])
    assert a.dtype is np.float32 and a.shape == (2, 2) and a.size == 4 and a.ndim == 2
    assert mx.nd.array([1, 2], dtype=np.int8).dtype is np.int8
    # numpy sources become float32 unless dtype is given (MXNet 1.x)
    assert mx.nd.array(np.array([1, 2], dtype=np.int64)).dtype is np.float32
    assert mx.nd.array(mx.nd.array([1], dtype='int32')).dtype is np.int32
    assert mx.nd.zeros((2,), dtype='float16').dtype is np.float16


def test_views_copies_and_aliases():
    c = mx.nd.ones((2, 3))
    d = c
    d[:] = 3
    assert (c.asnumpy() == 3).all()
    e = c.copy()
    e[:] = 0
    assert (c.asnumpy() == 3).all()
    row = c[1]
    row[:] = 9
    assert (c.asnumpy()[1] == 9).all()
    part = c[0:1]
    part[:] = 7
    assert (c.asnumpy()[0] == 7).all()
    col = c[:, 1]            # not contiguous: a copy, as in MXNet
    col[:] = -1
    assert (c.asnumpy()[:, 1] != -1).all()
    b = mx.nd.zeros((2, 3))
    b[:] = c
    c[:] = 0
    assert (b.asnumpy()[1] == 9).all()


def test_indexing_shapes():
    a = mx.nd.arange(24).reshape((2, 3, 4))
    assert a[1].shape == (3, 4)
    assert a[1, 2].shape == (4,)
    assert a[1, 2, 3].shape == (1,)
    assert a[:, 1].shape == (2, 4)
    assert a[1:, ::2].shape == (1, 2, 4)
    assert a[[0, 1]].shape == (2, 3, 4)
    assert a[mx.nd.array([1, 0])].shape == (2, 3, 4)
    x = mx.nd.array([1, 2, 3])
    assert x[1].shape == (1,) and x[-1].asscalar() == 3
    c = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(c[0, 1:3].asnumpy(), [2, 3])
    with pytest.raises(mx.MXNetError, match='out of bounds'):
        c[5]


def test_setitem_forms():
    a = mx.nd.zeros((3, 4))
    a[1] = 5
    a[2, 1:3] = mx.nd.array([7, 8])
    a[0] = np.arange(4)
    np.testing.assert_array_equal(a.asnumpy(), [[0, 1, 2, 3], [5, 5, 5, 5], [0, 7, 8, 0]])
    with pytest.raises(mx.MXNetError, match='cannot assign'):
        a[0] = mx.nd.ones((5,))


def test_conversion_and_contexts():
    a = mx.nd.array([[1, 2], [3, 4]])
    n = a.asnumpy()
    n[0, 0] = 100
    assert a.asnumpy()[0, 0] == 1
    assert mx.nd.array([3.5]).asscalar() == 3.5
    with pytest.raises(mx.MXNetError, match='exactly one element'):
        a.asscalar()
    assert a.context == mx.cpu(0) and a.ctx == mx.cpu()
    b = a.as_in_context(mx.cpu(1))
    assert b.context == mx.cpu(1) and b is not a
    assert a.as_in_context(mx.cpu(0)) is a
    z = mx.nd.zeros((2, 2), ctx=mx.cpu(1))
    a.copyto(z)
    assert z.asnumpy()[1, 1] == 4
    assert a.copyto(mx.cpu(2)).context == mx.cpu(2)
    with mx.cpu(3):
        assert mx.nd.ones((1,)).context == mx.cpu(3)
    assert mx.current_context() == mx.cpu(0)
    assert a.astype('int32').dtype is np.int32
    assert a.astype('float32', copy=False) is a


def test_gpu_is_nameable_but_not_usable():
    g = mx.gpu(0)
    assert str(g) == 'gpu(0)' and mx.context.num_gpus() == 0
    with pytest.raises(mx.MXNetError, match='no GPU is available.*mx.cpu'):
        mx.nd.ones((2,), ctx=g)
    with pytest.raises(mx.MXNetError, match='no GPU'):
        mx.nd.array([1, 2]).as_in_context(mx.gpu(1))
    with pytest.raises(mx.MXNetError, match='no GPU'):
        mx.nd.random.uniform(shape=(2,), ctx=g)


def test_mixed_contexts_name_operator_and_contexts():
    a = mx.nd.ones((2,))
    b = mx.nd.ones((2,), ctx=mx.cpu(1))
    with pytest.raises(mx.MXNetError, match=r'broadcast_add: .*cpu\(0\) and cpu\(1\)'):
        a + b


def test_arithmetic_forms():
    a = mx.nd.array([[1, 2], [3, 4]])
    np.testing.assert_array_equal((1 - a).asnumpy(), [[0, -1], [-2, -3]])
    np.testing.assert_allclose((2 / a).asnumpy(), [[2, 1], [2 / 3, 0.5]], rtol=1e-6)
    np.testing.assert_array_equal((2 ** a).asnumpy(), [[2, 4], [8, 16]])
    np.testing.assert_array_equal((a ** 2).asnumpy(), [[1, 4], [9, 16]])
    np.testing.assert_array_equal((-a).asnumpy(), -a.asnumpy())
    np.testing.assert_array_equal(abs(-a).asnumpy(), a.asnumpy())
    np.testing.assert_array_equal((a % 3).asnumpy(), [[1, 2], [0, 1]])
    np.testing.assert_array_equal((a == 1).asnumpy(), [[1, 0], [0, 0]])
    np.testing.assert_array_equal((a > a).asnumpy(), np.zeros((2, 2)))
    np.testing.assert_array_equal((a >= 2).asnumpy(), [[0, 1], [1, 1]])
    np.testing.assert_array_equal((a + mx.nd.array([10, 20])).asnumpy(), [[11, 22], [13, 24]])
    np.testing.assert_array_equal((np.float32(2) * a).asnumpy(), 2 * a.asnumpy())
    b = a
    b += 1
    assert b is a and a.asnumpy()[0, 0] == 2
    a *= mx.nd.array([1, 2])
    np.testing.assert_array_equal(a.asnumpy(), [[2, 6], [4, 10]])
    a -= 2
    a /= 2
    np.testing.assert_array_equal(a.asnumpy(), [[0, 2], [1, 4]])
    assert a != None and not (a == None)  # noqa: E711


def test_truth_value_and_iteration():
    assert bool(mx.nd.array([1]))
    assert not bool(mx.nd.array([0]))
    with pytest.raises(ValueError, match='ambiguous'):
        bool(mx.nd.ones((2,)))
    rows = list(mx.nd.array([[1, 2], [3, 4]]))
    assert len(rows) == 2 and rows[1].asnumpy().tolist() == [3, 4]


def test_creation_helpers():
    assert mx.nd.zeros(3).shape == (3,)
    assert mx.nd.empty((2, 2)).shape == (2, 2)
    np.testing.assert_array_equal(mx.nd.full((2,), 7).asnumpy(), [7, 7])
    np.testing.assert_array_equal(mx.nd.arange(0, 5, 2).asnumpy(), [0, 2, 4])
    np.testing.assert_array_equal(mx.nd.arange(3, repeat=2).asnumpy(), [0, 0, 1, 1, 2, 2])
    np.testing.assert_array_equal(mx.nd.eye(2).asnumpy(), np.eye(2))
    a = mx.nd.ones((2, 3))
    assert mx.nd.zeros_like(a).asnumpy().sum() == 0
    assert mx.nd.ones_like(a).asnumpy().sum() == 6
    with pytest.raises(mx.MXNetError, match='negative dimension'):
        mx.nd.zeros((2, -1))


def test_python_helpers_mix_scalars_and_arrays():
    a = mx.nd.array([1, -2, 3])
    np.testing.assert_array_equal(mx.nd.maximum(a, 0).asnumpy(), [1, 0, 3])
    np.testing.assert_array_equal(mx.nd.minimum(0, a).asnumpy(), [0, -2, 0])
    np.testing.assert_array_equal(mx.nd.subtract(10, a).asnumpy(), [9, 12, 7])
    np.testing.assert_array_equal(mx.nd.greater(a, 0).asnumpy(), [1, 0, 1])
    np.testing.assert_array_equal(mx.nd.lesser(0, a).asnumpy(), [1, 0, 1])
    assert mx.nd.add(1, 2) == 3


def test_reshape_method_is_a_view_with_special_codes():
    b = mx.nd.zeros((2, 3, 4))
    assert b.reshape((0, -1)).shape == (2, 12)
    assert b.reshape(-3, -2).shape == (6, 4)
    assert b.reshape(shape=(2, 0, -1), reverse=True).shape == (2, 3, 4)
    v = b.reshape((6, 4))
    v[:] = 1
    assert b.asnumpy().sum() == 24
    with pytest.raises(mx.MXNetError, match=r'\(2, 3, 4\).*\(5, 5\)'):
        b.reshape((5, 5))


def test_fluent_methods():
    a = mx.nd.array([[1, 2], [3, 4]])
    assert a.sum().asscalar() == 10
    np.testing.assert_array_equal(a.max(axis=0).asnumpy(), [3, 4])
    np.testing.assert_allclose(a.exp().asnumpy(), np.exp(a.asnumpy()), rtol=1e-6)
    assert a.T.shape == (2, 2) and a.T.asnumpy()[0, 1] == 3
    np.testing.assert_array_equal(a.flatten().shape, (2, 2))
    assert a.expand_dims(axis=0).shape == (1, 2, 2)


def test_out_argument_writes_in_place():
    a = mx.nd.array([1, 2, 3])
    out = mx.nd.zeros((3,))
    r = mx.nd.exp(a, out=out)
    assert r is out
    np.testing.assert_allclose(out.asnumpy(), np.exp([1, 2, 3]), rtol=1e-6)
    with pytest.raises(mx.MXNetError, match='out= array has shape'):
        mx.nd.exp(a, out=mx.nd.zeros((2,)))


def test_waitall_and_wait_to_read_return():
    a = mx.nd.ones((2,))
    a.wait_to_read()
    mx.nd.waitall()
