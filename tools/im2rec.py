#!/usr/bin/env python
"""Create image lists (.lst) and pack images into RecordIO (.rec/.idx) files.

Same command line as MXNet 1.x's tools/im2rec.py:

    python tools/im2rec.py PREFIX ROOT --list --recursive --train-ratio 0.8 \\
        --test-ratio 0.1 --exts .jpg .jpeg .png          # writes PREFIX_{train,val,test}.lst
    python tools/im2rec.py PREFIX ROOT --resize 224 --quality 95 --num-thread 8
        # packs every PREFIX*.lst in PREFIX's folder into matching .rec/.idx files

Older scripts' spellings keep working: ``--list=true --recursive=true
--exts=['.jpg','.png']``, ``--shuffle=False``, ``--resize=224`` and a .lst path
as the prefix (``python tools/im2rec.py --resize=224 data/val.lst data/``).

Beyond MXNet: GIF (first frame), BMP, WebP and TIFF images are read through
Pillow when OpenCV cannot read them (add their extensions with --exts when
making lists); an unreadable image is skipped with a warning naming it, and
each packed file ends with a count of packed and skipped images.  Output
files are written under temporary names and renamed when complete, so an
interrupted run never leaves a truncated .rec in place of a good one.
"""
import argparse
import ast
import os
import random
import sys
import time
from concurrent.futures import ThreadPoolExecutor

try:
    import mxlite as mx
except ImportError:  # run from a source checkout: tools/ sits next to mxlite/
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
    import mxlite as mx

import numpy as np

BOOL_FLAGS = {'--list': 'list', '--recursive': 'recursive', '--no-shuffle': None,
              '--shuffle': 'shuffle', '--pass-through': 'pass_through',
              '--center-crop': 'center_crop', '--pack-label': 'pack_label'}
_TRUE = ('1', 'true', 'yes', 'y', 'on')
_FALSE = ('0', 'false', 'no', 'n', 'off', 'none', '')


def list_image(root, recursive, exts):
    """Yield (index, relative path, label) for the images under ``root``.

    With ``recursive`` every folder that holds images gets its own label, in
    sorted walk order, and the folder -> label mapping is printed.
    """
    i = 0
    if recursive:
        cat = {}
        for path, dirs, files in os.walk(root, followlinks=True):
            dirs.sort()
            files.sort()
            for fname in files:
                fpath = os.path.join(path, fname)
                suffix = os.path.splitext(fname)[1].lower()
                if os.path.isfile(fpath) and (suffix in exts):
                    if path not in cat:
                        cat[path] = len(cat)
                    yield (i, os.path.relpath(fpath, root), cat[path])
                    i += 1
        for k, v in sorted(cat.items(), key=lambda x: x[1]):
            print(os.path.relpath(k, root), v)
    else:
        for fname in sorted(os.listdir(root)):
            fpath = os.path.join(root, fname)
            suffix = os.path.splitext(fname)[1].lower()
            if os.path.isfile(fpath) and (suffix in exts):
                yield (i, os.path.relpath(fpath, root), 0)
                i += 1


def write_list(path_out, image_list):
    """Write ``index<TAB>label(s)<TAB>path`` lines (labels as %f)."""
    tmp = path_out + '.tmp'
    with open(tmp, 'w') as fout:
        for item in image_list:
            line = '%d\t' % item[0]
            for j in item[2:]:
                line += '%f\t' % j
            line += '%s\n' % item[1]
            fout.write(line)
    os.replace(tmp, path_out)


def make_list(args):
    """Write the .lst file(s) for ``args.root``."""
    image_list = list(list_image(args.root, args.recursive, args.exts))
    if args.shuffle is True:
        random.seed(100)
        random.shuffle(image_list)
    n = len(image_list)
    chunk_size = (n + args.chunks - 1) // args.chunks
    for i in range(args.chunks):
        chunk = image_list[i * chunk_size:(i + 1) * chunk_size]
        str_chunk = '_%d' % i if args.chunks > 1 else ''
        sep = int(chunk_size * args.train_ratio)
        sep_test = int(chunk_size * args.test_ratio)
        if args.train_ratio == 1.0:
            write_list(args.prefix + str_chunk + '.lst', chunk)
        else:
            if args.test_ratio:
                write_list(args.prefix + str_chunk + '_test.lst', chunk[:sep_test])
            if args.train_ratio + args.test_ratio < 1.0:
                write_list(args.prefix + str_chunk + '_val.lst', chunk[sep_test + sep:])
            write_list(args.prefix + str_chunk + '_train.lst', chunk[sep_test:sep_test + sep])
    print('listed %d images from %s' % (n, args.root), file=sys.stderr)


def read_list(path_in):
    """Yield [index, path, label, ...] items of a .lst file, skipping bad lines."""
    with open(path_in, 'rb') as fin:
        for lineno, raw in enumerate(fin, 1):
            try:
                line = raw.decode('utf-8')
            except UnicodeDecodeError:
                print('lst line is not UTF-8 text, skipped (%s line %d)' % (path_in, lineno),
                      file=sys.stderr)
                continue
            line = [i.strip() for i in line.strip().split('\t')]
            if line == ['']:
                continue
            if len(line) < 3:
                print('lst should have at least has three parts, but only has %s parts for %s '
                      '(%s line %d)' % (len(line), line, path_in, lineno), file=sys.stderr)
                continue
            try:
                item = [int(line[0])] + [line[-1]] + [float(i) for i in line[1:-1]]
            except ValueError as e:
                print('Parsing lst met error for %s, detail: %s (%s line %d)'
                      % (line, e, path_in, lineno), file=sys.stderr)
                continue
            yield item


def _pillow_read(path, color):
    """Read with Pillow (GIF first frame, and whatever OpenCV cannot read) as OpenCV would."""
    from PIL import Image
    with Image.open(path) as im:
        im.seek(0)
        if color == 0:
            return np.asarray(im.convert('L'))
        has_alpha = im.mode in ('RGBA', 'LA', 'PA') or \
            (im.mode == 'P' and 'transparency' in im.info)
        if color == -1 and has_alpha:
            arr = np.asarray(im.convert('RGBA'))
            return np.ascontiguousarray(arr[:, :, [2, 1, 0, 3]])
        arr = np.asarray(im.convert('RGB'))
        return np.ascontiguousarray(arr[:, :, ::-1])


def read_image(path, color):
    """Decode an image file like cv2.imread(path, color); Pillow as fallback.

    Returns (image, None) or (None, reason).
    """
    import cv2
    try:
        buf = np.fromfile(path, dtype=np.uint8)
    except OSError as e:
        return None, e.strerror or str(e)
    img = cv2.imdecode(buf, color) if buf.size else None
    if img is not None:
        return img, None
    try:
        return _pillow_read(path, color), None
    except Exception as e:  # noqa: BLE001 - any decoder failure means "unreadable"
        return None, 'not a readable image (%s)' % (str(e) or type(e).__name__)


def image_encode(args, item):
    """Read, transform and pack one list item; returns (packed bytes or None, reason)."""
    import cv2
    fullpath = os.path.join(args.root, item[1])
    if len(item) > 3 and args.pack_label:
        header = mx.recordio.IRHeader(0, item[2:], item[0], 0)
    else:
        header = mx.recordio.IRHeader(0, item[2], item[0], 0)
    if args.pass_through:
        try:
            with open(fullpath, 'rb') as fin:
                return mx.recordio.pack(header, fin.read()), None
        except OSError as e:
            return None, e.strerror or str(e)
    img, why = read_image(fullpath, args.color)
    if img is None:
        return None, why
    if args.center_crop:
        if img.shape[0] > img.shape[1]:
            margin = (img.shape[0] - img.shape[1]) // 2
            img = img[margin:margin + img.shape[1], :]
        else:
            margin = (img.shape[1] - img.shape[0]) // 2
            img = img[:, margin:margin + img.shape[0]]
    if args.resize:
        if img.shape[0] > img.shape[1]:
            newsize = (args.resize, img.shape[0] * args.resize // img.shape[1])
        else:
            newsize = (img.shape[1] * args.resize // img.shape[0], args.resize)
        img = cv2.resize(np.ascontiguousarray(img), newsize)
    try:
        return mx.recordio.pack_img(header, img, quality=args.quality,
                                    img_fmt=args.encoding), None
    except mx.base.MXNetError as e:
        return None, str(e)


def write_record(args, fname, working_dir):
    """Pack the images of list ``fname`` into <list name>.rec/.idx in ``working_dir``."""
    base = os.path.splitext(os.path.basename(fname))[0]
    fname_rec = os.path.join(working_dir, base + '.rec')
    fname_idx = os.path.join(working_dir, base + '.idx')
    items = list(read_list(fname))
    total = len(items)
    tmp_rec, tmp_idx = fname_rec + '.tmp', fname_idx + '.tmp'
    record = mx.recordio.MXIndexedRecordIO(tmp_idx, tmp_rec, 'w')
    packed = 0
    skipped = []
    start = pre_time = time.time()
    try:
        nthreads = max(1, args.num_thread)
        with ThreadPoolExecutor(max_workers=nthreads) as pool:
            # bounded look-ahead keeps memory flat on huge lists
            window = max(64, 16 * nthreads)
            for lo in range(0, total, window):
                chunk = items[lo:lo + window]
                for item, (s, why) in zip(chunk, pool.map(lambda it: image_encode(args, it),
                                                          chunk)):
                    count = packed + len(skipped)
                    if count % 1000 == 0:
                        cur_time = time.time()
                        print('time:', cur_time - pre_time, ' count:', count)
                        pre_time = cur_time
                    if s is None:
                        skipped.append(item[1])
                        print('warning: skipping %s: %s'
                              % (os.path.join(args.root, item[1]), why), file=sys.stderr)
                        continue
                    record.write_idx(item[0], s)
                    packed += 1
                if total > window:
                    done = min(lo + window, total)
                    print('progress: %d/%d images (%.0f%%)' % (done, total, 100.0 * done / total),
                          file=sys.stderr)
    except BaseException:
        record.close()
        for t in (tmp_rec, tmp_idx):
            if os.path.exists(t):
                os.unlink(t)
        raise
    record.close()
    os.replace(tmp_rec, fname_rec)
    os.replace(tmp_idx, fname_idx)
    print('%s: packed %d images, skipped %d, in %.1f s'
          % (fname_rec, packed, len(skipped), time.time() - start))
    return packed, skipped


def _legacy_argv(argv):
    """Rewrite old spellings (--flag=true, --exts=['.jpg','.png']) into today's.

    ``--exts .jpg .png PREFIX ROOT`` is folded into one ``--exts=.jpg,.png``
    token (extensions start with a dot), so the positionals that follow are
    not swallowed by the list.
    """
    out = []
    argv = list(argv)
    k = 0
    while k < len(argv):
        arg = argv[k]
        k += 1
        if arg == '--exts':
            exts = []
            while k < len(argv) and argv[k].startswith('.'):
                exts.extend(_parse_exts(argv[k]))
                k += 1
            if not exts and k < len(argv) and not argv[k].startswith('-'):
                exts.extend(_parse_exts(argv[k]))
                k += 1
            out.append('--exts=' + ','.join(exts))
            continue
        if arg.startswith('--') and '=' in arg:
            flag, value = arg.split('=', 1)
            if flag in BOOL_FLAGS:
                v = value.strip().strip('"\'').lower()
                if v not in _TRUE + _FALSE:
                    raise SystemExit('im2rec.py: error: %s expects true or false, got %r'
                                     % (flag, value))
                on = v in _TRUE
                if flag == '--no-shuffle':
                    out.append('--no-shuffle' if on else '--shuffle')
                elif flag == '--shuffle':
                    out.append('--shuffle' if on else '--no-shuffle')
                elif on:
                    out.append(flag)
                continue
            if flag == '--exts':
                out.append('--exts=' + ','.join(_parse_exts(value)))
                continue
        out.append(arg)
    return out


def _parse_exts(value):
    value = value.strip()
    if value.startswith('['):
        try:
            exts = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            exts = value.strip('[]').replace('"', '').replace("'", '').split(',')
    else:
        exts = value.split(',')
    return [e.strip() for e in exts if e.strip()]


def build_parser():
    parser = argparse.ArgumentParser(
        prog='im2rec.py',
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        description='Create an image list or make a record database by reading from an image '
                    'list (mxlite implementation of MXNet\'s tools/im2rec.py).',
        epilog='Legacy forms such as --list=true, --exts=[\'.jpg\',\'.png\'] and a .lst path as '
               'PREFIX are accepted.  Images OpenCV cannot read (GIF, some TIFF/WebP) are read '
               'with Pillow; unreadable images are skipped with a warning.')
    parser.add_argument('prefix', help='prefix of input/output lst and rec files (a .lst path '
                                       'packs just that list).')
    parser.add_argument('root', help='path to folder containing images.')
    cgroup = parser.add_argument_group('Options for creating image lists')
    cgroup.add_argument('--list', action='store_true',
                        help='If this is set im2rec will create image list(s) by traversing root '
                             'folder and output to <prefix>.lst. Otherwise im2rec will read '
                             '<prefix>.lst and create a database at <prefix>.rec')
    cgroup.add_argument('--exts', nargs='+', default=['.jpeg', '.jpg', '.png'],
                        help='list of acceptable image extensions (add .gif .bmp .webp .tif '
                             '.tiff to include those).')
    cgroup.add_argument('--chunks', type=int, default=1, help='number of chunks.')
    cgroup.add_argument('--train-ratio', type=float, default=1.0,
                        help='Ratio of images to use for training.')
    cgroup.add_argument('--test-ratio', type=float, default=0,
                        help='Ratio of images to use for testing.')
    cgroup.add_argument('--recursive', action='store_true',
                        help='If true recursively walk through subdirs and assign an unique label '
                             'to images in each folder. Otherwise only include images in the '
                             'root folder and give them label 0.')
    cgroup.add_argument('--no-shuffle', dest='shuffle', action='store_false',
                        help='If this is passed, im2rec will not randomize the image order in '
                             '<prefix>.lst')
    cgroup.add_argument('--shuffle', dest='shuffle', action='store_true', default=True,
                        help='Randomize the image order in <prefix>.lst (the default; kept for '
                             'older scripts).')
    rgroup = parser.add_argument_group('Options for creating database')
    rgroup.add_argument('--pass-through', action='store_true',
                        help='whether to skip transformation and save image as is')
    rgroup.add_argument('--resize', type=int, default=0,
                        help='resize the shorter edge of image to the newsize, original images '
                             'will be packed by default.')
    rgroup.add_argument('--center-crop', action='store_true',
                        help='specify whether to crop the center image to make it rectangular.')
    rgroup.add_argument('--quality', type=int, default=95,
                        help='JPEG quality for encoding, 1-100; or PNG compression for encoding, '
                             '1-9')
    rgroup.add_argument('--num-thread', type=int, default=1,
                        help='number of threads to use for encoding (records are written in '
                             'list order).')
    rgroup.add_argument('--color', type=int, default=1, choices=[-1, 0, 1],
                        help='specify the color mode of the loaded image. 1: Loads a color '
                             'image. Any transparency of image will be neglected. It is the '
                             'default flag. 0: Loads image in grayscale mode. -1:Loads image as '
                             'such including alpha channel.')
    rgroup.add_argument('--encoding', type=str, default='.jpg', choices=['.jpg', '.png'],
                        help='specify the encoding of the images.')
    rgroup.add_argument('--pack-label', action='store_true',
                        help='Whether to also pack multi dimensional label in the record file')
    return parser


def parse_args(argv=None):
    """Parse the command line (``sys.argv[1:]`` by default)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser().parse_args(_legacy_argv(argv))
    args.exts = [e if e.startswith('.') else '.' + e for e in
                 (x.lower() for ext in args.exts for x in _parse_exts(ext))]
    args.prefix = os.path.abspath(args.prefix)
    args.root = os.path.abspath(args.root)
    return args


def main(argv=None):
    """Run im2rec; returns the process exit status."""
    args = parse_args(argv)
    if args.list:
        if not os.path.isdir(args.root):
            print('im2rec.py: error: image folder %s does not exist' % args.root, file=sys.stderr)
            return 1
        make_list(args)
        return 0
    if os.path.isdir(args.prefix):
        working_dir = args.prefix
    else:
        working_dir = os.path.dirname(args.prefix)
    files = sorted(os.path.join(working_dir, fname) for fname in os.listdir(working_dir)
                   if os.path.isfile(os.path.join(working_dir, fname)))
    count = 0
    total_skipped = 0
    for fname in files:
        if fname.startswith(args.prefix) and fname.endswith('.lst'):
            print('Creating .rec file from', fname, 'in', working_dir)
            count += 1
            _, skipped = write_record(args, fname, working_dir)
            total_skipped += len(skipped)
    if not count:
        print('Did not find and list file with prefix %s' % args.prefix, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
