"""``DataLoader``: batches from a Dataset, optionally built by worker processes or threads.

With ``num_workers > 0`` batches are made by a pool of forked worker
processes (or threads with ``thread_pool=True``), up to ``prefetch``
batches ahead, and handed out in order.  A worker that dies, or a batch that
does not arrive within ``timeout`` seconds, raises an MXNetError in the
main process.
"""
import concurrent.futures as cf
import multiprocessing
import os
from concurrent.futures.process import BrokenProcessPool

import numpy as np

from ...base import MXNetError
from .sampler import SequentialSampler, RandomSampler, BatchSampler

__all__ = ['DataLoader', 'default_batchify_fn', 'default_mp_batchify_fn']


def default_batchify_fn(data):
    """Stack samples into a batch: NDArrays and numbers into NDArrays, tuples per field."""
    from ... import ndarray as nd
    from ...ndarray.ndarray import NDArray
    first = data[0]
    if isinstance(first, NDArray):
        return NDArray(np.stack([d._data for d in data]), first.context)
    if isinstance(first, tuple):
        return [default_batchify_fn(list(field)) for field in zip(*data)]
    arr = np.asarray(data)
    return nd.array(arr, dtype=arr.dtype)


default_mp_batchify_fn = default_batchify_fn

_DIED = ('DataLoader: a worker process died unexpectedly (killed, out of memory, or a crash in '
         'native code); run with num_workers=0 to see the error in the main process')

_worker_dataset = None
_worker_batchify = None


def _worker_initializer(dataset, batchify_fn, seed):
    """Runs once in each (forked) worker: keeps the dataset and batchify function (so
    neither is pickled) and gives the worker its own random streams (mx.random, numpy and
    Python's random, which the image transforms use)."""
    global _worker_dataset, _worker_batchify
    import random as pyrandom
    from ... import random
    _worker_dataset = dataset
    _worker_batchify = batchify_fn
    worker_seed = (seed + os.getpid()) % (2 ** 31)
    random.seed(worker_seed)
    np.random.seed(worker_seed)
    pyrandom.seed(worker_seed)


def _worker_fn(samples):
    return _worker_batchify([_worker_dataset[i] for i in samples])


def _thread_worker_fn(dataset, samples, batchify_fn):
    return batchify_fn([dataset[i] for i in samples])


class DataLoader:
    """Loads ``dataset`` in mini-batches.

    Give ``batch_size`` (with ``shuffle``, ``sampler`` and ``last_batch``
    'keep'/'discard'/'rollover') or a ``batch_sampler``.  ``batchify_fn``
    turns a list of samples into a batch.  ``pin_memory`` is accepted (mxlite
    runs on the CPU).
    """

    def __init__(self, dataset, batch_size=None, shuffle=False, sampler=None, last_batch=None,
                 batch_sampler=None, batchify_fn=None, num_workers=0, pin_memory=False,
                 pin_device_id=0, prefetch=None, thread_pool=False, timeout=120,
                 try_nopython=None):
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._pin_device_id = pin_device_id
        self._thread_pool = thread_pool
        self._timeout = timeout
        if batch_sampler is None:
            if batch_size is None:
                raise MXNetError('batch_size must be specified unless batch_sampler is specified')
            if sampler is None:
                sampler = RandomSampler(len(dataset)) if shuffle else \
                    SequentialSampler(len(dataset))
            elif shuffle:
                raise MXNetError('shuffle must not be specified if sampler is specified')
            batch_sampler = BatchSampler(sampler, batch_size,
                                         last_batch if last_batch else 'keep')
        elif batch_size is not None or shuffle or sampler is not None or last_batch is not None:
            raise MXNetError('batch_size, shuffle, sampler and last_batch must not be specified '
                             'if batch_sampler is specified.')
        self._batch_sampler = batch_sampler
        self._num_workers = num_workers if num_workers >= 0 else 0
        self._prefetch = max(0, int(prefetch) if prefetch is not None else 2 * self._num_workers)
        self._batchify_fn = batchify_fn if batchify_fn is not None else default_batchify_fn
        self._pool = None

    def _get_pool(self):
        if self._pool is None:
            if self._thread_pool:
                self._pool = cf.ThreadPoolExecutor(self._num_workers)
            else:
                from ... import random
                seed = int(random.generator().integers(0, 2 ** 31))
                self._pool = cf.ProcessPoolExecutor(
                    self._num_workers, mp_context=multiprocessing.get_context('fork'),
                    initializer=_worker_initializer,
                    initargs=(self._dataset, self._batchify_fn, seed))
        return self._pool

    def _submit(self, batch):
        pool = self._get_pool()
        if self._thread_pool:
            return pool.submit(_thread_worker_fn, self._dataset, batch, self._batchify_fn)
        try:
            return pool.submit(_worker_fn, batch)
        except BrokenProcessPool:
            # a worker died while idle: the pool refuses new batches
            self._shutdown(wait=False, kill=True)
            raise MXNetError(_DIED) from None

    def __iter__(self):
        if self._num_workers == 0:
            for batch in self._batch_sampler:
                yield self._batchify_fn([self._dataset[idx] for idx in batch])
            return
        pending = []
        batches = iter(self._batch_sampler)
        try:
            for batch in batches:
                pending.append(self._submit(batch))
                if len(pending) > self._prefetch:
                    yield self._result(pending.pop(0))
            while pending:
                yield self._result(pending.pop(0))
        finally:
            for fut in pending:
                fut.cancel()

    def _result(self, future):
        try:
            return future.result(timeout=self._timeout)
        except BrokenProcessPool:
            self._shutdown(wait=False, kill=True)
            raise MXNetError(_DIED) from None
        except SystemExit as e:
            # sys.exit() in a worker comes back as the batch's exception: it must not end
            # the training process
            self._shutdown(wait=False, kill=True)
            raise MXNetError('DataLoader: a worker process exited (SystemExit %s) while loading '
                             'a batch' % (e.code,)) from None
        except cf.TimeoutError:
            # a stuck worker never takes the shutdown request: end the workers, or the
            # interpreter would wait for them at exit
            self._shutdown(wait=False, kill=True)
            raise MXNetError('DataLoader: no batch arrived from the workers within timeout=%s '
                             'seconds; a sample may be too slow to load, or a worker is stuck'
                             % self._timeout) from None

    def __len__(self):
        return len(self._batch_sampler)

    def _shutdown(self, wait=True, kill=False):
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if kill and not self._thread_pool:
            procs = getattr(pool, '_processes', None) or {}
            for proc in list(procs.values()):
                try:
                    proc.kill()
                except (OSError, AttributeError, ValueError):
                    pass
        pool.shutdown(wait=wait, cancel_futures=True)

    def __del__(self):
        try:
            self._shutdown(wait=False)
        except Exception:  # noqa: BLE001 -- interpreter shutdown
            pass
