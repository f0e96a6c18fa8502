"""``gluon.Trainer``: applies an Optimizer to a set of Parameters after ``backward``."""
import os

from ..base import MXNetError
from .parameter import Parameter, ParameterDict

__all__ = ['Trainer']


class Trainer:
    """Updates ``params`` with ``optimizer`` (a name or an Optimizer instance).

    ``step(batch_size)`` rescales gradients by ``1/batch_size``, sums them
    across contexts (through a KVStore when there are several) and updates
    every parameter whose gradient is fresh.
    """

    def __init__(self, params, optimizer, optimizer_params=None, kvstore='device',
                 compression_params=None, update_on_kvstore=None):
        param_list = []
        if isinstance(params, (dict, ParameterDict)):
            for key in sorted(list(params.keys())):
                param_list.append(params[key])
            params = param_list
        if not isinstance(params, (list, tuple)):
            raise MXNetError('First argument must be a list or dict of Parameters, got %s.'
                             % type(params).__name__)
        self._params = []
        self._param2idx = {}
        for i, param in enumerate(params):
            if not isinstance(param, Parameter):
                raise MXNetError('First argument must be a list or dict of Parameters, got list '
                                 'of %s.' % type(param).__name__)
            if id(param) in self._param2idx:
                continue
            self._param2idx[id(param)] = len(self._params)
            self._params.append(param)
            param._trainer = self
        if compression_params is not None:
            raise MXNetError('Trainer: gradient compression is not supported by mxlite')
        self._compression_params = compression_params
        self._contexts = self._check_contexts()
        optimizer_params = optimizer_params if optimizer_params else {}
        self._init_optimizer(optimizer, optimizer_params)
        self._scale = self._optimizer.rescale_grad
        self._kvstore_params = {'kvstore': kvstore, 'update_on_kvstore': update_on_kvstore}
        self._kv_initialized = False
        self._kvstore = None
        self._update_on_kvstore = None
        self._params_to_init = []
        self._reset_kvstore()

    def _check_contexts(self):
        contexts = None
        for param in self._params:
            try:
                ctx = param.list_ctx()
            except MXNetError:
                continue
            if contexts is not None and [str(c) for c in contexts] != [str(c) for c in ctx]:
                raise MXNetError('All Parameters must be initialized on the same set of contexts, '
                                 'but Parameter %s is initialized on %s while previous Parameters '
                                 'are initialized on %s.' % (param.name, ctx, contexts))
            contexts = ctx
        return contexts

    def _init_optimizer(self, optimizer, optimizer_params):
        from .. import optimizer as opt
        param_dict = {i: param for i, param in enumerate(self._params)}
        if isinstance(optimizer, opt.Optimizer):
            if optimizer_params:
                raise MXNetError('optimizer_params must be None if optimizer is an instance of '
                                 'Optimizer instead of str')
            self._optimizer = optimizer
            self._optimizer.param_dict = param_dict
        else:
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)
        self._updaters = [opt.get_updater(self._optimizer)
                          for _ in (self._contexts or [None])]

    def _reset_kvstore(self):
        if self._kvstore is not None and 'dist' in self._kvstore.type:
            raise MXNetError('Cannot reset distributed KVStore.')
        self._kv_initialized = False
        self._kvstore = None
        self._update_on_kvstore = None
        self._params_to_init = list(self._params)

    def _init_kvstore(self):
        from .. import kvstore as kvs
        config = self._kvstore_params
        n_ctx = len(self._contexts or [None])
        kv = config['kvstore']
        if kv is None or (isinstance(kv, str) and n_ctx == 1 and 'dist' not in kv):
            self._kvstore = None
            self._update_on_kvstore = False
        else:
            self._kvstore = kv if isinstance(kv, kvs.KVStore) or hasattr(kv, 'push') \
                else kvs.create(kv)
            uok = config['update_on_kvstore']
            distributed = 'dist' in self._kvstore.type
            if distributed and 'async' in self._kvstore.type and uok is False:
                raise MXNetError('Please set update_on_kvstore=True when training in async mode.')
            if uok is None:
                # MXNet: a distributed store updates the weights (MXNET_UPDATE_ON_KVSTORE=1)
                uok = distributed and bool(int(os.getenv('MXNET_UPDATE_ON_KVSTORE', '1')))
            self._update_on_kvstore = bool(uok)
            if self._update_on_kvstore:
                self._kvstore.set_optimizer(self._optimizer)
        self._kv_initialized = True

    def _init_params(self):
        if self._kvstore is not None:
            ready = [p for p in self._params_to_init if not p._deferred_init]
            if ready:
                # MXNet's kvstore.broadcast: every context (and, distributed, every worker)
                # starts from the same values -- rank 0's; one call for all keys
                idx = [self._param2idx[id(p)] for p in ready]
                self._kvstore.init(idx, [p.data(self._contexts[0]) for p in ready])
                self._kvstore.pull(idx, [p.list_data() for p in ready])
            self._params_to_init = [p for p in self._params_to_init if p._deferred_init]
        else:
            self._params_to_init = []

    @property
    def learning_rate(self):
        return self._optimizer.learning_rate

    @property
    def optimizer(self):
        return self._optimizer

    def set_learning_rate(self, lr):
        """Change the learning rate (not allowed while an lr_scheduler drives it)."""
        self._optimizer.set_learning_rate(lr)

    def step(self, batch_size, ignore_stale_grad=False):
        """One optimization step, gradients normalised by ``1/batch_size``."""
        rescale_grad = self._scale / batch_size
        self._check_and_rescale_grad(rescale_grad)
        if not self._kv_initialized:
            self._init_kvstore()
        if self._params_to_init:
            self._init_params()
        self._allreduce_grads()
        self._update(ignore_stale_grad)

    def _check_and_rescale_grad(self, scale):
        if self._update_on_kvstore and self._kv_initialized and \
                self._optimizer.rescale_grad != scale:
            raise MXNetError('Possible change in the `batch_size` from previous `step` detected. '
                             'Optimizer gradient normalizing factor will not change w.r.t new '
                             'batch_size when update_on_kvstore=True and when distributed kvstore '
                             'is used.')
        self._optimizer.rescale_grad = scale

    def allreduce_grads(self):
        """Sum gradients across contexts (for use with ``update``)."""
        if not self._kv_initialized:
            self._init_kvstore()
        if self._params_to_init:
            self._init_params()
        if self._update_on_kvstore:
            raise MXNetError('allreduce_grads() when parameters are updated on kvstore is not '
                             'supported. Try setting `update_on_kvstore` to False when creating '
                             'trainer.')
        self._allreduce_grads()

    def _allreduce_grads(self):
        if self._kvstore is None:
            return
        live = [p for p in self._params if p.grad_req != 'null']
        if not live:
            return
        # push every gradient, then pull: a distributed store sums them in fused buffers
        idx = [self._param2idx[id(p)] for p in live]
        self._kvstore.push(idx, [p.list_grad() for p in live])
        if not self._update_on_kvstore:
            self._kvstore.pull(idx, [p.list_grad() for p in live])

    def update(self, batch_size, ignore_stale_grad=False):
        """Apply the optimizer after ``allreduce_grads()``."""
        if not self._kv_initialized:
            self._init_kvstore()
        if self._params_to_init:
            self._init_params()
        if self._update_on_kvstore:
            raise MXNetError('update() when parameters are updated on kvstore is not supported. '
                             'Try setting `update_on_kvstore` to False when creating trainer.')
        self._check_and_rescale_grad(self._scale / batch_size)
        self._update(ignore_stale_grad)

    def _update(self, ignore_stale_grad=False):
        updates = [[] for _ in self._updaters]
        pulls = []
        for i, param in enumerate(self._params):
            if param.grad_req == 'null':
                continue
            if not ignore_stale_grad:
                for data in param._check_and_get(param._data, list):
                    if not data._fresh_grad:
                        raise MXNetError(
                            "Gradient of Parameter `%s` on context %s has not been updated by "
                            "backward since last `step`. This could mean a bug in your model that "
                            "made it only use a subset of the Parameters (Blocks) for this "
                            "iteration. If you are intentionally only using a subset, call step "
                            "with ignore_stale_grad=True to suppress this warning and skip "
                            "updating of Parameters with stale gradient" % (param.name,
                                                                             str(data.context)))
            if self._kvstore is not None and self._update_on_kvstore:
                pulls.append(param)
                continue
            for upd, arr, grad in zip(updates, param.list_data(), param.list_grad()):
                if not ignore_stale_grad or arr._fresh_grad:
                    upd.append((i, grad, arr))
                    arr._fresh_grad = False
        if pulls:
            self._kvstore.pull([self._param2idx[id(p)] for p in pulls],
                               [p.list_data() for p in pulls])
            for param in pulls:
                for data in param.list_data():
                    data._fresh_grad = False
        for updater, upd in zip(self._updaters, updates):
            if upd:     # the whole list at once, as MXNet's Trainer
                i, g, w = zip(*upd)
                updater(list(i), list(g), list(w))

    def save_states(self, fname):
        """Save the optimizer (updater) states to ``fname``."""
        if not self._kv_initialized:
            self._init_kvstore()
        if self._params_to_init:
            self._init_params()
        from ..ndarray.serialization import atomic_write
        if self._update_on_kvstore:
            self._kvstore.save_optimizer_states(fname, dump_optimizer=True)
        else:
            atomic_write(fname, self._updaters[0].get_states(dump_optimizer=True))

    def load_states(self, fname):
        """Load optimizer states saved by ``save_states``."""
        if not self._kv_initialized:
            self._init_kvstore()
        if self._params_to_init:
            self._init_params()
        if self._update_on_kvstore:
            self._kvstore.load_optimizer_states(fname)
            self._optimizer = self._kvstore._updater.optimizer
        else:
            try:
                with open(fname, 'rb') as f:
                    states = f.read()
            except OSError as e:
                raise MXNetError('load_states: cannot read %s: %s' % (fname, e.strerror or e)) \
                    from None
            for updater in self._updaters:
                updater.set_states(states)
                updater.optimizer = self._updaters[0].optimizer
            self._optimizer = self._updaters[0].optimizer
        param_dict = {i: param for i, param in enumerate(self._params)}
        self._optimizer.param_dict = param_dict

