"""MXNet's binary NDArray-list format (``.params``), byte for byte.

Layout (little-endian)::

    uint64 0x112              list magic
    uint64 0                  reserved
    uint64 n                  number of arrays, then n arrays:
        uint32 0xF993FAC9     array magic (V2; V3 0xF993FACA and V1 0xF993FAC8 load too)
        int32  0              storage type (dense)
        uint32 ndim, int64 dims[ndim]
        int32 dev_type, int32 dev_id
        int32 type_flag       (0 float32, 1 float64, 2 float16, 3 uint8, 4 int32, ...)
        raw data, C order
    uint64 m                  number of names (0, or n), then m of: uint64 len, bytes

Loading never trusts a size field: every count is checked against the bytes
left before anything is allocated, and any inconsistency raises
``MXNetError`` naming the file and the byte offset.
"""
import os
import struct
import tempfile

import numpy as np

from ..base import MXNetError, DTYPE_TO_FLAG, FLAG_TO_DTYPE

# the process umask, read once at import (os.umask can only be read by setting it)
_UMASK = os.umask(0o022)
os.umask(_UMASK)

LIST_MAGIC = 0x112
V1_MAGIC = 0xF993FAC8
V2_MAGIC = 0xF993FAC9
V3_MAGIC = 0xF993FACA
_MAX_BYTES = (1 << 63) - 1
_DEV_NAMES = {1: 'cpu', 2: 'gpu', 3: 'cpu_pinned', 5: 'cpu_shared'}


def _array_bytes(arr, ctx):
    data = np.ascontiguousarray(arr)
    flag = DTYPE_TO_FLAG.get(data.dtype)
    if flag is None:
        raise MXNetError('save: arrays of dtype %s cannot be saved in MXNet format' % data.dtype)
    parts = [struct.pack('<IiI', V2_MAGIC, 0, data.ndim),
             struct.pack('<%dq' % data.ndim, *data.shape),
             struct.pack('<iii', ctx.device_typeid, ctx.device_id, flag),
             data.astype(data.dtype.newbyteorder('<'), copy=False).tobytes()]
    return b''.join(parts)


def dumps(arrays, names):
    """The bytes of a ``.params`` file holding (numpy array, Context) pairs."""
    out = [struct.pack('<QQQ', LIST_MAGIC, 0, len(arrays))]
    out += [_array_bytes(a, c) for a, c in arrays]
    out.append(struct.pack('<Q', len(names)))
    for n in names:
        b = n.encode('utf-8')
        out.append(struct.pack('<Q', len(b)))
        out.append(b)
    return b''.join(out)


def _normalize(data):
    from .ndarray import NDArray
    if isinstance(data, NDArray):
        return [data], []
    if isinstance(data, dict):
        names, arrays = [], []
        for k, v in data.items():
            if not isinstance(k, str):
                raise MXNetError('save: dict keys must be strings, got %r' % (k,))
            if not isinstance(v, NDArray):
                raise MXNetError('save: value for key %r is a %s, not an NDArray'
                                 % (k, type(v).__name__))
            names.append(k)
            arrays.append(v)
        return arrays, names
    if isinstance(data, (list, tuple)):
        for i, v in enumerate(data):
            if not isinstance(v, NDArray):
                raise MXNetError('save: item %d is a %s, not an NDArray' % (i, type(v).__name__))
        return list(data), []
    raise MXNetError('save: data must be an NDArray, a list of NDArrays or a dict of str to '
                     'NDArray, got %s' % type(data).__name__)


def atomic_write(fname, payload):
    """Write ``payload`` to ``fname`` via a temporary file and rename.

    A crash mid-write leaves any previous ``fname`` intact.
    """
    fname = os.fspath(fname)
    folder = os.path.dirname(os.path.abspath(fname))
    fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(fname) + '.', suffix='.tmp',
                               dir=folder)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        # mkstemp creates 0600 files; give the result the usual open() permissions
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, fname)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def save(fname, data):
    """Save an NDArray, a list of them or a dict str -> NDArray in MXNet's format."""
    arrays, names = _normalize(data)
    payload = dumps([(a._data, a._ctx) for a in arrays], names)
    atomic_write(fname, payload)


class _Reader:
    def __init__(self, buf, source):
        self.buf = buf
        self.pos = 0
        self.source = source

    def fail(self, what):
        if what.startswith('truncated'):
            return MXNetError('%s: truncated at byte %d%s' % (self.source, self.pos, what[9:]))
        return MXNetError('%s: %s at byte %d' % (self.source, what, self.pos))

    def take(self, n, what):
        if n < 0 or self.pos + n > len(self.buf):
            raise MXNetError('%s: truncated at byte %d: %s needs %d bytes, %d left'
                             % (self.source, self.pos, what, n, len(self.buf) - self.pos))
        b = self.buf[self.pos:self.pos + n]
        self.pos += n
        return b

    def unpack(self, fmt, what):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), what))


def _read_array(r, index):
    start = r.pos
    (magic,) = r.unpack('<I', 'array %d header' % index)
    if magic in (V2_MAGIC, V3_MAGIC):
        (stype,) = r.unpack('<i', 'array %d storage type' % index)
        if stype != 0:
            raise MXNetError('%s: array %d at byte %d uses sparse storage type %d, which mxlite '
                             'does not support' % (r.source, index, start, stype))
        (ndim,) = r.unpack('<i', 'array %d ndim' % index)
        if ndim == -1:
            return None
        dim_fmt = 'q'
    elif magic == V1_MAGIC:
        (ndim,) = r.unpack('<i', 'array %d ndim' % index)
        dim_fmt = 'q'
    else:
        # pre-V1 files: the word is the number of dimensions, dims are uint32
        ndim = magic
        dim_fmt = 'I'
        if ndim > 32:
            raise MXNetError('%s: array %d at byte %d has an unknown header 0x%08X; this is not '
                             'an MXNet NDArray file or it is corrupt' % (r.source, index, start,
                                                                         magic))
    if ndim < 0 or ndim > 32:
        raise r.fail('array %d has an invalid number of dimensions %d' % (index, ndim))
    shape = r.unpack('<%d%s' % (ndim, dim_fmt), 'array %d shape' % index)
    if any(d < 0 for d in shape):
        raise r.fail('array %d has a negative dimension in shape %s' % (index, shape))
    if ndim == 0 and magic not in (V2_MAGIC, V3_MAGIC):
        return None
    dev_type, dev_id = r.unpack('<ii', 'array %d context' % index)
    if dev_type not in _DEV_NAMES:
        raise r.fail('array %d has an invalid device type %d' % (index, dev_type))
    (flag,) = r.unpack('<i', 'array %d dtype' % index)
    dtype = FLAG_TO_DTYPE.get(flag)
    if dtype is None:
        raise r.fail('array %d has an unknown dtype flag %d' % (index, flag))
    count = 1
    extent = dtype.itemsize
    for d in shape:
        count *= d
        extent *= max(d, 1)
    if extent > _MAX_BYTES:
        # numpy cannot even describe it (an empty array with huge dims included)
        raise r.fail('array %d shape %s is too large for an array' % (index, tuple(shape)))
    nbytes = count * dtype.itemsize
    raw = r.take(nbytes, 'array %d data (%s %s)' % (index, dtype.name, tuple(shape)))
    arr = np.frombuffer(raw, dtype=dtype.newbyteorder('<')).astype(dtype, copy=True)
    return arr.reshape(shape)


def loads(buf, source='<buffer>', name_offsets=None):
    """Parse ``.params`` bytes into (list of numpy arrays, list of names).

    ``name_offsets``, a list, receives the byte offset of every name (for
    callers that check names and must say where a bad one is).
    """
    r = _Reader(memoryview(buf), source)
    if len(buf) < 8:
        raise MXNetError('%s: not an MXNet NDArray file: truncated at byte %d (a file has at '
                         'least 8 bytes)' % (source, len(buf)))
    (magic,) = r.unpack('<Q', 'file header')
    if magic != LIST_MAGIC:
        raise MXNetError('%s: not an MXNet NDArray file (header 0x%X at byte 0, expected 0x112)'
                         % (source, magic))
    r.unpack('<Q', 'reserved word')
    (n,) = r.unpack('<Q', 'array count')
    # every array needs at least 12 bytes: refuse impossible counts before looping
    if n > (len(buf) - r.pos) // 12:
        raise r.fail('truncated: %d arrays need at least %d bytes, %d left (the array count '
                     'is larger than the file can hold)' % (n, 12 * n, len(buf) - r.pos))
    arrays = [_read_array(r, i) for i in range(n)]
    (m,) = r.unpack('<Q', 'name count')
    if m not in (0, n):
        raise r.fail('name count %d does not match array count %d' % (m, n))
    names = []
    for i in range(m):
        if name_offsets is not None:
            name_offsets.append(r.pos)
        (ln,) = r.unpack('<Q', 'name %d length' % i)
        raw = r.take(ln, 'name %d' % i)
        try:
            names.append(bytes(raw).decode('utf-8'))
        except UnicodeDecodeError:
            raise r.fail('name %d is not valid UTF-8' % i) from None
    if r.pos != len(buf):
        raise r.fail('%d unexpected trailing bytes' % (len(buf) - r.pos))
    return arrays, names


def _wrap(arrays, names):
    from .ndarray import NDArray
    from ..context import cpu
    nds = [None if a is None else NDArray(a, cpu(0)) for a in arrays]
    if names:
        return dict(zip(names, nds))
    return nds


def load(fname):
    """Load a ``.params`` file: a list of NDArrays, or a dict when it has names."""
    fname = os.fspath(fname)
    try:
        with open(fname, 'rb') as f:
            buf = f.read()
    except OSError as e:
        raise MXNetError('load: cannot read %s: %s' % (fname, e.strerror or e)) from None
    return _wrap(*loads(buf, fname))


def load_named(fname):
    """(dict name -> NDArray, dict name -> byte offset of the name) of a ``.params`` file."""
    fname = os.fspath(fname)
    try:
        with open(fname, 'rb') as f:
            buf = f.read()
    except OSError as e:
        raise MXNetError('load: cannot read %s: %s' % (fname, e.strerror or e)) from None
    offsets = []
    arrays, names = loads(buf, fname, offsets)
    if not names and arrays:
        raise MXNetError('%s: holds an unnamed list of %d arrays (name count 0 at byte %d); a '
                         'checkpoint needs names prefixed with arg: or aux:'
                         % (fname, len(arrays), len(buf) - 8))
    return _wrap(arrays, names) if names else {}, dict(zip(names, offsets))


def load_frombuffer(buf):
    """Like :func:`load`, from bytes in memory."""
    if not isinstance(buf, (bytes, bytearray, memoryview)):
        raise MXNetError('load_frombuffer: buf must be bytes, got %s' % type(buf).__name__)
    return _wrap(*loads(bytes(buf)))
