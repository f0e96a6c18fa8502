"""``mx.callback``: functions called at the end of batches and epochs during ``fit``."""
import math
import sys
import time

from .base import MXNetError
from .log import get_logger

__all__ = ['module_checkpoint', 'do_checkpoint', 'log_train_metric', 'Speedometer', 'ProgressBar',
           'LogValidationMetricsCallback']


def _writes_checkpoints():
    """Only distributed worker 0 writes checkpoints (``MXLITE_DIST_ALL_RANKS=1``: every worker)."""
    from .kvstore.role import is_primary
    return is_primary()


def module_checkpoint(mod, prefix, period=1, save_optimizer_states=False):
    """Epoch-end callback saving ``mod``'s checkpoint every ``period`` epochs.

    In distributed training only worker 0 writes (see ``mxlite.kvstore.role``).
    """
    period = int(max(1, period))

    def _callback(iter_no, sym=None, arg=None, aux=None):
        if (iter_no + 1) % period == 0 and _writes_checkpoints():
            mod.save_checkpoint(prefix, iter_no + 1, save_optimizer_states)
    return _callback


def do_checkpoint(prefix, period=1):
    """Epoch-end callback writing ``prefix-symbol.json`` and ``prefix-%04d.params``.

    In distributed training only worker 0 writes (see ``mxlite.kvstore.role``).
    """
    from .model import save_checkpoint
    period = int(max(1, period))

    def _callback(iter_no, sym, arg, aux):
        if (iter_no + 1) % period == 0 and _writes_checkpoints():
            save_checkpoint(prefix, iter_no + 1, sym, arg, aux)
    return _callback


def log_train_metric(period, auto_reset=False):
    """Batch-end callback logging the training metric every ``period`` batches."""
    def _callback(param):
        if param.nbatch % period == 0 and param.eval_metric is not None:
            for name, value in param.eval_metric.get_name_value():
                get_logger().info('Iter[%d] Batch[%d] Train-%s=%f', param.epoch, param.nbatch,
                                  name, value)
            if auto_reset:
                param.eval_metric.reset_local()
    return _callback


class Speedometer:
    """Logs samples/sec and the training metric every ``frequent`` batches.

    The line format is MXNet's: ``Epoch[0] Batch [40-60]\\tSpeed: 1234.56
    samples/sec\\taccuracy=0.912500``.
    """

    def __init__(self, batch_size, frequent=50, auto_reset=True):
        self.batch_size = batch_size
        self.frequent = frequent
        self.init = False
        self.tic = 0
        self.last_count = 0
        self.auto_reset = auto_reset

    def __call__(self, param):
        count = param.nbatch
        if self.last_count > count:
            self.init = False
        self.last_count = count
        if self.init:
            if count % self.frequent == 0:
                try:
                    speed = self.frequent * self.batch_size / (time.time() - self.tic)
                except ZeroDivisionError:
                    speed = float('inf')
                if param.eval_metric is not None:
                    name_value = param.eval_metric.get_name_value()
                    if self.auto_reset:
                        param.eval_metric.reset_local()
                        msg = 'Epoch[%d] Batch [%d-%d]\tSpeed: %.2f samples/sec'
                        msg += '\t%s=%f' * len(name_value)
                        get_logger().info(msg, param.epoch, count - self.frequent, count, speed,
                                          *sum(name_value, ()))
                    else:
                        msg = 'Epoch[%d] Batch [0-%d]\tSpeed: %.2f samples/sec'
                        msg += '\t%s=%f' * len(name_value)
                        get_logger().info(msg, param.epoch, count, speed, *sum(name_value, ()))
                else:
                    get_logger().info('Iter[%d] Batch [%d]\tSpeed: %.2f samples/sec',
                                      param.epoch, count, speed)
                self.tic = time.time()
        else:
            self.init = True
            self.tic = time.time()


class ProgressBar:
    """Batch-end callback drawing ``[=====>    ] 45%`` for a known number of batches."""

    def __init__(self, total, length=80):
        if total <= 0:
            raise MXNetError('ProgressBar: total must be a positive number of batches')
        self.bar_len = length
        self.total = total

    def __call__(self, param):
        count = param.nbatch
        filled_len = int(round(self.bar_len * count / float(self.total)))
        percents = math.ceil(100.0 * count / float(self.total))
        prog_bar = '=' * filled_len + '-' * (self.bar_len - filled_len)
        get_logger().info('[%s] %s%s\r', prog_bar, percents, '%')


class LogValidationMetricsCallback:
    """Eval-end callback logging each validation metric."""

    def __call__(self, param):
        if not param.eval_metric:
            return
        for name, value in param.eval_metric.get_name_value():
            get_logger().info('Epoch[%d] Validation-%s=%f', param.epoch, name, value)


class TerminalProgress:
    """The live status line ``fit`` shows on a terminal (mxlite's addition).

    ``Epoch 3  batch 120/469  1843 samples/s  loss=0.2131  accuracy=0.9375``,
    redrawn in place at most ten times a second; silent when stderr is not a
    terminal, so logs and CI output stay clean.
    """

    def __init__(self, stream=None, enabled=None):
        from .kvstore.role import is_primary
        self.stream = stream or sys.stderr
        self.enabled = (self.stream.isatty() and is_primary()) if enabled is None else enabled
        self._last = 0.0
        self._start = time.time()
        self._samples = 0
        self._shown = False

    def start_epoch(self):
        self._start = time.time()
        self._samples = 0

    def update(self, epoch, nbatch, total, batch_size, name_values):
        self._samples += batch_size
        if not self.enabled:
            return
        now = time.time()
        if now - self._last < 0.1:
            return
        self._last = now
        speed = self._samples / max(now - self._start, 1e-9)
        of = '/%d' % total if total else ''
        metrics = '  '.join('%s=%.4f' % nv for nv in name_values)
        self.stream.write('\rEpoch %d  batch %d%s  %.0f samples/s  %s\033[K'
                          % (epoch, nbatch + 1, of, speed, metrics))
        self.stream.flush()
        self._shown = True

    def end_epoch(self):
        if self.enabled and self._shown:
            self.stream.write('\r\033[K')
            self.stream.flush()
            self._shown = False
