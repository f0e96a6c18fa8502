"""Files written by mxlite, checked by hand with real MXNet 1.9.1.

Two steps, both run by hand (never by the test suite):

    /work/venv/bin/python tests/data/make_mxlite_written.py write
        # mxlite writes tests/data/pipeline/mxlite_written/*
    /tmp/mxref/bin/python tests/data/make_mxlite_written.py verify
        # MXNet reads them back, asserts what it can, and records what it
        # reads in mxnet_reads.npz

The test suite (tests/recordio/test_recordio_mxlite_written.py) checks that
mxlite still writes byte-identical files and reads them like MXNet did.
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
OUT = os.path.join(HERE, 'pipeline', 'mxlite_written')
MAGIC = struct.pack('<I', 0xced7230a)


def raw_payloads():
    return [b'', b'x', MAGIC, b'ab' + MAGIC, b'abcd' + MAGIC + b'efgh', bytes(range(255)),
            MAGIC * 3 + b'tail']


def extra_images(root):
    """GIF/BMP/WebP/TIFF images MXNet's own im2rec cannot read (GIF) or reads via OpenCV."""
    from PIL import Image
    rng = np.random.RandomState(11)
    for i, ext in enumerate(['gif', 'bmp', 'webp', 'tiff', 'png']):
        arr = rng.randint(0, 255, (9 + i, 11, 3)).astype(np.uint8)
        im = Image.fromarray(arr)
        if ext == 'gif':
            im = im.convert('P', palette=Image.Palette.ADAPTIVE, colors=32)
            im.save(os.path.join(root, 'img%d.%s' % (i, ext)))
        elif ext == 'webp':
            im.save(os.path.join(root, 'img%d.%s' % (i, ext)), lossless=True)
        else:
            im.save(os.path.join(root, 'img%d.%s' % (i, ext)))


def write():
    sys.path.insert(0, REPO)
    import mxlite as mx
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    w = mx.recordio.MXRecordIO(os.path.join(OUT, 'raw.rec'), 'w')
    for p in raw_payloads():
        w.write(p)
    w.close()
    w = mx.recordio.MXIndexedRecordIO(os.path.join(OUT, 'packed.idx'),
                                      os.path.join(OUT, 'packed.rec'), 'w')
    for k in (3, 1, 2):
        w.write_idx(k, mx.recordio.pack(mx.recordio.IRHeader(0, [k, k / 2.0, -k], k * 10, 0),
                                        b'payload%d' % k + MAGIC))
    w.close()
    tmp = tempfile.mkdtemp()
    try:
        extra_images(tmp)
        tool = os.path.join(REPO, 'tools', 'im2rec.py')
        prefix = os.path.join(OUT, 'extra')
        subprocess.run([sys.executable, tool, '--list', '--no-shuffle', '--exts', '.gif', '.bmp',
                        '.webp', '.tiff', '.png', prefix, tmp], check=True, capture_output=True)
        subprocess.run([sys.executable, tool, '--encoding', '.png', '--resize', '12', prefix, tmp],
                       check=True, capture_output=True)
    finally:
        shutil.rmtree(tmp)
    it = mx.io.ImageRecordIter(path_imgrec=os.path.join(OUT, 'extra.rec'), data_shape=(3, 8, 8),
                               batch_size=2, mean_img=os.path.join(OUT, 'mean.bin'), verbose=False)
    it.close()


def verify():
    import mxnet as mx
    reads = {}
    r = mx.recordio.MXRecordIO(os.path.join(OUT, 'raw.rec'), 'r')
    for i, p in enumerate(raw_payloads()):
        got = r.read()
        assert got == p, (i, got, p)
    assert r.read() is None
    r = mx.recordio.MXIndexedRecordIO(os.path.join(OUT, 'packed.idx'),
                                      os.path.join(OUT, 'packed.rec'), 'r')
    assert r.keys == [3, 1, 2]
    for k in (1, 2, 3):
        h, s = mx.recordio.unpack(r.read_idx(k))
        assert h.flag == 3 and h.id == k * 10 and s == b'payload%d' % k + MAGIC
        np.testing.assert_array_equal(h.label, [k, k / 2.0, -k])
    mean = mx.nd.load(os.path.join(OUT, 'mean.bin'))
    assert list(mean) == ['mean_img'] and mean['mean_img'].shape == (3, 8, 8)
    reads['mean'] = mean['mean_img'].asnumpy()
    for name, kw in (('uint8', dict(dtype='uint8')),
                     ('mean', dict(mean_img=os.path.join(OUT, 'mean.bin'))),
                     ('idx', dict(path_imgidx=os.path.join(OUT, 'extra.idx'), dtype='uint8'))):
        it = mx.io.ImageRecordIter(path_imgrec=os.path.join(OUT, 'extra.rec'),
                                   data_shape=(3, 8, 8), batch_size=5, **kw)
        b = it.next()
        reads['%s_data' % name] = b.data[0].asnumpy()
        reads['%s_label' % name] = b.label[0].asnumpy()
    r = mx.recordio.MXIndexedRecordIO(os.path.join(OUT, 'extra.idx'),
                                      os.path.join(OUT, 'extra.rec'), 'r')
    for k in r.keys:
        h, img = mx.recordio.unpack_img(r.read_idx(k))
        reads['img_%d' % k] = img
    np.savez_compressed(os.path.join(OUT, 'mxnet_reads.npz'), **reads)
    print('MXNet 1.9.1 read every mxlite-written file as expected')


if __name__ == '__main__':
    {'write': write, 'verify': verify}[sys.argv[1]]()
