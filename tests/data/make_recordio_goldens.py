"""Golden RecordIO and im2rec files written by real MXNet 1.9.1.

Run with the oracle's interpreter after make_pipeline_images.py:

    /tmp/mxref/bin/python tests/data/make_recordio_goldens.py

Writes tests/data/pipeline/recordio/ (raw records, multi-part records split
at the magic word, image-record headers with scalar and multi labels, an
indexed file with unordered keys) and tests/data/pipeline/im2rec/ (lists and
record files made by MXNet's own tools/im2rec.py from the test images).
"""
import os
import shutil
import struct
import subprocess
import sys
import tempfile

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
PIPE = os.path.join(HERE, 'pipeline')
IMAGES = os.path.join(PIPE, 'images')
IM2REC = os.path.join(os.path.dirname(mx.__file__), 'tools', 'im2rec.py')
MAGIC = struct.pack('<I', 0xced7230a)


def raw_records():
    """Payloads that exercise every corner of the framing."""
    recs = [b'', b'a', b'ab', b'abc', b'abcd', b'abcde', MAGIC, b'xy' + MAGIC, MAGIC + MAGIC,
            b'abcd' + MAGIC + b'efgh' + MAGIC, b'ab' + MAGIC + b'cd', MAGIC + b'1234567',
            b'1234' + MAGIC + MAGIC + b'9', bytes(range(256)) * 3]
    return recs


def image_records():
    """(header, payload) pairs packed with mx.recordio.pack."""
    return [
        (mx.recordio.IRHeader(0, 3.0, 7, 0), b'payload-seven'),
        (mx.recordio.IRHeader(0, [1.0, 2.5, -3.0], 8, 0), b'multi'),
        (mx.recordio.IRHeader(5, 1.5, 2 ** 40 + 3, 11), b''),
        (mx.recordio.IRHeader(0, np.array([4.0], dtype=np.float32), 9, 1), MAGIC + b'z'),
        (mx.recordio.IRHeader(0, -0.25, 0, 0), bytes(range(100))),
    ]


def make_recordio(out):
    os.makedirs(out, exist_ok=True)
    rec = mx.recordio.MXRecordIO(os.path.join(out, 'raw.rec'), 'w')
    for r in raw_records():
        rec.write(r)
    rec.close()
    expected = {'raw_%02d' % i: np.frombuffer(r, np.uint8) for i, r in enumerate(raw_records())}

    rec = mx.recordio.MXIndexedRecordIO(os.path.join(out, 'packed.idx'),
                                        os.path.join(out, 'packed.rec'), 'w')
    keys = [5, 2, 9, 100, 0]
    for k, (h, s) in zip(keys, image_records()):
        rec.write_idx(k, mx.recordio.pack(h, s))
    rec.close()
    rec = mx.recordio.MXIndexedRecordIO(os.path.join(out, 'packed.idx'),
                                        os.path.join(out, 'packed.rec'), 'r')
    for k in keys:
        h, s = mx.recordio.unpack(rec.read_idx(k))
        expected['packed_%d_header' % k] = np.array([h.flag, h.id, h.id2], dtype=np.uint64)
        expected['packed_%d_label' % k] = np.atleast_1d(np.asarray(h.label, np.float32))
        expected['packed_%d_payload' % k] = np.frombuffer(s, np.uint8)
    rec.close()
    # pack() bytes for a scalar and a multi label
    for i, (h, s) in enumerate(image_records()):
        expected['pack_%d' % i] = np.frombuffer(mx.recordio.pack(h, s), np.uint8)
    # pack_img with JPEG and PNG of a known image
    img = np.arange(12 * 10 * 3, dtype=np.uint8).reshape(12, 10, 3)
    expected['pack_img_jpg'] = np.frombuffer(
        mx.recordio.pack_img(mx.recordio.IRHeader(0, 1.0, 3, 0), img, quality=90), np.uint8)
    expected['pack_img_png'] = np.frombuffer(
        mx.recordio.pack_img(mx.recordio.IRHeader(0, [1.0, 2.0], 4, 0), img, quality=3,
                             img_fmt='.png'), np.uint8)
    np.savez_compressed(os.path.join(out, 'expected.npz'), **expected)


def run_im2rec(args, cwd):
    res = subprocess.run([sys.executable, IM2REC] + args, cwd=cwd, check=True,
                         capture_output=True, text=True)
    return res.stdout


def make_im2rec(out):
    os.makedirs(out, exist_ok=True)
    tmp = tempfile.mkdtemp()
    try:
        # default list: --recursive labels folders, shuffled with seed 100
        stdout = run_im2rec(['--list', '--recursive', 'golden', IMAGES], tmp)
        with open(os.path.join(tmp, 'golden_list_stdout.txt'), 'w') as f:
            f.write(stdout)
        run_im2rec(['golden', IMAGES], tmp)
        # ratios: one run writes _train/_val/_test; packing them all at once
        os.makedirs(os.path.join(tmp, 'split'))
        run_im2rec(['--list', '--recursive', '--train-ratio', '0.5', '--test-ratio', '0.25',
                    'split/split', IMAGES], tmp)
        run_im2rec(['--resize', '24', '--center-crop', '--quality', '90', 'split/split', IMAGES],
                   tmp)
        # chunks without shuffling
        run_im2rec(['--list', '--recursive', '--no-shuffle', '--chunks', '2', 'chunk', IMAGES],
                   tmp)
        # grayscale, png encoding, pass-through, multi-label lists
        os.makedirs(os.path.join(tmp, 'gray'))
        shutil.copy(os.path.join(tmp, 'golden.lst'), os.path.join(tmp, 'gray', 'gray.lst'))
        run_im2rec(['--color', '0', '--encoding', '.png', '--quality', '1', 'gray/gray',
                    IMAGES], tmp)
        os.makedirs(os.path.join(tmp, 'pass'))
        shutil.copy(os.path.join(tmp, 'golden.lst'), os.path.join(tmp, 'pass', 'pass.lst'))
        run_im2rec(['--pass-through', 'pass/pass', IMAGES], tmp)
        os.makedirs(os.path.join(tmp, 'multi'))
        with open(os.path.join(tmp, 'golden.lst')) as fin, \
                open(os.path.join(tmp, 'multi', 'multi.lst'), 'w') as fout:
            for line in fin:
                idx, label, path = line.rstrip('\n').split('\t')
                fout.write('%s\t%s\t%f\t%s\n' % (idx, label, float(idx) / 2, path))
        run_im2rec(['--pack-label', '--resize', '16', 'multi/multi', IMAGES], tmp)
        for root, _, files in os.walk(tmp):
            for fname in files:
                src = os.path.join(root, fname)
                rel = os.path.relpath(src, tmp)
                dst = os.path.join(out, rel)
                os.makedirs(os.path.dirname(dst), exist_ok=True)
                shutil.copy(src, dst)
    finally:
        shutil.rmtree(tmp)


if __name__ == '__main__':
    make_recordio(os.path.join(PIPE, 'recordio'))
    make_im2rec(os.path.join(PIPE, 'im2rec'))
