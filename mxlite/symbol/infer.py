"""Shape and type inference over a symbol graph.

Repeated passes in topological order call each operator's ``infer_shape``
with what is known so far; an operator may complete its inputs (a weight's
shape from the data's and ``num_hidden``) as well as its outputs.  Passes
stop when nothing changes.  A clash names the node, the input, the variable
and both shapes.
"""
import ast

import numpy as np

from ..base import MXNetError, FLAG_TO_DTYPE, DTYPE_TO_FLAG
from ..ops.infer import fmt, merge_shape
from .graph import topo_order

__all__ = ['infer_shapes', 'infer_types', 'var_shape_attr', 'var_dtype_attr']


def var_shape_attr(node):
    text = node.user_attrs.get('__shape__')
    if not text:
        return None
    try:
        value = ast.literal_eval(text)
        if not isinstance(value, (tuple, list)):
            raise ValueError(text)
        shape = tuple(int(d) for d in value)
    except (ValueError, SyntaxError, TypeError, OverflowError, MemoryError, RecursionError):
        raise MXNetError('variable %r has an unreadable __shape__ attribute %.80r'
                         % (node.name, text)) from None
    if any(d < 0 for d in shape):
        raise MXNetError('variable %r has a negative dimension in its __shape__ attribute %r'
                         % (node.name, text))
    return shape


def var_dtype_attr(node):
    text = node.user_attrs.get('__dtype__')
    if text is None:
        return None
    try:
        return FLAG_TO_DTYPE[int(text)]
    except (ValueError, KeyError):
        pass                    # not a type flag: try it as a dtype name below
    try:
        dt = np.dtype(text)
    except (TypeError, ValueError, SyntaxError):
        dt = None
    if dt not in DTYPE_TO_FLAG:
        raise MXNetError('variable %r has an unreadable __dtype__ attribute %.80r (expected a type '
                         'flag or a name such as float32)' % (node.name, text))
    return dt


def _describe_input(node, j):
    src, idx = node.inputs[j]
    names = node.input_names()
    label = names[j] if j < len(names) else 'input %d' % j
    if src.is_variable:
        return "input '%s' (variable %s)" % (label, src.name)
    return "input '%s' (output %d of %s)" % (label, idx, src.name)


def _run_passes(nodes, values, infer, merge, describe_value, what):
    for _ in range(len(nodes) + 2):
        changed = False
        for node in nodes:
            if node.is_variable:
                continue
            keys = [(id(s), i) for s, i in node.inputs]
            ins = [values.get(k) for k in keys]
            try:
                new_in, outs = infer(node, ins)
            except MXNetError as e:
                raise MXNetError('Error in operator %s: %s' % (node.name, e)) from None
            for j, (k, v) in enumerate(zip(keys, new_in)):
                if v is None:
                    continue
                old = values.get(k)
                try:
                    merged = merge(old, v)
                except MXNetError:
                    given = ', '.join('%s %s' % (n, describe_value(x)) for n, x in
                                      zip(node.input_names(), ins) if x is not None)
                    raise MXNetError(
                        'Error in operator %s (%s): %s has %s %s, but the operator needs %s '
                        'given its inputs [%s] and parameters (%s)'
                        % (node.name, node.op.name, _describe_input(node, j), what,
                           describe_value(old), describe_value(v), given,
                           ', '.join('%s=%s' % kv for kv in node.param_strings().items()))) from None
                if old is None or merged != old:   # (np.dtype(...) == None is True for float64)
                    values[k] = merged
                    changed = True
            for i, v in enumerate(outs):
                k = (id(node), i)
                if v is None:
                    continue
                old = values.get(k)
                merged = merge(old, v)
                if old is None or merged != old:
                    values[k] = merged
                    changed = True
        if not changed:
            break
    return values


def infer_shapes(entries, known):
    """{(id(node), index): shape or None} for every entry reachable from ``entries``.

    ``known`` maps variable names to shapes; a variable's ``__shape__``
    attribute is used when it is not given.
    """
    nodes = topo_order(entries)
    values = {}
    for node in nodes:
        if node.is_variable:
            s = known.get(node.name)
            attr = var_shape_attr(node)
            if s is not None and attr is not None:
                try:
                    s = merge_shape('infer_shape', node.name, tuple(attr), tuple(s))
                except MXNetError:
                    raise MXNetError('infer_shape: variable %s was declared with shape %s but %s '
                                     'was given' % (node.name, fmt(attr), fmt(s))) from None
            elif s is None:
                s = attr
            values[(id(node), 0)] = None if s is None else tuple(s)

    def infer(node, ins):
        new_in, outs = node.op.infer_shape(node.attrs, ins)
        backward = getattr(node.op, 'infer_shape_backward', None)
        if backward is not None:
            # (MXNet also completes inputs from known outputs: the batch size of a begin
            # state zeros((0, H)) comes from what its FullyConnected's output meets)
            known = [values.get((id(node), i)) for i in range(len(outs))]
            if any(k is not None for k in known):
                refined = backward(node.attrs, list(new_in), known)
                if refined is not None:
                    new_in = refined
        return new_in, outs

    def merge(old, new):
        return merge_shape('infer_shape', '', old, tuple(new))
    return _run_passes(nodes, values, infer, merge, fmt, 'shape'), nodes


def _merge_type(old, new):
    new = np.dtype(new)
    if old is None or old == new:
        return new
    raise MXNetError('type clash')


def infer_types(entries, known):
    """{(id(node), index): numpy dtype or None}; ``known`` maps variable names to dtypes."""
    nodes = topo_order(entries)
    values = {}
    for node in nodes:
        if node.is_variable:
            t = known.get(node.name)
            if t is None:
                t = var_dtype_attr(node)
            values[(id(node), 0)] = None if t is None else np.dtype(t)

    def infer(node, ins):
        return node.op.infer_type(node.attrs, ins)

    def describe(t):
        return '?' if t is None else np.dtype(t).name
    return _run_passes(nodes, values, infer, _merge_type, describe, 'dtype'), nodes
