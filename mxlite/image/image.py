"""Image decoding, resizing and cropping on NDArrays (``mx.image`` functions).

Images are HWC NDArrays; ``imdecode``/``imread`` give uint8 RGB by default
(OpenCV decodes BGR; ``to_rgb`` swaps).  Random choices use Python's
``random`` module, as MXNet's ``mx.image`` does, so ``random.seed`` makes
them reproducible.  OpenCV is imported on first use.
"""
import os
import random

import numpy as np

from ..base import MXNetError, MXNetTypeError, MXNetValueError, numeric_types
from ..context import cpu
from ..ndarray import NDArray

__all__ = ['imread', 'imdecode', 'imresize', 'scale_down', 'copyMakeBorder', 'resize_short',
           'fixed_crop', 'random_crop', 'center_crop', 'color_normalize', 'random_size_crop',
           'imrotate', 'random_rotate']

_CV2 = []


def cv2():
    """The OpenCV module, imported once on first use."""
    if not _CV2:
        import cv2 as _cv
        _CV2.append(_cv)
    return _CV2[0]


def _ignore_orientation(buf):
    """MXNet decodes JFIF JPEGs and PNGs ignoring any EXIF orientation."""
    head = bytes(buf[:11])
    if head[:4] == b'\xff\xd8\xff\xe0' and head[6:11] == b'JFIF\x00':
        return True
    return head[:4] == b'\x89PNG'


def decode_array(buf, flag=1, to_rgb=True):
    """Decode encoded image bytes (numpy uint8) to an HWC uint8 numpy array."""
    cv = cv2()
    if buf.size == 0:
        raise MXNetValueError('imdecode: input cannot be an empty buffer')
    if flag not in (0, 1):
        raise MXNetValueError('imdecode: flag must be 1 (color) or 0 (grayscale), got %r'
                              % (flag,))
    mode = cv.IMREAD_COLOR if flag else cv.IMREAD_GRAYSCALE
    if _ignore_orientation(buf):
        mode |= cv.IMREAD_IGNORE_ORIENTATION
    img = cv.imdecode(buf, mode)
    if img is None:
        raise MXNetError('imdecode: decoding failed: invalid image file (%d bytes, starting '
                         'with %s)' % (buf.size, bytes(buf[:8]).hex()))
    if flag == 0:
        return img.reshape(img.shape[0], img.shape[1], 1)
    if to_rgb:
        img = cv.cvtColor(img, cv.COLOR_BGR2RGB)
    return img


def _to_out(arr, out, what):
    if out is None:
        return NDArray(arr, cpu())
    if not isinstance(out, NDArray):
        raise MXNetTypeError('%s: out must be an NDArray, got %s' % (what, type(out).__name__))
    if out.shape != arr.shape:
        raise MXNetValueError('%s: out has shape %s but the result has shape %s'
                              % (what, out.shape, arr.shape))
    np.copyto(out._data, arr, casting='unsafe')
    return out


def imdecode(buf, flag=1, to_rgb=True, out=None):
    """Decode an image (bytes, bytearray, numpy or NDArray of uint8) to an HWC uint8 NDArray.

    ``flag=1`` gives 3 channels (RGB, or BGR with ``to_rgb=False``), ``flag=0``
    one grayscale channel of shape (H, W, 1).
    """
    if isinstance(buf, NDArray):
        if buf.dtype != np.uint8:
            raise MXNetTypeError('imdecode: an NDArray buffer must be uint8, got %s'
                                 % np.dtype(buf.dtype).name)
        arr = buf._data.reshape(-1)
    elif isinstance(buf, (bytes, bytearray)):
        arr = np.frombuffer(buf, dtype=np.uint8)
    elif isinstance(buf, np.ndarray):
        arr = np.frombuffer(buf.tobytes(), dtype=np.uint8)
    else:
        raise MXNetValueError('buf must be of type bytes, bytearray or numpy.ndarray,'
                              'if you would like to input type str, please convert to bytes')
    return _to_out(decode_array(arr, int(flag), bool(to_rgb)), out, 'imdecode')


def imread(filename, flag=1, to_rgb=True, out=None):
    """Read and decode an image file to an HWC uint8 NDArray (RGB by default)."""
    try:
        with open(filename, 'rb') as f:
            data = f.read()
    except OSError as e:
        raise MXNetError("imread: '%s' couldn't open file: %s" % (filename, e.strerror or e)) \
            from None
    try:
        return _to_out(decode_array(np.frombuffer(data, np.uint8), int(flag), bool(to_rgb)),
                       out, 'imread')
    except MXNetError as e:
        raise MXNetError('imread: %s: %s' % (filename, e)) from None


def _check_hwc(src, what):
    if not isinstance(src, NDArray):
        raise MXNetTypeError('%s: src must be an NDArray image (H, W, C), got %s'
                             % (what, type(src).__name__))
    if src.ndim != 3:
        raise MXNetValueError('%s: src must be an image of shape (H, W, C), got shape %s'
                              % (what, src.shape))


def resize_array(img, w, h, interp):
    """cv2.resize keeping the channel axis of an HWC numpy image."""
    cv = cv2()
    if img.dtype == np.float16:
        raise MXNetTypeError('imresize: float16 images are not supported; use float32')
    c = img.shape[2]
    src = img if c != 1 else img[:, :, 0]
    if c > 4:
        raise MXNetValueError('imresize: at most 4 channels are supported, got %d' % c)
    res = cv.resize(np.ascontiguousarray(src), (int(w), int(h)), interpolation=int(interp))
    return res.reshape(int(h), int(w), c)


def imresize(src, w, h, interp=1, out=None):
    """Resize image ``src`` (H, W, C) to (h, w, C) with OpenCV.

    ``interp``: 0 nearest, 1 bilinear (default), 2 bicubic, 3 area, 4 Lanczos.
    """
    _check_hwc(src, 'imresize')
    if int(w) < 1 or int(h) < 1:
        raise MXNetValueError('imresize: w and h must be at least 1, got w=%s h=%s' % (w, h))
    if int(interp) not in (0, 1, 2, 3, 4):
        raise MXNetValueError('imresize: interp must be 0-4, got %r' % (interp,))
    return _to_out(resize_array(src._data, w, h, interp), out, 'imresize')


def scale_down(src_size, size):
    """Scale a crop size ``(w, h)`` down to fit an image of ``src_size`` (w, h)."""
    w, h = size
    sw, sh = src_size
    if sh < h:
        w, h = float(w * sh) / h, sh
    if sw < w:
        w, h = sw, float(h * sw) / w
    return int(w), int(h)


def copyMakeBorder(src, top, bot, left, right, type=0, value=0.0,  # noqa: N802,A002
                   values=(), out=None):
    """Pad an image with OpenCV's copyMakeBorder (``type`` is the border type)."""
    _check_hwc(src, 'copyMakeBorder')
    cv = cv2()
    color = (value, value, value, 0) if not values else tuple(values) + (0,) * (4 - len(values))
    img = src._data
    c = img.shape[2]
    res = cv.copyMakeBorder(np.ascontiguousarray(img if c != 1 else img[:, :, 0]), int(top),
                            int(bot), int(left), int(right), int(type), value=color)
    return _to_out(res.reshape(res.shape[0], res.shape[1], c), out, 'copyMakeBorder')


def _get_interp_method(interp, sizes=()):
    """Resolve interp 9 (auto) and 10 (random) to an OpenCV method 0-4."""
    if interp == 9:
        if sizes:
            if len(sizes) != 4:
                raise MXNetValueError('sizes must be (old_h, old_w, new_h, new_w)')
            oh, ow, nh, nw = sizes
            if nh > oh and nw > ow:
                return 2
            if nh < oh and nw < ow:
                return 3
            return 1
        return 2
    if interp == 10:
        return random.randint(0, 4)
    if interp not in (0, 1, 2, 3, 4):
        raise MXNetValueError('Unknown interp method %d' % interp)
    return interp


def resize_short(src, size, interp=2):
    """Resize so the shorter edge is ``size``, keeping the aspect ratio."""
    h, w, _ = src.shape
    if h > w:
        new_h, new_w = size * h // w, size
    else:
        new_h, new_w = size, size * w // h
    return imresize(src, new_w, new_h, interp=_get_interp_method(interp, (h, w, new_h, new_w)))


def fixed_crop(src, x0, y0, w, h, size=None, interp=2):
    """Crop ``src`` at (x0, y0) with width ``w``, height ``h``; optionally resize to ``size``."""
    _check_hwc(src, 'fixed_crop')
    H, W = src.shape[:2]
    if x0 < 0 or y0 < 0 or w < 1 or h < 1 or x0 + w > W or y0 + h > H:
        raise MXNetValueError('fixed_crop: crop (x0=%d, y0=%d, w=%d, h=%d) is outside the '
                              '%dx%d image' % (x0, y0, w, h, W, H))
    out = NDArray(np.ascontiguousarray(src._data[y0:y0 + h, x0:x0 + w]), src.context)
    if size is not None and (w, h) != tuple(size):
        sizes = (h, w, size[1], size[0])
        out = imresize(out, *size, interp=_get_interp_method(interp, sizes))
    return out


def random_crop(src, size, interp=2):
    """Crop a random ``size`` (w, h) region; upsample when ``src`` is smaller.

    Returns the crop and its (x, y, width, height) in ``src``.
    """
    h, w, _ = src.shape
    new_w, new_h = scale_down((w, h), size)
    x0 = random.randint(0, w - new_w)
    y0 = random.randint(0, h - new_h)
    out = fixed_crop(src, x0, y0, new_w, new_h, size, interp)
    return out, (x0, y0, new_w, new_h)


def center_crop(src, size, interp=2):
    """Crop the centre ``size`` (w, h) region; upsample when ``src`` is smaller.

    Returns the crop and its (x, y, width, height) in ``src``.
    """
    h, w, _ = src.shape
    new_w, new_h = scale_down((w, h), size)
    x0 = int((w - new_w) / 2)
    y0 = int((h - new_h) / 2)
    out = fixed_crop(src, x0, y0, new_w, new_h, size, interp)
    return out, (x0, y0, new_w, new_h)


def _as_np(x):
    if isinstance(x, NDArray):
        return x._data
    return np.asarray(x, dtype=np.float32)


def color_normalize(src, mean, std=None):
    """``(src - mean) / std`` in place on a float image; returns ``src``."""
    if not np.issubdtype(src._data.dtype, np.floating):
        raise MXNetTypeError('color_normalize: src must be a float image, got %s; cast it first '
                             "(src.astype('float32'))" % np.dtype(src.dtype).name)
    try:
        if mean is not None:
            np.subtract(src._data, _as_np(mean), out=src._data, casting='same_kind')
        if std is not None:
            np.divide(src._data, _as_np(std), out=src._data, casting='same_kind')
    except ValueError as e:
        raise MXNetValueError('color_normalize: mean/std do not broadcast to image shape %s: %s'
                              % (src.shape, e)) from None
    return src


def random_size_crop(src, size, area, ratio, interp=2, **kwargs):
    """Random crop with random area fraction and aspect ratio, resized to ``size`` (w, h).

    Falls back to :func:`center_crop` after 10 failed tries.  Returns the crop
    and its (x, y, width, height) in ``src``.
    """
    h, w, _ = src.shape
    src_area = h * w
    if 'min_area' in kwargs:
        import warnings
        warnings.warn('`min_area` is deprecated. Please use `area` instead.', DeprecationWarning)
        area = kwargs.pop('min_area')
    if kwargs:
        raise MXNetTypeError('random_size_crop: unexpected keyword arguments %s'
                             % ', '.join(sorted(kwargs)))
    if isinstance(area, numeric_types):
        area = (area, 1.0)
    for _ in range(10):
        target_area = random.uniform(area[0], area[1]) * src_area
        log_ratio = (np.log(ratio[0]), np.log(ratio[1]))
        new_ratio = np.exp(random.uniform(*log_ratio))
        new_w = int(round(np.sqrt(target_area * new_ratio)))
        new_h = int(round(np.sqrt(target_area / new_ratio)))
        if new_w <= w and new_h <= h:
            x0 = random.randint(0, w - new_w)
            y0 = random.randint(0, h - new_h)
            out = fixed_crop(src, x0, y0, new_w, new_h, size, interp)
            return out, (x0, y0, new_w, new_h)
    return center_crop(src, size, interp)


def _bilinear_sample(img, gx, gy):
    """Sample CHW float images at normalised grid coords (BilinearSampler, zero outside)."""
    n, c, h, w = img.shape
    x = (gx + 1.0) * (w - 1) / 2.0
    y = (gy + 1.0) * (h - 1) / 2.0
    x0 = np.floor(x).astype(np.int64)
    y0 = np.floor(y).astype(np.int64)
    out = np.zeros((n, c) + gx.shape[1:], dtype=np.float32)
    for dy in (0, 1):
        for dx in (0, 1):
            xi, yi = x0 + dx, y0 + dy
            wgt = (1 - np.abs(x - xi)) * (1 - np.abs(y - yi))
            ok = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
            xc, yc = np.clip(xi, 0, w - 1), np.clip(yi, 0, h - 1)
            for b in range(n):
                vals = img[b][:, yc[b], xc[b]]
                out[b] += (vals * (wgt[b] * ok[b])).astype(np.float32)
    return out


def imrotate(src, rotation_degrees, zoom_in=False, zoom_out=False):
    """Rotate CHW (or NCHW) float32 image(s) about the centre by ``rotation_degrees``.

    Pixels from outside the image are 0; ``zoom_in`` scales so no padding
    shows, ``zoom_out`` so the whole source stays visible.
    """
    if zoom_in and zoom_out:
        raise MXNetValueError('`zoom_in` and `zoom_out` cannot be both True')
    if src.dtype is not np.float32:
        raise MXNetTypeError('Only `float32` images are supported by this function')
    data = src._data
    expanded = False
    if data.ndim == 3:
        expanded = True
        data = data[None]
        if not isinstance(rotation_degrees, numeric_types):
            raise MXNetTypeError('When a single image is passed the rotation angle is required '
                                 'to be a scalar.')
    elif data.ndim != 4:
        raise MXNetValueError('Only 3D and 4D are supported by this function')
    if isinstance(rotation_degrees, numeric_types):
        rotation_degrees = np.full(len(data), float(rotation_degrees), np.float32)
    else:
        rotation_degrees = _as_np(rotation_degrees).astype(np.float32).reshape(-1)
    if len(data) != len(rotation_degrees):
        raise MXNetValueError('The number of images must be equal to the number of rotation '
                              'angles')
    rad = (np.pi * rotation_degrees / 180).astype(np.float32)[:, None, None]
    _, _, h, w = data.shape
    hs, ws = float(h - 1) / 2, float(w - 1) / 2
    hm = (np.arange(h, dtype=np.float32)[:, None] - hs) * np.ones((1, w), np.float32)
    wm = np.ones((h, 1), np.float32) * (np.arange(w, dtype=np.float32)[None, :] - ws)
    c, s = np.cos(rad), np.sin(rad)
    wr = (wm * c - hm * s) / ws
    hr = (wm * s + hm * c) / hs
    scale = 1.0
    if zoom_in or zoom_out:
        rho = np.sqrt(h * h + w * w)
        ang = np.arctan(h / w)
        a = np.abs(rad)
        mx_ = np.maximum(np.abs(rho * np.cos(ang + a)), np.abs(rho * np.cos(ang - a)))
        my_ = np.maximum(np.abs(rho * np.sin(ang + a)), np.abs(rho * np.sin(ang - a)))
        if zoom_out:
            scale = np.maximum(mx_ / w, my_ / h)
        else:
            scale = np.minimum(w / mx_, h / my_)
    out = _bilinear_sample(data.astype(np.float32), (wr * scale).astype(np.float32),
                           (hr * scale).astype(np.float32))
    return NDArray(out[0] if expanded else out, src.context)


def random_rotate(src, angle_limits, zoom_in=False, zoom_out=False):
    """Rotate by an angle drawn uniformly from ``angle_limits`` (numpy's global RNG)."""
    if src.ndim == 3:
        rotation_degrees = np.random.uniform(*angle_limits)
    else:
        rotation_degrees = np.random.uniform(*angle_limits, size=src.shape[0])
    return imrotate(src, rotation_degrees, zoom_in=zoom_in, zoom_out=zoom_out)


def read_file(path_root, fname):
    with open(os.path.join(path_root or '', fname), 'rb') as fin:
        return fin.read()
