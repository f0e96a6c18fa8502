"""Which worker this process is, for "only rank 0 writes checkpoints and logs".

A distributed KVStore records its rank here when it is created.  Until then
(and in single-process training) every process is the primary one.  Setting
``MXLITE_DIST_ALL_RANKS=1`` makes every worker log and write checkpoints
(checkpoint prefixes must then differ per rank, as in MXNet's
``example/image-classification/common/fit.py``).
"""
import os

__all__ = ['set_worker', 'worker_rank', 'num_workers', 'is_primary']

_RANK = 0
_NUM_WORKERS = 1


def set_worker(rank, num_workers):
    global _RANK, _NUM_WORKERS
    _RANK, _NUM_WORKERS = int(rank), int(num_workers)


def worker_rank():
    return _RANK


def num_workers():
    return _NUM_WORKERS


def is_primary():
    """True on rank 0, in single-process runs, or everywhere with MXLITE_DIST_ALL_RANKS=1."""
    if _RANK == 0:
        return True
    return os.environ.get('MXLITE_DIST_ALL_RANKS', '').strip().lower() in ('1', 'true', 'yes')
