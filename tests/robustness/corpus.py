"""Valid inputs the fuzz tests corrupt: .params buffers, symbol JSON, RecordIO, .lst text."""
import os
import struct

import numpy as np

DATA = os.path.join(os.path.dirname(__file__), '..', 'data')
PIPE = os.path.join(DATA, 'pipeline')


def _read(*parts, mode='rb'):
    with open(os.path.join(*parts), mode) as f:
        return f.read()


def _legacy_array(magic_v1, shape, data):
    """One array in MXNet's V1 (magic 0xF993FAC8) or pre-V1 (uint32 dims) layout."""
    if magic_v1:
        head = struct.pack('<Ii', 0xF993FAC8, len(shape)) + struct.pack('<%dq' % len(shape), *shape)
    else:
        head = struct.pack('<I', len(shape)) + struct.pack('<%dI' % len(shape), *shape)
    return head + struct.pack('<iii', 1, 0, 0) + np.asarray(data, '<f4').tobytes()


def params_corpus():
    """Valid ``.params`` files: MXNet-written goldens, every dtype, legacy layouts."""
    from mxlite.ndarray.serialization import dumps
    from mxlite.context import cpu
    rs = np.random.RandomState(0)
    out = [_read(DATA, 'params_dict.params'), _read(DATA, 'params_list.params'),
           _read(DATA, 'golden_ckpt-0003.params')]
    arrays = [rs.rand(2, 3).astype(np.float32), np.arange(5, dtype=np.int8),
              np.array(2.5, np.float64), np.zeros((0, 3), np.uint8),
              rs.rand(1, 2, 2).astype(np.float16), np.array([True, False])]
    out.append(dumps([(a, cpu()) for a in arrays], ['arg:a', 'aux:b', 'c', 'd', 'e', 'f']))
    out.append(dumps([(a, cpu()) for a in arrays[:3]], []))
    out.append(dumps([], []))
    legacy = [_legacy_array(True, (2, 2), [1, 2, 3, 4]), _legacy_array(False, (3,), [5, 6, 7])]
    out.append(struct.pack('<QQQ', 0x112, 0, 2) + b''.join(legacy) + struct.pack('<Q', 0))
    return out


def symbol_corpus():
    """Valid ``-symbol.json`` texts written by MXNet 1.9.1 and by mxlite."""
    import mxlite as mx
    out = [_read(DATA, name, mode='r') for name in
           ('sym_mlp.json', 'sym_lenet.json', 'sym_elemwise.json', 'golden_ckpt-symbol.json')]
    data = mx.sym.var('data')
    a = mx.sym.Convolution(data, kernel=(3, 3), num_filter=4, pad=(1, 1), name='c')
    b = mx.sym.BatchNorm(a, name='bn')
    c = mx.sym.Pooling(mx.sym.Activation(b, act_type='relu'), kernel=(2, 2), stride=(2, 2),
                       pool_type='max')
    d = mx.sym.Concat(c, c, dim=1, num_args=2)
    e = mx.sym.slice(mx.sym.Reshape(d, shape=(0, -1)), begin=(0, 1), end=(None, 5))
    f = mx.sym.FullyConnected(e, num_hidden=3, name='fc')
    out.append(mx.sym.SoftmaxOutput(f, name='softmax').tojson())
    return out


# the input shapes each symbol_corpus() graph runs with
SYMBOL_INPUTS = [{'data': (4, 8)}, {'data': (2, 1, 16, 16)}, {'a': (2, 3), 'b': (2, 3)},
                 {'data': (2, 1, 8, 8)}, {'data': (2, 3, 8, 8)}]


def recordio_corpus():
    """(name, bytes) of valid .rec files: raw records, packed image records, multi-part records."""
    from mxlite.recordio import encode_record, pack, IRHeader
    magic = struct.pack('<I', 0xCED7230A)
    multi = b''.join(encode_record(p) for p in
                     (b'ab' + magic + b'cd', magic * 3, b'x' * 7, b'', pack(IRHeader(2, [1.5, 2.5], 9, 0), b'img')))
    return [('raw', _read(PIPE, 'recordio', 'raw.rec')),
            ('packed', _read(PIPE, 'recordio', 'packed.rec')),
            ('multi', multi)]


def image_rec():
    """(rec bytes, idx text) of a small image .rec written by mxlite's im2rec goldens."""
    return (_read(PIPE, 'im2rec', 'golden.rec'), _read(PIPE, 'im2rec', 'golden.idx', mode='r'))


def lst_corpus():
    """Valid .lst texts: single labels, multiple labels."""
    golden = _read(PIPE, 'im2rec', 'golden.lst', mode='r')
    multi = ''.join('%d\t%.1f\t%.1f\t%d\timg/%d.jpg\n' % (i, i * 0.5, -i, i % 3, i) for i in range(12))
    return [golden, multi]
