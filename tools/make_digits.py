"""Build mxlite/data/digits.npz from scikit-learn's copy of the UCI optical digits.

Run once (needs scikit-learn, which mxlite itself does not depend on):
    python tools/make_digits.py
The result (1,797 8x8 images, values 0..16, as uint8, plus labels and a
fixed, stratified train/validation split) is committed, so no download is
ever needed.  ``mx.test_utils.get_digits()`` upscales them to 28x28.
"""
import os
import sys

import numpy as np


def main(out=os.path.join(os.path.dirname(__file__), '..', 'mxlite', 'data', 'digits.npz')):
    from sklearn.datasets import load_digits
    d = load_digits()
    images = d.images.astype(np.uint8)           # (1797, 8, 8), 0..16
    labels = d.target.astype(np.uint8)
    rs = np.random.RandomState(2024)
    val = np.zeros(len(labels), dtype=bool)
    for c in range(10):                          # 20% of each class for validation
        idx = np.flatnonzero(labels == c)
        val[rs.choice(idx, size=int(round(0.2 * len(idx))), replace=False)] = True
    np.savez_compressed(out, images=images, labels=labels, is_val=val)
    print('wrote %s: %d images (%d train, %d val)' % (out, len(labels), (~val).sum(), val.sum()))


if __name__ == '__main__':
    main(*sys.argv[1:])
