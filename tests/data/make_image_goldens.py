"""Expected outputs of MXNet 1.9.1's mx.image functions, augmenters and ImageIter.

Run with the oracle's interpreter after make_recordio_goldens.py:

    /tmp/mxref/bin/python tests/data/make_image_goldens.py

Random choices in mx.image come from Python's ``random`` and numpy's global
generator, so seeding both makes MXNet's results reproducible; the test suite
replays the same calls with the same seeds.  Writes
tests/data/pipeline/image_expected.npz.
"""
import os
import random

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
PIPE = os.path.join(HERE, 'pipeline')
IMAGES = os.path.join(PIPE, 'images')
IM2REC = os.path.join(PIPE, 'im2rec')


def seed(s):
    random.seed(s)
    np.random.seed(s)


def functions(out):
    path = os.path.join(IMAGES, 'cat', 'cat0.jpg')
    buf = open(path, 'rb').read()
    img = mx.image.imdecode(buf)
    out['imdecode'] = img.asnumpy()
    out['imdecode_gray'] = mx.image.imdecode(buf, flag=0).asnumpy()
    out['imdecode_bgr'] = mx.image.imdecode(buf, to_rgb=False).asnumpy()
    out['imread_png'] = mx.image.imread(os.path.join(IMAGES, 'dog', 'dog1.png')).asnumpy()
    img = mx.image.fixed_crop(img, 5, 9, 12, 14)  # keep the goldens small
    for interp in range(5):
        out['imresize_%d' % interp] = mx.image.imresize(img, 17, 19, interp=interp).asnumpy()
    out['imresize_float'] = mx.image.imresize(img.astype('float32'), 11, 9).asnumpy()
    out['resize_short'] = mx.image.resize_short(img, 9).asnumpy()
    out['resize_short_auto'] = mx.image.resize_short(img, 18, interp=9).asnumpy()
    c, rect = mx.image.center_crop(img, (7, 9))
    out['center_crop'], out['center_crop_rect'] = c.asnumpy(), np.array(rect)
    c, rect = mx.image.center_crop(img, (20, 9))
    out['center_crop_up'], out['center_crop_up_rect'] = c.asnumpy(), np.array(rect)
    seed(3)
    c, rect = mx.image.random_crop(img, (5, 8))
    out['random_crop'], out['random_crop_rect'] = c.asnumpy(), np.array(rect)
    seed(4)
    c, rect = mx.image.random_size_crop(img, (8, 8), 0.3, (0.75, 1.333))
    out['random_size_crop'], out['random_size_crop_rect'] = c.asnumpy(), np.array(rect)
    out['fixed_crop'] = mx.image.fixed_crop(img, 3, 5, 6, 7, size=(10, 9)).asnumpy()
    out['border'] = mx.image.copyMakeBorder(img, 1, 2, 3, 4, type=0, values=(1, 2, 3)).asnumpy()
    out['border_reflect'] = mx.image.copyMakeBorder(img, 2, 2, 2, 2, type=1).asnumpy()
    f = img.astype('float32')
    out['color_normalize'] = mx.image.color_normalize(
        f.copy(), mx.nd.array([10, 20, 30]), mx.nd.array([2, 3, 4])).asnumpy()
    chw = f.transpose((2, 0, 1))
    out['imrotate'] = mx.image.imrotate(chw, 30).asnumpy()
    out['imrotate_zoom_in'] = mx.image.imrotate(chw, -45, zoom_in=True).asnumpy()
    out['imrotate_zoom_out'] = mx.image.imrotate(chw, 20, zoom_out=True).asnumpy()
    out['scale_down'] = np.array(mx.image.scale_down((640, 480), (720, 120)))


def augmenters(out):
    img = mx.image.imdecode(open(os.path.join(IMAGES, 'dog', 'dog2.jpg'), 'rb').read())
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
        out['aug_%s' % name] = aug(img).asnumpy()
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
        out['aug_%s' % name] = aug(f.copy()).asnumpy()


def run_iter(out, name, epochs=2, **kwargs):
    seed(5)
    it = mx.image.ImageIter(**kwargs)
    for ep in range(epochs):
        pads = []
        for bi, batch in enumerate(it):
            out['%s_e%d_b%d_data' % (name, ep, bi)] = batch.data[0].asnumpy()
            out['%s_e%d_b%d_label' % (name, ep, bi)] = batch.label[0].asnumpy()
            pads.append(batch.pad)
        out['%s_e%d_pads' % (name, ep)] = np.array(pads, dtype=np.int64)
        it.reset()


def image_iters(out):
    rec = os.path.join(IM2REC, 'golden.rec')
    idx = os.path.join(IM2REC, 'golden.idx')
    lst = os.path.join(IM2REC, 'golden.lst')
    run_iter(out, 'iter_plain', batch_size=3, data_shape=(3, 12, 12), path_imgrec=rec)
    run_iter(out, 'iter_aug', batch_size=3, data_shape=(3, 8, 8), path_imgrec=rec,
             path_imgidx=idx, shuffle=True, resize=12, rand_crop=True, rand_mirror=True,
             mean=True, std=True, brightness=0.1, contrast=0.1, saturation=0.1, pca_noise=0.1,
             last_batch_handle='roll_over')
    run_iter(out, 'iter_list', batch_size=4, data_shape=(3, 8, 8), path_imglist=lst,
             path_root=IMAGES, rand_crop=True, rand_resize=True, hue=0.2, rand_gray=0.5,
             last_batch_handle='discard')
    run_iter(out, 'iter_parts', batch_size=2, data_shape=(3, 12, 12), path_imgrec=rec,
             path_imgidx=idx, num_parts=3, part_index=1)
    run_iter(out, 'iter_multilabel', batch_size=3, data_shape=(3, 8, 8), label_width=2,
             path_imgrec=os.path.join(IM2REC, 'multi', 'multi.rec'))
    run_iter(out, 'iter_imglist', batch_size=2, data_shape=(3, 10, 10),
             imglist=[[1.0, 'cat/cat0.jpg'], [[2.0], 'dog/dog1.png'], [4.0, 'bird/bird1.png']],
             path_root=IMAGES, epochs=1)
    run_iter(out, 'iter_imglist2', batch_size=2, data_shape=(3, 10, 10), label_width=2,
             imglist=[[1.0, 2.0, 'cat/cat0.jpg'], [[2.0, 3.0], 'dog/dog1.png']],
             path_root=IMAGES, epochs=1)


def main():
    out = {}
    functions(out)
    augmenters(out)
    image_iters(out)
    np.savez_compressed(os.path.join(PIPE, 'image_expected.npz'), **out)


if __name__ == '__main__':
    main()
