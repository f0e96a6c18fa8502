"""Training arguments and the training loop of the image-classification examples.

``add_fit_args(parser)`` adds MXNet's training flags; ``fit(args, network,
data_loader)`` trains ``network`` with ``mx.mod.Module`` on the iterators
``data_loader(args, kv)`` returns: checkpoints under ``--model-prefix`` every
``--save-period`` epochs, resumes from ``--load-epoch``, steps the learning
rate at ``--lr-step-epochs``, and logs per batch (Speedometer) and per epoch
(training metric and loss, time, speed, validation metric).
"""
import logging
import math
import os
import re
import time

from . import find_mxnet  # noqa: F401  (makes mxlite importable)
import mxlite as mx
from mxlite.base import MXNetError

from .cli import fail, parse_ints


def _log():
    # mxlite's training logger: the root logger when configured, silent on dist ranks > 0
    return mx.log.get_logger()


INITIALIZERS = ('default', 'xavier', 'msra', 'orthogonal', 'normal', 'uniform', 'one', 'zero')


def get_epoch_size(args, kv):
    """Batches per epoch on each worker."""
    return math.ceil(int(args.num_examples / kv.num_workers) / args.batch_size)


def _get_lr_scheduler(args, kv):
    """(learning rate to start with, scheduler or None) from --lr, --lr-factor, --lr-step-epochs."""
    if 'lr_factor' not in args or args.lr_factor >= 1 or not args.lr_step_epochs:
        return (args.lr, None)
    if not args.num_examples:
        fail('--num-examples', 'the learning-rate schedule (--lr-step-epochs) needs the number '
                               'of training examples')
    epoch_size = get_epoch_size(args, kv)
    begin_epoch = args.load_epoch if args.load_epoch else 0
    if 'pow' in args.lr_step_epochs:
        try:
            power = float(re.sub('pow[- ]*', '', args.lr_step_epochs))
        except ValueError:
            fail('--lr-step-epochs', 'expected epochs such as 30,60 or a power such as pow2, '
                                     'got %r' % args.lr_step_epochs)
        max_update = args.num_epochs * epoch_size
        return (args.lr, mx.lr_scheduler.PolyScheduler(max_update, args.lr, power))
    step_epochs = parse_ints('--lr-step-epochs', args.lr_step_epochs)
    lr = args.lr
    for s in step_epochs:
        if begin_epoch >= s:
            lr *= args.lr_factor
    if lr != args.lr:
        _log().info('Adjust learning rate to %e for epoch %d', lr, begin_epoch)
    steps = [epoch_size * (x - begin_epoch) for x in step_epochs if x - begin_epoch > 0]
    if steps:
        return (lr, mx.lr_scheduler.MultiFactorScheduler(step=steps, factor=args.lr_factor,
                                                         base_lr=args.lr))
    return (lr, None)


def _load_model(args, rank=0):
    """(symbol, arg_params, aux_params) of checkpoint --load-epoch, or Nones."""
    if 'load_epoch' not in args or args.load_epoch is None:
        return (None, None, None)
    if not args.model_prefix:
        fail('--load-epoch', 'resuming needs --model-prefix, the prefix the checkpoints were '
                             'saved under')
    model_prefix = args.model_prefix
    if rank > 0 and os.path.exists('%s-%d-symbol.json' % (model_prefix, rank)):
        model_prefix += '-%d' % rank
    for path in ('%s-symbol.json' % model_prefix, '%s-%04d.params' % (model_prefix,
                                                                      args.load_epoch)):
        if not os.path.isfile(path):
            fail('--load-epoch', 'no checkpoint file %s (from --model-prefix %s and '
                                 '--load-epoch %d)' % (path, args.model_prefix, args.load_epoch))
    sym, arg_params, aux_params = mx.model.load_checkpoint(model_prefix, args.load_epoch)
    _log().info('Loaded model %s_%04d.params', model_prefix, args.load_epoch)
    return (sym, arg_params, aux_params)


def _save_model(args, rank=0):
    """The checkpoint callback for --model-prefix (its folder is created), or None."""
    if args.model_prefix is None:
        return None
    dst_dir = os.path.dirname(args.model_prefix)
    if dst_dir and not os.path.isdir(dst_dir):
        os.makedirs(dst_dir)
    return mx.callback.do_checkpoint(args.model_prefix if rank == 0 else '%s-%d' % (
        args.model_prefix, rank), period=getattr(args, 'save_period', 1))


def add_fit_args(parser):
    """
    parser : argparse.ArgumentParser
    return a parser added with args required by fit
    """
    train = parser.add_argument_group('Training', 'model training')
    train.add_argument('--network', type=str,
                       help='the neural network to use (a file in symbols/)')
    train.add_argument('--num-layers', type=int,
                       help='number of layers in the neural network, required by some networks '
                            'such as resnet')
    train.add_argument('--gpus', type=str,
                       help='list of gpus to run, e.g. 0 or 0,2,5. empty means using cpu (mxlite '
                            'has no GPU support: it warns and trains on the cpu)')
    train.add_argument('--kv-store', type=str, default='device',
                       help='key-value store type')
    train.add_argument('--num-epochs', type=int, default=100,
                       help='max num of epochs')
    train.add_argument('--lr', type=float, default=0.1,
                       help='initial learning rate')
    train.add_argument('--lr-factor', type=float, default=0.1,
                       help='the ratio to reduce lr on each step')
    train.add_argument('--lr-step-epochs', type=str,
                       help='the epochs to reduce the lr, e.g. 30,60 (or pow2 for a polynomial '
                            'decay)')
    train.add_argument('--initializer', type=str, default='default', choices=INITIALIZERS,
                       help='the initializer type')
    train.add_argument('--optimizer', type=str, default='sgd',
                       help='the optimizer type')
    train.add_argument('--mom', type=float, default=0.9,
                       help='momentum for sgd')
    train.add_argument('--wd', type=float, default=0.0001,
                       help='weight decay for sgd')
    train.add_argument('--batch-size', type=int, default=128,
                       help='the batch size')
    train.add_argument('--disp-batches', type=int, default=20,
                       help='show progress for every n batches')
    train.add_argument('--model-prefix', type=str,
                       help='model prefix')
    train.add_argument('--save-period', type=int, default=1, help='params saving period')
    parser.add_argument('--monitor', dest='monitor', type=int, default=0,
                        help='log network parameters every N iters if larger than 0')
    train.add_argument('--load-epoch', type=int,
                       help='load the model on an epoch using the model-load-prefix')
    train.add_argument('--top-k', type=int, default=0,
                       help='report the top-k accuracy. 0 means no report.')
    train.add_argument('--loss', type=str, default='',
                       help='show the cross-entropy or nll loss. ce strands for cross-entropy, '
                            'nll-loss stands for likelihood loss')
    train.add_argument('--test-io', type=int, default=0,
                       help='1 means test reading speed without training')
    train.add_argument('--dtype', type=str, default='float32', choices=('float32', 'float16'),
                       help='precision: float32 or float16')
    train.add_argument('--gc-type', type=str, default='none',
                       help='type of gradient compression to use, takes `2bit` or `none` for '
                            'now (only none without distributed training)')
    train.add_argument('--gc-threshold', type=float, default=0.5,
                       help='threshold for 2bit gradient compression')
    # additional parameters for large batch sgd
    train.add_argument('--macrobatch-size', type=int, default=0,
                       help='distributed effective batch size')
    train.add_argument('--warmup-epochs', type=int, default=5,
                       help='the epochs to ramp-up lr to scaled large-batch value (optimizers '
                            'lbsgd and lbnag)')
    train.add_argument('--warmup-strategy', type=str, default='linear',
                       help='the ramping-up strategy for large batch sgd')
    train.add_argument('--profile-worker-suffix', type=str, default='',
                       help='profile workers actions into this file (a Chrome trace); with '
                            'several workers it is named rankN_ followed by this suffix')
    train.add_argument('--profile-server-suffix', type=str, default='',
                       help='profile server actions into this file (distributed training '
                            'only)')
    train.add_argument('--use-imagenet-data-augmentation', type=int, default=0,
                       help='enable data augmentation of ImageNet data, default disabled')
    return train


def _devices(args):
    """The training contexts for --gpus: GPUs where they exist, else the CPU with a warning."""
    if args.gpus is None or str(args.gpus).strip() == '':
        return mx.cpu()
    ids = parse_ints('--gpus', args.gpus)
    if len(ids) == 0:
        return mx.cpu()
    found = mx.num_gpus()
    if found < max(ids) + 1:
        logging.warning('--gpus %s: %s; training on the CPU instead', args.gpus,
                        'no GPU found' if found == 0 else 'only %d GPU(s) found' % found)
        return mx.cpu()
    return [mx.gpu(i) for i in ids]


def _initializer(args):
    name = args.initializer
    if name == 'default':
        if args.network == 'alexnet':
            return mx.init.Normal()          # AlexNet does not converge with Xavier
        if args.network and 'vgg' in args.network:
            return mx.init.Xavier()          # nor VGG with Xavier-Gaussian
        return mx.init.Xavier(rnd_type='gaussian', factor_type='in', magnitude=2)
    if name not in INITIALIZERS:
        fail('--initializer', 'unknown initializer %r; choose one of %s'
             % (name, ', '.join(INITIALIZERS)))
    return {'xavier': mx.init.Xavier, 'msra': mx.init.MSRAPrelu,
            'orthogonal': mx.init.Orthogonal, 'normal': mx.init.Normal,
            'uniform': mx.init.Uniform, 'one': mx.init.One, 'zero': mx.init.Zero}[name]()


def _eval_metrics(args, network):
    metrics = ['accuracy']
    if args.top_k > 0:
        metrics.append(mx.metric.create('top_k_accuracy', top_k=args.top_k))
    if args.loss:
        if 'softmax_output' not in network.list_outputs():
            logging.warning('The output is not softmax_output, loss argument will be skipped!')
            return metrics
        for loss_type in args.loss.split(','):
            loss_type = loss_type.strip()
            loss_type = 'nll_loss' if loss_type == 'nll' else loss_type
            if loss_type not in ('ce', 'nll_loss'):
                logging.warning('%s is not an valid loss type, only cross-entropy or negative '
                                'likelihood loss is supported!', loss_type)
            else:
                metrics.append(mx.metric.create(loss_type))
    return metrics


def _optimizer_params(args, kv, lr, lr_scheduler, epoch_size):
    params = {'learning_rate': lr, 'wd': args.wd, 'lr_scheduler': lr_scheduler,
              'multi_precision': True}
    if args.optimizer in ('sgd', 'dcasgd', 'nag', 'signum', 'lbsgd'):
        params['momentum'] = args.mom
    if args.optimizer in ('lbsgd', 'lbnag'):
        macrobatch = max(getattr(args, 'macrobatch_size', 0), args.batch_size * kv.num_workers)
        params['updates_per_epoch'] = max(epoch_size, 1)
        params['begin_epoch'] = args.load_epoch if args.load_epoch else 0
        params['batch_scale'] = math.ceil(float(macrobatch) / args.batch_size / kv.num_workers)
        params['warmup_strategy'] = getattr(args, 'warmup_strategy', 'linear')
        params['warmup_epochs'] = getattr(args, 'warmup_epochs', 5)
        params['num_epochs'] = args.num_epochs
    return params


class EpochSpeed:
    """Logs ``Epoch[n] Speed: ... samples/sec`` over each epoch's training batches.

    ``batch`` is a batch-end callback (counts samples), ``epoch`` an epoch-end
    callback (logs, then restarts the count), ``restart`` an eval-end
    callback (so validation time is not counted).
    """

    def __init__(self, batch_size):
        self.batch_size = batch_size
        self.samples = 0
        self.tic = time.time()

    def restart(self, *unused):
        self.samples, self.tic = 0, time.time()

    def batch(self, param):
        self.samples += self.batch_size

    def epoch(self, epoch, *unused):
        elapsed = time.time() - self.tic
        if self.samples and elapsed > 0:
            _log().info('Epoch[%d] Speed: %.2f samples/sec', epoch, self.samples / elapsed)
        self.restart()


def _test_io(args, train):
    tic = time.time()
    for i, batch in enumerate(train):
        for b in (batch if isinstance(batch, list) else [batch]):
            for j in b.data:
                j.wait_to_read()
        if (i + 1) % args.disp_batches == 0:
            _log().info('Batch [%d]\tSpeed: %.2f samples/sec', i,
                         args.disp_batches * args.batch_size / (time.time() - tic))
            tic = time.time()


def _create_kvstore(args):
    try:
        kv = mx.kvstore.create(args.kv_store)
    except MXNetError as err:
        fail('--kv-store', err)
    if getattr(args, 'gc_type', 'none') != 'none':
        try:
            kv.set_gradient_compression({'type': args.gc_type, 'threshold': args.gc_threshold})
        except MXNetError as err:
            fail('--gc-type', err)
    if getattr(args, 'profile_server_suffix', ''):
        fail('--profile-server-suffix', 'there are no server processes: kvstore %r trains in '
                                        'this process (profile it with --profile-worker-suffix)'
             % args.kv_store)
    return kv


def _start_profiler(args, kv):
    """Profile this worker into --profile-worker-suffix (rankN_ prefixed with several workers)."""
    suffix = getattr(args, 'profile_worker_suffix', '')
    if not suffix:
        return None
    filename = 'rank%d_%s' % (kv.rank, suffix) if kv.num_workers > 1 else suffix
    mx.profiler.set_config(filename=filename, profile_all=True, profile_process='worker')
    mx.profiler.set_state(state='run', profile_process='worker')
    return filename


def _stop_profiler(filename):
    if filename:
        mx.profiler.set_state(state='stop', profile_process='worker')
        mx.profiler.dump(profile_process='worker')
        _log().info('profile written to %s', filename)


def fit(args, network, data_loader, **kwargs):
    """
    train a model
    args : argparse returns
    network : the symbol definition of the neural network
    data_loader : function that returns the train and val data iterators
    kwargs : arg_params and aux_params to start from (fine-tuning), batch_end_callback

    Returns the trained ``mx.mod.Module`` (None with --test-io).
    """
    kv = _create_kvstore(args)
    head = '%(asctime)-15s Node[' + str(kv.rank) + '] %(message)s'
    logging.basicConfig(level=logging.DEBUG, format=head)
    _log().info('start with arguments %s', args)
    if args.optimizer.lower() not in mx.optimizer.Optimizer.opt_registry:
        fail('--optimizer', 'unknown optimizer %r; choose one of %s' % (
            args.optimizer, ', '.join(sorted(mx.optimizer.Optimizer.opt_registry))))

    (train, val) = data_loader(args, kv)
    if not args.num_examples:
        fail('--num-examples', 'the number of training examples is needed')
    epoch_size = get_epoch_size(args, kv)
    if 'dist' in args.kv_store and 'async' not in args.kv_store:
        _log().info('Resizing training data to %d batches per machine', epoch_size)
        train = mx.io.ResizeIter(train, epoch_size)
    if args.test_io:
        _test_io(args, train)
        return None

    if 'arg_params' in kwargs and 'aux_params' in kwargs:
        arg_params, aux_params = kwargs['arg_params'], kwargs['aux_params']
    else:
        sym, arg_params, aux_params = _load_model(args, kv.rank)
        if sym is not None and sym.tojson() != network.tojson():
            fail('--load-epoch', 'the network in %s-symbol.json is not the one being trained '
                                 '(check --network, --num-layers, --num-classes, --image-shape)'
                 % args.model_prefix)

    checkpoint = _save_model(args, kv.rank)
    devs = _devices(args)
    lr, lr_scheduler = _get_lr_scheduler(args, kv)
    model = mx.mod.Module(context=devs, symbol=network)
    optimizer_params = _optimizer_params(args, kv, lr, lr_scheduler, epoch_size)
    monitor = mx.mon.Monitor(args.monitor, pattern='.*') if args.monitor > 0 else None
    initializer = _initializer(args)
    eval_metrics = _eval_metrics(args, network)

    speed = EpochSpeed(args.batch_size)
    batch_end_callbacks = [mx.callback.Speedometer(args.batch_size, args.disp_batches),
                           speed.batch]
    if 'batch_end_callback' in kwargs:
        cbs = kwargs['batch_end_callback']
        batch_end_callbacks += cbs if isinstance(cbs, list) else [cbs]
    epoch_end_callbacks = [speed.epoch] + ([checkpoint] if checkpoint else [])

    profile = _start_profiler(args, kv)
    speed.restart()
    model.fit(train,
              begin_epoch=args.load_epoch if args.load_epoch else 0,
              num_epoch=args.num_epochs,
              eval_data=val,
              eval_metric=eval_metrics,
              kvstore=kv,
              optimizer=args.optimizer,
              optimizer_params=optimizer_params,
              initializer=initializer,
              arg_params=arg_params,
              aux_params=aux_params,
              batch_end_callback=batch_end_callbacks,
              epoch_end_callback=epoch_end_callbacks,
              eval_end_callback=speed.restart,
              allow_missing=True,
              monitor=monitor)
    _stop_profiler(profile)
    return model
