"""``mx.runtime``: which build features this mxlite has (MXNet's ``Features``).

The names are MXNet 1.9.1's, so scripts that branch on
``mx.runtime.Features().is_enabled('CUDA')`` or ``'MKLDNN'`` take their CPU
path.  CPU instruction sets come from numpy's own CPU detection.
"""
import collections
import importlib.util

__all__ = ['Feature', 'Features', 'feature_list']

_NAMES = ('CUDA', 'CUDNN', 'NCCL', 'CUDA_RTC', 'TENSORRT', 'CPU_SSE', 'CPU_SSE2', 'CPU_SSE3',
          'CPU_SSE4_1', 'CPU_SSE4_2', 'CPU_SSE4A', 'CPU_AVX', 'CPU_AVX2', 'OPENMP', 'SSE', 'F16C',
          'JEMALLOC', 'BLAS_OPEN', 'BLAS_ATLAS', 'BLAS_MKL', 'BLAS_APPLE', 'LAPACK', 'MKLDNN',
          'OPENCV', 'CAFFE', 'PROFILER', 'DIST_KVSTORE', 'CXX14', 'INT64_TENSOR_SIZE',
          'SIGNAL_HANDLER', 'DEBUG', 'TVM_OP')

# MXNet feature -> numpy's name for the CPU instruction set
_CPU = {'CPU_SSE': 'SSE', 'CPU_SSE2': 'SSE2', 'CPU_SSE3': 'SSE3', 'CPU_SSE4_1': 'SSE41',
        'CPU_SSE4_2': 'SSE42', 'CPU_AVX': 'AVX', 'CPU_AVX2': 'AVX2', 'F16C': 'F16C'}


class Feature(collections.namedtuple('Feature', ['name', 'enabled'])):
    """One feature: ``name`` and whether it is ``enabled``."""
    __slots__ = ()

    def __repr__(self):
        return ('✔ ' if self.enabled else '✖ ') + self.name


def _cpu_features():
    try:
        from numpy._core._multiarray_umath import __cpu_features__
    except ImportError:             # numpy < 2
        from numpy.core._multiarray_umath import __cpu_features__
    return __cpu_features__


def _blas():
    import numpy as np
    try:
        info = np.show_config(mode='dicts')['Build Dependencies']['blas']['name'].lower()
    except Exception:               # older numpy: no machine-readable config
        info = ''
    return info


def _enabled():
    cpu = _cpu_features()
    blas = _blas()
    on = {name: bool(cpu.get(np_name)) for name, np_name in _CPU.items()}
    on.update({
        'BLAS_OPEN': 'openblas' in blas, 'BLAS_MKL': 'mkl' in blas,
        'BLAS_APPLE': 'accelerate' in blas, 'LAPACK': True,
        'OPENCV': importlib.util.find_spec('cv2') is not None,
        'PROFILER': True,           # mx.profiler: per-operator timings
        'DIST_KVSTORE': importlib.util.find_spec('mpi4py') is not None,
        'INT64_TENSOR_SIZE': True,  # numpy indexes with 64-bit sizes
    })
    return on


class Features(collections.OrderedDict):
    """Every feature MXNet 1.9.1 reports, in its order, enabled where mxlite has it."""

    def __init__(self):
        on = _enabled()
        super().__init__((n, Feature(n, on.get(n, False))) for n in _NAMES)

    def __repr__(self):
        return str(list(self.values()))

    def is_enabled(self, feature_name):
        """Whether ``feature_name`` (e.g. ``'CUDA'``) is enabled; unknown names raise."""
        name = feature_name.upper()
        if name not in self:
            raise RuntimeError("Feature '%s' is unknown, known features are: %s"
                               % (feature_name, list(self.keys())))
        return self[name].enabled


def feature_list():
    """The features as a list of ``Feature``."""
    return list(Features().values())
