"""``mx.mod.Module``: a Symbol bound for training or inference on one or more contexts."""
import logging
import warnings

import numpy as np

from ..base import MXNetError
from ..context import Context, cpu
from ..io.base import DataDesc
from ..ndarray.ndarray import NDArray
from .base_module import BaseModule
from .executor_group import DataParallelExecutorGroup, _descs

__all__ = ['Module']


class Module(BaseModule):
    """MXNet 1.x's Module: bind, init_params, init_optimizer, forward/backward/update, fit."""

    def __init__(self, symbol, data_names=('data',), label_names=('softmax_label',),
                 logger=logging, context=None, work_load_list=None, fixed_param_names=None,
                 state_names=None, group2ctxs=None, compression_params=None):
        super().__init__(logger=logger)
        if context is None:
            context = cpu()
        if isinstance(context, Context):
            context = [context]
        for c in context:
            if not isinstance(c, Context):
                raise MXNetError('Module: context must be a Context or a list of them, got %r' % (c,))
            c.check_usable('Module')
        self._context = list(context)
        self._work_load_list = work_load_list or [1] * len(self._context)
        if len(self._work_load_list) != len(self._context):
            raise MXNetError('Module: work_load_list has %d entries for %d contexts'
                             % (len(self._work_load_list), len(self._context)))
        self._symbol = symbol
        data_names = list(data_names) if data_names is not None else []
        label_names = list(label_names) if label_names is not None else []
        state_names = list(state_names) if state_names is not None else []
        fixed_param_names = list(fixed_param_names) if fixed_param_names is not None else []
        arg_names = symbol.list_arguments()
        for name in data_names:
            if name not in arg_names:
                raise MXNetError("Module: data name %r is not an argument of the symbol (arguments: "
                                 "%s)" % (name, ', '.join(arg_names)))
        missing_labels = [n for n in label_names if n not in arg_names]
        if missing_labels:
            warnings.warn('Module: label name(s) %s not found in the symbol\'s arguments %s; '
                          'they will be ignored' % (missing_labels, arg_names), stacklevel=2)
            label_names = [n for n in label_names if n in arg_names]
        for name in state_names + fixed_param_names:
            if name not in arg_names:
                raise MXNetError('Module: %r is not an argument of the symbol' % name)
        self._data_names = data_names
        self._label_names = label_names
        self._state_names = state_names
        self._fixed_param_names = fixed_param_names
        input_names = set(data_names + label_names + state_names)
        self._param_names = [x for x in arg_names if x not in input_names]
        self._aux_names = symbol.list_auxiliary_states()
        self._output_names = symbol.list_outputs()
        self._arg_params = None
        self._aux_params = None
        self._params_dirty = False
        self._optimizer = None
        self._kvstore = None
        self._update_on_kvstore = None
        self._updater = None
        self._preload_opt_states = None
        self._exec_group = None
        self._data_shapes = None
        self._label_shapes = None

    # -- loading -------------------------------------------------------------
    @staticmethod
    def load(prefix, epoch, load_optimizer_states=False, **kwargs):
        """A Module built from ``prefix-symbol.json`` / ``prefix-%04d.params``."""
        from ..model import load_checkpoint
        sym, args, auxs = load_checkpoint(prefix, epoch)
        mod = Module(symbol=sym, **kwargs)
        mod._arg_params = args
        mod._aux_params = auxs
        mod.params_initialized = True
        if load_optimizer_states:
            mod._preload_opt_states = '%s-%04d.states' % (prefix, epoch)
        return mod

    def save_checkpoint(self, prefix, epoch, save_optimizer_states=False, remove_amp_cast=True):
        """Write ``prefix-symbol.json``, ``prefix-%04d.params`` (and ``.states``).

        The optimizer states are written before the parameters: every file is
        replaced atomically, and the ``.params`` file, written last, marks the
        checkpoint complete, so a crash never leaves parameters without their states.
        """
        from ..model import save_checkpoint
        arg, aux = self.get_params()
        if save_optimizer_states:
            state_name = '%s-%04d.states' % (prefix, epoch)
            self.save_optimizer_states(state_name)
            self._log.info('Saved optimizer state to "%s"', state_name)
        save_checkpoint(prefix, epoch, self.symbol, arg, aux)

    # -- properties ----------------------------------------------------------
    @property
    def data_names(self):
        return self._data_names

    @property
    def label_names(self):
        return self._label_names

    @property
    def output_names(self):
        return self._output_names

    @property
    def data_shapes(self):
        self._need('binded')
        return self._data_shapes

    @property
    def label_shapes(self):
        self._need('binded')
        return self._label_shapes

    @property
    def output_shapes(self):
        self._need('binded')
        return [(n, o.shape) for n, o in zip(self._output_names, self._exec_group.get_outputs())]

    def _need(self, what):
        if not getattr(self, what):
            hint = {'binded': 'call bind() first', 'params_initialized': 'call init_params() first',
                    'optimizer_initialized': 'call init_optimizer() first'}[what]
            raise MXNetError('Module: %s' % hint)

    # -- parameters ----------------------------------------------------------
    def get_params(self):
        """(arg_params, aux_params) as CPU NDArrays (averaged over contexts)."""
        self._need('binded')
        self._need('params_initialized')
        if self._params_dirty:
            self._sync_params_from_devices()
        return self._arg_params, self._aux_params

    def init_params(self, initializer=None, arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        """Initialise parameters: copy from ``arg_params``/``aux_params``, else ``initializer``."""
        from .. import initializer as init_mod
        if self.params_initialized and not force_init:
            warnings.warn('Parameters already initialized and force_init=False. init_params call '
                          'ignored.', stacklevel=2)
            return
        self._need('binded')
        if initializer is None and arg_params is None and aux_params is None:
            initializer = init_mod.Uniform(0.01)
        attrs = self._symbol.attr_dict()

        def _impl(name, arr, cache):
            if cache is not None:
                if name in cache:
                    src = cache[name]
                    if src is not arr:
                        if tuple(src.shape) != arr.shape:
                            raise MXNetError('init_params: %s has shape %s in the given params but '
                                             'the module expects %s' % (name, tuple(src.shape),
                                                                        arr.shape))
                        np.copyto(arr._data, src._data if isinstance(src, NDArray)
                                  else np.asarray(src), casting='unsafe')
                    return
                if not allow_missing:
                    raise MXNetError('init_params: %s is not presented in the given params; pass '
                                     'allow_missing=True to initialise it with the initializer'
                                     % name)
            if initializer is not None:
                initializer(init_mod.InitDesc(name, attrs.get(name, None)), arr)
        for name, arr in sorted(self._arg_params.items()):
            _impl(name, arr, arg_params)
        for name, arr in sorted(self._aux_params.items()):
            _impl(name, arr, aux_params)
        self.params_initialized = True
        self._params_dirty = False
        self._exec_group.set_params(self._arg_params, self._aux_params, allow_extra=allow_extra)

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True,
                   allow_extra=False):
        """Assign parameters (by name) to the module."""
        if not allow_missing:
            self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                             allow_missing=allow_missing, force_init=force_init,
                             allow_extra=allow_extra)
            return
        if self.params_initialized and not force_init:
            warnings.warn('Parameters already initialized and force_init=False. set_params call '
                          'ignored.', stacklevel=2)
            return
        self._exec_group.set_params(arg_params, aux_params, allow_extra=allow_extra)
        self._params_dirty = True
        self.params_initialized = True

    def _sync_params_from_devices(self):
        self._exec_group.get_params(self._arg_params, self._aux_params)
        if self._kvstore and self._update_on_kvstore:
            for name in self._param_names:
                if name in self._kvstore._store:
                    np.copyto(self._arg_params[name]._data, self._kvstore._store[name]._data)
        self._params_dirty = False

    def save_params(self, fname):
        from .. import ndarray as nd
        arg, aux = self.get_params()
        d = {('arg:%s' % k): v for k, v in arg.items()}
        d.update({('aux:%s' % k): v for k, v in aux.items()})
        nd.save(fname, d)

    def load_params(self, fname):
        from .. import ndarray as nd
        save_dict = nd.load(fname)
        arg, aux = {}, {}
        for k, v in save_dict.items():
            tp, _, name = k.partition(':')
            if tp == 'arg':
                arg[name] = v
            elif tp == 'aux':
                aux[name] = v
            else:
                raise MXNetError('load_params: %s: name %r has no arg:/aux: prefix' % (fname, k))
        self.set_params(arg, aux)

    # -- binding -------------------------------------------------------------
    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False,
             force_rebind=False, shared_module=None, grad_req='write'):
        """Allocate executors for the given input shapes."""
        if force_rebind:
            self._reset_bind()
        if self.binded:
            self._log.warning('Already bound, ignoring bind()')
            return
        if grad_req not in ('write', 'add', 'null') and not isinstance(grad_req, dict):
            raise MXNetError("bind: grad_req must be 'write', 'add', 'null' or a dict, got %r"
                             % (grad_req,))
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        data_shapes = _descs(data_shapes)
        label_shapes = _descs(label_shapes) if label_shapes else []
        label_shapes = [d for d in label_shapes if d.name in self._label_names]
        names = [d.name for d in data_shapes]
        if sorted(names) != sorted(self._data_names):
            raise MXNetError('bind: data_shapes name %s but the module\'s data_names are %s'
                             % (names, self._data_names))
        self._data_shapes = data_shapes
        self._label_shapes = label_shapes or None
        shared_group = shared_module._exec_group if shared_module is not None else None
        self._exec_group = DataParallelExecutorGroup(
            self._symbol, self._context, self._work_load_list, data_shapes, label_shapes,
            self._param_names, for_training, inputs_need_grad, shared_group,
            fixed_param_names=self._fixed_param_names, grad_req=grad_req,
            state_names=self._state_names)
        self.binded = True
        if shared_module is not None:
            self.params_initialized = True
            self._arg_params = shared_module._arg_params
            self._aux_params = shared_module._aux_params
        elif self.params_initialized:
            self._exec_group.set_params(self._arg_params, self._aux_params)
        else:
            self._arg_params = {n: NDArray(np.zeros(b[0].shape, b[0]._data.dtype), cpu())
                                for n, b in zip(self._param_names, self._exec_group.param_arrays)}
            self._aux_params = {n: NDArray(np.zeros(b[0].shape, b[0]._data.dtype), cpu())
                                for n, b in zip(self._aux_names, self._exec_group.aux_arrays)}
        if shared_module is not None and shared_module.optimizer_initialized:
            self.borrow_optimizer(shared_module)

    def _reset_bind(self):
        self.binded = False
        self._exec_group = None
        self._data_shapes = None
        self._label_shapes = None

    def reshape(self, data_shapes, label_shapes=None):
        """Rebind for new input shapes, keeping parameters."""
        self._need('binded')
        self._data_shapes = _descs(data_shapes)
        self._label_shapes = [d for d in _descs(label_shapes) if d.name in self._label_names] \
            if label_shapes else None
        self._exec_group.reshape(self._data_shapes, self._label_shapes or [])

    # -- optimizer -----------------------------------------------------------
    def init_optimizer(self, kvstore='local', optimizer='sgd',
                       optimizer_params=(('learning_rate', 0.01),), force_init=False):
        """Create the optimizer (by name or instance) and the update machinery."""
        from .. import optimizer as opt
        from .. import kvstore as kvs
        self._need('binded')
        self._need('params_initialized')
        if self.optimizer_initialized and not force_init:
            self._log.warning('optimizer already initialized, ignoring...')
            return
        if self._params_dirty:
            self._sync_params_from_devices()
        kv, update_on_kvstore = _create_kvstore(kvstore, len(self._context), self._arg_params, kvs)
        batch_size = self._exec_group.batch_size
        if kv and 'dist' in kv.type and '_sync' in kv.type:
            batch_size *= kv.num_workers
        rescale_grad = 1.0 / batch_size
        n_ctx = len(self._context)
        if update_on_kvstore:
            idx2name = dict(enumerate(self._param_names))
        else:
            idx2name = {}
            for k in range(n_ctx):
                idx2name.update({i * n_ctx + k: n for i, n in enumerate(self._param_names)})
        if isinstance(optimizer, str):
            optimizer_params = dict(optimizer_params)
            if 'rescale_grad' not in optimizer_params:
                optimizer_params['rescale_grad'] = rescale_grad
            optimizer = opt.create(optimizer, sym=self.symbol, param_idx2name=idx2name,
                                   **optimizer_params)
        else:
            if not isinstance(optimizer, opt.Optimizer):
                raise MXNetError('init_optimizer: optimizer must be a name or an Optimizer, got %s'
                                 % type(optimizer).__name__)
            if optimizer.rescale_grad != rescale_grad:
                warnings.warn('Optimizer created manually outside Module but rescale_grad is not '
                              'normalized to 1.0/batch_size/num_workers (%s vs. %s). Is this '
                              'intended?' % (optimizer.rescale_grad, rescale_grad), stacklevel=2)
            if not optimizer.idx2name:
                optimizer.idx2name = idx2name.copy()
        self._optimizer = optimizer
        self._kvstore = kv
        self._update_on_kvstore = update_on_kvstore
        self._updater = None
        if kv:
            # all keys in one call: a distributed store broadcasts them in a few fused buffers;
            # distributed workers always start from rank 0's values (MXNet pulls them only when
            # updating on the store, leaving MXNET_UPDATE_ON_KVSTORE=0 workers apart)
            kv.init(list(self._param_names), [self._arg_params[n] for n in self._param_names])
            if update_on_kvstore or 'dist' in kv.type:
                kv.pull(list(self._param_names), list(self._exec_group.param_arrays))
                self._params_dirty = True
            if update_on_kvstore:
                kv.set_optimizer(self._optimizer)
        if not update_on_kvstore:
            self._updater = opt.get_updater(optimizer)
        self.optimizer_initialized = True
        if self._preload_opt_states is not None:
            self.load_optimizer_states(self._preload_opt_states)
            self._preload_opt_states = None

    def borrow_optimizer(self, shared_module):
        self._optimizer = shared_module._optimizer
        self._kvstore = shared_module._kvstore
        self._update_on_kvstore = shared_module._update_on_kvstore
        self._updater = shared_module._updater
        self.optimizer_initialized = True

    # -- computation -----------------------------------------------------------
    def forward(self, data_batch, is_train=None):
        """Run the network on ``data_batch`` (rebinding if its shapes changed)."""
        self._need('binded')
        self._need('params_initialized')
        curr = tuple(d.shape for d in self._data_shapes)
        new = tuple(d.shape for d in data_batch.data)
        if curr != new:
            if getattr(data_batch, 'provide_data', None):
                new_data = data_batch.provide_data
            else:
                new_data = [DataDesc(d.name, s, getattr(d, 'dtype', np.float32),
                                     getattr(d, 'layout', 'NCHW'))
                            for d, s in zip(self._data_shapes, new)]
            if getattr(data_batch, 'provide_label', None):
                new_label = data_batch.provide_label
            elif data_batch.label and self._label_shapes:
                new_label = [DataDesc(d.name, l.shape, getattr(d, 'dtype', np.float32),
                                      getattr(d, 'layout', 'NCHW'))
                             for d, l in zip(self._label_shapes, data_batch.label)]
            else:
                new_label = None
            self.reshape(new_data, new_label)
        self._exec_group.forward(data_batch, is_train)

    def backward(self, out_grads=None):
        self._need('binded')
        self._need('params_initialized')
        self._exec_group.backward(out_grads=out_grads)

    def update(self):
        """Apply the optimizer to the gradients of the last backward()."""
        self._need('binded')
        self._need('params_initialized')
        self._need('optimizer_initialized')
        self._params_dirty = True
        group = self._exec_group
        live = [(idx, name, weights, grads) for idx, (name, weights, grads)
                in enumerate(zip(self._param_names, group.param_arrays, group.grad_arrays))
                if grads[0] is not None]
        if self._kvstore and live:
            # push every gradient, then pull: a distributed store sums them in fused buffers
            names = [name for _, name, _, _ in live]
            self._kvstore.push(names, [grads for _, _, _, grads in live])
            self._kvstore.pull(names, [weights if self._update_on_kvstore else grads
                                       for _, _, weights, grads in live])
        if self._update_on_kvstore:
            return
        n_ctx = len(self._context)
        # one updater call per device with every parameter, as MXNet's _update_params
        for k in range(n_ctx):
            upd = [(idx * n_ctx + k, grads[k], weights[k]) for idx, _, weights, grads in live]
            if upd:
                i, g, w = zip(*upd)
                self._updater(list(i), list(g), list(w))

    def get_outputs(self, merge_multi_context=True):
        self._need('binded')
        self._need('params_initialized')
        return self._exec_group.get_outputs(merge_multi_context=merge_multi_context)

    def get_input_grads(self, merge_multi_context=True):
        self._need('binded')
        self._need('params_initialized')
        return self._exec_group.get_input_grads(merge_multi_context=merge_multi_context)

    def get_states(self, merge_multi_context=True):
        self._need('binded')
        outs = [[e.arg_dict[n] for e in self._exec_group.execs] for n in self._state_names]
        if merge_multi_context:
            from .executor_group import _merge
            return [_merge(o) for o in outs]
        return outs

    def set_states(self, states=None, value=None):
        self._need('binded')
        for i, name in enumerate(self._state_names):
            for k, e in enumerate(self._exec_group.execs):
                dst = e.arg_dict[name]
                if value is not None:
                    dst[:] = value
                else:
                    src = states[i][k] if isinstance(states[i], (list, tuple)) else states[i]
                    dst[:] = src

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        self._exec_group.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon):
        self._need('binded')
        self._exec_group.install_monitor(mon)

    def _grads_for_check(self):
        if not self.binded or not self.for_training:
            return []
        return [(block[0], name) for name, block in zip(self._param_names,
                                                        self._exec_group.grad_arrays)
                if block and block[0] is not None]

    def _arrays_to_guard(self):
        if not self.binded:
            return []
        group = self._exec_group
        out = [a._data for block in group.param_arrays for a in block if a is not None]
        out += [a._data for block in group.aux_arrays for a in block if a is not None]
        updater = self._updater
        if updater is None and self._kvstore is not None:
            updater = getattr(self._kvstore, '_updater', None)
        if updater is not None:
            out += [a._data for a in _state_arrays(updater.states)]
        if self._kvstore is not None:
            out += [a._data for a in _state_arrays(getattr(self._kvstore, '_store', {}))]
        return out

    def _params_for_check(self):
        if not self.binded:
            return []
        return [(block[0], name) for name, block in zip(self._param_names,
                                                        self._exec_group.param_arrays)]

    # -- optimizer states --------------------------------------------------------
    def save_optimizer_states(self, fname):
        self._need('optimizer_initialized')
        if self._update_on_kvstore:
            self._kvstore.save_optimizer_states(fname)
        else:
            from ..ndarray.serialization import atomic_write
            atomic_write(fname, self._updater.get_states())

    def load_optimizer_states(self, fname):
        self._need('optimizer_initialized')
        if self._update_on_kvstore:
            self._kvstore.load_optimizer_states(fname)
        else:
            try:
                with open(fname, 'rb') as f:
                    self._updater.set_states(f.read())
            except OSError as e:
                raise MXNetError('load_optimizer_states: cannot read %s: %s'
                                 % (fname, e.strerror or e)) from None


def _create_kvstore(kvstore, num_device, arg_params, kvs):
    """MXNet's rule: no kvstore for one device on one machine; update on the store otherwise."""
    import os
    update_on_kvstore = bool(int(os.getenv('MXNET_UPDATE_ON_KVSTORE', '1')))
    if kvstore is None:
        kv = None
    elif isinstance(kvstore, kvs.KVStore) or hasattr(kvstore, 'push'):
        kv = kvstore
    elif isinstance(kvstore, str):
        if num_device == 1 and 'dist' not in kvstore:
            kv = None
        else:
            kv = kvs.create(kvstore)
            if kvstore == 'local':
                max_size = max(int(np.prod(p.shape)) for p in arg_params.values()) \
                    if arg_params else 0
                if max_size > 1024 * 1024 * 16:
                    update_on_kvstore = False
    else:
        raise MXNetError('kvstore must be a KVStore, a string or None, got %r' % (kvstore,))
    if kv is None:
        update_on_kvstore = False
    return kv, update_on_kvstore


def _state_arrays(obj):
    """The NDArrays in optimizer states (nested tuples/lists/dicts of them)."""
    if isinstance(obj, NDArray):
        return [obj]
    if isinstance(obj, dict):
        obj = list(obj.values())
    if isinstance(obj, (tuple, list)):
        return [a for x in obj for a in _state_arrays(x)]
    return []
