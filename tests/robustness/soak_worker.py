"""A long training run for the soak test: ImageRecordIter + Module, memory sampled as it goes.

    python soak_worker.py FOLDER BATCHES

Packs a small image .rec in FOLDER, then trains a small conv net on it
with ``ImageRecordIter`` (4 decoding threads, random crops and mirrors,
``reset()`` at every epoch) for BATCHES batches, sampling resident memory,
open file descriptors and threads.  Afterwards it closes and deletes the
iterators and counts file descriptors and threads again.  Prints one JSON
line with the samples.
"""
import gc
import json
import logging
import os
import sys
import threading

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..'))

import mxlite as mx  # noqa: E402

IMAGES = 96
BATCH = 16


def rss_bytes():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('VmRSS:'):
                return int(line.split()[1]) * 1024
    raise RuntimeError('no VmRSS')


def os_threads():
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('Threads:'):
                return int(line.split()[1])
    raise RuntimeError('no Threads')


def py_threads():
    """Python threads, leaving out the kernels' compute pool: it starts with the first
    large batch and lives as long as the interpreter by design (not a leak)."""
    return sum(1 for t in threading.enumerate() if not t.name.startswith('mxlite-ufunc'))


def open_fds():
    return len(os.listdir('/proc/self/fd'))


def pack(folder):
    rec = os.path.join(folder, 'soak.rec')
    w = mx.recordio.MXIndexedRecordIO(rec[:-4] + '.idx', rec, 'w')
    rs = np.random.RandomState(0)
    for i in range(IMAGES):
        img = rs.randint(0, 256, (36, 36, 3)).astype(np.uint8)
        w.write_idx(i, mx.recordio.pack_img(mx.recordio.IRHeader(0, float(i % 10), i, 0), img,
                                            quality=90, img_fmt='.jpg'))
    w.close()
    return rec


def network():
    data = mx.sym.var('data')
    net = mx.sym.Convolution(data, kernel=(3, 3), num_filter=8, name='conv1')
    net = mx.sym.BatchNorm(net, name='bn1')
    net = mx.sym.Activation(net, act_type='relu')
    net = mx.sym.Pooling(net, kernel=(2, 2), stride=(2, 2), pool_type='max')
    net = mx.sym.FullyConnected(mx.sym.Flatten(net), num_hidden=10, name='fc')
    return mx.sym.SoftmaxOutput(net, name='softmax')


def run(folder, batches):
    """Train, sample, release; returns the figures (see the module docstring)."""
    rec = pack(folder)
    base_fds, base_threads = open_fds(), py_threads()
    it = mx.io.ImageRecordIter(path_imgrec=rec, path_imgidx=rec[:-4] + '.idx', shuffle=True,
                               data_shape=(3, 28, 28), batch_size=BATCH, rand_crop=True,
                               rand_mirror=True, preprocess_threads=4, prefetch_buffer=3,
                               mean_r=123, mean_g=117, mean_b=104, scale=1 / 58.0)
    val = mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 28, 28), batch_size=BATCH,
                                preprocess_threads=2)
    per_epoch = IMAGES // BATCH
    mod = mx.mod.Module(network())
    samples = []
    threads_seen = set()

    def sample(param):
        done = param.epoch * per_epoch + param.nbatch + 1
        if done % 25 == 0:
            gc.collect()
            samples.append((done, rss_bytes(), open_fds(), py_threads(),
                            os_threads()))
        threads_seen.add(py_threads())

    mod.fit(it, eval_data=val, num_epoch=-(-batches // per_epoch), optimizer='sgd',
            optimizer_params={'learning_rate': 0.01, 'momentum': 0.9},
            initializer=mx.init.Xavier(), batch_end_callback=sample, on_nan='stop',
            progress=False)
    during = (open_fds(), py_threads())
    it.close()
    del it, val, mod
    gc.collect()
    return {'samples': samples, 'base_fds': base_fds, 'base_threads': base_threads,
            'during': during, 'after_fds': open_fds(), 'after_threads': py_threads(),
            'max_threads': max(threads_seen)}


def main(folder, batches):
    logging.disable(logging.WARNING)
    print(json.dumps(run(folder, batches)))


if __name__ == '__main__':
    main(sys.argv[1], int(sys.argv[2]))
