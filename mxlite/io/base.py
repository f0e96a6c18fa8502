"""DataDesc, DataBatch, the DataIter protocol, ResizeIter and PrefetchingIter."""
import threading
from collections import namedtuple

from ..base import MXNetError, mx_real_t

__all__ = ['DataDesc', 'DataBatch', 'DataIter', 'ResizeIter', 'PrefetchingIter']


class DataDesc(namedtuple('DataDesc', ['name', 'shape'])):
    """Name, shape, dtype and layout of one input or label of a data iterator.

    Compares and unpacks like the tuple ``(name, shape)``, as in MXNet.
    """

    def __new__(cls, name, shape, dtype=mx_real_t, layout='NCHW'):
        ret = super(DataDesc, cls).__new__(cls, name, shape)
        ret.dtype = dtype
        ret.layout = layout
        return ret

    def __repr__(self):
        return 'DataDesc[%s,%s,%s,%s]' % (self.name, self.shape, self.dtype, self.layout)

    def __getnewargs__(self):
        return (self.name, self.shape, self.dtype, self.layout)

    @staticmethod
    def get_batch_axis(layout):
        """Position of ``'N'`` in ``layout`` (0 when ``layout`` is None)."""
        if layout is None:
            return 0
        return layout.find('N')

    @staticmethod
    def get_list(shapes, types):
        """DataDescs from ``[(name, shape)]`` and optional ``[(name, dtype)]``."""
        if types is not None:
            type_dict = dict(types)
            return [DataDesc(x[0], x[1], type_dict[x[0]]) for x in shapes]
        return [DataDesc(x[0], x[1]) for x in shapes]


class DataBatch:
    """One batch: lists of data and label NDArrays, and how many rows are padding."""

    def __init__(self, data, label=None, pad=None, index=None, bucket_key=None,
                 provide_data=None, provide_label=None):
        if data is not None and not isinstance(data, (list, tuple)):
            raise MXNetError('DataBatch: data must be a list of NDArrays, got %s'
                             % type(data).__name__)
        if label is not None and not isinstance(label, (list, tuple)):
            raise MXNetError('DataBatch: label must be a list of NDArrays, got %s'
                             % type(label).__name__)
        self.data = data
        self.label = label
        self.pad = pad
        self.index = index
        self.bucket_key = bucket_key
        self.provide_data = provide_data
        self.provide_label = provide_label

    def __str__(self):
        data_shapes = [d.shape for d in self.data]
        label_shapes = [l.shape for l in self.label] if self.label else None
        return '{}: data shapes: {} label shapes: {}'.format(
            self.__class__.__name__, data_shapes, label_shapes)


class DataIter:
    """Base class of data iterators: ``for batch in it`` gives DataBatches."""

    def __init__(self, batch_size=0):
        self.batch_size = batch_size

    def __iter__(self):
        return self

    def reset(self):
        """Rewind to the first batch."""

    def next(self):
        """The next DataBatch; raises StopIteration at the end of the epoch."""
        if self.iter_next():
            return DataBatch(data=self.getdata(), label=self.getlabel(), pad=self.getpad(),
                             index=self.getindex())
        raise StopIteration

    def __next__(self):
        return self.next()

    def iter_next(self):
        """Move to the next batch; False at the end of the epoch."""

    def getdata(self):
        """Data of the current batch (list of NDArrays)."""

    def getlabel(self):
        """Label of the current batch (list of NDArrays)."""

    def getindex(self):
        """Indices of the current batch's examples, or None."""
        return None

    def getpad(self):
        """Number of padding examples in the current batch."""


class ResizeIter(DataIter):
    """Make ``data_iter`` yield exactly ``size`` batches per epoch (wrapping or cutting)."""

    def __init__(self, data_iter, size, reset_internal=True):
        super().__init__()
        self.data_iter = data_iter
        self.size = size
        self.reset_internal = reset_internal
        self.cur = 0
        self.current_batch = None
        self.provide_data = data_iter.provide_data
        self.provide_label = data_iter.provide_label
        self.batch_size = data_iter.batch_size
        if hasattr(data_iter, 'default_bucket_key'):
            self.default_bucket_key = data_iter.default_bucket_key

    def reset(self):
        self.cur = 0
        if self.reset_internal:
            self.data_iter.reset()

    def iter_next(self):
        if self.cur == self.size:
            return False
        try:
            self.current_batch = self.data_iter.next()
        except StopIteration:
            self.data_iter.reset()
            try:
                self.current_batch = self.data_iter.next()
            except StopIteration:
                raise MXNetError('ResizeIter: the wrapped iterator yields no batch even right '
                                 'after reset()') from None
        self.cur += 1
        return True

    def getdata(self):
        return self.current_batch.data

    def getlabel(self):
        return self.current_batch.label

    def getindex(self):
        return self.current_batch.index

    def getpad(self):
        return self.current_batch.pad


class PrefetchingIter(DataIter):
    """Fetch the next batch of one or more iterators on background threads.

    The batches of several iterators are combined: data and labels are
    concatenated in order; ``rename_data``/``rename_label`` (one dict per
    iterator) rename the provided names.
    """

    def __init__(self, iters, rename_data=None, rename_label=None):
        super().__init__()
        if not isinstance(iters, list):
            iters = [iters]
        if not iters:
            raise MXNetError('PrefetchingIter: iters must hold at least one iterator')
        self.n_iter = len(iters)
        self.iters = iters
        self.rename_data = rename_data
        self.rename_label = rename_label
        self.batch_size = self.provide_data[0][1][0]
        self._lock = threading.Condition()
        self._next = [None] * self.n_iter      # fetched batch or exception, per iterator
        self._ready = [False] * self.n_iter
        self._wanted = [True] * self.n_iter
        self.started = True
        self.current_batch = None
        self.prefetch_threads = [threading.Thread(target=self._worker, args=(i,), daemon=True,
                                                  name='PrefetchingIter-%d' % i)
                                 for i in range(self.n_iter)]
        for t in self.prefetch_threads:
            t.start()

    def _worker(self, i):
        while True:
            with self._lock:
                while self.started and not self._wanted[i]:
                    self._lock.wait()
                if not self.started:
                    return
                self._wanted[i] = False
            try:
                result = self.iters[i].next()
            except StopIteration:
                result = None
            except BaseException as e:  # noqa: BLE001 - re-raised in the consumer
                result = e
            with self._lock:
                self._next[i] = result
                self._ready[i] = True
                self._lock.notify_all()

    def _wait_all(self):
        with self._lock:
            while not all(self._ready):
                self._lock.wait()

    def close(self):
        """Stop the prefetch threads."""
        if not getattr(self, 'started', False):
            return
        with self._lock:
            self.started = False
            self._lock.notify_all()
        for t in self.prefetch_threads:
            if t is not threading.current_thread():
                t.join()

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - never raise from a finalizer
            pass

    def _renamed(self, attr, renames):
        out = []
        for k, it in enumerate(self.iters):
            descs = getattr(it, attr)
            if renames is None:
                out.extend(descs)
                continue
            r = renames[k]
            for x in descs:
                if isinstance(x, DataDesc):
                    out.append(DataDesc(r[x.name], x.shape, x.dtype))
                else:
                    out.append(DataDesc(r[x[0]], x[1]))
        return out

    @property
    def provide_data(self):
        return self._renamed('provide_data', self.rename_data)

    @property
    def provide_label(self):
        return self._renamed('provide_label', self.rename_label)

    def reset(self):
        self._wait_all()
        for it in self.iters:
            it.reset()
        with self._lock:
            self._ready = [False] * self.n_iter
            self._wanted = [True] * self.n_iter
            self._lock.notify_all()

    def iter_next(self):
        self._wait_all()
        for r in self._next:
            if isinstance(r, BaseException):
                # let the consumer see the producer's error; refetch next time
                with self._lock:
                    self._ready = [False] * self.n_iter
                    self._wanted = [True] * self.n_iter
                    self._lock.notify_all()
                raise r
        batches = self._next
        if batches[0] is None:
            if any(b is not None for b in batches):
                raise MXNetError('PrefetchingIter: the iterators yield different numbers of '
                                 'batches')
            return False
        for b in batches:
            if b is None or b.pad != batches[0].pad:
                raise MXNetError('PrefetchingIter: the iterators yield different numbers of '
                                 'examples (pad %s vs %s)'
                                 % (None if b is None else b.pad, batches[0].pad))
        self.current_batch = DataBatch(sum([list(b.data) for b in batches], []),
                                       sum([list(b.label or []) for b in batches], []),
                                       batches[0].pad, batches[0].index,
                                       provide_data=self.provide_data,
                                       provide_label=self.provide_label)
        with self._lock:
            self._ready = [False] * self.n_iter
            self._wanted = [True] * self.n_iter
            self._lock.notify_all()
        return True

    def next(self):
        if self.iter_next():
            return self.current_batch
        raise StopIteration

    def getdata(self):
        return self.current_batch.data

    def getlabel(self):
        return self.current_batch.label

    def getindex(self):
        return self.current_batch.index

    def getpad(self):
        return self.current_batch.pad
