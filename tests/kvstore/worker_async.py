"""A worker of the dist_async tests: pushes applied on arrival, barrier, states from any worker.

    mpiexec -n 2 python worker_async.py OUT

With plain SGD (lr 1, no momentum) every push subtracts its gradient, so
after a barrier the weights are exact whatever the order the server applied
the pushes in.
"""
import os
import sys
import time

import numpy as np

import mxlite as mx


def main():
    out_dir = sys.argv[1]
    kv = mx.kv.create('dist_async')
    r, n = kv.rank, kv.num_workers
    assert kv.type == 'dist_async'
    kv.init(['a', 'b'], [mx.nd.ones(4) * (r + 1), mx.nd.zeros((2, 2), dtype='float16')])
    a = mx.nd.zeros(4)
    kv.pull('a', out=a)
    assert (a.asnumpy() == 1).all(), a                     # rank 0's initial value
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=1.0, multi_precision=True))
    steps = 40
    for i in range(steps):
        kv.push(['a', 'b'], [mx.nd.ones(4), mx.nd.ones((2, 2), dtype='float16')])
        if i % 7 == 0:
            kv.pull('a', out=a)                           # sees at least its own pushes
            assert a.asnumpy()[0] <= 1 - (i + 1), (i, a)
    kv.barrier()                                          # every worker's pushes are applied
    b = mx.nd.zeros((2, 2), dtype='float16')
    kv.pull(['a', 'b'], out=[a, b])
    assert (a.asnumpy() == 1 - n * steps).all(), a
    assert (b.asnumpy() == -n * steps).all(), b
    with np.testing.assert_raises(mx.MXNetError):
        kv.push('nope', mx.nd.ones(1))
    # worker 0 waits in init while worker 1 still pulls: the server must answer meanwhile
    if r == 1:
        time.sleep(0.3)
        kv.pull('a', out=a)
    kv.init('c', mx.nd.ones(3))
    kv.save_optimizer_states(os.path.join(out_dir, 'states-%d' % r))
    print('worker %d of %d: async checks passed' % (r, n), flush=True)


if __name__ == '__main__':
    main()
