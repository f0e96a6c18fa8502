"""ImageRecordIter's parameters: names, types and defaults as MXNet 1.9.1 declares them.

Values may be given as Python values or as the strings MXNet's C API would
see (``data_shape='(3,224,224)'``, ``rand_crop='1'``).  Every bad value raises
:class:`~mxlite.base.MXNetError` naming the parameter, the value and what is
expected.
"""
import ast
import warnings

import numpy as np

from ..base import MXNetError

__all__ = ['parse_record_params', 'RECORD_PARAMS', 'RecordParams']

REQUIRED = object()

# name: (kind, default, description)
RECORD_PARAMS = {
    'path_imglist': ('str', '', 'path to an image list (.lst) whose labels replace the records\''),
    'path_imgrec': ('str', '', 'path to the image RecordIO (.rec) file'),
    'path_imgidx': ('str', '', 'path to the .idx index file (enables shuffle per epoch)'),
    'aug_seq': ('str', 'aug_default', 'augmenter names; only aug_default exists'),
    'label_width': ('int', 1, 'number of labels per image'),
    'data_shape': ('shape', REQUIRED, 'output image shape (channels, height, width)'),
    'preprocess_threads': ('int', 4, 'number of decoding threads'),
    'verbose': ('bool', True, 'log what the iterator does'),
    'num_parts': ('int', 1, 'split the data into this many parts'),
    'part_index': ('int', 0, 'which part to read'),
    'device_id': ('int', 0, '-1 gives cpu(0) arrays, otherwise cpu_pinned(device_id)'),
    'shuffle_chunk_size': ('int', 0, 'shuffle buffer in MB (shuffle without .idx)'),
    'shuffle_chunk_seed': ('int', 0, 'seed for the chunk order'),
    'seed_aug': ('optint', None, 'seed for augmentations (defaults to seed)'),
    'shuffle': ('bool', False, 'shuffle the records'),
    'seed': ('int', 0, 'random seed'),
    'batch_size': ('int', REQUIRED, 'batch size'),
    'round_batch': ('bool', True, 'fill the last batch from the start of the data'),
    'prefetch_buffer': ('int', 4, 'number of batches decoded ahead'),
    'ctx': ('enum:cpu,gpu', 'gpu', 'context the loader is optimised for'),
    'dtype': ('dtype', None, 'output data type: float32 (None), uint8 or int8'),
    'resize': ('int', -1, 'resize the shorter edge to this size first'),
    'rand_crop': ('bool', False, 'random instead of centre crop'),
    'random_resized_crop': ('bool', False, 'random area/aspect crop resized to data_shape'),
    'max_rotate_angle': ('int', 0, 'rotate by a random degree in [-v, v]'),
    'max_aspect_ratio': ('float', 0.0, 'aspect ratio jitter'),
    'min_aspect_ratio': ('optfloat', None, 'lower aspect ratio bound'),
    'max_shear_ratio': ('float', 0.0, 'shear by a random value in [-v, v]'),
    'max_crop_size': ('int', -1, 'random crop size upper bound'),
    'min_crop_size': ('int', -1, 'random crop size lower bound'),
    'max_random_scale': ('float', 1.0, 'random scale upper bound'),
    'min_random_scale': ('float', 1.0, 'random scale lower bound'),
    'max_random_area': ('float', 1.0, 'random_resized_crop area upper bound'),
    'min_random_area': ('float', 1.0, 'random_resized_crop area lower bound'),
    'max_img_size': ('float', 1e10, 'maximal width and height after resize/rotate'),
    'min_img_size': ('float', 0.0, 'minimal width and height after resize/rotate'),
    'brightness': ('float', 0.0, 'brightness jitter'),
    'contrast': ('float', 0.0, 'contrast jitter'),
    'saturation': ('float', 0.0, 'saturation jitter'),
    'pca_noise': ('float', 0.0, 'PCA lighting noise std'),
    'random_h': ('int', 0, 'hue jitter in HSL space'),
    'random_s': ('int', 0, 'saturation jitter in HSL space'),
    'random_l': ('int', 0, 'lightness jitter in HSL space'),
    'rotate': ('int', -1, 'rotate by this angle (overrides max_rotate_angle)'),
    'rotate_list': ('intlist', (), 'pick the rotation angle from this list'),
    'fill_value': ('int', 255, 'value of padded pixels'),
    'inter_method': ('int', 1, 'interpolation: 0 NN, 1 bilinear, 2 cubic, 3 area, 4 lanczos, '
                                '9 auto, 10 random'),
    'pad': ('int', 0, 'pad every side by this many pixels'),
    'mirror': ('bool', False, 'mirror every image'),
    'rand_mirror': ('bool', False, 'mirror half of the images at random'),
    'mean_img': ('str', '', 'mean image file (created when missing)'),
    'mean_r': ('float', 0.0, 'mean of the R channel'),
    'mean_g': ('float', 0.0, 'mean of the G channel'),
    'mean_b': ('float', 0.0, 'mean of the B channel'),
    'mean_a': ('float', 0.0, 'mean of the alpha channel'),
    'std_r': ('float', 1.0, 'std of the R channel'),
    'std_g': ('float', 1.0, 'std of the G channel'),
    'std_b': ('float', 1.0, 'std of the B channel'),
    'std_a': ('float', 1.0, 'std of the alpha channel'),
    'on_bad_image': ('enum:raise,skip', 'raise',
                     "a record whose image or labels cannot be read: 'raise' MXNetError naming "
                     "it, or 'skip' it with a warning and fill its slot from the next records "
                     "(mxlite's addition)"),
    'scale': ('float', 1.0, 'multiply the image by this value'),
    'max_random_contrast': ('float', 0.0, 'contrast scale jitter'),
    'max_random_illumination': ('float', 0.0, 'illumination offset jitter'),
    'data_name': ('str', 'data', 'name of the data in provide_data'),
    'label_name': ('str', 'softmax_label', 'name of the label in provide_label'),
}

# spellings of older scripts and tutorials
ALIASES = {'max_random_h': 'random_h', 'max_random_s': 'random_s', 'max_random_l': 'random_l'}

_DTYPES = {None: np.float32, 'float32': np.float32, 'uint8': np.uint8, 'int8': np.int8}
_MX_DTYPES = ('float64', 'float16', 'bfloat16', 'int64', 'int32')


class RecordParams:
    """Parsed parameters as attributes."""

    def __init__(self, values):
        self.__dict__.update(values)

    def __repr__(self):
        return 'RecordParams(%s)' % ', '.join('%s=%r' % kv for kv in sorted(self.__dict__.items()))


def _bad(it, name, value, expected):
    return MXNetError('%s: invalid value %r for parameter %s: expected %s'
                      % (it, value, name, expected))


def _to_bool(it, name, v):
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)) and v in (0, 1):
        return bool(v)
    if isinstance(v, str) and v.strip().lower() in ('0', '1', 'true', 'false'):
        return v.strip().lower() in ('1', 'true')
    raise _bad(it, name, v, 'a boolean (True/False, 0/1)')


def _to_int(it, name, v):
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return int(v)
    if isinstance(v, str):
        try:
            return int(v.strip())
        except ValueError:
            pass
    raise _bad(it, name, v, 'an integer')


def _to_float(it, name, v):
    if isinstance(v, (bool, np.bool_)):
        return float(v)
    try:
        return float(v)
    except (TypeError, ValueError):
        raise _bad(it, name, v, 'a number') from None


def _to_shape(it, name, v):
    if isinstance(v, str):
        try:
            v = ast.literal_eval(v.strip())
        except (ValueError, SyntaxError):
            raise _bad(it, name, v, 'a shape such as (3, 224, 224)') from None
    if isinstance(v, (int, np.integer)):
        v = (v,)
    try:
        return tuple(_to_int(it, name, d) for d in v)
    except TypeError:
        raise _bad(it, name, v, 'a shape such as (3, 224, 224)') from None


def _to_intlist(it, name, v):
    if isinstance(v, str):
        return tuple(int(x) for x in v.replace('[', '').replace(']', '').replace('(', '')
                     .replace(')', '').split(',') if x.strip())
    if isinstance(v, (int, np.integer)):
        return (int(v),)
    return tuple(_to_int(it, name, x) for x in v)


def _convert(it, name, kind, v):
    if kind == 'str':
        return '' if v is None else str(v)
    if kind == 'bool':
        return _to_bool(it, name, v)
    if kind == 'int':
        return _to_int(it, name, v)
    if kind == 'float':
        return _to_float(it, name, v)
    if kind == 'shape':
        return _to_shape(it, name, v)
    if kind == 'intlist':
        return _to_intlist(it, name, v)
    if kind == 'optint':
        return None if v is None or (isinstance(v, str) and v == 'None') else _to_int(it, name, v)
    if kind == 'optfloat':
        return None if v is None or (isinstance(v, str) and v == 'None') else \
            _to_float(it, name, v)
    if kind == 'dtype':
        if v is None or (isinstance(v, str) and v == 'None'):
            return None
        try:
            key = np.dtype(v).name
        except TypeError:
            key = str(v)
        if key in _DTYPES:
            return key
        if key in _MX_DTYPES:
            raise MXNetError("%s: dtype %r is not supported: ImageRecordIter outputs float32 "
                             "(dtype=None), 'uint8' or 'int8' (MXNet: unknown dtype for "
                             "ImageRecordIter2)" % (it, key))
        raise _bad(it, name, v, "None, 'float32', 'uint8' or 'int8'")
    if kind.startswith('enum:'):
        choices = kind[5:].split(',')
        if str(v) not in choices:
            raise _bad(it, name, v, 'one of %s' % ', '.join(choices))
        return str(v)
    raise AssertionError(kind)


def parse_record_params(kwargs, it='ImageRecordIter', forced=None):
    """Validate ``kwargs`` against RECORD_PARAMS; returns RecordParams.

    Unknown names are ignored with a warning (MXNet silently ignores them).
    """
    values = {}
    for name, (kind, default, _) in RECORD_PARAMS.items():
        values[name] = default
    given = dict(kwargs)
    for alias, real in ALIASES.items():
        if alias in given:
            v = given.pop(alias)
            given.setdefault(real, v)
    for name, v in given.items():
        if name not in RECORD_PARAMS:
            warnings.warn('%s: ignoring unknown parameter %r (MXNet ignores it too)'
                          % (it, name), stacklevel=3)
            continue
        values[name] = _convert(it, name, RECORD_PARAMS[name][0], v)
    if forced:
        values.update(forced)
    for name in ('data_shape', 'batch_size'):
        if values[name] is REQUIRED:
            raise MXNetError('%s: required parameter %s is missing (%s)'
                             % (it, name, RECORD_PARAMS[name][2]))
    p = RecordParams(values)
    _validate(it, p)
    p.out_dtype = np.dtype(_DTYPES[p.dtype])
    return p


def _validate(it, p):
    if len(p.data_shape) != 3 or any(d <= 0 for d in p.data_shape):
        raise MXNetError('%s: data_shape must be 3 positive dimensions (channels, height, width), '
                         'got %s' % (it, p.data_shape))
    if p.data_shape[0] not in (1, 3, 4):
        raise MXNetError('%s: invalid output shape %s: data_shape[0] (channels) must be 1 (gray), '
                         '3 (RGB) or 4 (RGBA)' % (it, p.data_shape))
    if p.batch_size <= 0:
        raise MXNetError('%s: batch_size must be positive, got %d' % (it, p.batch_size))
    checks = [('label_width', p.label_width >= 1, 'at least 1'),
              ('preprocess_threads', p.preprocess_threads >= 1, 'at least 1'),
              ('prefetch_buffer', p.prefetch_buffer >= 1, 'at least 1'),
              ('num_parts', p.num_parts >= 1, 'at least 1'),
              ('shuffle_chunk_size', p.shuffle_chunk_size >= 0, 'non-negative'),
              ('pad', p.pad >= 0, 'non-negative'),
              ('inter_method', p.inter_method in (0, 1, 2, 3, 4, 9, 10),
               'one of 0, 1, 2, 3, 4, 9, 10 (invalid inter_method: valid value 0,1,2,3,9,10)'),
              ('resize', p.resize == -1 or p.resize > 0, '-1 (off) or a positive size')]
    for name, ok, expected in checks:
        if not ok:
            raise _bad(it, name, getattr(p, name), expected)
    if p.aug_seq != 'aug_default':
        raise MXNetError("%s: aug_seq=%r is not supported: mxlite implements MXNet's "
                         "'aug_default' augmenter only" % (it, p.aug_seq))
    for ch in 'rgba':
        if getattr(p, 'std_' + ch) == 0:
            raise MXNetError('%s: std_%s must not be 0 (it divides the pixel values)' % (it, ch))
