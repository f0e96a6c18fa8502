"""Write the handwritten digits embedded in mxlite as a folder of PNG images.

One sub-folder per class, the layout ``gluon.data.vision.ImageFolderDataset``
and ``tools/im2rec.py --list --recursive`` read:

    python tools/digits_to_folder.py digits          # digits/train/<c>/NNNN.png, digits/val/<c>/...
    python tools/digits_to_folder.py digits --no-split                 # digits/<c>/NNNN.png, all
    python tools/digits_to_folder.py five --no-split --classes 0,1,2,3,4 --per-class 40

By default the fixed train/validation split of ``mx.test_utils.get_digits()``
(1,438 / 359 images) goes to train/ and val/; ``--no-split`` writes all 1,797
images into one folder (split it with ``im2rec.py --list --train-ratio``).
Images are 8-bit grayscale, white digits on black as in MNIST, --size pixels
square (the 8x8 originals upscaled as ``get_digits()`` does).
"""
import argparse
import os
import sys

import numpy as np
from PIL import Image


def _get_digits(size):
    sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), '..')))
    from mxlite.test_utils import get_digits
    return get_digits(size=size)


def _write(folder, images, labels, classes, per_class):
    count = 0
    for c in classes:
        os.makedirs(os.path.join(folder, str(c)), exist_ok=True)
        idx = np.flatnonzero(labels == c)
        for n in (idx[:per_class] if per_class else idx):
            pixels = np.clip(np.rint(images[n, 0] * 255), 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(os.path.join(folder, str(c), '%04d.png' % n))
            count += 1
    return count


def write_digits(out_dir, size=28, split=True, classes=tuple(range(10)), per_class=0):
    """Write the PNGs; returns the image counts: {'train': n, 'val': n}, or {'all': n}."""
    d = _get_digits(size)
    if split:
        return {'train': _write(os.path.join(out_dir, 'train'), d['train_data'],
                                d['train_label'], classes, per_class),
                'val': _write(os.path.join(out_dir, 'val'), d['test_data'], d['test_label'],
                              classes, per_class)}
    images = np.concatenate([d['train_data'], d['test_data']])
    labels = np.concatenate([d['train_label'], d['test_label']])
    return {'all': _write(out_dir, images, labels, classes, per_class)}


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('out_dir', help='output folder (created; existing files are overwritten)')
    parser.add_argument('--no-split', action='store_true',
                        help='write all images to OUT_DIR/<class>/ instead of OUT_DIR/train/ and '
                             'OUT_DIR/val/')
    parser.add_argument('--classes', type=str, default='0,1,2,3,4,5,6,7,8,9',
                        help='the digits to write, e.g. 0,1,2,3,4 (default: all ten)')
    parser.add_argument('--per-class', type=int, default=0,
                        help='at most this many images per class and folder (default: 0, all)')
    parser.add_argument('--size', type=int, default=28,
                        help='side of the square images in pixels, 20 or more (default: 28)')
    args = parser.parse_args(argv)
    try:
        args.classes = sorted({int(c) for c in args.classes.split(',') if c.strip()})
    except ValueError:
        args.classes = []
    if not args.classes or not set(args.classes) <= set(range(10)):
        parser.error('argument --classes: expected digits 0-9 separated by commas')
    if args.per_class < 0:
        parser.error('argument --per-class: must be 0 (all) or positive')
    if args.size < 20:
        parser.error('argument --size: must be at least 20 (the digits are drawn 20 pixels '
                     'high)')
    return args


def main(argv=None):
    args = parse_args(argv)
    counts = write_digits(args.out_dir, args.size, not args.no_split, args.classes,
                          args.per_class)
    where = ', '.join('%d to %s' % (n, os.path.join(args.out_dir, '' if k == 'all' else k))
                      for k, n in counts.items())
    print('wrote %s (classes %s)' % (where, ','.join(map(str, args.classes))))
    return 0


if __name__ == '__main__':
    sys.exit(main())
