"""Testing helpers in MXNet's ``mx.test_utils`` spelling, plus a gradient checker."""
import numpy as np

from .base import MXNetError
from .context import Context, current_context, cpu

__all__ = ['default_context', 'set_default_context', 'assert_almost_equal', 'almost_equal',
           'same', 'rand_shape_2d', 'rand_shape_3d', 'rand_shape_nd', 'rand_ndarray',
           'numeric_grad_nd', 'check_gradient_nd', 'get_digits', 'get_mnist']

_default_ctx = [None]


def default_context():
    return _default_ctx[0] or current_context()


def set_default_context(ctx):
    if not isinstance(ctx, Context):
        raise MXNetError('set_default_context: expected a Context, got %r' % (ctx,))
    _default_ctx[0] = ctx


def _np(x):
    from .ndarray import NDArray
    return x.asnumpy() if isinstance(x, NDArray) else np.asarray(x)


def almost_equal(a, b, rtol=1e-5, atol=1e-20, equal_nan=False):
    return np.allclose(_np(a), _np(b), rtol=rtol, atol=atol, equal_nan=equal_nan)


def same(a, b):
    return np.array_equal(_np(a), _np(b))


def assert_almost_equal(a, b, rtol=1e-5, atol=1e-20, names=('a', 'b'), equal_nan=False):
    """Raise AssertionError with the worst mismatch when ``a`` and ``b`` differ."""
    a, b = _np(a), _np(b)
    if a.shape != b.shape:
        raise AssertionError('shape mismatch: %s %s vs %s %s' % (names[0], a.shape, names[1], b.shape))
    if np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    af, bf = a.astype(np.float64), b.astype(np.float64)
    err = np.abs(af - bf) - (atol + rtol * np.abs(bf))
    err = np.where(np.isnan(af) != np.isnan(bf), np.inf, np.nan_to_num(err, nan=-np.inf))
    idx = np.unravel_index(np.argmax(err), err.shape) if err.size else ()
    with np.errstate(invalid='ignore'):
        worst = np.nanmax(np.abs(af - bf)) if np.isfinite(af - bf).any() else np.nan
    raise AssertionError('%s and %s differ (rtol=%g, atol=%g): worst at %s: %r vs %r; max abs '
                         'diff %g' % (names[0], names[1], rtol, atol, idx, af[idx], bf[idx], worst))


def rand_shape_2d(dim0=10, dim1=10):
    return np.random.randint(1, dim0 + 1), np.random.randint(1, dim1 + 1)


def rand_shape_3d(dim0=10, dim1=10, dim2=10):
    return (np.random.randint(1, dim0 + 1), np.random.randint(1, dim1 + 1),
            np.random.randint(1, dim2 + 1))


def rand_shape_nd(num_dim, dim=10):
    return tuple(np.random.randint(1, dim + 1, size=num_dim))


def rand_ndarray(shape, stype='default', density=None, dtype=None, ctx=None):
    from . import ndarray as nd
    if stype != 'default':
        raise MXNetError('rand_ndarray: sparse storage %r is not supported by mxlite' % stype)
    return nd.array(np.random.uniform(-1, 1, shape), ctx=ctx or cpu(), dtype=dtype or np.float32)


def numeric_grad_nd(fn, arrays, diff_idx, head_grads, eps=1e-6):
    """Central-difference gradients of sum(fn(*arrays)_i * head_grads_i), in float64."""
    from . import ndarray as nd
    base = [np.array(a, dtype=np.float64) if np.asarray(a).dtype.kind == 'f' else a
            for a in arrays]

    def objective(vals):
        out = fn(*[nd.array(v, dtype=v.dtype) for v in vals])
        outs = out if isinstance(out, (list, tuple)) else [out]
        return sum(float(np.sum(o.asnumpy().astype(np.float64) * h))
                   for o, h in zip(outs, head_grads) if h is not None)
    grads = {}
    for i in diff_idx:
        g = np.zeros_like(base[i])
        flat = base[i].reshape(-1)
        for j in range(flat.size):
            old = flat[j]
            flat[j] = old + eps
            fp = objective(base)
            flat[j] = old - eps
            fm = objective(base)
            flat[j] = old
            g.reshape(-1)[j] = (fp - fm) / (2 * eps)
        grads[i] = g
    return grads


def check_gradient_nd(fn, arrays, diff_idx=None, head_grads=None, eps=1e-6, rtol=1e-4, atol=1e-5,
                      train_mode=True):
    """Compare autograd's gradients of ``fn`` with finite differences, in float64.

    ``fn`` takes and returns NDArrays; ``arrays`` are numpy inputs (float
    ones are promoted to float64).  ``train_mode`` is passed to ``backward``.
    Returns the analytic gradients.
    """
    from . import ndarray as nd
    from . import autograd
    if diff_idx is None:
        diff_idx = [i for i, a in enumerate(arrays) if np.asarray(a).dtype.kind == 'f']
    arrays = [np.array(a, dtype=np.float64) if np.asarray(a).dtype.kind == 'f' else np.asarray(a)
              for i, a in enumerate(arrays)]
    xs = [nd.array(a, dtype=a.dtype) for a in arrays]
    for i in diff_idx:
        xs[i].attach_grad()
    with autograd.record():
        out = fn(*xs)
    outs = list(out) if isinstance(out, (list, tuple)) else [out]
    if head_grads is None:
        rs = np.random.RandomState(0)
        head_grads = [rs.uniform(-1, 1, o.shape) for o in outs]
    autograd.backward(outs, [nd.array(h, dtype=np.float64) for h in head_grads],
                      train_mode=train_mode)
    analytic = {i: xs[i].grad.asnumpy() for i in diff_idx}
    numeric = numeric_grad_nd(fn, arrays, diff_idx, head_grads, eps)
    for i in diff_idx:
        assert_almost_equal(analytic[i], numeric[i], rtol=rtol, atol=atol,
                            names=('autograd grad of input %d' % i, 'finite differences'))
    return analytic


def _bilinear_matrix(n_in, n_out):
    """(n_out, n_in) matrix resampling a 1-D signal with align-corners bilinear weights."""
    m = np.zeros((n_out, n_in), dtype=np.float64)
    pos = np.linspace(0, n_in - 1, n_out)
    lo = np.floor(pos).astype(int)
    hi = np.minimum(lo + 1, n_in - 1)
    w = pos - lo
    m[np.arange(n_out), lo] += 1 - w
    m[np.arange(n_out), hi] += w
    return m


def get_digits(size=28, digit_size=20):
    """The 1,797 UCI handwritten digits shipped with mxlite, MNIST-style.

    Each 8x8 image (0..16) is upscaled bilinearly to ``digit_size`` and
    centred on a ``size`` x ``size`` canvas, scaled to [0, 1].  Returns the
    same dict as ``get_mnist()``: ``train_data`` (N, 1, size, size) float32,
    ``train_label`` (N,) float32, ``test_data``, ``test_label``; the fixed
    split holds out 20% of each class (359 images).
    """
    import os
    path = os.path.join(os.path.dirname(__file__), 'data', 'digits.npz')
    if digit_size > size:
        raise MXNetError('get_digits: digit_size %d must not exceed size %d' % (digit_size, size))
    with np.load(path) as f:
        images, labels, is_val = f['images'], f['labels'], f['is_val']
    m = _bilinear_matrix(8, digit_size)
    up = np.einsum('ij,njk,lk->nil', m, images.astype(np.float64) / 16.0, m)
    canvas = np.zeros((len(images), 1, size, size), dtype=np.float32)
    off = (size - digit_size) // 2
    canvas[:, 0, off:off + digit_size, off:off + digit_size] = np.clip(up, 0, 1)
    labels = labels.astype(np.float32)
    return {'train_data': canvas[~is_val], 'train_label': labels[~is_val],
            'test_data': canvas[is_val], 'test_label': labels[is_val]}


def _read_idx(path):
    import gzip
    import struct
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        raw = f.read()
    if len(raw) < 8:
        raise MXNetError('%s: not an MNIST idx file (%d bytes)' % (path, len(raw)))
    zero, dtype_code, ndim = struct.unpack('>HBB', raw[:4])
    if zero != 0 or dtype_code != 0x08 or not 1 <= ndim <= 3:
        raise MXNetError('%s: not an MNIST idx file of unsigned bytes' % path)
    dims = struct.unpack('>%dI' % ndim, raw[4:4 + 4 * ndim])
    n = int(np.prod(dims))
    body = raw[4 + 4 * ndim:]
    if len(body) != n:
        raise MXNetError('%s: idx header promises %d bytes, the file has %d' % (path, n, len(body)))
    return np.frombuffer(body, dtype=np.uint8).reshape(dims)


def get_mnist(path='data'):
    """MNIST from the standard idx files in ``path`` (optionally .gz), as MXNet returns it.

    mxlite never downloads: if the files are missing, the error says which
    files to put where (``get_digits()`` is the embedded alternative).
    """
    import os
    names = {'train_data': 'train-images-idx3-ubyte', 'train_label': 'train-labels-idx1-ubyte',
             'test_data': 't10k-images-idx3-ubyte', 'test_label': 't10k-labels-idx1-ubyte'}
    out = {}
    for key, base in names.items():
        found = [p for p in (os.path.join(path, base), os.path.join(path, base + '.gz'))
                 if os.path.exists(p)]
        if not found:
            raise MXNetError('get_mnist: %s(.gz) not found in %s; download the MNIST idx files '
                             'there, or use mx.test_utils.get_digits()' % (base, os.path.abspath(path)))
        arr = _read_idx(found[0])
        if key.endswith('data'):
            out[key] = arr.reshape(-1, 1, 28, 28).astype(np.float32) / 255.0
        else:
            out[key] = arr.astype(np.float32)
    return out


def download(url, fname=None, dirname=None, overwrite=False, retries=5):
    """Download ``url`` to ``dirname/fname`` (MXNet's ``mx.test_utils.download``); returns
    the file name.  An existing file is kept unless ``overwrite``; without a network the
    MXNetError names the file to put in place by hand (see ``gluon.utils.download``)."""
    import os
    from .gluon.utils import download as _fetch
    if fname is None:
        fname = url.split('/')[-1]
        if not fname:
            raise MXNetError("download: can't take a file name from %r; pass fname=" % url)
    if dirname is None:
        dirname = os.path.dirname(fname)
    else:
        fname = os.path.join(dirname, fname)
    if dirname:
        os.makedirs(dirname, exist_ok=True)
    return _fetch(url, path=fname, overwrite=overwrite, retries=retries)
