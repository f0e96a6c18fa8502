"""Train an image classifier on a folder of images with Gluon, the classic tutorial way.

A HybridBlock network, ImageFolderDataset + transforms + DataLoader, a
Trainer and an autograd loop printing loss, accuracy, time and speed per
epoch.  --data-dir holds train/<class>/*.png|jpg and val/<class>/...; by
default it is the handwritten digits embedded in mxlite, written once as PNG
files to $MXNET_HOME/datasets/digits (~/.mxnet/datasets/digits).

    python example/gluon/image_folder.py
    python example/gluon/image_folder.py --data-dir photos --channels 3 --image-size 64 \\
        --epochs 20 --save-prefix model/photos
"""
import argparse
import importlib.util
import logging
import os
import sys
import time

try:
    import mxlite as mx
except ImportError:   # a source checkout that was not pip-installed
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
    import mxlite as mx
from mxlite import autograd, gluon
from mxlite.gluon import nn
from mxlite.gluon.data.vision import ImageFolderDataset, transforms

DIGITS_DIR = os.path.join(os.environ.get('MXNET_HOME', os.path.join('~', '.mxnet')),
                          'datasets', 'digits')


class Net(gluon.HybridBlock):
    """Two convolution stages (the second with BatchNorm), a hidden dense layer, the classifier."""

    def __init__(self, classes, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix='')
            self.features.add(nn.Conv2D(16, kernel_size=3, padding=1, activation='relu'),
                              nn.MaxPool2D(pool_size=2, strides=2),
                              nn.Conv2D(32, kernel_size=3, padding=1),
                              nn.BatchNorm(), nn.Activation('relu'),
                              nn.MaxPool2D(pool_size=2, strides=2),
                              nn.Flatten(), nn.Dense(64, activation='relu'), nn.Dropout(0.2))
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def fail(flag, message):
    sys.stderr.write('%s: error: argument %s: %s\n' % (os.path.basename(sys.argv[0]), flag,
                                                       message))
    sys.exit(2)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--data-dir', type=str, default=None,
                        help='folder with train/ and val/ class folders (default: the embedded '
                             'digits in %s, written on first use)' % DIGITS_DIR)
    parser.add_argument('--channels', type=int, default=1, choices=(1, 3),
                        help='1: read images as grayscale, 3: as RGB (default: 1)')
    parser.add_argument('--image-size', type=int, default=28,
                        help='images are resized to this square size (default: 28)')
    parser.add_argument('--mean', type=float, default=0.13,
                        help='mean subtracted from the [0, 1] pixels (default: 0.13)')
    parser.add_argument('--std', type=float, default=0.31,
                        help='then divided by this (default: 0.31)')
    parser.add_argument('--batch-size', type=int, default=64, help='(default: 64)')
    parser.add_argument('--epochs', type=int, default=5,
                        help='(default: 5; 0 only prepares the data)')
    parser.add_argument('--optimizer', type=str, default='adam', help='(default: adam)')
    parser.add_argument('--lr', type=float, default=0.003, help='learning rate (default: 0.003)')
    parser.add_argument('--wd', type=float, default=0.0, help='weight decay (default: 0)')
    parser.add_argument('--num-workers', '-j', type=int, default=2,
                        help='DataLoader worker processes (default: 2)')
    parser.add_argument('--hybridize', type=int, default=1,
                        help='1: compile the network to a graph (default), 0: run it '
                             'imperatively')
    parser.add_argument('--gpus', type=str, default='',
                        help='GPUs to use, e.g. 0 (mxlite has none: it warns and uses the CPU)')
    parser.add_argument('--seed', type=int, default=42, help='random seed (default: 42)')
    parser.add_argument('--save-prefix', type=str, default='',
                        help='export the trained network to PREFIX-symbol.json and '
                             'PREFIX-NNNN.params (loadable by mx.mod.Module and SymbolBlock)')
    args = parser.parse_args()
    for flag, value in (('--image-size', args.image_size), ('--batch-size', args.batch_size),
                        ('--std', args.std)):
        if value <= 0:
            fail(flag, 'must be positive, got %s' % value)
    for flag, value in (('--epochs', args.epochs), ('--num-workers', args.num_workers)):
        if value < 0:
            fail(flag, 'must be 0 or more, got %s' % value)
    return args


def digits_folder():
    """The embedded digits as train/ and val/ PNG folders (written on first use)."""
    root = os.path.expanduser(DIGITS_DIR)
    if not os.path.isdir(os.path.join(root, 'val')):
        tool = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'tools',
                            'digits_to_folder.py')
        spec = importlib.util.spec_from_file_location('digits_to_folder', tool)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        counts = module.write_digits(root)
        logging.info('wrote the embedded digits to %s (%d train, %d val PNG images)', root,
                     counts['train'], counts['val'])
    return root


def context(gpus):
    if not gpus.strip():
        return mx.cpu()
    if mx.num_gpus() == 0:
        logging.warning('--gpus %s: no GPU found; training on the CPU instead', gpus)
        return mx.cpu()
    return mx.gpu(int(gpus.split(',')[0]))


def load_data(args):
    root = args.data_dir if args.data_dir else digits_folder()
    for part in ('train', 'val'):
        if not os.path.isdir(os.path.join(root, part)):
            fail('--data-dir', 'no folder %s (expected train/ and val/ with one folder per class)'
                 % os.path.join(root, part))
    transform = transforms.Compose([transforms.Resize(args.image_size),
                                    transforms.ToTensor(),
                                    transforms.Normalize(args.mean, args.std)])
    flag = 0 if args.channels == 1 else 1
    train_ds = ImageFolderDataset(os.path.join(root, 'train'), flag=flag)
    val_ds = ImageFolderDataset(os.path.join(root, 'val'), flag=flag)
    if not len(train_ds) or not len(val_ds):
        fail('--data-dir', '%s has no images in train/ or val/' % root)
    if val_ds.synsets != train_ds.synsets:
        fail('--data-dir', 'train/ and val/ hold different classes: %s vs %s'
             % (train_ds.synsets, val_ds.synsets))
    train_data = gluon.data.DataLoader(train_ds.transform_first(transform),
                                       batch_size=args.batch_size, shuffle=True,
                                       num_workers=args.num_workers)
    val_data = gluon.data.DataLoader(val_ds.transform_first(transform),
                                     batch_size=args.batch_size, num_workers=args.num_workers)
    logging.info('%s: %d classes, %d training and %d validation images', root,
                 len(train_ds.synsets), len(train_ds), len(val_ds))
    return train_data, val_data, train_ds.synsets


def evaluate(net, data, ctx):
    metric = mx.metric.Accuracy()
    for x, y in data:
        metric.update([y.as_in_context(ctx)], [net(x.as_in_context(ctx))])
    return metric.get()[1]


def train(args):
    mx.random.seed(args.seed)
    ctx = context(args.gpus)
    train_data, val_data, classes = load_data(args)
    net = Net(len(classes))
    net.initialize(mx.init.Xavier(magnitude=2), ctx=ctx)
    if args.hybridize:
        net.hybridize()
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), args.optimizer,
                            {'learning_rate': args.lr, 'wd': args.wd})
    metric = mx.metric.Accuracy()
    for epoch in range(args.epochs):
        tic = time.time()
        metric.reset()
        total_loss, seen = 0.0, 0
        for data, label in train_data:
            data, label = data.as_in_context(ctx), label.as_in_context(ctx)
            with autograd.record():
                output = net(data)
                loss = loss_fn(output, label)
            loss.backward()
            trainer.step(data.shape[0])
            total_loss += loss.sum().asscalar()
            seen += data.shape[0]
            metric.update([label], [output])
        elapsed = time.time() - tic
        logging.info('[Epoch %d] loss=%.4f train-accuracy=%.4f validation-accuracy=%.4f '
                     'time=%.1fs speed=%.1f samples/sec', epoch, total_loss / seen,
                     metric.get()[1], evaluate(net, val_data, ctx), elapsed, seen / elapsed)
    if args.save_prefix:
        folder = os.path.dirname(args.save_prefix)
        if folder:
            os.makedirs(folder, exist_ok=True)
        sym_file, params_file = net.export(args.save_prefix, epoch=args.epochs)
        logging.info('exported %s and %s', sym_file, params_file)
    return net


def main():
    logging.basicConfig(level=logging.INFO, format='%(message)s')
    args = parse_args()
    try:
        train(args)
    except mx.MXNetError as err:
        sys.stderr.write('%s: error: %s\n' % (os.path.basename(sys.argv[0]),
                                              ' '.join(str(err).split())))
        sys.exit(1)


if __name__ == '__main__':
    main()
