"""BucketingModule / SequentialModule training goldens from real MXNet 1.9.1.

    /tmp/mxref/bin/python tests/data/make_golden_bucketing.py

Writes the fixed initial parameters (bucketing_init.params, sequential_init.params,
MXNet's .params format) and, starting from them:

* golden_bucketing.npz -- a tanh RNN unrolled per bucket (sym_gen over sequence
  lengths 2, 3, 5), SGD with momentum and wd, six batches of changing bucket keys
  run with forward/backward/update: parameters and outputs after every step, the
  accuracy; then fit() for two epochs over a bucket iterator: final parameters and
  predict() outputs;
* golden_sequential.npz -- three chained modules (auto_wiring, take_labels) bound
  with inputs_need_grad, three steps: parameters, outputs and input gradients
  after every step, the accuracy.

The models, batches and iterator are in tests/module/module_builders.py.
"""
import logging
import os
import sys

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'module'))
import module_builders as mb  # noqa: E402


def bucketing(store):
    init_file = os.path.join(HERE, 'bucketing_init.params')
    mx.nd.save(init_file, mb.rnn_init_params(mx))
    init = mx.nd.load(init_file)
    mod = mx.mod.BucketingModule(mb.rnn_sym_gen(mx), default_bucket_key=mb.DEFAULT_BUCKET)
    mod.bind(data_shapes=[('data', (mb.BATCH, mb.DEFAULT_BUCKET))],
             label_shapes=[('softmax_label', (mb.BATCH,))])
    mod.init_params(arg_params=init)
    mod.init_optimizer(optimizer='sgd', optimizer_params=mb.OPT_PARAMS)
    metric = mx.metric.Accuracy()
    it = mb.bucket_iter(mx)
    for step, batch in enumerate(it):
        mod.forward(batch, is_train=True)
        mod.backward()
        mod.update()
        mod.update_metric(metric, batch.label)
        store['step%d:out' % step] = mod.get_outputs()[0].asnumpy()
        arg, _ = mod.get_params()
        for k, v in arg.items():
            store['step%d:arg:%s' % (step, k)] = v.asnumpy()
    store['metric'] = np.array(metric.get()[1])

    mod = mx.mod.BucketingModule(mb.rnn_sym_gen(mx), default_bucket_key=mb.DEFAULT_BUCKET)
    it = mb.bucket_iter(mx)
    mod.fit(it, num_epoch=2, arg_params=init, optimizer='sgd', optimizer_params=mb.OPT_PARAMS,
            eval_metric='acc')
    arg, _ = mod.get_params()
    for k, v in arg.items():
        store['fit:arg:%s' % k] = v.asnumpy()
    store['fit:predict'] = mod.predict(it).asnumpy()
    store['fit:score'] = np.array(mod.score(it, 'acc')[0][1])


def sequential(store):
    init_file = os.path.join(HERE, 'sequential_init.params')
    mx.nd.save(init_file, mb.seq_init_params(mx))
    init = mx.nd.load(init_file)
    seq = mb.sequential(mx)
    seq.bind(data_shapes=[('data', (mb.BATCH, mb.SEQ_IN))],
             label_shapes=[('softmax_label', (mb.BATCH,))], inputs_need_grad=True)
    seq.init_params(arg_params=init)
    seq.init_optimizer(optimizer='sgd', optimizer_params=mb.OPT_PARAMS)
    metric = mx.metric.Accuracy()
    for step, (x, y) in enumerate(mb.seq_batches()):
        batch = mx.io.DataBatch([mx.nd.array(x)], [mx.nd.array(y)])
        seq.forward(batch, is_train=True)
        seq.backward()
        seq.update()
        seq.update_metric(metric, batch.label)
        store['step%d:out' % step] = seq.get_outputs()[0].asnumpy()
        # MXNet 1.9.1's SequentialModule.bind never records inputs_need_grad, so its own
        # get_input_grads() always fails its assertion; the first module has them
        store['step%d:input_grad' % step] = seq._modules[0].get_input_grads()[0].asnumpy()
        arg, _ = seq.get_params()
        for k, v in arg.items():
            store['step%d:arg:%s' % (step, k)] = v.asnumpy()
    store['metric'] = np.array(metric.get()[1])


def main():
    logging.basicConfig(level=logging.WARNING)
    store = {}
    bucketing(store)
    np.savez(os.path.join(HERE, 'golden_bucketing.npz'), **store)
    store = {}
    sequential(store)
    np.savez(os.path.join(HERE, 'golden_sequential.npz'), **store)
    print('wrote golden_bucketing.npz, golden_sequential.npz')


if __name__ == '__main__':
    main()
