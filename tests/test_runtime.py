"""mx.runtime: MXNet 1.9.1's feature names, in its order, honest values."""
import pytest

import mxlite as mx

MXNET_191_FEATURES = [
    'CUDA', 'CUDNN', 'NCCL', 'CUDA_RTC', 'TENSORRT', 'CPU_SSE', 'CPU_SSE2', 'CPU_SSE3',
    'CPU_SSE4_1', 'CPU_SSE4_2', 'CPU_SSE4A', 'CPU_AVX', 'CPU_AVX2', 'OPENMP', 'SSE', 'F16C',
    'JEMALLOC', 'BLAS_OPEN', 'BLAS_ATLAS', 'BLAS_MKL', 'BLAS_APPLE', 'LAPACK', 'MKLDNN', 'OPENCV',
    'CAFFE', 'PROFILER', 'DIST_KVSTORE', 'CXX14', 'INT64_TENSOR_SIZE', 'SIGNAL_HANDLER', 'DEBUG',
    'TVM_OP']


def test_features_have_mxnets_names_and_order():
    f = mx.runtime.Features()
    assert list(f.keys()) == MXNET_191_FEATURES
    assert [x.name for x in mx.runtime.feature_list()] == MXNET_191_FEATURES


def test_cpu_build_values():
    f = mx.runtime.Features()
    assert not f.is_enabled('CUDA') and not f.is_enabled('cudnn') and not f.is_enabled('MKLDNN')
    assert f.is_enabled('OPENCV') and f.is_enabled('PROFILER') and f.is_enabled('LAPACK')
    assert f.is_enabled('CPU_SSE2')          # every x86-64 CPU numpy runs on
    assert repr(f['CUDA']) == '✖ CUDA' and repr(f['OPENCV']) == '✔ OPENCV'


def test_unknown_feature_is_refused_with_the_known_list():
    with pytest.raises(RuntimeError, match="Feature 'FOO' is unknown.*'CUDA'"):
        mx.runtime.Features().is_enabled('FOO')
