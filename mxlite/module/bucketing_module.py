"""``mx.mod.BucketingModule``: one Module per bucket key, all sharing one set of parameters.

``sym_gen(bucket_key)`` gives each bucket its symbol (typically an RNN
unrolled to the bucket's sequence length). The default bucket's module is
bound first and owns the parameters, their gradients and the optimizer; every
other bucket is bound against it (``shared_module``), so its executors use the
very same parameter and gradient arrays, and its updates go through the same
updater (momentum and other optimizer states are shared, as in MXNet).
"""
import logging
import warnings

from ..base import MXNetError
from ..context import cpu
from ..symbol.symbol import Symbol
from .base_module import BaseModule
from .module import Module

__all__ = ['BucketingModule']


class BucketingModule(BaseModule):
    """MXNet 1.x's BucketingModule over ``sym_gen(bucket_key) -> (symbol, data_names,
    label_names)``."""

    def __init__(self, sym_gen, default_bucket_key=None, logger=logging, context=cpu(),
                 work_load_list=None, fixed_param_names=None, state_names=None, group2ctxs=None,
                 compression_params=None):
        super().__init__(logger=logger)
        if default_bucket_key is None:
            raise MXNetError('BucketingModule: default_bucket_key is required; pass the key of '
                             'the largest bucket, e.g. BucketingModule(sym_gen, '
                             'default_bucket_key=max(buckets))')
        if not callable(sym_gen):
            raise MXNetError('BucketingModule: sym_gen must be a function bucket_key -> (symbol, '
                             'data_names, label_names), got %s' % type(sym_gen).__name__)
        self._sym_gen = sym_gen
        self._default_bucket_key = default_bucket_key
        self._context = context if context is not None else cpu()
        self._work_load_list = work_load_list
        self._fixed_param_names = fixed_param_names
        self._state_names = state_names
        self._group2ctxs = group2ctxs
        self._compression_params = compression_params
        symbol, data_names, _ = self._call_sym_gen(default_bucket_key)
        arg_names = symbol.list_arguments()
        for what, names in (('data', data_names), ('state', state_names),
                            ('fixed_param', fixed_param_names)):
            for name in names or []:
                if name not in arg_names:
                    raise MXNetError('BucketingModule: %s name %r is not an argument of the '
                                     'default bucket\'s symbol (arguments: %s)'
                                     % (what, name, ', '.join(arg_names)))
        self._buckets = {}
        self._curr_module = None
        self._curr_bucket_key = None
        self._params_dirty = False
        self._monitor = None
        self._grad_req = None
        self._arg_params = None
        self._aux_params = None

    # -- symbols -------------------------------------------------------------
    def _call_sym_gen(self, bucket_key):
        out = self._sym_gen(bucket_key)
        if not (isinstance(out, (tuple, list)) and len(out) == 3 and isinstance(out[0], Symbol)):
            raise MXNetError('BucketingModule: sym_gen(%r) must return (symbol, data_names, '
                             'label_names), got %r' % (bucket_key, out))
        return out

    def _reset_bind(self):
        self.binded = False
        self._buckets = {}
        self._curr_module = None
        self._curr_bucket_key = None

    def _need_bound(self, what):
        if not self.binded:
            raise MXNetError('BucketingModule.%s: the module is not bound; call bind(data_shapes, '
                             'label_shapes) first (fit() binds for you)' % what)

    def _need_params(self, what):
        self._need_bound(what)
        if not self.params_initialized:
            raise MXNetError('BucketingModule.%s: parameters are not initialised; call '
                             'init_params() (or set_params()) first' % what)

    # -- properties ----------------------------------------------------------
    @property
    def data_names(self):
        if self.binded:
            return self._curr_module.data_names
        return self._call_sym_gen(self._default_bucket_key)[1]

    @property
    def output_names(self):
        if self.binded:
            return self._curr_module.output_names
        return self._call_sym_gen(self._default_bucket_key)[0].list_outputs()

    @property
    def data_shapes(self):
        self._need_bound('data_shapes')
        return self._curr_module.data_shapes

    @property
    def label_shapes(self):
        self._need_bound('label_shapes')
        return self._curr_module.label_shapes

    @property
    def output_shapes(self):
        self._need_bound('output_shapes')
        return self._curr_module.output_shapes

    @property
    def symbol(self):
        self._need_bound('symbol')
        return self._curr_module.symbol

    @property
    def _optimizer(self):
        return self._curr_module._optimizer if self._curr_module is not None else None

    # -- parameters ----------------------------------------------------------
    def get_params(self):
        self._need_params('get_params')
        self._curr_module._params_dirty = self._params_dirty
        params = self._curr_module.get_params()
        self._params_dirty = False
        return params

    def init_params(self, initializer=None, arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        if self.params_initialized and not force_init:
            return
        self._need_bound('init_params')
        if initializer is None and arg_params is None and aux_params is None:
            from .. import initializer as init_mod
            initializer = init_mod.Uniform(0.01)
        self._curr_module.init_params(initializer=initializer, arg_params=arg_params,
                                      aux_params=aux_params, allow_missing=allow_missing,
                                      force_init=force_init, allow_extra=allow_extra)
        self._params_dirty = False
        self.params_initialized = True

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True,
                   allow_extra=False):
        if not allow_missing:
            self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                             allow_missing=allow_missing, force_init=force_init,
                             allow_extra=allow_extra)
            return
        if self.params_initialized and not force_init:
            warnings.warn('Parameters already initialized and force_init=False. set_params call '
                          'ignored.', stacklevel=2)
            return
        self._need_bound('set_params')
        self._curr_module.set_params(arg_params, aux_params, allow_missing=allow_missing,
                                     force_init=force_init, allow_extra=allow_extra)
        self._params_dirty = True
        self.params_initialized = True

    def get_states(self, merge_multi_context=True):
        self._need_params('get_states')
        return self._curr_module.get_states(merge_multi_context=merge_multi_context)

    def set_states(self, states=None, value=None):
        self._need_params('set_states')
        self._curr_module.set_states(states, value)

    def save_params(self, fname):
        from .. import ndarray as nd
        arg, aux = self.get_params()
        d = {('arg:%s' % k): v for k, v in arg.items()}
        d.update({('aux:%s' % k): v for k, v in aux.items()})
        nd.save(fname, d)

    # -- binding -------------------------------------------------------------
    def _new_module(self, bucket_key):
        symbol, data_names, label_names = self._call_sym_gen(bucket_key)
        return Module(symbol, data_names, label_names, logger=self.logger,
                      context=self._context, work_load_list=self._work_load_list,
                      fixed_param_names=self._fixed_param_names, state_names=self._state_names,
                      group2ctxs=self._group2ctxs, compression_params=self._compression_params)

    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False,
             force_rebind=False, shared_module=None, grad_req='write'):
        """Bind the default bucket's module for ``data_shapes``/``label_shapes``."""
        if self.params_initialized:
            if self.binded:
                arg_params, aux_params = self.get_params()
            else:  # loaded by BucketingModule.load, not yet bound
                arg_params, aux_params = self._arg_params, self._aux_params
        if force_rebind:
            self._reset_bind()
        if self.binded:
            self._log.warning('Already bound, ignoring bind()')
            return
        if shared_module is not None:
            raise MXNetError('BucketingModule.bind: shared_module is not supported (buckets '
                             'already share the default bucket\'s parameters); pass '
                             'shared_module=None')
        module = self._new_module(self._default_bucket_key)
        module.bind(data_shapes, label_shapes, for_training, inputs_need_grad,
                    force_rebind=False, shared_module=None, grad_req=grad_req)
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self.binded = True
        self._grad_req = grad_req
        self._curr_module = module
        self._curr_bucket_key = self._default_bucket_key
        self._buckets[self._default_bucket_key] = module
        if self.params_initialized:
            self.set_params(arg_params, aux_params)

    def switch_bucket(self, bucket_key, data_shapes, label_shapes=None):
        """Make ``bucket_key`` current, binding its module (sharing parameters) if new."""
        if not self.binded:
            raise MXNetError('BucketingModule.switch_bucket: call bind() before switching to '
                             'bucket %r (bind binds the default bucket %r)'
                             % (bucket_key, self._default_bucket_key))
        if bucket_key not in self._buckets:
            if data_shapes is None:
                raise MXNetError('BucketingModule.switch_bucket: bucket %r is not bound yet; '
                                 'pass its data_shapes (e.g. the batch\'s provide_data)'
                                 % (bucket_key,))
            default = self._buckets[self._default_bucket_key]
            module = self._new_module(bucket_key)
            self._check_params_match(bucket_key, module, default, data_shapes, label_shapes)
            module.bind(data_shapes, label_shapes, default.for_training,
                        default.inputs_need_grad, force_rebind=False, shared_module=default,
                        grad_req=self._grad_req)
            if self._monitor is not None:
                module.install_monitor(self._monitor)
            self._buckets[bucket_key] = module
        self._curr_module = self._buckets[bucket_key]
        self._curr_bucket_key = bucket_key

    def _check_params_match(self, bucket_key, module, default, data_shapes, label_shapes):
        """Every parameter of a bucket must exist, with the same shape, in the default bucket."""
        from .executor_group import _descs
        shapes = {d.name: d.shape for d in _descs(data_shapes) + _descs(label_shapes)
                  if d.name in module._symbol.list_arguments()}
        try:
            arg_shapes, _, aux_shapes = module._symbol.infer_shape(**shapes)
        except MXNetError as e:
            raise MXNetError('BucketingModule: cannot bind bucket %r for data shapes %s: %s'
                             % (bucket_key, shapes, e)) from None
        if arg_shapes is None:
            return  # Module.bind reports which shapes are missing
        known = dict(zip(default._param_names,
                         (b[0].shape for b in default._exec_group.param_arrays)))
        known.update(zip(default._aux_names, (b[0].shape for b in default._exec_group.aux_arrays)))
        mine = dict(zip(module._symbol.list_arguments(), arg_shapes))
        mine.update(zip(module._symbol.list_auxiliary_states(), aux_shapes))
        for name in module._param_names + module._aux_names:
            if name not in known:
                raise MXNetError('BucketingModule: sym_gen(%r) has parameter %r that the default '
                                 'bucket %r does not have; every bucket must use the default '
                                 'bucket\'s parameters, so choose a default_bucket_key whose '
                                 'symbol holds them all (usually the largest bucket)'
                                 % (bucket_key, name, self._default_bucket_key))
            if tuple(mine[name]) != tuple(known[name]):
                raise MXNetError('BucketingModule: sym_gen(%r) gives parameter %r the shape %s but '
                                 'the default bucket %r has %s; parameters are shared between '
                                 'buckets, so sym_gen must give them the same shape for every '
                                 'bucket key (make only the sequence length depend on the key)'
                                 % (bucket_key, name, tuple(mine[name]),
                                    self._default_bucket_key, tuple(known[name])))

    # -- optimizer -----------------------------------------------------------
    def init_optimizer(self, kvstore='local', optimizer='sgd',
                       optimizer_params=(('learning_rate', 0.01),), force_init=False):
        """One optimizer for all buckets: the other buckets borrow the current one's."""
        self._need_params('init_optimizer')
        if self.optimizer_initialized and not force_init:
            self._log.warning('optimizer already initialized, ignoring.')
            return
        self._curr_module.init_optimizer(kvstore, optimizer, optimizer_params,
                                         force_init=force_init)
        for mod in self._buckets.values():
            if mod is not self._curr_module:
                mod.borrow_optimizer(self._curr_module)
        self.optimizer_initialized = True

    # -- computation -----------------------------------------------------------
    def prepare(self, data_batch, sparse_row_id_fn=None):
        self._need_bound('prepare')
        original = self._curr_bucket_key
        self.switch_bucket(data_batch.bucket_key, data_batch.provide_data,
                           data_batch.provide_label)
        self._curr_module.prepare(data_batch, sparse_row_id_fn=sparse_row_id_fn)
        self.switch_bucket(original, None, None)

    def forward(self, data_batch, is_train=None):
        """Switch to ``data_batch.bucket_key`` (binding it if new) and run it."""
        self._need_params('forward')
        key = getattr(data_batch, 'bucket_key', None)
        if key is None:
            key = self._default_bucket_key
        provide_data = getattr(data_batch, 'provide_data', None)
        if key not in self._buckets and not provide_data:
            raise MXNetError('BucketingModule.forward: batch with bucket_key %r has no '
                             'provide_data, so the bucket cannot be bound; give the DataBatch '
                             'provide_data (and provide_label)' % (key,))
        self.switch_bucket(key, provide_data, getattr(data_batch, 'provide_label', None))
        self._curr_module.forward(data_batch, is_train=is_train)

    def backward(self, out_grads=None):
        self._need_params('backward')
        self._curr_module.backward(out_grads=out_grads)

    def update(self):
        self._need_params('update')
        if not self.optimizer_initialized:
            raise MXNetError('BucketingModule.update: call init_optimizer() first')
        self._params_dirty = True
        self._curr_module.update()

    def get_outputs(self, merge_multi_context=True):
        self._need_params('get_outputs')
        return self._curr_module.get_outputs(merge_multi_context=merge_multi_context)

    def get_input_grads(self, merge_multi_context=True):
        self._need_params('get_input_grads')
        if not self.inputs_need_grad:
            raise MXNetError('BucketingModule.get_input_grads: bind with inputs_need_grad=True')
        return self._curr_module.get_input_grads(merge_multi_context=merge_multi_context)

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        self._need_params('update_metric')
        self._curr_module.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon):
        self._need_bound('install_monitor')
        self._monitor = mon
        for mod in self._buckets.values():
            mod.install_monitor(mon)

    # -- checkpoints -----------------------------------------------------------
    def save_checkpoint(self, prefix, epoch, remove_amp_cast=False):
        """Write ``prefix-%04d.params``, ``prefix-<key>-symbol.json`` per bucket and
        ``prefix.buckets`` (the bucket keys, when they are integers), as MXNet 1.9.1."""
        from .. import ndarray as nd
        if not self._buckets:
            raise MXNetError('BucketingModule.save_checkpoint: no bucket is bound; bind the '
                             'module and initialise its parameters first')
        self.save_params('%s-%04d.params' % (prefix, epoch))
        for key in self._buckets:
            symbol = self._call_sym_gen(key)[0]
            symbol.save('%s-%s-symbol.json' % (prefix, key), remove_amp_cast=remove_amp_cast)
        keys = list(self._buckets)
        if all(isinstance(k, int) and not isinstance(k, bool) for k in keys):
            nd.save('%s.buckets' % prefix, nd.array(keys, dtype='int32'))

    @staticmethod
    def load(prefix, epoch, sym_gen=None, default_bucket_key=None, **kwargs):
        """A BucketingModule with parameters from ``prefix-%04d.params`` (set when bound)."""
        from ..model import load_params
        if sym_gen is None:
            raise MXNetError('BucketingModule.load: sym_gen is required (symbols are generated '
                             'per bucket, not read from the checkpoint)')
        if default_bucket_key is None:
            raise MXNetError('BucketingModule.load: default_bucket_key is required')
        args, auxs = load_params(prefix, epoch)
        return BucketingModule.load_dict(sym_gen=sym_gen, default_bucket_key=default_bucket_key,
                                         arg_params=args, aux_params=auxs, **kwargs)

    @staticmethod
    def load_dict(sym_dict=None, sym_gen=None, default_bucket_key=None, arg_params=None,
                  aux_params=None, **kwargs):
        """A BucketingModule with the given parameters; ``sym_dict`` (bucket key -> symbol)
        may stand in for ``sym_gen``, with data/label names from ``data_names``/``label_names``
        keyword arguments."""
        if sym_gen is None:
            if not sym_dict:
                raise MXNetError('BucketingModule.load_dict: pass sym_gen or sym_dict')
            data_names = tuple(kwargs.pop('data_names', ('data',)))
            label_names = tuple(kwargs.pop('label_names', ('softmax_label',)))

            def sym_gen(key):
                if key not in sym_dict:
                    raise MXNetError('BucketingModule: bucket %r is not in sym_dict (keys: %s)'
                                     % (key, sorted(sym_dict)))
                return sym_dict[key], data_names, label_names
        if default_bucket_key is None:
            raise MXNetError('BucketingModule.load_dict: default_bucket_key is required')
        mod = BucketingModule(sym_gen=sym_gen, default_bucket_key=default_bucket_key, **kwargs)
        mod._arg_params = arg_params or {}
        mod._aux_params = aux_params or {}
        mod.params_initialized = True
        return mod

    # -- hooks for fit's NaN guard ---------------------------------------------
    def _grads_for_check(self):
        return self._curr_module._grads_for_check() if self._curr_module is not None else []

    def _arrays_to_guard(self):
        return self._curr_module._arrays_to_guard() if self._curr_module is not None else []

    def _params_for_check(self):
        return self._curr_module._params_for_check() if self._curr_module is not None else []
