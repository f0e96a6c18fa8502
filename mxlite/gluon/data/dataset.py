"""Datasets: indexable collections of samples, with lazy or eager transforms."""
import os


from ...base import MXNetError, must_override

__all__ = ['Dataset', 'SimpleDataset', 'ArrayDataset', 'RecordFileDataset']


class Dataset:
    """Abstract dataset: ``__getitem__(idx)`` and ``__len__()``."""

    def __getitem__(self, idx):
        must_override(self, '__getitem__', 'a Dataset subclass returns sample idx')

    def __len__(self):
        must_override(self, '__len__', 'a Dataset subclass returns its number of samples')

    def filter(self, fn):
        """A dataset of the samples for which ``fn(sample)`` is true."""
        return _SampledDataset(self, [i for i in range(len(self)) if fn(self[i])])

    def shard(self, num_shards, index):
        """The ``index``-th of ``num_shards`` contiguous parts (the first ones one longer)."""
        if not 0 <= index < num_shards:
            raise MXNetError('Shard index of out bound: %d out of %d' % (index, num_shards))
        if num_shards <= 0:
            raise MXNetError('Number of shards must be greater than 0')
        length = len(self)
        shard_len = length // num_shards
        rest = length % num_shards
        start = shard_len * index + min(index, rest)
        end = start + shard_len + (index < rest)
        return _SampledDataset(self, list(range(start, end)))

    def take(self, count):
        """The first ``count`` samples (all with ``None``)."""
        if count is None or count > len(self):
            count = len(self)
        return _SampledDataset(self, list(range(count)))

    def sample(self, sampler):
        """The samples at the indices ``sampler`` yields."""
        return _SampledDataset(self, list(sampler))

    def transform(self, fn, lazy=True):
        """Apply ``fn(*sample)`` to every sample (on access with ``lazy``, else now)."""
        trans = _LazyTransformDataset(self, fn)
        if lazy:
            return trans
        return SimpleDataset([i for i in trans])

    def transform_first(self, fn, lazy=True):
        """Apply ``fn`` to the first element of every sample only (e.g. the image)."""
        return self.transform(_TransformFirstClosure(fn), lazy)


class _TransformFirstClosure:
    """Picklable ``fn`` applied to the first element (workers get it by pickling)."""

    def __init__(self, fn):
        self._fn = fn

    def __call__(self, x, *args):
        if args:
            return (self._fn(x),) + args
        return self._fn(x)


class _SampledDataset(Dataset):
    def __init__(self, dataset, indices):
        self._dataset = dataset
        self._indices = indices

    def __len__(self):
        return len(self._indices)

    def __getitem__(self, idx):
        return self._dataset[self._indices[idx]]


class SimpleDataset(Dataset):
    """A dataset over any sequence (list, numpy array, ...)."""

    def __init__(self, data):
        self._data = data

    def __len__(self):
        return len(self._data)

    def __getitem__(self, idx):
        return self._data[idx]


class _LazyTransformDataset(Dataset):
    def __init__(self, data, fn):
        self._data = data
        self._fn = fn

    def __len__(self):
        return len(self._data)

    def __getitem__(self, idx):
        item = self._data[idx]
        if isinstance(item, tuple):
            return self._fn(*item)
        return self._fn(item)


class ArrayDataset(Dataset):
    """Zips arrays of equal length: sample ``i`` is ``(a[i], b[i], ...)`` (``a[i]`` for one)."""

    def __init__(self, *args):
        from ...ndarray.ndarray import NDArray
        if not args:
            raise MXNetError('Needs at least 1 arrays')
        self._length = len(args[0])
        self._data = []
        for i, data in enumerate(args):
            if len(data) != self._length:
                raise MXNetError('All arrays must have the same length; array[0] has length %d '
                                 'while array[%d] has %d.' % (self._length, i + 1, len(data)))
            if isinstance(data, NDArray) and len(data.shape) == 1:
                data = data.asnumpy()
            self._data.append(data)

    def __getitem__(self, idx):
        if len(self._data) == 1:
            return self._data[0][idx]
        return tuple(data[idx] for data in self._data)

    def __len__(self):
        return self._length


class RecordFileDataset(Dataset):
    """The raw records of a RecordIO file ``filename`` (with its ``.idx`` index beside it)."""

    def __init__(self, filename):
        self.idx_file = os.path.splitext(filename)[0] + '.idx'
        self.filename = filename
        if not os.path.exists(filename):
            raise MXNetError('RecordFileDataset: %s does not exist' % filename)
        if not os.path.exists(self.idx_file):
            raise MXNetError('RecordFileDataset: the index %s does not exist (tools/im2rec.py '
                             'writes it next to the .rec file)' % self.idx_file)
        self._open()

    def _open(self):
        from ... import recordio
        self._record = recordio.MXIndexedRecordIO(self.idx_file, self.filename, 'r')
        self._pid = os.getpid()

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop('_record', None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self._open()

    def __getitem__(self, idx):
        if self._pid != os.getpid():      # a forked worker opens its own file handle
            self._open()
        return self._record.read_idx(self._record.keys[idx])

    def __len__(self):
        return len(self._record.keys)


