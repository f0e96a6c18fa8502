"""``HybridBlock``: runs imperatively, or -- after ``hybridize()`` -- as a cached graph."""
import warnings

from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from .block import Block, flatten_nested, regroup_nested
from .parameter import DeferredInitializationError

__all__ = ['HybridBlock']


class HybridBlock(Block):
    """A Block written as ``hybrid_forward(self, F, x, *args, **params)``.

    ``F`` is ``mx.nd`` when called on NDArrays and ``mx.sym`` while tracing.
    ``hybridize()`` makes the next call trace ``hybrid_forward`` into a
    Symbol, which then runs on a cached, memory-planned Executor.
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._cached_graph = ()
        self._cached_op = None
        self._out_format = None
        self._in_format = None
        self._active = False
        self._flags = {}

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if isinstance(value, HybridBlock):
            self._clear_cached_op()

    def register_child(self, block, name=None):
        if not isinstance(block, HybridBlock):
            raise MXNetError('Children of HybridBlock must also be HybridBlock, but %s has type %s. '
                             'If you are using Sequential, please try HybridSequential instead.'
                             % (str(block), str(type(block))))
        super().register_child(block, name)
        self._clear_cached_op()

    def hybridize(self, active=True, static_alloc=False, static_shape=False, **kwargs):
        """Trace into a Symbol on the next call and run it as a cached graph from then on."""
        self._active = active
        self._flags = {'static_alloc': static_alloc, 'static_shape': static_shape}
        self._clear_cached_op()
        super().hybridize(active, static_alloc=static_alloc, static_shape=static_shape, **kwargs)

    def cast(self, dtype):
        self._clear_cached_op()
        super().cast(dtype)

    def _clear_cached_op(self):
        self._cached_graph = ()
        self._cached_op = None

    # -- tracing -------------------------------------------------------------
    def _get_graph(self, *args):
        from .. import symbol
        if not self._cached_graph:
            flat_args, self._in_format = flatten_nested(args, 'input')
            if len(flat_args) > 1:
                inputs = [symbol.var('data%d' % i) if a is not None else None
                          for i, a in enumerate(flat_args)]
            else:
                inputs = [symbol.var('data')]
            grouped_inputs = regroup_nested(inputs, self._in_format)[0]
            params = {i: j.var() for i, j in self._reg_params.items()}
            with self.name_scope():
                out = self.hybrid_forward(symbol, *grouped_inputs, **params)
            out, self._out_format = flatten_nested(out, 'output')
            self._cached_graph = inputs, symbol.Group(out)
        return self._cached_graph

    def _infer_attrs(self, infer_fn, attr, *args):
        inputs, out = self._get_graph(*args)
        flat, _ = flatten_nested(args, 'input')
        known = {i.name: getattr(j, attr) for i, j in zip(inputs, flat)
                 if i is not None and j is not None}
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            arg_attrs, _, aux_attrs = getattr(out, infer_fn)(**known)
        if arg_attrs is None:
            raise MXNetError(str(w[0].message) if w else '%s failed' % infer_fn)
        sdict = dict(zip(out.list_arguments(), arg_attrs))
        sdict.update(zip(out.list_auxiliary_states(), aux_attrs))
        for p in self.collect_params().values():
            if p.name in sdict:
                setattr(p, attr, sdict[p.name])

    def infer_shape(self, *args):
        """Infer the shapes of all parameters from the inputs' shapes."""
        self._infer_attrs('infer_shape', 'shape', *args)

    def infer_type(self, *args):
        self._infer_attrs('infer_type', 'dtype', *args)

    def _deferred_infer_shape(self, *args):
        try:
            self.infer_shape(*args)
        except MXNetError as e:
            raise MXNetError('Deferred initialization failed because shape cannot be inferred. %s'
                             % e) from None

    # -- running ---------------------------------------------------------------
    def _build_cache(self, *args):
        from .cached_graph import CachedGraph
        data, out = self._get_graph(*args)
        data_names = [d.name for d in data if d is not None]
        params = self.collect_params()
        input_names = out.list_inputs()
        expected = set(input_names)
        for name in input_names:
            if name not in params and name not in data_names:
                raise MXNetError('Unknown input to HybridBlock: %s' % name)
        unused = [i for i, n in enumerate(data_names) if n not in expected]
        if unused:
            warnings.warn('The %s input to HybridBlock is not used by any computation. Is this '
                          'intended?' % ', '.join('%d-th' % i for i in unused), stacklevel=4)
        unused_p = [n for n in params.keys() if n not in expected]
        if unused_p:
            warnings.warn('Parameter %s is not used by any computation. Is this intended?'
                          % ', '.join(unused_p), stacklevel=4)
        used = {n: params[n] for n in input_names if n in params}
        try:
            for p in used.values():
                p.data()
        except DeferredInitializationError:
            try:
                self._deferred_infer_shape(*args)
            except MXNetError:
                # shapes the graph cannot infer (e.g. an RNN layer's flattened weights):
                # one imperative pass lets every child initialise its own parameters
                self._imperative_init_pass(*args)
            for p in params.values():
                p._finish_deferred_init()
        self._cached_op = CachedGraph(out, data_names, used)

    def _imperative_init_pass(self, *args):
        from .. import autograd
        saved = []

        def deactivate(block):
            if isinstance(block, HybridBlock):
                saved.append((block, block._active))
                block._active = False
        self.apply(deactivate)
        try:
            with autograd.pause(train_mode=False):
                self.forward(*args)
        finally:
            for block, active in saved:
                block._active = active

    def _call_cached_op(self, *args):
        if self._cached_op is None:
            self._build_cache(*args)
        flat, fmt = flatten_nested(args, 'input')
        if fmt != self._in_format:
            raise MXNetError('Invalid input format: the hybridized block was traced with inputs '
                             'structured as %s, got %s' % (self._in_format, fmt))
        ctx = next(x for x in flat if x is not None).context
        for x in flat:
            if x is not None and x.context != ctx:
                raise MXNetError('hybridized block: inputs are on different contexts (%s and %s)'
                                 % (ctx, x.context))
        out = self._cached_op([x for x in flat if x is not None], ctx)
        return regroup_nested(out, self._out_format)[0]

    def forward(self, x, *args):
        from .. import ndarray
        from .. import symbol
        from ..symbol.symbol import Symbol
        if isinstance(x, NDArray):
            ctx = x.context
            with ctx:
                if self._active:
                    return self._call_cached_op(x, *args)
                try:
                    params = {k: v.data(ctx) for k, v in self._reg_params.items()}
                except DeferredInitializationError:
                    self._deferred_infer_shape(x, *args)
                    for _, v in self.params.items():
                        v._finish_deferred_init()
                    params = {k: v.data(ctx) for k, v in self._reg_params.items()}
                return self.hybrid_forward(ndarray, x, *args, **params)
        if not isinstance(x, Symbol):
            raise MXNetError('HybridBlock requires the first argument to forward be either Symbol '
                             'or NDArray, but got %s' % type(x).__name__)
        params = {i: j.var() for i, j in self._reg_params.items()}
        with self.name_scope():
            return self.hybrid_forward(symbol, x, *args, **params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise MXNetError('%s must define hybrid_forward(self, F, x, ...)' % type(self).__name__)

    # -- export ----------------------------------------------------------------
    def export(self, path, epoch=0, remove_amp_cast=True):
        """Write ``path-symbol.json`` and ``path-%04d.params`` (loadable by Module and MXNet)."""
        from .. import ndarray as nd
        if not self._cached_graph:
            raise MXNetError('Please first call block.hybridize() and then run forward with this '
                             'block at least once before calling export.')
        sym = self._cached_graph[1]
        sym.save('%s-symbol.json' % path)
        arg_names = set(sym.list_arguments())
        aux_names = set(sym.list_auxiliary_states())
        arg_dict = {}
        params = self.collect_params()
        for name in sym.list_inputs():         # the graph's input order, as MXNet writes it
            if name not in params:
                continue
            if name in arg_names:
                arg_dict['arg:%s' % name] = params[name]._reduce()
            elif name in aux_names:
                arg_dict['aux:%s' % name] = params[name]._reduce()
        fname = '%s-%04d.params' % (path, epoch)
        nd.save(fname, arg_dict)
        return '%s-symbol.json' % path, fname
