"""tools/digits_to_folder.py: the embedded digits as PNG class folders."""
import importlib.util
import os

import numpy as np
from PIL import Image

import mxlite as mx

TOOL = os.path.join(os.path.dirname(__file__), '..', '..', 'tools', 'digits_to_folder.py')


def load_tool():
    spec = importlib.util.spec_from_file_location('digits_to_folder', TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_split_folders_hold_get_digits_images(tmp_path):
    counts = load_tool().write_digits(str(tmp_path))
    assert counts == {'train': 1438, 'val': 359}
    assert sorted(os.listdir(tmp_path)) == ['train', 'val']
    assert sorted(os.listdir(tmp_path / 'val')) == [str(c) for c in range(10)]
    d = mx.test_utils.get_digits()
    n = int(np.flatnonzero(d['test_label'] == 7)[0])
    img = np.asarray(Image.open(tmp_path / 'val' / '7' / ('%04d.png' % n)))
    assert img.shape == (28, 28) and img.dtype == np.uint8
    np.testing.assert_allclose(img / 255.0, d['test_data'][n, 0], atol=0.5 / 255 + 1e-6)


def test_one_folder_subset(tmp_path, capsys):
    assert load_tool().main([str(tmp_path), '--no-split', '--classes', '4,2', '--per-class', '5',
                             '--size', '32']) == 0
    assert 'wrote 10 to' in capsys.readouterr().out
    assert sorted(os.listdir(tmp_path)) == ['2', '4']
    files = os.listdir(tmp_path / '4')
    assert len(files) == 5 and Image.open(tmp_path / '4' / files[0]).size == (32, 32)
