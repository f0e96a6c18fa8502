"""Imperative automatic differentiation (``mx.autograd``).

Inside ``record()``, every registry operator called through ``mx.nd`` is put
on a tape (a graph of :class:`_Node`).  ``backward()`` walks it in reverse
topological order calling each operator's registered ``backward`` -- the same
function the symbolic executor uses -- and writes gradients into the arrays
given by ``attach_grad``/``mark_variables`` according to their ``grad_req``.
"""
import itertools
from contextlib import contextmanager

import numpy as np

from .base import MXNetError
from .ops.registry import OpContext
from .ndarray import invoke as _inv
from .ndarray.ndarray import NDArray

__all__ = ['record', 'pause', 'train_mode', 'predict_mode', 'is_recording', 'is_training',
           'set_recording', 'set_training', 'mark_variables', 'backward', 'grad', 'Function',
           'get_symbol', 'record_custom']


class _Var:
    """Autograd entry of a variable: where its gradient goes."""
    __slots__ = ('array', 'grad', 'grad_req')

    def __init__(self, array, grad, grad_req):
        self.array = array
        self.grad = grad
        self.grad_req = grad_req


class _Node:
    """One recorded operator call."""
    __slots__ = ('op', 'attrs', 'in_entries', 'in_data', 'out_data', 'n_args', 'freed',
                 'custom', 'seq', 'state', '__weakref__')

    def __init__(self, op, attrs, in_entries, in_data, out_data, n_args, custom=None, state=None):
        self.state = state      # the forward's OpContext.state, handed to the backward
        self.op = op
        self.attrs = attrs
        self.in_entries = in_entries
        self.in_data = in_data
        self.out_data = out_data
        self.n_args = n_args
        self.freed = False
        self.custom = custom
        self.seq = next(_SEQ)


# Recording order: backward visits nodes newest first, as MXNet does (this
# decides, e.g., the order in which two BatchNorm calls sharing moving
# statistics update them).
_SEQ = itertools.count()


def _record(op, attrs, inputs, outputs, state=None):
    entries = [x._ag for x in inputs]
    if all(e is None for e in entries):
        return
    n_args = len(op.list_arguments(attrs))
    node = _Node(op, attrs, entries, [x._data for x in inputs], [o._data for o in outputs], n_args,
                 state=state)
    for i, o in enumerate(outputs):
        o._ag = (node, i)


_inv.STATE.recorder = _record


# -- scopes ----------------------------------------------------------------
def set_recording(is_recording):
    prev = _inv.STATE.recording
    _inv.STATE.recording = bool(is_recording)
    return prev


def set_training(train_mode):
    prev = _inv.STATE.training
    _inv.STATE.training = bool(train_mode)
    return prev


def is_recording():
    return _inv.STATE.recording


def is_training():
    return _inv.STATE.training


@contextmanager
def _scope(recording, training):
    prev_r = set_recording(recording) if recording is not None else None
    prev_t = set_training(training) if training is not None else None
    try:
        yield
    finally:
        if recording is not None:
            set_recording(prev_r)
        if training is not None:
            set_training(prev_t)


def record(train_mode=True):
    """Scope in which operations are recorded for ``backward`` (training mode by default)."""
    return _scope(True, train_mode)


def pause(train_mode=False):
    """Scope in which recording stops (e.g. for metrics inside ``record``)."""
    return _scope(False, train_mode)


def train_mode():
    """Scope forcing training behaviour (Dropout active, BatchNorm batch stats)."""
    return _scope(None, True)


def predict_mode():
    """Scope forcing inference behaviour."""
    return _scope(None, False)


# -- variables -------------------------------------------------------------
def mark_variables(variables, gradients, grad_reqs='write'):
    """Mark arrays as variables whose gradients go into ``gradients``."""
    if isinstance(variables, NDArray):
        variables, gradients = [variables], [gradients]
    if isinstance(grad_reqs, str):
        grad_reqs = [grad_reqs] * len(variables)
    if len(variables) != len(gradients) or len(variables) != len(grad_reqs):
        raise MXNetError('mark_variables: got %d variables, %d gradients and %d grad_reqs; the '
                         'counts must match' % (len(variables), len(gradients), len(grad_reqs)))
    for v, g, req in zip(variables, gradients, grad_reqs):
        if req not in ('write', 'add', 'null'):
            raise MXNetError("mark_variables: grad_req must be 'write', 'add' or 'null', got %r"
                             % (req,))
        if g is not None and g.shape != v.shape:
            raise MXNetError('mark_variables: gradient shape %s does not match variable shape %s'
                             % (g.shape, v.shape))
        v._grad = g
        v._grad_req = req
        v._ag = _Var(v, g, req) if req != 'null' else None


# -- backward --------------------------------------------------------------
def _topo(heads):
    """Nodes reachable from ``heads`` in topological order (inputs first)."""
    order = []
    seen = set()
    stack = []
    for h in heads:
        e = h._ag
        if isinstance(e, tuple):
            stack.append((e[0], False))
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        for e in node.in_entries:
            if isinstance(e, tuple) and id(e[0]) not in seen:
                stack.append((e[0], False))
    return order


def _direct_buffers(node, uses):
    """Per argument of ``node``: (grad buffer or None, req).

    An argument that is a variable used once in the graph with
    grad_req='write' gets its ``.grad`` array as the op's gradient buffer,
    so the op writes the result in place (no copy afterwards); an argument
    nobody differentiates gets req 'null' so the op can skip its gradient.
    """
    n = node.n_args
    bufs = [None] * n
    reqs = ['write'] * n
    for i, e in enumerate(node.in_entries[:n]):
        if e is None:
            reqs[i] = 'null'
        elif isinstance(e, _Var) and uses.get(id(e)) == 1 and e.grad_req == 'write' \
                and e.grad is not None:
            b = e.grad._data
            a = node.in_data[i]
            if b.shape == a.shape and b.dtype == a.dtype and b.flags.c_contiguous and \
                    not any(b is x for x in node.in_data):
                bufs[i] = b
    return bufs, reqs


def _run_backward(heads, head_grads, train_mode, retain_graph, write_direct=False):
    """Gradients of ``heads``: returns {id(_Var): (var, numpy grad)}.

    With ``write_direct`` (``backward``), operators may write a variable's
    gradient straight into its ``.grad`` array (see _direct_buffers).
    """
    if isinstance(heads, NDArray):
        heads = [heads]
    if head_grads is None:
        head_grads = [None] * len(heads)
    elif isinstance(head_grads, NDArray):
        head_grads = [head_grads]
    if len(head_grads) != len(heads):
        raise MXNetError('backward: got %d head gradients for %d heads' % (len(head_grads), len(heads)))
    grads = {}
    var_grads = {}

    def accumulate(entry, g):
        if g is None or entry is None:
            return
        if isinstance(entry, _Var):
            key = id(entry)
            if key in var_grads:
                var_grads[key] = (entry, var_grads[key][1] + g)
            else:
                var_grads[key] = (entry, g)
            return
        key = (id(entry[0]), entry[1])
        if key in grads:
            grads[key] = grads[key] + g
        else:
            grads[key] = g

    any_graph = False
    for h, hg in zip(heads, head_grads):
        if h._ag is None:
            continue
        any_graph = True
        if hg is None:
            g = np.ones(h.shape, dtype=h._data.dtype)
        else:
            if hg.shape != h.shape:
                raise MXNetError('backward: head gradient shape %s does not match head shape %s'
                                 % (hg.shape, h.shape))
            g = hg._data
        accumulate(h._ag, g)
    if not any_graph:
        raise MXNetError('backward: the heads were not computed from any variable inside '
                         'autograd.record(); call attach_grad() on the inputs and compute the '
                         'output inside `with autograd.record():`')
    order = sorted(_topo(heads), key=lambda n: n.seq)
    uses = {}
    if write_direct:
        for e in [h._ag for h in heads] + [e for node in order for e in node.in_entries]:
            if isinstance(e, _Var):
                uses[id(e)] = uses.get(id(e), 0) + 1
    for node in reversed(order):
        if node.freed:
            raise MXNetError('backward: the graph was already freed by an earlier backward(); '
                             'pass retain_graph=True to the first backward() to reuse it')
        n_out = len(node.out_data)
        out_grads = [grads.pop((id(node), i), None) for i in range(n_out)]
        if all(g is None for g in out_grads) and not node.op.is_loss(node.attrs):
            continue
        if node.custom is not None:
            in_grads = node.custom(out_grads)
        else:
            n_vis = node.op.num_visible_outputs(node.attrs)
            if node.op.is_loss(node.attrs):
                out_grads = [None] * n_out
            else:
                out_grads = [np.zeros_like(node.out_data[i]) if (g is None and i < n_vis) else g
                             for i, g in enumerate(out_grads)]
            bufs, reqs = _direct_buffers(node, uses) if write_direct else (None, None)
            ctx = OpContext(train_mode, bufs, reqs,
                            [a.shape for a in node.in_data[:node.n_args]],
                            [a.dtype for a in node.in_data[:node.n_args]], state=node.state)
            in_grads = node.op.backward(ctx, node.attrs, out_grads, node.in_data[:node.n_args],
                                        node.out_data, node.in_data[node.n_args:])
        for e, g in zip(node.in_entries, in_grads):
            accumulate(e, g)
        if not retain_graph:
            node.freed = True
            node.in_data = node.out_data = node.state = None
    return var_grads


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """Compute gradients of ``heads`` and write them into the variables' ``.grad``."""
    var_grads = _run_backward(heads, head_grads, train_mode, retain_graph, write_direct=True)
    for var, g in var_grads.values():
        if var.grad_req == 'null' or var.grad is None:
            continue
        dst = var.grad._data
        var.array._fresh_grad = True
        if g is dst:    # the operator wrote it in place
            continue
        g = np.broadcast_to(g, dst.shape) if g.shape != dst.shape else g
        if var.grad_req == 'add':
            np.add(dst, g, out=dst, casting='unsafe')
        elif g is not dst:
            np.copyto(dst, g, casting='unsafe')


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False,
         train_mode=True):
    """Gradients of ``heads`` with respect to ``variables``, returned (not written to .grad)."""
    if create_graph:
        raise MXNetError('autograd.grad: create_graph=True (higher-order gradients) is not '
                         'supported by mxlite')
    single = isinstance(variables, NDArray)
    if single:
        variables = [variables]
    for v in variables:
        if not isinstance(v._ag, _Var):
            raise MXNetError('autograd.grad: every variable must have attach_grad() called '
                             '(or be marked with mark_variables) before recording')
    if retain_graph is None:
        retain_graph = create_graph
    var_grads = _run_backward(heads, head_grads, train_mode, retain_graph)
    out = []
    for v in variables:
        entry = var_grads.get(id(v._ag))
        g = np.zeros_like(v._data) if entry is None else np.array(entry[1], dtype=v._data.dtype)
        out.append(NDArray(g, v._ctx))
    return out[0] if single else out


def record_custom(inputs, outputs, backward_fn):
    """Put one node on the tape for a computation done outside the registry.

    ``backward_fn(out_grads)`` receives one numpy gradient (or None) per output
    and returns one numpy gradient (or None) per input.  Returns False (and
    records nothing) when not recording or no input needs a gradient.
    """
    if not is_recording():
        return False
    entries = [x._ag for x in inputs]
    if all(e is None for e in entries):
        return False
    node = _Node(_CustomOp, None, entries, [x._data for x in inputs], [o._data for o in outputs],
                 len(inputs), backward_fn)
    for i, o in enumerate(outputs):
        o._ag = (node, i)
    return True


def get_symbol(x):
    raise MXNetError('autograd.get_symbol is not supported by mxlite; hybridize a HybridBlock '
                     'to obtain a Symbol')


class Function:
    """User-defined differentiable function: subclass and define ``forward``/``backward``.

    ``forward`` and ``backward`` take and return NDArrays; inside them
    recording is paused.  ``save_for_backward`` keeps arrays for backward.
    """

    def __init__(self):
        self.saved_tensors = ()
        self._used = False

    def save_for_backward(self, *args):
        self.saved_tensors = args

    def __call__(self, *inputs):
        if self._used:
            raise MXNetError('autograd.Function: each instance can be called only once; create '
                             'a new instance per call')
        self._used = True
        with pause(train_mode=is_training()):
            outputs = self.forward(*inputs)
        single = isinstance(outputs, NDArray)
        outs = [outputs] if single else list(outputs)
        func = self

        def custom(out_grads):
            gs = [NDArray(g if g is not None else np.zeros_like(o._data), o._ctx)
                  for g, o in zip(out_grads, outs)]
            with pause():
                res = func.backward(*gs)
            res = [res] if isinstance(res, NDArray) else list(res)
            if len(res) != len(inputs):
                raise MXNetError('autograd.Function.backward returned %d gradients for %d '
                                 'inputs' % (len(res), len(inputs)))
            return [r._data for r in res]
        record_custom(list(inputs), outs, custom)
        return outputs

    def forward(self, *inputs):
        raise MXNetError('autograd.Function: subclasses must define forward()')

    def backward(self, *output_grads):
        raise MXNetError('autograd.Function: subclasses must define backward()')


class _CustomOpMarker:
    name = 'autograd.Function'
    ignores_head_grad = False

    @staticmethod
    def is_loss(attrs):
        return False

    @staticmethod
    def num_visible_outputs(attrs):
        return 0


_CustomOp = _CustomOpMarker()
