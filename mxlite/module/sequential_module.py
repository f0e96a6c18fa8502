"""``mx.mod.SequentialModule``: modules chained so each one's outputs are the next one's data.

Forward runs the modules in order, feeding ``get_outputs()`` of one as the
data of the next; backward runs them in reverse, feeding ``get_input_grads()``
of one as the output gradients of the one before (so every module after the
first is bound with ``inputs_need_grad=True``). Each module keeps its own
parameters and its own optimizer. Per-module options given to ``add``:
``take_labels`` (the module receives the batch's labels and takes part in
``update_metric``) and ``auto_wiring`` (the incoming arrays are renamed to the
module's ``data_names``).
"""
import copy
import logging

from ..base import MXNetError
from ..io.base import DataDesc
from .base_module import BaseModule

__all__ = ['SequentialModule']


class SequentialModule(BaseModule):
    """A container of modules run one after another (MXNet 1.x's SequentialModule)."""

    META_TAKE_LABELS = 'take_labels'
    META_AUTO_WIRING = 'auto_wiring'

    def __init__(self, logger=logging):
        super().__init__(logger=logger)
        self._modules = []
        self._metas = []
        self._label_shapes = None
        self._data_shapes = None
        self._meta_keys = {self.META_TAKE_LABELS, self.META_AUTO_WIRING}

    def add(self, module, **kwargs):
        """Append ``module`` (options: ``take_labels``, ``auto_wiring``); returns self so calls
        chain. Adding a module un-binds the container."""
        if not isinstance(module, BaseModule):
            raise MXNetError('SequentialModule.add: module must be a module (mx.mod.Module, ...), '
                             'got %s' % type(module).__name__)
        for key in kwargs:
            if key not in self._meta_keys:
                raise MXNetError('SequentialModule.add: unknown option %r, a typo? (options: %s)'
                                 % (key, ', '.join(sorted(self._meta_keys))))
        self._modules.append(module)
        self._metas.append(kwargs)
        self.binded = False
        self.params_initialized = False
        self.optimizer_initialized = False
        return self

    # -- properties ----------------------------------------------------------
    def _need(self, what, params=False, optimizer=False):
        if not self.binded:
            raise MXNetError('SequentialModule.%s: the module is not bound; call bind() first'
                             % what)
        if params and not self.params_initialized:
            raise MXNetError('SequentialModule.%s: parameters are not initialised; call '
                             'init_params() first' % what)
        if optimizer and not self.optimizer_initialized:
            raise MXNetError('SequentialModule.%s: call init_optimizer() first' % what)

    @property
    def data_names(self):
        return self._modules[0].data_names if self._modules else []

    @property
    def output_names(self):
        return self._modules[-1].output_names if self._modules else []

    @property
    def data_shapes(self):
        self._need('data_shapes')
        return self._modules[0].data_shapes

    @property
    def label_shapes(self):
        self._need('label_shapes')
        return self._label_shapes

    @property
    def output_shapes(self):
        self._need('output_shapes')
        return self._modules[-1].output_shapes

    @property
    def _optimizer(self):
        return self._modules[0]._optimizer if self._modules else None

    # -- parameters ----------------------------------------------------------
    def get_params(self):
        """All modules' (arg_params, aux_params) merged into two dicts."""
        self._need('get_params', params=True)
        arg_params, aux_params = {}, {}
        for module in self._modules:
            arg, aux = module.get_params()
            arg_params.update(arg)
            aux_params.update(aux)
        return arg_params, aux_params

    def init_params(self, initializer=None, arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        if self.params_initialized and not force_init:
            return
        self._need('init_params')
        if initializer is None and arg_params is None and aux_params is None:
            from .. import initializer as init_mod
            initializer = init_mod.Uniform(0.01)
        for module in self._modules:
            module.init_params(initializer=initializer, arg_params=arg_params,
                               aux_params=aux_params, allow_missing=allow_missing,
                               force_init=force_init, allow_extra=allow_extra)
        # parameters are looked up by name: two modules with one name would read the same value
        arg_owner, aux_owner = {}, {}
        for i, module in enumerate(self._modules):
            arg, aux = module.get_params()
            for owner, names in ((arg_owner, arg), (aux_owner, aux)):
                for name in names:
                    if name in owner:
                        j = owner[name]
                        raise MXNetError(
                            'SequentialModule: duplicated parameter name %r: module %d (%s) '
                            'uses it and module %d (%s) already does; give the layers distinct '
                            'names (name=... or mx.name.Prefix)'
                            % (name, i, type(module).__name__, j,
                               type(self._modules[j]).__name__))
                    owner[name] = i
        self.params_initialized = True

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True,
                   allow_extra=False):
        self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                         allow_missing=allow_missing, force_init=force_init,
                         allow_extra=allow_extra)

    def save_params(self, fname):
        from .. import ndarray as nd
        arg, aux = self.get_params()
        d = {('arg:%s' % k): v for k, v in arg.items()}
        d.update({('aux:%s' % k): v for k, v in aux.items()})
        nd.save(fname, d)

    def load_params(self, fname):
        from .. import ndarray as nd
        arg, aux = {}, {}
        for k, v in nd.load(fname).items():
            tp, _, name = k.partition(':')
            if tp == 'arg':
                arg[name] = v
            elif tp == 'aux':
                aux[name] = v
            else:
                raise MXNetError('load_params: %s: name %r has no arg:/aux: prefix' % (fname, k))
        self.set_params(arg, aux)

    def get_states(self, merge_multi_context=True):
        return []

    def set_states(self, states=None, value=None):
        if states or value is not None:
            raise MXNetError('SequentialModule has no states; set them on the inner modules')

    # -- binding -------------------------------------------------------------
    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False,
             force_rebind=False, shared_module=None, grad_req='write'):
        """Bind each module for the output shapes of the one before it."""
        if self.binded and not force_rebind:
            self._log.warning('Already bound, ignoring bind()')
            return
        if inputs_need_grad and not for_training:
            raise MXNetError('SequentialModule.bind: inputs_need_grad=True needs '
                             'for_training=True')
        if shared_module is not None:
            raise MXNetError('SequentialModule.bind: shared_module is not supported; pass '
                             'shared_module=None')
        if not self._modules:
            raise MXNetError('SequentialModule.bind: the module is empty; add() modules first')
        self.binded = True
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self._label_shapes = label_shapes
        my_data_shapes = data_shapes
        anybody_needs_label = False
        for i, (module, meta) in enumerate(zip(self._modules, self._metas)):
            if meta.get(self.META_TAKE_LABELS, False):
                my_label_shapes = label_shapes
                anybody_needs_label = True
            else:
                my_label_shapes = None
            # every module after the first passes gradients back to the one before it
            my_inputs_need_grad = bool(inputs_need_grad or (for_training and i > 0))
            if meta.get(self.META_AUTO_WIRING, False):
                names = module.data_names
                if len(names) != len(my_data_shapes):
                    raise MXNetError('SequentialModule.bind: module %d has %d data names %s but '
                                     'receives %d arrays; auto_wiring needs one name per array'
                                     % (i, len(names), list(names), len(my_data_shapes)))
                my_data_shapes = [(name, _shape_of(d)) for name, d in zip(names, my_data_shapes)]
            try:
                module.bind(data_shapes=my_data_shapes, label_shapes=my_label_shapes,
                            for_training=for_training, inputs_need_grad=my_inputs_need_grad,
                            force_rebind=force_rebind, shared_module=None, grad_req=grad_req)
            except MXNetError as e:
                self.binded = False
                raise MXNetError('SequentialModule.bind: module %d: %s%s'
                                 % (i, e, '' if i == 0 else ' (its data are the outputs of '
                                    'module %d; add it with auto_wiring=True to rename them to '
                                    'its data_names)' % (i - 1))) from None
            my_data_shapes = [(name, shape) for name, shape in module.output_shapes]
        if not anybody_needs_label:
            self._label_shapes = None

    # -- optimizer -----------------------------------------------------------
    def init_optimizer(self, kvstore='local', optimizer='sgd',
                       optimizer_params=(('learning_rate', 0.01),), force_init=False):
        """Each module gets its own optimizer built from the same arguments."""
        self._need('init_optimizer', params=True)
        if self.optimizer_initialized and not force_init:
            self._log.warning('optimizer already initialized, ignoring.')
            return
        for module in self._modules:
            module.init_optimizer(kvstore=kvstore, optimizer=optimizer,
                                  optimizer_params=optimizer_params, force_init=force_init)
        self.optimizer_initialized = True

    # -- computation -----------------------------------------------------------
    def forward(self, data_batch, is_train=None):
        self._need('forward', params=True)
        batch = copy.copy(data_batch)
        for i, module in enumerate(self._modules):
            module.forward(batch, is_train=is_train)
            if i + 1 == len(self._modules):
                break
            batch.data = module.get_outputs()
            if getattr(batch, 'provide_data', None) is not None:
                names = [n for n, _ in module.output_shapes]
                nxt = self._modules[i + 1].data_names
                if len(nxt) == len(names):
                    names = list(nxt)
                batch.provide_data = [DataDesc(n, x.shape) for n, x in zip(names, batch.data)]

    def backward(self, out_grads=None):
        self._need('backward', params=True)
        for i in range(len(self._modules) - 1, -1, -1):
            module = self._modules[i]
            module.backward(out_grads=out_grads)
            if i == 0:
                break
            out_grads = module.get_input_grads()

    def update(self):
        self._need('update', params=True, optimizer=True)
        for module in self._modules:
            module.update()

    def get_outputs(self, merge_multi_context=True):
        self._need('get_outputs', params=True)
        return self._modules[-1].get_outputs(merge_multi_context=merge_multi_context)

    def get_input_grads(self, merge_multi_context=True):
        self._need('get_input_grads', params=True)
        if not self.inputs_need_grad:
            raise MXNetError('SequentialModule.get_input_grads: bind with inputs_need_grad=True')
        return self._modules[0].get_input_grads(merge_multi_context=merge_multi_context)

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """Update ``eval_metric`` with the outputs of every module added with take_labels."""
        self._need('update_metric', params=True)
        for meta, module in zip(self._metas, self._modules):
            if meta.get(self.META_TAKE_LABELS, False):
                module.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon):
        self._need('install_monitor')
        for module in self._modules:
            module.install_monitor(mon)

    # -- hooks for fit -----------------------------------------------------------
    def _symbol_for_loss(self):
        return getattr(self._modules[-1], 'symbol', None) if self._modules else None

    def _grads_for_check(self):
        return [g for m in self._modules for g in m._grads_for_check()]

    def _arrays_to_guard(self):
        return [a for m in self._modules for a in m._arrays_to_guard()]

    def _params_for_check(self):
        return [p for m in self._modules for p in m._params_for_check()]


def _shape_of(desc):
    return desc.shape if isinstance(desc, DataDesc) else tuple(desc[1])

