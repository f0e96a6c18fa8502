"""``gluon.data.vision.transforms``: image transforms as blocks (run imperatively).

Images are HWC NDArrays (uint8 or float) until ``ToTensor`` makes them CHW
float32 in [0, 1]; batches (NHWC / NCHW) work too.  Random transforms draw
from Python's ``random`` module, as ``mx.image`` does; DataLoader workers
get their own seeds.
"""
import random

import numpy as np

from ....base import MXNetError, must_override
from ....ndarray.ndarray import NDArray
from ... import nn
from ...block import Block
from ...hybrid import HybridBlock

__all__ = ['Compose', 'Cast', 'ToTensor', 'Normalize', 'Resize', 'CenterCrop', 'CropResize',
           'RandomResizedCrop', 'RandomFlipLeftRight', 'RandomFlipTopBottom', 'RandomBrightness',
           'RandomContrast', 'RandomSaturation', 'RandomHue', 'RandomColorJitter',
           'RandomLighting', 'RandomApply']

_GRAY = np.array([0.299, 0.587, 0.114], dtype=np.float32)


def _arr(x, what):
    if not isinstance(x, NDArray):
        raise MXNetError('%s expects an NDArray image, got %s' % (what, type(x).__name__))
    return x._data


def _like(x, data):
    """``data`` as an NDArray on x's context, cast back to x's dtype (uint8 saturates)."""
    dt = x._data.dtype
    if data.dtype != dt:
        if np.issubdtype(dt, np.integer):
            info = np.iinfo(dt)
            data = np.clip(np.rint(data), info.min, info.max)
        data = data.astype(dt)
    return NDArray(np.ascontiguousarray(data), x.context)


class _Transform(HybridBlock):
    """A transform computed directly on the array: ``forward(x)`` only, never traced."""

    def hybridize(self, active=True, **kwargs):
        """Accepted and ignored: transforms always run on the array (see the class doc)."""

    def forward(self, x, *args):
        from ....symbol.symbol import Symbol
        if isinstance(x, Symbol):
            raise MXNetError('%s runs on NDArrays only; mxlite does not trace image transforms '
                             'into a Symbol' % self.__class__.__name__)
        return self._apply(x)

    def _apply(self, x):
        must_override(self, '_apply', 'a transform returns the transformed array')


class Compose(nn.Sequential):
    """Applies ``transforms`` in order (runs of hybrid ones are grouped as in MXNet)."""

    def __init__(self, transforms):
        super().__init__()
        transforms.append(None)
        hybrid = []
        for i in transforms:
            if isinstance(i, HybridBlock):
                hybrid.append(i)
                continue
            if len(hybrid) == 1:
                self.add(hybrid[0])
                hybrid = []
            elif len(hybrid) > 1:
                hblock = nn.HybridSequential()
                for j in hybrid:
                    hblock.add(j)
                self.add(hblock)
                hybrid = []
            if i is not None:
                if not isinstance(i, Block):
                    raise MXNetError('Compose: %r is not a Block' % (i,))
                self.add(i)
        transforms.pop()

    def hybridize(self, active=True, **kwargs):
        """Accepted and ignored: transforms always run on the array (see the class doc)."""


class Cast(_Transform):
    """Casts to ``dtype``."""

    def __init__(self, dtype='float32'):
        super().__init__()
        self._dtype = dtype

    def _apply(self, x):
        return x.astype(self._dtype)


class ToTensor(_Transform):
    """HWC (or NHWC) in [0, 255] to CHW (NCHW) float32 in [0, 1]."""

    def _apply(self, x):
        a = _arr(x, 'ToTensor')
        if a.ndim not in (3, 4):
            raise MXNetError('ToTensor: expects (H, W, C) or (N, H, W, C) input, got shape %s'
                             % (a.shape,))
        axes = (2, 0, 1) if a.ndim == 3 else (0, 3, 1, 2)
        out = a.transpose(axes).astype(np.float32) / np.float32(255.0)
        return NDArray(np.ascontiguousarray(out), x.context)


class Normalize(_Transform):
    """``(x - mean[c]) / std[c]`` on CHW (or NCHW) float tensors."""

    def __init__(self, mean=0.0, std=1.0):
        super().__init__()
        self._mean = mean
        self._std = std

    def _apply(self, x):
        a = _arr(x, 'Normalize')
        if a.ndim not in (3, 4):
            raise MXNetError('Normalize: expects (C, H, W) or (N, C, H, W) input, got shape %s'
                             % (a.shape,))
        c = a.shape[-3]
        mean = np.broadcast_to(np.asarray(self._mean, np.float32).ravel(), (c,)) \
            if np.size(self._mean) in (1, c) else None
        std = np.broadcast_to(np.asarray(self._std, np.float32).ravel(), (c,)) \
            if np.size(self._std) in (1, c) else None
        if mean is None or std is None:
            raise MXNetError('Normalize: mean and std need 1 or %d (channels) values, got %s and '
                             '%s' % (c, self._mean, self._std))
        out = (a - mean.reshape(c, 1, 1)) / std.reshape(c, 1, 1)
        return NDArray(out.astype(a.dtype if a.dtype.kind == 'f' else np.float32), x.context)


def _size_wh(size):
    if isinstance(size, int):
        return size, size
    if len(size) != 2:
        raise MXNetError('size must be an int or (width, height), got %s' % (size,))
    return int(size[0]), int(size[1])


def _resize(x, w, h, interp):
    from .... import image
    a = x._data
    if a.ndim == 4:
        return NDArray(np.stack([image.imresize(NDArray(i, x.context), w, h, interp)._data
                                 for i in a]), x.context)
    return image.imresize(x, w, h, interp)


class Resize(_Transform):
    """Resize HWC images to ``size`` ((w, h), or a square; the shorter side with keep_ratio)."""

    def __init__(self, size, keep_ratio=False, interpolation=1):
        super().__init__()
        self._keep = keep_ratio
        self._size = size
        self._interpolation = interpolation

    def _apply(self, x):
        a = _arr(x, 'Resize')
        h, w = a.shape[-3], a.shape[-2]
        if isinstance(self._size, int):
            if self._keep:
                if h > w:
                    nw, nh = self._size, int(h * self._size / w)
                else:
                    nw, nh = int(w * self._size / h), self._size
            else:
                nw = nh = self._size
        else:
            nw, nh = _size_wh(self._size)
        return _resize(x, nw, nh, self._interpolation)


class CenterCrop(_Transform):
    """Crop the centre ``size`` (w, h) region (scaled down to fit first if needed)."""

    def __init__(self, size, interpolation=1):
        super().__init__()
        self._size = _size_wh(size)
        self._interpolation = interpolation

    def _apply(self, x):
        from .... import image
        return image.center_crop(x, self._size, self._interpolation)[0]


class CropResize(_Transform):
    """Crop ``(x, y, width, height)``, then resize to ``size`` if given."""

    def __init__(self, x, y, width, height, size=None, interpolation=None):
        super().__init__()
        self._box = (x, y, width, height)
        self._size = None if size is None else _size_wh(size)
        self._interpolation = 1 if interpolation is None else interpolation

    def _apply(self, img):
        a = _arr(img, 'CropResize')
        x0, y0, w, h = self._box
        out = NDArray(np.ascontiguousarray(a[..., y0:y0 + h, x0:x0 + w, :]), img.context)
        if self._size is not None:
            out = _resize(out, self._size[0], self._size[1], self._interpolation)
        return out


class RandomResizedCrop(_Transform):
    """Crop a random area fraction ``scale`` and aspect ``ratio``, resized to ``size``."""

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0), interpolation=1):
        super().__init__()
        self._args = (_size_wh(size), scale, ratio, interpolation)

    def _apply(self, x):
        from .... import image
        return image.random_size_crop(x, *self._args)[0]


class RandomFlipLeftRight(_Transform):
    """Mirror horizontally with probability 1/2."""

    def _apply(self, x):
        if random.random() < 0.5:
            return NDArray(np.ascontiguousarray(x._data[..., ::-1, :]), x.context)
        return x


class RandomFlipTopBottom(_Transform):
    """Flip vertically with probability 1/2."""

    def _apply(self, x):
        if random.random() < 0.5:
            return NDArray(np.ascontiguousarray(x._data[..., ::-1, :, :]), x.context)
        return x


def _jitter(value):
    return random.uniform(max(0.0, 1.0 - value), 1.0 + value)


class RandomBrightness(_Transform):
    """Multiply by a random factor in [1 - brightness, 1 + brightness]."""

    def __init__(self, brightness):
        super().__init__()
        self._brightness = brightness

    def _apply(self, x):
        a = _arr(x, 'RandomBrightness').astype(np.float32)
        return _like(x, a * np.float32(_jitter(self._brightness)))


class RandomContrast(_Transform):
    """Blend with the image's mean gray level by a random factor."""

    def __init__(self, contrast):
        super().__init__()
        self._contrast = contrast

    def _apply(self, x):
        a = _arr(x, 'RandomContrast').astype(np.float32)
        alpha = np.float32(_jitter(self._contrast))
        gray = float((a @ _GRAY).mean())
        return _like(x, a * alpha + np.float32(gray * (1 - alpha)))


class RandomSaturation(_Transform):
    """Blend every pixel with its own gray level by a random factor."""

    def __init__(self, saturation):
        super().__init__()
        self._saturation = saturation

    def _apply(self, x):
        a = _arr(x, 'RandomSaturation').astype(np.float32)
        alpha = np.float32(_jitter(self._saturation))
        gray = (a @ _GRAY)[..., None]
        return _like(x, a * alpha + gray * (1 - alpha))


_TYIQ = np.array([[0.299, 0.587, 0.114], [0.596, -0.274, -0.321], [0.211, -0.523, 0.311]])
_ITYIQ = np.array([[1.0, 0.956, 0.621], [1.0, -0.272, -0.647], [1.0, -1.107, 1.705]])


class RandomHue(_Transform):
    """Rotate the hue by a random angle in [-hue, hue] * 180 degrees (YIQ space)."""

    def __init__(self, hue):
        super().__init__()
        self._hue = hue

    def _apply(self, x):
        a = _arr(x, 'RandomHue').astype(np.float32)
        alpha = random.uniform(-self._hue, self._hue)
        u, w = np.cos(alpha * np.pi), np.sin(alpha * np.pi)
        bt = np.array([[1.0, 0.0, 0.0], [0.0, u, -w], [0.0, w, u]])
        t = (_ITYIQ @ bt @ _TYIQ).T.astype(np.float32)
        return _like(x, a @ t)


class RandomColorJitter(_Transform):
    """Brightness, contrast, saturation and hue jitter (those > 0) in random order."""

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        super().__init__()
        self._fns = [t(v)._apply for v, t in ((brightness, RandomBrightness), (contrast, RandomContrast),
                                      (saturation, RandomSaturation), (hue, RandomHue)) if v]

    def _apply(self, x):
        order = list(range(len(self._fns)))
        random.shuffle(order)
        for i in order:
            x = self._fns[i](x)
        return x


class RandomLighting(_Transform):
    """AlexNet-style PCA lighting noise with standard deviation ``alpha``."""

    _eigval = np.array([55.46, 4.794, 1.148])
    _eigvec = np.array([[-0.5675, 0.7192, 0.4009], [-0.5808, -0.0045, -0.8140],
                        [-0.5836, -0.6948, 0.4203]])

    def __init__(self, alpha):
        super().__init__()
        self._alpha = alpha

    def _apply(self, x):
        a = _arr(x, 'RandomLighting').astype(np.float32)
        alpha = np.array([random.gauss(0, self._alpha) for _ in range(3)])
        rgb = (self._eigvec * alpha) @ self._eigval
        return _like(x, a + rgb.astype(np.float32))


class RandomApply(nn.Sequential):
    """Apply ``transforms`` with probability ``p``."""

    def __init__(self, transforms, p=0.5):
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, x, *args):
        if self.p < random.random():
            return x
        return self.transforms(x)
