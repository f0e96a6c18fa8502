"""``mx.model``: checkpoints, ``BatchEndParam`` and the legacy ``FeedForward`` API."""
from collections import namedtuple

from .base import MXNetError
from .log import get_logger
from . import ndarray as nd
from . import symbol as sym_mod

__all__ = ['BatchEndParam', 'save_checkpoint', 'load_checkpoint', 'load_params', 'FeedForward']

BatchEndParam = namedtuple('BatchEndParams', ['epoch', 'nbatch', 'eval_metric', 'locals'])


def save_checkpoint(prefix, epoch, symbol, arg_params, aux_params, remove_amp_cast=True):
    """Write ``prefix-symbol.json`` and ``prefix-%04d.params`` (MXNet's format).

    Both files are written to a temporary name and renamed, so a crash while
    saving never destroys an earlier checkpoint.
    """
    if symbol is not None:
        symbol.save('%s-symbol.json' % prefix)
    save_dict = {('arg:%s' % k): v.as_in_context(_cpu()) for k, v in arg_params.items()}
    save_dict.update({('aux:%s' % k): v.as_in_context(_cpu()) for k, v in aux_params.items()})
    param_name = '%s-%04d.params' % (prefix, epoch)
    nd.save(param_name, save_dict)
    get_logger().info('Saved checkpoint to "%s"', param_name)


def _cpu():
    from .context import cpu
    return cpu()


def load_params(prefix, epoch):
    """(arg_params, aux_params) from ``prefix-%04d.params``."""
    from .ndarray.serialization import load_named
    fname = '%s-%04d.params' % (prefix, epoch)
    save_dict, where = load_named(fname)
    arg_params, aux_params = {}, {}
    for k, v in save_dict.items():
        tp, sep, name = k.partition(':')
        if not sep:
            raise MXNetError('%s: array name %r at byte %d has no arg:/aux: prefix'
                             % (fname, k, where[k]))
        if tp == 'arg':
            arg_params[name] = v
        elif tp == 'aux':
            aux_params[name] = v
        else:
            raise MXNetError('%s: array name %r at byte %d: prefix must be arg: or aux:'
                             % (fname, k, where[k]))
    return arg_params, aux_params


def load_checkpoint(prefix, epoch):
    """(symbol, arg_params, aux_params) from ``prefix-symbol.json`` and ``prefix-%04d.params``."""
    symbol = sym_mod.load('%s-symbol.json' % prefix)
    arg_params, aux_params = load_params(prefix, epoch)
    return symbol, arg_params, aux_params


def __getattr__(name):
    if name == 'FeedForward':
        from .feedforward import FeedForward
        return FeedForward
    raise AttributeError(name)
