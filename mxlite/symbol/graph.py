"""The graph under a Symbol: nodes, entries and traversal.

A node is a variable (``op is None``) or an operator call.  An *entry* is
``(node, output_index)``.  A Symbol is a list of entries (its outputs).
Traversal order is MXNet's depth-first post-order with inputs visited in
order, which fixes ``list_arguments()`` and the executor's schedule.
"""
from ..base import MXNetError

__all__ = ['Node', 'topo_order', 'is_aux_input']


class Node:
    __slots__ = ('op', 'name', 'attrs', 'inputs', 'user_attrs', '__weakref__')

    def __init__(self, op, name, attrs=None, inputs=(), user_attrs=None):
        self.op = op                      # Operator, or None for a variable
        self.name = name
        self.attrs = attrs                # parsed operator parameters (Attrs)
        self.inputs = list(inputs)        # [(Node, output index)]
        self.user_attrs = dict(user_attrs or {})   # strings: '__lr_mult__', '__shape__', ...

    @property
    def is_variable(self):
        return self.op is None

    def num_outputs(self):
        return 1 if self.op is None else self.op.num_outputs(self.attrs)

    def num_visible_outputs(self):
        return 1 if self.op is None else self.op.num_visible_outputs(self.attrs)

    def output_names(self):
        """Names of the visible outputs: ``fc1_output``, ``split0_output1``, or the variable's name."""
        if self.op is None:
            return [self.name]
        names = self.op.list_outputs(self.attrs)[:self.num_visible_outputs()]
        return ['%s_%s' % (self.name, n) for n in names]

    def input_names(self):
        """The operator's names for this node's inputs (arguments then aux states)."""
        return self.op.list_arguments(self.attrs) + self.op.list_aux_states(self.attrs)

    def n_args(self):
        return len(self.op.list_arguments(self.attrs))

    def param_strings(self):
        """Operator parameters as MXNet writes them (only those set by the user)."""
        return dict(self.attrs._raw) if self.attrs is not None else {}

    def __repr__(self):
        return '<Node %s %s>' % ('var' if self.op is None else self.op.name, self.name)


def topo_order(entries):
    """Nodes reachable from ``entries``, depth-first post-order (inputs in order)."""
    order = []
    seen = set()
    for head, _ in entries:
        if id(head) in seen:
            continue
        stack = [(head, 0)]
        seen.add(id(head))
        while stack:
            node, i = stack[-1]
            if i < len(node.inputs):
                stack[-1] = (node, i + 1)
                child = node.inputs[i][0]
                if id(child) not in seen:
                    seen.add(id(child))
                    stack.append((child, 0))
            else:
                stack.pop()
                order.append(node)
    return order


def is_aux_input(node, index):
    """Whether input ``index`` of ``node`` is an auxiliary state."""
    return node.op is not None and index >= node.n_args()


def check_single_output(sym, what):
    if len(sym._outputs) != 1:
        raise MXNetError('%s must be a single-output symbol, got a group of %d outputs (%s)'
                         % (what, len(sym._outputs), ', '.join(sym.list_outputs())))
    return sym._outputs[0]
