"""Module training steps and checkpoints against real MXNet 1.9.1."""
import os

import numpy as np
import pytest

import mxlite as mx
from mxlite.test_utils import assert_almost_equal

from graph_builders import small_convnet, OPTIMIZER_CONFIGS

DATA = os.path.join(os.path.dirname(__file__), '..', 'data')
G = np.load(os.path.join(DATA, 'golden_training.npz'))


def _module():
    with mx.name.NameManager():
        sym, _ = small_convnet(mx)
    mod = mx.mod.Module(sym)
    mod.bind(data_shapes=[('data', (6, 1, 8, 8))], label_shapes=[('softmax_label', (6,))])
    args = {k[9:]: mx.nd.array(G[k]) for k in G.files if k.startswith('init:arg:')}
    aux = {k[9:]: mx.nd.array(G[k]) for k in G.files if k.startswith('init:aux:')}
    mod.init_params(arg_params=args, aux_params=aux)
    return mod


@pytest.mark.parametrize('ci', range(len(OPTIMIZER_CONFIGS)),
                         ids=['%s-%d' % (c[0], i) for i, c in enumerate(OPTIMIZER_CONFIGS)])
def test_module_steps_match_mxnet(ci):
    name, params = OPTIMIZER_CONFIGS[ci]
    mod = _module()
    mod.init_optimizer(optimizer=name, optimizer_params=params)
    metric = mx.metric.create(['acc', 'ce'])
    for step in range(3):
        batch = mx.io.DataBatch([mx.nd.array(G['batch%d:data' % step])],
                                [mx.nd.array(G['batch%d:label' % step])])
        mod.forward_backward(batch)
        mod.update()
        mod.update_metric(metric, batch.label)
        arg, aux = mod.get_params()
        for k, v in arg.items():
            # equal_nan: MXNet's Adamax divides 0 by 0 for never-updated weights; so do we
            assert_almost_equal(v.asnumpy(), G['cfg%d:step%d:arg:%s' % (ci, step, k)], rtol=1e-4,
                                atol=1e-5, names=('mxlite %s step %d' % (k, step), 'mxnet'),
                                equal_nan=True)
        for k, v in aux.items():
            assert_almost_equal(v.asnumpy(), G['cfg%d:step%d:aux:%s' % (ci, step, k)], rtol=1e-4,
                                atol=1e-5, names=('mxlite %s step %d' % (k, step), 'mxnet'),
                                equal_nan=True)
        assert_almost_equal(mod.get_outputs()[0].asnumpy(), G['cfg%d:step%d:out' % (ci, step)],
                            rtol=1e-4, atol=1e-5, equal_nan=True)
    assert_almost_equal(np.array([v for _, v in metric.get_name_value()]), G['cfg%d:metric' % ci],
                        rtol=1e-5, equal_nan=True)


def test_mxnet_checkpoint_loads_and_predicts_like_mxnet():
    mod = mx.mod.Module.load(os.path.join(DATA, 'golden_ckpt'), 3)
    mod.bind(data_shapes=[('data', (6, 1, 8, 8))], label_shapes=[('softmax_label', (6,))],
             for_training=False)
    arg, aux = mod.get_params()
    for k, v in arg.items():
        assert_almost_equal(v.asnumpy(), G['cfg1:step2:arg:%s' % k], rtol=1e-6)
    batch = mx.io.DataBatch([mx.nd.array(G['batch2:data'])], [mx.nd.array(G['batch2:label'])])
    mod.forward(batch, is_train=False)
    assert mod.get_outputs()[0].shape == (6, 5)


def test_checkpoint_written_by_mxlite_is_byte_compatible(tmp_path):
    from mxlite.ops.registry import get_op
    pool = get_op('Pooling')
    if pool.num_outputs(pool.parse({'kernel': (2, 2), 'pool_type': 'max'})) != 2:
        pytest.xfail('max Pooling lacks the hidden workspace output MXNet (MKLDNN) has')
    sym, arg, aux = mx.model.load_checkpoint(os.path.join(DATA, 'golden_ckpt'), 3)
    prefix = str(tmp_path / 'again')
    mx.model.save_checkpoint(prefix, 3, sym, arg, aux)
    assert open(prefix + '-symbol.json').read() == \
        open(os.path.join(DATA, 'golden_ckpt-symbol.json')).read()
    a = mx.nd.load(prefix + '-0003.params')
    b = mx.nd.load(os.path.join(DATA, 'golden_ckpt-0003.params'))
    assert sorted(a) == sorted(b)
    for k in a:
        np.testing.assert_array_equal(a[k].asnumpy(), b[k].asnumpy())
