"""Thread-count helpers shared by the kernel drivers.

A parallel Numba kernel wakes its worker threads on every call (tens of
microseconds when they sleep, see OMP_WAIT_POLICY in ``__init__``); on small
arrays that costs more than the work, so those calls run on the calling
thread only.  Numpy ufunc work (the transcendental functions, where numpy's
SIMD loops beat scalar libm calls from Numba) is split across a small thread
pool instead: ufuncs release the GIL.
"""
import os
from concurrent.futures import ThreadPoolExecutor, wait

import numba
import numpy as np

from . import gemm_helpers
from .blas import controllers as _blas_controllers, pinned as _blas_pinned

PAR_MIN = 1 << 18        # elements below which parallel kernels run single-threaded: waking
                         # sleeping OpenMP workers costs ~0.1 ms (softmax of (128, 1000) ran
                         # 1.4x slower on 2 threads than on 1 with the old 32k bound)
SPLIT_MIN = 1 << 19      # elements from which compute-heavy work is split across threads

_pool = None


def call(kernel, n, *args):
    """``kernel(*args)``, single-threaded when ``n`` (elements of work) is small."""
    if n >= PAR_MIN:
        gemm_helpers.park()       # Numba's workers are about to take the cores
    if n < PAR_MIN:
        prev = numba.get_num_threads()
        if prev != 1:
            numba.set_num_threads(1)
            try:
                return kernel(*args)
            finally:
                numba.set_num_threads(prev)
    return kernel(*args)


def _workers():
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(max_workers=max(1, numba.config.NUMBA_NUM_THREADS),
                                   thread_name_prefix='mxlite-ufunc')
    return _pool


# Sizes from which splitting paid on 2 cores (measured; a part costs ~0.1 ms to hand to a
# sleeping thread): memory-bound loops (relu, every activation backward) only from ~4M
# elements, max-pooling forward from ~2M, compute-heavier work (numpy tanh/exp, pooling
# backward) from ~0.5M.
SPLIT_MEMORY_BOUND = 1 << 22
SPLIT_POOL_FORWARD = 1 << 21


def split(fn, arrays, min_size=SPLIT_MIN):
    """Run ``fn(*pieces)`` on matching pieces (along axis 0) of ``arrays``, in parallel when
    ``arrays[0]`` has at least ``min_size`` elements."""
    n = arrays[0].shape[0]
    k = numba.config.NUMBA_NUM_THREADS
    if arrays[0].size < min_size or k <= 1 or n < 2:
        fn(*arrays)
        return
    gemm_helpers.park()
    step = -(-n // k)
    bounds = [(i, min(n, i + step)) for i in range(0, n, step)]
    futures = [_workers().submit(fn, *[a[lo:hi] for a in arrays]) for lo, hi in bounds[1:]]
    lo, hi = bounds[0]
    fn(*[a[lo:hi] for a in arrays])
    for f in futures:
        f.result()


def cpu_count():
    return os.cpu_count() or 1


GEMM_SPLIT_FLOPS = 1 << 24   # multiply-adds (~0.2 ms on one core) from which the pool splits
GEMM_HELPER_FLOPS = 1 << 21  # ... and from which spinning helper threads do (gemm_helpers: a
                             # share costs them ~30 us, the pool ~110)


def gemm(a, b, out):
    """``np.matmul(a, b, out=out)`` for 2-D operands, split across threads when the
    product is large enough (BLAS itself runs single-threaded, see ``blas.py``)."""
    m = a.shape[0]
    k = numba.config.NUMBA_NUM_THREADS
    pinned = _blas_pinned()          # the first call pins BLAS to one thread
    work = m * a.shape[1] * b.shape[1]
    if k <= 1 or work < GEMM_HELPER_FLOPS or not pinned:
        np.matmul(a, b, out=out)
        return out
    if gemm_helpers.matmul(a, b, out, k):
        return out
    if m < 2 * k or work < GEMM_SPLIT_FLOPS:
        np.matmul(a, b, out=out)
        return out
    step = -(-m // k)
    bounds = [(i, min(m, i + step)) for i in range(0, m, step)]
    futures = [_workers().submit(np.matmul, a[lo:hi], b, out=out[lo:hi]) for lo, hi in bounds[1:]]
    try:
        lo, hi = bounds[0]
        np.matmul(a[lo:hi], b, out=out[lo:hi])
    finally:
        wait(futures)
    for f in futures:
        f.result()
    return out


def batch_parallel(fn, n):
    """``[fn(b0, b1), ...]`` over contiguous parts of range(n), one part per thread.

    Each part runs serial kernels and single-threaded BLAS: one level of
    parallelism (over images) instead of two pools taking turns, which on a
    loaded machine -- one thread descheduled while the other spins at a
    barrier -- was measured several times slower.  Without threadpoolctl
    (needed to pin BLAS to one thread) the whole range runs in one call,
    with multi-threaded BLAS.
    """
    k = min(n, numba.get_num_threads())
    libs = _blas_controllers() if k > 1 else []
    if not libs:
        return [fn(0, n)]
    gemm_helpers.park()
    step = -(-n // k)
    bounds = [(i, min(n, i + step)) for i in range(0, n, step)]
    # BLAS is already on one thread unless the user kept it (MXLITE_BLAS_THREADS): only
    # then set it for the parts and put it back
    prev = [] if _blas_pinned() else [lib.get_num_threads() for lib in libs]
    for lib in libs if prev else ():
        lib.set_num_threads(1)
    futures = []
    try:
        futures = [_workers().submit(fn, lo, hi) for lo, hi in bounds[1:]]
        first = fn(*bounds[0])
    finally:
        wait(futures)       # never leave a part running past this call
        for lib, p in zip(libs, prev):
            lib.set_num_threads(p)
    return [first] + [f.result() for f in futures]
