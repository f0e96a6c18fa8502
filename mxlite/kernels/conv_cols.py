"""Column buffers of the im2col convolutions: chunked scratch buffers (``Cols``) and the
columns a training forward keeps for its backward (``KeptCols``, with a process budget)."""
import threading
import weakref

import numpy as np

from .im2col import col2im, im2col

# Keep one chunk's col buffer around this size: big enough for BLAS to
# stream, small enough to stay in the last-level cache.
COL_BYTES = 8 << 20


def chunk_size(n, bytes_per_image):
    """Images per chunk so a chunk's columns stay near COL_BYTES."""
    return int(max(1, min(n, COL_BYTES // max(1, bytes_per_image))))


# Below this many output positions per image, one GEMM over the whole chunk
# (col laid out (K, B, P)) beats a GEMM per image.
KFIRST_MAX_P = 1024


class Cols:
    """A chunk-sized column buffer in one of the two layouts, with GEMM helpers."""

    def __init__(self, n, rows, P, dtype, kfirst=None, buf=None):
        self.kfirst = P < KFIRST_MAX_P if kfirst is None else kfirst
        if buf is not None:             # a whole part's columns, kept for the backward
            self.bs, self.buf = n, buf
        else:
            self.bs = chunk_size(n, rows * P * np.dtype(dtype).itemsize)
            shape = (rows, self.bs, P) if self.kfirst else (self.bs, rows, P)
            self.buf = np.empty(shape, dtype=dtype)
        self.P = P

    def chunk(self, nb):
        """The buffer for ``nb`` images, C-contiguous (the kernels reshape its rows)."""
        if not self.kfirst:
            return self.buf[:nb]
        if nb == self.bs:
            return self.buf
        return np.empty((self.buf.shape[0], nb, self.P), dtype=self.buf.dtype)

    def rows(self, cb, r0, r1):
        """Rows r0:r1 of K in a chunk: (r, nb*P) when K-first, else (nb, r, P)."""
        if self.kfirst:
            return cb[r0:r1].reshape(r1 - r0, -1)
        return cb[:, r0:r1]

    def im2col(self, x, cb, geo, oh, ow):
        kh, kw, sh, sw, ph, pw, dh, dw = geo
        im2col(x, cb, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, self.kfirst)

    def col2im(self, cb, x, geo, oh, ow):
        kh, kw, sh, sw, ph, pw, dh, dw = geo
        col2im(cb, x, kh, kw, sh, sw, ph, pw, dh, dw, oh, ow, self.kfirst)


# Most bytes of im2col columns one training convolution keeps for its backward, which
# then skips its own im2col (the weight gradient reads the same columns): LeNet's second
# layer keeps 8 MB, ResNet-18 on CIFAR-sized images 35 MB in all; ImageNet-sized layers
# (hundreds of MB each) recompute them instead.  _KEEP_TOTAL_BYTES bounds what the whole
# process keeps (executors hold theirs for their lifetime, autograd's tape until backward),
# so a big network's training costs at most that much memory more than without.
_KEEP_COL_BYTES = 64 << 20
_KEEP_TOTAL_BYTES = 256 << 20
_kept_lock = threading.Lock()
_kept_bytes = [0]


def _release_kept(nbytes):
    with _kept_lock:
        _kept_bytes[0] -= nbytes


def kept_bytes():
    """Bytes of im2col columns kept for backward passes in this process right now."""
    return _kept_bytes[0]


class KeptCols:
    """The im2col columns of a training forward, one buffer per batch part, for its backward.

    Lives in the operator's ``ctx.state`` between forward and backward; buffers are
    reused from step to step.  ``take`` hands a part's columns to the backward once:
    the backward overwrites them with the data gradient's columns, so a second backward
    without a new forward recomputes them.
    """

    def __init__(self):
        self.key = None
        self.bufs = {}
        self.valid = set()

    def start(self, key):
        """A forward with geometry ``key`` begins: nothing is valid until its parts finish."""
        if key != self.key:
            self.key, self.bufs = key, {}
        self.valid = set()

    def buffer(self, n0, n1, shape, dtype):
        """The buffer for part (n0, n1), or None when the process's budget is spent."""
        buf = self.bufs.get((n0, n1))
        if buf is not None and buf.shape == shape and buf.dtype == dtype:
            return buf
        self.bufs.pop((n0, n1), None)
        nbytes = int(np.prod(shape)) * np.dtype(dtype).itemsize
        with _kept_lock:
            if _kept_bytes[0] + nbytes > _KEEP_TOTAL_BYTES:
                return None
            _kept_bytes[0] += nbytes
        buf = self.bufs[(n0, n1)] = np.empty(shape, dtype)
        weakref.finalize(buf, _release_kept, nbytes)
        return buf

    def done(self, n0, n1):
        self.valid.add((n0, n1))

    def take(self, key, n0, n1):
        """The valid columns of part (n0, n1) for geometry ``key``, or None."""
        if key != self.key or (n0, n1) not in self.valid:
            return None
        self.valid.discard((n0, n1))
        return self.bufs[(n0, n1)]


def keeper(keep, key, nbytes):
    """The KeptCols in ``keep`` (a forward's ``ctx.state``) when columns of ``nbytes`` may be
    kept, started for ``key``; None (and any older columns dropped) otherwise."""
    if keep is None:
        return None
    if nbytes > _KEEP_COL_BYTES:
        keep.pop('cols', None)
        return None
    kc = keep.get('cols')
    if kc is None:
        kc = keep['cols'] = KeptCols()
    kc.start(key)
    return kc


def to_fbp(a):
    """(B, F, P) -> contiguous (F, B*P)."""
    return np.ascontiguousarray(a.transpose(1, 0, 2)).reshape(a.shape[1], -1)
