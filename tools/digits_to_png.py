"""Write the handwritten digits embedded in mxlite as a folder of PNG images.

One sub-folder per class (0 ... 9), the layout ``tools/im2rec.py --list
--recursive`` and ``gluon.data.vision.ImageFolderDataset`` read:

    python tools/digits_to_png.py digits                # digits/0/00000.png ... (all 1,797)
    python tools/digits_to_png.py digits --split        # digits/train/<c>/..., digits/val/<c>/...
    python tools/digits_to_png.py five --classes 0,1,2,3,4 --per-class 40

Images are 8-bit grayscale, white digits on black as in MNIST, --size pixels
square (the 8x8 originals upscaled as ``mx.test_utils.get_digits()`` does);
``--split`` keeps mxlite's fixed train/validation split.
"""
import argparse
import os
import sys

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), '..')))
from mxlite.test_utils import get_digits  # noqa: E402


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('root', help='output folder (created; existing files are overwritten)')
    parser.add_argument('--split', action='store_true',
                        help='write root/train/<class>/ and root/val/<class>/ (the fixed split) '
                             'instead of root/<class>/ with all images')
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


def write_folder(root, images, labels, classes, per_class):
    """Write images (N, 1, H, W) in [0, 1] as root/<label>/<n>.png; returns the count."""
    count = 0
    for c in classes:
        folder = os.path.join(root, str(c))
        os.makedirs(folder, exist_ok=True)
        idx = np.flatnonzero(labels == c)
        if per_class:
            idx = idx[:per_class]
        for n in idx:
            pixels = np.clip(np.rint(images[n, 0] * 255), 0, 255).astype(np.uint8)
            Image.fromarray(pixels).save(os.path.join(folder, '%05d.png' % n))
            count += 1
    return count


def main(argv=None):
    args = parse_args(argv)
    d = get_digits(size=args.size)
    if args.split:
        parts = [('train', d['train_data'], d['train_label']),
                 ('val', d['test_data'], d['test_label'])]
    else:
        parts = [('', np.concatenate([d['train_data'], d['test_data']]),
                  np.concatenate([d['train_label'], d['test_label']]))]
    for name, images, labels in parts:
        folder = os.path.join(args.root, name) if name else args.root
        n = write_folder(folder, images, labels, args.classes, args.per_class)
        print('wrote %d images of classes %s to %s' % (
            n, ','.join(map(str, args.classes)), folder))
    return 0


if __name__ == '__main__':
    sys.exit(main())
