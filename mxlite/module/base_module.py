"""``BaseModule``: the training loop (``fit``), scoring and prediction over any module."""
import math
import time

import numpy as np

from ..base import MXNetError
from ..context import cpu
from ..log import get_logger
from ..model import BatchEndParam
from ..ndarray.ndarray import NDArray
from .training_guard import HeadLoss, loss_heads, non_finite, NonFiniteError, Snapshot

__all__ = ['BaseModule']


def _as_list(obj):
    if obj is None:
        return []
    return list(obj) if isinstance(obj, (list, tuple)) else [obj]


class _MetricWithLoss:
    """The user's metric plus the loss, as callbacks see it during ``fit``."""

    def __init__(self, metric, loss):
        self._metric = metric
        self._loss = loss

    def __getattr__(self, name):
        return getattr(self._metric, name)

    def get_name_value(self):
        return self._metric.get_name_value() + [self._loss.get()]

    def get_global_name_value(self):
        return self._metric.get_global_name_value() + [self._loss.get_global()]

    def reset_local(self):
        self._metric.reset_local()
        self._loss.reset_local()

    def reset(self):
        self._metric.reset()
        self._loss.reset()

    def get(self):
        names, values = self._metric.get()
        names = _as_list(names) + ['loss']
        values = _as_list(values) + [self._loss.get()[1]]
        return names, values


def _metric_names(metric):
    names, _ = metric.get()
    return [n for n in _as_list(names)]


class BaseModule:
    """Shared high-level API of modules: fit, score, predict, iter_predict."""

    def __init__(self, logger=None):
        self.logger = logger
        self.binded = False
        self.for_training = False
        self.inputs_need_grad = False
        self.params_initialized = False
        self.optimizer_initialized = False
        self._symbol = None
        self._total_exec_bytes = 0

    @property
    def _log(self):
        import logging
        return get_logger(self.logger if self.logger is not None else logging)

    # -- high level --------------------------------------------------------
    def forward_backward(self, data_batch):
        """forward(is_train=True) then backward()."""
        self.forward(data_batch, is_train=True)
        self.backward()

    def score(self, eval_data, eval_metric, num_batch=None, batch_end_callback=None,
              score_end_callback=None, reset=True, epoch=0, sparse_row_id_fn=None):
        """Evaluate ``eval_metric`` over ``eval_data``; returns its (name, value) pairs."""
        from .. import metric as metric_mod
        if not (self.binded and self.params_initialized):
            raise MXNetError('score: bind the module and initialise its parameters first')
        if reset:
            eval_data.reset()
        if not hasattr(eval_metric, 'update_dict'):
            eval_metric = metric_mod.create(eval_metric)
        eval_metric.reset()
        actual_num_batch = 0
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            if isinstance(eval_batch, list):
                self.update_metric(eval_metric, [eb.label for eb in eval_batch], pre_sliced=True)
            else:
                self.update_metric(eval_metric, eval_batch.label)
            if batch_end_callback is not None:
                params = BatchEndParam(epoch=epoch, nbatch=nbatch, eval_metric=eval_metric,
                                       locals=locals())
                for cb in _as_list(batch_end_callback):
                    cb(params)
            actual_num_batch += 1
        if score_end_callback:
            params = BatchEndParam(epoch=epoch, nbatch=actual_num_batch, eval_metric=eval_metric,
                                   locals=locals())
            for cb in _as_list(score_end_callback):
                cb(params)
        return eval_metric.get_name_value()

    def iter_predict(self, eval_data, num_batch=None, reset=True, sparse_row_id_fn=None):
        """Yield (outputs without padding, batch index, batch) for each batch."""
        if not (self.binded and self.params_initialized):
            raise MXNetError('iter_predict: bind the module and initialise its parameters first')
        if reset:
            eval_data.reset()
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            pad = eval_batch.pad or 0
            outputs = [NDArray(out._data[0:out.shape[0] - pad].copy(), out._ctx)
                       for out in self.get_outputs()]
            yield (outputs, nbatch, eval_batch)

    def predict(self, eval_data, num_batch=None, merge_batches=True, reset=True,
                always_output_list=False, sparse_row_id_fn=None):
        """Outputs over ``eval_data`` (padding removed), merged across batches by default."""
        from ..io.base import DataIter
        if isinstance(eval_data, (NDArray, np.ndarray)):
            from ..io import NDArrayIter
            if isinstance(eval_data, np.ndarray):
                eval_data = NDArray(eval_data.astype(np.float32), cpu())
            eval_data = NDArrayIter(eval_data, batch_size=self.data_shapes[0].shape[0])
        elif not isinstance(eval_data, DataIter) and not hasattr(eval_data, 'reset'):
            raise MXNetError('predict: eval_data must be a DataIter, an NDArray or a numpy array')
        if not (self.binded and self.params_initialized):
            raise MXNetError('predict: bind the module and initialise its parameters first')
        if reset:
            eval_data.reset()
        output_list = []
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            pad = eval_batch.pad or 0
            outputs = [NDArray(out._data[0:out.shape[0] - pad].copy(), out._ctx)
                       for out in self.get_outputs()]
            output_list.append(outputs)
        if not output_list:
            return output_list
        if merge_batches:
            num_outputs = len(output_list[0])
            for out in output_list:
                if len(out) != num_outputs:
                    raise MXNetError('predict: batches have different numbers of outputs; use '
                                     'merge_batches=False')
            merged = [NDArray(np.concatenate([out[i]._data for out in output_list], axis=0), cpu())
                      for i in range(num_outputs)]
            if num_outputs == 1 and not always_output_list:
                return merged[0]
            return merged
        return output_list

    def fit(self, train_data, eval_data=None, eval_metric='acc', epoch_end_callback=None,
            batch_end_callback=None, kvstore='local', optimizer='sgd',
            optimizer_params=(('learning_rate', 0.01),), eval_end_callback=None,
            eval_batch_end_callback=None, initializer=None, arg_params=None, aux_params=None,
            allow_missing=False, force_rebind=False, force_init=False, begin_epoch=0,
            num_epoch=None, validation_metric=None, monitor=None, sparse_row_id_fn=None,
            on_nan='warn', show_loss=True, progress=None):
        """Train for ``num_epoch`` epochs (MXNet 1.x ``fit``), logging as MXNet does.

        mxlite additions: the training loss of loss heads is logged next to the
        metric (``show_loss``); NaN/inf in the loss or gradients is reported at
        once with the epoch, batch and learning rate (``on_nan='warn'``), or
        stops training (``'stop'``, raising ``NonFiniteError``; parameters,
        auxiliary states and optimizer states are put back to their values
        before the bad batch), or is not
        checked (``'ignore'``); ``progress`` shows a live status line on a
        terminal (default: when stderr is a TTY).
        """
        from .. import metric as metric_mod
        from .. import initializer as init_mod
        from ..callback import TerminalProgress
        if num_epoch is None:
            raise MXNetError('fit: please specify num_epoch, the number of epochs to train')
        if on_nan not in ('warn', 'stop', 'ignore'):
            raise MXNetError("fit: on_nan must be 'warn', 'stop' or 'ignore', got %r" % (on_nan,))
        if initializer is None:
            initializer = init_mod.Uniform(0.01)
        self.bind(data_shapes=train_data.provide_data, label_shapes=train_data.provide_label,
                  for_training=True, force_rebind=force_rebind)
        if monitor is not None:
            self.install_monitor(monitor)
        self.init_params(initializer=initializer, arg_params=arg_params, aux_params=aux_params,
                         allow_missing=allow_missing, force_init=force_init)
        self.init_optimizer(kvstore=kvstore, optimizer=optimizer, optimizer_params=optimizer_params)
        if validation_metric is None:
            validation_metric = eval_metric
        if not hasattr(eval_metric, 'update_dict'):
            eval_metric = metric_mod.create(eval_metric)
        loss_symbol = self._symbol_for_loss() if show_loss else None
        heads = loss_heads(loss_symbol) if loss_symbol is not None else []
        user_names = set(_metric_names(eval_metric))
        if user_names & {'loss', 'cross-entropy', 'nll-loss'}:
            heads = []
        loss = HeadLoss(heads, self._label_names_for_loss(), self.output_names) if heads else None
        shown_metric = _MetricWithLoss(eval_metric, loss) if loss is not None else eval_metric
        bar = TerminalProgress(enabled=progress)
        log = self._log
        self._nan_snapshot = Snapshot() if on_nan == 'stop' else None
        for epoch in range(begin_epoch, num_epoch):
            tic = time.time()
            eval_metric.reset()
            if loss is not None:
                loss.reset()
            bar.start_epoch()
            nbatch = 0
            data_iter = iter(train_data)
            end_of_batch = False
            try:
                next_data_batch = next(data_iter)
            except StopIteration:
                raise MXNetError('fit: train_data produced no batches in epoch %d' % epoch) \
                    from None
            eval_name_vals = []
            while not end_of_batch:
                data_batch = next_data_batch
                if monitor is not None:
                    monitor.tic()
                if self._nan_snapshot is not None:
                    self._nan_snapshot.take(self._arrays_to_guard())
                self.forward_backward(data_batch)
                labels = [db.label for db in data_batch] if isinstance(data_batch, list) \
                    else data_batch.label
                batch_loss = None
                if loss is not None:
                    batch_loss = loss.update_batch(labels if not isinstance(data_batch, list)
                                                   else labels[0], self.get_outputs())
                if on_nan != 'ignore':
                    self._check_finite(batch_loss, epoch, nbatch, on_nan, log)
                self.update()
                if on_nan != 'ignore':
                    self._check_params_finite(epoch, nbatch, on_nan, log)
                if isinstance(data_batch, list):
                    self.update_metric(eval_metric, labels, pre_sliced=True)
                else:
                    self.update_metric(eval_metric, labels)
                try:
                    next_data_batch = next(data_iter)
                    self.prepare(next_data_batch, sparse_row_id_fn=sparse_row_id_fn)
                except StopIteration:
                    end_of_batch = True
                if monitor is not None:
                    monitor.toc_print()
                if end_of_batch:
                    eval_name_vals = shown_metric.get_global_name_value()
                bar.update(epoch, nbatch, None, self._batch_size(data_batch),
                           shown_metric.get_name_value())
                if batch_end_callback is not None:
                    params = BatchEndParam(epoch=epoch, nbatch=nbatch, eval_metric=shown_metric,
                                           locals=locals())
                    for cb in _as_list(batch_end_callback):
                        cb(params)
                nbatch += 1
            bar.end_epoch()
            for name, val in eval_name_vals:
                log.info('Epoch[%d] Train-%s=%f', epoch, name, val)
            toc = time.time()
            log.info('Epoch[%d] Time cost=%.3f', epoch, (toc - tic))
            arg_params_, aux_params_ = self.get_params()
            self.set_params(arg_params_, aux_params_)
            if epoch_end_callback is not None:
                for cb in _as_list(epoch_end_callback):
                    cb(epoch, self.symbol, arg_params_, aux_params_)
            if eval_data:
                res = self.score(eval_data, validation_metric, score_end_callback=eval_end_callback,
                                 batch_end_callback=eval_batch_end_callback, epoch=epoch)
                for name, val in res:
                    log.info('Epoch[%d] Validation-%s=%f', epoch, name, val)
            train_data.reset()

    # -- helpers for fit -------------------------------------------------------
    def _symbol_for_loss(self):
        """The symbol whose loss heads produce this module's outputs."""
        return self.symbol

    def _label_names_for_loss(self):
        return [d.name for d in (self.label_shapes or [])]

    @staticmethod
    def _batch_size(batch):
        b = batch[0] if isinstance(batch, list) else batch
        n = b.data[0].shape[0] if b.data else 0
        return n - (b.pad or 0)

    def _learning_rate(self):
        opt = getattr(self, '_optimizer', None)
        if opt is None:
            return None
        try:
            return opt.learning_rate
        except Exception:  # an optimizer without a readable rate
            return getattr(opt, 'lr', None)

    def _check_finite(self, batch_loss, epoch, nbatch, on_nan, log):
        what = None
        if batch_loss is not None and not math.isfinite(batch_loss):
            what = 'loss is %s' % ('nan' if math.isnan(batch_loss) else 'inf')
        else:
            grads = self._grads_for_check()
            bad = non_finite([g for g, _ in grads])
            if bad >= 0:
                what = 'the gradient of %s has NaN/inf values' % grads[bad][1]
        if what is None:
            return
        lr = self._learning_rate()
        hint = ('the learning rate %g may be too high' % lr) if lr is not None else \
            'the learning rate may be too high'
        msg = '%s at epoch %d batch %d: %s; lower it, clip gradients (clip_gradient=...) or ' \
              'check the input data' % (what, epoch, nbatch, hint)
        if on_nan == 'stop':
            self._restore_guarded()
            raise NonFiniteError(msg + ". Training stopped before this update (on_nan='stop'); "
                                 'the parameters hold their last finite values.')
        if not getattr(self, '_nan_warned', None) == epoch:
            log.warning(msg)
            self._nan_warned = epoch

    def _check_params_finite(self, epoch, nbatch, on_nan, log):
        params = self._params_for_check()
        bad = non_finite([p for p, _ in params])
        if bad < 0:
            return
        lr = self._learning_rate()
        hint = ('the learning rate %g may be too high' % lr) if lr is not None else \
            'the learning rate may be too high'
        msg = ('parameter %s became NaN/inf in the update at epoch %d batch %d: %s; lower it or '
               'clip gradients (clip_gradient=...)' % (params[bad][1], epoch, nbatch, hint))
        if on_nan == 'stop':
            self._restore_guarded()
            raise NonFiniteError(msg + ". Training stopped (on_nan='stop'); the parameters, "
                                 'auxiliary and optimizer states are back to their values '
                                 'before this batch.')
        if not getattr(self, '_nan_warned', None) == epoch:
            log.warning(msg)
            self._nan_warned = epoch

    def _grads_for_check(self):
        return []

    def _arrays_to_guard(self):
        """numpy arrays a batch changes: parameters, auxiliary and optimizer states."""
        return []

    def _restore_guarded(self):
        snap = getattr(self, '_nan_snapshot', None)
        if snap is not None:
            snap.restore()

    def _params_for_check(self):
        return []

    # -- interface the subclasses implement ----------------------------------
    def prepare(self, data_batch, sparse_row_id_fn=None):
        """Called with the next batch before it is used (a hook for prefetching)."""

    @property
    def symbol(self):
        return self._symbol

    def install_monitor(self, mon):
        raise MXNetError('%s does not support monitors' % type(self).__name__)
