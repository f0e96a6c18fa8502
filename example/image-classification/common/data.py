"""Data arguments and iterators of the image-classification examples.

``add_data_args`` / ``add_data_aug_args`` add MXNet's flags to a parser,
``set_data_aug_level`` / ``set_resnet_aug`` change their defaults, and
``get_rec_iter(args, kv)`` returns the (train, val) ``ImageRecordIter`` pair
(or synthetic batches with ``--benchmark 1``).
"""
import numpy as np

from . import find_mxnet  # noqa: F401  (makes mxlite importable)
import mxlite as mx
from mxlite.io import DataBatch, DataIter

from .cli import check_file, fail, parse_floats, parse_shape


def add_data_args(parser):
    data = parser.add_argument_group('Data', 'the input images')
    data.add_argument('--data-train', type=str, help='the training data (.rec file)')
    data.add_argument('--data-train-idx', type=str, default='',
                      help='the index (.idx) of the training data')
    data.add_argument('--data-val', type=str, help='the validation data (.rec file)')
    data.add_argument('--data-val-idx', type=str, default='',
                      help='the index (.idx) of the validation data')
    data.add_argument('--rgb-mean', type=str, default='123.68,116.779,103.939',
                      help='a tuple of size 3 for the mean rgb')
    data.add_argument('--rgb-std', type=str, default='1,1,1',
                      help='a tuple of size 3 for the std rgb')
    data.add_argument('--pad-size', type=int, default=0,
                      help='padding the input image')
    data.add_argument('--fill-value', type=int, default=127,
                      help='Set the padding pixels value to fill_value')
    data.add_argument('--image-shape', type=str,
                      help='the image shape feed into the network, e.g. (3,224,224)')
    data.add_argument('--num-classes', type=int, help='the number of classes')
    data.add_argument('--num-examples', type=int, help='the number of training examples')
    data.add_argument('--data-nthreads', type=int, default=4,
                      help='number of threads for data decoding')
    data.add_argument('--benchmark', type=int, default=0,
                      help='if 1, then feed the network with synthetic data')
    return data


def add_data_aug_args(parser):
    aug = parser.add_argument_group('Image augmentations',
                                    'done by ImageRecordIter while decoding (as MXNet\'s '
                                    'src/io/image_aug_default.cc)')
    aug.add_argument('--random-crop', type=int, default=0,
                     help='if or not randomly crop the image')
    aug.add_argument('--random-mirror', type=int, default=0,
                     help='if or not randomly flip horizontally')
    aug.add_argument('--max-random-h', type=int, default=0,
                     help='max change of hue, whose range is [0, 180]')
    aug.add_argument('--max-random-s', type=int, default=0,
                     help='max change of saturation, whose range is [0, 255]')
    aug.add_argument('--max-random-l', type=int, default=0,
                     help='max change of intensity, whose range is [0, 255]')
    aug.add_argument('--min-random-aspect-ratio', type=float, default=None,
                     help='min value of aspect ratio, whose value is either None or a positive '
                          'value.')
    aug.add_argument('--max-random-aspect-ratio', type=float, default=0,
                     help='max value of aspect ratio. If min_random_aspect_ratio is None, the '
                          'aspect ratio range is [1-max_random_aspect_ratio, '
                          '1+max_random_aspect_ratio], otherwise it is '
                          '[min_random_aspect_ratio, max_random_aspect_ratio].')
    aug.add_argument('--max-random-rotate-angle', type=int, default=0,
                     help='max angle to rotate, whose range is [0, 360]')
    aug.add_argument('--max-random-shear-ratio', type=float, default=0,
                     help='max ratio to shear, whose range is [0, 1]')
    aug.add_argument('--max-random-scale', type=float, default=1,
                     help='max ratio to scale')
    aug.add_argument('--min-random-scale', type=float, default=1,
                     help='min ratio to scale, should >= img_size/input_shape. otherwise use '
                          '--pad-size')
    aug.add_argument('--max-random-area', type=float, default=1,
                     help='max area to crop in random resized crop, whose range is [0, 1]')
    aug.add_argument('--min-random-area', type=float, default=1,
                     help='min area to crop in random resized crop, whose range is [0, 1]')
    aug.add_argument('--min-crop-size', type=int, default=-1,
                     help='Crop both width and height into a random size in '
                          '[min_crop_size, max_crop_size]')
    aug.add_argument('--max-crop-size', type=int, default=-1,
                     help='Crop both width and height into a random size in '
                          '[min_crop_size, max_crop_size]')
    aug.add_argument('--brightness', type=float, default=0,
                     help='brightness jittering, whose range is [0, 1]')
    aug.add_argument('--contrast', type=float, default=0,
                     help='contrast jittering, whose range is [0, 1]')
    aug.add_argument('--saturation', type=float, default=0,
                     help='saturation jittering, whose range is [0, 1]')
    aug.add_argument('--pca-noise', type=float, default=0,
                     help='pca noise, whose range is [0, 1]')
    aug.add_argument('--random-resized-crop', type=int, default=0,
                     help='whether to use random resized crop')
    return aug


def set_data_aug_level(aug, level):
    """Preset augmentations: 1 random crop + mirror, 2 adds HSL jitter, 3 adds rotation,
    shear and aspect-ratio jitter (the defaults change; flags still override them)."""
    if level >= 1:
        aug.set_defaults(random_crop=1, random_mirror=1)
    if level >= 2:
        aug.set_defaults(max_random_h=36, max_random_s=50, max_random_l=50)
    if level >= 3:
        aug.set_defaults(max_random_rotate_angle=10, max_random_shear_ratio=0.1,
                         max_random_aspect_ratio=0.25)


def set_resnet_aug(aug):
    """The standard ResNet/ImageNet augmentation: random resized crop and colour jitter."""
    aug.set_defaults(random_crop=0, random_resized_crop=1)
    aug.set_defaults(min_random_area=0.08)
    aug.set_defaults(max_random_aspect_ratio=4. / 3., min_random_aspect_ratio=3. / 4.)
    aug.set_defaults(brightness=0.4, contrast=0.4, saturation=0.4, pca_noise=0.1)


class SyntheticDataIter(DataIter):
    """``max_iter`` batches of one fixed random batch (to time the network without I/O)."""

    def __init__(self, num_classes, data_shape, max_iter, dtype):
        super().__init__(data_shape[0])
        self.batch_size = data_shape[0]
        self.cur_iter = 0
        self.max_iter = max_iter
        self.dtype = dtype
        label = np.random.randint(0, num_classes, [self.batch_size])
        data = np.random.uniform(-1, 1, data_shape)
        self.data = mx.nd.array(data, dtype=self.dtype, ctx=mx.Context('cpu_pinned', 0))
        self.label = mx.nd.array(label, dtype=self.dtype, ctx=mx.Context('cpu_pinned', 0))

    def __iter__(self):
        return self

    @property
    def provide_data(self):
        return [mx.io.DataDesc('data', self.data.shape, self.dtype)]

    @property
    def provide_label(self):
        return [mx.io.DataDesc('softmax_label', (self.batch_size,), self.dtype)]

    def next(self):
        self.cur_iter += 1
        if self.cur_iter > self.max_iter:
            raise StopIteration
        return DataBatch(data=(self.data,), label=(self.label,), pad=0, index=None,
                         provide_data=self.provide_data, provide_label=self.provide_label)

    def __next__(self):
        return self.next()

    def reset(self):
        self.cur_iter = 0


def _opt(args, name, default):
    return getattr(args, name, default)


def _common_params(args, image_shape, rgb_mean, rgb_std, rank, nworker):
    return dict(label_width=1, mean_r=rgb_mean[0], mean_g=rgb_mean[1], mean_b=rgb_mean[2],
                std_r=rgb_std[0], std_g=rgb_std[1], std_b=rgb_std[2], data_name='data',
                label_name='softmax_label', data_shape=image_shape, batch_size=args.batch_size,
                preprocess_threads=args.data_nthreads, num_parts=nworker, part_index=rank)


def get_rec_iter(args, kv=None):
    """(train, val) ImageRecordIters over ``--data-train`` / ``--data-val`` (val may be None)."""
    image_shape = parse_shape('--image-shape', args.image_shape)
    if _opt(args, 'benchmark', 0):
        if not args.num_classes or not args.num_examples:
            fail('--benchmark', 'synthetic data needs --num-classes and --num-examples')
        train = SyntheticDataIter(args.num_classes, (args.batch_size,) + image_shape,
                                  args.num_examples / args.batch_size, np.float32)
        return (train, None)
    rank, nworker = (kv.rank, kv.num_workers) if kv else (0, 1)
    rgb_mean = parse_floats('--rgb-mean', _opt(args, 'rgb_mean', '0,0,0'), 3)
    rgb_std = parse_floats('--rgb-std', _opt(args, 'rgb_std', '1,1,1'), 3)
    check_file('--data-train', args.data_train, '.rec file')
    for flag, name in (('--data-train-idx', 'data_train_idx'), ('--data-val-idx', 'data_val_idx')):
        if _opt(args, name, ''):
            check_file(flag, getattr(args, name), '.idx file')
    common = _common_params(args, image_shape, rgb_mean, rgb_std, rank, nworker)
    train = mx.io.ImageRecordIter(
        path_imgrec=args.data_train,
        path_imgidx=_opt(args, 'data_train_idx', ''),
        rand_crop=_opt(args, 'random_crop', 0),
        max_random_scale=_opt(args, 'max_random_scale', 1),
        pad=_opt(args, 'pad_size', 0),
        fill_value=_opt(args, 'fill_value', 127),
        random_resized_crop=_opt(args, 'random_resized_crop', 0),
        min_random_scale=_opt(args, 'min_random_scale', 1),
        max_aspect_ratio=_opt(args, 'max_random_aspect_ratio', 0),
        min_aspect_ratio=_opt(args, 'min_random_aspect_ratio', None),
        max_random_area=_opt(args, 'max_random_area', 1),
        min_random_area=_opt(args, 'min_random_area', 1),
        min_crop_size=_opt(args, 'min_crop_size', -1),
        max_crop_size=_opt(args, 'max_crop_size', -1),
        brightness=_opt(args, 'brightness', 0),
        contrast=_opt(args, 'contrast', 0),
        saturation=_opt(args, 'saturation', 0),
        pca_noise=_opt(args, 'pca_noise', 0),
        random_h=_opt(args, 'max_random_h', 0),
        random_s=_opt(args, 'max_random_s', 0),
        random_l=_opt(args, 'max_random_l', 0),
        max_rotate_angle=_opt(args, 'max_random_rotate_angle', 0),
        max_shear_ratio=_opt(args, 'max_random_shear_ratio', 0),
        rand_mirror=_opt(args, 'random_mirror', 0),
        shuffle=True,
        **common)
    if args.data_val is None:
        return (train, None)
    check_file('--data-val', args.data_val, '.rec file')
    val = mx.io.ImageRecordIter(
        path_imgrec=args.data_val,
        path_imgidx=_opt(args, 'data_val_idx', ''),
        rand_crop=False,
        rand_mirror=False,
        **common)
    return (train, val)
