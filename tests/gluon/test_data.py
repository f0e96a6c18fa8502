"""gluon.data: datasets, samplers, DataLoader (workers), vision datasets; expected values
are MXNet 1.9.1's for the same calls."""
import gzip
import os
import struct
import time

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.gluon.data import (ArrayDataset, BatchSampler, DataLoader, RandomSampler,
                               RecordFileDataset, SequentialSampler, SimpleDataset)
from mxlite.gluon.data import vision


def test_dataset_methods():
    d = SimpleDataset(list(range(10)))
    assert [list(d.shard(3, i)) for i in range(3)] == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert list(d.take(3)) == [0, 1, 2]
    assert list(d.filter(lambda x: x % 3 == 0)) == [0, 3, 6, 9]
    assert list(d.sample(SequentialSampler(3, start=2))) == [2, 3, 4]
    lazy = d.transform(lambda x: x * 2)
    assert lazy[4] == 8 and len(lazy) == 10
    eager = d.transform(lambda x: x + 1, lazy=False)
    assert isinstance(eager, SimpleDataset) and eager[0] == 1


def test_array_dataset_and_transform_first():
    a = ArrayDataset(mx.nd.arange(4), [1, 2, 3, 4])
    x, y = a[0]
    assert isinstance(x, np.float32) and y == 1
    with pytest.raises(MXNetError, match='same length'):
        ArrayDataset(np.ones(3), np.ones(4))
    t = ArrayDataset(np.arange(6).reshape(3, 2), np.arange(3)).transform_first(lambda v: v * 10)
    assert t[1][0].tolist() == [20, 30] and t[1][1] == 1
    assert ArrayDataset(np.arange(3))[2] == 2


def test_batch_sampler_last_batch_modes():
    seq = SequentialSampler(10)
    assert list(BatchSampler(seq, 4, 'keep')) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert list(BatchSampler(seq, 4, 'discard')) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    roll = BatchSampler(seq, 4, 'rollover')
    assert len(roll) == 2 and list(roll) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(roll) == 3 and list(roll) == [[8, 9, 0, 1], [2, 3, 4, 5], [6, 7, 8, 9]]
    with pytest.raises(MXNetError, match='last_batch'):
        BatchSampler(seq, 4, 'other')
    mx.random.seed(3)
    perm = list(RandomSampler(10))
    assert sorted(perm) == list(range(10)) and perm != list(range(10))


def test_dataloader_batches_like_mxnet():
    ds = ArrayDataset(np.arange(10).reshape(10, 1).astype('float32'), np.arange(10))
    dl = DataLoader(ds, batch_size=4, last_batch='rollover')
    assert len(dl) == 2
    assert [b[1].asnumpy().tolist() for b in dl] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert [b[1].asnumpy().tolist() for b in dl] == [[8, 9, 0, 1], [2, 3, 4, 5], [6, 7, 8, 9]]
    data, label = next(iter(DataLoader(ds, batch_size=3)))
    assert data.dtype == np.float32 and label.dtype == np.int64 and data.shape == (3, 1)
    nd_ds = ArrayDataset(mx.nd.ones((4, 2)))
    assert next(iter(DataLoader(nd_ds, batch_size=3))).shape == (3, 2)
    custom = DataLoader(ds, batch_size=5, batchify_fn=lambda s: len(s))
    assert list(custom) == [5, 5]
    for bad in [dict(), dict(batch_sampler=[[0]], batch_size=2),
                dict(batch_size=2, sampler=SequentialSampler(10), shuffle=True)]:
        with pytest.raises(MXNetError):
            DataLoader(ds, **bad)


def _slow_item(x):
    time.sleep(0.001)
    return x * 2


@pytest.mark.parametrize('thread_pool', [False, True])
def test_dataloader_workers_keep_order(thread_pool):
    ds = ArrayDataset(np.arange(50, dtype=np.float32), np.arange(50)).transform_first(_slow_item)
    dl = DataLoader(ds, batch_size=7, num_workers=2, thread_pool=thread_pool, pin_memory=True,
                    prefetch=3)
    for _ in range(2):
        got = [(d.asnumpy().tolist(), l.asnumpy().tolist()) for d, l in dl]
        assert [g[1] for g in got] == [list(range(i, min(i + 7, 50))) for i in range(0, 50, 7)]
        assert got[1][0] == [14.0, 16, 18, 20, 22, 24, 26]


def test_dataloader_workers_unpicklable_functions_and_own_random_streams():
    import random
    ds = SimpleDataset(list(range(40))).transform(lambda x: (x, random.random()))
    dl = DataLoader(ds, batch_size=5, num_workers=2, batchify_fn=lambda s: s)
    draws = [d for batch in dl for d in batch]
    assert [d[0] for d in draws] == list(range(40))
    assert len({round(d[1], 12) for d in draws}) == 40     # workers do not repeat each other


def _die(x):
    if x == 13:
        os._exit(3)
    return x


def _raise(x):
    if x == 5:
        raise KeyError('bad sample 5')
    return x


def _sleep(x):
    time.sleep(2)
    return x


def test_dataloader_dead_worker_raises_clear_error():
    dl = DataLoader(SimpleDataset(list(range(20))).transform(_die), batch_size=4, num_workers=2)
    with pytest.raises(MXNetError, match='worker process died'):
        list(dl)
    # the loader recovers with a fresh pool on the next epoch
    dl2 = DataLoader(SimpleDataset(list(range(8))), batch_size=4, num_workers=2)
    assert len(list(dl2)) == 2


def test_dataloader_worker_exception_and_timeout():
    dl = DataLoader(SimpleDataset(list(range(8))).transform(_raise), batch_size=4, num_workers=2)
    with pytest.raises(KeyError, match='bad sample 5'):
        list(dl)
    dl = DataLoader(SimpleDataset(list(range(2))).transform(_sleep), batch_size=1, num_workers=1,
                    timeout=0.2)
    with pytest.raises(MXNetError, match='timeout'):
        list(dl)


def _write_idx(path, arr):
    with gzip.open(path, 'wb') as f:
        f.write(struct.pack('>I', 0x0800 | arr.ndim))
        f.write(struct.pack('>' + 'I' * arr.ndim, *arr.shape))
        f.write(arr.astype(np.uint8).tobytes())


@pytest.mark.parametrize('cls', [vision.MNIST, vision.FashionMNIST])
def test_mnist_from_standard_files(tmp_path, cls):
    rs = np.random.RandomState(0)
    imgs = rs.randint(0, 256, (5, 28, 28))
    _write_idx(str(tmp_path / 't10k-images-idx3-ubyte.gz'), imgs)
    _write_idx(str(tmp_path / 't10k-labels-idx1-ubyte.gz'), np.arange(5))
    ds = cls(root=str(tmp_path), train=False)
    assert len(ds) == 5
    img, label = ds[3]
    assert img.shape == (28, 28, 1) and img.dtype == np.uint8 and label == 3
    assert label.dtype == np.int32
    np.testing.assert_array_equal(img.asnumpy()[:, :, 0], imgs[3])
    ds2 = cls(root=str(tmp_path), train=False, transform=lambda d, l: (d.astype('float32'), l + 1))
    assert ds2[0][1] == 1 and ds2[0][0].dtype == np.float32
    with pytest.raises(MXNetError, match='train-images-idx3-ubyte.gz'):
        cls(root=str(tmp_path), train=True)


def test_cifar_from_standard_files(tmp_path):
    rs = np.random.RandomState(1)
    folder = tmp_path / 'cifar-10-batches-bin'
    folder.mkdir()
    imgs = rs.randint(0, 256, (3, 3, 32, 32)).astype(np.uint8)
    recs = np.concatenate([np.array([[7], [2], [9]], np.uint8), imgs.reshape(3, -1)], axis=1)
    recs.tofile(str(folder / 'test_batch.bin'))
    ds = vision.CIFAR10(root=str(tmp_path), train=False)
    img, label = ds[1]
    assert len(ds) == 3 and label == 2 and img.shape == (32, 32, 3)
    np.testing.assert_array_equal(img.asnumpy(), imgs[1].transpose(1, 2, 0))
    with pytest.raises(MXNetError, match='data_batch_1.bin'):
        vision.CIFAR10(root=str(tmp_path), train=True)
    folder = tmp_path / 'cifar-100-binary'
    folder.mkdir()
    recs = np.concatenate([np.array([[1, 55], [3, 77]], np.uint8), imgs[:2].reshape(2, -1)], 1)
    recs.tofile(str(folder / 'test.bin'))
    assert vision.CIFAR100(root=str(tmp_path), train=False)[1][1] == 3
    assert vision.CIFAR100(root=str(tmp_path), train=False, fine_label=True)[1][1] == 77


def _write_pngs(root, n_per_class=3):
    import cv2
    rs = np.random.RandomState(2)
    for c in ('cat', 'dog'):
        os.makedirs(os.path.join(root, c))
        for i in range(n_per_class):
            img = rs.randint(0, 256, (6, 5, 3)).astype(np.uint8)
            cv2.imwrite(os.path.join(root, c, '%d.png' % i), img)
    open(os.path.join(root, 'dog', 'notes.txt'), 'w').close()


@pytest.mark.filterwarnings("ignore:Ignoring")
def test_image_folder_dataset(tmp_path):
    root = str(tmp_path / 'imgs')
    _write_pngs(root)
    with pytest.warns(UserWarning, match='Ignoring'):
        ds = vision.ImageFolderDataset(root)
    assert ds.synsets == ['cat', 'dog'] and len(ds) == 6
    img, label = ds[4]
    assert img.shape == (6, 5, 3) and img.dtype == np.uint8 and label == 1
    gray = vision.ImageFolderDataset(root, flag=0)[0][0]
    assert gray.shape == (6, 5, 1)
    t = vision.transforms.ToTensor()
    loader = DataLoader(ds.transform_first(t), batch_size=4, num_workers=2)
    batches = list(loader)
    assert batches[0][0].shape == (4, 3, 6, 5) and batches[1][1].asnumpy().tolist() == [1, 1]


def test_image_record_and_list_datasets(tmp_path):
    from mxlite import recordio
    rs = np.random.RandomState(3)
    rec_path, idx_path = str(tmp_path / 'd.rec'), str(tmp_path / 'd.idx')
    rec = recordio.MXIndexedRecordIO(idx_path, rec_path, 'w')
    imgs = []
    for i in range(4):
        img = rs.randint(0, 256, (4, 4, 3)).astype(np.uint8)
        imgs.append(img)
        header = recordio.IRHeader(0, float(i % 2), i, 0)
        rec.write_idx(i, recordio.pack_img(header, img, img_fmt='.png'))
    rec.close()
    raw = RecordFileDataset(rec_path)
    assert len(raw) == 4 and isinstance(raw[0], bytes)
    ds = vision.ImageRecordDataset(rec_path)
    img, label = ds[2]
    assert label == 0.0 and img.shape == (4, 4, 3)
    np.testing.assert_array_equal(img.asnumpy(), imgs[2][:, :, ::-1])   # BGR file, RGB decode
    assert len(list(DataLoader(ds, batch_size=2, num_workers=2))) == 2
    _write_pngs(str(tmp_path / 'l'))
    lst = tmp_path / 'x.lst'
    lst.write_text('0\t1\tcat/0.png\n1\t0\tdog/1.png\n')
    lds = vision.ImageListDataset(root=str(tmp_path / 'l'), imglist=str(lst))
    assert len(lds) == 2 and lds[0][1] == 1.0 and lds[1][0].shape == (6, 5, 3)
    lds2 = vision.ImageListDataset(root=str(tmp_path / 'l'), imglist=[(3, 'cat/1.png')])
    assert lds2[0][1] == 3.0
