"""ImageRecordIter behaviour beyond the golden batches: random augmentation, errors, edge cases."""
import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import mxlite as mx
from mxlite.base import MXNetError

PIPE = os.path.join(os.path.dirname(__file__), '..', 'data', 'pipeline')
REC = os.path.join(PIPE, 'im2rec', 'golden.rec')
IDX = os.path.join(PIPE, 'im2rec', 'golden.idx')
with open(REC, 'rb') as _f:
    GOLDEN_REC = _f.read()


def make_rec(path, images, labels=None, fmt='.png'):
    """Pack numpy images (OpenCV channel order) losslessly into path (+ .idx)."""
    w = mx.recordio.MXIndexedRecordIO(path[:-4] + '.idx', path, 'w')
    for i, img in enumerate(images):
        lab = i if labels is None else labels[i]
        w.write_idx(i, mx.recordio.pack_img(mx.recordio.IRHeader(0, lab, i, 0), img,
                                            quality=1, img_fmt=fmt))
    w.close()
    return path


def unique_image(h, w, seed):
    """An image whose every 2x2 window is unique, so crops can be located."""
    rng = np.random.RandomState(seed)
    return rng.randint(0, 256, (h, w, 3)).astype(np.uint8)


def all_batches(it):
    return [(b.data[0].asnumpy(), b.label[0].asnumpy(), b.pad) for b in it]


RANDOM_AUG = dict(rand_crop=True, rand_mirror=True, brightness=0.2, contrast=0.2,
                  saturation=0.2, pca_noise=0.1, random_h=10, random_s=10, random_l=10,
                  max_rotate_angle=10, max_random_scale=1.2, min_random_scale=0.9,
                  max_aspect_ratio=0.2, max_shear_ratio=0.1, resize=14, inter_method=9,
                  max_random_contrast=0.1, max_random_illumination=5)


def test_random_augmentation_reproducible_for_any_thread_count():
    base = dict(path_imgrec=REC, data_shape=(3, 10, 10), batch_size=3, seed_aug=4, **RANDOM_AUG)
    a = all_batches(mx.io.ImageRecordIter(preprocess_threads=1, **base))
    b = all_batches(mx.io.ImageRecordIter(preprocess_threads=3, prefetch_buffer=1, **base))
    assert len(a) == len(b) == 3
    for (da, la, pa), (db, lb, pb) in zip(a, b):
        np.testing.assert_array_equal(da, db)
        np.testing.assert_array_equal(la, lb)
        assert pa == pb
    base['seed_aug'] = 5
    c = all_batches(mx.io.ImageRecordIter(**base))
    assert not np.array_equal(a[0][0], c[0][0])
    assert np.isfinite(a[0][0]).all()


def test_epochs_draw_new_augmentations():
    it = mx.io.ImageRecordIter(path_imgrec=REC, data_shape=(3, 10, 10), batch_size=4,
                               rand_crop=True, rand_mirror=True, resize=16)
    e1 = all_batches(it)
    it.reset()
    e2 = all_batches(it)
    assert not all(np.array_equal(x[0], y[0]) for x, y in zip(e1, e2))


def test_rand_crop_and_mirror_are_crops_of_the_image(tmp_path):
    img = unique_image(12, 15, 0)
    rec = make_rec(str(tmp_path / 'u.rec'), [img] * 40)
    it = mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 6, 6), batch_size=40,
                               rand_crop=True, rand_mirror=True, round_batch=False)
    data = next(it).data[0].asnumpy()
    rgb = img[:, :, ::-1].transpose(2, 0, 1).astype(np.float32)
    positions, mirrored = set(), 0
    for d in data:
        found = None
        for y in range(12 - 6 + 1):
            for x in range(15 - 6 + 1):
                win = rgb[:, y:y + 6, x:x + 6]
                if np.array_equal(win, d):
                    found = (y, x, False)
                elif np.array_equal(win[:, :, ::-1], d):
                    found = (y, x, True)
        assert found is not None
        positions.add(found[:2])
        mirrored += found[2]
    assert len(positions) > 5
    assert 5 <= mirrored <= 35


def test_random_resized_crop_and_crop_sizes(tmp_path):
    it = mx.io.ImageRecordIter(path_imgrec=REC, data_shape=(3, 9, 7), batch_size=4,
                               random_resized_crop=True, max_random_area=1.0,
                               min_random_area=0.3, max_aspect_ratio=1.33,
                               min_aspect_ratio=0.75)
    for d, _, _ in all_batches(it):
        assert d.shape == (4, 3, 9, 7)
    it = mx.io.ImageRecordIter(path_imgrec=REC, data_shape=(3, 8, 8), batch_size=4,
                               rand_crop=True, max_crop_size=18, min_crop_size=12)
    assert all_batches(it)[0][0].shape == (4, 3, 8, 8)
    with pytest.raises(MXNetError, match='conflicts with'):
        mx.io.ImageRecordIter(path_imgrec=REC, data_shape=(3, 8, 8), batch_size=4,
                              random_resized_crop=True, rand_crop=True)


def test_round_batch_false_pads_with_zeros():
    it = mx.io.ImageRecordIter(path_imgrec=REC, data_shape=(3, 8, 8), batch_size=3,
                               round_batch=False)
    for _ in range(2):
        batches = all_batches(it)
        assert [b[2] for b in batches] == [0, 0, 1]
        last = batches[-1]
        assert (last[0][2] == 0).all() and last[1][2] == 0 and (last[0][:2] != 0).any()
        it.reset()


def test_reset_mid_epoch_restarts():
    it = mx.io.ImageRecordIter(path_imgrec=REC, data_shape=(3, 8, 8), batch_size=3,
                               prefetch_buffer=2)
    first = next(it).label[0].asnumpy()
    next(it)
    it.reset()
    np.testing.assert_array_equal(next(it).label[0].asnumpy(), first)
    it.reset()
    labels = [b[1] for b in all_batches(it)]
    assert len(labels) == 3
    np.testing.assert_array_equal(labels[0], first)


def test_protocol_and_close():
    it = mx.io.ImageRecordIter(path_imgrec=REC, data_shape=(3, 8, 8), batch_size=4,
                               preprocess_threads=2)
    assert it.iter_next()
    assert it.getdata().shape == (4, 3, 8, 8) and it.getlabel().shape == (4,)
    assert it.getpad() == 0 and it.getindex().dtype == np.uint64
    assert it.iter_next() and not it.iter_next()
    assert it.batch_size == 4
    it.close()
    with pytest.raises(MXNetError, match='closed'):
        next(it)
    u8 = mx.io.ImageRecordUInt8Iter(path_imgrec=REC, data_shape=(3, 8, 8), batch_size=4)
    assert next(u8).data[0].dtype == np.uint8
    i8 = mx.io.ImageRecordInt8Iter(path_imgrec=REC, data_shape=(3, 8, 8), batch_size=4)
    assert next(i8).data[0].dtype == np.int8


def test_rgba_and_gray_images(tmp_path):
    rng = np.random.RandomState(1)
    bgra = rng.randint(0, 256, (6, 5, 4)).astype(np.uint8)
    rec = make_rec(str(tmp_path / 'a.rec'), [bgra] * 2)
    d = next(mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(4, 6, 5), batch_size=2,
                                   dtype='uint8')).data[0].asnumpy()
    np.testing.assert_array_equal(d[0], bgra[:, :, [2, 1, 0, 3]].transpose(2, 0, 1))
    with pytest.raises(MXNetError, match='expected 4 channels'):
        next(mx.io.ImageRecordIter(path_imgrec=REC, data_shape=(4, 8, 8), batch_size=2))
    gray = rng.randint(0, 256, (6, 5)).astype(np.uint8)
    rec = make_rec(str(tmp_path / 'g.rec'), [gray] * 2)
    d = next(mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 6, 5), batch_size=2,
                                   dtype='uint8')).data[0].asnumpy()
    for c in range(3):
        np.testing.assert_array_equal(d[0, c], gray)


def test_parameter_errors(tmp_path):
    kw = dict(path_imgrec=REC, data_shape=(3, 8, 8), batch_size=2)

    def bad(match, **over):
        args = dict(kw)
        args.update(over)
        with pytest.raises(MXNetError, match=match):
            mx.io.ImageRecordIter(**args)
    bad('cannot open record file .*nope.rec', path_imgrec=str(tmp_path / 'nope.rec'))
    bad('path_imgrec must be given', path_imgrec='')
    bad('data_shape must be 3 positive', data_shape=(8, 8))
    bad(r'data_shape\[0\] \(channels\) must be 1', data_shape=(2, 8, 8))
    bad('label_width must be 1 unless an imglist', label_width=2)
    bad("dtype 'float16' is not supported", dtype='float16')
    bad('inter_method', inter_method=7, resize=10)
    bad('part_index=3 must be in', num_parts=2, part_index=3)
    bad('aug_seq', aug_seq='det_aug_default')
    bad('batch_size must be positive', batch_size=0)
    bad('must be bigger than the batch size', batch_size=20)
    bad('invalid value .* for parameter rand_crop', rand_crop='maybe')
    bad('std_g must not be 0', std_g=0)
    with pytest.raises(MXNetError, match='required parameter batch_size'):
        mx.io.ImageRecordIter(path_imgrec=REC, data_shape=(3, 8, 8))
    with pytest.raises(MXNetError, match='keyword arguments'):
        mx.io.ImageRecordIter(REC)
    with pytest.warns(UserWarning, match="unknown parameter 'foo'"):
        mx.io.ImageRecordIter(foo=1, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter('error')
        it = mx.io.ImageRecordIter(max_random_h=5, data_shape='(3,8,8)', rand_crop='1',
                                   path_imgrec=REC, batch_size='2')
    assert it._p.random_h == 5 and it._p.rand_crop is True
    mean = tmp_path / 'mean.bin'
    mx.nd.save(str(mean), {'mean_img': mx.nd.zeros((3, 4, 4))})
    bad(r'has shape \(3, 4, 4\) but data_shape is \(3, 8, 8\)', mean_img=str(mean))


def test_bad_records(tmp_path):
    rec = str(tmp_path / 'bad.rec')
    w = mx.recordio.MXRecordIO(rec, 'w')
    good = mx.recordio.pack_img(mx.recordio.IRHeader(0, 1, 0, 0), np.zeros((8, 8, 3), np.uint8),
                                img_fmt='.png')
    w.write(good)
    w.write(mx.recordio.pack(mx.recordio.IRHeader(0, 2, 7, 0), b'not an image'))
    w.close()
    with pytest.raises(MXNetError, match=r'invalid image in record id 7 at byte \d+ of .*bad.rec'):
        mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=2)
    with open(rec, 'wb') as f:
        f.write(GOLDEN_REC[:3000])
    with pytest.raises(MXNetError, match=r'bad.rec: invalid RecordIO file.*byte \d+'):
        it = mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=2)
        all_batches(it)
    lst = tmp_path / 'x.lst'
    lst.write_text('0\t1.0\ta.jpg\n')
    with pytest.raises(MXNetError, match='fail to find imagelabel for id 4'):
        mx.io.ImageRecordIter(path_imgrec=REC, path_imglist=str(lst), data_shape=(3, 8, 8),
                              batch_size=2)



@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(pos=st.integers(0, len(GOLDEN_REC) - 1), val=st.integers(1, 255),
       cut=st.integers(1, len(GOLDEN_REC)))
def test_corrupt_rec_in_iterator(tmp_path, pos, val, cut):
    buf = bytearray(GOLDEN_REC)
    buf[pos] ^= val
    rec = str(tmp_path / 'c.rec')
    with open(rec, 'wb') as f:
        f.write(bytes(buf[:cut]))
    try:
        it = mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=2,
                                   preprocess_threads=2, round_batch=False)
        for _ in range(2):
            for b in it:
                assert b.data[0].shape == (2, 3, 8, 8)
            it.reset()
    except MXNetError as e:
        assert 'c.rec' in str(e) and 'byte' in str(e), str(e)


def test_wrapped_first_batch_and_reset(tmp_path):
    """4 images, batch 5: every batch wraps around to the first images."""
    rec = make_rec(str(tmp_path / 's.rec'), [unique_image(8, 8, i) for i in range(4)])
    it = mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=5)
    it.reset()  # before the wrapped batch was seen: a plain restart
    b = next(it)
    assert b.pad == 1
    np.testing.assert_array_equal(b.label[0].asnumpy(), [0, 1, 2, 3, 0])
    with pytest.raises(StopIteration):
        next(it)
    it.reset()  # seen: the next epoch continues behind the wrapped images, as MXNet
    b = next(it)
    assert b.pad == 2
    np.testing.assert_array_equal(b.label[0].asnumpy(), [1, 2, 3, 0, 1])
    # 3 images, batch 5: the second epoch would need a second wrap; MXNet fails the same way
    rec = make_rec(str(tmp_path / 't.rec'), [unique_image(8, 8, i) for i in range(3)])
    it = mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=5)
    np.testing.assert_array_equal(next(it).label[0].asnumpy(), [0, 1, 2, 0, 1])
    it.reset()
    with pytest.raises(MXNetError, match='must be bigger than the batch size'):
        next(it)
