"""``mx.io``: data iterators (NDArrayIter, ImageRecordIter, CSVIter, MNISTIter...)."""
from .base import DataDesc, DataBatch, DataIter, ResizeIter, PrefetchingIter
from .ndarray_iter import NDArrayIter

__all__ = ['DataDesc', 'DataBatch', 'DataIter', 'ResizeIter', 'PrefetchingIter', 'NDArrayIter']
