"""Where ImageRecordIter's records come from: partitions, order and shuffling.

* :class:`SequentialSource` (no .idx): the file is split into ``num_parts``
  byte ranges (rounded to 4 bytes, each moved forward to the next record
  head), exactly as dmlc's RecordIO splitter does.  ``shuffle`` permutes the
  records within chunks of about 64 MiB with MXNet's generator
  (``std::mt19937(111 + seed)``), so files up to 64 MiB come out in MXNet's
  exact order; with ``shuffle_chunk_size`` the file is cut into that many MB
  and the pieces are visited in random order.
* :class:`IndexedSource` (.idx given): the sorted record offsets are split
  into ``num_parts`` runs of ``ceil(n / num_parts)`` records; ``shuffle``
  permutes the whole part at every epoch, in MXNet's exact order.

``next()`` returns the next record as ``(byte offset, bytes)`` or ``None`` at
the end of the part; ``before_first()`` starts a new pass (and a new permutation).
"""
import math
import os

import numpy as np

from ..base import MXNetError
from ..recordio import MAGIC, RecordReader, read_index
from .std_random import MT19937, std_shuffle

__all__ = ['SequentialSource', 'IndexedSource', 'open_source']

_DEFAULT_CHUNK = 64 << 20
_RAND_MAGIC = 111


def _open(path, what):
    path = os.fspath(path)
    if os.path.isdir(path):
        raise MXNetError('ImageRecordIter: %s %s is a directory; mxlite reads a single .rec file '
                         '(pass the file path)' % (what, path))
    try:
        return open(path, 'rb')
    except OSError as e:
        raise MXNetError('ImageRecordIter: cannot open %s %s: %s'
                         % (what, path, e.strerror or e)) from None


def seek_record_begin(f, offset, size):
    """First record head (aligned magic with flag 0/1) at or after ``offset``."""
    pos = offset
    block = 1 << 20
    while pos + 8 <= size:
        f.seek(pos)
        buf = f.read(min(block, size - pos))
        n = len(buf) // 4
        words = np.frombuffer(buf, dtype='<u4', count=n)
        hits = np.nonzero(words[:-1] == MAGIC)[0]
        for h in hits:
            if (int(words[h + 1]) >> 29) in (0, 1):
                return pos + 4 * int(h)
        if n < 2:
            break
        pos += 4 * (n - 1)
    return size


class SequentialSource:
    """Records of one byte-range partition of a .rec file, in file order."""

    def __init__(self, path, part_index=0, num_parts=1, shuffle=False, seed=0,
                 shuffle_chunk_size=0, shuffle_chunk_seed=0):
        self.path = os.fspath(path)
        self.f = _open(self.path, 'record file')
        self.size = os.fstat(self.f.fileno()).st_size
        self.reader = RecordReader(self.f, self.path)
        self.shuffle = shuffle
        self.rng = MT19937(_RAND_MAGIC + seed)
        self.chunk_bytes = _DEFAULT_CHUNK
        begin, end = self._partition(part_index, num_parts)
        self.ranges = [(begin, end)]
        self.range_rng = None
        if shuffle and shuffle_chunk_size > 0:
            total = self.size
            nshuffle = int(math.ceil(total * 1.1 / (num_parts * (shuffle_chunk_size << 20))))
            if nshuffle > 1:
                self.ranges = [self._partition(part_index * nshuffle + i, num_parts * nshuffle)
                               for i in range(nshuffle)]
                self.range_rng = np.random.Generator(np.random.PCG64(shuffle_chunk_seed))
            self.chunk_bytes = max(shuffle_chunk_size << 17, 1)
        self.num_records = None
        self.before_first()

    def _partition(self, rank, nsplit):
        nstep = (self.size + nsplit - 1) // nsplit
        nstep = (nstep + 3) // 4 * 4
        begin = min(nstep * rank, self.size)
        end = min(nstep * (rank + 1), self.size)
        if begin == end:
            return begin, end
        if end != self.size:
            end = seek_record_begin(self.f, end, self.size)
        if begin != 0:
            begin = seek_record_begin(self.f, begin, self.size)
        return begin, end

    def before_first(self):
        order = list(range(len(self.ranges)))
        if self.range_rng is not None:
            self.range_rng.shuffle(order)
        self.todo = [self.ranges[i] for i in order]
        self.cur_end = None
        self.pending = []

    def _read_next(self):
        while True:
            if self.cur_end is not None and self.reader.pos < self.cur_end:
                off = self.reader.pos
                return off, self.reader.read()
            if not self.todo:
                return None
            begin, end = self.todo.pop(0)
            self.cur_end = None
            if begin < end:
                self.reader.seek(begin)
                self.cur_end = end

    def next(self):
        if not self.shuffle:
            return self._read_next()
        if not self.pending:
            chunk = []
            nbytes = 0
            while nbytes < self.chunk_bytes:
                rec = self._read_next()
                if rec is None:
                    break
                chunk.append(rec)
                nbytes += len(rec[1]) + 8
            if not chunk:
                return None
            perm = std_shuffle(len(chunk), self.rng)
            self.pending = [chunk[k] for k in perm[::-1]]
        return self.pending.pop()

    def close(self):
        self.f.close()


class IndexedSource:
    """Records listed in a .idx file, partitioned by count; shuffled per epoch."""

    def __init__(self, path, idx_path, part_index=0, num_parts=1, shuffle=False, seed=0):
        self.path = os.fspath(path)
        self.f = _open(self.path, 'record file')
        self.reader = RecordReader(self.f, self.path)
        fidx = _open(idx_path, 'index file')
        with fidx:
            idx, _ = read_index(fidx, os.fspath(idx_path))
        offsets = sorted(set(idx.values()))
        n = len(offsets)
        nstep = (n + num_parts - 1) // num_parts if n else 0
        begin = min(nstep * part_index, n)
        end = min(nstep * (part_index + 1), n)
        self.offsets = np.array(offsets[begin:end], dtype=np.int64)
        self.shuffle = shuffle
        self.rng = MT19937(_RAND_MAGIC + seed)
        self.num_records = len(self.offsets)
        self.before_first()

    def before_first(self):
        self.order = self.offsets
        if self.shuffle:
            self.order = self.offsets[std_shuffle(len(self.offsets), self.rng)]
        self.cursor = 0

    def next(self):
        if self.cursor >= len(self.order):
            return None
        off = int(self.order[self.cursor])
        self.cursor += 1
        self.reader.seek(off)
        rec = self.reader.read()
        if rec is None:
            raise MXNetError('%s: the index lists a record at byte %d, the end of the file'
                             % (self.path, off))
        return off, rec

    def close(self):
        self.f.close()


def open_source(p):
    """The record source for parsed ImageRecordIter parameters ``p``."""
    if not p.path_imgrec:
        raise MXNetError('ImageRecordIter: path_imgrec must be given (the .rec file to read)')
    if not 0 <= p.part_index < max(p.num_parts, 1):
        raise MXNetError('ImageRecordIter: part_index=%d must be in [0, num_parts=%d)'
                         % (p.part_index, p.num_parts))
    if p.path_imgidx:
        return IndexedSource(p.path_imgrec, p.path_imgidx, p.part_index, p.num_parts, p.shuffle,
                             p.seed)
    return SequentialSource(p.path_imgrec, p.part_index, p.num_parts, p.shuffle, p.seed,
                            p.shuffle_chunk_size, p.shuffle_chunk_seed)
