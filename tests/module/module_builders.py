"""Models shared by the BucketingModule/SequentialModule tests and their golden generator.

Every builder takes the ``mx`` package (``mxlite`` or, in the generator, real MXNet),
so both build the very same graphs and iterators.
"""
import numpy as np

BUCKETS = (2, 3, 5)
DEFAULT_BUCKET = 5
VOCAB, EMBED, HIDDEN, CLASSES, BATCH = 12, 4, 6, 3, 4
# bucket keys of the batches, in order; every bucket comes back after another one ran
BATCH_KEYS = (5, 3, 2, 3, 5, 2)
OPT_PARAMS = (('learning_rate', 0.1), ('momentum', 0.9), ('wd', 1e-3))
SEQ_IN = 5


def rnn_sym_gen(mx):
    """sym_gen for a tanh RNN unrolled to ``seq_len`` steps over embedded tokens."""
    def sym_gen(seq_len):
        data = mx.sym.var('data')
        label = mx.sym.var('softmax_label')
        embed = mx.sym.Embedding(data, input_dim=VOCAB, output_dim=EMBED, name='embed')
        steps = mx.sym.SliceChannel(embed, num_outputs=seq_len, axis=1, squeeze_axis=True,
                                    name='slice')
        i2h_w, i2h_b = mx.sym.var('i2h_weight'), mx.sym.var('i2h_bias')
        h2h_w, h2h_b = mx.sym.var('h2h_weight'), mx.sym.var('h2h_bias')
        h = None
        for t in range(seq_len):
            x = mx.sym.FullyConnected(steps[t], weight=i2h_w, bias=i2h_b, num_hidden=HIDDEN,
                                      name='t%d_i2h' % t)
            if h is not None:
                x = x + mx.sym.FullyConnected(h, weight=h2h_w, bias=h2h_b, num_hidden=HIDDEN,
                                              name='t%d_h2h' % t)
            h = mx.sym.Activation(x, act_type='tanh', name='t%d_h' % t)
        fc = mx.sym.FullyConnected(h, num_hidden=CLASSES, name='cls')
        return mx.sym.SoftmaxOutput(fc, label, name='softmax'), ('data',), ('softmax_label',)
    return sym_gen


def rnn_init_params(mx):
    """Fixed initial parameters (a dict of NDArrays) of the bucketed RNN."""
    rs = np.random.RandomState(3)
    shapes = {'embed_weight': (VOCAB, EMBED), 'i2h_weight': (HIDDEN, EMBED),
              'i2h_bias': (HIDDEN,), 'h2h_weight': (HIDDEN, HIDDEN), 'h2h_bias': (HIDDEN,),
              'cls_weight': (CLASSES, HIDDEN), 'cls_bias': (CLASSES,)}
    return {k: mx.nd.array(rs.uniform(-0.5, 0.5, s).astype('float32'))
            for k, s in sorted(shapes.items())}


def rnn_batches():
    """[(bucket_key, tokens (BATCH, key), labels (BATCH,))] as float32 numpy arrays."""
    rs = np.random.RandomState(5)
    return [(k, rs.randint(0, VOCAB, (BATCH, k)).astype('float32'),
             rs.randint(0, CLASSES, BATCH).astype('float32')) for k in BATCH_KEYS]


def bucket_iter(mx):
    """A DataIter over ``rnn_batches()`` whose batches carry bucket_key and provide_*."""
    class BucketIter(mx.io.DataIter):
        def __init__(self, batches):
            super().__init__(BATCH)
            self._batches = batches
            self.default_bucket_key = DEFAULT_BUCKET
            self.provide_data = [mx.io.DataDesc('data', (BATCH, DEFAULT_BUCKET))]
            self.provide_label = [mx.io.DataDesc('softmax_label', (BATCH,))]
            self._cur = 0

        def reset(self):
            self._cur = 0

        def next(self):
            if self._cur == len(self._batches):
                raise StopIteration
            key, x, y = self._batches[self._cur]
            self._cur += 1
            return mx.io.DataBatch(
                [mx.nd.array(x)], [mx.nd.array(y)], pad=0, bucket_key=key,
                provide_data=[mx.io.DataDesc('data', x.shape)],
                provide_label=[mx.io.DataDesc('softmax_label', y.shape)])
    return BucketIter(rnn_batches())


def sequential(mx):
    """Three chained modules: FC+relu, FC+relu (auto-wired), FC+softmax (takes the labels)."""
    d = mx.sym.var('data')
    net1 = mx.sym.Activation(mx.sym.FullyConnected(d, num_hidden=8, name='fc1'),
                             act_type='relu', name='relu1')
    d = mx.sym.var('data')
    net2 = mx.sym.Activation(mx.sym.FullyConnected(d, num_hidden=6, name='fc2'),
                             act_type='relu', name='relu2')
    d = mx.sym.var('data')
    net3 = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(d, num_hidden=CLASSES, name='fc3'),
                                name='softmax')
    seq = mx.mod.SequentialModule()
    seq.add(mx.mod.Module(net1, label_names=None))
    seq.add(mx.mod.Module(net2, label_names=None), auto_wiring=True)
    seq.add(mx.mod.Module(net3), take_labels=True, auto_wiring=True)
    return seq


def seq_init_params(mx):
    rs = np.random.RandomState(9)
    shapes = {'fc1_weight': (8, SEQ_IN), 'fc1_bias': (8,), 'fc2_weight': (6, 8),
              'fc2_bias': (6,), 'fc3_weight': (CLASSES, 6), 'fc3_bias': (CLASSES,)}
    return {k: mx.nd.array(rs.uniform(-0.5, 0.5, s).astype('float32'))
            for k, s in sorted(shapes.items())}


def seq_batches():
    rs = np.random.RandomState(13)
    return [(rs.uniform(-1, 1, (BATCH, SEQ_IN)).astype('float32'),
             rs.randint(0, CLASSES, BATCH).astype('float32')) for _ in range(3)]
