"""``mx.kv``: key-value stores for synchronising parameters across devices and workers."""
from ..base import MXNetError
from .kvstore import KVStore, LOCAL_TYPES

__all__ = ['KVStore', 'create']


def create(name='local'):
    """A KVStore of type ``name``.

    Local: 'local', 'device', 'local_allreduce_cpu', ... (one process).
    Distributed, over the processes of an MPI job (``tools/launch.py`` or
    ``mpiexec``; see :mod:`.dist`): 'dist_sync' ('dist', 'dist_device_sync',
    'dist_sync_device') and 'dist_async'.
    """
    if not isinstance(name, str):
        raise MXNetError('kvstore.create: name must be a string, got %r' % (name,))
    if name in LOCAL_TYPES:
        return KVStore(name)
    if name.startswith('dist'):
        from .dist import create_dist
        return create_dist(name)
    raise MXNetError("kvstore.create: unknown type %r; use one of %s or 'dist_sync', "
                     "'dist_device_sync', 'dist_async'" % (name, ', '.join(LOCAL_TYPES)))
