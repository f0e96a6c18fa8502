"""``mx.mon``: statistics of executor outputs, weights and gradients every few batches."""
import logging
import re
from math import sqrt

from .ndarray import NDArray
from . import ndarray

__all__ = ['Monitor']


class Monitor:
    """Collect ``stat_func`` of the tensors whose names match ``pattern`` every ``interval`` batches.

    ``install(exe)`` hooks an executor (``Module.fit(monitor=...)`` does this);
    ``tic()`` before the forward pass starts a collecting batch, ``toc()``
    afterwards adds the executor's arguments and auxiliary states and returns
    ``(step, name, text)`` rows, ``toc_print()`` logs them as MXNet does
    (``Batch:       1 fc1_output                     0.123``).  The default
    statistic is ``norm(x) / sqrt(x.size)``.  ``monitor_all`` adds each
    operator's inputs to its outputs.
    """

    def __init__(self, interval, stat_func=None, pattern='.*', sort=False, monitor_all=False):
        if stat_func is None:
            def asum_stat(x):
                """norm(x) / sqrt(size(x))"""
                return ndarray.norm(x) / sqrt(x.size)
            stat_func = asum_stat
        self.stat_func = stat_func
        self.interval = interval
        self.activated = False
        self.queue = []
        self.step = 0
        self.exes = []
        self.re_prog = re.compile(pattern)
        self.sort = sort
        self.monitor_all = monitor_all

        def stat_helper(name, array):
            """The executor's callback: record the statistic of a matching tensor."""
            if not self.activated or not self.re_prog.match(name):
                return
            self.queue.append((self.step, name, self.stat_func(array)))
        self.stat_helper = stat_helper

    def install(self, exe):
        """Install the callback on executor ``exe`` (several executors may be installed)."""
        exe.set_monitor_callback(self.stat_helper, self.monitor_all)
        self.exes.append(exe)

    def tic(self):
        """Start collecting for this batch if it is one of every ``interval``; call before forward."""
        if self.step % self.interval == 0:
            self.queue = []
            self.activated = True
        self.step += 1

    def toc(self):
        """Stop collecting; the (step, name, statistic text) rows of this batch."""
        if not self.activated:
            return []
        for exe in self.exes:
            names = exe._symbol.list_arguments() + exe._symbol.list_auxiliary_states()
            for name, array in zip(names, list(exe.arg_arrays) + list(exe.aux_arrays)):
                if self.re_prog.match(name):
                    self.queue.append((self.step, name, self.stat_func(array)))
        self.activated = False
        if self.sort:
            self.queue.sort(key=lambda row: row[1])
        res = []
        for step, name, values in self.queue:
            if isinstance(values, NDArray):
                values = [values]
            text = ''
            for v in values:
                if not isinstance(v, NDArray):
                    raise TypeError('Monitor: stat_func must return NDArrays, got %s'
                                    % type(v).__name__)
                text += (str(v.asscalar()) if v.shape == (1,) else str(v.asnumpy())) + '\t'
            res.append((step, name, text))
        self.queue = []
        return res

    def toc_print(self):
        """Stop collecting and log the rows."""
        for step, name, text in self.toc():
            logging.info('Batch: {:7d} {:30s} {:s}'.format(step, name, text))
