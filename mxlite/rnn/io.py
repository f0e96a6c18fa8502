"""Sentence data for the legacy ``mx.rnn`` examples: ``encode_sentences`` turns words
into integer ids, ``BucketSentenceIter`` batches sentences of similar length together
(MXNet 1.x semantics: padding, bucket choice and shuffling as MXNet does them)."""
import bisect
import random
import warnings

import numpy as np

from .. import ndarray
from ..base import MXNetError, MXNetValueError
from ..io import DataIter, DataBatch, DataDesc

__all__ = ['encode_sentences', 'BucketSentenceIter']


def encode_sentences(sentences, vocab=None, invalid_label=-1, invalid_key='\n', start_label=0,
                     unknown_token=None):
    """Encode sentences (lists of words) as lists of integer ids.

    With ``vocab=None`` a vocabulary is built (``invalid_key`` maps to ``invalid_label``, new
    words get ids from ``start_label`` on, skipping ``invalid_label``).  With a given vocab,
    an unknown word is an error unless ``unknown_token`` is set; then, as in MXNet, the
    unknown token receives the next free id (a new one at each unknown word).

    Returns ``(encoded_sentences, vocab)``.
    """
    idx = start_label
    if vocab is None:
        vocab = {invalid_key: invalid_label}
        new_vocab = True
    else:
        new_vocab = False
    res = []
    for sent in sentences:
        coded = []
        for word in sent:
            if word not in vocab:
                if not (new_vocab or unknown_token):
                    raise MXNetValueError('encode_sentences: unknown token %r is not in vocab; '
                                          'pass unknown_token="<unk>" (or vocab=None to build '
                                          'the vocabulary)' % (word,))
                if idx == invalid_label:
                    idx += 1
                if unknown_token:
                    word = unknown_token
                vocab[word] = idx
                idx += 1
            coded.append(vocab[word])
        res.append(coded)
    return res, vocab


class BucketSentenceIter(DataIter):
    """Iterate over sentences in buckets of equal (padded) length.

    Parameters
    ----------
    sentences : list of list of int
        Encoded sentences (see :func:`encode_sentences`).
    batch_size : int
    buckets : list of int, optional
        Bucket lengths; by default every length that at least ``batch_size`` sentences
        have.  A sentence goes to the shortest bucket that holds it, padded with
        ``invalid_label``; sentences longer than every bucket are dropped with a warning.
        Buckets no sentence falls into are removed.
    invalid_label : int
        The padding value (also the label after each sentence's last word).
    data_name, label_name : str
    dtype : str
    layout : str
        'NT' (batch major) or 'TN' (time major).

    Labels are the data shifted one step left.  Each ``reset()`` shuffles the batch
    order with Python's ``random`` module and the sentences within each bucket with
    numpy's global RNG, as MXNet does.
    """

    def __init__(self, sentences, batch_size, buckets=None, invalid_label=-1, data_name='data',
                 label_name='softmax_label', dtype='float32', layout='NT'):
        super().__init__()
        if layout not in ('NT', 'TN'):
            raise MXNetValueError('BucketSentenceIter: invalid layout %r: Must by NT (batch '
                                  'major) or TN (time major)' % (layout,))
        if not buckets:
            counts = np.bincount([len(s) for s in sentences]) if len(sentences) else []
            buckets = [i for i, j in enumerate(counts) if j >= batch_size]
        buckets = sorted(buckets)

        ndiscard = 0
        data = [[] for _ in buckets]
        longest = 0
        for sent in sentences:
            buck = bisect.bisect_left(buckets, len(sent))
            if buck == len(buckets):
                ndiscard += 1
                longest = max(longest, len(sent))
                continue
            buff = np.full((buckets[buck],), invalid_label, dtype=dtype)
            buff[:len(sent)] = sent
            data[buck].append(buff)
        # (MXNet prints this line every time, also for 0)
        print('WARNING: discarded %d sentences longer than the largest bucket.' % ndiscard)
        if ndiscard:
            warnings.warn('BucketSentenceIter: discarded %d sentences longer than the largest '
                          'bucket (%s; the longest sentence has %d words); add a larger bucket '
                          'to keep them' % (ndiscard, max(buckets) if buckets else 'none',
                                            longest))
        kept = [i for i, d in enumerate(data) if d]
        buckets = [buckets[i] for i in kept]
        if not buckets:
            raise MXNetValueError('BucketSentenceIter: no sentence fits any bucket (buckets=%s, '
                                  '%d sentences); pass buckets= with lengths covering the '
                                  'sentences, or a batch_size no larger than the number of '
                                  'sentences of a common length' % (sorted(buckets or []),
                                                                    len(sentences)))
        self.data = [np.asarray(data[i], dtype=dtype) for i in kept]

        self.batch_size = batch_size
        self.buckets = buckets
        self.data_name = data_name
        self.label_name = label_name
        self.dtype = dtype
        self.invalid_label = invalid_label
        self.nddata = []
        self.ndlabel = []
        self.major_axis = layout.find('N')
        self.layout = layout
        self.default_bucket_key = max(buckets)

        shape = (batch_size, self.default_bucket_key)
        if self.major_axis == 1:
            shape = shape[::-1]
        self.provide_data = [DataDesc(name=self.data_name, shape=shape, layout=self.layout)]
        self.provide_label = [DataDesc(name=self.label_name, shape=shape, layout=self.layout)]

        self.idx = []
        for i, buck in enumerate(self.data):
            self.idx.extend([(i, j) for j in range(0, len(buck) - batch_size + 1, batch_size)])
        self.curr_idx = 0
        self.reset()

    def reset(self):
        """Shuffle the batches and the sentences of each bucket; start again."""
        self.curr_idx = 0
        random.shuffle(self.idx)
        for buck in self.data:
            np.random.shuffle(buck)
        self.nddata = []
        self.ndlabel = []
        for buck in self.data:
            label = np.empty_like(buck)
            label[:, :-1] = buck[:, 1:]
            label[:, -1] = self.invalid_label
            self.nddata.append(ndarray.array(buck, dtype=self.dtype))
            self.ndlabel.append(ndarray.array(label, dtype=self.dtype))

    def next(self):
        if self.curr_idx == len(self.idx):
            raise StopIteration
        i, j = self.idx[self.curr_idx]
        self.curr_idx += 1
        if self.major_axis == 1:
            data = self.nddata[i][j:j + self.batch_size].T
            label = self.ndlabel[i][j:j + self.batch_size].T
        else:
            data = self.nddata[i][j:j + self.batch_size]
            label = self.ndlabel[i][j:j + self.batch_size]
        return DataBatch([data], [label], pad=0, bucket_key=self.buckets[i],
                         provide_data=[DataDesc(name=self.data_name, shape=data.shape,
                                                layout=self.layout)],
                         provide_label=[DataDesc(name=self.label_name, shape=label.shape,
                                                 layout=self.layout)])
