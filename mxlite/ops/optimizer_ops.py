"""MXNet's fused optimizer operators: ``mx.nd.sgd_update``, ``adam_update``, ...

Each operator returns the new weight (write it back with ``out=weight``, as
MXNet's optimizers do) and updates its state inputs (``mom``, ``mean``,
``var``, ...) in place, like MXNet's mutable inputs.  The arithmetic lives
in :mod:`mxlite.ops.optimizer_kernels`, shared with ``mx.optimizer``.
``lazy_update`` is accepted and has no effect: mxlite's arrays are dense,
and a dense gradient updates every row in MXNet too.
"""
import numpy as np

from ..base import MXNetError
from .registry import Operator, register, Param
from .infer import fmt
from . import optimizer_kernels as K


def _f(name, default):
    return Param(name, 'float', default)


LR = Param('lr', 'float', doc='Learning rate.')
WD = _f('wd', 0.0)
RESCALE = _f('rescale_grad', 1.0)
CLIP = _f('clip_gradient', -1.0)
LAZY = Param('lazy_update', 'bool', True, doc='Accepted; arrays are dense in mxlite.')
CLIP_W = _f('clip_weights', -1.0)


class _Update(Operator):
    """An update operator: the first output is the new weight."""
    differentiable = False
    grad_needs = ()
    kernel = None
    ignored = ('lazy_update',)

    def forward(self, ctx, attrs, inputs, aux):
        out = ctx.out(0)
        kwargs = {p.name: getattr(attrs, p.name) for p in self.params
                  if p.name not in self.ignored}
        type(self).kernel(*inputs, out, **kwargs)
        return [out]


def _update_op(op_name, args, params, kernel, doc, infer_shape=None, infer_type=None):
    cls = type('Op_' + op_name, (_Update,), {
        'name': op_name, 'arguments': tuple(args), 'params': tuple(params),
        'kernel': staticmethod(kernel), 'doc': doc})
    if infer_shape is not None:
        cls.infer_shape = infer_shape
    if infer_type is not None:
        cls.infer_type = infer_type
    register(cls)
    return cls


def _mp_types(self, attrs, in_types):
    # float16 weight and gradient; float32 momentum and master weight
    names = self.list_arguments(attrs)
    want = {n: (np.dtype(np.float32) if n in ('mom', 'weight32') else in_types[0])
            for n in names}
    for n, t in zip(names, in_types):
        if t is not None and want[n] is not None and np.dtype(t) != np.dtype(want[n]):
            raise MXNetError("%s: input '%s' has dtype %s but must be %s"
                             % (self.name, n, np.dtype(t).name, np.dtype(want[n]).name))
    return [want[n] for n in names], [in_types[0]]


def _lamb2_shapes(self, attrs, in_shapes):
    w, g, r1, r2 = in_shapes
    for name, s in (('r1', r1), ('r2', r2)):
        if s is not None and tuple(s) != (1,):
            raise MXNetError("lamb_update_phase2: input '%s' must have shape (1,), got %s"
                             % (name, fmt(s)))
    if w is not None and g is not None and tuple(w) != tuple(g):
        raise MXNetError("lamb_update_phase2: input 'g' has shape %s but 'weight' has shape %s"
                         % (fmt(g), fmt(w)))
    common = w if w is not None else g
    return [common, common, (1,), (1,)], [common]


_update_op('sgd_update', ('weight', 'grad'), (LR, WD, RESCALE, CLIP, LAZY), K.sgd_update,
           'SGD: weight = weight - lr * (clip(rescale_grad * grad) + wd * weight).')
_update_op('sgd_mom_update', ('weight', 'grad', 'mom'),
           (LR, _f('momentum', 0.0), WD, RESCALE, CLIP, LAZY), K.sgd_mom_update,
           'SGD with momentum: mom = momentum * mom - lr * (clip(rescale_grad * grad) + '
           'wd * weight); weight += mom.')
_update_op('nag_mom_update', ('weight', 'grad', 'mom'),
           (LR, _f('momentum', 0.0), WD, RESCALE, CLIP), K.nag_mom_update,
           'Nesterov accelerated gradient.')
_update_op('adam_update', ('weight', 'grad', 'mean', 'var'),
           (LR, _f('beta1', 0.9), _f('beta2', 0.999), _f('epsilon', 1e-8), WD, RESCALE, CLIP,
            LAZY), K.adam_update, 'Adam (bias correction folded into lr by the caller).')
_update_op('rmsprop_update', ('weight', 'grad', 'n'),
           (LR, _f('gamma1', 0.95), _f('epsilon', 1e-8), WD, RESCALE, CLIP, CLIP_W),
           K.rmsprop_update, "Tieleman & Hinton's RMSProp.")
_update_op('rmspropalex_update', ('weight', 'grad', 'n', 'g', 'delta'),
           (LR, _f('gamma1', 0.95), _f('gamma2', 0.9), _f('epsilon', 1e-8), WD, RESCALE, CLIP,
            CLIP_W), K.rmspropalex_update, "Graves' centred RMSProp.")
_update_op('signsgd_update', ('weight', 'grad'), (LR, WD, RESCALE, CLIP), K.signsgd_update,
           'SignSGD: weight = (1 - lr * wd) * weight - lr * sign(grad).')
_update_op('signum_update', ('weight', 'grad', 'mom'),
           (LR, _f('momentum', 0.0), WD, RESCALE, CLIP, _f('wd_lh', 0.0)), K.signum_update,
           'Signum: SIGN momentUM.')
_update_op('ftrl_update', ('weight', 'grad', 'z', 'n'),
           (LR, _f('lamda1', 0.01), _f('beta', 1.0), WD, RESCALE, CLIP), K.ftrl_update,
           'FTRL-proximal.')
_update_op('ftml_update', ('weight', 'grad', 'd', 'v', 'z'),
           (LR, _f('beta1', 0.6), _f('beta2', 0.999), _f('epsilon', 1e-8), Param('t', 'int'),
            WD, RESCALE, _f('clip_grad', -1.0)), K.ftml_update, 'Follow the Moving Leader.')
_update_op('lamb_update_phase1', ('weight', 'grad', 'mean', 'var'),
           (_f('beta1', 0.9), _f('beta2', 0.999), _f('epsilon', 1e-6), Param('t', 'int'),
            Param('bias_correction', 'bool', True), Param('wd', 'float'), RESCALE, CLIP),
           K.lamb_update_phase1, 'LAMB phase 1: moments and the step direction g.')
_update_op('lamb_update_phase2', ('weight', 'g', 'r1', 'r2'),
           (LR, _f('lower_bound', -1.0), _f('upper_bound', -1.0)), K.lamb_update_phase2,
           'LAMB phase 2: weight -= lr * (r1 / r2) * g.', infer_shape=_lamb2_shapes)
_update_op('mp_sgd_update', ('weight', 'grad', 'weight32'), (LR, WD, RESCALE, CLIP, LAZY),
           K.mp_sgd_update, 'sgd_update on a float32 master copy of a float16 weight.',
           infer_type=_mp_types)
_update_op('mp_sgd_mom_update', ('weight', 'grad', 'mom', 'weight32'),
           (LR, _f('momentum', 0.0), WD, RESCALE, CLIP, LAZY), K.mp_sgd_mom_update,
           'sgd_mom_update on a float32 master copy of a float16 weight.',
           infer_type=_mp_types)
_update_op('mp_nag_mom_update', ('weight', 'grad', 'mom', 'weight32'),
           (LR, _f('momentum', 0.0), WD, RESCALE, CLIP), K.mp_nag_mom_update,
           'nag_mom_update on a float32 master copy of a float16 weight.',
           infer_type=_mp_types)
