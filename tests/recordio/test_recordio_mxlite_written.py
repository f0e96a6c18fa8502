"""Files written by mxlite that real MXNet 1.9.1 read back correctly (make_mxlite_written.py).

mxlite must keep writing exactly those bytes, and read them the way MXNet did.
"""
import importlib.util
import os
import pathlib
import subprocess
import sys

import numpy as np
import pytest

import mxlite as mx

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
W = os.path.join(REPO, 'tests', 'data', 'pipeline', 'mxlite_written')


@pytest.fixture(scope='module')
def maker():
    spec = importlib.util.spec_from_file_location(
        'make_mxlite_written', os.path.join(REPO, 'tests', 'data', 'make_mxlite_written.py'))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope='module')
def reads():
    with np.load(os.path.join(W, 'mxnet_reads.npz')) as z:
        return {k: z[k] for k in z.files}


def same_bytes(a, b):
    assert pathlib.Path(a).read_bytes() == pathlib.Path(b).read_bytes(), (a, b)


def test_recordio_bytes_unchanged(maker, tmp_path):
    w = mx.recordio.MXRecordIO(str(tmp_path / 'raw.rec'), 'w')
    for p in maker.raw_payloads():
        w.write(p)
    w.close()
    same_bytes(str(tmp_path / 'raw.rec'), os.path.join(W, 'raw.rec'))
    w = mx.recordio.MXIndexedRecordIO(str(tmp_path / 'packed.idx'), str(tmp_path / 'packed.rec'),
                                      'w')
    for k in (3, 1, 2):
        w.write_idx(k, mx.recordio.pack(mx.recordio.IRHeader(0, [k, k / 2.0, -k], k * 10, 0),
                                        b'payload%d' % k + maker.MAGIC))
    w.close()
    same_bytes(str(tmp_path / 'packed.rec'), os.path.join(W, 'packed.rec'))
    same_bytes(str(tmp_path / 'packed.idx'), os.path.join(W, 'packed.idx'))


def test_im2rec_extra_formats_unchanged(maker, tmp_path):
    root = tmp_path / 'imgs'
    root.mkdir()
    maker.extra_images(str(root))
    tool = os.path.join(REPO, 'tools', 'im2rec.py')
    prefix = str(tmp_path / 'extra')
    env = dict(os.environ, PYTHONPATH=REPO)
    subprocess.run([sys.executable, tool, '--list', '--no-shuffle', '--exts', '.gif', '.bmp',
                    '.webp', '.tiff', '.png', prefix, str(root)], check=True, capture_output=True,
                   env=env)
    subprocess.run([sys.executable, tool, '--encoding', '.png', '--resize', '12', prefix,
                    str(root)], check=True, capture_output=True, env=env)
    for ext in ('.lst', '.rec', '.idx'):
        same_bytes(prefix + ext, os.path.join(W, 'extra' + ext))


def test_reads_like_mxnet(reads, tmp_path):
    rec = os.path.join(W, 'extra.rec')
    r = mx.recordio.MXIndexedRecordIO(os.path.join(W, 'extra.idx'), rec, 'r')
    for k in r.keys:
        _, img = mx.recordio.unpack_img(r.read_idx(k))
        np.testing.assert_array_equal(img, reads['img_%d' % k])
    cases = (('uint8', dict(dtype='uint8')),
             ('mean', dict(mean_img=os.path.join(W, 'mean.bin'))),
             ('idx', dict(path_imgidx=os.path.join(W, 'extra.idx'), dtype='uint8')))
    for name, kw in cases:
        b = next(mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=5,
                                       **kw))
        np.testing.assert_array_equal(b.data[0].asnumpy(), reads['%s_data' % name])
        np.testing.assert_array_equal(b.label[0].asnumpy(), reads['%s_label' % name])
    # the mean image mxlite computes and saves is the file MXNet loaded
    mean = str(tmp_path / 'mean.bin')
    mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=2, mean_img=mean,
                          verbose=False).close()
    same_bytes(mean, os.path.join(W, 'mean.bin'))
    np.testing.assert_array_equal(mx.nd.load(mean)['mean_img'].asnumpy(), reads['mean'])
    assert oct(os.stat(mean).st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask():
    m = os.umask(0o022)
    os.umask(m)
    return m
