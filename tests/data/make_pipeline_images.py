"""Generate the small test images under tests/data/pipeline/images/.

Run with the oracle's interpreter (real MXNet 1.9.1 environment):

    /tmp/mxref/bin/python tests/data/make_pipeline_images.py

Images are deterministic gradients plus noise, 20-60 px per side, in three
class folders, JPEG and PNG, so that golden .lst/.rec files made by MXNet's
im2rec from them are tiny.
"""
import os

import cv2
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'pipeline', 'images')


def make_image(rng, h, w):
    y, x = np.mgrid[0:h, 0:w]
    img = np.stack([(x * 255 // w), (y * 255 // h), ((x + y) * 5) % 256], -1)
    img = img + rng.randint(-25, 25, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def main():
    rng = np.random.RandomState(0)
    for cls, n in (('bird', 2), ('cat', 3), ('dog', 3)):
        folder = os.path.join(OUT, cls)
        os.makedirs(folder, exist_ok=True)
        for i in range(n):
            h, w = rng.randint(20, 60), rng.randint(20, 60)
            img = make_image(rng, h, w)
            ext = '.png' if i % 2 else '.jpg'
            cv2.imwrite(os.path.join(folder, '%s%d%s' % (cls, i, ext)), img)
    # a file im2rec must ignore (extension not in --exts)
    with open(os.path.join(OUT, 'cat', 'notes.txt'), 'w') as f:
        f.write('not an image\n')


if __name__ == '__main__':
    main()
