"""Read Caffe networks and weights without Caffe.

* ``read_prototxt(path)`` -- a ``.prototxt`` (protobuf text format) as a
  ``NetParameter``;
* ``read_caffemodel(path)`` -- a ``.caffemodel`` (protobuf binary);
* ``read_blobproto(path)`` -- a ``.binaryproto`` (one BlobProto, e.g. a mean
  image) as a numpy array;
* ``get_layers(net)`` -- the layers of the TEST-phase network as
  :class:`Layer` records, whichever of the two layer formats (``layer``,
  current, or the legacy ``layers`` with enum types) the file uses;
* ``get_inputs(net)`` -- the network inputs declared with ``input:`` plus
  ``input_dim:`` or ``input_shape {}`` (the ``Input`` layer form is a layer);
* ``blob_to_array(blob)`` -- a BlobProto as a float32 numpy array, in its
  ``shape {}`` or the legacy num/channels/height/width form.
"""
import os

import numpy as np

from caffe_schema import caffe_pb2, V1_LAYER_TYPES

__all__ = ['ConverterError', 'Layer', 'read_prototxt', 'read_caffemodel', 'read_blobproto',
           'get_layers', 'get_inputs', 'blob_to_array', 'layer_weights', 'sanitize']


class ConverterError(Exception):
    """A problem with the input files; the message says what and where."""


_V1_NAMES = {number: type_name for number, type_name in V1_LAYER_TYPES.values()}


def sanitize(name):
    """Caffe layer/blob name -> mx name (``/`` and ``-`` become ``_``, as MXNet's converter)."""
    return name.replace('/', '_').replace('-', '_')


class Layer:
    """One layer in a format-independent form.

    ``name``, ``type`` (the string type, also for legacy enum layers),
    ``bottom``/``top`` (lists of blob names), ``param`` (the protobuf layer
    message; read its parameters with ``layer.sub('convolution_param')``).
    Weights are read separately, with :func:`layer_weights`.
    """
    __slots__ = ('name', 'type', 'bottom', 'top', 'param')

    def __init__(self, name, type_, bottom, top, param):
        self.name = name
        self.type = type_
        self.bottom = list(bottom)
        self.top = list(top)
        self.param = param

    def sub(self, field):
        """The layer-specific parameter message ``field`` (defaults when unset)."""
        if self.param.DESCRIPTOR.fields_by_name.get(field) is None:
            # a legacy V1 layer has no such field: every value is Caffe's default
            fd = caffe_pb2.LayerParameter.DESCRIPTOR.fields_by_name[field]
            return getattr(caffe_pb2, fd.message_type.name)()
        return getattr(self.param, field)

    def describe(self):
        return "layer '%s' (type %s)" % (self.name, self.type)

    def __repr__(self):
        return '<Layer %s %s %s -> %s>' % (self.type, self.name, self.bottom, self.top)


def _read(path, mode):
    if not os.path.isfile(path):
        raise ConverterError('%s: no such file' % path)
    try:
        with open(path, mode) as f:
            return f.read()
    except OSError as e:
        raise ConverterError('%s: cannot read (%s)' % (path, e.strerror)) from None


def read_prototxt(path):
    """``path`` (protobuf text format) as a NetParameter.

    Fields outside the converter's schema (custom layers' parameters, solver
    options) are skipped with a warning instead of failing the parse.
    """
    from google.protobuf import text_format
    text = _read(path, 'r')
    net = caffe_pb2.NetParameter()
    try:
        text_format.Merge(text, net)
        return net
    except text_format.ParseError as e:
        strict_error = str(e)
    net = caffe_pb2.NetParameter()
    try:
        text_format.Merge(text, net, allow_unknown_field=True)
    except text_format.ParseError as e:
        raise ConverterError('%s: not a valid Caffe prototxt: %s' % (path, e)) from None
    import warnings
    warnings.warn('%s: skipped fields unknown to the converter (%s)' % (path, strict_error),
                  stacklevel=2)
    return net


def read_caffemodel(path):
    """``path`` (protobuf binary) as a NetParameter with the weights in its blobs."""
    from google.protobuf.message import DecodeError
    data = _read(path, 'rb')
    net = caffe_pb2.NetParameter()
    try:
        net.ParseFromString(data)
    except (DecodeError, RuntimeError) as e:
        raise ConverterError('%s: not a Caffe binary model (%s)' % (path, e)) from None
    if not net.layer and not net.layers:
        raise ConverterError('%s: holds no layers; is it a .caffemodel?' % path)
    return net


def read_blobproto(path):
    """The BlobProto in ``path`` (e.g. ``mean.binaryproto``) as a float32 array."""
    from google.protobuf.message import DecodeError
    data = _read(path, 'rb')
    blob = caffe_pb2.BlobProto()
    try:
        blob.ParseFromString(data)
    except (DecodeError, RuntimeError) as e:
        raise ConverterError('%s: not a Caffe BlobProto file (%s)' % (path, e)) from None
    arr = blob_to_array(blob)
    if arr.size == 0:
        raise ConverterError('%s: the blob holds no data' % path)
    return arr


def blob_to_array(blob):
    """A BlobProto as a numpy float32 array of its declared shape."""
    values = blob.data if len(blob.data) else blob.double_data
    arr = np.asarray(values, dtype=np.float32)
    if blob.HasField('shape'):
        shape = tuple(int(d) for d in blob.shape.dim)
    elif blob.num or blob.channels or blob.height or blob.width:
        shape = (blob.num, blob.channels, blob.height, blob.width)
    else:
        shape = (arr.size,)
    if int(np.prod(shape)) != arr.size:
        raise ConverterError('blob of shape %s holds %d values' % (shape, arr.size))
    return arr.reshape(shape)


def _rule_met(rule, phase, level, stages):
    if rule.HasField('phase') and rule.phase != phase:
        return False
    if rule.HasField('min_level') and level < rule.min_level:
        return False
    if rule.HasField('max_level') and level > rule.max_level:
        return False
    if any(s not in stages for s in rule.stage):
        return False
    if any(s in stages for s in rule.not_stage):
        return False
    return True


def _included(lp, phase, level, stages):
    """Caffe's rule: any include rule met (if there are some), and no exclude rule met."""
    if lp.include:
        return any(_rule_met(r, phase, level, stages) for r in lp.include)
    return not any(_rule_met(r, phase, level, stages) for r in lp.exclude)


def get_layers(net, phase=None, level=0, stages=()):
    """The layers of ``net`` that Caffe would instantiate in ``phase`` (default TEST)."""
    phase = caffe_pb2.TEST if phase is None else phase
    if net.layer and net.layers:
        raise ConverterError('the network mixes the "layer" and the legacy "layers" format')
    out = []
    for lp in net.layer:
        if _included(lp, phase, level, stages):
            out.append(Layer(lp.name, lp.type, lp.bottom, lp.top, lp))
    for lp in net.layers:
        if _included(lp, phase, level, stages):
            type_name = _V1_NAMES.get(lp.type)
            if type_name is None:
                raise ConverterError("layer '%s' has the unknown legacy type %d" % (lp.name, lp.type))
            out.append(Layer(lp.name, type_name, lp.bottom, lp.top, lp))
    names = set()
    for layer in out:
        if not layer.name:
            raise ConverterError('a %s layer has no name' % layer.type)
        if layer.name in names:
            raise ConverterError("two layers are named '%s'" % layer.name)
        names.add(layer.name)
    return out


def get_inputs(net):
    """[(name, shape)] of the inputs declared outside layers (``input`` + dims/shapes)."""
    names = list(net.input)
    if not names:
        if net.input_dim or net.input_shape:
            raise ConverterError('input_dim/input_shape given without an input name')
        return []
    if net.input_shape:
        if len(net.input_shape) != len(names):
            raise ConverterError('%d inputs but %d input_shape entries'
                                 % (len(names), len(net.input_shape)))
        return [(n, tuple(int(d) for d in s.dim)) for n, s in zip(names, net.input_shape)]
    dims = [int(d) for d in net.input_dim]
    if len(dims) != 4 * len(names):
        raise ConverterError('%d inputs need %d input_dim values (4 each), got %d'
                             % (len(names), 4 * len(names), len(dims)))
    return [(n, tuple(dims[4 * i:4 * i + 4])) for i, n in enumerate(names)]


def layer_weights(net):
    """{layer name: [numpy arrays]} of every layer in a caffemodel that has blobs."""
    out = {}
    for lp in list(net.layer) + list(net.layers):
        if len(lp.blobs):
            try:
                out[lp.name] = [blob_to_array(b) for b in lp.blobs]
            except ConverterError as e:
                raise ConverterError("layer '%s': %s" % (lp.name, e)) from None
    return out
