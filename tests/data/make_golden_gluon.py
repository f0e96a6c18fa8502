"""Regenerate tests/data/gluon/ with real MXNet 1.9.1 (run with the oracle interpreter).

    python tests/gluon/export_net.py                       # mxlite's export (mxlite_net-*)
    MXNET_MKLDNN_ENABLED=0 /tmp/mxref/bin/python tests/data/make_golden_gluon.py

The case modules in tests/gluon/ (layer_cases, loss_cases, ctc_cases, classic_nets,
rnn_cases, rnn_op_cases, core_cases, export_net, rnn_export_net) run unchanged under either
library; this script runs them with ``mxnet`` and stores what they return.  rnn.json needs MKLDNN on (MXNet's fused RNN without
it fails in training mode), so it is made in a child process with MKLDNN enabled.
"""
import hashlib
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'gluon')
sys.path.insert(0, os.path.join(HERE, '..', 'gluon'))

import numpy as np  # noqa: E402
import mxnet as mx  # noqa: E402

ZOO = ['alexnet', 'vgg11', 'vgg13', 'vgg16', 'vgg19', 'vgg11_bn', 'vgg13_bn', 'vgg16_bn',
       'vgg19_bn', 'resnet18_v1', 'resnet34_v1', 'resnet50_v1', 'resnet101_v1', 'resnet152_v1',
       'resnet18_v2', 'resnet34_v2', 'resnet50_v2', 'resnet101_v2', 'resnet152_v2',
       'densenet121', 'densenet161', 'densenet169', 'densenet201', 'squeezenet1.0',
       'squeezenet1.1', 'mobilenet1.0', 'mobilenet0.75', 'mobilenet0.5', 'mobilenet0.25',
       'mobilenetv2_1.0', 'mobilenetv2_0.75', 'mobilenetv2_0.5', 'mobilenetv2_0.25']


def dump(name, obj, **kw):
    with open(os.path.join(OUT, name), 'w') as f:
        json.dump(obj, f, **kw)


def model_zoo():
    from mxnet.gluon.model_zoo import vision
    out = {}
    for name in ZOO:
        for classes in (1000, 10):
            net = vision.get_model(name, classes=classes)
            net.initialize()
            net.hybridize()
            y = net(mx.nd.zeros((1, 3, 224, 224)))
            ps = net.collect_params()
            rel = [k[len(net.prefix):] for k in ps.keys()]
            shapes = '|'.join('%s%s' % (r, p.shape) for r, p in zip(rel, ps.values()))
            out['%s/%d' % (name, classes)] = {
                'count': int(sum(int(np.prod(p.shape)) for p in ps.values())),
                'nparams': len(rel), 'names_md5': hashlib.md5('|'.join(rel).encode()).hexdigest(),
                'shapes_md5': hashlib.md5(shapes.encode()).hexdigest(),
                'alias': net.prefix.rstrip('_').rstrip('0123456789'), 'out': list(y.shape)}
    dump('model_zoo.json', out, indent=0, sort_keys=True)


def export():
    import export_net
    d = os.path.join(OUT, 'export') + os.sep
    x = mx.nd.array(export_net.inputs())
    blk = mx.gluon.SymbolBlock.imports(d + 'mxlite_net-symbol.json', ['data'],
                                       d + 'mxlite_net-0000.params')
    a = blk(x).asnumpy()
    mod = mx.mod.Module.load(d + 'mxlite_net', 0, data_names=['data'], label_names=None)
    mod.bind(data_shapes=[('data', x.shape)], for_training=False)
    mod.forward(mx.io.DataBatch([x]), is_train=False)
    b = mod.get_outputs()[0].asnumpy()
    with mx.name.NameManager():
        net = export_net.build(mx)
    net.hybridize()
    c = net(x).asnumpy()
    net.export(d + 'mxnet_net')
    net.save_parameters(d + 'mxnet_saved.params')
    net.collect_params().save(d + 'mxnet_saved_legacy.params', strip_prefix=net.prefix)
    with open(d + 'oracle_outputs.json', 'w') as f:
        json.dump({'symbolblock': a.tolist(), 'module': b.tolist(), 'mxnet_built': c.tolist()}, f)


def rnn_export():
    import rnn_export_net
    d = os.path.join(OUT, 'export') + os.sep
    net, x = rnn_export_net.build(mx)
    net.hybridize()
    out = net(x).asnumpy()
    net.export(d + 'mxnet_rnn_net')
    with open(d + 'mxnet_rnn_net.json', 'w') as f:
        json.dump({'out': out.tolist()}, f)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == 'rnn':
        import rnn_cases
        import rnn_op_cases
        with mx.name.NameManager():
            dump('rnn.json', rnn_cases.run(mx))
        dump('rnn_op.json', rnn_op_cases.run(mx))
        rnn_export()
        return
    import classic_nets
    import core_cases
    import ctc_cases
    import layer_cases
    import loss_cases
    with mx.name.NameManager():
        res = layer_cases.run(mx)
    res['dropout']['out'] = None                  # random
    dump('layers.json', res, separators=(',', ':'))
    dump('losses.json', loss_cases.run(mx))
    dump('ctc.json', ctc_cases.run(mx))
    dump('classic_nets.json', classic_nets.run(mx))
    with mx.name.NameManager():
        dump('core.json', core_cases.run(mx), indent=0)
    export()
    model_zoo()
    env = dict(os.environ)
    env.pop('MXNET_MKLDNN_ENABLED', None)
    subprocess.check_call([sys.executable, __file__, 'rnn'], env=env)


if __name__ == '__main__':
    main()

