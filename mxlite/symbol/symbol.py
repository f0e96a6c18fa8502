"""``mx.sym.Symbol``: a handle on outputs of a computation graph (MXNet 1.x).

Arithmetic between symbols uses the same-shape operators (``elemwise_add``)
-- symbol ``+`` does not broadcast, as in MXNet; use ``broadcast_add``.
"""
import copy as _copy
import json
import warnings

import numpy as np

from ..base import MXNetError, numeric_types, as_dtype, DTYPE_TO_FLAG
from ..attribute import AttrScope, wrap_key, HIDDEN_KEYS
from ..name import NameManager
from ..ops.registry import get_op
from .graph import Node, topo_order, is_aux_input

__all__ = ['Symbol', 'Variable', 'var', 'Group']


def _call(hint_name, *args, **kwargs):
    from .creation import create_symbol
    return create_symbol(get_op(hint_name), hint_name.lower(), args, kwargs)


def _arith(self, other, sym_op, scalar_op, rscalar_op=None, reverse=False):
    if isinstance(other, Symbol):
        return _call(sym_op, other, self) if reverse else _call(sym_op, self, other)
    if isinstance(other, numeric_types):
        if reverse and rscalar_op is not None:
            return _call(rscalar_op, self, scalar=other)
        return _call(scalar_op, self, scalar=other)
    raise MXNetError('symbol arithmetic with type %s is not supported; use a Symbol or a number'
                     % type(other).__name__)


class Symbol:
    """Outputs of a symbolic graph; compose with ``mx.sym.<Op>``, bind to run."""
    __slots__ = ('_outputs', '__weakref__')

    def __init__(self, outputs):
        self._outputs = list(outputs)

    # -- identity ----------------------------------------------------------
    @property
    def name(self):
        """The node's name for a single-output symbol, else None."""
        if len(self._outputs) != 1:
            return None
        return self._outputs[0][0].name

    def __repr__(self):
        if len(self._outputs) == 1:
            return '<Symbol %s>' % self.name
        return '<Symbol group [%s]>' % ', '.join(n.name for n, _ in self._outputs)

    __str__ = __repr__

    def __len__(self):
        return len(self._outputs)

    def __iter__(self):
        return (Symbol([e]) for e in self._outputs)

    def __copy__(self):
        return Symbol(self._outputs)

    def __deepcopy__(self, memo):
        return self._clone({})

    def __getstate__(self):
        return {'json': self.tojson()}

    def __setstate__(self, state):
        from .json_io import load_json
        self._outputs = load_json(state['json'])._outputs

    def __bool__(self):
        raise MXNetError('the truth value of a Symbol is undefined; compare NDArrays after binding')

    # -- structure ---------------------------------------------------------
    def _nodes(self):
        return topo_order(self._outputs)

    def _arg_aux_nodes(self):
        args, aux = [], []
        seen = set()
        aux_ids = set()
        for node in self._nodes():
            if node.op is not None:
                for j, (src, _) in enumerate(node.inputs):
                    if src.is_variable and is_aux_input(node, j):
                        aux_ids.add(id(src))
        for node in self._nodes():
            if node.is_variable and id(node) not in seen:
                seen.add(id(node))
                (aux if id(node) in aux_ids else args).append(node)
        return args, aux

    def list_arguments(self):
        return [n.name for n in self._arg_aux_nodes()[0]]

    def list_auxiliary_states(self):
        return [n.name for n in self._arg_aux_nodes()[1]]

    def list_inputs(self):
        return [n.name for n in self._nodes() if n.is_variable]

    def list_outputs(self):
        out = []
        for node, i in self._outputs:
            out.append(node.output_names()[i] if node.op is not None else node.name)
        return out

    def get_internals(self):
        """Every visible output of every node, as one grouped symbol."""
        entries = []
        for node in self._nodes():
            entries += [(node, i) for i in range(node.num_visible_outputs())]
        return Symbol(entries)

    def get_children(self):
        """The inputs of this symbol's node(s), grouped; None for a variable."""
        entries = []
        for node, _ in self._outputs:
            entries += node.inputs
        return Symbol(entries) if entries else None

    def __getitem__(self, index):
        if isinstance(index, str):
            names = self.list_outputs()
            matches = [i for i, n in enumerate(names) if n == index]
            if not matches:
                raise MXNetError('Symbol has no output named %r; outputs are: %s'
                                 % (index, ', '.join(names[:20]) + (' ...' if len(names) > 20 else '')))
            if len(matches) > 1:
                raise MXNetError('Symbol has %d outputs named %r' % (len(matches), index))
            index = matches[0]
        if isinstance(index, slice):
            return Symbol(self._outputs[index])
        if not isinstance(index, (int, np.integer)):
            raise MXNetError('Symbol index must be an int, a slice or an output name, got %r'
                             % (index,))
        if index < -len(self._outputs) or index >= len(self._outputs):
            raise MXNetError('Symbol index %d out of range: it has %d outputs'
                             % (index, len(self._outputs)))
        return Symbol([self._outputs[index]])

    # -- composition -------------------------------------------------------
    def _clone(self, replace):
        """A deep copy of the graph; variables named in ``replace`` become those entries."""
        mapping = {}      # id(old node) -> new Node, or an entry for a replaced variable

        def remap(node, i):
            m = mapping[id(node)]
            return m if isinstance(m, tuple) else (m, i)
        for node in self._nodes():
            if node.is_variable and node.name in replace:
                mapping[id(node)] = replace[node.name]
                continue
            mapping[id(node)] = Node(node.op, node.name, node.attrs,
                                     [remap(src, i) for src, i in node.inputs], node.user_attrs)
        return Symbol([remap(n, i) for n, i in self._outputs])

    def __call__(self, *args, **kwargs):
        """Compose: substitute this symbol's free variables with other symbols."""
        name = kwargs.pop('name', None)
        s = self._clone({})
        s._compose(*args, name=name, **kwargs)
        return s

    def _compose(self, *args, **kwargs):
        name = kwargs.pop('name', None)
        arg_names = self.list_arguments()
        replace = {}
        if args and kwargs:
            raise MXNetError('compose takes either positional or keyword symbols, not both')
        for n, s in zip(arg_names, args):
            replace[n] = _single(s, n)
        for k, s in kwargs.items():
            if k not in arg_names:
                raise MXNetError('compose: %r is not an argument of this symbol; arguments are: %s'
                                 % (k, ', '.join(arg_names)))
            replace[k] = _single(s, k)
        new = self._clone(replace)
        if name:
            for node, _ in new._outputs:
                node.name = name
        self._outputs = new._outputs

    # -- attributes --------------------------------------------------------
    def attr(self, key):
        """The attribute ``key`` of this (single-node) symbol, or None."""
        if len(self._outputs) != 1:
            return None
        ua = self._outputs[0][0].user_attrs
        if key in ua:
            return ua[key]
        wrapped = '__%s__' % key
        if wrapped in ua:
            return ua[wrapped]
        node = self._outputs[0][0]
        return node.param_strings().get(key)

    @staticmethod
    def _visible_attrs(node):
        out = dict(node.param_strings()) if node.op is not None else {}
        for k, v in node.user_attrs.items():
            out[k] = v
            if k.startswith('__') and k.endswith('__') and k[2:-2] in HIDDEN_KEYS:
                out[k[2:-2]] = v
        return out

    def list_attr(self, recursive=False):
        if recursive:
            warnings.warn('list_attr(recursive=True) is deprecated; use attr_dict()',
                          DeprecationWarning, stacklevel=2)
            out = {}
            for node in self._nodes():
                for k, v in self._visible_attrs(node).items():
                    out['%s_%s' % (node.name, k)] = v
            return out
        if len(self._outputs) != 1:
            return {}
        return self._visible_attrs(self._outputs[0][0])

    def attr_dict(self):
        out = {}
        for node in self._nodes():
            a = self._visible_attrs(node)
            if a:
                out[node.name] = a
        return out

    def _set_attr(self, **kwargs):
        for k, v in kwargs.items():
            if not isinstance(v, str):
                raise MXNetError('attribute %r must be a string, got %r' % (k, v))
            for node, _ in self._outputs:
                node.user_attrs[wrap_key(k)] = v

    # -- inference ---------------------------------------------------------
    def _known(self, args, kwargs, what):
        known = {}
        if args:
            names = self.list_arguments()
            if len(args) > len(names):
                raise MXNetError('%s: got %d positional values for %d arguments'
                                 % (what, len(args), len(names)))
            for n, v in zip(names, args):
                if v is not None:
                    known[n] = v
        inputs = set(self.list_inputs())
        for k, v in kwargs.items():
            if k not in inputs:
                raise MXNetError('%s: %r is not an input of this symbol; inputs are: %s'
                                 % (what, k, ', '.join(sorted(inputs))))
            if v is not None:
                known[k] = v
        return known

    def _infer_shape_impl(self, partial, args, kwargs):
        from .infer import infer_shapes
        known = {k: tuple(v) for k, v in self._known(args, kwargs, 'infer_shape').items()}
        values, _ = infer_shapes(self._outputs, known)
        args_n, aux_n = self._arg_aux_nodes()

        def get(node, i=0):
            return values.get((id(node), i))
        arg_shapes = [get(n) for n in args_n]
        aux_shapes = [get(n) for n in aux_n]
        out_shapes = [get(n, i) for n, i in self._outputs]

        def complete(s):
            return s is not None and all(d > 0 for d in s)
        if partial:
            def fix(s):
                return () if s is None else s
            return [fix(s) for s in arg_shapes], [fix(s) for s in out_shapes], \
                [fix(s) for s in aux_shapes]
        if not all(complete(s) for s in arg_shapes + aux_shapes + out_shapes):
            unknown = ['%s: %s' % (n.name, () if s is None else s) for n, s in zip(args_n, arg_shapes)
                       if not complete(s)]
            warnings.warn('Cannot decide shape for the following arguments (0s in shape means '
                          'unknown dimensions). Consider providing them as input:\n\t' +
                          '\n\t'.join(unknown), stacklevel=3)
            return None, None, None
        return arg_shapes, out_shapes, aux_shapes

    def infer_shape(self, *args, **kwargs):
        """(arg_shapes, out_shapes, aux_shapes) from some input shapes; Nones if incomplete."""
        return self._infer_shape_impl(False, args, kwargs)

    def infer_shape_partial(self, *args, **kwargs):
        """Like infer_shape, with () for what cannot be inferred."""
        return self._infer_shape_impl(True, args, kwargs)

    def infer_type(self, *args, **kwargs):
        """(arg_types, out_types, aux_types) as numpy types; Nones if incomplete."""
        from .infer import infer_types
        known = {k: as_dtype(v) for k, v in self._known(args, kwargs, 'infer_type').items()}
        values, _ = infer_types(self._outputs, known)
        args_n, aux_n = self._arg_aux_nodes()
        arg_t = [values.get((id(n), 0)) for n in args_n]
        aux_t = [values.get((id(n), 0)) for n in aux_n]
        out_t = [values.get((id(n), i)) for n, i in self._outputs]
        if any(t is None for t in arg_t + aux_t + out_t):
            return None, None, None
        return ([t.type for t in arg_t], [t.type for t in out_t], [t.type for t in aux_t])

    def infer_type_partial(self, *args, **kwargs):
        from .infer import infer_types
        known = {k: as_dtype(v) for k, v in self._known(args, kwargs, 'infer_type').items()}
        values, _ = infer_types(self._outputs, known)
        args_n, aux_n = self._arg_aux_nodes()

        def t(n, i=0):
            v = values.get((id(n), i))
            return None if v is None else v.type
        return [t(n) for n in args_n], [t(n, i) for n, i in self._outputs], [t(n) for n in aux_n]

    # -- serialization -----------------------------------------------------
    def tojson(self, remove_amp_cast=True):
        from .json_io import to_json
        return to_json(self)

    def save(self, fname, remove_amp_cast=True):
        from ..ndarray.serialization import atomic_write
        atomic_write(fname, self.tojson().encode('utf-8'))

    def debug_str(self):
        lines = ['Symbol Outputs:']
        for i, (n, j) in enumerate(self._outputs):
            lines.append('\toutput[%d]=%s(%d)' % (i, n.name, j))
        for node in self._nodes():
            if node.is_variable:
                lines.append('Variable:%s' % node.name)
                continue
            lines += ['--------------------', 'Op:%s, Name=%s' % (node.op.name, node.name),
                      'Inputs:']
            for k, (s, j) in enumerate(node.inputs):
                lines.append('\targ[%d]=%s(%d)%s' % (k, s.name, j,
                                                     ' version=0' if s.is_variable else ''))
            params = node.param_strings()
            if params:
                lines.append('Attrs:')
                lines += ['\t%s=%s' % kv for kv in params.items()]
        return '\n'.join(lines) + '\n'

    # -- binding -----------------------------------------------------------
    def bind(self, ctx, args, args_grad=None, grad_req='write', aux_states=None, group2ctx=None,
             shared_exec=None):
        from ..executor import Executor
        return Executor.bind(self, ctx, args, args_grad, grad_req, aux_states, group2ctx,
                             shared_exec)

    def simple_bind(self, ctx, grad_req='write', type_dict=None, stype_dict=None, group2ctx=None,
                    shared_arg_names=None, shared_exec=None, shared_buffer=None, **kwargs):
        from ..executor import Executor
        return Executor.simple_bind(self, ctx, grad_req, type_dict, stype_dict, group2ctx,
                                    shared_arg_names, shared_exec, shared_buffer, **kwargs)

    def eval(self, ctx=None, **kwargs):
        """Bind to the given arrays, run forward, return the outputs."""
        from ..context import cpu
        ex = self.bind(ctx or cpu(), kwargs, grad_req='null')
        return ex.forward()

    def grad(self, wrt):
        raise MXNetError('Symbol.grad is deprecated in MXNet and not provided by mxlite; bind the '
                         'symbol and call backward()')

    # -- arithmetic (same-shape operators, as MXNet) -------------------------
    def __add__(self, other):
        return _arith(self, other, '_Plus', '_PlusScalar')

    __radd__ = __add__

    def __sub__(self, other):
        return _arith(self, other, '_Minus', '_MinusScalar')

    def __rsub__(self, other):
        return _arith(self, other, '_Minus', '_MinusScalar', '_RMinusScalar', reverse=True)

    def __mul__(self, other):
        return _arith(self, other, '_Mul', '_MulScalar')

    __rmul__ = __mul__

    def __truediv__(self, other):
        return _arith(self, other, '_Div', '_DivScalar')

    def __rtruediv__(self, other):
        return _arith(self, other, '_Div', '_DivScalar', '_RDivScalar', reverse=True)

    __div__ = __truediv__
    __rdiv__ = __rtruediv__

    def __mod__(self, other):
        return _arith(self, other, '_Mod', '_ModScalar')

    def __rmod__(self, other):
        return _arith(self, other, '_Mod', '_ModScalar', '_RModScalar', reverse=True)

    def __pow__(self, other):
        return _arith(self, other, '_Power', '_PowerScalar')

    def __rpow__(self, other):
        return _arith(self, other, '_Power', '_PowerScalar', '_rpower_scalar', reverse=True)

    def __neg__(self):
        return _call('_MulScalar', self, scalar=-1.0)

    def __abs__(self):
        return _call('abs', self)

    def __eq__(self, other):
        return _arith(self, other, '_equal', '_equal_scalar')

    def __ne__(self, other):
        return _arith(self, other, '_not_equal', '_not_equal_scalar')

    def __gt__(self, other):
        return _arith(self, other, '_greater', '_greater_scalar')

    def __ge__(self, other):
        return _arith(self, other, '_greater_equal', '_greater_equal_scalar')

    def __lt__(self, other):
        return _arith(self, other, '_lesser', '_lesser_scalar')

    def __le__(self, other):
        return _arith(self, other, '_lesser_equal', '_lesser_equal_scalar')

    __hash__ = object.__hash__

    def __iadd__(self, other):
        raise MXNetError('in-place arithmetic on a Symbol is not supported; write s = s + x')

    __isub__ = __imul__ = __itruediv__ = __iadd__

    # -- fluent methods ------------------------------------------------------
    def reshape(self, *shape, **kwargs):
        if shape:
            kwargs['shape'] = shape[0] if len(shape) == 1 and isinstance(shape[0], (list, tuple)) \
                else shape
        return _call('reshape', self, **kwargs)

    def astype(self, dtype):
        return _call('cast', self, dtype=dtype)


def _single(s, name):
    if not isinstance(s, Symbol):
        raise MXNetError('compose: %r must be a Symbol, got %s' % (name, type(s).__name__))
    if len(s._outputs) != 1:
        raise MXNetError('compose: %r must be a single-output symbol' % name)
    node, idx = s._outputs[0]
    return (node, idx)


def Variable(name, attr=None, shape=None, lr_mult=None, wd_mult=None, dtype=None, init=None,
             stype=None, profiler_scope=None, **kwargs):
    """A free input of a graph (data, a weight, a label)."""
    if not isinstance(name, str):
        raise MXNetError('Variable: name must be a string, got %r' % (name,))
    user = dict(AttrScope.current().get(None))
    if attr:
        for k, v in attr.items():
            if not isinstance(v, str):
                raise MXNetError('Variable: attribute %r must be a string, got %r' % (k, v))
            user[wrap_key(k)] = v
    if shape is not None:
        user['__shape__'] = str(tuple(shape))
    if lr_mult is not None:
        user['__lr_mult__'] = str(lr_mult)
    if wd_mult is not None:
        user['__wd_mult__'] = str(wd_mult)
    if dtype is not None:
        user['__dtype__'] = str(DTYPE_TO_FLAG[as_dtype(dtype, 'Variable dtype')])
    if init is not None:
        user['__init__'] = init if isinstance(init, str) else init.dumps()
    if stype is not None:
        if stype != 'default':
            raise MXNetError("Variable: storage type %r is not supported by mxlite; only "
                             "'default' (dense)" % (stype,))
        user['__storage_type__'] = '0'
    for k, v in kwargs.items():
        if k.startswith('__') and k.endswith('__'):
            user[k] = str(v)
        else:
            raise MXNetError('Variable: unknown argument %r (attributes go in attr={...} or as '
                             '__%s__=...)' % (k, k))
    return Symbol([(Node(None, name, user_attrs=user), 0)])


var = Variable


def Group(symbols):
    """One symbol whose outputs are the outputs of ``symbols``, in order."""
    if not symbols or any(not isinstance(s, Symbol) for s in symbols):
        raise MXNetError('Group: expected a non-empty list of Symbols')
    entries = []
    for s in symbols:
        entries += s._outputs
    return Symbol(entries)
