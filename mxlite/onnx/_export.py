"""``mx.onnx.export_model``: an mx symbol and its parameters as an ONNX model file."""
import logging

import numpy as np

from ..base import MXNetError
from ._graph import CONVERTERS, GraphBuilder, OPSET, onnx_dtype
from . import _export_nn, _export_tensor  # noqa: F401  (register the converters)

__all__ = ['export_model', 'get_operator_support']

# loss heads: their label input is not part of an inference graph
_LABELLED = ('SoftmaxOutput', 'LinearRegressionOutput', 'LogisticRegressionOutput',
             'MAERegressionOutput')


def _require_onnx():
    try:
        import onnx  # noqa: F401
    except ImportError:
        raise ImportError('mx.onnx needs the onnx package: pip install "mxlite[onnx]" '
                          '(onnx and protobuf)') from None


def get_operator_support(opset_version=None):
    """The mx operators export_model can convert (sorted), as in MXNet 1.9.1."""
    if opset_version is not None and opset_version < OPSET:
        return []
    from ..ops.registry import list_ops, get_op
    return sorted(n for n in list_ops() if get_op(n).name in CONVERTERS)


def _load_params(params):
    from .. import ndarray as nd
    if isinstance(params, str):
        params = nd.load(params)
        if not isinstance(params, dict):
            raise MXNetError('export_model: the params file holds an unnamed list of arrays')
    elif isinstance(params, (list, tuple)):
        if len(params) != 2 or not all(isinstance(p, dict) for p in params):
            raise MXNetError('export_model: params as a list must be [arg_params, aux_params]')
        params = dict(params[0], **params[1])
    elif not isinstance(params, dict):
        raise MXNetError('export_model: params must be a dict, [arg_params, aux_params] or a '
                         '.params path, got %s' % type(params).__name__)
    out = {}
    for k, v in params.items():
        name = k.split(':', 1)[1] if k.startswith(('arg:', 'aux:')) else k
        out[name] = v.asnumpy() if hasattr(v, 'asnumpy') else np.asarray(v)
    return out


def _inputs_and_labels(sym, params):
    """Graph inputs (variables without a value), and label variables of loss heads."""
    labels = set()
    for node in sym._nodes():
        if node.op is not None and node.op.name in _LABELLED and len(node.inputs) > 1:
            src = node.inputs[1][0]
            if src.is_variable and src.name not in params:
                labels.add(src.name)
    inputs = [n for n in dict.fromkeys(sym.list_arguments()) if n not in params and n not in labels]
    missing_aux = [n for n in sym.list_auxiliary_states() if n not in params]
    if missing_aux:
        raise MXNetError('export_model: params has no value for the auxiliary states %s'
                         % ', '.join(missing_aux))
    return inputs, labels


def _as_list(value, n, what):
    if isinstance(value, list):
        if len(value) != n:
            raise MXNetError('export_model: %d %s for %d inputs' % (len(value), what, n))
        return value
    return [value] * n


def _entry_names(sym):
    names = {}
    for node in sym._nodes():
        if node.is_variable:
            names[(id(node), 0)] = node.name
            continue
        for i in range(node.num_outputs()):
            names[(id(node), i)] = node.name if i == 0 else '%s_output%d' % (node.name, i)
    return names


def export_model(sym, params, in_shapes=None, in_types=np.float32, onnx_file_path='model.onnx',
                 verbose=False, dynamic=False, dynamic_input_shapes=None,
                 run_shape_inference=False, input_type=None, input_shape=None):
    """Export ``sym`` with ``params`` to ONNX (opset 13); returns ``onnx_file_path``.

    ``sym``: a Symbol or a ``-symbol.json`` path.  ``params``: a dict of
    NDArrays (arg and aux together, ``arg:``/``aux:`` prefixes allowed), a
    list ``[arg_params, aux_params]`` or a ``.params`` path.  ``in_shapes``:
    one shape per data input (the symbol's arguments that have no value in
    ``params``, in ``list_arguments()`` order; loss labels are left out).
    ``in_types``: a dtype or one per input.  ``dynamic``: make the inputs'
    dimensions symbolic (all, or those that are ``None`` in
    ``dynamic_input_shapes``).  ``input_type``/``input_shape``: MXNet's old
    names for ``in_types``/``in_shapes``.
    """
    _require_onnx()
    import onnx
    from onnx import helper
    from .. import symbol as sym_mod
    from ..symbol.infer import infer_shapes, infer_types
    if input_shape is not None:
        in_shapes = input_shape
    if input_type is not None:
        in_types = input_type
    if isinstance(sym, str):
        sym = sym_mod.load(sym)
    if not isinstance(sym, sym_mod.Symbol):
        raise MXNetError('export_model: sym must be a Symbol or a symbol JSON path')
    params = _load_params(params)
    inputs, labels = _inputs_and_labels(sym, params)
    if in_shapes is None:
        raise MXNetError('export_model: in_shapes is required: one shape per input (%s)'
                         % ', '.join(inputs))
    in_shapes = [tuple(int(d) for d in s) for s in in_shapes]
    if len(in_shapes) != len(inputs):
        raise MXNetError('export_model: %d in_shapes for the %d inputs %s (parameters come from '
                         'params; labels of loss layers are dropped)'
                         % (len(in_shapes), len(inputs), inputs))
    in_types = [np.dtype(t) for t in _as_list(in_types, len(inputs), 'in_types')]
    known = dict(zip(inputs, in_shapes))
    known.update({k: v.shape for k, v in params.items()})
    shapes, nodes = infer_shapes(sym._outputs, known)
    types_known = dict(zip(inputs, in_types))
    types_known.update({k: v.dtype for k, v in params.items()})
    dtypes, _ = infer_types(sym._outputs, types_known)
    for node in nodes:
        for i in range(node.num_outputs()):
            if shapes.get((id(node), i)) is None and node.name not in labels:
                raise MXNetError('export_model: cannot infer the shape of %s from in_shapes %s'
                                 % (node.name, in_shapes))
    names = _entry_names(sym)
    g = GraphBuilder(shapes, dtypes, params, names)
    for node in nodes:
        if node.is_variable:
            continue
        fn = CONVERTERS.get(node.op.name)
        if fn is None:
            raise MXNetError('export_model: operator %s (node %s) has no ONNX conversion; '
                             'supported: mx.onnx.get_operator_support()' % (node.op.name, node.name))
        if verbose:
            logging.info('Converting %s (%s)', node.name, node.op.name)
        fn(g, node)
    graph = _make_graph(g, sym, nodes, params, inputs, in_types, names, shapes, dtypes,
                        dynamic, dynamic_input_shapes)
    model = helper.make_model(graph, producer_name='mxlite', producer_version=_version(),
                              opset_imports=[helper.make_opsetid('', OPSET)])
    model.ir_version = min(model.ir_version, 8)     # readable by older onnxruntime releases
    if run_shape_inference:
        model = onnx.shape_inference.infer_shapes(model)
    onnx.checker.check_model(model)
    from ..ndarray.serialization import atomic_write
    atomic_write(onnx_file_path, model.SerializeToString())
    return onnx_file_path


def _version():
    from .. import __version__
    return __version__


def _make_graph(g, sym, nodes, params, inputs, in_types, names, shapes, dtypes, dynamic,
                dynamic_input_shapes):
    from onnx import helper, numpy_helper
    used = {n.name for n in nodes if n.is_variable}
    names_in_order = dict.fromkeys(sym.list_arguments() + sym.list_auxiliary_states())
    initializers = [numpy_helper.from_array(np.ascontiguousarray(params[n]), n)
                    for n in names_in_order if n in params and n in used]
    initializers += g.initializers
    dyn = list(dynamic_input_shapes) if dynamic_input_shapes is not None else None
    graph_inputs = []
    for k, (name, t) in enumerate(zip(inputs, in_types)):
        shape = list(shapes[(id(_var(nodes, name)), 0)])
        if dynamic:
            pattern = dyn[k] if dyn is not None else [None] * len(shape)
            shape = [('%s_dim%d' % (name, i)) if d is None else d for i, d in enumerate(pattern)]
        graph_inputs.append(helper.make_tensor_value_info(name, onnx_dtype(t), shape))
    graph_outputs = []
    for node, i in sym._outputs:
        shape = list(shapes[(id(node), i)])
        if dynamic:
            shape = [None] * len(shape)
        graph_outputs.append(helper.make_tensor_value_info(names[(id(node), i)],
                                                           onnx_dtype(dtypes[(id(node), i)]),
                                                           shape))
    return helper.make_graph(g.nodes, 'mxnet_converted_model', graph_inputs, graph_outputs,
                             initializer=initializers)


def _var(nodes, name):
    for n in nodes:
        if n.is_variable and n.name == name:
            return n
    raise MXNetError('export_model: no variable %s' % name)
