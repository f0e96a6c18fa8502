"""ImageRecordIter throughput: mxlite vs MXNet 1.9.1 on the same .rec file.

Generates synthetic photos (smooth colour fields plus texture), packs them
with mxlite's tools/im2rec.py into 224x224 JPEGs (``--resize 224
--center-crop``), then times a full pass of ``mx.io.ImageRecordIter`` with
``rand_crop``, ``rand_mirror`` and mean/std normalisation on 2 decoding
threads, for mxlite (in this process) and for MXNet (the oracle interpreter,
run as a subprocess on the same file).  Reports the median images/sec of
several passes after a warm-up pass.

    python benchmark/io_bench.py [--num-images 1024] [--repeats 5]
        [--threads 2] [--batch-size 32] [--oracle /tmp/mxref/bin/python]

A second configuration ("crop256") packs the images with shorter side 256
and crops 224x224 out of them, as ImageNet training does.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, REPO)

TIMER = r'''
import json, sys, time
{import_line}
kw = json.loads(sys.argv[1])
repeats = int(sys.argv[2])
it = mx.io.ImageRecordIter(**kw)
def one_pass():
    n = 0
    t = time.perf_counter()
    for b in it:
        b.data[0].wait_to_read()
        n += b.data[0].shape[0] - b.pad
    dt = time.perf_counter() - t
    it.reset()
    return n / dt
one_pass()  # warm-up: file cache, thread start, JIT
print(json.dumps([one_pass() for _ in range(repeats)]))
'''


def make_images(folder, n, seed=0):
    """``n`` synthetic photos, 240-320 px per side, in 4 class folders."""
    import cv2
    rng = np.random.RandomState(seed)
    for i in range(n):
        cls = os.path.join(folder, 'class%d' % (i % 4))
        os.makedirs(cls, exist_ok=True)
        h, w = rng.randint(240, 321), rng.randint(240, 321)
        base = rng.randint(0, 256, (rng.randint(4, 12), rng.randint(4, 12), 3)).astype(np.uint8)
        img = cv2.resize(base, (w, h), interpolation=cv2.INTER_CUBIC).astype(np.int16)
        img += rng.randint(-12, 13, (h, w, 3)).astype(np.int16)
        cv2.imwrite(os.path.join(cls, 'img%05d.jpg' % i),
                    np.clip(img, 0, 255).astype(np.uint8), [cv2.IMWRITE_JPEG_QUALITY, 95])


def pack(prefix, root, resize):
    tool = os.path.join(REPO, 'tools', 'im2rec.py')
    subprocess.run([sys.executable, tool, '--list', '--recursive', prefix, root], check=True,
                   capture_output=True)
    args = [sys.executable, tool, '--resize', str(resize), '--quality', '95', '--num-thread', '2']
    if resize == 224:
        args.append('--center-crop')
    subprocess.run(args + [prefix, root], check=True, capture_output=True)
    return prefix + '.rec'


def run_timer(python, import_line, kwargs, repeats, env=None):
    """Median-able images/sec of ``repeats`` passes in a fresh ``python`` (used by run.py)."""
    code = TIMER.format(import_line=import_line)
    env = dict(os.environ if env is None else env)
    env['PYTHONPATH'] = REPO + os.pathsep + env.get('PYTHONPATH', '')
    res = subprocess.run([python, '-c', code, json.dumps(kwargs), str(repeats)], env=env,
                         capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError('%s failed:\n%s' % (python, res.stderr[-2000:]))
    return json.loads(res.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--num-images', type=int, default=1024)
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--batch-size', type=int, default=32)
    ap.add_argument('--oracle', default='/tmp/mxref/bin/python',
                    help='Python interpreter with mxnet 1.9.1 installed')
    ap.add_argument('--json', help='also write the results to this file')
    args = ap.parse_args()

    tmp = tempfile.mkdtemp(prefix='io_bench_')
    results = []
    try:
        root = os.path.join(tmp, 'images')
        t = time.time()
        make_images(root, args.num_images)
        print('generated %d images in %.1f s' % (args.num_images, time.time() - t))
        configs = [('jpeg224', 224, dict(rand_crop=True)),
                   ('crop256', 256, dict(rand_crop=True))]
        for name, resize, extra in configs:
            rec = pack(os.path.join(tmp, name), root, resize)
            kwargs = dict(path_imgrec=rec, data_shape=(3, 224, 224), batch_size=args.batch_size,
                          rand_mirror=True, mean_r=123.68, mean_g=116.28, mean_b=103.53,
                          std_r=58.395, std_g=57.12, std_b=57.375,
                          preprocess_threads=args.threads, verbose=False, **extra)
            row = {'config': name, 'rec_mb': os.path.getsize(rec) / 2 ** 20}
            mxl = run_timer(sys.executable, 'import mxlite as mx', kwargs, args.repeats)
            row['mxlite'] = statistics.median(mxl)
            row['mxlite_runs'] = mxl
            if os.path.exists(args.oracle):
                ref = run_timer(args.oracle, 'import mxnet as mx', kwargs, args.repeats)
                row['mxnet'] = statistics.median(ref)
                row['mxnet_runs'] = ref
            results.append(row)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print('\nImageRecordIter, data_shape 3x224x224, batch %d, %d decoding threads, rand_crop + '
          'rand_mirror + mean/std; median of %d passes over %d images'
          % (args.batch_size, args.threads, args.repeats, args.num_images))
    print('%-10s %8s %16s %16s %8s' % ('config', 'rec MB', 'mxlite img/s', 'MXNet img/s',
                                        'ratio'))
    for r in results:
        mxn = r.get('mxnet')
        print('%-10s %8.1f %16.0f %16s %8s' % (r['config'], r['rec_mb'], r['mxlite'],
                                                '%.0f' % mxn if mxn else 'n/a',
                                                '%.2fx' % (r['mxlite'] / mxn) if mxn else ''))
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'args': vars(args), 'cpu_count': os.cpu_count(), 'results': results}, f,
                      indent=1)


if __name__ == '__main__':
    main()
