"""Export state: the mx graph being walked and the ONNX graph being written.

Converters (``_export_nn``, ``_export_tensor``) are registered per mx
operator with :func:`register` and called as ``fn(g, node)``; they read the
node's inputs, attributes and inferred shapes through :class:`GraphBuilder`
and emit ONNX nodes and constants with it.  Tensor names follow MXNet
1.9.1's exporter: a node's first output is named after the node, graph
inputs and initializers after the variables.
"""
import numpy as np

from ..base import MXNetError

__all__ = ['register', 'CONVERTERS', 'GraphBuilder', 'OPSET', 'onnx_dtype']

# the ONNX operator set written into exported models (MXNet 1.9.1's newest translation table)
OPSET = 13

CONVERTERS = {}


def register(*names):
    def deco(fn):
        for n in names:
            CONVERTERS[n] = fn
        return fn
    return deco


def onnx_dtype(dtype):
    from onnx import helper
    return helper.np_dtype_to_tensor_dtype(np.dtype(dtype))


class GraphBuilder:
    """What a converter sees: the mx node's context and the ONNX graph under construction."""

    def __init__(self, shapes, dtypes, params, entry_names):
        self.nodes = []             # onnx NodeProto, in order
        self.initializers = []      # onnx TensorProto
        self._shapes = shapes       # {(id(node), i): shape}
        self._dtypes = dtypes       # {(id(node), i): numpy dtype}
        self.params = params        # {variable name: numpy array}
        self._names = entry_names   # {(id(node), i): tensor name}
        self._used = set(entry_names.values()) | set(params)
        self._const_cache = {}

    # -- names -------------------------------------------------------------
    def unique(self, hint):
        name, i = hint, 0
        while name in self._used:
            i += 1
            name = '%s_%d' % (hint, i)
        self._used.add(name)
        return name

    def input(self, node, j):
        src, i = node.inputs[j]
        return self._names[(id(src), i)]

    def inputs(self, node):
        return [self.input(node, j) for j in range(len(node.inputs))]

    def output(self, node, i=0):
        return self._names[(id(node), i)]

    def is_param(self, node, j):
        """Whether input ``j`` is a parameter (an initializer), with its value."""
        src, _ = node.inputs[j]
        if src.is_variable and src.name in self.params:
            return True
        return False

    def param_value(self, node, j):
        return self.params[node.inputs[j][0].name]

    # -- inferred facts ------------------------------------------------------
    def in_shape(self, node, j):
        src, i = node.inputs[j]
        return self._shapes[(id(src), i)]

    def out_shape(self, node, i=0):
        return self._shapes[(id(node), i)]

    def in_dtype(self, node, j=0):
        src, i = node.inputs[j]
        return self._dtypes[(id(src), i)]

    # -- emitting ------------------------------------------------------------
    def add(self, op_type, inputs, outputs=None, name=None, **attrs):
        """Append an ONNX node; returns its output names (fresh ones unless given)."""
        from onnx import helper
        if outputs is None:
            outputs = [self.unique('%s_%s' % (name or op_type.lower(), op_type.lower()))]
        attrs = {k: v for k, v in attrs.items() if v is not None}
        self.nodes.append(helper.make_node(op_type, list(inputs), list(outputs),
                                           name=self.unique(name or outputs[0]), **attrs))
        return outputs

    def const(self, hint, value, dtype=None):
        """An initializer holding ``value``; returns its name (equal constants are shared)."""
        from onnx import numpy_helper
        arr = np.asarray(value, dtype=dtype) if dtype is not None else np.asarray(value)
        key = (arr.dtype.str, arr.shape, arr.tobytes())
        if key in self._const_cache:
            return self._const_cache[key]
        name = self.unique(hint)
        self.initializers.append(numpy_helper.from_array(arr, name))
        self._const_cache[key] = name
        return name

    def int64s(self, hint, values):
        return self.const(hint, np.asarray(values, dtype=np.int64))

    def scalar(self, node, value, j=0):
        """A 0-d constant of input ``j``'s dtype (for scalar arithmetic)."""
        return self.const('%s_scalar' % node.name, np.asarray(value, dtype=self.in_dtype(node, j)))


def unsupported(node, why):
    return MXNetError('export_model: %s (node %s): %s' % (node.op.name, node.name, why))
