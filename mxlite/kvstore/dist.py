"""Distributed KVStores ('dist_sync', 'dist_device_sync', 'dist_async')."""
from ..base import MXNetError


def create_dist(name):
    raise MXNetError("kvstore.create(%r): distributed training runs on MPI; install it with "
                     "pip install -e '.[dist]' (mpi4py and mpich) and start the workers with "
                     "tools/launch.py or mpiexec" % (name,))
