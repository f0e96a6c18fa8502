"""Planning a bound graph: the step lists and the memory they run in.

``build_plan`` turns a Symbol plus its argument/aux/gradient arrays into

* ``forward_steps`` and ``backward_steps``: pre-built (operator, attrs,
  input buffers, output buffers, OpContext) records, so running a batch is a
  plain loop with no shape inference or dict look-ups;
* a memory plan over the forward and backward passes together: every
  intermediate value (activations, hidden outputs kept for backward,
  gradients of intermediates) has a lifetime in steps; values whose
  lifetimes do not overlap share bytes of one arena (offsets placed greedily,
  largest first), and an operator that allows it writes its output over an
  input that dies at that step (in-place).  Values the backward pass reads
  (per each operator's ``backward_reads``) stay alive until then.  With no gradients requested, nothing is kept for backward.
"""
import numpy as np

from ..base import MXNetError
from .memory_limit import check
from ..ops.registry import OpContext
from ..ops.infer import fmt
from ..symbol.graph import topo_order
from ..kernels import blas
from ..symbol.infer import infer_shapes, infer_types

__all__ = ['build_plan', 'Plan']


class ForwardStep:
    __slots__ = ('node', 'op', 'attrs', 'inputs', 'aux', 'outs', 'ctx_train', 'ctx_infer',
                 'out_names', 'state')

    def run(self, is_train):
        if not is_train and self.state:
            self.state.clear()      # what a training forward kept no longer fits a backward
        outs = self.outs
        res = self.op.forward(self.ctx_train if is_train else self.ctx_infer, self.attrs,
                              self.inputs, self.aux)
        for buf, r in zip(outs, res):
            if r is not buf:
                np.copyto(buf, r, casting='unsafe')


class BackwardStep:
    __slots__ = ('node', 'op', 'attrs', 'inputs', 'aux', 'outputs', 'out_grads', 'ctx',
                 'targets')

    def run(self, is_train=True):
        self.ctx.is_train = is_train
        grads = self.op.backward(self.ctx, self.attrs, self.out_grads, self.inputs,
                                 self.outputs, self.aux)
        for i, dest, mode in self.targets:
            g = grads[i]
            if g is None:
                if mode == 'write':
                    dest.fill(0)
                continue
            if mode == 'write':
                if g is not dest:
                    if g.shape != dest.shape:
                        g = np.broadcast_to(g, dest.shape)
                    np.copyto(dest, g, casting='unsafe')
            else:
                np.add(dest, g, out=dest, casting='unsafe')


class Plan:
    """What an Executor runs; see the module docstring."""

    def __init__(self):
        self.forward_steps = []
        self.backward_steps = []
        self.head_arrays = []          # numpy arrays of the symbol's outputs
        self.head_grad_arrays = []     # numpy buffers for out_grads (None for loss heads)
        self.zero_on_backward = []     # gradient arrays nobody writes ('write' req)
        self.blocks = []               # sizes in bytes of the shared storage blocks
        self.planned_bytes = 0
        self.naive_bytes = 0
        self.entry_shapes = {}
        self.entry_types = {}
        self.needs_backward = False


def _nbytes(shape, dtype):
    n = 1
    for d in shape:
        n *= d
    return n * np.dtype(dtype).itemsize


_ALIGN = 64


def _assign_offsets(values, group):
    """Byte offsets in one arena for each storage group; returns (offsets, arena size).

    A group (an in-place chain, or a single value) lives from its first value's
    definition to its last value's last use, and needs its largest value's
    bytes.  Groups are placed largest first at the lowest offset that does not
    overlap any placed group whose lifetime overlaps (greedy by size).
    """
    spans = {}
    for v, (shape, dtype, first, last) in values.items():
        g = group[v]
        size = _nbytes(shape, dtype)
        size = (size + _ALIGN - 1) // _ALIGN * _ALIGN
        if g in spans:
            s0, f0, l0 = spans[g]
            spans[g] = (max(s0, size), min(f0, first), max(l0, last))
        else:
            spans[g] = (size, first, last)
    order = sorted(spans, key=lambda g: (-spans[g][0], spans[g][1]))
    n = len(order)
    # placed groups as parallel arrays: the overlap test of each new group against all
    # placed ones runs in numpy (a graph of thousands of values plans in milliseconds)
    p_lo = np.zeros(n, np.int64)
    p_hi = np.zeros(n, np.int64)
    p_first = np.zeros(n, np.int64)
    p_last = np.zeros(n, np.int64)
    offsets = {}
    total = 0
    for i, g in enumerate(order):
        size, first, last = spans[g]
        live = (p_first[:i] <= last) & (p_last[:i] >= first)
        lo, hi = p_lo[:i][live], p_hi[:i][live]
        off = 0
        if lo.size:
            # lowest gap: walking the live blocks by offset, the candidate before block j
            # is the furthest end of blocks 0..j-1; take the first that fits before block j
            idx = np.argsort(lo, kind='stable')
            lo, ends = lo[idx], np.maximum.accumulate(hi[idx])
            before = np.concatenate(([0], ends[:-1]))
            fits = before + size <= lo
            off = int(before[np.argmax(fits)]) if fits.any() else int(ends[-1])
        offsets[g] = off
        p_lo[i], p_hi[i], p_first[i], p_last[i] = off, off + size, first, last
        total = max(total, off + size)
    return offsets, total


def _check_memory(plan, external, var_array, grad_arrays, fresh_bytes):
    inputs = {id(a): a.nbytes for a in var_array.values()}
    inputs.update((id(a), a.nbytes) for a in grad_arrays.values())
    made_here = sum(a.nbytes for a in external.values() if id(a) not in inputs)
    internal = sum(plan.blocks)
    total = internal + made_here + sum(inputs.values())
    check('bind', internal + made_here + fresh_bytes, total,
          [('arguments, gradients and auxiliary states', sum(inputs.values())),
           ('internal buffers', internal), ('outputs', made_here)])


def build_plan(symbol, arg_arrays, aux_arrays, grad_arrays, grad_reqs, fresh_bytes=0):
    """Plan ``symbol`` over numpy arrays: dicts name -> array and name -> req.

    ``fresh_bytes``: how many bytes of those arrays the caller has just
    allocated and not yet written (``simple_bind``'s zeros), which the
    memory check counts as new memory with the plan's own buffers.
    """
    blas.ensure_pinned()
    plan = Plan()
    heads = symbol._outputs
    nodes = topo_order(heads)
    shapes, _ = infer_shapes(heads, {k: v.shape for k, v in list(arg_arrays.items()) +
                                     list(aux_arrays.items())})
    types, _ = infer_types(heads, {k: v.dtype for k, v in list(arg_arrays.items()) +
                                   list(aux_arrays.items())})
    for node in nodes:
        if node.is_variable:
            continue
        for i in range(node.num_outputs()):
            k = (id(node), i)
            s, t = shapes.get(k), types.get(k)
            if s is None or 0 in s:
                raise MXNetError('bind: cannot infer the shape of output %d of %s (%s); provide '
                                 'the shapes of all inputs' % (i, node.name, node.op.name))
            if t is None:
                types[k] = np.dtype(np.float32)
    plan.entry_shapes, plan.entry_types = shapes, types

    var_array = {}
    for node in nodes:
        if node.is_variable:
            if node.name in arg_arrays:
                var_array[id(node)] = arg_arrays[node.name]
            elif node.name in aux_arrays:
                var_array[id(node)] = aux_arrays[node.name]
            else:
                raise MXNetError('bind: no array for input %r' % node.name)

    # which entries carry gradient
    requires = set()
    for node in nodes:
        if node.is_variable:
            if grad_reqs.get(node.name, 'null') != 'null':
                requires.add((id(node), 0))
        elif node.op.differentiable and any((id(s), i) in requires
                                            for s, i in node.inputs[:node.n_args()]):
            for i in range(node.num_outputs()):
                requires.add((id(node), i))
    op_nodes = [n for n in nodes if not n.is_variable]
    bw_nodes = [n for n in reversed(op_nodes) if (id(n), 0) in requires]
    plan.needs_backward = bool(bw_nodes)

    F = len(op_nodes)
    fstep = {id(n): t for t, n in enumerate(op_nodes)}
    bstep = {id(n): F + t for t, n in enumerate(bw_nodes)}
    head_keys = {(id(n), i) for n, i in heads}

    # lifetimes of forward values
    last_use = {}
    for n in op_nodes:
        for i in range(n.num_outputs()):
            last_use[(id(n), i)] = fstep[id(n)]
    for n in op_nodes:
        for s, i in n.inputs:
            k = (id(s), i)
            if k in last_use:
                last_use[k] = max(last_use[k], fstep[id(n)])
        if id(n) in bstep:
            in_reads, out_reads = n.op.backward_reads(n.attrs)
            for j in (range(len(n.inputs)) if in_reads is None else in_reads):
                s, i = n.inputs[j]
                k = (id(s), i)
                if k in last_use:
                    last_use[k] = max(last_use[k], bstep[id(n)])
            for i in (range(n.num_outputs()) if out_reads is None else out_reads):
                last_use[(id(n), i)] = max(last_use[(id(n), i)], bstep[id(n)])

    # gradient contributions, in backward order
    contrib = {}     # entry key -> [step]
    head_grad_keys = set()
    for n, i in heads:
        k = (id(n), i)
        if k in requires and n.op is not None and not n.op.is_loss(n.attrs):
            head_grad_keys.add(k)
    for n in bw_nodes:
        for j, (s, i) in enumerate(n.inputs[:n.n_args()]):
            k = (id(s), i)
            if k in requires:
                contrib.setdefault(k, []).append(bstep[id(n)])
    grad_last = {}
    for k, steps in contrib.items():
        grad_last[k] = max(steps)
    for n in bw_nodes:
        for i in range(n.num_outputs()):
            k = (id(n), i)
            if k in contrib:
                grad_last[k] = max(grad_last[k], bstep[id(n)])

    # -- storage planning --------------------------------------------------
    external = {}         # value key -> numpy array (heads, head grads)
    for n, i in heads:
        k = (id(n), i)
        if n.is_variable:
            external[('f', k)] = var_array[id(n)]
        elif ('f', k) not in external:
            external[('f', k)] = np.zeros(shapes[k], dtype=types[k])
    for k in head_grad_keys:
        external[('g', k)] = np.zeros(shapes[k], dtype=types[k])
    values = {}           # value key -> (shape, dtype, first step, last step)
    group = {}            # value key -> storage group (in-place chains share one)
    naive = 0
    for n in op_nodes:
        t = fstep[id(n)]
        donors = {}                       # output index -> input value whose memory it takes
        for ii, oi in n.op.inplace:
            if oi in donors or ii >= len(n.inputs):
                continue
            s, si = n.inputs[ii]
            sk = (id(s), si)
            ok = (id(n), oi)
            if (('f', sk) not in values or ('f', sk) in donors.values() or last_use[sk] != t or
                    ok in head_keys or sum(1 for e in n.inputs if (id(e[0]), e[1]) == sk) != 1 or
                    _nbytes(shapes[sk], types[sk]) != _nbytes(shapes[ok], types[ok])):
                continue
            donors[oi] = ('f', sk)
        for i in range(n.num_outputs()):
            k = (id(n), i)
            naive += _nbytes(shapes[k], types[k])
            if ('f', k) in external:
                continue
            values[('f', k)] = (shapes[k], types[k], t, last_use[k])
            group[('f', k)] = group[donors[i]] if i in donors else ('f', k)
    for n in bw_nodes:
        t = bstep[id(n)]
        for s, i in n.inputs[:n.n_args()]:
            k = (id(s), i)
            if k not in contrib or s.is_variable or ('g', k) in values or ('g', k) in external:
                continue
            naive += _nbytes(shapes[k], types[k])
            values[('g', k)] = (shapes[k], types[k], t, grad_last[k])
            group[('g', k)] = ('g', k)
    offsets, arena_bytes = _assign_offsets(values, group)
    # check the planned size against the memory there is, then materialise the arena and views
    plan.blocks = [arena_bytes]
    plan.planned_bytes = arena_bytes + sum(a.nbytes for a in external.values())
    _check_memory(plan, external, var_array, grad_arrays, fresh_bytes)
    arena = np.empty(max(arena_bytes, 1), dtype=np.uint8)
    arrays = dict(external)
    for v, (shape, dtype, _, _) in values.items():
        off = offsets[group[v]]
        arrays[v] = arena[off:off + _nbytes(shape, dtype)].view(dtype).reshape(shape)
    plan.naive_bytes = naive + sum(a.nbytes for v, a in external.items() if v[0] == 'g')

    def fwd_array(s, i):
        if s.is_variable:
            return var_array[id(s)]
        return arrays[('f', (id(s), i))]

    zero_cache = {}

    def zeros_for(k):
        if k not in zero_cache:
            zero_cache[k] = np.zeros(shapes[k], dtype=types[k])
        return zero_cache[k]

    bw_ids = {id(n) for n in bw_nodes}
    states = {}
    for n in op_nodes:
        st = ForwardStep()
        st.node, st.op, st.attrs = n, n.op, n.attrs
        na = n.n_args()
        ins = [fwd_array(s, i) for s, i in n.inputs]
        st.inputs, st.aux = ins[:na], ins[na:]
        st.outs = [fwd_array(n, i) for i in range(n.num_outputs())]
        out_shapes = [o.shape for o in st.outs]
        out_types = [o.dtype for o in st.outs]
        # a node whose operator keeps state and that has a backward step shares a dict
        # between its training forward and that backward (OpContext.state)
        st.state = {} if n.op.keeps_state and id(n) in bw_ids else None
        states[id(n)] = st.state
        st.ctx_train = OpContext(True, st.outs, None, out_shapes, out_types, state=st.state)
        st.ctx_infer = OpContext(False, st.outs, None, out_shapes, out_types)
        st.out_names = n.output_names()
        plan.forward_steps.append(st)

    seen_write = {}
    for k in head_grad_keys:
        seen_write[k] = True            # the head gradient is the first contribution
    for n in bw_nodes:
        st = BackwardStep()
        st.node, st.op, st.attrs = n, n.op, n.attrs
        na = n.n_args()
        ins = [fwd_array(s, i) for s, i in n.inputs]
        st.inputs, st.aux = ins[:na], ins[na:]
        st.outputs = [fwd_array(n, i) for i in range(n.num_outputs())]
        n_vis = n.num_visible_outputs()
        ogs = []
        for i in range(n.num_outputs()):
            k = (id(n), i)
            if n.op.is_loss(n.attrs):
                ogs.append(None)
            elif ('g', k) in arrays:
                ogs.append(arrays[('g', k)])
            elif i < n_vis:
                ogs.append(zeros_for(k))
            else:
                ogs.append(None)
        st.out_grads = ogs
        targets = []
        buffers = [None] * na
        for j, (s, i) in enumerate(n.inputs[:na]):
            k = (id(s), i)
            if k not in requires:
                continue
            if s.is_variable:
                dest = grad_arrays[s.name]
                req = grad_reqs[s.name]
                if req == 'add':
                    mode = 'add'
                else:
                    mode = 'add' if seen_write.get(k) else 'write'
            else:
                dest = arrays[('g', k)]
                mode = 'add' if seen_write.get(k) else 'write'
            seen_write[k] = True
            if mode == 'write' and buffers[j] is None and all(t[1] is not dest for t in targets):
                buffers[j] = dest
            targets.append((j, dest, mode))
        st.targets = targets
        # arguments nobody needs a gradient of (e.g. the data input) are 'null': kernels skip them
        wanted = {t[0] for t in targets}
        reqs = ['write' if j in wanted else 'null' for j in range(na)]
        st.ctx = OpContext(True, buffers, reqs, [a.shape for a in st.inputs],
                           [a.dtype for a in st.inputs], state=states.get(id(n)))
        plan.backward_steps.append(st)
    for name, req in grad_reqs.items():
        if req == 'write' and name in grad_arrays:
            node_keys = [(id(n), 0) for n in nodes if n.is_variable and n.name == name]
            if not any(seen_write.get(k) for k in node_keys):
                plan.zero_on_backward.append(grad_arrays[name])
    plan.head_arrays = [fwd_array(n, i) for n, i in heads]
    plan.head_grad_arrays = [external.get(('g', (id(n), i))) for n, i in heads]
    plan.head_is_loss = [n.op is not None and n.op.is_loss(n.attrs) for n, i in heads]
    return plan
