"""Optimizer golden cases as plain data, shared by mxlite's tests and the oracle.

Imports neither mxlite nor mxnet: ``tests/data/make_golden_optimizers.py``
replays the cases under real MXNet 1.9.1 and records the weights and states
after every update; ``tests/optimizer/test_optimizer_golden.py`` replays them
under mxlite.  Weights and gradients come from ``numpy.random.RandomState``
seeded by the case id, so both sides use identical arrays.
"""
import zlib

import numpy as np

STEPS = 5
SHAPE = (3, 4)


class OptCase:
    """``N`` updates of one parameter through ``get_updater(create(name, **kwargs))``.

    ``sched``: ``(scheduler class name, kwargs)`` passed as ``lr_scheduler``;
    ``param``: the parameter's name (``param_idx2name={index: param}``);
    ``sym_attrs``: attributes of a ``Variable`` named ``param`` in a symbol
    passed as ``sym=`` (``lr_mult``/``wd_mult``); ``golden``: False for
    random optimizers (SGLD), whose numbers cannot match MXNet's generator.
    """

    def __init__(self, cid, name, kwargs=None, dtype='float32', sched=None, param='fc_weight',
                 sym_attrs=None, index=0, golden=True, steps=STEPS, shape=SHAPE, rtol=1e-5,
                 atol=1e-6, weights=None, grads=None):
        self.id = cid
        self.name = name
        self.kwargs = kwargs or {}
        self.dtype = dtype
        self.sched = sched
        self.param = param
        self.sym_attrs = sym_attrs
        self.index = index
        self.golden = golden
        self.steps = steps
        self.shape = shape
        self.rtol, self.atol = rtol, atol
        self._weights = weights
        self._grads = grads

    def arrays(self):
        """(initial weight, [gradient per step]) as numpy arrays of ``dtype``."""
        rs = np.random.RandomState(zlib.crc32(self.id.encode()) & 0x7FFFFFFF)
        w = rs.uniform(-1, 1, self.shape)
        gs = [rs.uniform(-1, 1, self.shape) for _ in range(self.steps)]
        if self._weights is not None:
            w = self._weights(w)
        if self._grads is not None:
            gs = [self._grads(g, i) for i, g in enumerate(gs)]
        return w.astype(self.dtype), [g.astype(self.dtype) for g in gs]


FACTOR = ('FactorScheduler', {'step': 2, 'factor': 0.5})
MULTI = ('MultiFactorScheduler', {'step': [1, 3], 'factor': 0.3, 'warmup_steps': 1,
                                  'warmup_begin_lr': 0.01})
POLY = ('PolyScheduler', {'max_update': 4, 'base_lr': 0.2, 'pwr': 2, 'final_lr': 0.01})
COSINE = ('CosineScheduler', {'max_update': 6, 'base_lr': 0.2, 'final_lr': 0.02,
                              'warmup_steps': 2, 'warmup_mode': 'constant',
                              'warmup_begin_lr': 0.05})

CLIPPY = {'rescale_grad': 2.0, 'clip_gradient': 0.7, 'wd': 0.01}


def _zero_some(w):
    w = w.copy()
    w[0] = 0.0
    return w


def _sparse_grad(g, step):
    g = g.copy()
    g[step % 3] = 0.0
    return g


CASES = [
    # SGD and friends
    OptCase('sgd_plain', 'sgd', {'learning_rate': 0.1}),
    OptCase('sgd_wd', 'sgd', {'learning_rate': 0.1, 'wd': 0.05}),
    OptCase('sgd_mom', 'sgd', {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01}),
    OptCase('sgd_clip', 'sgd', dict(CLIPPY, learning_rate=0.05, momentum=0.5)),
    OptCase('sgd_clip_nomom', 'sgd', dict(CLIPPY, learning_rate=0.05)),
    OptCase('sgd_factor', 'SGD', {'learning_rate': 0.4, 'momentum': 0.5}, sched=FACTOR),
    OptCase('sgd_multifactor', 'sgd', {'momentum': 0.9}, sched=MULTI),
    OptCase('sgd_poly', 'sgd', {}, sched=POLY),
    OptCase('sgd_cosine', 'sgd', {'wd': 0.1}, sched=COSINE),
    OptCase('sgd_bias_nowd', 'sgd', {'learning_rate': 0.1, 'wd': 0.5, 'momentum': 0.9},
            param='fc_bias'),
    OptCase('sgd_gamma_wd', 'sgd', {'learning_rate': 0.1, 'wd': 0.5}, param='bn_gamma'),
    OptCase('sgd_sym_mult', 'sgd', {'learning_rate': 0.1, 'wd': 0.2, 'momentum': 0.9},
            sym_attrs={'lr_mult': '3.0', 'wd_mult': '0.25'}),
    OptCase('sgd_begin_num_update', 'sgd', {'learning_rate': 0.4, 'begin_num_update': 3},
            sched=FACTOR),
    OptCase('sgd_mp_fp16', 'sgd', {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01,
                                   'multi_precision': True}, dtype='float16', rtol=1e-3,
            atol=1e-3),
    OptCase('sgd_fp16_nomp', 'sgd', {'learning_rate': 0.1, 'momentum': 0.9}, dtype='float16',
            rtol=1e-3, atol=1e-3),
    OptCase('sgd_fp64', 'sgd', {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01},
            dtype='float64'),
    OptCase('ccsgd', 'ccsgd', {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01}),
    OptCase('nag_mom', 'nag', {'learning_rate': 0.1, 'momentum': 0.9, 'wd': 0.01}),
    OptCase('nag_nomom', 'nag', {'learning_rate': 0.1, 'wd': 0.01}),
    OptCase('nag_clip', 'nag', dict(CLIPPY, learning_rate=0.05, momentum=0.7)),
    OptCase('nag_mp_fp16', 'nag', {'learning_rate': 0.1, 'momentum': 0.9,
                                   'multi_precision': True}, dtype='float16', rtol=1e-3,
            atol=1e-3),
    OptCase('signum', 'signum', {'learning_rate': 0.05}),
    OptCase('signum_wd_lh', 'signum', {'learning_rate': 0.05, 'wd_lh': 0.1, 'wd': 0.05,
                                       'momentum': 0.8}),
    OptCase('signsgd', 'signum', dict(CLIPPY, learning_rate=0.05, momentum=0.0)),
    OptCase('dcasgd', 'dcasgd', {'learning_rate': 0.1}),
    OptCase('dcasgd_lamda', 'dcasgd', dict(CLIPPY, learning_rate=0.1, lamda=0.5)),
    # MXNet 1.9.1's DCASGD fails for momentum > 0 ("truth value of an NDArray is
    # ambiguous"): mxlite implements the evident intent, checked against a reference.
    OptCase('dcasgd_mom', 'dcasgd', {'learning_rate': 0.1, 'momentum': 0.9, 'lamda': 0.5,
                                     'wd': 0.01}, golden=False),
    OptCase('lars_weight', 'lars', {'learning_rate': 0.1, 'momentum': 0.9, 'eta': 0.01,
                                    'wd': 0.01}),
    OptCase('lars_bias', 'lars', {'learning_rate': 0.1, 'momentum': 0.9, 'eta': 0.01,
                                  'wd': 0.01}, param='fc_bias'),
    OptCase('lars_nomom', 'lars', dict(CLIPPY, learning_rate=0.1, eta=0.1, eps=1e-3)),
    OptCase('lars_nocorr', 'lars', {'learning_rate': 0.1, 'momentum': 0.9, 'eta': 0.01,
                                    'momentum_correction': False}, sched=FACTOR),
    OptCase('lars_zero_weight', 'lars', {'learning_rate': 0.1, 'momentum': 0.5, 'eta': 0.01},
            weights=lambda w: np.zeros_like(w)),
    OptCase('test', 'test', {'rescale_grad': 0.5}),
    # adaptive methods
    OptCase('adam', 'adam', {}),
    OptCase('adam_lr', 'adam', {'learning_rate': 0.05, 'beta1': 0.8, 'beta2': 0.9,
                                'epsilon': 1e-4}),
    OptCase('adam_clip', 'adam', dict(CLIPPY, learning_rate=0.05)),
    OptCase('adam_sched', 'adam', {}, sched=FACTOR),
    OptCase('adam_bias', 'adam', {'learning_rate': 0.05, 'wd': 0.3}, param='fc_bias'),
    OptCase('adam_mp_fp16', 'adam', {'learning_rate': 0.01, 'multi_precision': True},
            dtype='float16', rtol=1e-3, atol=1e-3),
    OptCase('adagrad', 'adagrad', {'learning_rate': 0.1}),
    OptCase('adagrad_clip', 'adagrad', dict(CLIPPY, learning_rate=0.1, eps=1e-3)),
    OptCase('adagrad_sparse', 'adagrad', {'learning_rate': 0.1, 'wd': 0.1},
            grads=_sparse_grad),
    OptCase('rmsprop', 'rmsprop', {}),
    OptCase('rmsprop_clip', 'rmsprop', dict(CLIPPY, learning_rate=0.01, gamma1=0.8,
                                            clip_weights=0.9)),
    OptCase('rmsprop_centered', 'rmsprop', {'learning_rate': 0.01, 'centered': True}),
    OptCase('rmsprop_centered_clip', 'rmsprop',
            dict(CLIPPY, learning_rate=0.01, centered=True, gamma1=0.7, gamma2=0.5,
                 epsilon=1e-3, clip_weights=0.95)),
    OptCase('adadelta', 'adadelta', {}),
    OptCase('adadelta_clip', 'adadelta', dict(CLIPPY, rho=0.5, epsilon=1e-3)),
    OptCase('ftrl', 'ftrl', {}),
    OptCase('ftrl_clip', 'ftrl', dict(CLIPPY, lamda1=0.001, beta=0.5, learning_rate=0.3)),
    OptCase('adamax', 'adamax', {}),
    OptCase('adamax_clip', 'adamax', dict(CLIPPY, learning_rate=0.01, beta1=0.7, beta2=0.9)),
    OptCase('nadam', 'nadam', {}),
    OptCase('nadam_clip', 'nadam', dict(CLIPPY, learning_rate=0.01, schedule_decay=0.1,
                                        beta1=0.8)),
    OptCase('nadam_sched', 'nadam', {}, sched=COSINE),
    OptCase('ftml', 'ftml', {'learning_rate': 0.01}),
    OptCase('ftml_clip', 'ftml', dict(CLIPPY, learning_rate=0.01, beta1=0.5, beta2=0.9,
                                      epsilon=1e-4)),
    OptCase('lamb', 'lamb', {}),
    OptCase('lamb_nobc', 'lamb', dict(CLIPPY, learning_rate=0.01, bias_correction=False)),
    OptCase('lamb_bounds', 'lamb', {'learning_rate': 0.01, 'lower_bound': 0.5,
                                    'upper_bound': 1.0, 'wd': 0.05}),
    OptCase('lamb_zero_weight', 'lamb', {'learning_rate': 0.01},
            weights=lambda w: np.zeros_like(w)),
    OptCase('groupadagrad', 'groupadagrad', {'learning_rate': 0.1}),
    OptCase('groupadagrad_clip', 'groupadagrad', {'learning_rate': 0.1, 'rescale_grad': 2.0,
                                                  'clip_gradient': 0.7, 'eps': 1e-3}),
    OptCase('sgld', 'sgld', {'learning_rate': 0.01, 'wd': 0.01}, golden=False),
    OptCase('lbsgd_linear', 'lbsgd', {'learning_rate': 0.1, 'momentum': 0.9, 'batch_scale': 2,
                                      'warmup_epochs': 1, 'updates_per_epoch': 3}, steps=7),
    OptCase('lbsgd_power2', 'lbsgd', {'learning_rate': 0.1, 'batch_scale': 3,
                                      'warmup_strategy': 'power2', 'warmup_epochs': 2,
                                      'updates_per_epoch': 4, 'wd': 0.01}, steps=7),
    OptCase('lbsgd_sqrt', 'lbsgd', dict(CLIPPY, learning_rate=0.1, momentum=0.5, batch_scale=2,
                                        warmup_strategy='sqrt', warmup_epochs=1,
                                        updates_per_epoch=5), steps=7),
    OptCase('lbsgd_lars', 'lbsgd', {'learning_rate': 0.1, 'momentum': 0.9, 'batch_scale': 2,
                                    'warmup_strategy': 'lars', 'wd': 0.01}, steps=7),
    OptCase('lbsgd_other', 'lbsgd', {'learning_rate': 0.1, 'batch_scale': 2,
                                     'warmup_strategy': 'none', 'warmup_epochs': 1,
                                     'updates_per_epoch': 2}, steps=7),
    OptCase('lbsgd_sched_begin', 'lbsgd', {'learning_rate': 0.4, 'momentum': 0.9,
                                           'batch_scale': 2, 'begin_epoch': 1,
                                           'warmup_epochs': 2, 'updates_per_epoch': 2},
            sched=FACTOR, steps=7),
    OptCase('lbsgd_scale1', 'lbsgd', {'learning_rate': 0.1, 'momentum': 0.9}),
    OptCase('lbsgd_mp_fp16', 'lbsgd', {'learning_rate': 0.1, 'momentum': 0.9, 'batch_scale': 2,
                                       'multi_precision': True}, dtype='float16', rtol=1e-3,
            atol=1e-3, steps=6),
    OptCase('sgd_zero_rows', 'sgd', {'learning_rate': 0.1, 'momentum': 0.9},
            weights=_zero_some),
]


# One call of a fused update operator: (id, op, input names, params, outputs to record).
# Inputs are drawn in order from RandomState(crc32(id)); state inputs named in
# POSITIVE are drawn from [0.1, 1) (second moments must be positive).
POSITIVE = {'var', 'n', 'v', 'd', 'r1', 'r2'}

OP_CASES = [
    ('sgd_update', 'sgd_update', ('weight', 'grad'), {'lr': 0.1, 'wd': 0.01}),
    ('sgd_update_clip', 'sgd_update', ('weight', 'grad'),
     {'lr': 0.1, 'wd': 0.01, 'rescale_grad': 2.0, 'clip_gradient': 0.5}),
    ('sgd_mom_update', 'sgd_mom_update', ('weight', 'grad', 'mom'),
     {'lr': 0.1, 'momentum': 0.9, 'wd': 0.01}),
    ('sgd_mom_update_clip', 'sgd_mom_update', ('weight', 'grad', 'mom'),
     {'lr': 0.1, 'momentum': 0.9, 'rescale_grad': 0.5, 'clip_gradient': 0.2}),
    ('nag_mom_update', 'nag_mom_update', ('weight', 'grad', 'mom'),
     {'lr': 0.1, 'momentum': 0.9, 'wd': 0.01, 'clip_gradient': 0.6}),
    ('adam_update', 'adam_update', ('weight', 'grad', 'mean', 'var'),
     {'lr': 0.01, 'wd': 0.01}),
    ('adam_update_clip', 'adam_update', ('weight', 'grad', 'mean', 'var'),
     {'lr': 0.01, 'beta1': 0.5, 'beta2': 0.8, 'epsilon': 1e-3, 'rescale_grad': 3.0,
      'clip_gradient': 1.0}),
    ('rmsprop_update', 'rmsprop_update', ('weight', 'grad', 'n'),
     {'lr': 0.01, 'wd': 0.01}),
    ('rmsprop_update_clip', 'rmsprop_update', ('weight', 'grad', 'n'),
     {'lr': 0.01, 'gamma1': 0.5, 'rescale_grad': 2.0, 'clip_gradient': 0.5,
      'clip_weights': 0.4}),
    ('rmspropalex_update', 'rmspropalex_update', ('weight', 'grad', 'n', 'g', 'delta'),
     {'lr': 0.01, 'wd': 0.01}),
    ('rmspropalex_update_clip', 'rmspropalex_update', ('weight', 'grad', 'n', 'g', 'delta'),
     {'lr': 0.01, 'gamma1': 0.6, 'gamma2': 0.7, 'epsilon': 1e-3, 'clip_gradient': 0.3,
      'clip_weights': 0.5}),
    ('signsgd_update', 'signsgd_update', ('weight', 'grad'), {'lr': 0.1, 'wd': 0.05}),
    ('signum_update', 'signum_update', ('weight', 'grad', 'mom'),
     {'lr': 0.1, 'momentum': 0.8, 'wd': 0.05, 'wd_lh': 0.01}),
    ('ftrl_update', 'ftrl_update', ('weight', 'grad', 'z', 'n'),
     {'lr': 0.1, 'lamda1': 0.05, 'beta': 0.5, 'wd': 0.01}),
    ('ftml_update', 'ftml_update', ('weight', 'grad', 'd', 'v', 'z'),
     {'lr': 0.01, 't': 3, 'wd': 0.01, 'clip_grad': 0.5}),
    ('lamb_update_phase1', 'lamb_update_phase1', ('weight', 'grad', 'mean', 'var'),
     {'t': 2, 'wd': 0.01}),
    ('lamb_update_phase1_nobc', 'lamb_update_phase1', ('weight', 'grad', 'mean', 'var'),
     {'t': 2, 'wd': 0.01, 'bias_correction': False, 'rescale_grad': 2.0,
      'clip_gradient': 0.5}),
    ('lamb_update_phase2', 'lamb_update_phase2', ('weight', 'g', 'r1', 'r2'), {'lr': 0.01}),
    ('lamb_update_phase2_bounds', 'lamb_update_phase2', ('weight', 'g', 'r1', 'r2'),
     {'lr': 0.01, 'lower_bound': 0.3, 'upper_bound': 0.6}),
    ('mp_sgd_update', 'mp_sgd_update', ('weight', 'grad', 'weight32'), {'lr': 0.1, 'wd': 0.01}),
    ('mp_sgd_mom_update', 'mp_sgd_mom_update', ('weight', 'grad', 'mom', 'weight32'),
     {'lr': 0.1, 'momentum': 0.9, 'wd': 0.01}),
    ('mp_nag_mom_update', 'mp_nag_mom_update', ('weight', 'grad', 'mom', 'weight32'),
     {'lr': 0.1, 'momentum': 0.9, 'wd': 0.01}),
]

# inputs that are float32 in the mixed-precision operators (the rest are float16)
MP_FLOAT32 = {'mom', 'weight32'}


def op_arrays(case):
    """Inputs of one OP_CASES entry (scalars r1/r2 have shape (1,))."""
    cid, op, names, _ = case
    rs = np.random.RandomState(zlib.crc32(cid.encode()) & 0x7FFFFFFF)
    out = []
    for n in names:
        shape = (1,) if n in ('r1', 'r2') else SHAPE
        lo = 0.1 if n in POSITIVE else -1.0
        a = rs.uniform(lo, 1.0, shape)
        if op.startswith('mp_'):
            a = a.astype('float32' if n in MP_FLOAT32 else 'float16')
        else:
            a = a.astype('float32')
        out.append(a)
    if op.startswith('mp_'):
        out[names.index('weight32')] = out[0].astype('float32')
    if op == 'rmspropalex_update':   # keep the centred variance n - g*g positive
        n, g = names.index('n'), names.index('g')
        out[n] = out[n] + np.square(out[g])
    return out


# Several named parameters updated in an interleaved order through one updater:
# exercises the per-name weight-decay rules, per-index update counts, schedulers
# shared across parameters, Nadam's optimizer-wide momentum schedule and LARS'
# momentum correction.  (id, optimizer, kwargs, scheduler)
MULTI_NAMES = {0: 'fc1_weight', 1: 'fc1_bias', 2: 'bn_gamma', 3: 'bn_beta'}
MULTI_STEPS = 7
MULTI_CASES = [
    ('multi_lars', 'lars', {'learning_rate': 0.4, 'momentum': 0.9, 'eta': 0.01, 'wd': 0.01},
     ('FactorScheduler', {'step': 3, 'factor': 0.5})),
    ('multi_lars_nocorr', 'lars', {'learning_rate': 0.4, 'momentum': 0.9, 'eta': 0.01,
                                   'momentum_correction': False},
     ('FactorScheduler', {'step': 3, 'factor': 0.5})),
    ('multi_nadam', 'nadam', {'wd': 0.1}, None),
    ('multi_adam', 'adam', {'wd': 0.1}, ('FactorScheduler', {'step': 2, 'factor': 0.5})),
    ('multi_sgd', 'sgd', {'momentum': 0.9, 'wd': 0.1, 'learning_rate': 0.3},
     ('MultiFactorScheduler', {'step': [2, 5], 'factor': 0.5})),
    ('multi_signum', 'signum', {'wd': 0.1}, None),
    ('multi_ftml', 'ftml', {'wd': 0.1}, None),
    ('multi_lamb', 'lamb', {'wd': 0.01}, None),
    ('multi_dcasgd', 'dcasgd', {'lamda': 0.1, 'wd': 0.1}, None),
    ('multi_rmsprop', 'rmsprop', {'centered': True, 'wd': 0.1}, None),
    ('multi_adagrad', 'adagrad', {'wd': 0.1}, None),
    ('multi_adadelta', 'adadelta', {'wd': 0.1}, None),
    ('multi_adamax', 'adamax', {'wd': 0.1}, None),
    ('multi_ftrl', 'ftrl', {'wd': 0.1}, None),
    ('multi_nag', 'nag', {'momentum': 0.9, 'wd': 0.1}, None),
]


def multi_order(step):
    """The indices updated at ``step`` (all four, then three in reverse)."""
    return [0, 1, 2, 3] if step % 2 == 0 else [3, 1, 0]


def multi_arrays(cid):
    """(initial weights, gradients per step per index)."""
    rs = np.random.RandomState(zlib.crc32(cid.encode()) & 0x7FFFFFFF)
    ws = [rs.uniform(-1, 1, (4, 3)).astype('float32') for _ in MULTI_NAMES]
    gss = [[rs.uniform(-1, 1, (4, 3)).astype('float32') for _ in MULTI_NAMES]
           for _ in range(MULTI_STEPS)]
    return ws, gss


def pack(arrays):
    """Many small named arrays as a few flat ones (one per dtype) plus a JSON index:
    a zip entry per array would cost more than the data."""
    import json
    index, flat = {}, {}
    for name, a in arrays.items():
        a = np.asarray(a)
        key = a.dtype.str if a.dtype.kind != 'U' else 'str'
        if key == 'str':
            index[name] = ['str', str(a)]
            continue
        buf = flat.setdefault(key, [])
        offset = sum(x.size for x in buf)
        buf.append(a.reshape(-1))
        index[name] = [key, offset, list(a.shape)]
    out = {'index': np.array(json.dumps(index, sort_keys=True))}
    for key, parts in flat.items():
        out['data' + key] = np.concatenate(parts)
    return out


class Unpacked:
    """Read-only mapping over a :func:`pack`-ed npz: ``g[name]`` and ``name in g``."""

    def __init__(self, npz):
        import json
        self._npz = npz
        self._index = json.loads(str(npz['index']))
        self.files = list(self._index)

    def __contains__(self, name):
        return name in self._index

    def __getitem__(self, name):
        entry = self._index[name]
        if entry[0] == 'str':
            return np.array(entry[1])
        key, offset, shape = entry
        size = int(np.prod(shape)) if shape else 1
        return self._npz['data' + key][offset:offset + size].reshape(shape).copy()
