"""One executor per context, each running a slice of every batch (data parallelism)."""
import numpy as np

from ..base import MXNetError
from ..context import cpu
from ..io.base import DataDesc
from ..ndarray.ndarray import NDArray
from ..ops.infer import fmt

__all__ = ['DataParallelExecutorGroup', 'split_slices']


def split_slices(batch_size, work_load_list):
    """Batch slices proportional to ``work_load_list`` (MXNet's rounding)."""
    total = float(sum(work_load_list))
    sizes = [int(round(w * batch_size / total)) for w in work_load_list]
    diff = batch_size - sum(sizes)
    sizes[-1] += diff
    if any(s <= 0 for s in sizes):
        raise MXNetError('batch size %d is too small to split across %d contexts with work loads '
                         '%s' % (batch_size, len(work_load_list), work_load_list))
    out, start = [], 0
    for s in sizes:
        out.append(slice(start, start + s))
        start += s
    return out


def _descs(shapes):
    out = []
    for d in shapes or []:
        if isinstance(d, DataDesc):
            out.append(d)
        else:
            name, shape = d[0], d[1]
            out.append(DataDesc(name, tuple(shape)))
    return out


def _batch_axis(desc):
    return DataDesc.get_batch_axis(getattr(desc, 'layout', 'NCHW'))


class DataParallelExecutorGroup:
    """Executors for ``contexts`` over one symbol, with shared parameter handling."""

    def __init__(self, symbol, contexts, work_load_list, data_shapes, label_shapes, param_names,
                 for_training, inputs_need_grad, shared_group=None, fixed_param_names=None,
                 grad_req='write', state_names=None):
        self.symbol = symbol
        self.contexts = contexts
        self.workload = work_load_list or [1] * len(contexts)
        if len(self.workload) != len(contexts):
            raise MXNetError('work_load_list has %d entries for %d contexts'
                             % (len(self.workload), len(contexts)))
        self.param_names = param_names
        self.arg_names = symbol.list_arguments()
        self.aux_names = symbol.list_auxiliary_states()
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self.fixed_param_names = set(fixed_param_names or [])
        self.state_names = list(state_names or [])
        self.grad_req_setting = grad_req
        self.shared_group = shared_group
        self.execs = []
        self.bind_exec(data_shapes, label_shapes, shared_group)

    # -- binding -----------------------------------------------------------
    def _grad_reqs(self, data_names):
        reqs = {}
        for name in self.arg_names:
            if not self.for_training:
                reqs[name] = 'null'
            elif name in self.param_names:
                if name in self.fixed_param_names:
                    reqs[name] = 'null'
                elif isinstance(self.grad_req_setting, dict):
                    reqs[name] = self.grad_req_setting.get(name, 'write')
                else:
                    reqs[name] = self.grad_req_setting
            elif name in data_names:
                reqs[name] = 'write' if self.inputs_need_grad else 'null'
            else:
                reqs[name] = 'null'
        return reqs

    def bind_exec(self, data_shapes, label_shapes, shared_group=None, reshape=False):
        self.data_shapes = _descs(data_shapes)
        self.label_shapes = _descs(label_shapes)
        self.data_names = [d.name for d in self.data_shapes]
        self.label_names = [d.name for d in self.label_shapes]
        self.batch_size = self.data_shapes[0].shape[_batch_axis(self.data_shapes[0])]
        for d in self.data_shapes + self.label_shapes:
            ax = _batch_axis(d)
            if d.shape[ax] != self.batch_size:
                raise MXNetError('all data and labels must have the same batch size: %s has %d, '
                                 '%s has %d' % (self.data_shapes[0].name, self.batch_size, d.name,
                                                d.shape[ax]))
        self.slices = split_slices(self.batch_size, self.workload)
        reqs = self._grad_reqs(self.data_names)
        old = self.execs
        self.execs = []
        for i, ctx in enumerate(self.contexts):
            shapes = {}
            types = {}
            for d in self.data_shapes + self.label_shapes:
                ax = _batch_axis(d)
                s = list(d.shape)
                s[ax] = self.slices[i].stop - self.slices[i].start
                shapes[d.name] = tuple(s)
                types[d.name] = getattr(d, 'dtype', np.float32)
            shapes = {k: v for k, v in shapes.items() if k in self.arg_names}
            types = {k: v for k, v in types.items() if k in self.arg_names}
            shared = None
            if reshape and old:
                shared = old[i]
            elif shared_group is not None:
                shared = shared_group.execs[i]
            ex = self.symbol.simple_bind(ctx, grad_req=reqs, type_dict=types,
                                         shared_exec=shared, **shapes)
            self.execs.append(ex)
        # views over the executors' arrays, grouped per parameter
        self.param_arrays = [[e.arg_dict[n] for e in self.execs] for n in self.param_names]
        self.grad_arrays = [[e.grad_dict[n] for e in self.execs] for n in self.param_names] \
            if self.for_training else []
        self.aux_arrays = [[e.aux_dict[n] for e in self.execs] for n in self.aux_names]
        self.data_arrays = [[(self.slices[i], e.arg_dict[n]) for i, e in enumerate(self.execs)]
                            for n in self.data_names]
        self.label_arrays = [[(self.slices[i], e.arg_dict[n]) for i, e in enumerate(self.execs)]
                             for n in self.label_names if n in self.arg_names]
        self.input_grad_arrays = [[e.grad_dict[n] for e in self.execs] for n in self.data_names] \
            if self.inputs_need_grad else []

    def reshape(self, data_shapes, label_shapes):
        if _descs(data_shapes) == self.data_shapes and _descs(label_shapes) == self.label_shapes:
            return
        self.bind_exec(data_shapes, label_shapes, reshape=True)

    # -- parameters ----------------------------------------------------------
    def set_params(self, arg_params, aux_params, allow_extra=False):
        for e in self.execs:
            e.copy_params_from(arg_params, aux_params, allow_extra_params=True)
        if not allow_extra:
            known = set(self.arg_names) | set(self.aux_names)
            extra = [k for k in list(arg_params) + list(aux_params or {}) if k not in known]
            if extra:
                raise MXNetError('set_params: %s are not parameters of the symbol; pass '
                                 'allow_extra=True to ignore them' % ', '.join(sorted(extra)))

    def get_params(self, arg_params, aux_params):
        """Average each parameter over the devices into the given CPU arrays."""
        for name, block in zip(self.param_names, self.param_arrays):
            dst = arg_params[name]._data
            if len(block) == 1:
                np.copyto(dst, block[0]._data)
            else:
                np.copyto(dst, sum(w._data for w in block) / len(block), casting='unsafe')
        for name, block in zip(self.aux_names, self.aux_arrays):
            dst = aux_params[name]._data
            if len(block) == 1:
                np.copyto(dst, block[0]._data)
            else:
                np.copyto(dst, sum(w._data for w in block) / len(block), casting='unsafe')

    # -- running -----------------------------------------------------------
    @staticmethod
    def _load(arrays, targets, names, what):
        if len(arrays) != len(targets):
            raise MXNetError('forward: the batch has %d %s arrays but the module was bound with %d '
                             '(%s)' % (len(arrays), what, len(targets), ', '.join(names)))
        for src, dsts, name in zip(arrays, targets, names):
            data = src._data if isinstance(src, NDArray) else np.asarray(src)
            for sl, dst in dsts:
                part = data[sl] if len(dsts) > 1 else data
                if part.shape != dst.shape:
                    raise MXNetError('forward: %s %r has shape %s but the module was bound for %s; '
                                     'the module reshapes automatically only when the batch '
                                     'shape is given in the DataBatch\'s provide_data'
                                     % (what, name, fmt(data.shape), fmt(dst.shape)))
                np.copyto(dst._data, part, casting='unsafe')

    def forward(self, data_batch, is_train=None):
        self._load(data_batch.data, self.data_arrays, self.data_names, 'data')
        if is_train is None:
            is_train = self.for_training
        if self.label_arrays and data_batch.label:
            label_names = [n for n in self.label_names if n in self.arg_names]
            labels = [l for n, l in zip(self.label_names, data_batch.label) if n in self.arg_names]
            self._load(labels, self.label_arrays, label_names, 'label')
        for e in self.execs:
            e.forward(is_train=is_train)

    def backward(self, out_grads=None):
        if not self.for_training:
            raise MXNetError('backward: the module was bound with for_training=False')
        for i, e in enumerate(self.execs):
            if out_grads is None:
                e.backward()
            else:
                sl = self.slices[i]
                grads = [g[sl.start:sl.stop] if len(self.execs) > 1 else g for g in out_grads]
                e.backward(grads)

    def get_outputs(self, merge_multi_context=True):
        outputs = [[e.outputs[i] for e in self.execs] for i in range(len(self.execs[0].outputs))]
        if merge_multi_context:
            return [_merge(o) for o in outputs]
        return outputs

    def get_input_grads(self, merge_multi_context=True):
        if not self.inputs_need_grad:
            raise MXNetError('get_input_grads: bind the module with inputs_need_grad=True')
        if merge_multi_context:
            return [_merge(g) for g in self.input_grad_arrays]
        return self.input_grad_arrays

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        for i, e in enumerate(self.execs):
            if pre_sliced:
                labels_slice = labels[i]
            elif len(self.execs) == 1:
                labels_slice = labels
            else:
                sl = self.slices[i]
                labels_slice = [NDArray(l._data[sl] if isinstance(l, NDArray) else
                                        np.asarray(l)[sl], cpu()) for l in labels]
            label_names = self.label_names[:len(labels_slice)]
            eval_metric.update_dict(dict(zip(label_names, labels_slice)),
                                    dict(zip(self.symbol.list_outputs(), e.outputs)))

    def install_monitor(self, mon):
        for e in self.execs:
            mon.install(e)


def _merge(arrays):
    if len(arrays) == 1:
        return arrays[0]
    return NDArray(np.concatenate([a._data for a in arrays], axis=0), cpu())
