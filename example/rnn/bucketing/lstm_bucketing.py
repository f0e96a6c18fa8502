"""Train an LSTM language model on the Penn Treebank with bucketing (MXNet's example).

Sentences are grouped into buckets of lengths 10, 20, ..., 60 (mx.rnn.BucketSentenceIter);
mx.mod.BucketingModule unrolls a stack of mx.rnn.LSTMCell once per bucket length, all
buckets sharing one set of weights.  The metric is perplexity, ignoring padding.

With ptb.train.txt and ptb.test.txt in --data-dir (downloaded there when missing and a
network exists) this is MXNet's run: 25 epochs of SGD at lr 0.01.  Otherwise it says so in
one line and trains on the small Python-documentation corpus shipped in data/ (48k words,
vocabulary 1,796 with <unk>): 4 epochs of Adam at lr 0.01, about a minute on 2 cores, where the
validation perplexity falls from 1,796 (uniform) to about 140.

    python lstm_bucketing.py                          # PTB if present/downloadable, else pydoc
    python lstm_bucketing.py --num-epochs 10 --num-hidden 400 --num-embed 400
"""
import argparse
import logging
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bucketing_common import (  # noqa: E402
    INVALID_LABEL, EpochSpeed, add_data_args, add_train_args, contexts_of, fill_defaults,
    get_iters, optimizer_params)
import mxlite as mx  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
add_train_args(parser)
add_data_args(parser)


def main(args):
    data_train, data_val, vocab, source = get_iters(args)
    fill_defaults(args, source)

    stack = mx.rnn.SequentialRNNCell()
    for i in range(args.num_layers):
        stack.add(mx.rnn.LSTMCell(num_hidden=args.num_hidden, prefix='lstm_l%d_' % i))

    def sym_gen(seq_len):
        data = mx.sym.Variable('data')
        label = mx.sym.Variable('softmax_label')
        embed = mx.sym.Embedding(data=data, input_dim=len(vocab), output_dim=args.num_embed,
                                 name='embed')
        stack.reset()
        outputs = stack.unroll(seq_len, inputs=embed, merge_outputs=True)[0]
        pred = mx.sym.Reshape(outputs, shape=(-1, args.num_hidden))
        pred = mx.sym.FullyConnected(data=pred, num_hidden=len(vocab), name='pred')
        label = mx.sym.Reshape(label, shape=(-1,))
        pred = mx.sym.SoftmaxOutput(data=pred, label=label, name='softmax')
        return pred, ('data',), ('softmax_label',)

    model = mx.mod.BucketingModule(sym_gen=sym_gen,
                                   default_bucket_key=data_train.default_bucket_key,
                                   context=contexts_of(args))
    speed = EpochSpeed(args.batch_size)
    model.fit(
        train_data=data_train,
        eval_data=data_val,
        eval_metric=mx.metric.Perplexity(INVALID_LABEL),
        kvstore=args.kv_store,
        optimizer=args.optimizer,
        optimizer_params=optimizer_params(args),
        initializer=mx.init.Xavier(factor_type='in', magnitude=2.34),
        num_epoch=args.num_epochs,
        batch_end_callback=[mx.callback.Speedometer(args.batch_size, args.disp_batches,
                                                    auto_reset=False), speed.batch],
        epoch_end_callback=speed.epoch,
        eval_end_callback=speed.restart)


if __name__ == '__main__':
    logging.basicConfig(level=logging.DEBUG, format='%(asctime)-15s %(message)s')
    main(parser.parse_args())
