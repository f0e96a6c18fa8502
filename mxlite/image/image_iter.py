"""ImageIter: a flexible Python image iterator over .rec files or image lists."""
import logging
import os
import random

import numpy as np

from ..base import MXNetError, MXNetValueError, numeric_types
from .. import recordio
from ..context import cpu
from ..io.base import DataBatch, DataDesc, DataIter
from ..ndarray import NDArray, array
from .augmenters import CreateAugmenter
from .image import imdecode

__all__ = ['ImageIter']


class ImageIter(DataIter):
    """Image data iterator with a Python augmenter list (``mx.image.ImageIter``).

    Reads from a RecordIO file (``path_imgrec``, optionally indexed with
    ``path_imgidx``), from a ``.lst`` list (``path_imglist`` + ``path_root``)
    or from ``imglist`` (``[[label, path], ...]``).  Images are decoded to
    RGB, run through ``aug_list`` (default: ``CreateAugmenter(data_shape,
    **kwargs)``) and batched as float32 NCHW.  ``shuffle`` uses Python's
    ``random``; ``last_batch_handle`` is 'pad', 'discard' or 'roll_over'.
    """

    def __init__(self, batch_size, data_shape, label_width=1, path_imgrec=None,
                 path_imglist=None, path_root=None, path_imgidx=None, shuffle=False,
                 part_index=0, num_parts=1, aug_list=None, imglist=None, data_name='data',
                 label_name='softmax_label', dtype='float32', last_batch_handle='pad',
                 **kwargs):
        super().__init__()
        if not (path_imgrec or path_imglist or isinstance(imglist, list)):
            raise MXNetValueError('ImageIter: give path_imgrec, path_imglist or imglist')
        if dtype not in ('int32', 'float32', 'int64', 'float64'):
            raise MXNetValueError('ImageIter: label dtype %r not supported; use int32, float32, '
                                  'int64 or float64' % (dtype,))
        if last_batch_handle not in ('pad', 'discard', 'roll_over'):
            raise MXNetValueError("ImageIter: last_batch_handle must be 'pad', 'discard' or "
                                  "'roll_over', got %r" % (last_batch_handle,))
        if not isinstance(batch_size, (int, np.integer)) or batch_size <= 0:
            raise MXNetValueError('ImageIter: batch_size must be a positive integer, got %r'
                                  % (batch_size,))
        class_name = self.__class__.__name__
        if path_imgrec:
            logging.info('%s: loading recordio %s...', class_name, path_imgrec)
            if path_imgidx:
                self.imgrec = recordio.MXIndexedRecordIO(path_imgidx, path_imgrec, 'r')
                self.imgidx = list(self.imgrec.keys)
            else:
                self.imgrec = recordio.MXRecordIO(path_imgrec, 'r')
                self.imgidx = None
        else:
            self.imgrec = None

        imgkeys = []
        if path_imglist:
            logging.info('%s: loading image list %s...', class_name, path_imglist)
            self.imglist = self._read_list(path_imglist, dtype, imgkeys)
        elif isinstance(imglist, list):
            logging.info('%s: loading image list...', class_name)
            result = {}
            for index, img in enumerate(imglist, 1):
                key = str(index)
                if len(img) > 2:
                    label = array(img[:-1], dtype=dtype)
                elif isinstance(img[0], numeric_types):
                    label = array([img[0]], dtype=dtype)
                else:
                    label = array(img[0], dtype=dtype)
                result[key] = (label, img[-1])
                imgkeys.append(key)
            self.imglist = result
        else:
            self.imglist = None
        self.path_root = path_root

        data_shape = tuple(data_shape)
        self.check_data_shape(data_shape)
        self.provide_data = [DataDesc(data_name, (batch_size,) + data_shape)]
        if label_width > 1:
            self.provide_label = [DataDesc(label_name, (batch_size, label_width))]
        else:
            self.provide_label = [DataDesc(label_name, (batch_size,))]
        self.batch_size = batch_size
        self.data_shape = data_shape
        self.label_width = label_width
        self.shuffle = shuffle
        if self.imgrec is None:
            self.seq = imgkeys
        elif shuffle or num_parts > 1 or path_imgidx:
            if self.imgidx is None:
                raise MXNetValueError('ImageIter: shuffle=True or num_parts > 1 with a .rec file '
                                      'needs its index: pass path_imgidx')
            self.seq = self.imgidx
        else:
            self.seq = None
        if num_parts > 1:
            if not 0 <= part_index < num_parts:
                raise MXNetValueError('ImageIter: part_index %d must be in [0, num_parts=%d)'
                                      % (part_index, num_parts))
            n = len(self.seq) // num_parts
            self.seq = self.seq[part_index * n:(part_index + 1) * n]
        self.auglist = CreateAugmenter(data_shape, **kwargs) if aug_list is None else aug_list
        self.cur = 0
        self._allow_read = True
        self.last_batch_handle = last_batch_handle
        self.num_image = len(self.seq) if self.seq is not None else None
        self._cache_data = None
        self._cache_label = None
        self._cache_idx = None
        self.reset()

    @staticmethod
    def _read_list(path_imglist, dtype, imgkeys):
        imglist = {}
        try:
            fin = open(path_imglist, 'rb')
        except OSError as e:
            raise MXNetError('ImageIter: cannot read image list %s: %s'
                             % (path_imglist, e.strerror or e)) from None
        with fin:
            for lineno, raw in enumerate(fin, 1):
                try:
                    line = raw.decode('utf-8')
                except UnicodeDecodeError:
                    raise MXNetValueError('%s line %d: not UTF-8 text'
                                          % (path_imglist, lineno)) from None
                parts = line.strip().split('\t')
                if parts == ['']:
                    continue
                if len(parts) < 3:
                    raise MXNetValueError('%s line %d: expected "index<TAB>label(s)<TAB>path", '
                                          'got %.80r' % (path_imglist, lineno, line.rstrip('\n')))
                try:
                    label = array(np.array(parts[1:-1], dtype=np.float64), dtype=dtype)
                    key = int(parts[0])
                except (ValueError, MXNetError):
                    raise MXNetValueError('%s line %d: bad index or label in %.80r'
                                          % (path_imglist, lineno, line.rstrip('\n'))) from None
                imglist[key] = (label, parts[-1])
                imgkeys.append(key)
        return imglist

    def reset(self):
        """Shuffle (if asked) and rewind; a rolled-over batch is kept for roll_over."""
        if self.seq is not None and self.shuffle:
            random.shuffle(self.seq)
        if self.last_batch_handle != 'roll_over' or self._cache_data is None:
            if self.imgrec is not None:
                self.imgrec.reset()
            self.cur = 0
            self._allow_read = True

    def hard_reset(self):
        """Rewind and drop any rolled-over batch."""
        if self.seq is not None and self.shuffle:
            random.shuffle(self.seq)
        if self.imgrec is not None:
            self.imgrec.reset()
        self.cur = 0
        self._allow_read = True
        self._cache_data = None
        self._cache_label = None
        self._cache_idx = None

    def next_sample(self):
        """(label, encoded image bytes) of the next example; StopIteration at the end."""
        if self._allow_read is False:
            raise StopIteration
        if self.seq is not None:
            if self.cur < self.num_image:
                idx = self.seq[self.cur]
            else:
                if self.last_batch_handle != 'discard':
                    self.cur = 0
                raise StopIteration
            self.cur += 1
            if self.imgrec is not None:
                s = self.imgrec.read_idx(idx)
                header, img = recordio.unpack(s)
                if self.imglist is None:
                    return header.label, img
                return self.imglist[idx][0], img
            label, fname = self.imglist[idx]
            return label, self.read_image(fname)
        s = self.imgrec.read()
        if s is None:
            if self.last_batch_handle != 'discard':
                self.imgrec.reset()
            raise StopIteration
        header, img = recordio.unpack(s)
        return header.label, img

    def _set_label(self, batch_label, i, label):
        lab = label.asnumpy() if isinstance(label, NDArray) else np.asarray(label, np.float32)
        lab = lab.reshape(-1)
        if lab.size != self.label_width:
            raise MXNetValueError('ImageIter: an example has %d label(s) but label_width is %d'
                                  % (lab.size, self.label_width))
        batch_label._data[i] = lab[0] if self.label_width == 1 else lab

    def _batchify(self, batch_data, batch_label, start=0):
        i = start
        try:
            while i < self.batch_size:
                label, s = self.next_sample()
                data = self.imdecode(s)
                try:
                    self.check_valid_image(data)
                except RuntimeError as e:
                    logging.debug('Invalid image, skipping:  %s', str(e))
                    continue
                data = self.augmentation_transform(data)
                datum = self.postprocess_data(data)
                if tuple(datum.shape) != self.data_shape:
                    raise MXNetValueError(
                        'ImageIter: an augmented image has shape %s but data_shape is %s; the '
                        'augmenters must crop or resize to data_shape'
                        % (tuple(datum.shape), self.data_shape))
                batch_data._data[i] = datum.asnumpy() if isinstance(datum, NDArray) else datum
                self._set_label(batch_label, i, label)
                i += 1
        except StopIteration:
            if not i:
                raise
        return i

    def next(self):
        """The next DataBatch (pad counts the filler examples of the last batch)."""
        batch_size = self.batch_size
        c, h, w = self.data_shape
        if self._cache_data is not None:
            batch_data, batch_label, i = self._cache_data, self._cache_label, self._cache_idx
        else:
            batch_data = NDArray(np.zeros((batch_size, c, h, w), np.float32), cpu())
            batch_label = NDArray(np.zeros(self.provide_label[0][1], np.float32), cpu())
            i = self._batchify(batch_data, batch_label)
        pad = batch_size - i
        if pad != 0:
            if self.last_batch_handle == 'discard':
                raise StopIteration
            if self.last_batch_handle == 'roll_over' and self._cache_data is None:
                self._cache_data = batch_data
                self._cache_label = batch_label
                self._cache_idx = i
                raise StopIteration
            self._batchify(batch_data, batch_label, i)
            if self.last_batch_handle == 'pad':
                self._allow_read = False
            else:
                self._cache_data = None
                self._cache_label = None
                self._cache_idx = None
        return DataBatch([batch_data], [batch_label], pad=pad)

    def check_data_shape(self, data_shape):
        """data_shape must be (3, height, width)."""
        if not len(data_shape) == 3:
            raise MXNetValueError('data_shape should have length 3, with dimensions CxHxW')
        if not data_shape[0] == 3:
            raise MXNetValueError('This iterator expects inputs to have 3 channels.')

    def check_valid_image(self, data):
        """Raise RuntimeError for an image to skip."""
        if len(data[0].shape) == 0:
            raise RuntimeError('Data shape is wrong')

    def imdecode(self, s):
        """Decode image bytes; a broken image raises naming its file or index."""
        try:
            return imdecode(s)
        except MXNetError as e:
            if self.seq is not None and self.num_image:
                idx = self.seq[(self.cur % self.num_image) - 1]
            else:
                idx = self.cur - 1
            if self.imglist is not None and idx in self.imglist:
                where = 'filename: {}'.format(self.imglist[idx][1])
            else:
                where = 'index: {}'.format(idx)
            raise MXNetError('Broken image {}, {}'.format(where, e)) from None

    def read_image(self, fname):
        """Bytes of image ``fname`` under ``path_root``."""
        path = os.path.join(self.path_root or '', fname)
        try:
            with open(path, 'rb') as fin:
                return fin.read()
        except OSError as e:
            raise MXNetError('ImageIter: cannot read image %s: %s' % (path, e.strerror or e)) \
                from None

    def augmentation_transform(self, data):
        """Run the augmenter list."""
        for aug in self.auglist:
            data = aug(data)
        return data

    def postprocess_data(self, datum):
        """HWC -> CHW."""
        return NDArray(np.ascontiguousarray(datum._data.transpose(2, 0, 1)), datum.context)
