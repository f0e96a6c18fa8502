"""``Block.summary``: each layer's output shape and parameter count, MXNet's table."""
import numpy as np

from ..base import MXNetError

__all__ = ['print_block_summary']


def _shapes(out):
    from ..ndarray.ndarray import NDArray
    if isinstance(out, NDArray):
        return out.shape
    if isinstance(out, (list, tuple)):
        return [_shapes(o) for o in out]
    return out


def _shape_str(out):
    # as MXNet prints it: str() of the (nested) shapes, outer brackets dropped, 'L's removed;
    # a Symbol (a hook firing while deferred initialisation traces the graph) prints itself
    shapes = _shapes(out)
    text = str(shapes)[1:-1] if isinstance(shapes, list) else str(shapes)
    return text.replace('L', '')


def print_block_summary(block, inputs):
    """Run ``block(*inputs)`` once with hooks and print the table."""
    from .hybrid import HybridBlock
    summary = []
    seen = set()
    hooks = []

    def _register(b):
        from .nn import Sequential, HybridSequential
        if isinstance(b, (Sequential, HybridSequential)):
            return                      # containers get no row of their own (as in MXNet)

        def _hook(blk, _, outputs):
            class_name = blk.__class__.__name__
            idx = len(summary) - 1
            key = '%s-%i' % (class_name, idx + 1)
            params = 0
            trainable = 0
            shared = 0
            for p in blk.params.values():
                n = int(np.prod(p.shape)) if p.shape else 0
                if id(p) in seen:
                    shared += n
                    continue
                seen.add(id(p))
                params += n
                if p.grad_req != 'null':
                    trainable += n
            summary.append((key, _shape_str(outputs), params, trainable, shared))
        hooks.append(b.register_forward_hook(_hook))
    summary.append(('Input', _shape_str(list(inputs) if len(inputs) > 1 else inputs[0]), 0, 0, 0))
    if isinstance(block, HybridBlock) and block._active:
        raise MXNetError('summary() is not supported for hybridized blocks; call it before '
                         'hybridize()')
    try:
        block.apply(_register)
        block(*inputs)
        line_format = '{:>20}  {:>42} {:>15}'
        print('-' * 80)
        print(line_format.format('Layer (type)', 'Output Shape', 'Param #'))
        print('=' * 80)
        total, trainable, shared = 0, 0, 0
        for key, shape, params, tr, sh in summary:
            total += params
            trainable += tr
            shared += sh
            print(line_format.format(key, shape, params))
        print('=' * 80)
        print('Parameters in forward computation graph, duplicate included')
        print('   Total params: ' + str(total))
        print('   Trainable params: ' + str(trainable))
        print('   Non-trainable params: ' + str(total - trainable))
        print('Shared params in forward computation graph: ' + str(shared))
        print('Unique parameters in model: ' + str(total - shared))
        print('-' * 80)
    finally:
        for h in hooks:
            h.detach()
