"""Train a network on any pair of image RecordIO files (ImageNet-1k by default settings).

Pack images with tools/im2rec.py, then for example

    python train_imagenet.py --data-train data/train.rec --data-val data/val.rec \\
        --network resnet --num-layers 50 --num-classes 1000 --num-examples 1281167

On small pictures (e.g. the embedded digits packed with --resize 28) pass
--image-shape 3,28,28, --num-classes and --num-examples to match.
"""
import argparse
import logging

logging.basicConfig(level=logging.DEBUG)
from common import find_mxnet, data, fit  # noqa: E402
from common.cli import get_symbol, run  # noqa: E402


def set_imagenet_aug(aug):
    """The standard ImageNet training augmentation (--use-imagenet-data-augmentation 1)."""
    aug.set_defaults(rgb_mean='123.68,116.779,103.939', rgb_std='58.393,57.12,57.375')
    aug.set_defaults(random_crop=0, random_resized_crop=1, random_mirror=1)
    aug.set_defaults(min_random_area=0.08)
    aug.set_defaults(max_random_aspect_ratio=4. / 3., min_random_aspect_ratio=3. / 4.)
    aug.set_defaults(brightness=0.4, contrast=0.4, saturation=0.4, pca_noise=0.1)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    fit.add_fit_args(parser)
    data.add_data_args(parser)
    data.add_data_aug_args(parser)
    parser.set_defaults(
        # network
        network='resnet',
        num_layers=50,
        # data
        num_classes=1000,
        num_examples=1281167,
        image_shape='3,224,224',
        min_random_scale=1,  # for images whose shorter side is k, about 256.0/k (0.533 for 480)
        # train
        num_epochs=80,
        lr_step_epochs='30,60',
        dtype='float32',
    )
    args = parser.parse_args()
    if args.use_imagenet_data_augmentation:
        set_imagenet_aug(parser)      # new defaults; flags given still win
        args = parser.parse_args()
    sym = get_symbol(args)
    fit.fit(args, sym, data.get_rec_iter)


if __name__ == '__main__':
    run(main)
