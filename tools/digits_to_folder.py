"""Write mxlite's embedded digits dataset as PNG files in ImageFolderDataset layout.

    python tools/digits_to_folder.py OUT_DIR [--size 28]

creates OUT_DIR/train/<digit>/<index>.png and OUT_DIR/val/<digit>/<index>.png
(grayscale, MNIST-style 28x28, the fixed 80/20 split of ``get_digits``).
"""
import argparse
import os
import sys


def write_digits(out_dir, size=28):
    """Write the PNGs; returns {'train': count, 'val': count}."""
    import cv2
    import numpy as np
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
    from mxlite.test_utils import get_digits
    d = get_digits(size=size)
    counts = {}
    for split, data, label in (('train', d['train_data'], d['train_label']),
                               ('val', d['test_data'], d['test_label'])):
        for c in range(10):
            os.makedirs(os.path.join(out_dir, split, str(c)), exist_ok=True)
        for i, (img, lab) in enumerate(zip(data, label)):
            png = np.clip(np.rint(img[0] * 255), 0, 255).astype(np.uint8)
            cv2.imwrite(os.path.join(out_dir, split, str(int(lab)), '%04d.png' % i), png)
        counts[split] = len(label)
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('out_dir')
    parser.add_argument('--size', type=int, default=28)
    args = parser.parse_args(argv)
    counts = write_digits(args.out_dir, args.size)
    print('wrote %d training and %d validation images under %s'
          % (counts['train'], counts['val'], args.out_dir))


if __name__ == '__main__':
    main()
