"""Read and write MXNet's RecordIO format (``mx.recordio``), byte for byte.

File layout (little-endian), one record after another::

    uint32 magic          0xCED7230A
    uint32 lrecord        upper 3 bits: continue flag, lower 29 bits: length
    bytes  data[length]   then zero padding up to a multiple of 4 bytes

A record whose payload contains the magic number at a 4-byte aligned offset
is split there into parts (flag 1 = first, 2 = middle, 3 = last; 0 = whole
record) and the magic word itself is dropped; readers put it back between
parts.  This keeps every aligned magic word in a file a record head, so a
reader can find record boundaries from any offset.

An image record (``pack``) starts with a 24-byte header ``IfQQ`` (flag,
label, id, id2); when the label is an array, ``flag`` is its length and the
float32 labels follow the header.

Every structural problem in a file (bad magic, impossible length, truncation,
a broken multi-part chain, an index offset past the end) raises
:class:`~mxlite.base.MXNetError` naming the file and the byte offset.
"""
import numbers
import os
import struct
from collections import namedtuple
from multiprocessing import current_process

import numpy as np

from .base import MXNetError, MXNetTypeError, MXNetValueError

__all__ = ['MXRecordIO', 'MXIndexedRecordIO', 'IRHeader', 'pack', 'unpack', 'pack_img',
           'unpack_img']

MAGIC = 0xCED7230A
_MAGIC_BYTES = struct.pack('<I', MAGIC)
_LEN_MASK = (1 << 29) - 1
MAX_RECORD = 1 << 29


class MXNetKeyError(MXNetError, KeyError):
    """A missing key: both ``MXNetError`` and ``KeyError``."""

    def __str__(self):
        return RuntimeError.__str__(self)


def _encode_lrec(cflag, length):
    return (cflag << 29) | length


def encode_record(buf):
    """The bytes ``MXRecordIO.write`` appends for payload ``buf``."""
    size = len(buf)
    if size >= MAX_RECORD:
        raise MXNetValueError('RecordIO: a record must be smaller than 2^29 bytes (512 MiB), '
                              'this one has %d bytes; split the payload' % size)
    parts = []
    dptr = 0
    # aligned occurrences of the magic word split the record
    start = 0
    lower_align = size & ~3
    while True:
        i = buf.find(_MAGIC_BYTES, start, lower_align)
        if i < 0:
            break
        if i & 3:
            start = i + 1
            continue
        parts.append(struct.pack('<II', MAGIC, _encode_lrec(1 if dptr == 0 else 2, i - dptr)))
        parts.append(buf[dptr:i])
        dptr = i + 4
        start = dptr
    parts.append(struct.pack('<II', MAGIC, _encode_lrec(3 if dptr != 0 else 0, size - dptr)))
    parts.append(buf[dptr:])
    pad = (-size) & 3
    if pad:
        parts.append(b'\0' * pad)
    return b''.join(parts)


class RecordReader:
    """Low-level, validating reader of a RecordIO file object.

    ``read()`` returns the next payload (bytes) or ``None`` at a clean end of
    file; ``seek(offset)`` moves to a record head.  Not thread safe: give
    every thread its own reader.
    """

    def __init__(self, fileobj, name):
        self.f = fileobj
        self.name = name
        self.size = os.fstat(fileobj.fileno()).st_size
        self.pos = 0

    def seek(self, offset):
        if offset < 0 or offset > self.size:
            raise MXNetError('%s: cannot seek to byte %d: the file has %d bytes (a stale or '
                             'corrupt index?)' % (self.name, offset, self.size))
        if offset & 3:
            raise MXNetError('%s: cannot seek to byte %d: record heads are 4-byte aligned '
                             '(a stale or corrupt index?)' % (self.name, offset))
        self.f.seek(offset)
        self.pos = offset

    def _fail(self, pos, what):
        return MXNetError('%s: invalid RecordIO file: %s at byte %d' % (self.name, what, pos))

    def read(self):
        f = self.f
        head_pos = self.pos
        chunks = []
        first = True
        while True:
            pos = self.pos
            hdr = f.read(8)
            if not hdr:
                if first:
                    return None
                raise self._fail(pos, 'end of file inside a multi-part record that started at '
                                      'byte %d' % head_pos)
            if len(hdr) < 8:
                raise self._fail(pos, 'truncated record header (%d of 8 bytes)' % len(hdr))
            magic, lrec = struct.unpack('<II', hdr)
            if magic != MAGIC:
                raise self._fail(pos, 'bad magic number 0x%08X (expected 0x%08X)' % (magic, MAGIC))
            cflag = lrec >> 29
            length = lrec & _LEN_MASK
            if first and cflag not in (0, 1):
                raise self._fail(pos, 'record continuation flag %d where a record must start '
                                      '(0 or 1)' % cflag)
            if not first and cflag not in (2, 3):
                raise self._fail(pos, 'continuation flag %d inside a multi-part record that '
                                      'started at byte %d (expected 2 or 3)' % (cflag, head_pos))
            padded = (length + 3) & ~3
            if pos + 8 + padded > self.size:
                raise self._fail(pos, 'record length %d runs past the end of the file (%d bytes)'
                                 % (length, self.size))
            data = f.read(padded)
            if len(data) != padded:
                raise self._fail(pos, 'truncated record data')
            # writers split a record at every aligned magic word, so one inside the data
            # means bytes were lost or duplicated here (and a partition could start in it)
            hit = data.find(_MAGIC_BYTES, 0, length & ~3)
            while hit >= 0:
                if not hit & 3:
                    raise self._fail(pos + 8 + hit, 'magic number inside the data of the record '
                                                    'at byte %d (writers never leave one there)'
                                     % pos)
                hit = data.find(_MAGIC_BYTES, hit + 1, length & ~3)
            self.pos = pos + 8 + padded
            if padded != length:
                data = data[:length]
            if cflag == 0:
                return data
            chunks.append(data)
            if cflag == 3:
                return _MAGIC_BYTES.join(chunks)
            first = False


def iter_record_heads(buf):
    """Offsets of the record heads in a RecordIO buffer (aligned magic + flag 0/1)."""
    words = np.frombuffer(buf, dtype='<u4', count=len(buf) // 4)
    if len(words) < 2:
        return np.zeros(0, dtype=np.int64)
    cand = np.nonzero(words[:-1] == MAGIC)[0]
    flags = words[cand + 1] >> 29
    return cand[(flags == 0) | (flags == 1)].astype(np.int64) * 4


def _as_bytes(buf, what):
    if isinstance(buf, bytes):
        return buf
    if isinstance(buf, (bytearray, memoryview)):
        return bytes(buf)
    if isinstance(buf, np.ndarray):
        return buf.tobytes()
    if isinstance(buf, str):
        return buf.encode('utf-8')
    raise MXNetTypeError('%s: buf must be bytes (or bytearray/str), got %s'
                         % (what, type(buf).__name__))


class MXRecordIO:
    """Reads/writes a RecordIO file sequentially (``mx.recordio.MXRecordIO``).

    Parameters
    ----------
    uri : str
        Path to the record file.
    flag : str
        ``'w'`` to write (truncates) or ``'r'`` to read.
    """

    def __init__(self, uri, flag):
        self.uri = os.fspath(uri)
        self.flag = flag
        self.pid = None
        self.is_open = False
        self.writable = flag == 'w'
        self._f = None
        self._reader = None
        self.open()

    def open(self):
        """Opens the record file."""
        if self.flag == 'w':
            try:
                self._f = open(self.uri, 'wb')
            except OSError as e:
                raise MXNetError('MXRecordIO: cannot open %s for writing: %s'
                                 % (self.uri, e.strerror or e)) from None
            self.writable = True
            self._pos = 0
        elif self.flag == 'r':
            try:
                self._f = open(self.uri, 'rb')
            except OSError as e:
                raise MXNetError('MXRecordIO: cannot open %s for reading: %s'
                                 % (self.uri, e.strerror or e)) from None
            self.writable = False
            self._reader = RecordReader(self._f, self.uri)
        else:
            raise MXNetValueError("Invalid flag %s: MXRecordIO flag must be 'r' or 'w'"
                                  % (self.flag,))
        self.pid = current_process().pid
        self.is_open = True

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - never raise from a finalizer
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __getstate__(self):
        """Pickle the path and mode; the file is reopened on unpickling."""
        is_open = self.is_open
        self.close()
        d = dict(self.__dict__)
        d['is_open'] = is_open
        d['_f'] = None
        d['_reader'] = None
        return d

    def __setstate__(self, d):
        self.__dict__ = d
        is_open = d['is_open']
        self.is_open = False
        if is_open:
            self.open()

    def _check_pid(self, allow_reset=False):
        """Check process id to ensure integrity, reset if in new process."""
        if not self.is_open:
            raise MXNetError('MXRecordIO: %s is closed; call open() first' % self.uri)
        if self.pid != current_process().pid:
            if allow_reset:
                self.reset()
            else:
                raise MXNetError('MXRecordIO: %s was opened in another process; forbidden '
                                 'operation in multiple processes (call reset() first)'
                                 % self.uri)

    def close(self):
        """Closes the record file (flushing what was written)."""
        if not self.is_open:
            return
        f, self._f = self._f, None
        self._reader = None
        self.is_open = False
        self.pid = None
        if f is not None:
            f.close()

    def reset(self):
        """Rewinds to the first record; for a writer this truncates the file."""
        self.close()
        self.open()

    def write(self, buf):
        """Appends ``buf`` (bytes) as one record."""
        if not self.writable:
            raise MXNetError('MXRecordIO.write: %s is opened for reading' % self.uri)
        self._check_pid(allow_reset=False)
        data = encode_record(_as_bytes(buf, 'MXRecordIO.write'))
        self._f.write(data)
        self._pos += len(data)

    def read(self):
        """Returns the next record as bytes, or ``None`` at the end of the file."""
        if self.writable:
            raise MXNetError('MXRecordIO.read: %s is opened for writing' % self.uri)
        self._check_pid(allow_reset=False)
        return self._reader.read()

    def tell(self):
        """Byte offset of the next record written."""
        if not self.writable:
            raise MXNetError('MXRecordIO.tell: only available when writing; %s is opened for '
                             'reading' % self.uri)
        self._check_pid(allow_reset=False)
        return self._pos


class MXIndexedRecordIO(MXRecordIO):
    """RecordIO with random access through an index file (``key\\toffset`` lines).

    Parameters
    ----------
    idx_path : str
        Path to the index file.
    uri : str
        Path to the record file.
    flag : str
        ``'w'`` or ``'r'``.
    key_type : type
        Type of the keys (``int`` by default).
    """

    def __init__(self, idx_path, uri, flag, key_type=int):
        self.idx_path = os.fspath(idx_path)
        self.idx = {}
        self.keys = []
        self.key_type = key_type
        self.fidx = None
        super().__init__(uri, flag)

    def open(self):
        super().open()
        self.idx = {}
        self.keys = []
        try:
            self.fidx = open(self.idx_path, 'w' if self.writable else 'rb')
        except OSError as e:
            super().close()
            raise MXNetError('MXIndexedRecordIO: cannot open index file %s: %s'
                             % (self.idx_path, e.strerror or e)) from None
        if not self.writable:
            self.idx, self.keys = read_index(self.fidx, self.idx_path, self.key_type)

    def close(self):
        """Closes the record and the index file."""
        if not self.is_open:
            return
        super().close()
        if self.fidx is not None:
            self.fidx.close()
            self.fidx = None

    def __getstate__(self):
        d = super().__getstate__()
        d['fidx'] = None
        return d

    def seek(self, idx):
        """Moves the read pointer to the record with key ``idx``."""
        if self.writable:
            raise MXNetError('MXIndexedRecordIO.seek: %s is opened for writing' % self.uri)
        self._check_pid(allow_reset=True)
        try:
            pos = self.idx[idx]
        except KeyError:
            raise MXNetKeyError('MXIndexedRecordIO: key %r is not in index %s (%d keys)'
                                % (idx, self.idx_path, len(self.keys))) from None
        self._reader.seek(pos)

    def read_idx(self, idx):
        """Returns the record with key ``idx``."""
        self.seek(idx)
        rec = self.read()
        if rec is None:
            raise MXNetError('%s: index %s says key %r is at byte %d, which is the end of the '
                             'file' % (self.uri, self.idx_path, idx, self.idx[idx]))
        return rec

    def write_idx(self, idx, buf):
        """Appends ``buf`` as a record under key ``idx``."""
        key = self.key_type(idx)
        pos = self.tell()
        self.write(buf)
        self.fidx.write('%s\t%d\n' % (str(key), pos))
        self.idx[key] = pos
        self.keys.append(key)


def read_index(fobj, name, key_type=int):
    """Parse an index file opened in binary mode.

    Returns (dict key -> offset, list of keys in file order).
    """
    idx = {}
    keys = []
    offset = 0
    for lineno, raw in enumerate(iter(fobj.readline, b''), 1):
        start = offset
        offset += len(raw)
        try:
            line = raw.decode('utf-8')
        except UnicodeDecodeError:
            raise MXNetError('%s: index line %d at byte %d is not valid UTF-8 text'
                             % (name, lineno, start)) from None
        parts = line.strip().split('\t')
        if parts == ['']:
            continue
        if len(parts) < 2:
            raise MXNetError('%s: invalid index line %d at byte %d: %r (expected '
                             '"key<TAB>offset")' % (name, lineno, start, line[:80]))
        try:
            key = key_type(parts[0])
            pos = int(parts[1])
        except ValueError:
            raise MXNetError('%s: invalid index line %d at byte %d: %r (expected '
                             '"key<TAB>offset")' % (name, lineno, start, line[:80])) from None
        if pos < 0:
            raise MXNetError('%s: negative record offset %d on line %d at byte %d'
                             % (name, pos, lineno, start))
        idx[key] = pos
        keys.append(key)
    return idx, keys


IRHeader = namedtuple('HEADER', ['flag', 'label', 'id', 'id2'])
"""Header of an image record: ``flag`` (number of labels when ``label`` is an
array), ``label`` (float or array of floats), ``id`` and ``id2`` (uint64)."""

_IR_FORMAT = 'IfQQ'
_IR_SIZE = struct.calcsize(_IR_FORMAT)


def pack(header, s):
    """Pack bytes ``s`` with an :class:`IRHeader` into an image record.

    A numeric ``header.label`` is stored in the header (flag 0); an array
    label is stored as float32 values after the header with flag = its size.
    """
    header = IRHeader(*header)
    s = _as_bytes(s, 'pack')
    if isinstance(header.label, numbers.Number):
        header = header._replace(flag=0)
    else:
        label = np.asarray(header.label, dtype=np.float32)
        header = header._replace(flag=label.size, label=0)
        s = label.tobytes() + s
    try:
        return struct.pack(_IR_FORMAT, *header) + s
    except struct.error as e:
        raise MXNetValueError('pack: invalid header %r: %s (flag: uint32, label: float, id and '
                              'id2: uint64)' % (header, e)) from None


def unpack(s):
    """Split an image record into (:class:`IRHeader`, payload bytes)."""
    s = _as_bytes(s, 'unpack')
    if len(s) < _IR_SIZE:
        raise MXNetError('unpack: record of %d bytes is shorter than the %d-byte image record '
                         'header' % (len(s), _IR_SIZE))
    header = IRHeader(*struct.unpack(_IR_FORMAT, s[:_IR_SIZE]))
    s = s[_IR_SIZE:]
    if header.flag > 0:
        if header.flag * 4 > len(s):
            raise MXNetError('unpack: header flag says %d labels (%d bytes) but only %d bytes '
                             'follow the header' % (header.flag, header.flag * 4, len(s)))
        header = header._replace(label=np.frombuffer(s, np.float32, header.flag))
        s = s[header.flag * 4:]
    return header, s


def _cv2():
    import cv2
    return cv2


def unpack_img(s, iscolor=-1):
    """Unpack an image record into (:class:`IRHeader`, numpy image as OpenCV decodes it, BGR)."""
    header, s = unpack(s)
    img = np.frombuffer(s, dtype=np.uint8)
    img = _cv2().imdecode(img, iscolor)
    return header, img


def pack_img(header, img, quality=95, img_fmt='.jpg'):
    """Encode numpy image ``img`` (BGR, as OpenCV uses) and pack it with ``header``.

    ``quality`` is the JPEG quality (1-100) or the PNG compression (0-9).
    """
    cv2 = _cv2()
    encode_params = []
    if img_fmt.upper() in ('.JPG', '.JPEG'):
        encode_params = [cv2.IMWRITE_JPEG_QUALITY, quality]
    elif img_fmt.upper() in ('.PNG',):
        encode_params = [cv2.IMWRITE_PNG_COMPRESSION, quality]
    try:
        ret, buf = cv2.imencode(img_fmt, np.asarray(img), encode_params)
    except cv2.error as e:
        raise MXNetError('pack_img: failed to encode image of shape %s as %s: %s'
                         % (getattr(img, 'shape', None), img_fmt, str(e).strip())) from None
    if not ret:
        raise MXNetError('pack_img: failed to encode image of shape %s as %s'
                         % (getattr(img, 'shape', None), img_fmt))
    return pack(header, buf.tobytes())
