"""ImageRecordIter's default augmenter ('aug_default'), step for step as MXNet 1.9.1.

Order: resize shorter edge -> random affine (rotate/shear/scale/aspect) ->
pad -> crop (random-resized, random-size, or random/centre crop with an
upscale when the image is smaller than ``data_shape``) -> colour jitter
(brightness/contrast/saturation in random order) -> HSL jitter -> PCA
lighting noise.  Work happens on OpenCV's BGR uint8 images; geometry uses
the same OpenCV calls and integer/float32 rounding as MXNet, so the
deterministic paths give identical pixels.

Random numbers come from a row of pre-drawn uniforms per image
(:class:`Uniforms`), drawn on the iterator's thread in record order, so
results do not depend on the number of decoding threads.
"""
import math

import numpy as np

from ..base import MXNetError

__all__ = ['DefaultAugmenter', 'Uniforms', 'UNIFORMS_PER_IMAGE']

UNIFORMS_PER_IMAGE = 96
_F32 = np.float32
# eigval * eigvec of ImageNet RGB covariance, as MXNet stores it
_EIGVEC = np.array([[55.46 * -0.5675, 4.794 * 0.7192, 1.148 * 0.4009],
                    [55.46 * -0.5808, 4.794 * -0.0045, 1.148 * -0.8140],
                    [55.46 * -0.5836, 4.794 * -0.6948, 1.148 * 0.4203]], dtype=np.float32)


class Uniforms:
    """Sequential reader of one image's pre-drawn uniforms in [0, 1)."""
    __slots__ = ('u', 'k')

    def __init__(self, u):
        self.u = u
        self.k = 0

    def next(self):
        if self.k >= len(self.u):
            raise MXNetError('ImageRecordIter: internal error: augmentation needs more than %d '
                             'random numbers per image' % len(self.u))
        v = self.u[self.k]
        self.k += 1
        return v

    def real(self, lo, hi):
        """float32 uniform in [lo, hi)."""
        return _F32(_F32(lo) + _F32(self.next()) * (_F32(hi) - _F32(lo)))

    def integer(self, lo, hi):
        """Integer uniform in [lo, hi] (inclusive)."""
        n = hi - lo + 1
        return lo + min(int(self.next() * n), n - 1)

    def normal(self, std):
        u1 = max(self.next(), 1e-300)
        u2 = self.next()
        return _F32(std * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2))


class DefaultAugmenter:
    """One image's augmentation with the parsed ImageRecordIter parameters ``p``."""

    def __init__(self, p):
        self.p = p
        self.dh = p.data_shape[1]
        self.dw = p.data_shape[2]
        if p.min_aspect_ratio is not None:
            self.max_ar = _F32(p.max_aspect_ratio)
            self.min_ar = _F32(p.min_aspect_ratio)
        else:
            self.max_ar = _F32(1 + _F32(p.max_aspect_ratio))
            self.min_ar = _F32(1 - _F32(p.max_aspect_ratio))
        self.affine = (p.max_rotate_angle > 0 or p.max_shear_ratio > 0 or p.rotate > 0
                       or len(p.rotate_list) > 0
                       or p.max_random_scale != 1.0 or p.min_random_scale != 1.0
                       or (not p.random_resized_crop
                           and (self.min_ar != 1.0 or self.max_ar != 1.0))
                       or p.max_img_size != _F32(1e10) or p.min_img_size != 0.0)
        if p.random_resized_crop:
            if not (p.min_random_scale == 1.0 and p.max_random_scale == 1.0
                    and p.min_crop_size == -1 and p.max_crop_size == -1 and not p.rand_crop):
                raise MXNetError('ImageRecordIter: setting random_resized_crop to true conflicts '
                                 'with min_random_scale, max_random_scale, min_crop_size, '
                                 'max_crop_size, and rand_crop')
            self.rrc = (p.max_random_area != 1.0 or p.min_random_area != 1.0
                        or self.max_ar != 1.0 or self.min_ar != 1.0)
            if self.rrc and not (self.min_ar > 0 and p.min_random_area <= p.max_random_area
                                 and self.min_ar <= self.max_ar):
                raise MXNetError('ImageRecordIter: random_resized_crop needs min_aspect_ratio > 0 '
                                 '(got %g), min_random_area <= max_random_area (got %g, %g) and '
                                 'min_aspect_ratio <= max_aspect_ratio (got %g, %g)'
                                 % (self.min_ar, p.min_random_area, p.max_random_area,
                                    self.min_ar, self.max_ar))
        else:
            self.rrc = False
        self.crop_size = (not p.random_resized_crop
                          and (p.max_crop_size != -1 or p.min_crop_size != -1))
        if self.affine and p.inter_method == 0:
            raise MXNetError('ImageRecordIter: invalid inter_method: valid value 0,1,2,3,9,10 '
                             '(0, nearest neighbour, cannot be used with the random affine '
                             'transform; use 1 or 9)')
        # cv::Scalar(fill, fill, fill): an alpha channel is filled with 0
        self.fill = (float(p.fill_value),) * 3 + (0.0,)

    def _interp(self, old_w, old_h, new_w, new_h, u):
        m = self.p.inter_method
        if m == 9:
            if new_w > old_w and new_h > old_h:
                return 2
            if new_w < old_w and new_h < old_h:
                return 3
            return 1
        if m == 10:
            return u.integer(0, 4)
        return m

    def process(self, src, u, cv2):
        """Augment ``src`` (HWC uint8, OpenCV channel order); returns the new image."""
        p = self.p
        res = src
        if p.resize != -1:
            rows, cols = src.shape[:2]
            if rows > cols:
                nh, nw = p.resize * rows // cols, p.resize
            else:
                nh, nw = p.resize, p.resize * cols // rows
            res = _resize(cv2, src, nw, nh, self._interp(cols, rows, nw, nh, u))
        if self.affine:
            res = self._affine(res, u, cv2)
        if p.pad > 0:
            res = _keep_channels(cv2.copyMakeBorder(res, p.pad, p.pad, p.pad, p.pad,
                                                    cv2.BORDER_CONSTANT, value=self.fill), res)
        cropped = False
        if self.rrc:
            res, cropped = self._random_resized_crop(res, u, cv2)
        elif self.crop_size:
            res = self._random_size_crop(res, u, cv2)
            cropped = True
        if not cropped:
            res = self._crop(res, u, cv2)
        if p.brightness > 0 or p.contrast > 0 or p.saturation > 0:
            res = self._color_jitter(res, u, cv2)
        if p.random_h != 0 or p.random_s != 0 or p.random_l != 0:
            res = self._hsl(res, u, cv2)
        if p.pca_noise > 0:
            res = self._pca(res, u)
        return res

    def _affine(self, res, u, cv2):
        p = self.p
        rows, cols = res.shape[:2]
        s = _F32(_F32(u.next()) * _F32(p.max_shear_ratio) * 2 - _F32(p.max_shear_ratio))
        angle = u.integer(-p.max_rotate_angle, p.max_rotate_angle)
        if p.rotate > 0:
            angle = p.rotate
        if p.rotate_list:
            angle = p.rotate_list[u.integer(0, len(p.rotate_list) - 1)]
        a = _F32(math.cos(angle / 180.0 * math.pi))
        b = _F32(math.sin(angle / 180.0 * math.pi))
        scale = _F32(1)
        ratio = _F32(1)
        if not p.random_resized_crop:
            scale = _F32(_F32(u.next()) * (_F32(p.max_random_scale) - _F32(p.min_random_scale))
                         + _F32(p.min_random_scale))
            ratio = _F32(_F32(u.next()) * (self.max_ar - self.min_ar) + self.min_ar)
        hs = _F32(2 * scale / (1 + ratio))
        ws = _F32(ratio * hs)
        new_w = max(_F32(p.min_img_size), min(_F32(p.max_img_size), _F32(scale * cols)))
        new_h = max(_F32(p.min_img_size), min(_F32(p.max_img_size), _F32(scale * rows)))
        m = np.empty((2, 3), np.float32)
        m[0, 0] = hs * a - s * b * ws
        m[1, 0] = -b * ws
        m[0, 1] = hs * b + s * a * ws
        m[1, 1] = a * ws
        ocw = _F32(m[0, 0] * cols + m[0, 1] * rows)
        och = _F32(m[1, 0] * cols + m[1, 1] * rows)
        m[0, 2] = (new_w - ocw) / 2
        m[1, 2] = (new_h - och) / 2
        iw, ih = int(new_w), int(new_h)
        if iw < 1 or ih < 1:
            raise MXNetError('ImageRecordIter: the random affine transform made a %dx%d image; '
                             'check min_random_scale/min_img_size' % (iw, ih))
        interp = self._interp(cols, rows, iw, ih, u)
        out = cv2.warpAffine(res, m, (iw, ih), flags=interp, borderMode=cv2.BORDER_CONSTANT,
                             borderValue=self.fill)
        return _keep_channels(out, res)

    def _random_resized_crop(self, res, u, cv2):
        p = self.p
        rows, cols = res.shape[:2]
        area = _F32(rows * cols)
        for _ in range(10):
            rand_area = u.real(p.min_random_area, p.max_random_area)
            ratio = u.real(self.min_ar, self.max_ar)
            target = _F32(area * rand_area)
            y_area = int(_round(math.sqrt(_F32(target / ratio))))
            x_area = int(_round(math.sqrt(_F32(target * ratio))))
            if u.next() > 0.5:
                y_area, x_area = x_area, y_area
            if y_area <= rows and x_area <= cols:
                y = u.integer(0, rows - y_area)
                x = u.integer(0, cols - x_area)
                interp = self._interp(x_area, y_area, self.dw, self.dh, u)
                crop = res[y:y + y_area, x:x + x_area]
                return _resize(cv2, crop, self.dw, self.dh, interp), True
        return res, False

    def _random_size_crop(self, res, u, cv2):
        p = self.p
        rows, cols = res.shape[:2]
        if not (cols >= p.max_crop_size and rows >= p.max_crop_size
                and p.max_crop_size >= p.min_crop_size):
            raise MXNetError('ImageRecordIter: input image size smaller than max_crop_size: '
                             'image is %dx%d, max_crop_size=%d, min_crop_size=%d'
                             % (cols, rows, p.max_crop_size, p.min_crop_size))
        size = u.integer(p.min_crop_size, p.max_crop_size)
        y, x = rows - size, cols - size
        if p.rand_crop:
            y, x = u.integer(0, y), u.integer(0, x)
        else:
            y, x = y // 2, x // 2
        interp = self._interp(size, size, self.dw, self.dh, u)
        return _resize(cv2, res[y:y + size, x:x + size], self.dw, self.dh, interp)

    def _crop(self, res, u, cv2):
        p = self.p
        dh, dw = self.dh, self.dw
        rows, cols = res.shape[:2]
        interp = self._interp(cols, rows, dw, dh, u)
        if rows < dh:
            new_cols = int(_F32(_F32(_F32(dh) / _F32(rows)) * _F32(cols)))
            res = _resize(cv2, res, new_cols, dh, interp)
            rows, cols = res.shape[:2]
        if cols < dw:
            new_rows = int(_F32(_F32(_F32(dw) / _F32(cols)) * _F32(rows)))
            res = _resize(cv2, res, dw, new_rows, interp)
            rows, cols = res.shape[:2]
        if rows < dh or cols < dw:
            raise MXNetError('ImageRecordIter: input image size smaller than input shape: '
                             'image is %dx%d after augmentation, data_shape needs %dx%d'
                             % (cols, rows, dw, dh))
        y, x = rows - dh, cols - dw
        if p.rand_crop:
            y, x = u.integer(0, y), u.integer(0, x)
        else:
            y, x = y // 2, x // 2
        return res[y:y + dh, x:x + dw]

    def _color_jitter(self, res, u, cv2):
        p = self.p
        alpha_b = _F32(1.0 + u.real(-p.brightness, p.brightness))
        alpha_c = _F32(1.0 + u.real(-p.contrast, p.contrast))
        alpha_s = _F32(1.0 + u.real(-p.saturation, p.saturation))
        order = [0, 1, 2]
        for i in range(2, 0, -1):
            j = u.integer(0, i)
            order[i], order[j] = order[j], order[i]
        for i in order:
            if i == 0:
                res = _convert(res, alpha_b, 0.0)
            elif i == 1:
                gray = _gray(cv2, res)
                gray_mean = float(gray.mean())
                res = _convert(res, alpha_c, float((1 - alpha_c) * _F32(gray_mean)))
            else:
                gray = _gray(cv2, res)
                if res.shape[2] != 1:
                    gray = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
                    if res.shape[2] == 4:
                        gray = np.concatenate([gray, res[:, :, 3:]], axis=2)
                res = _keep_channels(cv2.addWeighted(np.ascontiguousarray(res), float(alpha_s),
                                                     np.ascontiguousarray(gray.reshape(res.shape)),
                                                     float(1 - alpha_s), 0.0), res)
        return res

    def _hsl(self, res, u, cv2):
        from ..kernels.image import add_clamped
        p = self.p
        if res.shape[2] != 3:
            raise MXNetError('ImageRecordIter: random_h/random_s/random_l need 3-channel images, '
                             'data_shape has %d channels' % res.shape[2])
        hls = cv2.cvtColor(np.ascontiguousarray(res), cv2.COLOR_BGR2HLS)
        r = []
        for lim in (p.random_h, p.random_s, p.random_l):
            v = _F32(u.next())
            v = _F32(v + _F32(4 * _F32(u.next())))
            v = _F32(v / 5)
            r.append(int(_F32(v * lim * 2 - lim)))
        h, s, l_ = r
        add_clamped(hls, np.array([h, l_, s], np.int64), np.array([180, 255, 255], np.int64))
        return cv2.cvtColor(hls, cv2.COLOR_HLS2BGR)

    def _pca(self, res, u):
        from ..kernels.image import add_float_trunc
        std = self.p.pca_noise
        ar, ag, ab = u.normal(std), u.normal(std), u.normal(std)
        e = _EIGVEC
        pr = _F32(e[0, 0] * ar + e[0, 1] * ag + e[0, 2] * ab)
        pg = _F32(e[1, 0] * ar + e[1, 1] * ag + e[1, 2] * ab)
        pb = _F32(e[2, 0] * ar + e[2, 1] * ag + e[2, 2] * ab)
        res = np.ascontiguousarray(res).copy()
        delta = np.array([pb, pg, pr, 0.0][:res.shape[2]] if res.shape[2] != 1 else [pb],
                         np.float32)
        add_float_trunc(res, delta)
        return res


def _round(x):
    """std::round: half away from zero."""
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def _keep_channels(out, like):
    """OpenCV drops a single channel axis; put it back."""
    if out.ndim == 2:
        return out.reshape(out.shape[0], out.shape[1], 1)
    return out


def _resize(cv2, img, w, h, interp):
    out = cv2.resize(np.ascontiguousarray(img), (int(w), int(h)), interpolation=int(interp))
    return _keep_channels(out, img)


def _convert(img, alpha, beta):
    """cv::Mat::convertTo(img, -1, alpha, beta) on uint8: saturate(round(x*alpha+beta))."""
    out = np.asarray(img, np.float32) * _F32(alpha) + _F32(beta)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _gray(cv2, img):
    # MXNet converts its BGR image with RGB2GRAY (weights applied in R, G, B order)
    if img.shape[2] == 1:
        return img[:, :, 0]
    if img.shape[2] == 4:
        return cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_RGBA2GRAY)
    return cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_RGB2GRAY)
