"""tools/im2rec.py: lists and records byte-identical to MXNet 1.9.1's tool, legacy flags, extras."""
import filecmp
import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest

import mxlite as mx

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
PIPE = os.path.join(REPO, 'tests', 'data', 'pipeline')
IMAGES = os.path.join(PIPE, 'images')
GOLD = os.path.join(PIPE, 'im2rec')
TOOL = os.path.join(REPO, 'tools', 'im2rec.py')


@pytest.fixture(scope='module')
def im2rec():
    spec = importlib.util.spec_from_file_location('im2rec_tool', TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def same_file(a, b):
    assert filecmp.cmp(a, b, shallow=False), '%s differs from %s' % (a, b)


def test_list_and_pack_match_mxnet(im2rec, tmp_path, capsys):
    prefix = str(tmp_path / 'golden')
    assert im2rec.main(['--list', '--recursive', prefix, IMAGES]) == 0
    out = capsys.readouterr().out
    assert out == pathlib.Path(os.path.join(GOLD, 'golden_list_stdout.txt')).read_text()
    same_file(prefix + '.lst', os.path.join(GOLD, 'golden.lst'))
    assert im2rec.main([prefix, IMAGES]) == 0
    out = capsys.readouterr().out
    assert 'packed 8 images, skipped 0' in out
    same_file(prefix + '.rec', os.path.join(GOLD, 'golden.rec'))
    same_file(prefix + '.idx', os.path.join(GOLD, 'golden.idx'))
    assert not [f for f in os.listdir(str(tmp_path)) if f.endswith('.tmp')]


def test_ratios_pack_several_lists(im2rec, tmp_path, capsys):
    prefix = str(tmp_path / 'split')
    assert im2rec.main(['--list', '--recursive', '--train-ratio', '0.5', '--test-ratio', '0.25',
                        prefix, IMAGES]) == 0
    assert im2rec.main(['--resize', '24', '--center-crop', '--quality', '90', prefix,
                        IMAGES]) == 0
    out = capsys.readouterr().out
    assert out.count('Creating .rec file from') == 3
    for part in ('train', 'val', 'test'):
        for ext in ('.lst', '.rec', '.idx'):
            same_file(prefix + '_' + part + ext, os.path.join(GOLD, 'split', 'split_' + part + ext))


def test_chunks_gray_passthrough_multilabel(im2rec, tmp_path):
    prefix = str(tmp_path / 'chunk')
    assert im2rec.main(['--list', '--recursive', '--no-shuffle', '--chunks', '2', prefix,
                        IMAGES]) == 0
    same_file(prefix + '_0.lst', os.path.join(GOLD, 'chunk_0.lst'))
    same_file(prefix + '_1.lst', os.path.join(GOLD, 'chunk_1.lst'))
    for sub, args in (('gray', ['--color', '0', '--encoding', '.png', '--quality', '1']),
                      ('pass', ['--pass-through']),
                      ('multi', ['--pack-label', '--resize', '16'])):
        d = tmp_path / sub
        d.mkdir()
        shutil.copy(os.path.join(GOLD, sub, sub + '.lst'), str(d / (sub + '.lst')))
        assert im2rec.main(args + [str(d / sub), IMAGES]) == 0
        same_file(str(d / (sub + '.rec')), os.path.join(GOLD, sub, sub + '.rec'))
        same_file(str(d / (sub + '.idx')), os.path.join(GOLD, sub, sub + '.idx'))


def test_legacy_flag_forms(im2rec, tmp_path):
    prefix = str(tmp_path / 'split')
    assert im2rec.main(['--list=true', '--recursive=true', '--train-ratio=0.5',
                        '--test-ratio=0.25', "--exts=['.jpg','.jpeg','.png']", prefix,
                        IMAGES]) == 0
    for part in ('train', 'val', 'test'):
        same_file(prefix + '_' + part + '.lst', os.path.join(GOLD, 'split',
                                                             'split_' + part + '.lst'))
    # a .lst path as the prefix packs just that list
    assert im2rec.main(['--resize=24', '--quality=90', '--center-crop=True',
                        prefix + '_val.lst', IMAGES]) == 0
    same_file(prefix + '_val.rec', os.path.join(GOLD, 'split', 'split_val.rec'))
    assert not os.path.exists(prefix + '_train.rec')
    p2 = str(tmp_path / 'chunk')
    assert im2rec.main(['--list=1', '--recursive=yes', '--shuffle=False', '--chunks=2',
                        '--exts=.jpg,.jpeg,.png', p2, IMAGES]) == 0
    same_file(p2 + '_0.lst', os.path.join(GOLD, 'chunk_0.lst'))
    args = im2rec.parse_args(['--exts=[".JPG", "png"]', '--list=false', 'x', 'y'])
    assert args.exts == ['.jpg', '.png'] and args.list is False
    with pytest.raises(SystemExit):
        im2rec.parse_args(['--list=maybe', 'x', 'y'])


def test_num_thread_gives_same_file(im2rec, tmp_path):
    shutil.copy(os.path.join(GOLD, 'golden.lst'), str(tmp_path / 'golden.lst'))
    assert im2rec.main(['--num-thread', '3', str(tmp_path / 'golden'), IMAGES]) == 0
    same_file(str(tmp_path / 'golden.rec'), os.path.join(GOLD, 'golden.rec'))
    same_file(str(tmp_path / 'golden.idx'), os.path.join(GOLD, 'golden.idx'))


def make_extra_images(root):
    from PIL import Image
    rng = np.random.RandomState(3)
    pix = {}
    for i, ext in enumerate(['gif', 'bmp', 'webp', 'tiff']):
        arr = rng.randint(0, 255, (10 + i, 12, 3)).astype(np.uint8)
        if ext == 'gif':
            im = Image.fromarray(arr).convert('P', palette=Image.Palette.ADAPTIVE, colors=16)
            frame2 = Image.fromarray(255 - arr).convert('P')
            im.save(os.path.join(root, 'a%d.gif' % i), save_all=True, append_images=[frame2])
            arr = np.asarray(im.convert('RGB'))
        elif ext == 'webp':
            Image.fromarray(arr).save(os.path.join(root, 'a%d.webp' % i), lossless=True)
        else:
            Image.fromarray(arr).save(os.path.join(root, 'a%d.%s' % (i, ext)))
        pix['a%d.%s' % (i, ext)] = arr
    with open(os.path.join(root, 'broken.jpg'), 'wb') as f:
        f.write(b'\xff\xd8\xff\xe0 this is not a jpeg')
    return pix


def test_extra_formats_and_unreadable_images(im2rec, tmp_path, capsys):
    root = tmp_path / 'imgs'
    root.mkdir()
    pix = make_extra_images(str(root))
    prefix = str(tmp_path / 'extra')
    assert im2rec.main(['--list', '--no-shuffle', '--exts', '.gif', '.bmp', '.webp', '.tiff',
                        '.jpg', prefix, str(root)]) == 0
    with open(prefix + '.lst', 'a') as f:
        f.write('99\t0.000000\tmissing.png\n')
    capsys.readouterr()
    assert im2rec.main(['--encoding', '.png', prefix, str(root)]) == 0
    cap = capsys.readouterr()
    assert 'packed 4 images, skipped 2' in cap.out
    assert 'warning: skipping %s' % os.path.join(str(root), 'broken.jpg') in cap.err
    assert 'warning: skipping %s' % os.path.join(str(root), 'missing.png') in cap.err
    r = mx.recordio.MXIndexedRecordIO(prefix + '.idx', prefix + '.rec', 'r')
    lines = pathlib.Path(prefix + '.lst').read_text().splitlines()
    names = [line.split('\t')[-1].strip() for line in lines]
    keys = [int(line.split('\t')[0]) for line in lines]
    assert sorted(r.keys) == sorted(k for k, n in zip(keys, names) if n in pix)
    for k, n in zip(keys, names):
        if n in pix:
            _, img = mx.recordio.unpack_img(r.read_idx(k))
            np.testing.assert_array_equal(img[:, :, ::-1], pix[n])


def test_interrupted_run_keeps_previous_files(im2rec, tmp_path, monkeypatch):
    shutil.copy(os.path.join(GOLD, 'golden.lst'), str(tmp_path / 'golden.lst'))
    shutil.copy(os.path.join(GOLD, 'golden.rec'), str(tmp_path / 'golden.rec'))
    calls = []
    original = im2rec.image_encode

    def boom(args, item):
        calls.append(item)
        if len(calls) > 3:
            raise KeyboardInterrupt
        return original(args, item)
    monkeypatch.setattr(im2rec, 'image_encode', boom)
    with pytest.raises(KeyboardInterrupt):
        im2rec.main([str(tmp_path / 'golden'), IMAGES])
    same_file(str(tmp_path / 'golden.rec'), os.path.join(GOLD, 'golden.rec'))
    assert not [f for f in os.listdir(str(tmp_path)) if f.endswith('.tmp')]


def test_missing_list_and_root(im2rec, tmp_path, capsys):
    assert im2rec.main([str(tmp_path / 'nothing'), IMAGES]) == 1
    assert 'Did not find and list file with prefix' in capsys.readouterr().err
    assert im2rec.main(['--list', str(tmp_path / 'x'), str(tmp_path / 'no_such_dir')]) == 1


def test_help_documents_every_option():
    res = subprocess.run([sys.executable, TOOL, '-h'], capture_output=True, text=True, check=True)
    for opt in ('--list', '--exts', '--chunks', '--train-ratio', '--test-ratio', '--recursive',
                '--no-shuffle', '--shuffle', '--pass-through', '--resize', '--center-crop',
                '--quality', '--num-thread', '--color', '--encoding', '--pack-label', 'prefix',
                'root'):
        assert opt in res.stdout, opt
