"""Gluon ``Block``: a container of parameters and child blocks with a ``forward``."""
import re
import threading
import warnings
from collections import OrderedDict

from ..base import MXNetError
from .. import name as _name
from .parameter import Parameter, ParameterDict

__all__ = ['Block', 'flatten_nested', 'regroup_nested']


class _BlockScope:
    """Name scope of a block: gives children and symbols the block's prefix."""
    _current = threading.local()

    def __init__(self, block):
        self._block = block
        self._counter = {}
        self._old_scope = None
        self._name_scope = None

    @staticmethod
    def create(prefix, params, hint):
        current = getattr(_BlockScope._current, 'value', None)
        if current is None:
            if prefix is None:
                prefix = _name.NameManager.current().get(None, hint) + '_'
            if params is None:
                params = ParameterDict(prefix)
            else:
                params = ParameterDict(params.prefix, params)
            return prefix, params
        if prefix is None:
            count = current._counter.get(hint, 0)
            prefix = '%s%d_' % (hint, count)
            current._counter[hint] = count + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self):
        if self._block._empty_prefix:
            return self
        self._old_scope = getattr(_BlockScope._current, 'value', None)
        _BlockScope._current.value = self
        self._name_scope = _name.Prefix(self._block.prefix)
        self._name_scope.__enter__()
        return self

    def __exit__(self, *exc):
        if self._block._empty_prefix:
            return
        self._name_scope.__exit__(*exc)
        self._name_scope = None
        _BlockScope._current.value = self._old_scope


def flatten_nested(args, what):
    """(flat list of arrays/symbols, format) for nested lists of them."""
    from ..ndarray.ndarray import NDArray
    from ..symbol.symbol import Symbol
    if isinstance(args, (NDArray, Symbol)) or args is None:
        return [args], int(0)
    if not isinstance(args, (list, tuple)):
        raise MXNetError('HybridBlock %s must be (nested) list of Symbol or NDArray, but got %s '
                         'of type %s' % (what, str(args), type(args).__name__))
    flat, fmts = [], []
    for a in args:
        f, fm = flatten_nested(a, what)
        flat.extend(f)
        fmts.append(fm)
    return flat, fmts


def regroup_nested(args, fmt):
    """Inverse of :func:`flatten_nested`: (structure, remaining items)."""
    if isinstance(fmt, int):
        if fmt == 0:
            return args[0], args[1:]
        return args[:fmt], args[fmt:]
    ret = []
    for f in fmt:
        res, args = regroup_nested(args, f)
        ret.append(res)
    return ret, args


class Block:
    """Base class of all layers and models (MXNet 1.x ``gluon.Block``).

    Assigning a Block or Parameter to an attribute registers it; parameter
    names are ``<prefix><name>`` with prefixes from nested ``name_scope()``s.
    """

    def __init__(self, prefix=None, params=None):
        self._empty_prefix = prefix == ''
        self._prefix, self._params = _BlockScope.create(prefix, params, self._alias())
        self._name = self._prefix[:-1] if self._prefix.endswith('_') else self._prefix
        self._scope = _BlockScope(self)
        self._children = OrderedDict()
        self._reg_params = {}
        self._forward_hooks = OrderedDict()
        self._forward_pre_hooks = OrderedDict()

    def __repr__(self):
        s = '{name}(\n{modstr}\n)'
        modstr = '\n'.join(['  ({key}): {block}'.format(key=key, block=_indent(repr(block), 2))
                            for key, block in self.__dict__.items() if isinstance(block, Block)])
        return s.format(name=self.__class__.__name__, modstr=modstr)

    def __setattr__(self, name, value):
        if hasattr(self, name):
            existing = getattr(self, name)
            if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
                raise MXNetError('Changing attribute type for {name} from {type1} to {type2} is not '
                                 'allowed.'.format(name=name, type1=type(existing),
                                                   type2=type(value)))
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            if name in self._reg_params:
                raise MXNetError('Overriding Parameter attribute %s is not allowed. If you want to '
                                 'share parameters between blocks, please set \'params\' at Block '
                                 'construction instead.' % name)
            self._reg_params[name] = value
        super().__setattr__(name, value)

    def _alias(self):
        return self.__class__.__name__.lower()

    @property
    def prefix(self):
        return self._prefix

    @property
    def name(self):
        return self._name

    def name_scope(self):
        """Scope that prefixes the names of child blocks and parameters created in it."""
        return self._scope

    @property
    def params(self):
        """This block's own ParameterDict (children's parameters are not included)."""
        return self._params

    def collect_params(self, select=None):
        """A ParameterDict of this block's and all its children's parameters.

        ``select`` is a regular expression (or ``|``-joined ones) on full names.
        """
        self._check_container_with_block()
        ret = ParameterDict(self._params.prefix)
        if not select:
            ret.update(self.params)
        else:
            pattern = re.compile(select)
            ret.update({n: v for n, v in self.params.items() if pattern.match(n)})
        for cld in self._children.values():
            ret.update(cld.collect_params(select=select))
        return ret

    def _collect_params_with_prefix(self, prefix=''):
        if prefix:
            prefix += '.'
        ret = {prefix + key: val for key, val in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def _check_container_with_block(self):
        children = set(self._children.values())

        def _find_unregistered_block_in_container(data):
            if isinstance(data, (list, tuple)):
                return any(_find_unregistered_block_in_container(e) for e in data)
            if isinstance(data, dict):
                return any(_find_unregistered_block_in_container(v) for v in data.values())
            if isinstance(data, Block):
                return data not in children
            return False
        for k, v in self.__dict__.items():
            if isinstance(v, (list, tuple, dict)) and not (k.startswith('__') or k == '_children'):
                if _find_unregistered_block_in_container(v):
                    warnings.warn('"{name}" is an unregistered container with Blocks. Note that '
                                  'Blocks inside the list, tuple or dict will not be registered '
                                  'automatically. Make sure to register them using '
                                  'register_child() or switching to nn.Sequential/'
                                  'nn.HybridSequential instead.'.format(
                                      name=self.__class__.__name__ + '.' + k), stacklevel=3)

    def save_parameters(self, filename, deduplicate=False):
        """Save parameters by structural name (``0.weight``, ``features.1.bias``)."""
        from .. import ndarray as nd
        params = self._collect_params_with_prefix()
        if deduplicate:
            seen = {}
            out = {}
            for k, v in params.items():
                if id(v) in seen:
                    continue
                seen[id(v)] = k
                out[k] = v
            params = out
        nd.save(filename, {key: val._reduce() for key, val in params.items()})

    def load_parameters(self, filename, ctx=None, allow_missing=False, ignore_extra=False,
                        cast_dtype=False, dtype_source='current'):
        """Load parameters saved by ``save_parameters`` (or by ``collect_params().save``)."""
        from .. import ndarray as nd
        loaded = nd.load(filename)
        if not isinstance(loaded, dict):
            raise MXNetError('load_parameters: %s holds no parameter names' % filename)
        params = self._collect_params_with_prefix()
        if not loaded and not params:
            return
        if not any('.' in i for i in loaded.keys()):
            # legacy files saved with full parameter names
            del loaded
            self.collect_params().load(filename, ctx, allow_missing, ignore_extra, self.prefix,
                                       cast_dtype=cast_dtype, dtype_source=dtype_source)
            return
        if not allow_missing:
            for name in params.keys():
                if name not in loaded:
                    raise MXNetError("Parameter '%s' is missing in file '%s', which contains "
                                     "parameters: %s. Set allow_missing=True to ignore missing "
                                     "parameters." % (name, filename, _brief(loaded.keys())))
        for name in loaded:
            if not ignore_extra and name not in params:
                raise MXNetError("Parameter '%s' loaded from file '%s' is not present in this "
                                 "block (%s). Set ignore_extra=True to ignore."
                                 % (name, filename, _brief(params.keys())))
            if name in params:
                params[name]._load_init(loaded[name], ctx, cast_dtype=cast_dtype,
                                        dtype_source=dtype_source)

    def save_params(self, filename):
        """Deprecated MXNet API: saves by full parameter names."""
        warnings.warn('save_params is deprecated. Please use save_parameters.', stacklevel=2)
        self.collect_params().save(filename, strip_prefix=self.prefix)

    def load_params(self, filename, ctx=None, allow_missing=False, ignore_extra=False):
        warnings.warn('load_params is deprecated. Please use load_parameters.', stacklevel=2)
        self.load_parameters(filename, ctx, allow_missing, ignore_extra)

    def register_child(self, block, name=None):
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def register_forward_pre_hook(self, hook):
        """``hook(block, inputs)`` runs before each forward; returns a removable handle."""
        return _HookHandle(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook):
        """``hook(block, inputs, outputs)`` runs after each forward; returns a handle."""
        return _HookHandle(self._forward_hooks, hook)

    def apply(self, fn):
        for cld in self._children.values():
            cld.apply(fn)
        fn(self)
        return self

    def initialize(self, init=None, ctx=None, verbose=False, force_reinit=False):
        """Initialise all parameters (``init`` default: ``Uniform()``)."""
        from .. import initializer as init_mod
        self.collect_params().initialize(init if init is not None else init_mod.Uniform(), ctx,
                                         verbose, force_reinit)

    def hybridize(self, active=True, **kwargs):
        """Turn hybridization on for every HybridBlock child."""
        for cld in self._children.values():
            cld.hybridize(active, **kwargs)

    def cast(self, dtype):
        for child in self._children.values():
            child.cast(dtype)
        for _, param in self.params.items():
            param.cast(dtype)

    def zero_grad(self):
        self.collect_params().zero_grad()

    def reset_ctx(self, ctx):
        self.collect_params().reset_ctx(ctx)

    def __call__(self, *args):
        for hook in self._forward_pre_hooks.values():
            hook(self, args)
        out = self.forward(*args)
        for hook in self._forward_hooks.values():
            hook(self, args, out)
        return out

    def forward(self, *args):
        raise MXNetError('%s must define forward()' % type(self).__name__)

    def summary(self, *inputs):
        """Print each layer's output shape and parameter count (MXNet's table)."""
        from .summary import print_block_summary
        print_block_summary(self, inputs)


class _HookHandle:
    _next_id = [0]

    def __init__(self, hooks, hook):
        self._hooks = hooks
        self._id = _HookHandle._next_id[0]
        _HookHandle._next_id[0] += 1
        hooks[self._id] = hook

    def detach(self):
        self._hooks.pop(self._id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.detach()


def _indent(s_, num_spaces):
    s = s_.split('\n')
    if len(s) == 1:
        return s_
    first = s.pop(0)
    s = [first] + [(num_spaces * ' ') + line for line in s]
    return '\n'.join(s)


def _brief(names, limit=6):
    names = list(names)
    return ', '.join(names[:limit]) + (', ...' if len(names) > limit else '')


