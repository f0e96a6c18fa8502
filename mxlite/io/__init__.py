"""``mx.io``: data iterators (NDArrayIter, ImageRecordIter, CSVIter, MNISTIter...)."""
from .base import DataDesc, DataBatch, DataIter, ResizeIter, PrefetchingIter
from .ndarray_iter import NDArrayIter
from .image_record_iter import ImageRecordIter, ImageRecordUInt8Iter, ImageRecordInt8Iter
from .csv_mnist import CSVIter, MNISTIter, LibSVMIter

__all__ = ['DataDesc', 'DataBatch', 'DataIter', 'ResizeIter', 'PrefetchingIter', 'NDArrayIter',
           'ImageRecordIter', 'ImageRecordUInt8Iter', 'ImageRecordInt8Iter', 'CSVIter',
           'MNISTIter', 'LibSVMIter']
