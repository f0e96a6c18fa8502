"""mx.image functions, augmenters and ImageIter against MXNet 1.9.1.

Replays tests/data/make_image_goldens.py with the same seeds: mx.image draws
from Python's ``random`` and numpy's global generator, like MXNet.
"""
import os
import pathlib
import random

import numpy as np
import pytest

import mxlite as mx

PIPE = os.path.join(os.path.dirname(__file__), '..', 'data', 'pipeline')
IMAGES = os.path.join(PIPE, 'images')
IM2REC = os.path.join(PIPE, 'im2rec')


@pytest.fixture(scope='module')
def exp():
    with np.load(os.path.join(PIPE, 'image_expected.npz')) as z:
        return {k: z[k] for k in z.files}


def seed(s):
    random.seed(s)
    np.random.seed(s)


def same(got, expected, tol=0.0, cubic=0.0):
    """Equal (within ``tol``).

    ``cubic``: MXNet's libmxnet links its own OpenCV, whose bicubic resize of
    uint8 images rounds a few pixels one level differently from the cv2 wheel
    (pip cv2 4.8 and 5.0 agree with each other, not with libmxnet).  Results
    downstream of a bicubic resize may differ by ``cubic`` in at most 10% of
    the elements.
    """
    got = got.asnumpy() if isinstance(got, mx.nd.NDArray) else np.asarray(got)
    assert got.shape == expected.shape, (got.shape, expected.shape)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    if cubic:
        diff = np.abs(got.astype(np.float64) - expected.astype(np.float64))
        assert diff.max() <= cubic, diff.max()
        assert np.mean(diff > max(tol, 1e-6)) <= 0.1, np.mean(diff > max(tol, 1e-6))
    elif tol:
        np.testing.assert_allclose(got, expected, rtol=tol, atol=tol)
    else:
        np.testing.assert_array_equal(got, expected)


def test_decode_and_geometry(exp):
    buf = pathlib.Path(os.path.join(IMAGES, 'cat', 'cat0.jpg')).read_bytes()
    img = mx.image.imdecode(buf)
    same(img, exp['imdecode'])
    same(mx.image.imdecode(buf, flag=0), exp['imdecode_gray'])
    same(mx.image.imdecode(buf, to_rgb=False), exp['imdecode_bgr'])
    same(mx.image.imdecode(np.frombuffer(buf, np.uint8)), exp['imdecode'])
    same(mx.image.imdecode(mx.nd.array(np.frombuffer(buf, np.uint8), dtype='uint8')),
         exp['imdecode'])
    same(mx.image.imread(os.path.join(IMAGES, 'dog', 'dog1.png')), exp['imread_png'])
    img = mx.image.fixed_crop(img, 5, 9, 12, 14)
    for interp in range(5):
        same(mx.image.imresize(img, 17, 19, interp=interp), exp['imresize_%d' % interp],
             cubic=1 if interp == 2 else 0)
    same(mx.image.imresize(img.astype('float32'), 11, 9), exp['imresize_float'], tol=1e-5)
    same(mx.image.resize_short(img, 9), exp['resize_short'], cubic=1)
    same(mx.image.resize_short(img, 18, interp=9), exp['resize_short_auto'], cubic=1)
    c, rect = mx.image.center_crop(img, (7, 9))
    same(c, exp['center_crop'])
    assert rect == tuple(exp['center_crop_rect'])
    c, rect = mx.image.center_crop(img, (20, 9))
    same(c, exp['center_crop_up'], cubic=1)
    assert rect == tuple(exp['center_crop_up_rect'])
    seed(3)
    c, rect = mx.image.random_crop(img, (5, 8))
    same(c, exp['random_crop'])
    assert rect == tuple(exp['random_crop_rect'])
    seed(4)
    c, rect = mx.image.random_size_crop(img, (8, 8), 0.3, (0.75, 1.333))
    same(c, exp['random_size_crop'], cubic=1)
    assert rect == tuple(exp['random_size_crop_rect'])
    same(mx.image.fixed_crop(img, 3, 5, 6, 7, size=(10, 9)), exp['fixed_crop'], cubic=1)
    same(mx.image.copyMakeBorder(img, 1, 2, 3, 4, type=0, values=(1, 2, 3)), exp['border'])
    same(mx.image.copyMakeBorder(img, 2, 2, 2, 2, type=1), exp['border_reflect'])
    f = img.astype('float32')
    same(mx.image.color_normalize(f.copy(), mx.nd.array([10, 20, 30]), mx.nd.array([2, 3, 4])),
         exp['color_normalize'])
    chw = f.transpose((2, 0, 1))
    same(mx.image.imrotate(chw, 30), exp['imrotate'], tol=1e-3)
    same(mx.image.imrotate(chw, -45, zoom_in=True), exp['imrotate_zoom_in'], tol=1e-3)
    same(mx.image.imrotate(chw, 20, zoom_out=True), exp['imrotate_zoom_out'], tol=1e-3)
    assert mx.image.scale_down((640, 480), (720, 120)) == tuple(exp['scale_down'])


def test_augmenters(exp):
    img = mx.image.imdecode(pathlib.Path(os.path.join(IMAGES, 'dog', 'dog2.jpg')).read_bytes())
    img = mx.image.fixed_crop(img, 2, 3, 13, 11)
    augs = {
        'resize': mx.image.ResizeAug(16),
        'force_resize': mx.image.ForceResizeAug((9, 7), interp=3),
        'random_crop': mx.image.RandomCropAug((6, 8)),
        'random_sized_crop': mx.image.RandomSizedCropAug((8, 8), 0.2, (0.5, 2.0)),
        'center_crop': mx.image.CenterCropAug((6, 8)),
        'flip': mx.image.HorizontalFlipAug(1.0),
        'cast': mx.image.CastAug(),
    }
    for name, aug in sorted(augs.items()):
        seed(11)
        same(aug(img), exp['aug_%s' % name],
             cubic=1 if name in ('resize', 'random_sized_crop') else 0)
    f = img.astype('float32')
    float_augs = {
        'brightness': mx.image.BrightnessJitterAug(0.3),
        'contrast': mx.image.ContrastJitterAug(0.3),
        'saturation': mx.image.SaturationJitterAug(0.3),
        'hue': mx.image.HueJitterAug(0.3),
        'color_jitter': mx.image.ColorJitterAug(0.2, 0.2, 0.2),
        'lighting': mx.image.LightingAug(0.5, np.array([55.46, 4.794, 1.148]),
                                         np.array([[-0.5675, 0.7192, 0.4009],
                                                   [-0.5808, -0.0045, -0.8140],
                                                   [-0.5836, -0.6948, 0.4203]])),
        'gray': mx.image.RandomGrayAug(1.0),
        'normalize': mx.image.ColorNormalizeAug(mx.nd.array([1, 2, 3]), mx.nd.array([4, 5, 6])),
    }
    for name, aug in sorted(float_augs.items()):
        seed(12)
        same(aug(f.copy()), exp['aug_%s' % name], tol=1e-4)


def run_iter(exp, name, epochs=2, cubic=0.0, **kwargs):
    seed(5)
    it = mx.image.ImageIter(**kwargs)
    for ep in range(epochs):
        pads = []
        for bi, batch in enumerate(it):
            same(batch.data[0], exp['%s_e%d_b%d_data' % (name, ep, bi)], tol=1e-4, cubic=cubic)
            same(batch.label[0], exp['%s_e%d_b%d_label' % (name, ep, bi)])
            pads.append(batch.pad)
        assert pads == list(exp['%s_e%d_pads' % (name, ep)])
        it.reset()


def test_image_iter_plain(exp):
    run_iter(exp, 'iter_plain', batch_size=3, data_shape=(3, 12, 12),
             path_imgrec=os.path.join(IM2REC, 'golden.rec'))


def test_image_iter_augmented_shuffled_rollover(exp):
    run_iter(exp, 'iter_aug', batch_size=3, data_shape=(3, 8, 8),
             path_imgrec=os.path.join(IM2REC, 'golden.rec'),
             path_imgidx=os.path.join(IM2REC, 'golden.idx'), shuffle=True, resize=12,
             rand_crop=True, rand_mirror=True, mean=True, std=True, brightness=0.1,
             contrast=0.1, saturation=0.1, pca_noise=0.1, last_batch_handle='roll_over',
             cubic=0.05)


def test_image_iter_from_list(exp):
    run_iter(exp, 'iter_list', batch_size=4, data_shape=(3, 8, 8),
             path_imglist=os.path.join(IM2REC, 'golden.lst'), path_root=IMAGES, rand_crop=True,
             rand_resize=True, hue=0.2, rand_gray=0.5, last_batch_handle='discard', cubic=2.0)


def test_image_iter_parts_and_labels(exp):
    rec = os.path.join(IM2REC, 'golden.rec')
    run_iter(exp, 'iter_parts', batch_size=2, data_shape=(3, 12, 12), path_imgrec=rec,
             path_imgidx=os.path.join(IM2REC, 'golden.idx'), num_parts=3, part_index=1)
    run_iter(exp, 'iter_multilabel', batch_size=3, data_shape=(3, 8, 8), label_width=2,
             path_imgrec=os.path.join(IM2REC, 'multi', 'multi.rec'))
    run_iter(exp, 'iter_imglist', batch_size=2, data_shape=(3, 10, 10),
             imglist=[[1.0, 'cat/cat0.jpg'], [[2.0], 'dog/dog1.png'], [4.0, 'bird/bird1.png']],
             path_root=IMAGES, epochs=1)
    run_iter(exp, 'iter_imglist2', batch_size=2, data_shape=(3, 10, 10), label_width=2,
             imglist=[[1.0, 2.0, 'cat/cat0.jpg'], [[2.0, 3.0], 'dog/dog1.png']],
             path_root=IMAGES, epochs=1)
