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

PAR_MIN = 1 << 15        # elements below which parallel kernels run single-threaded
SPLIT_MIN = 1 << 18      # elements from which numpy work is split across threads

_pool = None


def call(kernel, n, *args):
    """``kernel(*args)``, single-threaded when ``n`` (elements of work) is small."""
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


def split(fn, arrays):
    """Run ``fn(*pieces)`` on matching pieces (along axis 0) of ``arrays``, in parallel if large."""
    n = arrays[0].shape[0]
    k = numba.config.NUMBA_NUM_THREADS
    if arrays[0].size < SPLIT_MIN or k <= 1 or n < 2:
        fn(*arrays)
        return
    step = -(-n // k)
    bounds = [(i, min(n, i + step)) for i in range(0, n, step)]
    futures = [_workers().submit(fn, *[a[lo:hi] for a in arrays]) for lo, hi in bounds[1:]]
    lo, hi = bounds[0]
    fn(*[a[lo:hi] for a in arrays])
    for f in futures:
        f.result()


def cpu_count():
    return os.cpu_count() or 1


_blas_libs = None


def _blas_controllers():
    """threadpoolctl's handles on the loaded BLAS libraries ([] without threadpoolctl)."""
    global _blas_libs
    if _blas_libs is None:
        try:
            from threadpoolctl import ThreadpoolController
            _blas_libs = [c for c in ThreadpoolController().lib_controllers if c.user_api == 'blas']
        except Exception:     # threadpoolctl missing or unable to inspect this process
            _blas_libs = []
    return _blas_libs


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
    step = -(-n // k)
    bounds = [(i, min(n, i + step)) for i in range(0, n, step)]
    prev = [lib.get_num_threads() for lib in libs]
    for lib in libs:
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
