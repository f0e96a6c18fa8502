"""``gluon.utils``: splitting batches across contexts, gradient clipping, downloads."""
import hashlib
import math
import os
import shutil
import tempfile
import warnings

import numpy as np

from ..base import MXNetError

__all__ = ['split_data', 'split_and_load', 'clip_global_norm', 'check_sha1', 'download']


def split_data(data, num_slice, batch_axis=0, even_split=True):
    """Split ``data`` into ``num_slice`` parts along ``batch_axis``.

    With ``even_split=False`` the first ``size % num_slice`` parts are one longer.
    """
    from .. import ndarray as nd
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise ValueError("data with shape %s cannot be evenly split into %d slices along axis %d. "
                         "Use a batch size that's multiple of %d or set even_split=False to allow "
                         "uneven partitioning of data." % (str(data.shape), num_slice, batch_axis,
                                                           num_slice))
    n_each_section, extras = divmod(size, num_slice)
    if size < num_slice:
        raise ValueError('Too many slices for data with shape %s. Arguments are num_slice=%d and '
                         'batch_axis=%d.' % (str(data.shape), num_slice, batch_axis))
    # the first ``extras`` slices are one longer (numpy's array_split)
    sizes = [n_each_section + 1] * extras + [n_each_section] * (num_slice - extras)
    starts = np.cumsum([0] + sizes)
    bounds = [(int(starts[i]), int(starts[i + 1])) for i in range(num_slice)]
    if batch_axis == 0:
        return [data[a:b] for a, b in bounds]
    if even_split:
        parts = nd.split(data, num_outputs=num_slice, axis=batch_axis)
        return parts if isinstance(parts, list) else [parts]
    return [nd.slice_axis(data, batch_axis, a, b) for a, b in bounds]


def split_and_load(data, ctx_list, batch_axis=0, even_split=True):
    """Split ``data`` (NDArray or array-like) and put one part on each context."""
    from .. import ndarray as nd
    from ..ndarray.ndarray import NDArray
    if not isinstance(data, NDArray):
        data = nd.array(data, ctx=ctx_list[0])
    if len(ctx_list) == 1:
        return [data.as_in_context(ctx_list[0])]
    slices = split_data(data, len(ctx_list), batch_axis, even_split)
    return [s.as_in_context(c) for s, c in zip(slices, ctx_list)]


def clip_global_norm(arrays, max_norm, check_isfinite=True):
    """Scale ``arrays`` in place so that their joint 2-norm is at most ``max_norm``.

    Returns the norm before clipping (a float; an NDArray with ``check_isfinite=False``).
    """
    from .. import ndarray as nd
    if not arrays:
        raise MXNetError('clip_global_norm: arrays must not be empty')
    total = 0.0
    for arr in arrays:
        a = arr._data.astype(np.float64, copy=False).ravel()
        total += float(np.dot(a, a))
    total_norm = math.sqrt(total)
    if check_isfinite and not np.isfinite(total_norm):
        warnings.warn(UserWarning('nan or inf is detected. Clipping results will be undefined.'),
                      stacklevel=2)
    scale = min(max_norm / (total_norm + 1e-8), 1.0)
    for arr in arrays:
        arr *= scale
    if check_isfinite:
        return total_norm
    return nd.array([total_norm], ctx=arrays[0].context, dtype=arrays[0].dtype)


def check_sha1(filename, sha1_hash):
    """True when the file's SHA-1 hex digest equals ``sha1_hash``."""
    sha1 = hashlib.sha1()
    with open(filename, 'rb') as f:
        while True:
            chunk = f.read(1048576)
            if not chunk:
                break
            sha1.update(chunk)
    return sha1.hexdigest() == sha1_hash


def download(url, path=None, overwrite=False, sha1_hash=None, retries=5, verify_ssl=True):
    """Download ``url`` to ``path`` (a file, or a folder to put it in); returns the file name.

    An existing file (with the right ``sha1_hash``, when given) is not fetched
    again.  Without a network the error names the file to put in place by hand.
    """
    import urllib.request
    if path is None:
        fname = url.split('/')[-1]
    else:
        path = os.path.expanduser(path)
        fname = os.path.join(path, url.split('/')[-1]) if os.path.isdir(path) else path
    if not fname:
        raise MXNetError("Can't construct file-name from this URL. Please set the `path` option.")
    if not overwrite and os.path.exists(fname) and (not sha1_hash or check_sha1(fname, sha1_hash)):
        return fname
    dirname = os.path.dirname(os.path.abspath(fname))
    os.makedirs(dirname, exist_ok=True)
    if retries < 0:
        raise MXNetError('Number of retries should be at least 0, currently it is %d' % retries)
    last_error = None
    for _ in range(retries + 1):
        fd, tmp = tempfile.mkstemp(dir=dirname, prefix='.download-')
        try:
            with os.fdopen(fd, 'wb') as out, urllib.request.urlopen(url, timeout=30) as resp:
                shutil.copyfileobj(resp, out)
            if sha1_hash and not check_sha1(tmp, sha1_hash):
                raise MXNetError('File {} is downloaded but the content hash does not match. The '
                                 'repo may be outdated or download may be incomplete.'.format(url))
            os.replace(tmp, fname)
            return fname
        except (OSError, ValueError) as e:
            last_error = e
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)
    raise MXNetError('download of %s failed (%s). Without network access, fetch the file '
                     'elsewhere and put it at %s' % (url, last_error, os.path.abspath(fname)))
