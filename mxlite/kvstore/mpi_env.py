"""Loading MPI (through ``mpi4py``) for the distributed KVStores, with a clear error.

``mpi4py`` initialises MPI when ``mpi4py.MPI`` is first imported, so nothing
here runs until a distributed KVStore is created.  A missing ``mpi4py``, or an
``mpi4py`` whose MPI library cannot be loaded, becomes an ``MXNetError`` that
says what to install.
"""
from ..base import MXNetError

__all__ = ['load_mpi', 'INSTALL_HINT']

INSTALL_HINT = ("install mpi4py and an MPI implementation with  pip install -e '.[dist]'  "
                "(mpi4py and mpich from PyPI, no compiler needed), or use Debian/Ubuntu's "
                "OpenMPI:  apt install openmpi-bin libopenmpi-dev && pip install mpi4py;  then "
                "start the workers with  python tools/launch.py -n 2 python your_script.py  or  "
                "mpiexec -n 2 python your_script.py")


def load_mpi(kv_type):
    """The ``mpi4py.MPI`` module, or an MXNetError naming what to install."""
    try:
        import mpi4py
    except ImportError:
        raise MXNetError("kvstore.create(%r): distributed training runs on MPI but mpi4py is not "
                         "installed; %s" % (kv_type, INSTALL_HINT)) from None
    try:
        mpi4py.rc.threads = True
        mpi4py.rc.thread_level = 'multiple'
        from mpi4py import MPI
    except (ImportError, RuntimeError, OSError) as e:
        raise MXNetError("kvstore.create(%r): mpi4py is installed but cannot load an MPI "
                         "library (%s); %s" % (kv_type, e, INSTALL_HINT)) from None
    return MPI
