"""``gluon.data.vision``: image datasets and ``transforms``."""
from .datasets import (MNIST, FashionMNIST, CIFAR10, CIFAR100, ImageFolderDataset,
                       ImageRecordDataset, ImageListDataset)
from . import transforms

__all__ = ['MNIST', 'FashionMNIST', 'CIFAR10', 'CIFAR100', 'ImageFolderDataset',
           'ImageRecordDataset', 'ImageListDataset', 'transforms']
