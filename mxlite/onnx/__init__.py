"""``mx.onnx``: export mx models to ONNX (MXNet 1.9.1's ``mxnet.onnx``).

``export_model(sym, params, in_shapes, in_types, onnx_file_path)`` writes an
ONNX model (operator set 13) that runs in onnxruntime and other ONNX
runtimes; ``get_operator_support()`` lists the convertible operators.  Needs
the optional ``onnx`` package (``pip install "mxlite[onnx]"``); importing
``mx.onnx`` works without it, calling ``export_model`` says what to install.
Import is ``mx.contrib.onnx.import_model``.
"""
from ._export import export_model, get_operator_support

__all__ = ['export_model', 'get_operator_support']
