"""A worker of the distributed-KVStore tests: the kv API semantics, checked in place.

    mpiexec -n 2 python worker_kvstore.py OUT [kv_type]

Each check asserts on every worker; a failed assert aborts the job (non-zero
exit).  Rank 0 writes ``OUT/states`` (the optimizer states) at the end.
"""
import os
import sys

import numpy as np

import mxlite as mx


def main():
    out_dir = sys.argv[1]
    kv_type = sys.argv[2] if len(sys.argv) > 2 else 'dist_sync'
    kv = mx.kv.create(kv_type)
    r, n = kv.rank, kv.num_workers
    assert kv.type == kv_type and 0 <= r < n, (kv.type, r, n)

    # init takes rank 0's values, whatever the others pass
    kv.init(['w', 3, 'h'], [mx.nd.ones((2, 3)) * (r + 1), mx.nd.arange(4) + 10 * r,
                            mx.nd.ones(5, dtype='float16') * (r + 1)])
    w = mx.nd.zeros((2, 3))
    kv.pull('w', out=w)
    assert (w.asnumpy() == 1).all(), w
    i3 = mx.nd.zeros(4)
    kv.pull(3, out=i3)
    assert (i3.asnumpy() == np.arange(4)).all(), i3

    # without an optimizer a push stores the sum over workers (and over each worker's devices)
    kv.push(['w', 3], [[mx.nd.ones((2, 3)), mx.nd.ones((2, 3)) * r], mx.nd.ones(4) * (r + 1)])
    kv.pull(['w', 3], out=[w, i3])
    assert (w.asnumpy() == n + sum(range(n))).all(), w
    assert (i3.asnumpy() == sum(range(1, n + 1))).all(), i3
    # float16 values are summed in float32 and stored as float16
    h = mx.nd.zeros(5, dtype='float16')
    kv.pushpull('h', mx.nd.ones(5, dtype='float16') * 0.5, out=h)
    assert h.dtype == np.float16 and (h.asnumpy() == 0.5 * n).all(), h

    # a key larger than the fusion buffer (MXLITE_KVSTORE_FUSION_MB is tiny in the test)
    kv.init('big', mx.nd.zeros(300000))
    big = mx.nd.zeros(300000)
    kv.pushpull('big', mx.nd.ones(300000) * (r + 1), out=big)
    assert (big.asnumpy() == sum(range(1, n + 1))).all()

    # with an optimizer every worker applies it to the summed gradient
    kv.set_optimizer(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9, rescale_grad=1.0 / n))
    kv.init('p', mx.nd.ones(6) * 2)
    p = mx.nd.zeros(6)
    for step in range(3):
        kv.push('p', mx.nd.arange(6) * (r + 1))
        kv.pull('p', out=p)
    mean_grad = np.arange(6) * (n + 1) / 2.0
    expect, mom = np.full(6, 2.0), np.zeros(6)
    for step in range(3):
        mom = 0.9 * mom - 0.1 * mean_grad
        expect = expect + mom
    assert np.allclose(p.asnumpy(), expect, rtol=1e-6), (p, expect)
    # sums of random floats of odd sizes, then a second store (no optimizer) gathers every
    # worker's copy (its own row, zeros elsewhere: exact): all must be bit-identical
    kv2 = mx.kv.create(kv_type)
    rng = np.random.RandomState(r)
    sizes = [1, 7, 1000, 4099]
    kv2.init(sizes, [mx.nd.zeros(s) for s in sizes])
    sums = [mx.nd.zeros(s) for s in sizes]
    kv2.pushpull(sizes, [mx.nd.array(rng.randn(s) * 10 ** rng.randint(-3, 4)) for s in sizes],
                 out=sums)
    mine = np.concatenate([p.asnumpy()] + [x.asnumpy() for x in sums])
    kv2.init('gather', mx.nd.zeros((n, mine.size)))
    row = np.zeros((n, mine.size), dtype=np.float32)
    row[r] = mine
    everyone = mx.nd.zeros((n, mine.size))
    kv2.pushpull('gather', mx.nd.array(row), out=everyone)
    everyone = everyone.asnumpy()
    assert (everyone == everyone[0]).all(), 'workers hold different values'

    kv.barrier()
    if r == 0:
        kv.save_optimizer_states(os.path.join(out_dir, 'states'))
    print('worker %d of %d: kvstore checks passed' % (r, n), flush=True)


if __name__ == '__main__':
    main()
