"""Train a network on CIFAR-10 packed as RecordIO (data/cifar10_train.rec, data/cifar10_val.rec).

The .rec files are MXNet's (cifar10_train.rec / cifar10_val.rec, 32x32
pictures); when they are not in --data-train/--data-val the script tries to
download them into data/ as MXNet's did (--download 0: never), and otherwise
ends with a message saying where to put them.  Any other .rec pair works too:

    python train_cifar10.py --data-train my_train.rec --data-val my_val.rec \\
        --network resnet --num-layers 20 --num-classes 10 --num-examples 50000
"""
import argparse
import logging
import os

logging.basicConfig(level=logging.DEBUG)
from common import find_mxnet, data, fit  # noqa: E402
from common.cli import fail, get_symbol, run  # noqa: E402
from common.util import download_file  # noqa: E402

DATA_DIR = 'data'
BASE_URL = 'http://data.mxnet.io/data/cifar10/'
DEFAULT_FILES = (os.path.join(DATA_DIR, 'cifar10_train.rec'),
                 os.path.join(DATA_DIR, 'cifar10_val.rec'))


def download_cifar10():
    """Fetch MXNet's CIFAR-10 .rec files into data/; returns their names."""
    for fname in reversed(DEFAULT_FILES):
        download_file(BASE_URL + os.path.basename(fname), fname)
    return DEFAULT_FILES


def set_cifar_aug(aug):
    """The standard CIFAR augmentation (random crop of the 4-pixel-padded image, mirror)."""
    aug.set_defaults(rgb_mean='125.307,122.961,113.8575', rgb_std='51.5865,50.847,51.255')
    aug.set_defaults(random_mirror=1, pad=4, fill_value=0, random_crop=1)
    aug.set_defaults(min_random_size=32, max_random_size=32)


def ensure_data(args):
    """Download the default CIFAR-10 files when they are used and missing."""
    wanted = [f for f in (args.data_train, args.data_val) if f in DEFAULT_FILES]
    if not wanted or all(os.path.isfile(f) for f in wanted):
        return
    why = 'not downloaded (--download 0)'
    if args.download:
        try:
            download_cifar10()
            return
        except Exception as err:  # offline, DNS, HTTP errors
            why = 'download from %s failed: %s' % (BASE_URL, getattr(err, 'reason', err))
    fail('--data-train', 'CIFAR-10 not found at %s (%s); put MXNet\'s cifar10_train.rec and '
                         'cifar10_val.rec there, or pass your own .rec files with --data-train '
                         'and --data-val (tools/im2rec.py packs an image folder)'
         % (' and '.join(wanted), why))


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--download', type=int, default=1,
                        help='1: download CIFAR-10 into data/ when the default files are '
                             'missing; 0: never (default: 1)')
    fit.add_fit_args(parser)
    data.add_data_args(parser)
    data.add_data_aug_args(parser)
    # set_cifar_aug(parser)  # the standard CIFAR augmentations, off by default as in MXNet
    parser.set_defaults(
        # network
        network='resnet',
        num_layers=110,
        # data
        data_train=DEFAULT_FILES[0],
        data_val=DEFAULT_FILES[1],
        num_classes=10,
        num_examples=50000,
        image_shape='3,28,28',
        pad_size=4,
        # train
        batch_size=128,
        num_epochs=300,
        lr=.05,
        lr_step_epochs='200,250',
    )
    args = parser.parse_args()
    sym = get_symbol(args)
    ensure_data(args)
    fit.fit(args, sym, data.get_rec_iter)


if __name__ == '__main__':
    run(main)
