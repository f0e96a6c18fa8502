"""Layer cases run identically by mxlite and (to make the golden) by MXNet 1.9.1.

Golden: tests/data/gluon/layers.json = json of run(mxnet) from the oracle interpreter.
"""
import numpy as np
def run(mx):
    nn = mx.gluon.nn
    res = {}
    rs = np.random.RandomState(0)
    def check(key, layer, shape, int_input=False, hybrid=True):
        layer.initialize(mx.init.Xavier())
        if int_input:
            x = mx.nd.array(rs.randint(0, 10, size=shape))
        else:
            x = mx.nd.array(rs.uniform(-1, 1, size=shape))
        # deterministic params
        y = layer(x)
        for name, p in sorted(layer.collect_params().items()):
            p.set_data(mx.nd.array(np.random.RandomState(len(name)).uniform(-0.5, 0.5, p.shape)))
        with mx.autograd.record():
            y = layer(x)
        res[key] = dict(repr=repr(layer), params=[(k, list(v.shape), v.grad_req) for k, v in layer.collect_params().items()],
                        out=np.asarray(y.asnumpy(), dtype=np.float64).round(5).tolist() if y.size < 200 else float(y.asnumpy().sum()))
    check('dense', nn.Dense(4, activation='relu'), (2, 5))
    check('dense_nf', nn.Dense(3, flatten=False, use_bias=False, in_units=4), (2, 3, 4))
    check('dropout', nn.Dropout(0.5, axes=(1,)), (2, 3))
    check('bn', nn.BatchNorm(), (2, 3, 2, 2))
    check('bn2', nn.BatchNorm(axis=-1, momentum=0.8, epsilon=1e-3, center=False, scale=False, in_channels=2), (3, 2))
    check('in', nn.InstanceNorm(), (2, 3, 4))
    check('ln', nn.LayerNorm(), (2, 3, 4))
    check('ln2', nn.LayerNorm(axis=1, center=False), (2, 3, 4))
    check('emb', nn.Embedding(10, 3), (2, 4), int_input=True)
    check('flatten', nn.Flatten(), (2, 3, 2))
    check('act', nn.Activation('tanh'), (2, 3))
    check('leaky', nn.LeakyReLU(0.1), (2, 3))
    check('prelu', nn.PReLU(), (2, 3))
    check('prelu3', nn.PReLU(in_channels=3), (2, 3, 2))
    check('elu', nn.ELU(0.5), (2, 3))
    check('selu', nn.SELU(), (2, 3))
    check('gelu', nn.GELU(), (2, 3))
    check('swish', nn.Swish(2.0), (2, 3))
    check('conv1', nn.Conv1D(4, 3, strides=2, padding=1, dilation=1, use_bias=False), (2, 3, 9))
    check('conv2', nn.Conv2D(4, (3, 2), strides=(2, 1), padding=(1, 0), dilation=(2, 1), groups=2, activation='sigmoid', in_channels=4), (2, 4, 7, 6))
    check('deconv2', nn.Conv2DTranspose(3, 3, strides=2, padding=1, output_padding=1), (1, 2, 3, 3))
    check('deconv1', nn.Conv1DTranspose(3, 3, strides=2), (1, 2, 5))
    check('maxp1', nn.MaxPool1D(), (1, 2, 6))
    check('maxp2', nn.MaxPool2D(3, 2, 1, ceil_mode=True), (1, 2, 6, 6))
    check('avgp1', nn.AvgPool1D(3, 1, 1), (1, 2, 6))
    check('avgp2', nn.AvgPool2D(3, 2, 1, count_include_pad=False), (1, 2, 6, 6))
    check('gmp1', nn.GlobalMaxPool1D(), (1, 2, 6))
    check('gmp2', nn.GlobalMaxPool2D(), (1, 2, 3, 3))
    check('gap1', nn.GlobalAvgPool1D(), (1, 2, 6))
    check('gap2', nn.GlobalAvgPool2D(), (1, 2, 3, 3))
    check('rpad', nn.ReflectionPad2D(1), (1, 1, 3, 3))
    check('lambda', nn.HybridLambda('tanh'), (2, 3))
    check('lambda2', nn.HybridLambda(lambda F, x: F.relu(x)), (2, 3))
    check('lambda3', nn.Lambda('sigmoid'), (2, 3))
    seq = nn.HybridSequential()
    with seq.name_scope():
        seq.add(nn.Dense(4, activation='relu'), nn.Dense(2))
    check('seq', seq, (2, 3))
    s2 = nn.Sequential()
    s2.add(nn.Dense(3), nn.Dropout(0.1))
    check('seq2', s2, (2, 3))
    res['slice'] = repr(seq[1:]) + repr(seq[-1]) + str(len(seq)) + seq[1:].prefix
    return res
