"""Numba-JIT CPU kernels: numpy arrays in, numpy arrays out.

Conventions every kernel module follows:

* ``@njit(cache=True, nogil=True)`` (``parallel=True`` only where measured
  to pay); compiled lazily on first call and cached on disk, so
  ``import mxlite`` never compiles anything.
* Kernels know nothing of NDArray, attrs or contexts.  Shapes are validated
  by the operator registry before a kernel is reached: Numba does not
  bounds-check, so a kernel must never see inconsistent shapes.
* Index with slices where a loop copies or accumulates runs of elements
  (``r[oy, lo:hi] = x[...]``): Numba compiles those to tight vectorised
  loops, while per-element computed indices pay a wraparound check each.
* Nothing in ``mxlite`` imports this package at module level; an operator's
  forward imports the kernel module it needs.
"""

import logging as _logging
import os as _os

# Numba logs every compilation step at DEBUG level; scripts that call
# logging.basicConfig(level=logging.DEBUG), as MXNet's examples do, would be
# flooded with its IR dumps.  Keep its logger at WARNING unless the user set it.
if _logging.getLogger('numba').level == _logging.NOTSET:
    _logging.getLogger('numba').setLevel(_logging.WARNING)

# Numba's OpenMP workers spin after each parallel loop by default, stealing
# the cores OpenBLAS needs for the GEMM that follows (convolution alternates
# the two pools): measured 3x slower on 2 cores.  Sleep instead, unless the
# user chose a policy.  Must happen before libgomp loads (the first parallel
# kernel call), hence here.
_os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')


def _keep_heap():
    """Keep freed memory in the process heap instead of handing it back to the OS.

    glibc serves large arrays with fresh mmap()s and gives them back on free,
    so every new output array page-faults its way in (a 25 MB activation
    costs 2-3 ms of kernel time before any arithmetic).  MXNet avoids this
    with its pooled storage manager; mxlite asks glibc to reuse its heap.
    Opt out with MXLITE_MALLOC_TUNE=0.
    """
    if _os.environ.get('MXLITE_MALLOC_TUNE', '1') == '0':
        return
    try:
        import ctypes
        import ctypes.util
        name = ctypes.util.find_library('c')
        if not name:
            return
        libc = ctypes.CDLL(name)
        if not hasattr(libc, 'mallopt'):
            return
        m_trim_threshold, m_mmap_threshold = -1, -3
        libc.mallopt(m_mmap_threshold, 1 << 30)
        libc.mallopt(m_trim_threshold, (1 << 31) - 1)
    except (OSError, AttributeError):
        pass


_keep_heap()
