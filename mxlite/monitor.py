"""``mx.monitor.Monitor`` (``mx.mon``): statistics of every output during training."""
import math
import re

import numpy as np

from .base import MXNetError

__all__ = ['Monitor']


def _default_stat(x):
    """norm(x) / sqrt(size), MXNet's default statistic."""
    from . import ndarray as nd
    return nd.norm(x) / math.sqrt(max(x.size, 1))


class Monitor:
    """Collects ``stat_func(array)`` for outputs whose names match ``pattern``.

    Install on executors (``Module.install_monitor`` / ``fit(monitor=...)``),
    then ``tic()`` before a batch and ``toc()``/``toc_print()`` after it;
    statistics are gathered every ``interval`` batches.
    """

    def __init__(self, interval, stat_func=None, pattern='.*', sort=False, monitor_all=False):
        self.stat_func = stat_func if stat_func is not None else _default_stat
        self.interval = interval
        self.activated = False
        self.queue = []
        self.step = 0
        self.exes = []
        self.re_prog = re.compile(pattern)
        self.sort = sort
        self.monitor_all = monitor_all

    def stat_helper(self, name, array):
        if not self.activated or not self.re_prog.match(name):
            return
        self.queue.append((self.step, name, self.stat_func(array)))

    def install(self, exe):
        exe.set_monitor_callback(self.stat_helper, self.monitor_all)
        self.exes.append(exe)

    def tic(self):
        if self.step % self.interval == 0:
            self.queue = []
            self.activated = True
        self.step += 1

    def toc(self):
        """[(step, name, stat text)] gathered since tic()."""
        if not self.activated:
            return []
        for exe in self.exes:
            for name, array in zip(exe._arg_names + exe._aux_names,
                                   list(exe.arg_arrays) + list(exe.aux_arrays)):
                if self.re_prog.match(name):
                    self.queue.append((self.step, name, self.stat_func(array)))
        self.activated = False
        res = []
        queue = sorted(self.queue, key=lambda x: x[1]) if self.sort else self.queue
        for n, k, v_list in queue:
            if not isinstance(v_list, (list, tuple)):
                v_list = [v_list]
            s = ''
            for v in v_list:
                if hasattr(v, 'asnumpy'):
                    arr = v.asnumpy()
                    s += (str(arr.reshape(-1)[0]) if arr.size == 1 else str(arr)) + '\t'
                elif isinstance(v, (float, int, np.generic)):
                    s += str(v) + '\t'
                else:
                    raise MXNetError('Monitor: stat_func must return NDArrays or numbers, got %s'
                                     % type(v).__name__)
            res.append((n, k, s))
        self.queue = []
        return res

    def toc_print(self):
        from .log import get_logger
        for n, k, v in self.toc():
            get_logger().info('Batch: {:7d} {:30s} {:s}'.format(n, k, v))
