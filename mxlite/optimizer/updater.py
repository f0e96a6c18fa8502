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
import _compat_pickle
import importlib
import io
import numbers
import pickle
import pickletools
import sys

import numpy as np

from ..base import MXNetError, DTYPE_TO_FLAG
from ..context import Context
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
def _given(items, what):
    # only data already in the file: set(range(10**12)) would build a huge set from 20 bytes
    if not isinstance(items, (list, tuple, set, frozenset, dict, str, bytes)):
        raise MXNetError('optimizer states: refusing to build a %s from a %s'
                         % (what, type(items).__name__))
    return items


def _set(items=()):
    return set(_given(items, 'set'))


def _frozenset(items=()):
    return frozenset(_given(items, 'frozenset'))


def _bytearray(source=b'', *args):
    # bytearray(10**12) would allocate (and zero) a terabyte
    if isinstance(source, (bytes, bytearray)) or (isinstance(source, str) and args):
        return bytearray(source, *args)
    raise MXNetError('optimizer states: refusing to build a bytearray from a %s'
                     % type(source).__name__)


_BUILTINS = {'set': _set, 'frozenset': _frozenset, 'complex': complex, 'slice': slice,
             'range': range, 'bytearray': _bytearray}
_MEMO_OPS = ('PUT', 'BINPUT', 'LONG_BINPUT', 'GET', 'BINGET', 'LONG_BINGET')


def _check_opcodes(data):
    """Walk the pickle's opcodes without running them; refuse sizes the bytes cannot back.

    Counted opcodes (``BINBYTES8``...) must have their bytes present, and memo
    indices must be smaller than the file: the C unpickler would otherwise
    allocate (and clear) a memo table or a buffer of the claimed size first.
    """
    try:
        for op, arg, pos in pickletools.genops(data):
            if op.name in _MEMO_OPS and isinstance(arg, int) and arg > len(data):
                raise MXNetError('set_states: the optimizer states are corrupt: memo index %d '
                                 'at byte %d in a %d-byte file' % (arg, pos, len(data)))
    except MXNetError:
        raise
    except Exception as e:  # noqa: BLE001 - any malformed opcode stream
        raise MXNetError('set_states: the optimizer states are corrupt or not a states file '
                         '(%s)' % e) from None


class _SafeUnpickler(pickle._Unpickler):  # noqa: SLF001 - the Python one: BUILD is checked
    """Rebuilds only data: see the module docstring for what is allowed.

    The pure-Python unpickler (memo in a dict, sizes read as they come) with
    one more check: a numpy dtype rebuilt from the file must be a plain one,
    before any array is made with it.
    """
    dispatch = dict(pickle._Unpickler.dispatch)  # noqa: SLF001

    def load_build(self):
        inst = self.stack[-2] if len(self.stack) >= 2 else None
        pickle._Unpickler.load_build(self)  # noqa: SLF001
        if isinstance(inst, np.dtype) and not _sane_dtype(inst):
            raise MXNetError('set_states: the optimizer states hold a malformed numpy dtype '
                             '(%s)' % inst.str)
    dispatch[pickle.BUILD[0]] = load_build

    def find_class(self, module, name):
        if self.proto < 3:
            # Python 2 names in protocol 0-2 pickles, as pickle itself maps them
            if (module, name) in _compat_pickle.NAME_MAPPING:
                module, name = _compat_pickle.NAME_MAPPING[(module, name)]
            module = _compat_pickle.IMPORT_MAPPING.get(module, module)
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


def _plain(obj, done=None):
    """Replace MXNet's unpickled NDArrays by plain mxlite NDArrays (same memory).

    Shared sub-objects are converted once (``done``), so a small file whose
    lists reference each other many times cannot make this exponential.
    """
    from ..ndarray.ndarray import NDArray
    if done is None:
        done = {}
    key = id(obj)
    if key in done:
        return done[key][1]
    if isinstance(obj, NDArray):
        data = getattr(obj, '_data', None)
        if not isinstance(data, np.ndarray) or data.dtype not in DTYPE_TO_FLAG or \
                not isinstance(getattr(obj, '_ctx', None), Context):
            raise MXNetError('set_states: the optimizer states hold a malformed NDArray')
        out = NDArray(obj._data, obj._ctx) if type(obj) is not NDArray else obj
    elif isinstance(obj, tuple):
        out = tuple(_plain(x, done) for x in obj)
    elif isinstance(obj, list):
        out = [_plain(x, done) for x in obj]
    elif isinstance(obj, dict):
        out = {k: _plain(v, done) for k, v in obj.items()}
    else:
        return obj
    done[key] = (obj, out)      # keeps obj alive so its id is not reused meanwhile
    return out


def _sane_dtype(dt):
    # a pickled dtype carries its flags: one claiming to hold object references makes
    # every later operation on its arrays fail inside numpy
    return (not dt.hasobject and dt.fields is None and dt.subdtype is None and
            dt.flags == np.dtype(dt.str).flags)


def _check_numpy(obj, seen=None):
    """Every numpy array, scalar and dtype in what was unpickled has a plain dtype."""
    from ..ndarray.ndarray import NDArray
    from ..lr_scheduler import LRScheduler
    if seen is None:
        seen = set()
    if id(obj) in seen:
        return
    seen.add(id(obj))
    dt = None
    if isinstance(obj, np.dtype):
        dt = obj
    elif isinstance(obj, (np.ndarray, np.generic)):
        dt = obj.dtype
    if dt is not None:
        if not _sane_dtype(dt):
            raise MXNetError('set_states: the optimizer states hold numpy data of a malformed '
                             'dtype (%s)' % dt.str)
        return
    if isinstance(obj, (list, tuple, set, frozenset)):
        items = obj
    elif isinstance(obj, dict):
        items = list(obj.keys()) + list(obj.values())
    elif isinstance(obj, NDArray):
        items = [getattr(obj, '_data', None)]
    elif isinstance(obj, (Optimizer, LRScheduler)):
        items = list(getattr(obj, '__dict__', {}).values())
    else:
        return
    for x in items:
        _check_numpy(x, seen)


def loads_states(data):
    """Unpickle optimizer states with :class:`_SafeUnpickler`."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise MXNetError('set_states: expected the bytes returned by get_states, got %s'
                         % type(data).__name__)
    data = bytes(data)
    _check_opcodes(data)
    try:
        obj = _SafeUnpickler(io.BytesIO(data)).load()
        _check_numpy(obj)
        return _plain(obj)
    except MXNetError:
        raise
    except Exception as e:  # a truncated or corrupt file
        raise MXNetError('set_states: the optimizer states are corrupt or not a states file '
                         '(%s: %s)' % (type(e).__name__, e)) from None


_NUMBERS = ('lr', 'wd', 'rescale_grad', 'num_update', 'begin_num_update')


def _check_state(value, where, seen):
    from ..ndarray.ndarray import NDArray
    if value is None or isinstance(value, NDArray) or id(value) in seen:
        return
    if isinstance(value, (tuple, list)):
        seen.add(id(value))
        for v in value:
            _check_state(v, where, seen)
        return
    raise MXNetError('set_states: the state of %s is a %s; states are NDArrays, None or '
                     'tuples of them' % (where, type(value).__name__))


def _check_states(states, optimizer):
    """What was unpickled has the shape of optimizer states (types only)."""
    for k, v in states.items():
        if not isinstance(k, (numbers.Integral, str)):
            raise MXNetError('set_states: state index %r is not an integer or a name' % (k,))
        _check_state(v, 'index %r' % (k,), set())
    if not isinstance(optimizer, Optimizer):
        raise MXNetError('set_states: the saved optimizer is a %s, not an Optimizer'
                         % type(optimizer).__name__)
    for name in _NUMBERS:
        v = optimizer.__dict__.get(name)
        if v is not None and (isinstance(v, bool) or not isinstance(v, numbers.Real)):
            raise MXNetError('set_states: the saved optimizer\'s %s is %.80r, not a number'
                             % (name, v))


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
        if self.aggregate_updates and len(indices) > 1:
            # all at once, as MXNet's aggregated updates: optimizers with a fused path
            # (SGD) take the whole list in one kernel call, the others loop over it
            self.optimizer.update_multi_precision(indices, weights, grads,
                                                  [self.states[i] for i in indices])
            return
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
        _check_states(self.states, self.optimizer)
        self.states_synced = dict.fromkeys(self.states.keys(), False)

    def get_states(self, dump_optimizer=False):
        """Pickled states (and the optimizer when ``dump_optimizer``), as bytes."""
        return pickle.dumps((self.states, self.optimizer) if dump_optimizer else self.states)


def get_updater(optimizer):
    """An :class:`Updater` for ``optimizer``."""
    return Updater(optimizer)
