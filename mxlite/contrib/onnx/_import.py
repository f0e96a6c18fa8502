"""``import_model``: an ONNX model as an mx symbol with its parameters.

The graph is walked in order.  Each ONNX tensor is either *constant* (an
initializer, a ``Constant`` node, or computed from constants -- including
``Shape`` of a tensor whose shape is known, so the Shape/Slice/Concat
chains that exporters write around Reshape fold away) or *symbolic* (an mx
Symbol).  Translators (``_import_ops``) turn nodes into mx operators; a
constant that an mx operator needs as an input becomes a parameter
variable named after the ONNX tensor.
"""
import numpy as np

from ...base import MXNetError

__all__ = ['GraphImporter', 'import_model', 'get_model_metadata']


def _require_onnx():
    try:
        import onnx  # noqa: F401
    except ImportError:
        raise ImportError('mx.contrib.onnx needs the onnx package: pip install "mxlite[onnx]" '
                          '(onnx and protobuf)') from None


def _attrs(node):
    from onnx import helper
    return {a.name: helper.get_attribute_value(a) for a in node.attribute}


def _value_info_shape(vi):
    t = vi.type.tensor_type
    if not t.HasField('shape'):
        return None
    dims = []
    for d in t.shape.dim:
        if d.HasField('dim_value') and d.dim_value > 0:
            dims.append(int(d.dim_value))
        else:
            return None
    return tuple(dims)


class GraphImporter:
    """Translation state; translators use the methods below."""

    def __init__(self, graph, opset):
        from onnx import numpy_helper
        from ... import symbol as sym_mod
        self.mx = sym_mod
        self.opset = opset
        self.consts = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
        self.syms = {}
        self.params = {}            # param variable name -> numpy array
        self.aux_names = set()
        self.input_shapes = {}
        self._names = set()
        for vi in graph.input:
            if vi.name in self.consts:
                continue
            self.input_shapes[vi.name] = _value_info_shape(vi)
            self.syms[vi.name] = sym_mod.Variable(vi.name)
            self._names.add(vi.name)

    # -- names ---------------------------------------------------------------
    def node_name(self, node):
        base = node.output[0] if node.output and node.output[0] else (node.name or node.op_type)
        name, i = base, 0
        while name in self._names:
            i += 1
            name = '%s_%d' % (base, i)
        self._names.add(name)
        return name

    # -- values ----------------------------------------------------------------
    def is_const(self, name):
        return name == '' or name in self.consts

    def const(self, name):
        if name not in self.consts:
            raise MXNetError('import_model: tensor %s must be a constant (an initializer or '
                             'computable from initializers and known shapes)' % name)
        return self.consts[name]

    def sym(self, name, aux=False):
        """The tensor as a Symbol; a constant becomes a parameter variable of that name."""
        if name in self.syms:
            return self.syms[name]
        if name in self.consts:
            var = self.mx.Variable(name)
            self.params[name] = self.consts[name]
            if aux:
                self.aux_names.add(name)
            self.syms[name] = var
            return var
        raise MXNetError('import_model: tensor %s is used before it is produced' % name)

    def shape(self, name):
        """The static shape of a tensor (constants, inputs with fixed shapes, their results)."""
        if name in self.consts:
            return tuple(self.consts[name].shape)
        s = self.syms[name]
        args = set(s.list_arguments())
        known = {k: v for k, v in self.input_shapes.items() if k in args and v is not None}
        known.update({k: v.shape for k, v in self.params.items() if k in args})
        _, out, _ = s.infer_shape_partial(**known)
        shape = tuple(out[0])
        if not shape or any(d <= 0 for d in shape):
            unknown = sorted(a for a in args if a not in known)
            raise MXNetError('import_model: the shape of %s is needed but cannot be inferred%s'
                             % (name, ' (no fixed shape in the model for %s)' % ', '.join(unknown)
                                if unknown else ''))
        return shape

    def rank(self, name):
        return len(self.shape(name))


def import_graph(model_proto):
    """(sym, arg_params, aux_params) of an onnx ModelProto."""
    from ... import ndarray as nd
    from ._import_ops import TRANSLATORS, FOLDERS
    opset = max([o.version for o in model_proto.opset_import if o.domain in ('', 'ai.onnx')]
                or [1])
    graph = model_proto.graph
    g = GraphImporter(graph, opset)
    for node in graph.node:
        if node.domain not in ('', 'ai.onnx'):
            raise MXNetError('import_model: operator %s of domain %s is not supported'
                             % (node.op_type, node.domain))
        attrs = _attrs(node)
        fold = FOLDERS.get(node.op_type)
        if fold is not None and all(g.is_const(i) or (node.op_type == 'Shape' and i in g.syms)
                                    for i in node.input):
            values = fold(g, node, attrs)
            if values is not None:
                for name, v in zip(node.output, values):
                    g.consts[name] = np.asarray(v)
                continue
        fn = TRANSLATORS.get(node.op_type)
        if fn is None:
            raise MXNetError('import_model: ONNX operator %s (node %s) is not supported'
                             % (node.op_type, node.name or node.output[0]))
        outs = fn(g, node, attrs)
        outs = outs if isinstance(outs, (list, tuple)) else [outs]
        for name, s in zip(node.output, outs):
            if name:
                g.syms[name] = s
    outputs = []
    for vi in graph.output:
        if vi.name in g.syms:
            outputs.append(g.syms[vi.name])
        elif vi.name in g.consts:
            raise MXNetError('import_model: output %s is a constant' % vi.name)
        else:
            raise MXNetError('import_model: output %s is never produced' % vi.name)
    sym = outputs[0] if len(outputs) == 1 else g.mx.Group(outputs)
    args = set(sym.list_arguments())
    auxs = set(sym.list_auxiliary_states())
    arg_params = {k: nd.array(v, dtype=v.dtype) for k, v in g.params.items() if k in args}
    aux_params = {k: nd.array(v, dtype=v.dtype) for k, v in g.params.items() if k in auxs}
    return sym, arg_params, aux_params


def import_model(model_file):
    """(sym, arg_params, aux_params) of the ONNX model in ``model_file`` (MXNet 1.9.1 API)."""
    _require_onnx()
    import onnx
    try:
        model = onnx.load_model(model_file)
    except OSError:
        raise
    except Exception as e:
        raise MXNetError('import_model: %s is not an ONNX model (%s)' % (model_file, e)) from None
    return import_graph(model)


def get_model_metadata(model_file):
    """{'input_tensor_data': [(name, shape)], 'output_tensor_data': [(name, shape)]}."""
    _require_onnx()
    import onnx
    model = onnx.load_model(model_file)
    inits = {t.name for t in model.graph.initializer}

    def shape(vi):
        dims = vi.type.tensor_type.shape.dim
        return tuple(d.dim_value if d.HasField('dim_value') else d.dim_param for d in dims)
    return {'input_tensor_data': [(vi.name, shape(vi)) for vi in model.graph.input
                                  if vi.name not in inits],
            'output_tensor_data': [(vi.name, shape(vi)) for vi in model.graph.output]}
