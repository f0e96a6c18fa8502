"""Acceptance: a complete Gluon training loop on the digits images (PNG folders read with
ImageFolderDataset + transforms + DataLoader(num_workers=2)) reaches >= 95% validation
accuracy; the exported model loads in mx.mod.Module and SymbolBlock.imports."""
import importlib.util
import os
import time

import numpy as np
import pytest

import mxlite as mx
from mxlite import autograd, gluon
from mxlite.gluon import nn
from mxlite.gluon.data.vision import ImageFolderDataset, transforms

TOOL = os.path.join(os.path.dirname(__file__), '..', '..', 'tools', 'digits_to_folder.py')


def _write_digits(root):
    spec = importlib.util.spec_from_file_location('digits_to_folder', TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.write_digits(root)


@pytest.fixture(scope='module')
def digits_dir(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('digits'))
    counts = _write_digits(root)
    assert counts == {'train': 1438, 'val': 359}
    return root


def _net():
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(16, kernel_size=3, padding=1, activation='relu'),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Conv2D(32, kernel_size=3, padding=1),
                nn.BatchNorm(), nn.Activation('relu'),
                nn.MaxPool2D(pool_size=2, strides=2),
                nn.Flatten(), nn.Dense(64, activation='relu'), nn.Dropout(0.2), nn.Dense(10))
    return net


def test_gluon_training_loop_on_digit_pngs(digits_dir, tmp_path):
    mx.random.seed(42)
    np.random.seed(42)
    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize(0.13, 0.31)])
    train_ds = ImageFolderDataset(os.path.join(digits_dir, 'train'), flag=0)
    val_ds = ImageFolderDataset(os.path.join(digits_dir, 'val'), flag=0)
    assert train_ds.synsets == [str(i) for i in range(10)] and len(val_ds) == 359
    train_data = gluon.data.DataLoader(train_ds.transform_first(transform), batch_size=64,
                                       shuffle=True, num_workers=2)
    val_data = gluon.data.DataLoader(val_ds.transform_first(transform), batch_size=128,
                                     num_workers=2)
    net = _net()
    net.initialize(mx.init.Xavier())
    net.hybridize()
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.003})
    metric = mx.metric.Accuracy()
    start = time.time()
    for _ in range(4):
        for data, label in train_data:
            with autograd.record():
                loss = loss_fn(net(data), label)
            loss.backward()
            trainer.step(data.shape[0])
    metric.reset()
    for data, label in val_data:
        metric.update([label], [net(data)])
    name, acc = metric.get()
    elapsed = time.time() - start
    print("validation accuracy %.4f after %.1fs" % (acc, elapsed))
    assert acc >= 0.95, (acc, elapsed)

    # export, then load in Module and in SymbolBlock.imports: same predictions
    prefix = str(tmp_path / 'digits')
    sym_file, params_file = net.export(prefix, epoch=4)
    assert os.path.basename(sym_file) == 'digits-symbol.json'
    assert os.path.basename(params_file) == 'digits-0004.params'
    batch = next(iter(val_data))[0]
    expected = net(batch).asnumpy()
    block = gluon.SymbolBlock.imports(sym_file, ['data'], params_file)
    np.testing.assert_allclose(block(batch).asnumpy(), expected, rtol=1e-5, atol=1e-5)
    sym, arg_params, aux_params = mx.model.load_checkpoint(prefix, 4)
    mod = mx.mod.Module(sym, data_names=['data'], label_names=None)
    mod.bind(data_shapes=[('data', batch.shape)], for_training=False)
    mod.set_params(arg_params, aux_params)
    mod.forward(mx.io.DataBatch([batch]), is_train=False)
    np.testing.assert_allclose(mod.get_outputs()[0].asnumpy(), expected, rtol=1e-5, atol=1e-5)
    mod2 = mx.mod.Module.load(prefix, 4, data_names=['data'], label_names=None)
    mod2.bind(data_shapes=[('data', batch.shape)], for_training=False)
    mod2.forward(mx.io.DataBatch([batch]), is_train=False)
    np.testing.assert_allclose(mod2.get_outputs()[0].asnumpy(), expected, rtol=1e-5, atol=1e-5)
