"""vision.transforms and gluon.utils; expected numbers are MXNet 1.9.1's for the same calls."""
import hashlib

import numpy as np
import pytest

import mxlite as mx
from mxlite.base import MXNetError
from mxlite.gluon import utils
from mxlite.gluon.data.vision import transforms as T

X = mx.nd.array(np.arange(18).reshape(3, 2, 3), dtype='uint8')
X2 = mx.nd.array(np.random.RandomState(0).randint(0, 255, (5, 7, 3)), dtype='uint8')


def test_to_tensor_normalize():
    t = T.ToTensor()(X)
    assert t.shape == (3, 3, 2) and t.dtype == np.float32
    np.testing.assert_allclose(t.asnumpy()[1, 2], [0.05098039, 0.0627451], rtol=1e-6)
    n = T.Normalize((1, 2, 3), (2, 2, 2))(t)
    np.testing.assert_allclose(n.asnumpy()[2, 0], [-1.4960784, -1.4901961], rtol=1e-6)
    batch = T.ToTensor()(mx.nd.stack(X, X))
    assert batch.shape == (2, 3, 3, 2)
    with pytest.raises(MXNetError, match='mean and std'):
        T.Normalize((1, 2), 1)(t)


def test_resize_and_crops_match_mxnet():
    assert T.Resize((4, 2))(X).shape == (2, 4, 3)
    assert T.Resize(4, keep_ratio=True)(X).shape == (6, 4, 3)
    assert T.Resize(3, keep_ratio=True)(X2).shape == (3, 4, 3)
    assert T.Resize(4)(X).dtype == np.uint8
    assert T.Resize((4, 3))(X2).asnumpy()[1].tolist() == [
        [146, 166, 207], [148, 147, 51], [135, 29, 50], [178, 250, 184]]
    assert T.CenterCrop(2)(X).asnumpy().ravel().tolist() == list(range(12))
    assert T.CenterCrop((4, 3))(X2).asnumpy()[2].tolist() == [
        [34, 128, 128], [164, 53, 133], [38, 232, 244], [17, 79, 132]]
    assert T.CenterCrop(6)(X2).asnumpy()[5, :2].tolist() == [[57, 35, 102], [103, 17, 156]]
    assert T.CropResize(1, 2, 3, 2)(X2).asnumpy().tolist() == \
        X2.asnumpy()[2:4, 1:4].tolist()
    assert T.RandomResizedCrop((4, 3))(X2).shape == (3, 4, 3)


def test_compose_repr_and_cast():
    c = T.Compose([T.Cast('float64'), T.ToTensor(), T.Normalize(0.5, 0.2)])
    assert repr(c).startswith('Compose(\n  (0): HybridSequential(\n    (0): Cast(')
    out = c(X)
    assert out.dtype == np.float32 and out.shape == (3, 3, 2)
    c.hybridize()                  # accepted; transforms stay imperative
    assert c(X).shape == (3, 3, 2)


def test_random_transforms_shapes_dtypes_and_effects():
    import random
    random.seed(0)
    img = X2.astype('float32')
    flips = {tuple(T.RandomFlipLeftRight()(X2).asnumpy()[0, 0]) for _ in range(20)}
    assert flips == {tuple(X2.asnumpy()[0, 0]), tuple(X2.asnumpy()[0, -1])}
    tb = {tuple(T.RandomFlipTopBottom()(X2).asnumpy()[0, 0]) for _ in range(20)}
    assert tb == {tuple(X2.asnumpy()[0, 0]), tuple(X2.asnumpy()[-1, 0])}
    for t in [T.RandomBrightness(0.3), T.RandomContrast(0.3), T.RandomSaturation(0.3),
              T.RandomHue(0.2), T.RandomColorJitter(0.2, 0.2, 0.2, 0.1), T.RandomLighting(0.1)]:
        out = t(X2)
        assert out.shape == X2.shape and out.dtype == np.uint8
        f = t(img)
        assert f.dtype == np.float32
    # saturation 0 blend: gray image stays gray
    gray = mx.nd.array(np.full((2, 2, 3), 100, np.uint8), dtype='uint8')
    assert np.all(T.RandomSaturation(0.9)(gray).asnumpy() == 100)
    b = T.RandomBrightness(0.5)(img).asnumpy() / img.asnumpy().clip(1)
    assert 0.5 <= b[img.asnumpy() > 0].min() <= b.max() <= 1.5
    assert T.RandomApply(T.Cast('float64'), p=1.0)(X).dtype == np.float64
    assert T.RandomApply(T.Cast('float64'), p=0.0)(X).dtype == np.uint8


def test_split_data_and_load():
    parts = utils.split_data(mx.nd.arange(10), 3, even_split=False)
    assert [p.asnumpy().tolist() for p in parts] == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    parts = utils.split_data(mx.nd.arange(12).reshape((2, 6)), 3, batch_axis=1)
    assert parts[2].asnumpy().tolist() == [[4, 5], [10, 11]]
    with pytest.raises(ValueError, match='evenly split'):
        utils.split_data(mx.nd.arange(10), 3)
    with pytest.raises(ValueError, match='Too many slices'):
        utils.split_data(mx.nd.arange(2), 3, even_split=False)
    loaded = utils.split_and_load(np.arange(8).reshape(4, 2), [mx.cpu(0), mx.cpu(1)])
    assert loaded[1].context == mx.cpu(1) and loaded[1].asnumpy().tolist() == [[4, 5], [6, 7]]
    assert len(utils.split_and_load(mx.nd.ones(4), [mx.cpu()])) == 1


@pytest.mark.filterwarnings("ignore:invalid value")
def test_clip_global_norm():
    a = [mx.nd.array([3., 4.]), mx.nd.array([[12.]])]
    assert utils.clip_global_norm(a, 6.5) == pytest.approx(13.0)
    assert a[0].asnumpy().tolist() == [1.5, 2.0] and a[1].asnumpy().tolist() == [[6.0]]
    b = [mx.nd.ones(2)]
    n = utils.clip_global_norm(b, 10, check_isfinite=False)
    assert isinstance(n, mx.nd.NDArray) and b[0].asnumpy().tolist() == [1, 1]
    with pytest.warns(UserWarning, match='nan or inf'):
        utils.clip_global_norm([mx.nd.array([np.inf])], 1.0)


def test_check_sha1_and_download(tmp_path):
    src = tmp_path / 'src.bin'
    src.write_bytes(b'mxlite' * 1000)
    sha = hashlib.sha1(src.read_bytes()).hexdigest()
    assert utils.check_sha1(str(src), sha) and not utils.check_sha1(str(src), '0' * 40)
    out = utils.download(src.as_uri(), path=str(tmp_path / 'dl'), sha1_hash=sha)
    assert open(out, 'rb').read() == src.read_bytes()
    with pytest.raises(MXNetError, match='hash does not match'):
        utils.download(src.as_uri(), path=str(tmp_path / 'dl2'), sha1_hash='0' * 40)
    with pytest.raises(MXNetError, match='put it at'):
        utils.download((tmp_path / 'missing.bin').as_uri(), path=str(tmp_path / 'm.bin'),
                       retries=0)
