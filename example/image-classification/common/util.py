"""Downloads and device queries used by the example scripts."""
import errno
import os
import shutil
import urllib.request

from . import find_mxnet  # noqa: F401  (makes mxlite importable)
import mxlite as mx


def download_file(url, local_fname=None, force_write=False, timeout=30):
    """Fetch ``url`` into ``local_fname`` (default: its base name) unless it is already there.

    Returns the local file name.  Network errors propagate (``urllib.error.URLError``,
    ``OSError``); a partial download never replaces the target.
    """
    if local_fname is None:
        local_fname = url.split('/')[-1]
    if not force_write and os.path.exists(local_fname):
        return local_fname
    tmp = local_fname + '.part'
    with urllib.request.urlopen(url, timeout=timeout) as response:
        dir_name = os.path.dirname(local_fname)
        if dir_name:
            try:
                os.makedirs(dir_name)
            except OSError as exc:
                if exc.errno != errno.EEXIST:
                    raise
        try:
            with open(tmp, 'wb') as out:
                shutil.copyfileobj(response, out)
            os.replace(tmp, local_fname)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    return local_fname


def get_gpus():
    """The indices of the GPUs MXNet could use (none with mxlite, which runs on the CPU)."""
    return range(mx.context.num_gpus())
