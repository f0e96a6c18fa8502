"""The operator registry: every operator is defined once, here.

Contract of an operator (subclass :class:`Operator`, decorate with
:func:`register`):

``name``, ``aliases``
    MXNet's spelling (``Convolution``, ``broadcast_add``, ``_plus_scalar``).
``params``
    tuple of :class:`~mxlite.ops.params.Param`; parsed into an ``Attrs``.
``arguments`` / ``list_arguments(attrs)``
    input names (``data``, ``weight``, ``bias``).  Variadic operators set
    ``num_args_param`` (e.g. ``'num_args'``) and get ``arg0, arg1, ...``.
``count_params``
    other parameters that set a number of inputs or outputs
    (``num_outputs``); like ``num_args_param`` they are capped at
    ``MAX_COUNT`` when parsed, before names are listed for them.
``aux_states`` / ``list_aux_states(attrs)``
    auxiliary states (``moving_mean``); they follow the arguments in a
    node's input list and reach ``forward`` as ``aux``.
``outputs`` / ``list_outputs(attrs)``, ``num_visible_outputs(attrs)``
    all outputs, hidden ones last (a saved mask, batch mean, ...).  Only
    the visible ones are returned to users; ``backward`` sees them all.
``infer_shape(attrs, in_shapes) -> (in_shapes, out_shapes)``
    ``in_shapes`` covers arguments then aux states, each a tuple or
    ``None`` (unknown); a 0 inside a shape is an unknown dimension.
    Returns completed input shapes (weights inferred backward from data,
    as MXNet does) and the output shapes.  Raises ``MXNetError`` naming
    the argument and shapes on inconsistency.  Shapes are always checked
    here before a kernel can run.
``infer_type(attrs, in_types) -> (in_types, out_types)``
    numpy dtypes or ``None``; default: everything takes the first known type.
``forward(ctx, attrs, inputs, aux) -> outputs``
    numpy arrays in, numpy arrays out (all outputs, hidden included).
    ``ctx.out(i)`` is the pre-allocated buffer for output ``i`` when the
    caller has one (executor, ``out=``); writing into it saves a copy.
    ``ctx.is_train`` and ``ctx.rng`` are available.  Aux states may be
    updated in place.
``backward(ctx, attrs, out_grads, inputs, outputs, aux) -> in_grads``
    gradients for the arguments (``None`` where there is none).
    ``out_grads`` has one entry per output (``None`` for hidden outputs,
    and for all outputs when ``ignores_head_grad``).  ``ctx.out(i)`` is the
    gradient buffer of argument ``i`` when the caller writes (not adds);
    ``ctx.req[i] == 'null'`` means that gradient is not wanted.
``inplace``
    pairs ``(input_index, output_index)`` that may share memory: forward
    must be correct when ``ctx.out(o)`` is the memory of ``inputs[i]``.
``grad_needs`` / ``backward_reads(attrs)``
    which forward values ``backward`` reads: ``grad_needs`` is a subset of
    ``{'inputs', 'outputs'}``; ``backward_reads`` refines it to index lists
    (input indices, output indices; ``None`` = all), so memory planning can
    reuse the memory of everything else (backward may still look at the
    shape and dtype of those arrays, never at their values).
``ctx.state`` / ``keeps_state``
    for operators with ``keeps_state = True``: a dict passed to a forward and
    to the backward that may follow it, or None (inference, or nothing
    recorded); other operators always see None (no dict per call).  An operator may leave values in it
    that its backward reuses instead of recomputing; they must be keyed by the
    shapes/geometry they fit, and a later forward replaces them.
``ignores_head_grad``
    loss heads such as ``SoftmaxOutput``: backward needs no ``out_grads``.
``differentiable``
    ``False`` for ops without a gradient (``argmax``, comparisons); their
    backward yields zeros.
``var_attrs(attrs) -> {input_name: {key: str}}`` (optional)
    attributes for input variables created implicitly by ``mx.sym``
    (BatchNorm gives ``moving_mean`` ``__init__='["zero", {}]'``).

From one entry the package generates ``mx.nd.<Op>``, ``mx.sym.<Op>``, the
executor's step, autograd's gradient and Gluon's ``F.<Op>``.  Nothing here
imports Numba: a kernel module is imported by the forward that needs it.
"""
import numpy as np

from ..base import MXNetError
from .params import Param, Attrs, REQUIRED, parse_attrs

__all__ = ['Operator', 'register', 'get_op', 'find_op', 'list_ops', 'OpContext',
           'Param', 'Attrs', 'REQUIRED']

_REGISTRY = {}

# most inputs or outputs one operator call may have (num_args, num_outputs)
MAX_COUNT = 1 << 16


class OpContext:
    """What an operator sees besides its inputs: mode, buffers, randomness."""
    __slots__ = ('is_train', 'buffers', 'req', 'shapes', 'dtypes', '_rng', 'state')

    def __init__(self, is_train=False, buffers=None, req=None, shapes=None, dtypes=None, rng=None,
                 state=None):
        self.is_train = is_train
        self.buffers = buffers
        self.req = req
        self.shapes = shapes
        self.dtypes = dtypes
        self._rng = rng
        # a dict shared by a forward and the backward that may follow it (None when no
        # backward can follow): what the forward computed anyway and the backward would
        # recompute (Convolution's im2col columns).  Its entries must check they still
        # fit the inputs the backward sees.
        self.state = state

    def out(self, i):
        """Buffer for output (forward) or argument gradient (backward) ``i``.

        A caller-provided buffer when there is one, otherwise a new array of
        the inferred shape and dtype.
        """
        if self.buffers is not None:
            buf = self.buffers[i]
            if buf is not None:
                return buf
        return np.empty(self.shapes[i], dtype=self.dtypes[i])

    def has_buffer(self, i):
        return self.buffers is not None and self.buffers[i] is not None

    @property
    def rng(self):
        if self._rng is None:
            from .. import random as _random
            return _random.generator()
        return self._rng


class Operator:
    """Base class of registry entries; see the module docstring."""
    name = None
    aliases = ()
    params = ()
    arguments = ('data',)
    aux_states = ()
    outputs = ('output',)
    num_args_param = None
    count_params = ()
    inplace = ()
    grad_needs = ('inputs', 'outputs')
    ignores_head_grad = False
    keeps_state = False
    differentiable = True
    hidden_params = ()
    var_attrs = None
    doc = ''

    # -- structure -------------------------------------------------------
    def list_arguments(self, attrs):
        if self.num_args_param is not None:
            return ['arg%d' % i for i in range(getattr(attrs, self.num_args_param))]
        return list(self.arguments)

    def list_aux_states(self, attrs):
        return list(self.aux_states)

    def list_outputs(self, attrs):
        return list(self.outputs)

    def num_outputs(self, attrs):
        return len(self.list_outputs(attrs))

    def num_visible_outputs(self, attrs):
        return self.num_outputs(attrs)

    def backward_reads(self, attrs):
        """(input indices, output indices) whose values backward reads; None = all."""
        return (None if 'inputs' in self.grad_needs else (),
                None if 'outputs' in self.grad_needs else ())

    def is_loss(self, attrs):
        """Whether backward ignores head gradients (``ignores_head_grad``) for these attrs."""
        return self.ignores_head_grad

    def parse(self, kwargs):
        attrs = parse_attrs(self.name, self.params, kwargs, self.hidden_params)
        for name in self.count_params + ((self.num_args_param,) if self.num_args_param else ()):
            n = attrs.get(name)
            if n is not None and n > MAX_COUNT:
                # checked before anything lists 'arg0'... 'argN' (a corrupt file's 10^12)
                raise MXNetError('%s: %s=%d is more than the %d inputs/outputs one operator '
                                 'may have' % (self.name, name, n, MAX_COUNT))
        return attrs

    # -- inference -------------------------------------------------------
    def infer_shape(self, attrs, in_shapes):
        """Default: every input and output has one common shape."""
        from .infer import same_shape
        return same_shape(self.name, self.list_arguments(attrs), in_shapes,
                          self.num_outputs(attrs))

    def infer_type(self, attrs, in_types):
        """Default: every input and output has the first known dtype."""
        from .infer import same_type
        return same_type(self.name, self.list_arguments(attrs) + self.list_aux_states(attrs),
                         in_types, self.num_outputs(attrs))

    # -- computation -----------------------------------------------------
    def forward(self, ctx, attrs, inputs, aux):
        raise MXNetError('%s: forward is not implemented' % self.name)

    def backward(self, ctx, attrs, out_grads, inputs, outputs, aux):
        if not self.differentiable:
            return [None] * len(inputs)
        raise MXNetError('%s: this operator has no gradient' % self.name)

    def __repr__(self):
        return '<Operator %s>' % self.name


def register(cls):
    """Class decorator: instantiate ``cls`` and file it under its names."""
    op = cls()
    if not op.name:
        raise ValueError('operator class %s has no name' % cls.__name__)
    for n in (op.name,) + tuple(op.aliases):
        if n in _REGISTRY and _REGISTRY[n] is not op:
            raise ValueError('operator %r registered twice' % n)
        _REGISTRY[n] = op
    return cls


def find_op(name):
    """The operator registered as ``name``, or ``None``."""
    _load_all()
    return _REGISTRY.get(name)


def get_op(name):
    op = find_op(name)
    if op is None:
        raise MXNetError('operator %r is not registered in mxlite' % name)
    return op


def list_ops():
    """Every registered name (aliases included), sorted."""
    _load_all()
    return sorted(_REGISTRY)


_loaded = False


def _load_all():
    global _loaded
    if not _loaded:
        _loaded = True
        from . import _all  # noqa: F401  (imports every family module)
