"""``Updater``: applies an optimizer to (index, grad, weight) and keeps the states.

``get_states`` pickles the states (and the optimizer, with
``dump_optimizer=True``): NDArrays pickle as plain numpy data.
``set_states`` unpickles with a restricted unpickler that only rebuilds
builtin containers, numpy arrays/scalars/dtypes, mxlite NDArrays, and
optimizer / learning-rate-scheduler classes whose modules are already
imported; any other global in the data raises ``MXNetError`` instead of
being imported or called, so a states file cannot run code.  MXNet 1.x's
own pickled NDArrays (``mx.mod.Module.save_optimizer_states`` files) load
too.
"""
import importlib
import io
import pickle
import sys

import numpy as np

from ..base import MXNetError
from .optimizer import Optimizer

__all__ = ['Updater', 'get_updater']


def _mxnet_ndarray_class():
    from ..ndarray.ndarray import NDArray

    class MXNetPickledNDArray(NDArray):
        """Reads MXNet 1.x's pickled NDArray (``{'handle': raw NDArray bytes}``)."""
        __slots__ = ()

        def __setstate__(self, state):
            from ..ndarray.serialization import _Reader, _read_array
            from ..context import cpu
            raw = state.get('handle') if isinstance(state, dict) else None
            if raw is None:
                data = np.zeros((0,), np.float32)
            else:
                data = _read_array(_Reader(memoryview(raw), 'pickled MXNet NDArray'), 0)
                if data is None:
                    data = np.zeros((0,), np.float32)
            NDArray.__init__(self, data, cpu())
    return MXNetPickledNDArray


_NUMPY_MODULES = ('numpy', 'numpy.core.multiarray', 'numpy._core.multiarray',
                  'numpy.core.numeric', 'numpy._core.numeric')
_NUMPY_NAMES = ('_reconstruct', 'ndarray', 'dtype', 'scalar', '_frombuffer')
_BUILTINS = {'set': set, 'frozenset': frozenset, 'complex': complex, 'slice': slice,
             'range': range, 'bytearray': bytearray}


class _SafeUnpickler(pickle.Unpickler):
    """Rebuilds only data: see the module docstring for what is allowed."""

    def find_class(self, module, name):
        if module in _NUMPY_MODULES and name in _NUMPY_NAMES:
            obj = getattr(importlib.import_module(module), name, None)
            if obj is not None:
                return obj
        if module == 'builtins' and name in _BUILTINS:
            return _BUILTINS[name]
        if module == 'mxnet.ndarray.ndarray' and name == 'NDArray':
            return _mxnet_ndarray_class()
        if module.startswith('mxnet.'):
            # an MXNet optimizer or scheduler pickled with dump_optimizer=True
            module = 'mxlite.' + module[len('mxnet.'):]
            module = {'mxlite.optimizer.optimizer': 'mxlite.optimizer',
                      'mxlite.optimizer.contrib': 'mxlite.optimizer'}.get(module, module)
        mod = sys.modules.get(module)
        obj = mod
        for part in name.split('.'):
            obj = getattr(obj, part, None) if obj is not None else None
        if isinstance(obj, type):
            from ..ndarray.ndarray import NDArray
            from ..lr_scheduler import LRScheduler
            if issubclass(obj, (Optimizer, LRScheduler, NDArray)):
                return obj
        raise MXNetError('optimizer states: refusing to load %s.%s: states files may only '
                         'hold arrays, numbers, containers, optimizers and learning-rate '
                         'schedulers (of modules already imported)' % (module, name))


def _plain(obj):
    """Replace MXNet's unpickled NDArrays by plain mxlite NDArrays (same memory)."""
    from ..ndarray.ndarray import NDArray
    if isinstance(obj, NDArray) and type(obj) is not NDArray:
        return NDArray(obj._data, obj._ctx)
    if isinstance(obj, tuple):
        return tuple(_plain(x) for x in obj)
    if isinstance(obj, list):
        return [_plain(x) for x in obj]
    if isinstance(obj, dict):
        return {k: _plain(v) for k, v in obj.items()}
    return obj


def loads_states(data):
    """Unpickle optimizer states with :class:`_SafeUnpickler`."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise MXNetError('set_states: expected the bytes returned by get_states, got %s'
                         % type(data).__name__)
    try:
        return _plain(_SafeUnpickler(io.BytesIO(bytes(data))).load())
    except MXNetError:
        raise
    except Exception as e:  # a truncated or corrupt file
        raise MXNetError('set_states: the optimizer states are corrupt or not a states file '
                         '(%s: %s)' % (type(e).__name__, e)) from None


class Updater:
    """Updater for kvstore and Module: ``updater(index, grad, weight)``."""

    def __init__(self, optimizer):
        if not isinstance(optimizer, Optimizer):
            raise MXNetError('Updater: expected an Optimizer, got %r' % (optimizer,))
        self.optimizer = optimizer
        self.states = {}
        self.states_synced = {}
        self.aggregate_updates = optimizer.aggregate_num > 0

    def __call__(self, index, grad, weight):
        """Update ``weight`` (NDArray, or a list with matching lists) at ``index``."""
        if isinstance(index, (list, tuple)):
            indices, grads, weights = list(index), list(grad), list(weight)
        else:
            indices, grads, weights = [index], [grad], [weight]
        for i, idx in enumerate(indices):
            if isinstance(idx, bytes):
                idx = indices[i] = idx.decode()
            if idx not in self.states:
                self.states[idx] = self.optimizer.create_state_multi_precision(idx, weights[i])
                self.states_synced[idx] = True
            elif not self.states_synced[idx]:
                self.states[idx] = self.sync_state_context(self.states[idx],
                                                           weights[i].context)
                self.states_synced[idx] = True
        for idx, g, w in zip(indices, grads, weights):
            self.optimizer.update_multi_precision(idx, w, g, self.states[idx])

    def sync_state_context(self, state, context):
        """Move ``state`` (an NDArray or nested tuples of them) to ``context``."""
        from ..ndarray.ndarray import NDArray
        if isinstance(state, NDArray):
            return state.as_in_context(context)
        if isinstance(state, (tuple, list)):
            synced = [self.sync_state_context(s, context) for s in state]
            return tuple(synced) if isinstance(state, tuple) else synced
        return state

    def set_states(self, states):
        """Restore what :meth:`get_states` returned (with the optimizer when dumped)."""
        states = loads_states(states)
        if isinstance(states, tuple) and len(states) == 2:
            self.states, self.optimizer = states
        else:
            self.states = states
        if not isinstance(self.states, dict):
            raise MXNetError('set_states: expected a dict of optimizer states by index, got %s'
                             % type(self.states).__name__)
        self.states_synced = dict.fromkeys(self.states.keys(), False)

    def get_states(self, dump_optimizer=False):
        """Pickled states (and the optimizer when ``dump_optimizer``), as bytes."""
        return pickle.dumps((self.states, self.optimizer) if dump_optimizer else self.states)


def get_updater(optimizer):
    """An :class:`Updater` for ``optimizer``."""
    return Updater(optimizer)
