"""Single-precision GEMM on a register-blocked micro-kernel, for the convolution shapes.

Why not OpenBLAS here: the convolutions' products are short and wide or short and
deep (LeNet's second layer per image: 50x500 @ 500x64; its weight gradient sums 64
products of 50x64 @ 64x500), and OpenBLAS reached 55-70 GFLOP/s on them against
~110 for its best shapes -- every call packs both operands again, and a Python-level
loop over images pays the call overhead 64 times.  Here the whole batch runs in one
Numba call, the B panel is packed once per column block, and A is read in place
(broadcast loads need no packing).

The micro-kernel is written as LLVM vector IR (a Numba ``intrinsic``): an MR x NR
tile of C lives in vector registers for the whole reduction, one broadcast of A and
NR/VW vector loads of the packed B feed MR*NR/VW fused multiply-adds per step.  LLVM's
own vectoriser does not find this blocking from a plain loop (accumulators in an
array go through memory).  VW is 16 floats with AVX-512, else 8; on CPUs without FMA
LLVM lowers the same IR to multiply + add.
"""
import os

import numpy as np
from llvmlite import ir
from numba import njit, types
from numba.core import cgutils
from numba.extending import intrinsic


def _has_avx512():
    """Whether Numba compiles for a CPU with AVX-512 (its target: NUMBA_CPU_NAME /
    NUMBA_CPU_FEATURES when set, else this machine)."""
    if os.environ.get('NUMBA_CPU_NAME', 'host') != 'host':
        return '+avx512f' in os.environ.get('NUMBA_CPU_FEATURES', '')
    try:
        import llvmlite.binding as llb
        return '+avx512f' in llb.get_host_cpu_features().flatten()
    except Exception:       # no feature query: assume the narrower vectors
        return False


# Register budget: MR*NV accumulators + NV loads of B + one broadcast.  AVX-512 has 32
# vector registers (6x4 = 24 accumulators), AVX2 16 (6x2 = 12).  Measured on this
# machine's AVX-512 cores: 6x64 111 GFLOP/s, 14x32 113, 8x48 109 on packed operands.
VW = 16 if _has_avx512() else 8
MR = 6
NV = 4 if VW == 16 else 2
NR = NV * VW
KC = 16384 // (NR * 4)  # reduction block: the KC x NR block of B stays in L1 while every
                        # row block of A passes over it (with the whole reduction at once,
                        # streaming B from L2 halved the rate: 44 vs 92 GFLOP/s)


def _micro_kernel(mr, strided=False):
    """An intrinsic computing C[mr, NR] (+)= A[mr, k] @ Bpanel[k, NR].

    ``a`` is a packed panel read at ``a_off + k * MR + i`` (``strided``: A in place, read at
    ``a_off + i * a_si + k * a_sk``, two more arguments after ``a_off``), ``b`` at
    ``b_off + k * ldb + j`` (a packed panel, or B's own contiguous rows), ``c`` at
    ``c_off + i * ldc + j``;
    ``acc`` nonzero adds to C instead of overwriting it.
    """
    def typer(a, a_off, b, b_off, ldb, c, c_off, ldc, k, acc, *strides):
        return types.void(a, types.intp, *([types.intp] * len(strides)), b, types.intp,
                          types.intp, c, types.intp, types.intp, types.intp, types.boolean)

    def codegen(context, builder, signature, args):
        if strided:
            a_, a_off_, a_si_, a_sk_, b_, b_off_, ldb_, c_, c_off_, ldc_, k_, acc_ = args
            bi, ci = 4, 7
        else:
            a_, a_off_, b_, b_off_, ldb_, c_, c_off_, ldc_, k_, acc_ = args
            bi, ci = 2, 5
        f32 = ir.FloatType()
        vt = ir.VectorType(f32, VW)
        vptr = vt.as_pointer()
        i64 = a_off_.type
        aptr = builder.gep(context.make_array(signature.args[0])(context, builder, a_).data, [a_off_])
        bptr = builder.gep(context.make_array(signature.args[bi])(context, builder, b_).data, [b_off_])
        cptr = builder.gep(context.make_array(signature.args[ci])(context, builder, c_).data, [c_off_])
        if not strided:
            a_si_, a_sk_ = ir.Constant(i64, 1), ir.Constant(i64, MR)
        fma = cgutils.get_or_insert_function(
            builder.module, ir.FunctionType(vt, [vt, vt, vt]), 'llvm.fma.v%df32' % VW)
        zero = ir.Constant(vt, [0.0] * VW)
        # allocas in the entry block: LLVM promotes them to registers
        accs = [[cgutils.alloca_once_value(builder, zero) for _ in range(NV)] for _ in range(mr)]
        for row in accs:
            for slot in row:
                builder.store(zero, slot)
        splat = ir.Constant(ir.VectorType(ir.IntType(32), VW), [0] * VW)
        undef = ir.Constant(vt, ir.Undefined)
        with cgutils.for_range(builder, k_) as loop:
            kk = loop.index
            brow = builder.gep(bptr, [builder.mul(kk, ldb_)])
            bv = [builder.load(builder.bitcast(builder.gep(brow, [ir.Constant(i64, v * VW)]), vptr),
                               align=4) for v in range(NV)]
            acol = builder.gep(aptr, [builder.mul(kk, a_sk_)])
            for i in range(mr):
                ai = builder.load(builder.gep(acol, [builder.mul(ir.Constant(i64, i), a_si_)]))
                av = builder.shuffle_vector(
                    builder.insert_element(undef, ai, ir.Constant(ir.IntType(32), 0)), undef, splat)
                for v in range(NV):
                    builder.store(builder.call(fma, [av, bv[v], builder.load(accs[i][v])]), accs[i][v])
        with builder.if_else(cgutils.as_bool_bit(builder, acc_)) as (then, otherwise):
            for add in (True, False):
                with (then if add else otherwise):
                    for i in range(mr):
                        crow = builder.gep(cptr, [builder.mul(ir.Constant(i64, i), ldc_)])
                        for v in range(NV):
                            p = builder.bitcast(builder.gep(crow, [ir.Constant(i64, v * VW)]), vptr)
                            val = builder.load(accs[i][v])
                            if add:
                                val = builder.fadd(builder.load(p, align=4), val)
                            builder.store(val, p, align=4)
        return context.get_dummy_value()

    if strided:
        @intrinsic
        def uk(typingctx, a, a_off, a_si, a_sk, b, b_off, ldb, c, c_off, ldc, k, acc):
            return typer(a, a_off, b, b_off, ldb, c, c_off, ldc, k, acc, a_si, a_sk), codegen
    else:
        @intrinsic
        def uk(typingctx, a, a_off, b, b_off, ldb, c, c_off, ldc, k, acc):
            return typer(a, a_off, b, b_off, ldb, c, c_off, ldc, k, acc), codegen
    return uk


_uk1, _uk2, _uk3, _uk4, _uk5, _uk6 = [_micro_kernel(m) for m in range(1, MR + 1)]
_us1, _us2, _us3, _us4, _us5, _us6 = [_micro_kernel(m, True) for m in range(1, MR + 1)]


@njit(cache=True, nogil=True, inline='always')
def _tile(mr, strided, a, a_off, a_si, a_sk, b, b_off, ldb, c, c_off, ldc, k, acc):
    if strided:
        if mr == 6:
            _us6(a, a_off, a_si, a_sk, b, b_off, ldb, c, c_off, ldc, k, acc)
        elif mr == 5:
            _us5(a, a_off, a_si, a_sk, b, b_off, ldb, c, c_off, ldc, k, acc)
        elif mr == 4:
            _us4(a, a_off, a_si, a_sk, b, b_off, ldb, c, c_off, ldc, k, acc)
        elif mr == 3:
            _us3(a, a_off, a_si, a_sk, b, b_off, ldb, c, c_off, ldc, k, acc)
        elif mr == 2:
            _us2(a, a_off, a_si, a_sk, b, b_off, ldb, c, c_off, ldc, k, acc)
        else:
            _us1(a, a_off, a_si, a_sk, b, b_off, ldb, c, c_off, ldc, k, acc)
    elif mr == 6:
        _uk6(a, a_off, b, b_off, ldb, c, c_off, ldc, k, acc)
    elif mr == 5:
        _uk5(a, a_off, b, b_off, ldb, c, c_off, ldc, k, acc)
    elif mr == 4:
        _uk4(a, a_off, b, b_off, ldb, c, c_off, ldc, k, acc)
    elif mr == 3:
        _uk3(a, a_off, b, b_off, ldb, c, c_off, ldc, k, acc)
    elif mr == 2:
        _uk2(a, a_off, b, b_off, ldb, c, c_off, ldc, k, acc)
    else:
        _uk1(a, a_off, b, b_off, ldb, c, c_off, ldc, k, acc)


@njit(cache=True, nogil=True)
def _pack_b(b, k0, kc, j0, nr, panel):
    """panel[kk * NR + jj] = b[k0 + kk, j0 + jj], zero beyond column nr."""
    if b.strides[1] <= b.strides[0]:
        for kk in range(kc):
            row = panel[kk * NR:(kk + 1) * NR]
            row[:nr] = b[k0 + kk, j0:j0 + nr]
            row[nr:] = 0
    else:                          # b is a transposed view: walk its rows in memory order
        p2 = panel[:kc * NR].reshape(kc, NR)
        for jj in range(nr):
            p2[:, jj] = b[k0:k0 + kc, j0 + jj]
        p2[:, nr:] = 0


@njit(cache=True, nogil=True)
def _pack_a(a, apanel):
    """apanel[(ib * K + k) * MR + i] = a[ib * MR + i, k]: row blocks of A, k-major, rows past
    the end zero.  Packed, the micro-kernel reads A at constant offsets from one pointer;
    through A's own strides it needed a register per row and spilled (71 vs 106 GFLOP/s)."""
    M, K = a.shape
    for i0 in range(0, M, MR):
        blk = apanel[i0 * K:(i0 + MR) * K].reshape(K, MR)
        mr = min(MR, M - i0)
        for i in range(mr):
            blk[:, i] = a[i0 + i]
        blk[:, mr:] = 0


@njit(cache=True, nogil=True)
def _gemm2(a, strided, M, b, c, accumulate, panel, scratch):
    """c (M, N) (+)= A @ b (K, N); c's rows contiguous, b any strides.  A is ``a`` packed by
    _pack_a, or (``strided``) the 2-D array itself, read in place through its strides.

    B is read in place when its rows are contiguous, else packed (zero-padded).
    """
    K, N = b.shape
    ldc = c.strides[0] // 4
    a_si, a_sk = (a.strides[0] // 4, a.strides[-1] // 4) if strided else (1, MR)
    ldb = b.strides[0] // 4
    # B in place whenever its rows are contiguous: packing it (Numba's row copies) cost
    # about as much as the micro-kernel's pass over it (measured 67-76 vs 95-104 GFLOP/s)
    b_rows = b.strides[1] == 4
    for j0 in range(0, N, NR):
        nr = min(NR, N - j0)
        for k0 in range(0, K, KC):
            kc = min(KC, K - k0)
            add = accumulate or k0 > 0
            if b_rows and nr == NR:
                src, b_off, b_ld = b, k0 * ldb + j0, ldb
            else:       # a transposed B, or the ragged last columns: a zero-padded panel
                _pack_b(b, k0, kc, j0, nr, panel)
                src, b_off, b_ld = panel.reshape(1, -1), 0, NR
            for i0 in range(0, M, MR):
                mr = min(MR, M - i0)
                a_off = i0 * a_si + k0 * a_sk if strided else i0 * K + k0 * MR
                if nr == NR:
                    _tile(mr, strided, a, a_off, a_si, a_sk, src, b_off, b_ld, c, i0 * ldc + j0,
                          ldc, kc, add)
                else:       # a ragged edge: through a full-width scratch tile
                    _tile(mr, strided, a, a_off, a_si, a_sk, src, b_off, b_ld, scratch, 0, NR,
                          kc, False)
                    for i in range(mr):
                        dst = c[i0 + i, j0:j0 + nr]
                        part = scratch[i * NR:i * NR + nr]
                        if add:
                            dst += part
                        else:
                            dst[:] = part


@njit(cache=True, nogil=True)
def _gemm_batch(a, b, c, accumulate, a_in_place, apanel, panel, scratch):
    """c[i] (+)= a[i] @ b[i] over a batch; a or b of batch 1 broadcast, and a c of batch 1
    takes the sum of all products.  A is packed (once when broadcast) unless ``a_in_place``."""
    n = max(a.shape[0], b.shape[0])
    M = a.shape[1]
    for i in range(n):
        bi = b[min(i, b.shape[0] - 1)]
        ci = c[0] if c.shape[0] == 1 else c[i]
        add = accumulate or (c.shape[0] == 1 and i > 0)
        if a_in_place:
            _gemm2(a[min(i, a.shape[0] - 1)], True, M, bi, ci, add, panel, scratch)
        else:
            if i < a.shape[0]:
                _pack_a(a[i], apanel)
            _gemm2(apanel, False, M, bi, ci, add, panel, scratch)


def pack(a):
    """A (M, K) float32 packed for ``_gemm2`` (strided=False)."""
    M, K = a.shape
    apanel = np.empty(-(-M // MR) * MR * K, np.float32)
    _pack_a(a, apanel)
    return apanel


def scratch(K):
    """The B panel and edge tile buffers ``_gemm2`` needs for a reduction of length K."""
    return np.empty(min(K, KC) * NR, np.float32), np.empty(MR * NR, np.float32)


def matmul(a, b, out, accumulate=False, a_in_place=False):
    """out (+)= a @ b for float32 operands of 2 or 3 dimensions (numpy's broadcasting
    of a batch of 1; an ``out`` of batch 1 with a batched product takes the sum over the
    batch).  ``out``'s last axis must be contiguous.  ``a_in_place``: read A through its
    strides instead of packing it (when each A is used for few columns of B, packing
    every one would cost more than it saves)."""
    a3 = a if a.ndim == 3 else a[None]
    b3 = b if b.ndim == 3 else b[None]
    c3 = out if out.ndim == 3 else out[None]
    M, K = a3.shape[1], a3.shape[2]
    n = max(a3.shape[0], b3.shape[0])
    # the kernels do not bounds-check: refuse what they would read or write past
    if (b3.shape[1] != K or c3.shape[1:] != (M, b3.shape[2]) or c3.shape[0] not in (1, n)
            or a3.shape[0] not in (1, n) or b3.shape[0] not in (1, n)
            or any(x.dtype != np.float32 for x in (a3, b3, c3)) or c3.strides[2] != 4):
        raise ValueError('packed_gemm.matmul: %s @ %s -> %s (float32, out rows contiguous) '
                         'do not fit' % (a.shape, b.shape, out.shape))
    apanel = np.empty(0 if a_in_place else -(-M // MR) * MR * K, np.float32)
    _gemm_batch(a3, b3, c3, accumulate, a_in_place, apanel, *scratch(K))
    return out
