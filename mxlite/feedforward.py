"""``mx.model.FeedForward``: MXNet's legacy estimator API, built on Module."""
import numpy as np

from .base import MXNetError
from .context import Context, cpu
from .ndarray.ndarray import NDArray

__all__ = ['FeedForward']


def _as_list(x):
    return list(x) if isinstance(x, (list, tuple)) else [x]


class FeedForward:
    """A network with its parameters; ``fit``/``predict``/``score``/``save``/``load``.

    Extra keyword arguments (``learning_rate``, ``momentum``, ``wd``, ...)
    are passed to the optimizer, as in MXNet.
    """

    def __init__(self, symbol, ctx=None, num_epoch=None, epoch_size=None, optimizer='sgd',
                 initializer=None, numpy_batch_size=128, arg_params=None, aux_params=None,
                 allow_extra_params=False, begin_epoch=0, **kwargs):
        from . import initializer as init_mod
        self.symbol = symbol
        if ctx is None:
            ctx = [cpu()]
        elif isinstance(ctx, Context):
            ctx = [ctx]
        self.ctx = ctx
        self.num_epoch = num_epoch
        self.epoch_size = epoch_size
        self.optimizer = optimizer
        self.initializer = initializer if initializer is not None else init_mod.Uniform(0.01)
        self.numpy_batch_size = numpy_batch_size
        self.arg_params = arg_params
        self.aux_params = aux_params
        self.allow_extra_params = allow_extra_params
        self.begin_epoch = begin_epoch
        self.kwargs = dict(kwargs)
        self._pred_mod = None

    # -- data ----------------------------------------------------------------
    def _init_iter(self, X, y, is_train):
        from .io import NDArrayIter
        from .io.base import DataIter
        if isinstance(X, DataIter) or (hasattr(X, 'provide_data') and hasattr(X, 'reset')):
            return X
        if isinstance(X, NDArray):
            X = X.asnumpy()
        if not isinstance(X, np.ndarray):
            raise MXNetError('FeedForward: X must be a numpy array, an NDArray or a DataIter, got %s'
                             % type(X).__name__)
        if y is None:
            if is_train:
                raise MXNetError('FeedForward.fit: y (the labels) is required when X is an array')
            y = np.zeros(X.shape[0])
        if isinstance(y, NDArray):
            y = y.asnumpy()
        y = np.asarray(y)
        if y.shape[0] != X.shape[0]:
            raise MXNetError('FeedForward: X has %d samples but y has %d' % (X.shape[0], y.shape[0]))
        if is_train and y.ndim == 2 and y.shape[1] == 1:
            y = y.reshape(-1)
        batch = min(X.shape[0], self.numpy_batch_size)
        return NDArrayIter(X, y, batch, shuffle=is_train, last_batch_handle='roll_over'
                           if is_train else 'pad')

    def _init_eval_iter(self, eval_data):
        if eval_data is None:
            return None
        if isinstance(eval_data, (tuple, list)) and len(eval_data) == 2:
            return self._init_iter(eval_data[0], eval_data[1], is_train=False)
        return self._init_iter(eval_data, None, is_train=False)

    def _module(self, data, logger=None, work_load_list=None):
        from .module import Module
        data_names = [d[0] for d in data.provide_data]
        label_names = [d[0] for d in (data.provide_label or [])]
        arg_names = self.symbol.list_arguments()
        label_names = [n for n in label_names if n in arg_names]
        if not label_names:
            # unlabeled data (prediction): labels of loss heads are inputs, not parameters
            label_names = [n for n in arg_names if n.endswith('_label') and
                           n not in (self.arg_params or {}) and n not in data_names]
        return Module(self.symbol, data_names=data_names, label_names=label_names,
                      context=self.ctx, work_load_list=work_load_list,
                      logger=logger if logger is not None else None)

    # -- training --------------------------------------------------------------
    def fit(self, X, y=None, eval_data=None, eval_metric='acc', epoch_end_callback=None,
            batch_end_callback=None, kvstore='local', logger=None, work_load_list=None,
            monitor=None, eval_end_callback=None, eval_batch_end_callback=None):
        """Train on ``X`` (numpy/NDArray with ``y``, or a DataIter)."""
        from .io import ResizeIter
        if self.num_epoch is None:
            raise MXNetError('FeedForward.fit: num_epoch must be set in the constructor')
        data = self._init_iter(X, y, is_train=True)
        eval_iter = self._init_eval_iter(eval_data)
        if self.epoch_size is not None:
            data = ResizeIter(data, self.epoch_size)
        mod = self._module(data, logger, work_load_list)
        optimizer_params = dict(self.kwargs)
        mod.fit(data, eval_data=eval_iter, eval_metric=eval_metric,
                epoch_end_callback=epoch_end_callback, batch_end_callback=batch_end_callback,
                kvstore=kvstore, optimizer=self.optimizer, optimizer_params=optimizer_params,
                eval_end_callback=eval_end_callback, eval_batch_end_callback=eval_batch_end_callback,
                initializer=self.initializer, arg_params=self.arg_params,
                aux_params=self.aux_params, allow_missing=True, begin_epoch=self.begin_epoch,
                num_epoch=self.num_epoch, monitor=monitor)
        self.arg_params, self.aux_params = mod.get_params()
        self._pred_mod = None
        return self

    # -- inference -------------------------------------------------------------
    def _predictor(self, data):
        if self.arg_params is None:
            raise MXNetError('FeedForward: the model has no parameters; fit() or load() it first')
        shapes = tuple(tuple(d[1]) for d in data.provide_data)
        if self._pred_mod is not None and self._pred_mod[0] == shapes:
            return self._pred_mod[1]
        mod = self._module(data)
        mod.bind(data.provide_data, data.provide_label or None, for_training=False)
        mod.set_params(self.arg_params, self.aux_params or {},
                       allow_extra=self.allow_extra_params)
        self._pred_mod = (shapes, mod)
        return mod

    def predict(self, X, num_batch=None, return_data=False, reset=True):
        """Outputs for ``X`` as numpy arrays (a list when the network has several)."""
        data = self._init_iter(X, None, is_train=False)
        if reset:
            data.reset()
        mod = self._predictor(data)
        outputs, datas, labels = [], [], []
        for nbatch, batch in enumerate(data):
            if num_batch is not None and nbatch == num_batch:
                break
            mod.forward(batch, is_train=False)
            pad = batch.pad or 0
            outs = [o.asnumpy()[:o.shape[0] - pad] for o in mod.get_outputs()]
            outputs.append(outs)
            if return_data:
                datas.append([d.asnumpy()[:d.shape[0] - pad] for d in batch.data])
                labels.append([l.asnumpy()[:l.shape[0] - pad] for l in (batch.label or [])])
        if not outputs:
            return []
        merged = [np.concatenate([o[i] for o in outputs]) for i in range(len(outputs[0]))]
        result = merged[0] if len(merged) == 1 else merged
        if return_data:
            d = [np.concatenate([x[i] for x in datas]) for i in range(len(datas[0]))]
            lab = [np.concatenate([x[i] for x in labels]) for i in range(len(labels[0]))] \
                if labels and labels[0] else []
            return result, (d[0] if len(d) == 1 else d), (lab[0] if len(lab) == 1 else lab)
        return result

    def score(self, X, eval_metric='acc', num_batch=None, batch_end_callback=None, reset=True):
        """The value of ``eval_metric`` on ``X`` (a DataIter, or arrays with their labels)."""
        from . import metric as metric_mod
        data = self._init_eval_iter(X) if isinstance(X, (tuple, list)) else \
            self._init_iter(X, None, is_train=False)
        mod = self._predictor(data)
        if not hasattr(eval_metric, 'update_dict'):
            eval_metric = metric_mod.create(eval_metric)
        res = mod.score(data, eval_metric, num_batch=num_batch,
                        batch_end_callback=batch_end_callback, reset=reset)
        return res[0][1] if len(res) == 1 else [v for _, v in res]

    # -- persistence -------------------------------------------------------------
    def save(self, prefix, epoch=None, remove_amp_cast=True):
        """Write ``prefix-symbol.json`` and ``prefix-%04d.params`` (epoch defaults to num_epoch)."""
        from .model import save_checkpoint
        if epoch is None:
            epoch = self.num_epoch
        if epoch is None:
            raise MXNetError('FeedForward.save: give epoch= (num_epoch is not set)')
        save_checkpoint(prefix, epoch, self.symbol, self.arg_params or {}, self.aux_params or {})

    @staticmethod
    def load(prefix, epoch, ctx=None, **kwargs):
        """A FeedForward from a checkpoint (``begin_epoch`` set to ``epoch``)."""
        from .model import load_checkpoint
        symbol, arg_params, aux_params = load_checkpoint(prefix, epoch)
        return FeedForward(symbol, ctx=ctx, arg_params=arg_params, aux_params=aux_params,
                           begin_epoch=epoch, **kwargs)

    @staticmethod
    def create(symbol, X, y=None, ctx=None, num_epoch=None, epoch_size=None, optimizer='sgd',
               initializer=None, eval_data=None, eval_metric='acc', epoch_end_callback=None,
               batch_end_callback=None, kvstore='local', logger=None, work_load_list=None,
               eval_end_callback=None, eval_batch_end_callback=None, **kwargs):
        """Construct and fit in one call."""
        model = FeedForward(symbol, ctx=ctx, num_epoch=num_epoch, epoch_size=epoch_size,
                            optimizer=optimizer, initializer=initializer, **kwargs)
        model.fit(X, y, eval_data=eval_data, eval_metric=eval_metric,
                  epoch_end_callback=epoch_end_callback, batch_end_callback=batch_end_callback,
                  kvstore=kvstore, logger=logger, work_load_list=work_load_list,
                  eval_end_callback=eval_end_callback,
                  eval_batch_end_callback=eval_batch_end_callback)
        return model

