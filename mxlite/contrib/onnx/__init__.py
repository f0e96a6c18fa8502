"""``mx.contrib.onnx``: ONNX import (and export, also at ``mx.onnx``), as in MXNet 1.9.1.

* ``import_model(path) -> (sym, arg_params, aux_params)``
* ``get_model_metadata(path) -> {'input_tensor_data': [(name, shape)], 'output_tensor_data': ...}``
* ``import_to_gluon(path, ctx) -> gluon.SymbolBlock`` with the parameters loaded
* ``export_model(...)``: the same function as ``mx.onnx.export_model``

Needs the optional ``onnx`` package (``pip install "mxlite[onnx]"``).
"""
from ...onnx import export_model
from ._import import import_model, get_model_metadata

__all__ = ['import_model', 'get_model_metadata', 'import_to_gluon', 'export_model']


def import_to_gluon(model_file, ctx):
    """The ONNX model as a ``gluon.SymbolBlock`` on ``ctx``, its parameters loaded."""
    from ... import symbol as sym_mod
    from ...gluon import SymbolBlock
    sym, arg_params, aux_params = import_model(model_file)
    meta = get_model_metadata(model_file)
    params = dict(arg_params, **aux_params)
    inputs = [sym_mod.var(name) for name, _ in meta['input_tensor_data']
              if name not in params and name in sym.list_inputs()]
    net = SymbolBlock(outputs=sym, inputs=inputs)
    net_params = net.collect_params()
    for name, value in params.items():
        for key, param in net_params.items():
            if param.name == name or key == name:
                param.shape = value.shape
                param._load_init(value, ctx)
    return net
