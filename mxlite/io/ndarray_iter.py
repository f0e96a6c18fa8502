"""NDArrayIter: batches over in-memory arrays, with MXNet's exact last-batch rules."""
from collections import OrderedDict

import numpy as np

from ..base import MXNetError, MXNetValueError
from ..context import cpu
from ..ndarray import NDArray, array
from .base import DataBatch, DataDesc, DataIter

__all__ = ['NDArrayIter']

_MODES = ('pad', 'discard', 'roll_over')


def _init_data(data, allow_empty, default_name):
    """Canonical form of iterator input: a name-sorted list of (name, NDArray).

    numpy arrays and lists become float32 NDArrays (``mx.nd.array``), NDArrays
    are kept as they are; a list of several arrays is named ``_0_<name>``,
    ``_1_<name>``...
    """
    if data is None:
        if not allow_empty:
            raise MXNetValueError('NDArrayIter: data must be given (an NDArray, a numpy array, '
                                  'a list of them or a dict name -> array)')
        data = []
    if isinstance(data, (np.ndarray, NDArray)):
        data = [data]
    if isinstance(data, list):
        if not allow_empty and not data:
            raise MXNetValueError('NDArrayIter: data must not be an empty list')
        if len(data) == 1:
            data = OrderedDict([(default_name, data[0])])
        else:
            data = OrderedDict([('_%d_%s' % (i, default_name), d) for i, d in enumerate(data)])
    if not isinstance(data, dict):
        raise MXNetValueError('NDArrayIter: input must be an NDArray, a numpy.ndarray, a list '
                              'of them or a dict with them as values, got %s'
                              % type(data).__name__)
    out = {}
    for k, v in data.items():
        if not isinstance(v, NDArray):
            try:
                v = array(v)
            except MXNetError as e:
                raise MXNetValueError('NDArrayIter: invalid value for %r (%s): should be an '
                                      'NDArray or numpy.ndarray (%s)'
                                      % (k, type(v).__name__, e)) from None
        out[k] = v
    return sorted(out.items())


class NDArrayIter(DataIter):
    """Iterate over NDArrays/numpy arrays in batches (``mx.io.NDArrayIter``).

    ``last_batch_handle`` decides what happens to the last, incomplete batch:
    ``'pad'`` fills it up from the start of the data (``batch.pad`` counts the
    filler rows), ``'discard'`` drops it, ``'roll_over'`` carries it into the
    first batch of the next epoch.  ``shuffle`` permutes the examples at every
    ``reset()`` with numpy's global random generator, as MXNet does.
    """

    def __init__(self, data, label=None, batch_size=1, shuffle=False, last_batch_handle='pad',
                 data_name='data', label_name='softmax_label', layout='NCHW'):
        super().__init__(batch_size)
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) \
                or batch_size <= 0:
            raise MXNetValueError('NDArrayIter: batch_size must be a positive integer, got %r'
                                  % (batch_size,))
        if last_batch_handle not in _MODES:
            raise MXNetValueError("NDArrayIter: last_batch_handle must be 'pad', 'discard' or "
                                  "'roll_over', got %r" % (last_batch_handle,))
        if not isinstance(layout, str) or 'N' not in layout:
            raise MXNetValueError("NDArrayIter: layout must name the batch axis 'N', got %r"
                                  % (layout,))
        self.data = _init_data(data, allow_empty=False, default_name=data_name)
        self.label = _init_data(label, allow_empty=True, default_name=label_name)
        self.layout = layout
        self._check_shapes()
        self.idx = np.arange(self.data[0][1].shape[0])
        self.shuffle = shuffle
        self.last_batch_handle = last_batch_handle
        self.batch_size = int(batch_size)
        self.cursor = -self.batch_size
        self.num_data = self.idx.shape[0]
        self._cache_data = None
        self._cache_label = None
        self.reset()
        self.data_list = [x[1] for x in self.data] + [x[1] for x in self.label]
        self.num_source = len(self.data_list)

    def _check_shapes(self):
        axis = self.layout.find('N')
        n = self.data[0][1].shape[0] if self.data[0][1].ndim else 0
        for k, v in self.data + self.label:
            if v.ndim <= axis:
                raise MXNetValueError('NDArrayIter: %r has shape %s, which has no batch axis %d '
                                      '(layout %r)' % (k, v.shape, axis, self.layout))
            if v.shape[axis] != n or v.shape[0] != n:
                raise MXNetValueError(
                    'NDArrayIter: all data and labels must hold the same number of examples; '
                    '%r has shape %s but %r has %d examples (layout %r)'
                    % (k, v.shape, self.data[0][0], n, self.layout))

    @property
    def provide_data(self):
        axis = self.layout.find('N')
        return [DataDesc(k, tuple(list(v.shape[:axis]) + [self.batch_size]
                                  + list(v.shape[axis + 1:])), v.dtype, layout=self.layout)
                for k, v in self.data]

    @property
    def provide_label(self):
        axis = self.layout.find('N')
        return [DataDesc(k, tuple(list(v.shape[:axis]) + [self.batch_size]
                                  + list(v.shape[axis + 1:])), v.dtype, layout=self.layout)
                for k, v in self.label]

    def hard_reset(self):
        """Ignore a roll-over batch: the next epoch starts at the first example."""
        if self.shuffle:
            self._shuffle_data()
        self.cursor = -self.batch_size
        self._cache_data = None
        self._cache_label = None

    def reset(self):
        if self.shuffle:
            self._shuffle_data()
        if self.last_batch_handle == 'roll_over' and \
                self.num_data - self.batch_size < self.cursor < self.num_data:
            self.cursor = self.cursor - self.num_data - self.batch_size
        else:
            self.cursor = -self.batch_size

    def iter_next(self):
        self.cursor += self.batch_size
        return self.cursor < self.num_data

    def next(self):
        if not self.iter_next():
            raise StopIteration
        data = self.getdata()
        label = self.getlabel()
        if data[0].shape[self.layout.find('N')] != self.batch_size:
            # an incomplete batch: kept for roll_over, dropped otherwise
            self._cache_data = data
            self._cache_label = label
            raise StopIteration
        return DataBatch(data=data, label=label, pad=self.getpad(), index=None)

    def _getdata(self, source, start=None, end=None):
        start = 0 if start is None else start
        if end is None:
            end = source[0][1].shape[0] if source else 0
        axis = self.layout.find('N')
        out = []
        for _, v in source:
            if end > v.shape[axis] or start < 0:
                raise MXNetError(
                    'NDArrayIter: cannot take examples [%d, %d) of %d; with '
                    "last_batch_handle='roll_over' batch_size (%d) must not exceed twice the "
                    "number of examples; use 'pad' instead"
                    % (start, end, v.shape[axis], self.batch_size))
            sl = [slice(None)] * v.ndim
            sl[axis] = slice(start, end)
            out.append(NDArray(np.ascontiguousarray(v._data[tuple(sl)]), v.context))
        return out

    def _concat(self, first, second):
        if not first or not second:
            return first if first else second
        axis = self.layout.find('N')
        return [NDArray(np.concatenate([a._data, b._data], axis=axis), a.context)
                for a, b in zip(first, second)]

    def _tile(self, data, repeats):
        out = []
        for d in data:
            reps = [1] * d.ndim
            reps[0] = repeats
            out.append(NDArray(np.tile(d._data, reps), d.context))
        return out

    def _batchify(self, source):
        if self.cursor >= self.num_data:
            raise MXNetError('NDArrayIter: the epoch is over; call reset() first')
        bs = self.batch_size
        if self.last_batch_handle == 'roll_over' and -bs < self.cursor < 0:
            if self._cache_data is None and self._cache_label is None:
                raise MXNetError('NDArrayIter: no rolled-over batch is cached; call '
                                 'hard_reset() to start the epoch from the first example')
            # the data call takes the cached data, the label call the cached label
            if self._cache_data is not None:
                cache, self._cache_data = self._cache_data, None
            else:
                cache, self._cache_label = self._cache_label, None
            return self._concat(cache, self._getdata(source, end=self.cursor + bs))
        if self.last_batch_handle == 'pad' and self.cursor + bs > self.num_data:
            pad = bs - self.num_data + self.cursor
            first = self._getdata(source, start=self.cursor)
            if pad > self.num_data:
                second = self._tile(self._getdata(source, end=self.num_data),
                                    pad // self.num_data)
                if pad % self.num_data:
                    second = self._concat(second,
                                          self._getdata(source, end=pad % self.num_data))
            else:
                second = self._getdata(source, end=pad)
            return self._concat(first, second)
        end = min(self.cursor + bs, self.num_data)
        return self._getdata(source, self.cursor, end)

    def getdata(self):
        return self._batchify(self.data)

    def getlabel(self):
        return self._batchify(self.label)

    def getpad(self):
        if self.last_batch_handle == 'pad' and self.cursor + self.batch_size > self.num_data:
            return self.cursor + self.batch_size - self.num_data
        if self.last_batch_handle == 'roll_over' and -self.batch_size < self.cursor < 0:
            return -self.cursor
        return 0

    def _shuffle_data(self):
        np.random.shuffle(self.idx)
        # as MXNet: the (already shuffled) arrays are re-indexed through
        # mx.nd.array, which gives float32 for every source
        self.data = [(k, array(v._data[self.idx], v.context or cpu())) for k, v in self.data]
        self.label = [(k, array(v._data[self.idx], v.context or cpu())) for k, v in self.label]
