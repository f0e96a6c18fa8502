"""CSVIter and MNISTIter (and LibSVMIter, which needs sparse arrays mxlite lacks).

Both follow MXNet's C++ iterators: CSVIter batches rows with MXNet's
BatchLoader rules (``round_batch`` wraps the last batch around to the first
rows and the next epoch continues behind them; without it the filler rows
keep the previous batch's values and ``pad`` counts them); MNISTIter yields
full batches only, shuffled once with MXNet's exact generator.
"""
import gzip
import os
import struct

import numpy as np

from ..base import MXNetError
from ..context import cpu
from ..ndarray import NDArray
from .base import DataBatch, DataDesc, DataIter
from .record_params import _convert, _bad
from .std_random import MT19937, std_shuffle

__all__ = ['CSVIter', 'MNISTIter', 'LibSVMIter']


def _params(it, spec, kwargs, args):
    if args:
        raise MXNetError('%s can only accept keyword arguments' % it)
    out = {}
    for name, (kind, default) in spec.items():
        out[name] = default
    for name, v in kwargs.items():
        if name not in spec:
            import warnings
            warnings.warn('%s: ignoring unknown parameter %r (MXNet ignores it too)' % (it, name),
                          stacklevel=3)
            continue
        out[name] = _convert(it, name, spec[name][0], v)
    for name, value in out.items():
        if value is _REQUIRED:
            raise MXNetError('%s: required parameter %s is missing' % (it, name))
    return out


_REQUIRED = object()

_CSV_PARAMS = {
    'data_csv': ('str', _REQUIRED), 'data_shape': ('shape', _REQUIRED),
    'label_csv': ('str', 'NULL'), 'label_shape': ('shape', (1,)),
    'batch_size': ('int', _REQUIRED), 'round_batch': ('bool', True),
    'prefetch_buffer': ('int', 4), 'ctx': ('enum:cpu,gpu', 'gpu'), 'dtype': ('str', 'float32'),
    'data_name': ('str', 'data'), 'label_name': ('str', 'softmax_label'),
}


def _csv_files(path):
    if os.path.isdir(path):
        files = sorted(os.path.join(path, f) for f in os.listdir(path)
                       if os.path.isfile(os.path.join(path, f)))
        if not files:
            raise MXNetError('CSVIter: folder %s holds no files' % path)
        return files
    if not os.path.exists(path):
        raise MXNetError('CSVIter: cannot open %s: No such file or directory' % path)
    return [path]


def _parse_value(text, dtype):
    if np.issubdtype(dtype, np.integer):
        try:
            return int(text)
        except ValueError:
            return int(float(text))
    return float(text)


def read_csv(path, row_size, dtype, what):
    """All rows of a CSV file (or folder of files) as an (n, row_size) array."""
    rows = []
    for fname in _csv_files(path):
        with open(fname) as f:
            for lineno, line in enumerate(f, 1):
                line = line.strip()
                if not line:
                    continue
                fields = [x for x in line.split(',')]
                if fields and fields[-1].strip() == '':
                    fields = fields[:-1]
                try:
                    vals = [_parse_value(x.strip(), dtype) for x in fields]
                except ValueError:
                    raise MXNetError('CSVIter: %s line %d: %r is not a row of numbers'
                                     % (fname, lineno, line[:80])) from None
                if len(vals) != row_size:
                    raise MXNetError('CSVIter: the data size in CSV do not match size of shape: '
                                     '%s line %d has %d values but %s needs %d'
                                     % (fname, lineno, len(vals), what, row_size))
                rows.append(vals)
    return np.array(rows, dtype=dtype).reshape(len(rows), row_size)


class _BatchLoaderIter(DataIter):
    """MXNet's BatchLoader over in-memory examples ``self._data``/``self._label``."""

    def _setup_loader(self, batch_size, round_batch):
        self.batch_size = batch_size
        self._round = round_batch
        self._pos = 0
        self._num_overflow = 0
        self._buf_data = np.zeros((batch_size,) + self._data.shape[1:], self._data.dtype)
        self._buf_label = np.zeros((batch_size,) + self._label.shape[1:], self._label.dtype)
        self._current = None

    def reset(self):
        if not self._round or self._num_overflow == 0:
            self._pos = 0
        else:
            self._num_overflow = 0

    def _next_inst(self):
        if self._pos >= len(self._data):
            return None
        self._pos += 1
        return self._pos - 1

    def next(self):
        if self._num_overflow != 0:
            raise StopIteration
        bs = self.batch_size
        top = 0
        pad = 0
        while top < bs:
            i = self._next_inst()
            if i is None:
                break
            self._buf_data[top] = self._data[i]
            self._buf_label[top] = self._label[i]
            top += 1
        if top == 0:
            raise StopIteration
        if top < bs:
            if self._round:
                self._pos = 0
                while top < bs:
                    i = self._next_inst()
                    if i is None:
                        raise MXNetError('%s: number of input must be bigger than batch size '
                                         '(%d examples, batch_size %d)'
                                         % (self.__class__.__name__, len(self._data), bs))
                    self._buf_data[top] = self._data[i]
                    self._buf_label[top] = self._label[i]
                    top += 1
                    self._num_overflow += 1
                pad = self._num_overflow
            else:
                pad = bs - top
        label = self._buf_label.reshape(bs) if self._buf_label[0].size == 1 and \
            self._label_1d else self._buf_label
        self._current = DataBatch([NDArray(self._buf_data.copy(), cpu())],
                                  [NDArray(label.copy(), cpu())], pad=pad,
                                  index=np.zeros(bs, np.uint64))
        return self._current

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

    def getpad(self):
        return self._current.pad

    def getindex(self):
        return self._current.index


class CSVIter(_BatchLoaderIter):
    """Batches of rows of a CSV file (``mx.io.CSVIter``).

    ``data_shape`` is the shape of one row; labels come from ``label_csv``
    (shape ``label_shape``) or are all 0.  ``dtype`` is float32 (default),
    int32 or int64.
    """

    def __init__(self, *args, **kwargs):
        super().__init__()
        p = _params('CSVIter', _CSV_PARAMS, kwargs, args)
        if p['dtype'] not in ('float32', 'int32', 'int64'):
            raise MXNetError('CSVIter: %s is not supported for CSVIter; use float32, int32 or '
                             'int64' % p['dtype'])
        if p['batch_size'] <= 0:
            raise _bad('CSVIter', 'batch_size', p['batch_size'], 'a positive integer')
        dtype = np.dtype(p['dtype'])
        dshape = tuple(p['data_shape'])
        lshape = tuple(p['label_shape'])
        self._data = read_csv(p['data_csv'], int(np.prod(dshape)), dtype, 'data_shape %s'
                              % (dshape,)).reshape((-1,) + dshape)
        if p['label_csv'] != 'NULL':
            label = read_csv(p['label_csv'], int(np.prod(lshape)), dtype, 'label_shape %s'
                             % (lshape,)).reshape((-1,) + lshape)
            if len(label) < len(self._data):
                raise MXNetError("CSVIter: Data CSV's row is smaller than the number of rows in "
                                 'label_csv: %s has %d rows, %s has %d'
                                 % (p['data_csv'], len(self._data), p['label_csv'], len(label)))
            self._label = label
        else:
            self._label = np.zeros((len(self._data), 1), dtype)
        self._label_1d = self._label.shape[1:] == (1,) or self._label.ndim == 1
        if len(self._data) == 0:
            raise MXNetError('CSVIter: %s holds no rows' % p['data_csv'])
        self._setup_loader(p['batch_size'], p['round_batch'])
        bs = p['batch_size']
        self.provide_data = [DataDesc(p['data_name'], (bs,) + dshape, dtype.type)]
        lab = (bs,) if self._label_1d else (bs,) + self._label.shape[1:]
        self.provide_label = [DataDesc(p['label_name'], lab, dtype.type)]


_MNIST_PARAMS = {
    'image': ('str', './train-images-idx3-ubyte'), 'label': ('str', './train-labels-idx1-ubyte'),
    'batch_size': ('int', 128), 'shuffle': ('bool', True), 'flat': ('bool', False),
    'seed': ('int', 0), 'silent': ('bool', False), 'num_parts': ('int', 1),
    'part_index': ('int', 0), 'prefetch_buffer': ('int', 4), 'ctx': ('enum:cpu,gpu', 'gpu'),
    'dtype': ('str', 'None'), 'data_name': ('str', 'data'),
    'label_name': ('str', 'softmax_label'),
}


def _read_idx(path, magic, what):
    try:
        with open(path, 'rb') as f:
            raw = f.read()
    except OSError as e:
        raise MXNetError('MNISTIter: cannot open %s file %s: %s' % (what, path, e.strerror or e)) \
            from None
    if raw[:2] == b'\x1f\x8b':
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as e:
            raise MXNetError('MNISTIter: %s is a corrupt gzip file: %s' % (path, e)) from None
    ndim = 3 if magic == 2051 else 1
    head = 4 * (ndim + 1)
    if len(raw) < head:
        raise MXNetError('MNISTIter: invalid mnist format: %s has %d bytes, less than its %d-byte '
                         'header' % (path, len(raw), head))
    vals = struct.unpack('>%dI' % (ndim + 1), raw[:head])
    if vals[0] != magic:
        raise MXNetError('MNISTIter: %s is not an MNIST %s file: magic number %d at byte 0, '
                         'expected %d' % (path, what, vals[0], magic))
    dims = vals[1:]
    n = int(np.prod(dims))
    if len(raw) - head < n:
        raise MXNetError('MNISTIter: %s is truncated: the header promises %d bytes of %s data '
                         'from byte %d, the file has %d' % (path, n, what, head, len(raw) - head))
    return np.frombuffer(raw, np.uint8, n, head).reshape(dims)


class MNISTIter(DataIter):
    """Batches of MNIST images from idx (or idx.gz) files (``mx.io.MNISTIter``).

    Pixels are scaled to [0, 1) (value / 256); images are (1, rows, cols),
    or flat with ``flat=True``.  ``shuffle`` (default True) permutes once,
    with MXNet's generator and ``seed``; only full batches are returned.
    """

    def __init__(self, *args, **kwargs):
        super().__init__()
        p = _params('MNISTIter', _MNIST_PARAMS, kwargs, args)
        if p['batch_size'] < 1:
            raise _bad('MNISTIter', 'batch_size', p['batch_size'], 'at least 1')
        if not (p['num_parts'] > 0 and 0 <= p['part_index'] < p['num_parts']):
            raise MXNetError('MNISTIter: part_index=%d must be in [0, num_parts=%d)'
                             % (p['part_index'], p['num_parts']))
        img = _read_idx(p['image'], 2051, 'image')
        lab = _read_idx(p['label'], 2049, 'label')
        start, end = self._part(len(img), p)
        img = img[start:end]
        lstart, lend = self._part(len(lab), p)
        lab = lab[lstart:lend]
        if len(lab) < len(img):
            raise MXNetError('MNISTIter: %s has %d labels for %d images in %s'
                             % (p['label'], len(lab), len(img), p['image']))
        data = img.astype(np.float32) * np.float32(1.0 / 256.0)
        labels = lab.astype(np.float32)
        if p['shuffle']:
            perm = std_shuffle(len(labels), MT19937(p['seed']))
            data = data[perm]
            labels = labels[perm]
        n, rows, cols = data.shape
        self._data = data.reshape(n, rows * cols) if p['flat'] else data.reshape(n, 1, rows, cols)
        self._labels = labels[:n]
        self.batch_size = p['batch_size']
        self._loc = 0
        self._current = None
        shape = self._data.shape[1:]
        self.provide_data = [DataDesc(p['data_name'], (self.batch_size,) + shape, np.float32)]
        self.provide_label = [DataDesc(p['label_name'], (self.batch_size,), np.float32)]
        if not p['silent']:
            import logging
            logging.info('MNISTIter: load %d images, shuffle=%d, shape=%s', n, p['shuffle'],
                         (self.batch_size,) + shape)

    @staticmethod
    def _part(count, p):
        start = int(float(count) / p['num_parts'] * p['part_index'])
        end = int(float(count) / p['num_parts'] * (p['part_index'] + 1))
        return start, end

    def reset(self):
        self._loc = 0

    def next(self):
        bs = self.batch_size
        if self._loc + bs > len(self._data):
            raise StopIteration
        sl = slice(self._loc, self._loc + bs)
        self._loc += bs
        self._current = DataBatch([NDArray(self._data[sl].copy(), cpu())],
                                  [NDArray(self._labels[sl].copy(), cpu())], pad=0,
                                  index=np.zeros(bs, np.uint64))
        return self._current

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

    def getpad(self):
        return 0

    def getindex(self):
        return self._current.index


class LibSVMIter(DataIter):
    """MXNet's LibSVMIter returns CSR sparse NDArrays, which mxlite does not have."""

    def __init__(self, *args, **kwargs):
        super().__init__()
        raise MXNetError('LibSVMIter is not supported by mxlite: it yields CSR sparse NDArrays '
                         'and mxlite only has dense arrays. Load the data with e.g. '
                         'sklearn.datasets.load_svmlight_file, densify it and use '
                         'mx.io.NDArrayIter instead.')
