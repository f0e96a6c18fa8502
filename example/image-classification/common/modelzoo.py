"""MXNet's pretrained ImageNet models by name (as MXNet's example scripts list them).

``download_model(name, dst_dir)`` returns ``(prefix, epoch)`` of
``dst_dir/<name>-symbol.json`` and ``-0000.params``, fetching missing files
from MXNet's model server; unknown names give ``(None, 0)``, as in MXNet, so
callers fall back to a local prefix.  Files already in ``dst_dir`` are used
as they are (no network needed).
"""
import os

from .util import download_file

_base_model_url = 'http://data.mxnet.io/models/'


def _entry(path, params):
    return {'symbol': _base_model_url + path + '-symbol.json',
            'params': _base_model_url + path + '-%s.params' % params}


_default_model_info = {
    'imagenet1k-inception-bn': _entry('imagenet/inception-bn/Inception-BN', '0126'),
    'imagenet1k-resnet-18': _entry('imagenet/resnet/18-layers/resnet-18', '0000'),
    'imagenet1k-resnet-34': _entry('imagenet/resnet/34-layers/resnet-34', '0000'),
    'imagenet1k-resnet-50': _entry('imagenet/resnet/50-layers/resnet-50', '0000'),
    'imagenet1k-resnet-101': _entry('imagenet/resnet/101-layers/resnet-101', '0000'),
    'imagenet1k-resnet-152': _entry('imagenet/resnet/152-layers/resnet-152', '0000'),
    'imagenet1k-resnext-50': _entry('imagenet/resnext/50-layers/resnext-50', '0000'),
    'imagenet1k-resnext-101': _entry('imagenet/resnext/101-layers/resnext-101', '0000'),
    'imagenet1k-resnext-101-64x4d': _entry('imagenet/resnext/101-layers/resnext-101-64x4d',
                                           '0000'),
    'imagenet11k-resnet-152': _entry('imagenet-11k/resnet-152/resnet-152', '0000'),
    'imagenet11k-place365ch-resnet-152': _entry('imagenet-11k-place365-ch/resnet-152', '0000'),
    'imagenet11k-place365ch-resnet-50': _entry('imagenet-11k-place365-ch/resnet-50', '0000'),
}


def download_model(model_name, dst_dir='./', meta_info=None):
    """(prefix, 0) of model ``model_name`` in ``dst_dir``, or (None, 0) for an unknown name."""
    meta_info = dict(_default_model_info if meta_info is None else meta_info)
    if model_name not in meta_info:
        return (None, 0)
    meta = dict(meta_info[model_name])
    prefix = os.path.join(dst_dir, model_name)
    download_file(meta['symbol'], prefix + '-symbol.json')
    download_file(meta['params'], prefix + '-0000.params')
    return (prefix, 0)
