"""The bucketing language model with a fused RNN (MXNet's cudnn_lstm_bucketing.py).

Training unrolls one mx.rnn.FusedRNNCell (the ``RNN`` operator: all layers, one flat
weight vector; cuDNN's in MXNet, mxlite's CPU kernel here) over time-major batches and,
with --model-prefix, saves an RNN checkpoint every epoch (weights unpacked per gate,
mx.rnn.save_rnn_checkpoint).  --test loads such a checkpoint into the equivalent stack of
ordinary cells (FusedRNNCell.unfuse()) and reports the validation perplexity.  Data and
offline defaults are those of lstm_bucketing.py.

    python cudnn_lstm_bucketing.py --model-prefix model/lstm --num-epochs 4
    python cudnn_lstm_bucketing.py --model-prefix model/lstm --load-epoch 4 --num-epochs 6
    python cudnn_lstm_bucketing.py --model-prefix model/lstm --load-epoch 6 --test
"""
import argparse
import logging
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bucketing_common import (  # noqa: E402
    INVALID_LABEL, EpochSpeed, add_data_args, add_train_args, contexts_of, fill_defaults,
    get_iters, log, optimizer_params)
import mxlite as mx  # noqa: E402
from mxlite.base import MXNetError  # noqa: E402

RNN_TYPES = ('lstm', 'gru', 'rnn_tanh', 'rnn_relu')


def as_bool(text):
    """MXNet's flag takes any string (so '0' meant True there); here 0/1/false/true."""
    value = str(text).strip().lower()
    if value in ('1', 'true', 'yes', 'y'):
        return True
    if value in ('0', 'false', 'no', 'n', ''):
        return False
    raise argparse.ArgumentTypeError('expected 0 or 1 (or true/false), got %r' % (text,))


parser = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument('--test', default=False, action='store_true',
                    help='whether to do testing instead of training')
parser.add_argument('--model-prefix', type=str, default=None,
                    help='path to save/load model')
parser.add_argument('--load-epoch', type=int, default=0,
                    help='load from epoch (default: 0, start afresh)')
parser.add_argument('--bidirectional', action='store_true',
                    help='uses bidirectional layers if specified')
add_train_args(parser)
# When training a deep model on several devices, stacking one-layer fused cells lets the
# gradients of the upper layers be sent while the lower ones are still computed.
parser.add_argument('--stack-rnn', type=as_bool, default=False,
                    help='1: stack one-layer fused RNN cells (with --dropout between them) '
                         'instead of one multi-layer cell (default: 0)')
parser.add_argument('--dropout', type=float, default=0.0,
                    help='dropout probability (1.0 - keep probability) (default: 0.0)')
parser.add_argument('--rnntype', type=str, default='lstm', choices=RNN_TYPES,
                    help='rnn type: gru, lstm, rnn_tanh and rnn_relu are supported '
                         '(default: lstm)')
parser.add_argument('--dtype', type=str, default='float32', choices=('float32', 'float16'),
                    help='float16: mixed-precision inference with AMP in MXNet; mxlite has '
                         'no AMP, so only float32 runs (default: float32)')
add_data_args(parser)


def fused_cell(args):
    """The network trained: one fused cell, or (--stack-rnn) one per layer."""
    if not args.stack_rnn:
        return mx.rnn.FusedRNNCell(args.num_hidden, num_layers=args.num_layers,
                                   dropout=args.dropout, mode=args.rnntype,
                                   bidirectional=args.bidirectional)
    cell = mx.rnn.SequentialRNNCell()
    for i in range(args.num_layers):
        cell.add(mx.rnn.FusedRNNCell(args.num_hidden, num_layers=1, mode=args.rnntype,
                                     prefix='%s_l%d' % (args.rnntype, i),
                                     bidirectional=args.bidirectional))
        if args.dropout > 0 and i < args.num_layers - 1 and args.rnntype == 'lstm':
            cell.add(mx.rnn.DropoutCell(args.dropout, prefix='%s_d%d' % (args.rnntype, i)))
    return cell


def unfused_cell(args):
    """The same network as ordinary cells, with the parameter names of the fused one's
    unpacked checkpoint (MXNet's script names the --stack-rnn layers differently from how
    it saved them, so its --stack-rnn --test cannot load; here they match)."""
    if not args.stack_rnn:
        return fused_cell(args).unfuse()
    stack = mx.rnn.SequentialRNNCell()
    for i in range(args.num_layers):
        stack.add(mx.rnn.FusedRNNCell(args.num_hidden, num_layers=1, mode=args.rnntype,
                                      prefix='%s_l%d' % (args.rnntype, i),
                                      bidirectional=args.bidirectional).unfuse())
    return stack


def make_sym_gen(args, vocab, cell, layout):
    num_out = args.num_hidden * (1 + args.bidirectional)

    def sym_gen(seq_len):
        data = mx.sym.Variable('data')
        label = mx.sym.Variable('softmax_label')
        embed = mx.sym.Embedding(data=data, input_dim=len(vocab), output_dim=args.num_embed,
                                 name='embed')
        cell.reset()
        output, _ = cell.unroll(seq_len, inputs=embed, merge_outputs=True, layout=layout)
        pred = mx.sym.Reshape(output, shape=(-1, num_out))
        pred = mx.sym.FullyConnected(data=pred, num_hidden=len(vocab), name='pred')
        label = mx.sym.Reshape(label, shape=(-1,))
        pred = mx.sym.SoftmaxOutput(data=pred, label=label, name='softmax')
        return pred, ('data',), ('softmax_label',)
    return sym_gen


def train(args):
    data_train, data_val, vocab, source = get_iters(args, layout='TN')
    fill_defaults(args, source)
    cell = fused_cell(args)
    model = mx.mod.BucketingModule(sym_gen=make_sym_gen(args, vocab, cell, 'TNC'),
                                   default_bucket_key=data_train.default_bucket_key,
                                   context=contexts_of(args))
    arg_params = aux_params = None
    if args.load_epoch:
        _, arg_params, aux_params = mx.rnn.load_rnn_checkpoint(cell, args.model_prefix,
                                                               args.load_epoch)
        log().info('Loaded model %s-%04d.params', args.model_prefix, args.load_epoch)
    speed = EpochSpeed(args.batch_size)
    epoch_end = [speed.epoch]
    if args.model_prefix:
        folder = os.path.dirname(args.model_prefix)
        if folder:
            os.makedirs(folder, exist_ok=True)
        epoch_end.append(mx.rnn.do_rnn_checkpoint(cell, args.model_prefix, 1))
    model.fit(
        train_data=data_train,
        eval_data=data_val,
        eval_metric=mx.metric.Perplexity(INVALID_LABEL),
        kvstore=args.kv_store,
        optimizer=args.optimizer,
        optimizer_params=optimizer_params(args),
        initializer=mx.init.Xavier(factor_type='in', magnitude=2.34),
        arg_params=arg_params,
        aux_params=aux_params,
        begin_epoch=args.load_epoch,
        num_epoch=args.num_epochs,
        batch_end_callback=[mx.callback.Speedometer(args.batch_size, args.disp_batches,
                                                    auto_reset=False), speed.batch],
        epoch_end_callback=epoch_end,
        eval_end_callback=speed.restart)


def test(args):
    _, data_val, vocab, _ = get_iters(args, layout='NT')
    stack = unfused_cell(args)
    model = mx.mod.BucketingModule(sym_gen=make_sym_gen(args, vocab, stack, 'NTC'),
                                   default_bucket_key=data_val.default_bucket_key,
                                   context=contexts_of(args))
    model.bind(data_val.provide_data, data_val.provide_label, for_training=False)
    _, arg_params, aux_params = mx.rnn.load_rnn_checkpoint(stack, args.model_prefix,
                                                           args.load_epoch)
    model.set_params(arg_params, aux_params)
    res = model.score(data_val, mx.metric.Perplexity(INVALID_LABEL),
                      batch_end_callback=mx.callback.Speedometer(args.batch_size, 5))
    for name, value in res:
        log().info('Test-%s=%f', name, value)


def main(argv=None):
    args = parser.parse_args(argv)
    if args.dtype != 'float32':
        parser.error('argument --dtype: float16 inference uses MXNet\'s AMP '
                     '(mx.contrib.amp), which mxlite does not have; use float32')
    if args.test and not args.model_prefix:
        parser.error('argument --test: needs --model-prefix (and --load-epoch) of a '
                     'checkpoint to load')
    if args.load_epoch and not args.model_prefix:
        parser.error('argument --load-epoch: needs --model-prefix')
    if args.gpus and args.num_layers >= 4 and len(args.gpus.split(',')) >= 4 \
            and not args.stack_rnn:
        print('WARNING: stack-rnn is recommended to train complex model on multiple GPUs')
    try:
        test(args) if args.test else train(args)
    except (MXNetError, OSError) as err:
        # a missing checkpoint, or one of a different shape than the flags describe
        sys.exit('%s: error: %s' % (os.path.basename(sys.argv[0]), err))


if __name__ == '__main__':
    logging.basicConfig(level=logging.DEBUG, format='%(asctime)-15s %(message)s')
    main()
