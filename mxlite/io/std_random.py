"""The random orders MXNet's C++ iterators produce: ``std::shuffle`` with ``std::mt19937``.

MXNet shuffles MNIST images and RecordIO records with libstdc++'s
``std::shuffle`` driven by a ``std::mt19937`` seeded with ``magic + seed``.
numpy's legacy ``RandomState(seed)`` runs the same Mersenne Twister with the
same integer seeding, and libstdc++'s shuffle (as MXNet 1.9.1 was built) is
the classic Fisher-Yates loop drawing ``uniform_int_distribution(0, i)`` by
rejection ("downscaling"); reproducing both gives MXNet's exact orders.
"""
import numpy as np

__all__ = ['MT19937', 'std_shuffle']

_URNG_RANGE = 0xFFFFFFFF


class MT19937:
    """Raw 32-bit outputs of ``std::mt19937(seed)``."""

    def __init__(self, seed):
        self._bg = np.random.RandomState(int(seed) % (1 << 32))._bit_generator
        self._buf = np.zeros(0, np.uint64)
        self._pos = 0

    def block(self, n):
        """The next ``n`` outputs (uint64 array)."""
        out = np.empty(n, np.uint64)
        have = min(n, len(self._buf) - self._pos)
        out[:have] = self._buf[self._pos:self._pos + have]
        self._pos += have
        if have < n:
            out[have:] = self._bg.random_raw(n - have)
        return out

    def next(self):
        if self._pos >= len(self._buf):
            self._buf = self._bg.random_raw(4096)
            self._pos = 0
        v = int(self._buf[self._pos])
        self._pos += 1
        return v


def std_shuffle(n, gen):
    """The permutation ``std::shuffle`` applies to ``[0, n)`` with generator ``gen``.

    Returns an int64 array ``p``: element ``k`` of the shuffled sequence is
    the original element ``p[k]``.
    """
    perm = np.arange(n, dtype=np.int64)
    if n < 2:
        return perm
    p = perm.tolist()
    for i in range(1, n):
        uerange = i + 1
        scaling = _URNG_RANGE // uerange
        past = uerange * scaling
        r = gen.next()
        while r >= past:
            r = gen.next()
        j = r // scaling
        p[i], p[j] = p[j], p[i]
    return np.array(p, dtype=np.int64)
