"""Numba-JIT CPU kernels: numpy arrays in, numpy arrays out.

Conventions every kernel module follows:

* ``@njit(cache=True, nogil=True)`` (``parallel=True`` only where measured
  to pay); compiled lazily on first call and cached on disk, so
  ``import mxlite`` never compiles anything.
* Kernels know nothing of NDArray, attrs or contexts.  Shapes are validated
  by the operator registry before a kernel is reached: Numba does not
  bounds-check, so a kernel must never see inconsistent shapes.
* Nothing in ``mxlite`` imports this package at module level; an operator's
  forward imports the kernel module it needs.
"""
