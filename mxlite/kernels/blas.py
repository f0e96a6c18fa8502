"""BLAS threads: mxlite runs BLAS on one thread and parallelises around it.

OpenBLAS's own threads busy-wait between calls: next to Numba's workers, or
any other busy process, on a 2-core machine they turned an MLP's training
step 15-30x slower (measured: 118k samples/s with one BLAS thread, 3.4k-7.7k
with two).  mxlite's parts (``_threads.gemm``, ``_threads.batch_parallel``)
block in the OS instead.  ``MXLITE_BLAS_THREADS=n`` leaves BLAS at its own
setting (then mxlite does not split GEMMs itself).

Light on purpose (no numba import): the operator entry points call
``ensure_pinned()`` before their first BLAS call.
"""
import os

_libs = None
_pinned = False


def controllers():
    """threadpoolctl's handles on the loaded BLAS libraries ([] without threadpoolctl).

    The first call also sets BLAS to one thread for the process, unless
    MXLITE_BLAS_THREADS is set."""
    global _libs, _pinned
    if _libs is None:
        try:
            from threadpoolctl import ThreadpoolController
            libs = [c for c in ThreadpoolController().lib_controllers if c.user_api == 'blas']
        except Exception:     # threadpoolctl missing or unable to inspect this process
            libs = []
        _pinned = bool(libs) and not os.environ.get('MXLITE_BLAS_THREADS')
        for lib in libs if _pinned else ():
            lib.set_num_threads(1)
        _libs = libs
    return _libs


def ensure_pinned():
    """Pin BLAS to one thread once per process (cheap after the first call)."""
    if _libs is None:
        controllers()


def pinned():
    """Whether mxlite set BLAS to one thread (and so splits GEMMs itself); decided once, on
    the first call, so the hot paths asking it pay a global read."""
    if _libs is None:
        controllers()
    return _pinned
