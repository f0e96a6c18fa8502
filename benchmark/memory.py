"""Workload 6: planned executor memory for ResNet-50 at batch 32 (train and inference).

    python benchmark/memory.py                 # mxlite
    python benchmark/memory.py --framework mxnet   # under an interpreter with MXNet 1.9.1

mxlite reports the bytes its planner allocates for intermediate values
(activations, kept-for-backward values, gradients of intermediates) and the
naive sum (every value its own buffer); MXNet reports ``Total N MB allocated``
from ``Executor.debug_str()``.  Argument, gradient and aux arrays are not in
either figure.  Peak RSS is the process's.
"""
import argparse
import os
import re
import resource
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from resnet_symbol import get_symbol  # noqa: E402


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--framework', choices=['mxlite', 'mxnet'], default='mxlite')
    p.add_argument('--batch-size', type=int, default=32)
    p.add_argument('--num-layers', type=int, default=50)
    args = p.parse_args()
    if args.framework == 'mxnet':
        import mxnet as mx
    else:
        sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
        import mxlite as mx
    sym = get_symbol(mx, args.num_layers)
    shape = (args.batch_size, 3, 224, 224)
    for mode, req in (('train', 'write'), ('inference', 'null')):
        ex = sym.simple_bind(mx.cpu(), grad_req=req, data=shape)
        text = ex.debug_str()
        total = re.findall(r'Total (\d+) MB allocated', text)
        line = '%s %s batch %d: Total %s MB allocated' % (args.framework, mode, args.batch_size,
                                                         total[-1] if total else '?')
        plan = getattr(ex, '_plan', None)
        if plan is not None:
            line += ' (planned %.1f MB, naive %.1f MB, %d blocks)' % (
                plan.planned_bytes / 2 ** 20, plan.naive_bytes / 2 ** 20, len(plan.blocks))
        print(line)
        del ex
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print('%s peak RSS: %.0f MB' % (args.framework, rss))


if __name__ == '__main__':
    main()
