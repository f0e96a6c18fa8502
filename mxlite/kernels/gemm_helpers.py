"""Split a GEMM with helper threads that stay awake between calls.

Handing work to a sleeping thread costs ~0.1 ms on this project's 2-core VMs (a
ThreadPoolExecutor round trip of a no-op measured 114 us), about what a 784x128
layer's product on 100 rows takes.  So an MLP's products did not get faster with a
second core, while PyTorch's, whose OpenMP threads spin between calls, did.

Each helper thread lives entirely in native code, without the GIL (a Numba ``nogil``
loop): it polls its slots for a job, runs its share of the product by calling the
OpenBLAS ``cblas_sgemm`` numpy itself uses (single-threaded, through its address),
and after ``SPIN`` idle polls (~2 ms) blocks on a POSIX semaphore.  The caller posts
the other shares, wakes sleeping helpers, and computes the first share meanwhile.  A
job a helper has not started by the time the caller is done is taken back by the
caller (a compare-and-swap decides who runs it), so a slow or descheduled helper
costs the caller nothing but a poll.  (A helper that went back to Python to sleep on
a ``threading.Event`` needed the GIL to wake, and the hand-over made whole training
steps slower, not faster.)

Helpers go to sleep at once (``park``) when other parallel work starts (the per-image
thread pool, Numba's parallel kernels), so they never spin against it.

Only on x86-64, with numpy's bundled ILP64 OpenBLAS (``scipy_cblas_sgemm64_``, numpy
>= 2 wheels), float32, and operands BLAS can read (one unit stride each); otherwise
``matmul`` declines and the caller runs ``np.matmul`` itself.  ``MXLITE_GEMM_HELPERS=0``
turns them off.
"""
import ctypes
import os
import threading

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic

# ctrl slots, each on its own 64-byte line (the caller and the helper write different ones)
STATE, AWAKE, PARK, SEM = 0, 8, 16, 24
IDLE, POSTED, RUNNING, DONE = 0, 1, 2, 3
# job slots: the operands, then the addresses of cblas_sgemm, sem_post and sem_wait
J_TA, J_TB, J_M, J_N, J_K, J_A, J_LDA, J_B, J_LDB, J_C, J_LDC = range(11)
J_FN, J_SEM_POST, J_SEM_WAIT = 11, 12, 13
SPIN = 80000          # idle polls (~25-50 ns each with the pause) before a helper sleeps: ~2 ms,
                      # longer than the gap between an MLP step's two large products

_CBLAS_ROW_MAJOR, _CBLAS_NO_TRANS, _CBLAS_TRANS = 101, 111, 112


def _slot_ptr(context, builder, arrty, arr, idx):
    data = context.make_array(arrty)(context, builder, arr).data
    return builder.gep(data, [idx])


@intrinsic
def _load(typingctx, arr, idx):
    """Atomic (acquire) load of an int64 slot."""
    def codegen(context, builder, sig, args):
        return builder.load_atomic(_slot_ptr(context, builder, sig.args[0], *args), 'acquire', 8)
    return types.int64(arr, types.intp), codegen


@intrinsic
def _store(typingctx, arr, idx, val):
    """Atomic (release) store into an int64 slot."""
    def codegen(context, builder, sig, args):
        builder.store_atomic(args[2], _slot_ptr(context, builder, sig.args[0], args[0], args[1]),
                             'release', 8)
        return context.get_dummy_value()
    return types.void(arr, types.intp, types.int64), codegen


@intrinsic
def _store_sc(typingctx, arr, idx, val):
    """Sequentially consistent store (a full fence on x86): the store-then-load handshakes
    below (post then look whether the helper sleeps; announce sleep then look for a post)
    must not let the load pass the store."""
    def codegen(context, builder, sig, args):
        builder.store_atomic(args[2], _slot_ptr(context, builder, sig.args[0], args[0], args[1]),
                             'seq_cst', 8)
        return context.get_dummy_value()
    return types.void(arr, types.intp, types.int64), codegen


@intrinsic
def _call_ptr(typingctx, fn, arg):
    """``int f(void *arg)`` at address ``fn`` (sem_post, sem_wait); returns its int."""
    def codegen(context, builder, sig, args):
        i8p = ir.IntType(8).as_pointer()
        fnty = ir.FunctionType(ir.IntType(32), [i8p])
        res = builder.call(builder.inttoptr(args[0], fnty.as_pointer()),
                           [builder.inttoptr(args[1], i8p)])
        return builder.sext(res, ir.IntType(64))
    return types.int64(types.int64, types.int64), codegen


@intrinsic
def _cas(typingctx, arr, idx, expected, new):
    """Compare-and-swap on an int64 slot; True when it swapped."""
    def codegen(context, builder, sig, args):
        ptr = _slot_ptr(context, builder, sig.args[0], args[0], args[1])
        res = builder.cmpxchg(ptr, args[2], args[3], 'acq_rel', 'acquire')
        return builder.extract_value(res, 1)
    return types.boolean(arr, types.intp, types.int64, types.int64), codegen


@intrinsic
def _pause(typingctx):
    """The spin-wait hint (x86 ``pause``; a plain no-op elsewhere)."""
    def codegen(context, builder, sig, args):
        import platform
        if platform.machine().lower() in ('x86_64', 'amd64'):
            fn = cgutils.get_or_insert_function(builder.module, ir.FunctionType(ir.VoidType(), []),
                                                'llvm.x86.sse2.pause')
            builder.call(fn, [])
        return context.get_dummy_value()
    return types.void(), codegen


@intrinsic
def _sgemm(typingctx, job):
    """Call cblas_sgemm (ILP64) at the address in ``job[J_FN]`` with the job's operands:
    C = A @ B, row-major, alpha 1, beta 0."""
    def codegen(context, builder, sig, args):
        i32, i64, f32 = ir.IntType(32), ir.IntType(64), ir.FloatType()
        fptr_t = ir.PointerType(f32)
        fnty = ir.FunctionType(ir.VoidType(), [i32, i32, i32, i64, i64, i64, f32, fptr_t, i64,
                                               fptr_t, i64, f32, fptr_t, i64])
        data = context.make_array(sig.args[0])(context, builder, args[0]).data

        def slot(k):
            return builder.load(builder.gep(data, [ir.Constant(i64, k)]))
        fn = builder.inttoptr(slot(J_FN), fnty.as_pointer())
        builder.call(fn, [ir.Constant(i32, _CBLAS_ROW_MAJOR), builder.trunc(slot(J_TA), i32),
                          builder.trunc(slot(J_TB), i32), slot(J_M), slot(J_N), slot(J_K),
                          ir.Constant(f32, 1.0), builder.inttoptr(slot(J_A), fptr_t), slot(J_LDA),
                          builder.inttoptr(slot(J_B), fptr_t), slot(J_LDB), ir.Constant(f32, 0.0),
                          builder.inttoptr(slot(J_C), fptr_t), slot(J_LDC)])
        return context.get_dummy_value()
    return types.void(job), codegen


@njit(cache=True, nogil=True)
def _serve(ctrl, job, spin):
    """The helper thread's whole life, without the GIL: run posted jobs; after ``spin``
    idle polls (or when parked) announce sleep and block on the semaphore."""
    idle = 0
    while True:
        if _load(ctrl, STATE) == POSTED and _cas(ctrl, STATE, POSTED, RUNNING):
            _sgemm(job)
            _store(ctrl, STATE, DONE)
            idle = 0
            continue
        if idle >= spin or _load(ctrl, PARK) != 0:
            _store_sc(ctrl, AWAKE, 0)
            if _load(ctrl, STATE) != POSTED:    # nothing slipped in: sleep
                _call_ptr(job[J_SEM_WAIT], ctrl[SEM])
            _store(ctrl, PARK, 0)
            _store(ctrl, AWAKE, 1)
            idle = 0
            continue
        _pause()
        idle += 1


@njit(cache=True, nogil=True)
def _post(ctrl, job, ta, tb, m, n, k, a, lda, b, ldb, c, ldc):
    """Hand a job to the helper, waking it when it sleeps."""
    job[J_TA] = ta
    job[J_TB] = tb
    job[J_M] = m
    job[J_N] = n
    job[J_K] = k
    job[J_A] = a
    job[J_LDA] = lda
    job[J_B] = b
    job[J_LDB] = ldb
    job[J_C] = c
    job[J_LDC] = ldc
    _store_sc(ctrl, STATE, POSTED)
    if _load(ctrl, AWAKE) == 0:
        _call_ptr(job[J_SEM_POST], ctrl[SEM])


@njit(cache=True, nogil=True)
def _finish(ctrl, job):
    """The caller's side once its own share is done: wait for the helper's result, or run
    the job here when the helper has not started it.  Returns True when the helper ran it."""
    while True:
        s = _load(ctrl, STATE)
        if s == DONE:
            _store(ctrl, STATE, IDLE)
            return True
        if s == POSTED and _cas(ctrl, STATE, POSTED, RUNNING):
            _sgemm(job)
            _store(ctrl, STATE, IDLE)
            return False
        _pause()


def _find_sgemm():
    """Address of numpy's bundled ILP64 cblas_sgemm, or None."""
    try:
        from threadpoolctl import ThreadpoolController
        paths = [c.filepath for c in ThreadpoolController().lib_controllers
                 if c.internal_api == 'openblas']
    except Exception:
        return None
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for name in ('scipy_cblas_sgemm64_', 'cblas_sgemm64_'):
            fn = getattr(lib, name, None)
            if fn is not None:
                return ctypes.cast(fn, ctypes.c_void_p).value
    return None


def _isolated(n):
    """n int64 slots starting on a 64-byte line with a free line before and after: the
    helper polls them, and a line it polls that the caller's other data shared would
    bounce between the cores on every write."""
    buf = np.zeros(n + 40, np.int64)
    start = 8 + (-buf.ctypes.data % 64) // 8
    return buf[start:start + n]


def _semaphores():
    """Addresses of (sem_init, sem_post, sem_wait) in the C library, or None."""
    try:
        libc = ctypes.CDLL(None)
        fns = [getattr(libc, name) for name in ('sem_init', 'sem_post', 'sem_wait')]
    except (OSError, AttributeError):
        return None
    return [ctypes.cast(f, ctypes.c_void_p).value for f in fns]


class _Helper:
    """One helper thread with its control and job slots and its semaphore."""

    def __init__(self, fn, sem_fns):
        self.ctrl = _isolated(32)
        self.job = _isolated(16)
        self.sem = _isolated(8)                # a sem_t (32 bytes on glibc) of its own
        sem_init = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
                                    ctypes.c_uint)(sem_fns[0])
        if sem_init(self.sem.ctypes.data, 0, 0) != 0:
            raise OSError('sem_init failed')
        self.ctrl[SEM] = self.sem.ctypes.data
        self.ctrl[AWAKE] = 1
        self.job[J_FN], self.job[J_SEM_POST], self.job[J_SEM_WAIT] = fn, sem_fns[1], sem_fns[2]
        self.thread = threading.Thread(target=_serve, args=(self.ctrl, self.job, SPIN),
                                       name='mxlite-gemm', daemon=True)
        self.thread.start()

    def post(self, ta, tb, m, n, k, a, lda, b, ldb, c, ldc):
        _post(self.ctrl, self.job, ta, tb, m, n, k, a, lda, b, ldb, c, ldc)

    def finish(self):
        return _finish(self.ctrl, self.job)

    def park(self):
        if self.ctrl[AWAKE]:
            self.ctrl[PARK] = 1


_helpers = None       # the helper threads; None until the first split decides
_blas = None          # (sgemm address, semaphore function addresses) once found usable
_lock = threading.Lock()
_busy = threading.Lock()      # one caller at a time posts to the helpers


def helpers(n):
    """At least ``n`` helper threads (started on first use), or [] when numpy's BLAS
    cannot be called from them."""
    global _helpers, _blas
    if _helpers is not None and (len(_helpers) >= n or _blas is None):
        return _helpers
    if os.environ.get('MXLITE_GEMM_HELPERS', '1') == '0':     # the user's opt-out
        return []
    with _lock:
        if _helpers is None:
            import platform
            # x86 only: the only kind of machine this handshake has been run on
            fn = _find_sgemm() if platform.machine().lower() in ('x86_64', 'amd64') else None
            sems = _semaphores()
            _blas = None if fn is None or sems is None else (fn, sems)
            _helpers = []
        while _blas is not None and len(_helpers) < n:
            try:
                _helpers.append(_Helper(*_blas))
            except OSError:        # no unnamed semaphores here (macOS): no helpers
                _blas = None
    return _helpers


def _forget():
    """A forked child has none of the parent's helper threads: start over."""
    global _helpers
    _helpers = None


if hasattr(os, 'register_at_fork'):
    os.register_at_fork(after_in_child=_forget)


def park():
    """Send spinning helpers to sleep (other parallel work is about to use the cores)."""
    for h in _helpers or ():
        h.park()


def _operand(x):
    """(transposed, leading dimension) of a 2-D float32 operand for row-major BLAS, or None."""
    r, c = x.shape
    s0, s1 = x.strides[0] // 4, x.strides[1] // 4
    if x.strides[0] % 4 or x.strides[1] % 4:
        return None
    if (s1 == 1 or c == 1) and s0 >= max(1, c):
        return _CBLAS_NO_TRANS, max(s0, 1)
    if (s0 == 1 or r == 1) and s1 >= max(1, r):
        return _CBLAS_TRANS, max(s1, 1)
    return None


def matmul(a, b, out, parts):
    """``out = a @ b`` (2-D float32) with the rows split ``parts`` ways: the caller takes
    the first share, helper threads the others.  False when it cannot (the caller then
    runs ``np.matmul`` itself)."""
    hs = helpers(parts - 1)
    if len(hs) < parts - 1 or parts < 2:
        return False
    if a.dtype != np.float32 or b.dtype != np.float32 or out.dtype != np.float32:
        return False
    m, k = a.shape
    n = b.shape[1]
    oa, ob = _operand(a), _operand(b)
    if oa is None or ob is None or out.strides[1] != 4 or out.strides[0] % 4 \
            or out.strides[0] < 4 * max(1, n):
        return False
    if not _busy.acquire(blocking=False):       # another Python thread is splitting
        return False
    try:
        _split(a, b, out, hs, oa, ob, parts)
    finally:
        _busy.release()
    return True


def _split(a, b, out, hs, oa, ob, parts):
    """Split along the wider of out's two axes (OpenBLAS keeps its rate on half as many
    columns better than on half as many rows of a short product)."""
    m, k = a.shape
    n = b.shape[1]
    by_cols = n >= m
    size = n if by_cols else m
    step = -(-size // parts)
    bounds = [(i, min(size, i + step)) for i in range(0, size, step)]
    pa, pb, pc = a.ctypes.data, b.ctypes.data, out.ctypes.data
    sa, sb, sc = a.strides, b.strides, out.strides
    posted = []
    for h, (lo, hi) in zip(hs, bounds[1:]):
        if by_cols:
            h.post(oa[0], ob[0], m, hi - lo, k, pa, oa[1], pb + lo * sb[1], ob[1],
                   pc + lo * sc[1], sc[0] // 4)
        else:
            h.post(oa[0], ob[0], hi - lo, n, k, pa + lo * sa[0], oa[1], pb, ob[1],
                   pc + lo * sc[0], sc[0] // 4)
        posted.append(h)
    try:
        lo, hi = bounds[0]
        if by_cols:
            np.matmul(a, b[:, lo:hi], out=out[:, lo:hi])
        else:
            np.matmul(a[lo:hi], b, out=out[lo:hi])
    finally:
        for h in posted:        # never return while a helper still writes into out
            h.finish()
