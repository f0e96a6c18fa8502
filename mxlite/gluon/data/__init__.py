"""``gluon.data``: datasets, samplers and the DataLoader (``vision`` holds image datasets)."""
from .dataset import Dataset, SimpleDataset, ArrayDataset, RecordFileDataset
from .sampler import Sampler, SequentialSampler, RandomSampler, BatchSampler, IntervalSampler
from .dataloader import DataLoader, default_batchify_fn, default_mp_batchify_fn

__all__ = ['Dataset', 'SimpleDataset', 'ArrayDataset', 'RecordFileDataset', 'Sampler',
           'SequentialSampler', 'RandomSampler', 'BatchSampler', 'IntervalSampler', 'DataLoader',
           'default_batchify_fn', 'default_mp_batchify_fn', 'vision']


def __getattr__(name):
    if name == 'vision':
        import importlib
        module = importlib.import_module('.vision', __name__)
        globals()['vision'] = module
        return module
    raise AttributeError("module 'mxlite.gluon.data' has no attribute %r" % name)
