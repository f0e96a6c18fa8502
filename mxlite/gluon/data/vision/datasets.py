"""Image datasets: MNIST, FashionMNIST, CIFAR10/100 (standard files), folders, .rec and lists.

The standard datasets read their usual files from ``root`` (default
``~/.mxnet/datasets/<name>``).  A missing file is fetched only with
``download=True`` (and a network); otherwise the error says which file to
put where.
"""
import gzip
import os
import struct
import warnings

import numpy as np

from ....base import MXNetError
from ..dataset import Dataset, RecordFileDataset

__all__ = ['MNIST', 'FashionMNIST', 'CIFAR10', 'CIFAR100', 'ImageFolderDataset',
           'ImageRecordDataset', 'ImageListDataset']

_REPO = 'https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/gluon/dataset/'


def _data_dir():
    return os.environ.get('MXNET_HOME', os.path.join('~', '.mxnet'))


def _default_root(name):
    return os.path.join(_data_dir(), 'datasets', name)


class _DownloadedDataset(Dataset):
    """Holds ``_data`` (NDArray N x H x W x C, uint8) and ``_label`` (int32 numpy)."""

    def __init__(self, root, transform, download):
        super().__init__()
        self._transform = transform
        self._download = download
        self._data = None
        self._label = None
        self._root = os.path.expanduser(root)
        self._get_data()

    def _locate(self, names, url):
        """The path of the first of ``names`` found in root, downloading ``names[0]`` if asked."""
        for name in names:
            path = os.path.join(self._root, name)
            if os.path.exists(path):
                return path
        if self._download:
            from ...utils import download
            os.makedirs(self._root, exist_ok=True)
            return download(url, path=os.path.join(self._root, names[0]))
        raise MXNetError('%s: %s not found. Put the file %s (from %s) at %s, or pass '
                         'download=True where a network is available'
                         % (type(self).__name__, os.path.join(self._root, names[0]), names[0], url,
                            os.path.join(self._root, names[0])))

    def __getitem__(self, idx):
        if self._transform is not None:
            return self._transform(self._data[idx], self._label[idx])
        return self._data[idx], self._label[idx]

    def __len__(self):
        return len(self._label)


def _read_idx_file(path):
    opener = gzip.open if path.endswith('.gz') else open
    with opener(path, 'rb') as f:
        magic = struct.unpack('>I', f.read(4))[0]
        ndim = magic & 0xff
        dims = struct.unpack('>' + 'I' * ndim, f.read(4 * ndim))
        data = np.frombuffer(f.read(), dtype=np.uint8)
    if (magic >> 8) != 0x08 or data.size != int(np.prod(dims)):
        raise MXNetError('%s is not a valid uint8 IDX file' % path)
    return data.reshape(dims)


class MNIST(_DownloadedDataset):
    """MNIST handwritten digits: (28, 28, 1) uint8 images, int32 labels."""

    _name = 'mnist'
    _url = _REPO + 'mnist/'
    _train = ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz')
    _test = ('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz')

    def __init__(self, root=None, train=True, transform=None, download=False):
        self._train_flag = train
        super().__init__(root or _default_root(self._name), transform, download)

    def _get_data(self):
        from .... import ndarray as nd
        files = self._train if self._train_flag else self._test
        paths = [self._locate([f, f[:-3]], self._url + f) for f in files]
        data = _read_idx_file(paths[0])
        label = _read_idx_file(paths[1])
        self._data = nd.array(data.reshape(data.shape[0], 28, 28, 1), dtype=np.uint8)
        self._label = label.astype(np.int32)


class FashionMNIST(MNIST):
    """Fashion-MNIST: the MNIST file layout with clothing images."""

    _name = 'fashion-mnist'
    _url = _REPO + 'fashion-mnist/'


class CIFAR10(_DownloadedDataset):
    """CIFAR-10: (32, 32, 3) uint8 images, int32 labels, from the binary version's files."""

    _name = 'cifar10'
    _archive = 'cifar-10-binary.tar.gz'
    _folder = 'cifar-10-batches-bin'
    _label_bytes = 1

    def __init__(self, root=None, train=True, transform=None, download=False):
        self._train_flag = train
        super().__init__(root or _default_root(self._name), transform, download)

    def _files(self):
        if self._train_flag:
            return ['data_batch_%d.bin' % i for i in range(1, 6)]
        return ['test_batch.bin']

    def _label_index(self):
        return 0

    def _get_data(self):
        from .... import ndarray as nd
        folder = os.path.join(self._root, self._folder)
        files = [os.path.join(folder, f) for f in self._files()]
        if not all(os.path.exists(f) for f in files):
            if not self._download:
                missing = [f for f in files if not os.path.exists(f)]
                raise MXNetError('%s: %s not found. Extract %s (from %s) into %s so that %s '
                                 'exists, or pass download=True where a network is available'
                                 % (type(self).__name__, missing[0], self._archive,
                                    _REPO + self._name + '/' + self._archive, self._root, folder))
            import tarfile
            from ...utils import download
            os.makedirs(self._root, exist_ok=True)
            archive = download(_REPO + self._name + '/' + self._archive,
                               path=os.path.join(self._root, self._archive))
            with tarfile.open(archive) as tar:
                tar.extractall(self._root)
        rec = self._label_bytes + 3072
        data, label = [], []
        for f in files:
            raw = np.fromfile(f, dtype=np.uint8)
            if raw.size % rec:
                raise MXNetError('%s: %s is not a CIFAR binary file' % (type(self).__name__, f))
            raw = raw.reshape(-1, rec)
            label.append(raw[:, self._label_index()])
            data.append(raw[:, self._label_bytes:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1))
        self._data = nd.array(np.concatenate(data), dtype=np.uint8)
        self._label = np.concatenate(label).astype(np.int32)


class CIFAR100(CIFAR10):
    """CIFAR-100: coarse (20) or ``fine_label`` (100) classes."""

    _name = 'cifar100'
    _archive = 'cifar-100-binary.tar.gz'
    _folder = 'cifar-100-binary'
    _label_bytes = 2

    def __init__(self, root=None, fine_label=False, train=True, transform=None, download=False):
        self._fine_label = fine_label
        super().__init__(root, train, transform, download)

    def _files(self):
        return ['train.bin' if self._train_flag else 'test.bin']

    def _label_index(self):
        return 1 if self._fine_label else 0


class ImageRecordDataset(RecordFileDataset):
    """Images and labels packed in a RecordIO file (``tools/im2rec.py``)."""

    def __init__(self, filename, flag=1, transform=None):
        super().__init__(filename)
        self._flag = flag
        self._transform = transform

    def __getitem__(self, idx):
        from .... import image, recordio
        record = super().__getitem__(idx)
        header, img = recordio.unpack(record)
        img = image.imdecode(img, self._flag)
        if self._transform is not None:
            return self._transform(img, header.label)
        return img, header.label


_IMG_EXTS = ('.jpg', '.jpeg', '.png')


class ImageFolderDataset(Dataset):
    """Images in ``root/<class name>/*.{jpg,jpeg,png}``; labels index the sorted class names.

    ``synsets`` lists the class names; ``items`` the (path, label) pairs.
    """

    def __init__(self, root, flag=1, transform=None):
        self._root = os.path.expanduser(root)
        self._flag = flag
        self._transform = transform
        self._exts = list(_IMG_EXTS)
        self._list_images(self._root)

    def _list_images(self, root):
        if not os.path.isdir(root):
            raise MXNetError('ImageFolderDataset: %s is not a folder' % root)
        self.synsets = []
        self.items = []
        for folder in sorted(os.listdir(root)):
            path = os.path.join(root, folder)
            if not os.path.isdir(path):
                warnings.warn('Ignoring %s, which is not a directory.' % path, stacklevel=3)
                continue
            label = len(self.synsets)
            self.synsets.append(folder)
            for filename in sorted(os.listdir(path)):
                filename = os.path.join(path, filename)
                ext = os.path.splitext(filename)[1]
                if ext.lower() not in self._exts:
                    warnings.warn('Ignoring %s of type %s. Only support %s'
                                  % (filename, ext, ', '.join(self._exts)))
                    continue
                self.items.append((filename, label))

    def __getitem__(self, idx):
        from .... import image
        img = image.imread(self.items[idx][0], self._flag)
        label = self.items[idx][1]
        if self._transform is not None:
            return self._transform(img, label)
        return img, label

    def __len__(self):
        return len(self.items)


class ImageListDataset(Dataset):
    """Images listed in a ``.lst`` file (index, label(s), path) or a list of (label, path)."""

    def __init__(self, root='.', imglist=None, flag=1):
        self._root = os.path.expanduser(root)
        self._flag = flag
        self.items = []
        if imglist is None:
            raise MXNetError('ImageListDataset: give imglist (a .lst file or a list)')
        if isinstance(imglist, str):
            with open(os.path.expanduser(imglist)) as fin:
                for line in fin:
                    parts = line.strip().split('\t')
                    if len(parts) < 3:
                        continue
                    label = np.array(parts[1:-1], dtype=np.float32)
                    self.items.append((parts[-1], label[0] if label.size == 1 else label))
        else:
            for item in imglist:
                if len(item) < 2:
                    raise MXNetError('ImageListDataset: each entry needs a label and a path, got '
                                     '%r' % (item,))
                label = np.array(item[:-1], dtype=np.float32).ravel()
                self.items.append((item[-1], label[0] if label.size == 1 else label))

    def __getitem__(self, idx):
        from .... import image
        path, label = self.items[idx]
        return image.imread(os.path.join(self._root, path), self._flag), label

    def __len__(self):
        return len(self.items)
