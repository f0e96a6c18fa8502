"""Thread-count helpers shared by the kernel drivers.

A parallel Numba kernel wakes its worker threads on every call (tens of
microseconds when they sleep, see OMP_WAIT_POLICY in ``__init__``); on small
arrays that costs more than the work, so those calls run on the calling
thread only.  Numpy ufunc work (the transcendental functions, where numpy's
SIMD loops beat scalar libm calls from Numba) is split across a small thread
pool instead: ufuncs release the GIL.
"""
import os
from concurrent.futures import ThreadPoolExecutor

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
