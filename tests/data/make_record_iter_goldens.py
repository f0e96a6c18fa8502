"""Expected batches of MXNet 1.9.1's mx.io.ImageRecordIter on the golden .rec files.

Run with the oracle's interpreter after make_recordio_goldens.py:

    /tmp/mxref/bin/python tests/data/make_record_iter_goldens.py

Only deterministic settings (no random augmentation) are recorded: their
pixels must match exactly.  For each case: the data of the first epoch and
the labels and pads of three epochs (round_batch carries the wrapped images
into the next epoch).  Also records the mean image MXNet computes for
``mean_img``.  Writes tests/data/pipeline/record_iter_expected.npz (+ a
mean image file).
"""
import json
import os
import shutil
import tempfile

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
PIPE = os.path.join(HERE, 'pipeline')
IM2REC = os.path.join(PIPE, 'im2rec')
REC = os.path.join(IM2REC, 'golden.rec')
IDX = os.path.join(IM2REC, 'golden.idx')


def cases():
    """name -> ImageRecordIter kwargs.  The test suite holds the same table."""
    base = dict(path_imgrec=REC, data_shape=(3, 8, 8), batch_size=3, preprocess_threads=1)

    def c(**kw):
        d = dict(base)
        d.update(kw)
        return d
    multi = os.path.join(IM2REC, 'multi', 'multi.rec')
    return {
        'center': c(),
        'resize_linear': c(resize=10),
        'resize_area': c(resize=12, inter_method=3),
        'resize_auto': c(resize=30, inter_method=9),
        'resize_nn': c(resize=9, inter_method=0),
        'upscale': c(data_shape=(3, 30, 16), batch_size=8, dtype='uint8'),
        'normalize': c(mean_r=123.68, mean_g=116.28, mean_b=103.53, std_r=58.395, std_g=57.12,
                       std_b=57.375, scale=0.5),
        'pad_fill': c(pad=3, fill_value=7, data_shape=(3, 12, 12), dtype='uint8'),
        'mirror': c(mirror=True, mean_r=10),
        'uint8': c(dtype='uint8', mean_r=50),
        'int8': c(dtype='int8', mean_r=100.5, mean_g=20.4, mean_b=-3),
        'gray': c(data_shape=(1, 8, 8)),
        'crop_size': c(max_crop_size=16, min_crop_size=16),
        'multilabel': c(path_imgrec=multi, label_width=2),
        'imglist': c(path_imglist=os.path.join(IM2REC, 'multi', 'multi.lst'), label_width=2),
        'parts_bytes': c(num_parts=3, part_index=1, batch_size=2),
        'parts_bytes_last': c(num_parts=3, part_index=2, batch_size=2),
        'parts_idx': c(path_imgidx=IDX, num_parts=3, part_index=1, batch_size=2),
        'parts_idx_last': c(path_imgidx=IDX, num_parts=3, part_index=2, batch_size=2),
        'batch5': c(batch_size=5),
        'batch8': c(batch_size=8),
        'rotate': c(rotate=30, fill_value=0, data_shape=(3, 16, 16), dtype='uint8'),
        'max_img_size': c(max_img_size=20, data_shape=(3, 12, 12), dtype='uint8'),
        'names': c(data_name='img', label_name='lab', device_id=-1),
        'shuffle_idx': c(path_imgidx=IDX, shuffle=True, seed=3),
        'shuffle_noidx': c(shuffle=True, seed=1),
        'shuffle_idx_parts': c(path_imgidx=IDX, shuffle=True, num_parts=2, part_index=1,
                               batch_size=2),
    }


def run(kwargs, out, name):
    it = mx.io.ImageRecordIter(**kwargs)
    meta = {'provide_data': [[d.name, list(d.shape), np.dtype(d.dtype).name]
                             for d in it.provide_data],
            'provide_label': [[d.name, list(d.shape), np.dtype(d.dtype).name]
                              for d in it.provide_label],
            'pads': []}
    # no reset() before the first epoch: MXNet's prefetcher makes an immediate reset racy
    for ep in range(3):
        pads = []
        for bi, batch in enumerate(it):
            if ep == 0:
                out['%s/e0_b%d_data' % (name, bi)] = batch.data[0].asnumpy()
                meta['context'] = str(batch.data[0].context)
            out['%s/e%d_b%d_label' % (name, ep, bi)] = batch.label[0].asnumpy()
            pads.append(batch.pad)
        meta['pads'].append(pads)
        it.reset()
    return meta


def main():
    out = {}
    meta = {}
    for name, kwargs in sorted(cases().items()):
        meta[name] = run(kwargs, out, name)
    # mean image: MXNet computes it over the (augmented) data and saves it
    tmp = tempfile.mkdtemp()
    try:
        mean_file = os.path.join(tmp, 'mean.bin')
        kwargs = dict(path_imgrec=REC, data_shape=(3, 8, 8), batch_size=3,
                      preprocess_threads=1, mean_img=mean_file, scale=0.5)
        meta['mean_img'] = run(kwargs, out, 'mean_img')
        shutil.copy(mean_file, os.path.join(PIPE, 'record_iter_mean.bin'))
        out['mean_img/mean'] = mx.nd.load(mean_file)['mean_img'].asnumpy()
    finally:
        shutil.rmtree(tmp)
    out['meta'] = np.frombuffer(json.dumps(meta, sort_keys=True).encode(), np.uint8)
    np.savez_compressed(os.path.join(PIPE, 'record_iter_expected.npz'), **out)


if __name__ == '__main__':
    main()
