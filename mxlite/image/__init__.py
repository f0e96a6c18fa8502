"""``mx.image`` (alias ``mx.img``): image decoding, augmentation and ImageIter."""
from .image import (imread, imdecode, imresize, scale_down, copyMakeBorder, resize_short,
                    fixed_crop, random_crop, center_crop, color_normalize, random_size_crop,
                    imrotate, random_rotate)
from .augmenters import (Augmenter, SequentialAug, ResizeAug, ForceResizeAug, RandomCropAug,
                         RandomSizedCropAug, CenterCropAug, RandomOrderAug, BrightnessJitterAug,
                         ContrastJitterAug, SaturationJitterAug, HueJitterAug, ColorJitterAug,
                         LightingAug, ColorNormalizeAug, RandomGrayAug, HorizontalFlipAug,
                         CastAug, CreateAugmenter)
from .image_iter import ImageIter

__all__ = ['imread', 'imdecode', 'imresize', 'scale_down', 'copyMakeBorder', 'resize_short',
           'fixed_crop', 'random_crop', 'center_crop', 'color_normalize', 'random_size_crop',
           'imrotate', 'random_rotate', 'Augmenter', 'SequentialAug', 'ResizeAug',
           'ForceResizeAug', 'RandomCropAug', 'RandomSizedCropAug', 'CenterCropAug',
           'RandomOrderAug', 'BrightnessJitterAug', 'ContrastJitterAug', 'SaturationJitterAug',
           'HueJitterAug', 'ColorJitterAug', 'LightingAug', 'ColorNormalizeAug', 'RandomGrayAug',
           'HorizontalFlipAug', 'CastAug', 'CreateAugmenter', 'ImageIter']
