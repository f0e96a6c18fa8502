"""Samplers: which indices a DataLoader reads, and how they are grouped into batches."""
from ...base import MXNetError, must_override

__all__ = ['Sampler', 'SequentialSampler', 'RandomSampler', 'BatchSampler', 'IntervalSampler']


class Sampler:
    """Abstract: iterating yields indices (or batches of indices)."""

    def __iter__(self):
        must_override(self, '__iter__', 'a Sampler subclass yields indices')

    def __len__(self):
        must_override(self, '__len__', 'a Sampler subclass returns how many indices it yields')


class SequentialSampler(Sampler):
    """``start, start+1, ..., start+length-1``."""

    def __init__(self, length, start=0):
        self._length = length
        self._start = start

    def __iter__(self):
        return iter(range(self._start, self._start + self._length))

    def __len__(self):
        return self._length


class RandomSampler(Sampler):
    """A random permutation of ``range(length)`` each epoch (``mx.random.seed`` controls it)."""

    def __init__(self, length):
        self._length = length

    def __iter__(self):
        from ... import random
        return iter(int(i) for i in random.generator().permutation(self._length))

    def __len__(self):
        return self._length


class IntervalSampler(Sampler):
    """``0, interval, 2*interval, ..., 1, 1+interval, ...`` (with ``rollover``)."""

    def __init__(self, length, interval, rollover=True):
        if interval > length:
            raise MXNetError('Interval {} must be smaller than length {}'.format(interval,
                                                                                 length))
        self._length = length
        self._interval = interval
        self._rollover = rollover

    def __iter__(self):
        for i in range(self._interval if self._rollover else 1):
            for j in range(i, self._length, self._interval):
                yield j

    def __len__(self):
        return self._length


class BatchSampler(Sampler):
    """Groups ``sampler``'s indices into lists of ``batch_size``.

    ``last_batch``: 'keep' (a shorter last batch), 'discard' (drop it) or
    'rollover' (carry the remainder into the next epoch).
    """

    def __init__(self, sampler, batch_size, last_batch='keep'):
        if last_batch not in ('keep', 'discard', 'rollover'):
            raise MXNetError("last_batch must be one of 'keep', 'discard', or 'rollover', but "
                             'got %s' % last_batch)
        self._sampler = sampler
        self._batch_size = batch_size
        self._last_batch = last_batch
        self._prev = []

    def __iter__(self):
        batch, self._prev = self._prev, []
        for i in self._sampler:
            batch.append(i)
            if len(batch) == self._batch_size:
                yield batch
                batch = []
        if batch:
            if self._last_batch == 'keep':
                yield batch
            elif self._last_batch == 'rollover':
                self._prev = batch

    def __len__(self):
        if self._last_batch == 'keep':
            return (len(self._sampler) + self._batch_size - 1) // self._batch_size
        if self._last_batch == 'discard':
            return len(self._sampler) // self._batch_size
        return (len(self._prev) + len(self._sampler)) // self._batch_size
