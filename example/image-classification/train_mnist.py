"""Train a network on MNIST, or on the handwritten digits shipped with mxlite.

With the four MNIST idx files (optionally .gz) in --data-dir, trains on them;
when they are missing it first tries to download them there (as MXNet's
script does; --download 0 never touches the network), and otherwise says so
in one line and trains on the 1,797 embedded UCI digits (28x28 like MNIST,
1,438 for training, 359 for validation).  On the digits the defaults are 10
epochs with the learning-rate step after 5 (MNIST: 20 and 10, as in MXNet).

    python train_mnist.py --network lenet
    python train_mnist.py --network lenet --model-prefix model/lenet --num-epochs 5
    python train_mnist.py --network lenet --model-prefix model/lenet --load-epoch 5 --num-epochs 8
"""
import argparse
import logging
import os

logging.basicConfig(level=logging.DEBUG)
from common import find_mxnet, fit  # noqa: E402
from common.cli import fail, get_symbol, parse_shape, run  # noqa: E402
from common.util import download_file  # noqa: E402
import mxlite as mx  # noqa: E402

MNIST_FILES = ('train-images-idx3-ubyte', 'train-labels-idx1-ubyte',
               't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte')
MIRRORS = ('https://ossci-datasets.s3.amazonaws.com/mnist/',
           'https://web.archive.org/web/20160828233817/http://yann.lecun.com/exdb/mnist/')


def _missing(data_dir):
    return [f for f in MNIST_FILES if not os.path.isfile(os.path.join(data_dir, f)) and
            not os.path.isfile(os.path.join(data_dir, f + '.gz'))]


def _download(data_dir, names):
    """Fetch the missing idx files; '' when done, else why not."""
    reason = ''
    for base in MIRRORS:
        try:
            for name in names:
                download_file(base + name + '.gz', os.path.join(data_dir, name + '.gz'))
            return ''
        except Exception as err:  # offline, DNS, HTTP errors: fall back to the digits
            reason = '%s: %s' % (type(err).__name__, getattr(err, 'reason', err))
    return reason


def read_data(args):
    """MNIST from --data-dir (downloaded there if possible), else the embedded digits."""
    missing = _missing(args.data_dir)
    why = 'not downloaded (--download 0)'
    if missing and args.download:
        why = _download(args.data_dir, missing)
        missing = _missing(args.data_dir)
        if not missing:
            logging.info('downloaded MNIST into %s', args.data_dir)
    if not missing:
        return mx.test_utils.get_mnist(args.data_dir), 'MNIST'
    logging.info('MNIST not found in %s (%s); training on the 1,797 handwritten digits '
                 'embedded in mxlite instead (mx.test_utils.get_digits(): 1,438 train, '
                 '359 validation)', os.path.abspath(args.data_dir), why)
    return mx.test_utils.get_digits(), 'digits'


# (num_epochs, lr_step_epochs) when not given: MXNet's for MNIST, shorter on the small digits set
SCHEDULES = {'MNIST': (20, '10'), 'digits': (10, '5')}


def complete_args(args, data, source):
    """Fill in the defaults that depend on the data found."""
    epochs, steps = SCHEDULES[source]
    if args.num_epochs is None:
        args.num_epochs = epochs
    if args.lr_step_epochs is None:
        args.lr_step_epochs = steps
    if args.num_examples is None:
        args.num_examples = len(data['train_label'])


def get_mnist_iter(args, kv, data=None):
    """create data iterator with NDArrayIter (``data``: the arrays, else read_data(args))"""
    if data is None:
        data, source = read_data(args)
        complete_args(args, data, source)
    train = mx.io.NDArrayIter(data['train_data'], data['train_label'], args.batch_size,
                              shuffle=True)
    val = mx.io.NDArrayIter(data['test_data'], data['test_label'], args.batch_size)
    return (train, val)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--num-classes', type=int, default=10,
                        help='the number of classes (default: 10)')
    parser.add_argument('--num-examples', type=int,
                        help='the number of training examples (default: the size of the '
                             'training set, 60000 for MNIST)')
    parser.add_argument('--data-dir', type=str, default='data',
                        help='folder of the MNIST idx files (default: data)')
    parser.add_argument('--download', type=int, default=1,
                        help='1: download MNIST into --data-dir when it is missing; 0: never '
                             '(default: 1)')
    parser.add_argument('--add_stn', action='store_true', default=False,
                        help='Add Spatial Transformer Network Layer (lenet only)')
    parser.add_argument('--image_shape', default='1, 28, 28',
                        help='shape of training images (default: 1, 28, 28)')
    fit.add_fit_args(parser)
    parser.set_defaults(
        # network
        network='mlp',
        # train
        gpus=None,
        batch_size=64,
        disp_batches=100,
        num_epochs=None,
        lr=.05,
        lr_step_epochs=None,
    )
    for action in parser._actions:
        if action.dest == 'num_epochs':
            action.help = 'max num of epochs (default: 20 on MNIST, 10 on the digits)'
        elif action.dest == 'lr_step_epochs':
            action.help = 'the epochs to reduce the lr, e.g. 30,60 (default: 10 on MNIST, 5 ' \
                          'on the digits)'
    args = parser.parse_args()
    parse_shape('--image_shape', args.image_shape)
    if args.num_examples is not None and args.num_examples <= 0:
        fail('--num-examples', 'must be positive, got %d' % args.num_examples)
    sym = get_symbol(args)
    data, source = read_data(args)
    complete_args(args, data, source)
    fit.fit(args, sym, lambda args, kv: get_mnist_iter(args, kv, data))


if __name__ == '__main__':
    run(main)
