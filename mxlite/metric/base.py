"""EvalMetric, CompositeEvalMetric, CustomMetric, the registry and ``create``.

Metrics accumulate ``sum_metric``/``num_inst`` (reset by ``reset_local``,
e.g. every Speedometer period) and ``global_sum_metric``/``global_num_inst``
(reset only by ``reset``), exactly as MXNet 1.9.1.  ``update`` takes lists of
label and prediction arrays (mxlite NDArrays, or numpy arrays, which MXNet
itself does not accept).
"""
import json
from collections import OrderedDict

import numpy as np

from ..base import MXNetValueError, MXNetTypeError, numeric_types, must_override

__all__ = ['EvalMetric', 'CompositeEvalMetric', 'register', 'alias', 'create',
           'check_label_shapes', 'as_numpy']

_REGISTRY = {}


def register(klass):
    """Register a metric class under its lower-cased name (a decorator)."""
    if not isinstance(klass, type) or not issubclass(klass, EvalMetric):
        raise MXNetTypeError('register: expected a subclass of EvalMetric, got %r' % (klass,))
    _REGISTRY[klass.__name__.lower()] = klass
    return klass


def alias(*aliases):
    """Register a metric class under extra names: ``@alias('acc')``."""
    def reg(klass):
        for a in aliases:
            _REGISTRY[a.lower()] = klass
        return klass
    return reg


def _create_registered(metric, *args, **kwargs):
    if isinstance(metric, EvalMetric):
        return metric
    if not isinstance(metric, str):
        raise MXNetTypeError('metric must be of string type (a name such as "acc"), a callable, '
                             'a list of metrics, or an EvalMetric; got %r' % (metric,))
    name = metric
    if name.strip().startswith('['):
        try:
            name, json_kwargs = json.loads(name)
        except (ValueError, TypeError):
            raise MXNetValueError('create: %r is not a metric description like '
                                  '\'["acc", {}]\'' % (metric,)) from None
        kwargs = dict(json_kwargs, **kwargs)
    klass = _REGISTRY.get(name.lower())
    if klass is None:
        raise MXNetValueError('%s is not registered. Please register with metric.register first; '
                              'registered metrics: %s' % (name, ', '.join(sorted(_REGISTRY))))
    return klass(*args, **kwargs)


def create(metric, *args, **kwargs):
    """A metric from a name (``'acc'``), a callable ``feval(label, pred)``, a list of
    those (a CompositeEvalMetric), or an EvalMetric instance (returned as is)."""
    if isinstance(metric, type) and issubclass(metric, EvalMetric):
        return metric(*args, **kwargs)
    if callable(metric) and not isinstance(metric, EvalMetric):
        from .custom import CustomMetric
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, list):
        composite = CompositeEvalMetric()
        for child in metric:
            composite.add(create(child, *args, **kwargs))
        return composite
    return _create_registered(metric, *args, **kwargs)


def _is_array(x):
    from ..ndarray.ndarray import NDArray
    return isinstance(x, (NDArray, np.ndarray))


def as_numpy(x):
    """A numpy view of an NDArray (or the array itself); never modify it."""
    from ..ndarray.ndarray import NDArray
    if isinstance(x, NDArray):
        return x._data
    return np.asarray(x)


def check_label_shapes(labels, preds, wrap=False, shape=False):
    """Check that labels and predictions agree in length (or in shape with ``shape=True``);
    with ``wrap``, single arrays become one-element lists."""
    if not shape:
        label_shape, pred_shape = len(labels), len(preds)
    else:
        label_shape, pred_shape = labels.shape, preds.shape
    if label_shape != pred_shape:
        raise MXNetValueError('Shape of labels {} does not match shape of predictions {}'
                              .format(label_shape, pred_shape))
    if wrap:
        if _is_array(labels):
            labels = [labels]
        if _is_array(preds):
            preds = [preds]
    return labels, preds


class EvalMetric:
    """Base class for all evaluation metrics.

    Parameters
    ----------
    name : str
        The metric's name (its key in logs).
    output_names, label_names : list of str or None
        Which outputs/labels ``update_dict`` feeds to the metric (None: all).
    """

    def __init__(self, name, output_names=None, label_names=None, **kwargs):
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._has_global_stats = kwargs.pop('has_global_stats', False)
        self._kwargs = kwargs
        self.reset()

    def __str__(self):
        return 'EvalMetric: {}'.format(dict(self.get_name_value()))

    def get_config(self):
        """The constructor arguments that rebuild this metric with ``create(**config)``."""
        config = self._kwargs.copy()
        config.update({'metric': self.__class__.__name__, 'name': self.name,
                       'output_names': self.output_names, 'label_names': self.label_names})
        return config

    def update_dict(self, label, pred):
        """Update from dicts of named labels and outputs."""
        if self.output_names is not None:
            pred = [pred[name] for name in self.output_names]
        else:
            pred = list(pred.values())
        if self.label_names is not None:
            label = [label[name] for name in self.label_names]
        else:
            label = list(label.values())
        self.update(label, pred)

    def update(self, labels, preds):
        """Accumulate one batch (lists of label and prediction arrays)."""
        must_override(self, 'update', 'accumulate one batch of labels and predictions')

    def reset(self):
        """Clear the local and the global statistics."""
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self):
        """Clear the local statistics only."""
        self.num_inst = 0
        self.sum_metric = 0.0

    def get(self):
        """``(name, value)`` of the local statistics (NaN before any update)."""
        if self.num_inst == 0:
            return (self.name, float('nan'))
        return (self.name, self.sum_metric / self.num_inst)

    def get_global(self):
        """``(name, value)`` since the last ``reset`` (``get()`` without global statistics)."""
        if self._has_global_stats:
            if self.global_num_inst == 0:
                return (self.name, float('nan'))
            return (self.name, self.global_sum_metric / self.global_num_inst)
        return self.get()

    def get_name_value(self):
        """``[(name, value), ...]`` of the local statistics."""
        name, value = self.get()
        if not isinstance(name, list):
            name = [name]
        if not isinstance(value, list):
            value = [value]
        return list(zip(name, value))

    def get_global_name_value(self):
        """``[(name, value), ...]`` of the global statistics."""
        if self._has_global_stats:
            name, value = self.get_global()
            if not isinstance(name, list):
                name = [name]
            if not isinstance(value, list):
                value = [value]
            return list(zip(name, value))
        return self.get_name_value()

    def _add(self, value, count):
        """Add to both the local and the global sums."""
        self.sum_metric += value
        self.global_sum_metric += value
        self.num_inst += count
        self.global_num_inst += count


@register
@alias('composite')
class CompositeEvalMetric(EvalMetric):
    """Manages several metrics as one: ``get()`` returns lists of names and values."""

    def __init__(self, metrics=None, name='composite', output_names=None, label_names=None):
        super().__init__(name, output_names=output_names, label_names=label_names,
                         has_global_stats=True)
        if metrics is None:
            metrics = []
        self.metrics = [create(i) for i in metrics]

    def add(self, metric):
        """Add a child metric (anything ``create`` accepts)."""
        self.metrics.append(create(metric))

    def get_metric(self, index):
        """The child metric at ``index``."""
        try:
            return self.metrics[index]
        except IndexError:
            raise MXNetValueError('Metric index {} is out of range 0 and {}'
                                  .format(index, len(self.metrics))) from None

    def update_dict(self, labels, preds):
        if self.label_names is not None:
            labels = OrderedDict([i for i in labels.items() if i[0] in self.label_names])
        if self.output_names is not None:
            preds = OrderedDict([i for i in preds.items() if i[0] in self.output_names])
        for metric in self.metrics:
            metric.update_dict(labels, preds)

    def update(self, labels, preds):
        for metric in self.metrics:
            metric.update(labels, preds)

    def reset(self):
        for metric in getattr(self, 'metrics', ()):
            metric.reset()

    def reset_local(self):
        for metric in getattr(self, 'metrics', ()):
            metric.reset_local()

    def _collect(self, method):
        names, values = [], []
        for metric in self.metrics:
            name, value = getattr(metric, method)()
            if isinstance(name, str):
                name = [name]
            if isinstance(value, numeric_types):
                value = [value]
            names.extend(name)
            values.extend(value)
        return (names, values)

    def get(self):
        return self._collect('get')

    def get_global(self):
        return self._collect('get_global')

    def get_config(self):
        config = super().get_config()
        config.update({'metrics': [i.get_config() for i in self.metrics]})
        return config
