"""Creating operator nodes: ``mx.sym.<Op>(...)`` and symbol arithmetic.

Missing inputs become variables named ``<node>_<input>`` (``fc1_weight``,
``bn1_moving_mean``, ``softmax_label``); like MXNet, such implicit variables
carry a copy of the node's attributes, and an operator may add its own
(BatchNorm's moving statistics get an ``__init__`` attribute).
"""
from ..base import MXNetError
from ..attribute import AttrScope
from ..name import NameManager
from ..ndarray.invoke import bind_inputs, parse_cached
from .graph import Node

__all__ = ['create_symbol']


def _entry_of(sym, op_name, input_name):
    from .symbol import Symbol
    if not isinstance(sym, Symbol):
        raise MXNetError('%s: input %r must be a Symbol, got %s'
                         % (op_name, input_name, type(sym).__name__))
    if len(sym._outputs) != 1:
        raise MXNetError('%s: input %r must be a single-output symbol, got a group of %d outputs '
                         '(%s); index it, e.g. sym[0]' % (op_name, input_name, len(sym._outputs),
                                                          ', '.join(sym.list_outputs())))
    return sym._outputs[0]


def create_symbol(op, hint, args, kwargs):
    """``mx.sym.<name>(*args, **kwargs)`` for registry operator ``op``."""
    from .symbol import Symbol
    name = kwargs.pop('name', None)
    attr = kwargs.pop('attr', None)
    kwargs.pop('out', None)
    pos, named, params = bind_inputs(op, args, kwargs, lambda v: isinstance(v, Symbol))
    attrs = parse_cached(op, params)
    name = NameManager.current().get(name, hint)
    user_attrs = AttrScope.current().get(attr)
    arg_names = op.list_arguments(attrs)
    all_names = arg_names + op.list_aux_states(attrs)
    pos = [p for p in pos]
    while pos and pos[-1] is None:
        pos.pop()
    if len(pos) > len(all_names):
        raise MXNetError('%s: takes %d inputs (%s) but %d were given'
                         % (op.name, len(all_names), ', '.join(all_names), len(pos)))
    given = dict(zip(all_names, pos))
    for k, v in named.items():
        if k not in all_names:
            raise MXNetError('%s: unknown input %r; inputs are: %s'
                             % (op.name, k, ', '.join(all_names) or 'none'))
        if given.get(k) is not None:
            raise MXNetError('%s: input %r given twice' % (op.name, k))
        given[k] = v
    inputs = []
    var_attrs = dict(attrs._raw)
    var_attrs.update(user_attrs)
    extra = getattr(op, 'var_attrs', None)
    for input_name in all_names:
        s = given.get(input_name)
        if s is not None:
            inputs.append(_entry_of(s, op.name, input_name))
            continue
        if op.num_args_param is not None:
            raise MXNetError('%s: input %r is missing' % (op.name, input_name))
        va = dict(var_attrs)
        if extra:
            va.update(extra(attrs).get(input_name, {}))
        inputs.append((Node(None, '%s_%s' % (name, input_name), user_attrs=va), 0))
    node = Node(op, name, attrs, inputs, user_attrs)
    return Symbol([(node, i) for i in range(op.num_visible_outputs(attrs))])
