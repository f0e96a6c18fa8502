"""Flags, data and logging shared by lstm_bucketing.py and cudnn_lstm_bucketing.py.

The scripts train on the Penn Treebank files ``ptb.train.txt`` and ``ptb.test.txt``
in ``--data-dir`` (MXNet's example validates on ``ptb.test.txt``).  When they are
missing they are downloaded there as MXNet's ``get_ptb_data.sh`` does (``--download 0``
never touches the network); without a network the scripts say so in one line and
train on the small corpus shipped in ``data/`` next to this file (sentences from
Python's own documentation, PSF license; see ``data/LICENSE``), tokenised like PTB.
"""
import os
import sys
import time

try:
    import mxlite as mx
except ImportError:  # a source checkout that was not pip-installed: the repository root
    sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..')))
    import mxlite as mx

PTB_URL = 'https://raw.githubusercontent.com/dmlc/web-data/master/mxnet/ptb/'
PTB_FILES = ('ptb.train.txt', 'ptb.valid.txt', 'ptb.test.txt')
PTB_TRAIN, PTB_VAL = 'ptb.train.txt', 'ptb.test.txt'
SHIPPED = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data')
SHIPPED_TRAIN, SHIPPED_VAL = 'pydoc.train.txt', 'pydoc.valid.txt'

BUCKETS = [10, 20, 30, 40, 50, 60]
START_LABEL = 1
INVALID_LABEL = 0


def log():
    return mx.log.get_logger()


# flags left as None get a default that depends on the data: (PTB, shipped corpus)
DATA_DEFAULTS = {'num_epochs': (25, 4), 'optimizer': ('sgd', 'adam')}
# optimizers that take no momentum argument (as in MXNet's cudnn_rnn_bucketing.py)
NO_MOMENTUM = ('adadelta', 'adagrad', 'adam', 'rmsprop')


def add_train_args(parser):
    """MXNet's flags of lstm_bucketing.py (defaults as there, see DATA_DEFAULTS)."""
    parser.add_argument('--num-layers', type=int, default=2,
                        help='number of stacked RNN layers (default: 2)')
    parser.add_argument('--num-hidden', type=int, default=200,
                        help='hidden layer size (default: 200)')
    parser.add_argument('--num-embed', type=int, default=200,
                        help='embedding layer size (default: 200)')
    parser.add_argument('--gpus', type=str,
                        help='list of gpus to run, e.g. 0 or 0,2,5. empty means using cpu. '
                             'Increase batch size when using multiple gpus for best '
                             'performance.')
    parser.add_argument('--kv-store', type=str, default='device',
                        help='key-value store type (default: device)')
    parser.add_argument('--num-epochs', type=int,
                        help='max num of epochs (default: 25 on PTB, 4 on the shipped corpus)')
    parser.add_argument('--lr', type=float, default=0.01,
                        help='initial learning rate (default: 0.01)')
    parser.add_argument('--optimizer', type=str,
                        help='the optimizer type (default: sgd on PTB, adam on the shipped '
                             'corpus)')
    parser.add_argument('--mom', type=float, default=0.0,
                        help='momentum for sgd (default: 0.0)')
    parser.add_argument('--wd', type=float, default=0.00001,
                        help='weight decay for sgd (default: 1e-05)')
    parser.add_argument('--batch-size', type=int, default=32,
                        help='the batch size. (default: 32)')
    parser.add_argument('--disp-batches', type=int, default=50,
                        help='show progress for every n batches (default: 50)')


def fill_defaults(args, source):
    """Set the flags left as None to their default for ``source`` ('PTB' or 'pydoc')."""
    for name, (ptb, shipped) in DATA_DEFAULTS.items():
        if getattr(args, name) is None:
            setattr(args, name, ptb if source == 'PTB' else shipped)
    log().info('training %d epochs: %s, lr %g%s, wd %g, batch size %d', args.num_epochs,
               args.optimizer, args.lr, '' if args.optimizer in NO_MOMENTUM
               else ', momentum %g' % args.mom, args.wd, args.batch_size)


def optimizer_params(args):
    params = {'learning_rate': args.lr, 'wd': args.wd}
    if args.optimizer not in NO_MOMENTUM:
        params['momentum'] = args.mom
    return params


def contexts_of(args):
    """The contexts for --gpus: GPUs where they exist, else the CPU with a warning."""
    if not args.gpus or not args.gpus.strip():
        return mx.cpu(0)
    try:
        ids = [int(i) for i in args.gpus.split(',') if i.strip()]
    except ValueError:
        sys.exit('error: argument --gpus: expected integers separated by commas (e.g. 0,2), '
                 'got %r' % args.gpus)
    if not ids:
        return mx.cpu(0)
    found = mx.context.num_gpus()
    if found < max(ids) + 1:
        log().warning('--gpus %s: %s; training on the CPU instead', args.gpus,
                      'no GPU found' if found == 0 else 'only %d GPU(s) found' % found)
        return mx.cpu(0)
    return [mx.gpu(i) for i in ids]


def add_data_args(parser):
    parser.add_argument('--data-dir', type=str, default='data',
                        help='folder of ptb.train.txt and ptb.test.txt')
    parser.add_argument('--download', type=int, default=1,
                        help='1: download the Penn Treebank into --data-dir when it is missing '
                             '(as get_ptb_data.sh); 0: never')


def _have_ptb(data_dir):
    return all(os.path.isfile(os.path.join(data_dir, f)) for f in (PTB_TRAIN, PTB_VAL))


def _download_ptb(data_dir):
    """Fetch the PTB files; '' when done, else why not."""
    existed = os.path.isdir(data_dir)
    try:
        for name in PTB_FILES:
            mx.test_utils.download(PTB_URL + name, dirname=data_dir, retries=0)
        return ''
    except Exception as err:  # offline, DNS, HTTP errors: fall back to the shipped corpus
        if not existed and os.path.isdir(data_dir) and not os.listdir(data_dir):
            os.rmdir(data_dir)
        return str(err).split(' Without network')[0]


def text_files(args):
    """(train file, validation file, 'PTB' or 'pydoc'), downloading PTB when allowed."""
    why = 'not downloaded (--download 0)'
    if not _have_ptb(args.data_dir) and args.download:
        why = _download_ptb(args.data_dir)
        if _have_ptb(args.data_dir):
            log().info('downloaded the Penn Treebank into %s', args.data_dir)
    if _have_ptb(args.data_dir):
        return (os.path.join(args.data_dir, PTB_TRAIN), os.path.join(args.data_dir, PTB_VAL),
                'PTB')
    log().info('Penn Treebank not found in %s (%s); training on the small Python-documentation '
               'corpus shipped in %s instead (PSF license)',
               os.path.abspath(args.data_dir), why, SHIPPED)
    return (os.path.join(SHIPPED, SHIPPED_TRAIN), os.path.join(SHIPPED, SHIPPED_VAL), 'pydoc')


def tokenize_text(fname, vocab=None, invalid_label=-1, start_label=0):
    """Sentences of word ids, one per line; each line's '\\n' marks its end (as in MXNet)."""
    with open(fname) as f:
        lines = [[w for w in line.split(' ') if w] for line in f]
    return mx.rnn.encode_sentences(lines, vocab=vocab, invalid_label=invalid_label,
                                   start_label=start_label)


def get_iters(args, layout='NT'):
    """(train iterator, validation iterator, vocab, source) over BUCKETS."""
    train_file, val_file, source = text_files(args)
    train_sent, vocab = tokenize_text(train_file, start_label=START_LABEL,
                                      invalid_label=INVALID_LABEL)
    val_sent, _ = tokenize_text(val_file, vocab=vocab, start_label=START_LABEL,
                                invalid_label=INVALID_LABEL)
    data_train = mx.rnn.BucketSentenceIter(train_sent, args.batch_size, buckets=BUCKETS,
                                           invalid_label=INVALID_LABEL, layout=layout)
    data_val = mx.rnn.BucketSentenceIter(val_sent, args.batch_size, buckets=BUCKETS,
                                         invalid_label=INVALID_LABEL, layout=layout)
    log().info('%s: %d training and %d validation sentences, vocabulary %d (uniform '
               'perplexity %d)', source, len(train_sent), len(val_sent), len(vocab) - 1,
               len(vocab) - 1)
    return data_train, data_val, vocab, source


class EpochSpeed:
    """Logs ``Epoch[n] Speed: ... samples/sec, ... words/sec`` over each epoch's training
    batches (words: the labels that are not padding)."""

    def __init__(self, batch_size, invalid_label=INVALID_LABEL):
        self.batch_size = batch_size
        self.invalid_label = invalid_label
        self.restart()

    def restart(self, *unused):
        self.samples, self.words, self.tic = 0, 0, time.time()

    def batch(self, param):
        self.samples += self.batch_size
        batch = param.locals.get('data_batch') if param.locals else None
        if batch is not None and batch.label:
            self.words += int((batch.label[0].asnumpy() != self.invalid_label).sum())

    def epoch(self, epoch, *unused):
        elapsed = time.time() - self.tic
        if self.samples and elapsed > 0:
            log().info('Epoch[%d] Speed: %.2f samples/sec, %.0f words/sec', epoch,
                       self.samples / elapsed, self.words / elapsed)
        self.restart()
