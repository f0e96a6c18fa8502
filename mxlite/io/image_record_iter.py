"""ImageRecordIter: decode and augment a .rec file on a thread pool, batches prefetched.

Pipeline: the iterator's thread reads raw records (:mod:`.record_source`),
draws each image's random numbers and queues batches; ``preprocess_threads``
workers decode with OpenCV, augment (:mod:`.augment`) and write CHW RGB into
the batch buffer with a Numba kernel (no GIL), so up to ``prefetch_buffer``
batches are ready while the caller trains on the current one.

Output matches MXNet 1.9.1's ``ImageRecordIter``: data (batch, C, H, W) in
RGB order, float32 normalised as ``(pixel - mean) * scale / std`` (uint8 /
int8 with ``dtype``), label (batch,) or (batch, label_width) float32,
arrays on ``cpu_pinned(0)`` (``cpu(0)`` with ``device_id=-1``).  With
``round_batch`` the last batch wraps around to the first images and the
next epoch continues after them, as in MXNet.

A record whose image or labels cannot be read raises ``MXNetError`` naming
its image index (the record id), its byte offset and the file; with
``on_bad_image='skip'`` (mxlite's addition) it is logged, counted in
``num_skipped`` and its slot filled from the records that follow.  ``next``
and ``reset`` may be called from several threads.

Differences from MXNet: random augmentations draw from mxlite's own
generator (seeded by ``seed_aug``, else ``seed``), so they are reproducible
for any number of threads but are not MXNet's random numbers; with
``round_batch=False`` the filler rows of the last batch are zeros and
``pad`` counts them (MXNet leaves stale memory there and reports pad 0).
"""
import logging
import os
import struct
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from ..base import MXNetError
from ..context import Context
from ..ndarray import NDArray
from .augment import UNIFORMS_PER_IMAGE, DefaultAugmenter, Uniforms
from .base import DataBatch, DataDesc, DataIter
from .record_params import parse_record_params
from .record_source import open_source

__all__ = ['ImageRecordIter', 'ImageRecordUInt8Iter', 'ImageRecordInt8Iter']

_HEADER = struct.Struct('<IfQQ')
_AUG_MAGIC = 111


def _cv2():
    from ..image.image import cv2
    return cv2()


def read_label_list(path, label_width):
    """MXNet's ImageLabelMap: image index -> label_width floats from a .lst file."""
    try:
        f = open(path, 'rb')
    except OSError as e:
        raise MXNetError('ImageRecordIter: cannot read path_imglist %s: %s'
                         % (path, e.strerror or e)) from None
    labels = {}
    with f:
        for lineno, raw in enumerate(f, 1):
            try:
                line = raw.decode('utf-8')
            except UnicodeDecodeError:
                raise MXNetError('ImageRecordIter: bad image list format in %s line %d: not '
                                 'UTF-8 text' % (path, lineno)) from None
            tok = line.split()
            if not tok:
                continue
            if len(tok) < label_width + 1:
                raise MXNetError('ImageRecordIter: bad image list format in %s line %d: %.80r has '
                                 'fewer than label_width=%d labels'
                                 % (path, lineno, line.rstrip('\n'), label_width))
            try:
                labels[int(float(tok[0]))] = np.array([float(x) for x in tok[1:1 + label_width]],
                                                      np.float32)
            except (ValueError, OverflowError):
                raise MXNetError('ImageRecordIter: bad image list format in %s line %d: %.80r'
                                 % (path, lineno, line.rstrip('\n'))) from None
    return labels


class BadRecord(MXNetError):
    """One record's image or labels cannot be read (``on_bad_image`` decides what happens)."""


class _Pending:
    __slots__ = ('data', 'label', 'pad', 'futures', 'wrapped', 'n', 'bad')

    def __init__(self, data, label, pad, futures, wrapped, n, bad):
        self.data = data
        self.label = label
        self.pad = pad
        self.futures = futures
        self.wrapped = wrapped
        self.n = n              # records in the batch (the rest is padding)
        self.bad = bad          # per slot: None, or the BadRecord of an unreadable record


class ImageRecordIter(DataIter):
    """Iterate over a RecordIO image file with decoding and augmentation on threads.

    Takes MXNet's keyword parameters (``path_imgrec``, ``data_shape``,
    ``batch_size``, ``resize``, ``rand_crop``, ``rand_mirror``,
    ``mean_r``..., ``std_r``..., ``scale``, ``preprocess_threads``,
    ``prefetch_buffer``, ``round_batch``, ``num_parts``/``part_index``,
    ``path_imgidx``, ``shuffle``, ``mean_img``, ``label_width``,
    ``path_imglist``, ``dtype``...); see ``mxlite.io.record_params`` for
    the full list with defaults.
    """

    _forced = None

    def __init__(self, *args, **kwargs):
        super().__init__()
        name = self.__class__.__name__
        if args:
            raise MXNetError('%s can only accept keyword arguments' % name)
        p = parse_record_params(kwargs, name, self._forced)
        self._p = p
        self.batch_size = p.batch_size
        c, h, w = p.data_shape
        self._ctx = Context('cpu', 0) if p.device_id == -1 else Context('cpu_pinned',
                                                                        max(p.device_id, 0))
        lw = p.label_width
        self.provide_data = [DataDesc(p.data_name, (p.batch_size, c, h, w), p.out_dtype.type)]
        self.provide_label = [DataDesc(p.label_name, (p.batch_size,) if lw == 1
                                       else (p.batch_size, lw), np.float32)]
        self._label_map = read_label_list(p.path_imglist, lw) if p.path_imglist else None
        self._aug = DefaultAugmenter(p)
        self._rng = np.random.Generator(np.random.PCG64(
            ((p.seed_aug if p.seed_aug is not None else p.seed) + _AUG_MAGIC) % (1 << 63)))
        self._swap = np.array([0] if c == 1 else [2, 1, 0] if c == 3 else [2, 1, 0, 3], np.int64)
        self._mean = np.array([p.mean_r, p.mean_g, p.mean_b, p.mean_a][:c] if c > 1
                              else [p.mean_r], np.float32)
        self._std = np.array([p.std_r, p.std_g, p.std_b, p.std_a][:c] if c > 1 else [p.std_r],
                             np.float32)
        self._mean_int = np.array([_round_half_away(float(m)) for m in self._mean], np.int64)
        self._meanimg = np.zeros((1, 1, 1), np.float32)
        self._use_meanimg = False
        self._pool = None
        self._source = None
        self._inflight = deque()
        self._ready = deque()       # on_bad_image='skip': (data rows, label rows, filler)
        self._epoch_done = False
        self._delivered_wrapped = False
        self._current = None
        self._first = None
        self._lock = threading.RLock()
        self.num_skipped = 0
        self._epoch_batches = 0
        try:
            self._source = open_source(p)
            if p.verbose:
                logging.info('ImageRecordIOParser2: %s, use %d threads for decoding..',
                             p.path_imgrec, p.preprocess_threads)
            self._pool = ThreadPoolExecutor(max_workers=p.preprocess_threads,
                                            thread_name_prefix='ImageRecordIter')
            if p.mean_img and p.out_dtype != np.uint8:
                self._setup_mean_img()
            # like MXNet's MXDataIter: the first batch is decoded right away
            self._first = self._next_batch()
        except BaseException:
            self.close()
            raise

    # -- mean image ---------------------------------------------------------
    def _setup_mean_img(self):
        from .. import ndarray as nd
        p = self._p
        if not os.path.exists(p.mean_img):
            self._create_mean_img()
            return
        if p.verbose:
            logging.info('Load mean image from %s', p.mean_img)
        loaded = nd.load(p.mean_img)
        arrays = list(loaded.values()) if isinstance(loaded, dict) else list(loaded)
        if len(arrays) != 1:
            raise MXNetError('ImageRecordIter: invalid mean image file %s: it holds %d arrays, '
                             'expected one (saved under the key "mean_img")'
                             % (p.mean_img, len(arrays)))
        mean = arrays[0].asnumpy().astype(np.float32)
        if mean.shape != tuple(p.data_shape):
            raise MXNetError('ImageRecordIter: mean image %s has shape %s but data_shape is %s; '
                             'delete the file to recompute it'
                             % (p.mean_img, mean.shape, tuple(p.data_shape)))
        self._meanimg = np.ascontiguousarray(mean)
        self._use_meanimg = True

    def _create_mean_img(self):
        from .. import ndarray as nd
        p = self._p
        if p.verbose:
            logging.info('Cannot find %s: create mean image, this will take some time...',
                         p.mean_img)
        total = None
        count = 0
        src = self._source
        src.before_first()
        while True:
            recs = []
            while len(recs) < p.batch_size:
                r = src.next()
                if r is None:
                    break
                recs.append(r)
            if not recs:
                break
            data = np.zeros((len(recs),) + tuple(p.data_shape), np.float32)
            label = np.zeros((len(recs), p.label_width), np.float32)
            bad = [None] * len(recs) if p.on_bad_image == 'skip' else None
            for f in self._submit_work(recs, data, label, np.float32, bad):
                f.result()
            for k, img in enumerate(data):
                if bad is not None and bad[k] is not None:
                    continue
                if total is None:
                    total = img.copy()
                else:
                    total += img
                count += 1
        if count == 0:
            raise MXNetError('ImageRecordIter: cannot compute the mean image: %s has no records'
                             % p.path_imgrec)
        total *= np.float32(1.0) / np.float32(count)
        nd.save(p.mean_img, {'mean_img': NDArray(total, Context('cpu', 0))})
        if p.verbose:
            logging.info('Save mean image to %s..', p.mean_img)
        self._meanimg = total
        self._use_meanimg = True
        src.before_first()

    # -- decoding -----------------------------------------------------------
    def _submit_work(self, recs, data, label, dtype, bad=None):
        """Queue decoding of ``recs`` into ``data``/``label``; returns the futures.

        With ``bad`` (a list, one slot per record) an unreadable record is
        noted there instead of failing the batch.
        """
        n = len(recs)
        u = self._rng.random((n, UNIFORMS_PER_IMAGE))
        nthreads = self._p.preprocess_threads
        step = max(1, -(-n // nthreads))
        return [self._pool.submit(self._work, recs, u, data, label, lo, min(lo + step, n), dtype,
                                  bad)
                for lo in range(0, n, step)]

    def _labels_for(self, header_flag, header_label, image_id, payload, off):
        p = self._p
        lw = p.label_width
        if self._label_map is not None:
            lab = self._label_map.get(image_id)
            if lab is None:
                raise BadRecord('ImageRecordIter: fail to find imagelabel for id %d (record at '
                                 'byte %d of %s) in %s'
                                 % (image_id, off, p.path_imgrec, p.path_imglist))
            return lab
        if header_flag > 0:
            if header_flag != lw:
                raise BadRecord('ImageRecordIter: rec file provide %d-dimensional label but '
                                 'label_width is set to %d (record id %d at byte %d of %s)'
                                 % (header_flag, lw, image_id, off, p.path_imgrec))
            return np.frombuffer(payload, np.float32, header_flag, _HEADER.size)
        if lw != 1:
            raise MXNetError('ImageRecordIter: label_width must be 1 unless an imglist is '
                             'provided or the rec file is packed with multi dimensional label '
                             '(label_width=%d, record id %d at byte %d of %s)'
                             % (lw, image_id, off, p.path_imgrec))
        return np.array([header_label], np.float32)

    def _work(self, recs, u, data, label, lo, hi, dtype, bad=None):
        cv2 = _cv2()
        for i in range(lo, hi):
            try:
                self._work_one(cv2, recs[i], u[i], data, label, i, dtype)
            except BadRecord as e:
                if bad is None:
                    raise
                bad[i] = e

    def _work_one(self, cv2, record, u, data, label, i, dtype):
        from ..kernels.image import write_chw_float, write_chw_int8, write_chw_uint8
        p = self._p
        c = p.data_shape[0]
        mode = cv2.IMREAD_GRAYSCALE if c == 1 else cv2.IMREAD_COLOR if c == 3 \
            else cv2.IMREAD_UNCHANGED
        off, rec = record
        if len(rec) < _HEADER.size:
            raise BadRecord('ImageRecordIter: record at byte %d of %s has %d bytes, less '
                            'than the 24-byte image header' % (off, p.path_imgrec, len(rec)))
        flag, hlabel, image_id, _ = _HEADER.unpack_from(rec)
        start = _HEADER.size + 4 * flag
        if start > len(rec):
            raise BadRecord('ImageRecordIter: record id %d at byte %d of %s: header says %d '
                            'labels but the record has only %d bytes'
                            % (image_id, off, p.path_imgrec, flag, len(rec)))
        label[i] = self._labels_for(flag, hlabel, image_id, rec, off)
        buf = np.frombuffer(rec, np.uint8, offset=start)
        img = cv2.imdecode(buf, mode | cv2.IMREAD_IGNORE_ORIENTATION) if buf.size else None
        if img is None:
            raise BadRecord('ImageRecordIter: decoding failed, invalid image in record id %d '
                            'at byte %d of %s' % (image_id, off, p.path_imgrec))
        if img.ndim == 2:
            img = img.reshape(img.shape[0], img.shape[1], 1)
        if img.shape[2] != c or img.dtype != np.uint8:
            raise BadRecord('ImageRecordIter: invalid image with index %d (byte %d of %s): '
                            'expected %d channels of uint8, got %d channels of %s'
                            % (image_id, off, p.path_imgrec, c, img.shape[2],
                               img.dtype.name))
        r = Uniforms(u)
        res = self._aug.process(img, r, cv2)
        res = np.ascontiguousarray(res)
        if res.shape[:2] != (p.data_shape[1], p.data_shape[2]):
            raise MXNetError('ImageRecordIter: internal error: augmented image %s does not '
                             'match data_shape %s' % (res.shape, p.data_shape))
        mirror = bool((p.rand_mirror and r.next() < 0.5) or p.mirror)
        if dtype == np.uint8:
            write_chw_uint8(res, data[i], self._swap, mirror)
        elif dtype == np.int8:
            write_chw_int8(res, data[i], self._swap, mirror, self._mean_int, self._meanimg,
                           self._use_meanimg)
        else:
            scale = np.float32(p.scale)
            cs, ill = scale, np.float32(0)
            if p.max_random_contrast or p.max_random_illumination:
                mc = np.float32(p.max_random_contrast)
                mi = np.float32(p.max_random_illumination)
                cs = np.float32((np.float32(r.next()) * mc * 2 - mc + 1) * scale)
                ill = np.float32((np.float32(r.next()) * mi * 2 - mi) * scale)
            mult = (cs / self._std).astype(np.float32)
            bias = (ill / self._std).astype(np.float32)
            write_chw_float(res, data[i], self._swap, mirror, self._mean, self._meanimg,
                            self._use_meanimg, mult, bias)

    # -- batching -----------------------------------------------------------
    def _take_records(self):
        p = self._p
        recs = []
        pad = 0
        wrapped = False
        while len(recs) < p.batch_size:
            r = self._source.next()
            if r is None:
                if not recs:
                    return None
                if wrapped:
                    raise MXNetError('ImageRecordIter: number of input images must be bigger than '
                                     'the batch size: %s (part %d of %d) has fewer than '
                                     'batch_size=%d images' % (p.path_imgrec, p.part_index,
                                                              p.num_parts, p.batch_size))
                pad = p.batch_size - len(recs)
                if not p.round_batch:
                    break
                wrapped = True
                self._source.before_first()
                continue
            recs.append(r)
        return recs, pad, wrapped

    def _submit_batch(self):
        if self._epoch_done:
            return False
        taken = self._take_records()
        if taken is None:
            self._epoch_done = True
            return False
        recs, pad, wrapped = taken
        p = self._p
        shape = (p.batch_size,) + tuple(p.data_shape)
        data = np.zeros(shape, p.out_dtype) if len(recs) < p.batch_size else \
            np.empty(shape, p.out_dtype)
        label = np.zeros((p.batch_size, p.label_width), np.float32)
        bad = [None] * len(recs) if p.on_bad_image == 'skip' else None
        futures = self._submit_work(recs, data, label, p.out_dtype.type, bad)
        self._inflight.append(_Pending(data, label, pad, futures, wrapped, len(recs), bad))
        if wrapped:
            self._epoch_done = True
        return True

    def _pop_finished(self):
        """The oldest in-flight batch once decoded (queueing more first), or None at the end."""
        while len(self._inflight) < self._p.prefetch_buffer and self._submit_batch():
            pass
        if not self._inflight:
            return None
        pending = self._inflight.popleft()
        try:
            for f in pending.futures:
                f.result()
        except BaseException:
            self._drop_inflight()
            raise
        return pending

    def _next_batch(self):
        """(DataBatch, wrapped) of the next finished batch, or None at the end of the epoch."""
        if self._p.on_bad_image == 'skip':
            return self._next_batch_skipping()
        pending = self._pop_finished()
        return None if pending is None else self._deliver(pending)

    def _queue_good_rows(self, pending):
        """Put ``pending``'s readable images on the ready queue (wrapped-around ones marked)."""
        bad = [i for i, e in enumerate(pending.bad) if e is not None]
        for i in bad:
            logging.warning("%s; skipped (on_bad_image='skip')", pending.bad[i])
        self.num_skipped += len(bad)
        real_n = pending.n - (pending.pad if pending.wrapped else 0)
        if not bad:
            parts = [(slice(0, real_n), False), (slice(real_n, pending.n), True)]
        else:
            good = [i for i in range(pending.n) if pending.bad[i] is None]
            parts = [([i for i in good if i < real_n], False),
                     ([i for i in good if i >= real_n], True)]
        for rows, filler in parts:
            d = pending.data[rows]
            if len(d):
                self._ready.append((d, pending.label[rows], filler))

    def _next_batch_skipping(self):
        """on_bad_image='skip': batches of the readable images, in order, full but for the last.

        Images come from a queue fed by the decoded batches; wrapped-around
        images (round_batch) only ever fill the end of the last batch.
        """
        p = self._p
        bs = p.batch_size
        data = np.zeros((bs,) + tuple(p.data_shape), p.out_dtype)
        label = np.zeros((bs, p.label_width), np.float32)
        filled = filler_rows = 0
        while filled < bs:
            if not self._ready:
                pending = self._pop_finished()
                if pending is None:
                    break
                self._queue_good_rows(pending)
                continue
            rows_d, rows_l, filler = self._ready[0]
            take = min(bs - filled, len(rows_d))
            data[filled:filled + take] = rows_d[:take]
            label[filled:filled + take] = rows_l[:take]
            if take == len(rows_d):
                self._ready.popleft()
            else:
                self._ready[0] = (rows_d[take:], rows_l[take:], filler)
            filled += take
            if filler:
                filler_rows += take
        if filled == filler_rows:
            self._ready.clear()
            return None
        pending = _Pending(data, label, filler_rows + bs - filled, [], filler_rows > 0, bs, None)
        return self._deliver(pending)

    def _deliver(self, pending):
        lab = pending.label if self._p.label_width > 1 else pending.label[:, 0]
        data = NDArray(pending.data, self._ctx)
        label = NDArray(np.ascontiguousarray(lab), self._ctx)
        return (DataBatch([data], [label], pad=pending.pad,
                          index=np.zeros(self._p.batch_size, np.uint64)), pending.wrapped)

    def _drop_inflight(self):
        while self._inflight:
            pending = self._inflight.popleft()
            for f in pending.futures:
                f.cancel()
            for f in pending.futures:
                if not f.cancelled():
                    try:
                        f.result()
                    except BaseException:  # noqa: BLE001 - the batch is being discarded
                        pass

    # -- DataIter protocol --------------------------------------------------
    def reset(self):
        """Start a new epoch (after a wrapped last batch, continue behind it, as MXNet)."""
        with self._lock:
            self._reset()

    def _reset(self):
        if self._source is None:
            raise MXNetError('%s: the iterator is closed' % self.__class__.__name__)
        self._first = None
        self._epoch_batches = 0
        self._ready.clear()
        if self._delivered_wrapped and not self._inflight:
            pass  # round_batch: the next epoch starts after the wrapped-around images
        else:
            self._drop_inflight()
            self._source.before_first()
        self._epoch_done = False
        self._delivered_wrapped = False

    def next(self):
        """The next batch; safe to call from several threads (each batch goes to one)."""
        with self._lock:
            return self._next()

    def _next(self):
        if self._source is None:
            raise MXNetError('%s: the iterator is closed' % self.__class__.__name__)
        if self._first is not None:
            got, self._first = self._first, None
        else:
            got = self._next_batch()
        if got is None:
            if self._epoch_batches == 0 and self.num_skipped:
                raise MXNetError('%s: no readable image in this epoch of %s: every record was '
                                 "skipped as unreadable (on_bad_image='skip', %d skipped)"
                                 % (self.__class__.__name__, self._p.path_imgrec,
                                    self.num_skipped))
            raise StopIteration
        self._epoch_batches += 1
        batch, wrapped = got
        if wrapped:
            # the caller has seen the wrapped-around batch: reset() continues behind it
            self._delivered_wrapped = True
        self._current = batch
        return batch

    def iter_next(self):
        try:
            self.next()
        except StopIteration:
            return False
        return True

    def getdata(self):
        return self._current.data[0]

    def getlabel(self):
        return self._current.label[0]

    def getindex(self):
        return self._current.index

    def getpad(self):
        return self._current.pad

    def close(self):
        """Stop the decoding threads and close the file."""
        try:
            pool, self._pool = self._pool, None
            if pool is not None:
                # the last reference may die in a worker thread, which cannot join itself
                in_worker = threading.current_thread().name.startswith('ImageRecordIter')
                pool.shutdown(wait=not in_worker, cancel_futures=True)
            self._inflight.clear()
        finally:
            source, self._source = self._source, None
            if source is not None:
                source.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - never raise from a finalizer
            pass


class ImageRecordUInt8Iter(ImageRecordIter):
    """Deprecated: ``ImageRecordIter(dtype='uint8')``."""
    _forced = {'dtype': 'uint8'}


class ImageRecordInt8Iter(ImageRecordIter):
    """Deprecated: ``ImageRecordIter(dtype='int8')``."""
    _forced = {'dtype': 'int8'}


def _round_half_away(x):
    return float(np.floor(x + 0.5)) if x >= 0 else -float(np.floor(-x + 0.5))
