"""Record real MXNet 1.9.1 learning-rate schedules (run under the oracle's interpreter).

    /tmp/mxref/bin/python tests/data/make_golden_lr_scheduler.py

Each case builds one scheduler and calls it on a sequence of update counts
(monotonic runs, jumps past steps, and calls going back), recording every
returned rate.  The case definitions travel in the file (class name, JSON
keyword arguments, the calls), so the test replays exactly what was run.
Writes tests/data/golden_lr_scheduler.npz.
"""
import json
import os

import numpy as np
import mxnet as mx

HERE = os.path.dirname(os.path.abspath(__file__))

RUN = list(range(0, 40))
JUMPS = [0, 1, 7, 3, 25, 26, 12, 60, 2, 0, 100]

CASES = [
    ('factor', 'FactorScheduler', {'step': 5, 'factor': 0.5}, RUN),
    ('factor_stop', 'FactorScheduler', {'step': 3, 'factor': 0.3, 'stop_factor_lr': 1e-4,
                                        'base_lr': 0.1}, RUN),
    ('factor_jumps', 'FactorScheduler', {'step': 4, 'factor': 0.7, 'base_lr': 1.0}, JUMPS),
    ('factor_warm_linear', 'FactorScheduler', {'step': 5, 'factor': 0.5, 'base_lr': 0.5,
                                               'warmup_steps': 7, 'warmup_begin_lr': 0.1},
     RUN),
    ('factor_warm_const', 'FactorScheduler', {'step': 2, 'factor': 0.9, 'base_lr': 0.5,
                                              'warmup_steps': 4, 'warmup_begin_lr': 0.1,
                                              'warmup_mode': 'constant'}, RUN),
    ('factor_one', 'FactorScheduler', {'step': 1}, RUN[:10]),
    ('multifactor', 'MultiFactorScheduler', {'step': [3, 8, 20], 'factor': 0.1,
                                             'base_lr': 1.0}, RUN),
    ('multifactor_jumps', 'MultiFactorScheduler', {'step': [3, 8, 20], 'factor': 0.5},
     JUMPS),
    ('multifactor_warm', 'MultiFactorScheduler', {'step': [5, 10], 'factor': 0.5,
                                                  'base_lr': 0.2, 'warmup_steps': 5,
                                                  'warmup_begin_lr': 0.05}, RUN),
    ('poly', 'PolyScheduler', {'max_update': 20, 'base_lr': 0.1}, RUN),
    ('poly_pwr', 'PolyScheduler', {'max_update': 15, 'base_lr': 0.3, 'pwr': 0.5,
                                   'final_lr': 0.01}, RUN),
    ('poly_warm', 'PolyScheduler', {'max_update': 25, 'base_lr': 0.3, 'pwr': 3,
                                    'final_lr': 0.02, 'warmup_steps': 5,
                                    'warmup_begin_lr': 0.1}, RUN),
    ('poly_warm_const', 'PolyScheduler', {'max_update': 25, 'base_lr': 0.3, 'warmup_steps': 5,
                                          'warmup_begin_lr': 0.1, 'warmup_mode': 'constant'},
     RUN),
    ('poly_jumps', 'PolyScheduler', {'max_update': 30, 'base_lr': 0.3}, JUMPS),
    ('poly_late_start', 'PolyScheduler', {'max_update': 10, 'base_lr': 0.3}, [50, 5, 70]),
    ('cosine', 'CosineScheduler', {'max_update': 20, 'base_lr': 0.1}, RUN),
    ('cosine_final', 'CosineScheduler', {'max_update': 30, 'base_lr': 0.4, 'final_lr': 0.05},
     RUN),
    ('cosine_warm', 'CosineScheduler', {'max_update': 25, 'base_lr': 0.3, 'final_lr': 0.01,
                                        'warmup_steps': 6, 'warmup_begin_lr': 0.0}, RUN),
    ('cosine_warm_const', 'CosineScheduler', {'max_update': 25, 'base_lr': 0.3,
                                              'warmup_steps': 6, 'warmup_begin_lr': 0.2,
                                              'warmup_mode': 'constant'}, RUN),
    ('cosine_jumps', 'CosineScheduler', {'max_update': 30, 'base_lr': 0.3}, JUMPS),
    ('warmup_only', 'LRScheduler:get_warmup_lr', {'base_lr': 0.4, 'warmup_steps': 8,
                                                  'warmup_begin_lr': 0.1}, list(range(8))),
    ('warmup_only_const', 'LRScheduler:get_warmup_lr',
     {'base_lr': 0.4, 'warmup_steps': 8, 'warmup_begin_lr': 0.1, 'warmup_mode': 'constant'},
     list(range(8))),
]


def main():
    out = {}
    for cid, cls, kwargs, calls in CASES:
        if cls.endswith(':get_warmup_lr'):
            sched = mx.lr_scheduler.LRScheduler(**kwargs)
            fn = sched.get_warmup_lr
        else:
            sched = getattr(mx.lr_scheduler, cls)(**kwargs)
            fn = sched
        lrs = [fn(n) for n in calls]
        out[cid + ':cls'] = np.array(cls)
        out[cid + ':kwargs'] = np.array(json.dumps(kwargs))
        out[cid + ':calls'] = np.array(calls, dtype=np.int64)
        out[cid + ':lrs'] = np.array(lrs, dtype=np.float64)
    np.savez_compressed(os.path.join(HERE, 'golden_lr_scheduler.npz'), **out)
    print('ok: %d cases' % len(CASES))


if __name__ == '__main__':
    main()
