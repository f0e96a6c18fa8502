"""``SymbolBlock``: a Gluon block wrapping an existing Symbol (e.g. an exported model)."""
from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from .block import flatten_nested, regroup_nested
from .hybrid import HybridBlock
from .parameter import ParameterDict

__all__ = ['SymbolBlock']


class SymbolBlock(HybridBlock):
    """Run ``outputs`` (Symbol) with ``inputs`` (Symbol variables) as a block.

    Every other argument and auxiliary state of the graph becomes a Parameter
    (aux states with ``grad_req='null'``).  It always runs as a cached graph.
    """

    @staticmethod
    def imports(symbol_file, input_names, param_file=None, ctx=None, allow_missing=False,
                ignore_extra=False):
        """Load an exported model (``-symbol.json`` and optionally ``.params``)."""
        from .. import symbol
        sym = symbol.load(symbol_file)
        if isinstance(input_names, str):
            input_names = [input_names]
        inputs = [symbol.var(i) for i in input_names]
        ret = SymbolBlock(sym, inputs)
        if param_file is not None:
            ret.collect_params().load(param_file, ctx=ctx, allow_missing=allow_missing,
                                      ignore_extra=ignore_extra, cast_dtype=True,
                                      dtype_source='saved')
        return ret

    def __repr__(self):
        s = '{name}(\n{modstr}\n)'
        modstr = '\n'.join(['{block} : {numinputs} -> {numoutputs}'.format(
            block=self._cached_graph[1], numinputs=len(self._cached_graph[0]),
            numoutputs=len(self._cached_graph[1].list_outputs()))])
        return s.format(name=self.__class__.__name__, modstr=modstr)

    def __init__(self, outputs, inputs, params=None):
        from .. import symbol
        super().__init__(prefix=None, params=None)
        self._prefix = ''
        self._params = ParameterDict('', params)
        if isinstance(inputs, symbol.Symbol) and len(inputs.list_outputs()) == 1:
            inputs = [inputs]
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            outputs = outputs[0]
        syms, self._in_format = flatten_nested(inputs, 'input')
        out, self._out_format = flatten_nested(outputs, 'output')
        out = symbol.Group(out)
        input_names = set()
        for i in syms:
            if len(i.get_internals().list_outputs()) != 1 or i.get_children() is not None:
                raise MXNetError('Input symbols must be variable, but %s is an output of operators'
                                 % str(i))
            input_names.add(i.name)
        arg_params = out.list_arguments()
        aux_params = out.list_auxiliary_states()
        for name in arg_params:
            if name not in input_names:
                self.params.get(name, allow_deferred_init=True)
        for name in aux_params:
            if name not in input_names:
                self.params.get(name, grad_req='null', allow_deferred_init=True)
        self._cached_graph = syms, out
        self._reg_params = dict(self.params.items())
        self._active = True

    def forward(self, x, *args):
        from ..symbol.symbol import Symbol
        if isinstance(x, NDArray):
            with x.context:
                return self._call_cached_op(x, *args)
        if not isinstance(x, Symbol):
            raise MXNetError('SymbolBlock requires NDArray or Symbol inputs, got %s'
                             % type(x).__name__)
        args, in_fmt = flatten_nested([x] + list(args), 'input')
        if in_fmt != self._in_format:
            raise MXNetError('Invalid input format')
        ret = self._cached_graph[1]._clone({})
        ret._compose(**{k.name: v for k, v in zip(self._cached_graph[0], args)})
        return regroup_nested(list(ret), self._out_format)[0]

    def _clear_cached_op(self):
        tmp = self._cached_graph
        super()._clear_cached_op()
        self._cached_graph = tmp

    def hybridize(self, active=True, **kwargs):
        # a SymbolBlock is always a graph
        self._clear_cached_op()

    def cast(self, dtype):
        self._clear_cached_op()
        for p in self.params.values():
            p.cast(dtype)

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise MXNetError('SymbolBlock runs its symbol directly; hybrid_forward is not used')
