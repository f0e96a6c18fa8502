"""The subset of Caffe's protobuf schema the converter reads and writes.

Written for mxlite (no Caffe installation needed): the messages are
declared below as plain tables and compiled into protobuf message classes
with the ``protobuf`` package, in a private descriptor pool (so a real
``caffe_pb2`` imported in the same process does not clash).  Field numbers
and defaults are those of Caffe's wire format, so ``.caffemodel`` and
``.binaryproto`` files from Caffe parse, and files written with these
classes load in Caffe.

Covered: NetParameter, LayerParameter and the legacy V1LayerParameter,
BlobProto/BlobShape, NetState rules, ParamSpec, and the parameter messages
of the layers the converter maps (plus the data/loss parameters that appear
in train/test prototxts, so those parse too).

Usage::

    from caffe_schema import caffe_pb2
    net = caffe_pb2.NetParameter()
"""
import types

try:
    from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
except ImportError as _e:  # pragma: no cover - exercised only without the extra
    raise ImportError('the Caffe converter needs the protobuf package: '
                      'pip install "mxlite[caffe]"') from _e

__all__ = ['caffe_pb2', 'V1_LAYER_TYPES']

# (name, number, type, label, default)   label: o optional, r repeated, p packed repeated
_ENGINE = ('Engine', ['DEFAULT', 'CAFFE', 'CUDNN'])
_FILL = 'FillerParameter'

# message name -> (fields, nested enums {name: [(value_name, number)] or [names]})
_MESSAGES = {
    'BlobShape': ([('dim', 1, 'int64', 'p', None)], {}),
    'BlobProto': ([('shape', 7, 'BlobShape', 'o', None), ('data', 5, 'float', 'p', None),
                   ('diff', 6, 'float', 'p', None), ('double_data', 8, 'double', 'p', None),
                   ('double_diff', 9, 'double', 'p', None), ('num', 1, 'int64', 'o', '0'),
                   ('channels', 2, 'int64', 'o', '0'), ('height', 3, 'int64', 'o', '0'),
                   ('width', 4, 'int64', 'o', '0')], {}),
    'BlobProtoVector': ([('blobs', 1, 'BlobProto', 'r', None)], {}),
    'FillerParameter': ([('type', 1, 'string', 'o', 'constant'), ('value', 2, 'float', 'o', '0'),
                         ('min', 3, 'float', 'o', '0'), ('max', 4, 'float', 'o', '1'),
                         ('mean', 5, 'float', 'o', '0'), ('std', 6, 'float', 'o', '1'),
                         ('sparse', 7, 'int32', 'o', '-1'),
                         ('variance_norm', 8, 'VarianceNorm', 'o', 'FAN_IN')],
                        {'VarianceNorm': ['FAN_IN', 'FAN_OUT', 'AVERAGE']}),
    'NetParameter': ([('name', 1, 'string', 'o', None), ('input', 3, 'string', 'r', None),
                      ('input_shape', 8, 'BlobShape', 'r', None),
                      ('input_dim', 4, 'int64', 'r', None),
                      ('force_backward', 5, 'bool', 'o', 'false'),
                      ('state', 6, 'NetState', 'o', None), ('debug_info', 7, 'bool', 'o', 'false'),
                      ('layer', 100, 'LayerParameter', 'r', None),
                      ('layers', 2, 'V1LayerParameter', 'r', None)], {}),
    'NetState': ([('phase', 1, 'Phase', 'o', 'TEST'), ('level', 2, 'int32', 'o', '0'),
                  ('stage', 3, 'string', 'r', None)], {}),
    'NetStateRule': ([('phase', 1, 'Phase', 'o', None), ('min_level', 2, 'int32', 'o', None),
                      ('max_level', 3, 'int32', 'o', None), ('stage', 4, 'string', 'r', None),
                      ('not_stage', 5, 'string', 'r', None)], {}),
    'ParamSpec': ([('name', 1, 'string', 'o', None),
                   ('share_mode', 2, 'DimCheckMode', 'o', None),
                   ('lr_mult', 3, 'float', 'o', '1'), ('decay_mult', 4, 'float', 'o', '1')],
                  {'DimCheckMode': ['STRICT', 'PERMISSIVE']}),
    'TransformationParameter': ([('scale', 1, 'float', 'o', '1'), ('mirror', 2, 'bool', 'o', 'false'),
                                 ('crop_size', 3, 'uint32', 'o', '0'),
                                 ('mean_file', 4, 'string', 'o', None),
                                 ('mean_value', 5, 'float', 'r', None),
                                 ('force_color', 6, 'bool', 'o', 'false'),
                                 ('force_gray', 7, 'bool', 'o', 'false')], {}),
    'LossParameter': ([('ignore_label', 1, 'int32', 'o', None),
                       ('normalization', 3, 'NormalizationMode', 'o', 'VALID'),
                       ('normalize', 2, 'bool', 'o', None)],
                      {'NormalizationMode': ['FULL', 'VALID', 'BATCH_SIZE', 'NONE']}),
    'AccuracyParameter': ([('top_k', 1, 'uint32', 'o', '1'), ('axis', 2, 'int32', 'o', '1'),
                           ('ignore_label', 3, 'int32', 'o', None)], {}),
    'ArgMaxParameter': ([('out_max_val', 1, 'bool', 'o', 'false'), ('top_k', 2, 'uint32', 'o', '1'),
                         ('axis', 3, 'int32', 'o', None)], {}),
    'BatchNormParameter': ([('use_global_stats', 1, 'bool', 'o', None),
                            ('moving_average_fraction', 2, 'float', 'o', '0.999'),
                            ('eps', 3, 'float', 'o', '1e-5')], {}),
    'BiasParameter': ([('axis', 1, 'int32', 'o', '1'), ('num_axes', 2, 'int32', 'o', '1'),
                       ('filler', 3, _FILL, 'o', None)], {}),
    'ConcatParameter': ([('axis', 2, 'int32', 'o', '1'), ('concat_dim', 1, 'uint32', 'o', '1')], {}),
    'ConvolutionParameter': ([('num_output', 1, 'uint32', 'o', None),
                              ('bias_term', 2, 'bool', 'o', 'true'), ('pad', 3, 'uint32', 'r', None),
                              ('kernel_size', 4, 'uint32', 'r', None),
                              ('stride', 6, 'uint32', 'r', None), ('dilation', 18, 'uint32', 'r', None),
                              ('pad_h', 9, 'uint32', 'o', '0'), ('pad_w', 10, 'uint32', 'o', '0'),
                              ('kernel_h', 11, 'uint32', 'o', None), ('kernel_w', 12, 'uint32', 'o', None),
                              ('stride_h', 13, 'uint32', 'o', None), ('stride_w', 14, 'uint32', 'o', None),
                              ('group', 5, 'uint32', 'o', '1'), ('weight_filler', 7, _FILL, 'o', None),
                              ('bias_filler', 8, _FILL, 'o', None),
                              ('engine', 15, 'Engine', 'o', 'DEFAULT'), ('axis', 16, 'int32', 'o', '1'),
                              ('force_nd_im2col', 17, 'bool', 'o', 'false')], dict([_ENGINE])),
    'CropParameter': ([('axis', 1, 'int32', 'o', '2'), ('offset', 2, 'uint32', 'r', None)], {}),
    'DataParameter': ([('source', 1, 'string', 'o', None), ('batch_size', 4, 'uint32', 'o', None),
                       ('rand_skip', 7, 'uint32', 'o', '0'), ('backend', 8, 'DB', 'o', 'LEVELDB'),
                       ('scale', 2, 'float', 'o', '1'), ('mean_file', 3, 'string', 'o', None),
                       ('crop_size', 5, 'uint32', 'o', '0'), ('mirror', 6, 'bool', 'o', 'false'),
                       ('force_encoded_color', 9, 'bool', 'o', 'false'),
                       ('prefetch', 10, 'uint32', 'o', '4')], {'DB': ['LEVELDB', 'LMDB']}),
    'DropoutParameter': ([('dropout_ratio', 1, 'float', 'o', '0.5')], {}),
    'EltwiseParameter': ([('operation', 1, 'EltwiseOp', 'o', 'SUM'), ('coeff', 2, 'float', 'r', None),
                          ('stable_prod_grad', 3, 'bool', 'o', 'true')],
                         {'EltwiseOp': ['PROD', 'SUM', 'MAX']}),
    'ELUParameter': ([('alpha', 1, 'float', 'o', '1')], {}),
    'ExpParameter': ([('base', 1, 'float', 'o', '-1'), ('scale', 2, 'float', 'o', '1'),
                      ('shift', 3, 'float', 'o', '0')], {}),
    'FlattenParameter': ([('axis', 1, 'int32', 'o', '1'), ('end_axis', 2, 'int32', 'o', '-1')], {}),
    'HDF5DataParameter': ([('source', 1, 'string', 'o', None), ('batch_size', 2, 'uint32', 'o', None),
                           ('shuffle', 3, 'bool', 'o', 'false')], {}),
    'ImageDataParameter': ([('source', 1, 'string', 'o', None), ('batch_size', 4, 'uint32', 'o', '1'),
                            ('rand_skip', 7, 'uint32', 'o', '0'), ('shuffle', 8, 'bool', 'o', 'false'),
                            ('new_height', 9, 'uint32', 'o', '0'), ('new_width', 10, 'uint32', 'o', '0'),
                            ('is_color', 11, 'bool', 'o', 'true'), ('scale', 2, 'float', 'o', '1'),
                            ('mean_file', 3, 'string', 'o', None), ('crop_size', 5, 'uint32', 'o', '0'),
                            ('mirror', 6, 'bool', 'o', 'false'),
                            ('root_folder', 12, 'string', 'o', '')], {}),
    'InnerProductParameter': ([('num_output', 1, 'uint32', 'o', None),
                               ('bias_term', 2, 'bool', 'o', 'true'),
                               ('weight_filler', 3, _FILL, 'o', None),
                               ('bias_filler', 4, _FILL, 'o', None), ('axis', 5, 'int32', 'o', '1'),
                               ('transpose', 6, 'bool', 'o', 'false')], {}),
    'InputParameter': ([('shape', 1, 'BlobShape', 'r', None)], {}),
    'LogParameter': ([('base', 1, 'float', 'o', '-1'), ('scale', 2, 'float', 'o', '1'),
                      ('shift', 3, 'float', 'o', '0')], {}),
    'LRNParameter': ([('local_size', 1, 'uint32', 'o', '5'), ('alpha', 2, 'float', 'o', '1'),
                      ('beta', 3, 'float', 'o', '0.75'),
                      ('norm_region', 4, 'NormRegion', 'o', 'ACROSS_CHANNELS'),
                      ('k', 5, 'float', 'o', '1'), ('engine', 6, 'Engine', 'o', 'DEFAULT')],
                     dict([('NormRegion', ['ACROSS_CHANNELS', 'WITHIN_CHANNEL']), _ENGINE])),
    'MemoryDataParameter': ([('batch_size', 1, 'uint32', 'o', None), ('channels', 2, 'uint32', 'o', None),
                             ('height', 3, 'uint32', 'o', None), ('width', 4, 'uint32', 'o', None)], {}),
    'PoolingParameter': ([('pool', 1, 'PoolMethod', 'o', 'MAX'), ('pad', 4, 'uint32', 'o', '0'),
                          ('pad_h', 9, 'uint32', 'o', '0'), ('pad_w', 10, 'uint32', 'o', '0'),
                          ('kernel_size', 2, 'uint32', 'o', None), ('kernel_h', 5, 'uint32', 'o', None),
                          ('kernel_w', 6, 'uint32', 'o', None), ('stride', 3, 'uint32', 'o', '1'),
                          ('stride_h', 7, 'uint32', 'o', None), ('stride_w', 8, 'uint32', 'o', None),
                          ('engine', 11, 'Engine', 'o', 'DEFAULT'),
                          ('global_pooling', 12, 'bool', 'o', 'false'),
                          ('round_mode', 13, 'RoundMode', 'o', 'CEIL')],
                         dict([('PoolMethod', ['MAX', 'AVE', 'STOCHASTIC']), _ENGINE,
                               ('RoundMode', ['CEIL', 'FLOOR'])])),
    'PowerParameter': ([('power', 1, 'float', 'o', '1'), ('scale', 2, 'float', 'o', '1'),
                        ('shift', 3, 'float', 'o', '0')], {}),
    'PReLUParameter': ([('filler', 1, _FILL, 'o', None),
                        ('channel_shared', 2, 'bool', 'o', 'false')], {}),
    'ReLUParameter': ([('negative_slope', 1, 'float', 'o', '0'),
                       ('engine', 2, 'Engine', 'o', 'DEFAULT')], dict([_ENGINE])),
    'ReshapeParameter': ([('shape', 1, 'BlobShape', 'o', None), ('axis', 2, 'int32', 'o', '0'),
                          ('num_axes', 3, 'int32', 'o', '-1')], {}),
    'ScaleParameter': ([('axis', 1, 'int32', 'o', '1'), ('num_axes', 2, 'int32', 'o', '1'),
                        ('filler', 3, _FILL, 'o', None), ('bias_term', 4, 'bool', 'o', 'false'),
                        ('bias_filler', 5, _FILL, 'o', None)], {}),
    'SigmoidParameter': ([('engine', 1, 'Engine', 'o', 'DEFAULT')], dict([_ENGINE])),
    'SliceParameter': ([('axis', 3, 'int32', 'o', '1'), ('slice_point', 2, 'uint32', 'r', None),
                        ('slice_dim', 1, 'uint32', 'o', '1')], {}),
    'SoftmaxParameter': ([('engine', 1, 'Engine', 'o', 'DEFAULT'), ('axis', 2, 'int32', 'o', '1')],
                         dict([_ENGINE])),
    'ThresholdParameter': ([('threshold', 1, 'float', 'o', '0')], {}),
    'TanHParameter': ([('engine', 1, 'Engine', 'o', 'DEFAULT')], dict([_ENGINE])),
}

# LayerParameter: common fields, then the layer-specific parameter messages
_LAYER_COMMON = [('name', 1, 'string', 'o', None), ('type', 2, 'string', 'o', None),
                 ('bottom', 3, 'string', 'r', None), ('top', 4, 'string', 'r', None),
                 ('phase', 10, 'Phase', 'o', None), ('loss_weight', 5, 'float', 'r', None),
                 ('param', 6, 'ParamSpec', 'r', None), ('blobs', 7, 'BlobProto', 'r', None),
                 ('propagate_down', 11, 'bool', 'r', None),
                 ('include', 8, 'NetStateRule', 'r', None), ('exclude', 9, 'NetStateRule', 'r', None),
                 ('transform_param', 100, 'TransformationParameter', 'o', None),
                 ('loss_param', 101, 'LossParameter', 'o', None)]
_LAYER_PARAMS = {
    'accuracy_param': 102, 'argmax_param': 103, 'batch_norm_param': 139, 'bias_param': 141,
    'concat_param': 104, 'convolution_param': 106, 'crop_param': 144, 'data_param': 107,
    'dropout_param': 108, 'eltwise_param': 110, 'elu_param': 140, 'exp_param': 111,
    'flatten_param': 135, 'hdf5_data_param': 112, 'image_data_param': 115,
    'inner_product_param': 117, 'input_param': 143, 'log_param': 134, 'lrn_param': 118,
    'memory_data_param': 119, 'pooling_param': 121, 'power_param': 122, 'prelu_param': 131,
    'relu_param': 123, 'reshape_param': 133, 'scale_param': 142, 'sigmoid_param': 124,
    'softmax_param': 125, 'slice_param': 126, 'tanh_param': 127, 'threshold_param': 128,
}
_V1_PARAMS = {
    'accuracy_param': 27, 'argmax_param': 23, 'concat_param': 9, 'convolution_param': 10,
    'data_param': 11, 'dropout_param': 12, 'eltwise_param': 24, 'exp_param': 41,
    'hdf5_data_param': 13, 'image_data_param': 15, 'inner_product_param': 17, 'lrn_param': 18,
    'memory_data_param': 22, 'pooling_param': 19, 'power_param': 21, 'relu_param': 30,
    'sigmoid_param': 38, 'softmax_param': 39, 'slice_param': 31, 'tanh_param': 37,
    'threshold_param': 25,
    'transform_param': 36, 'loss_param': 42,
}
# V1LayerParameter.LayerType: enum name -> (number, the LayerParameter type string)
V1_LAYER_TYPES = {
    'NONE': (0, None), 'ABSVAL': (35, 'AbsVal'), 'ACCURACY': (1, 'Accuracy'),
    'ARGMAX': (30, 'ArgMax'), 'BNLL': (2, 'BNLL'), 'CONCAT': (3, 'Concat'),
    'CONTRASTIVE_LOSS': (37, 'ContrastiveLoss'), 'CONVOLUTION': (4, 'Convolution'),
    'DATA': (5, 'Data'), 'DECONVOLUTION': (39, 'Deconvolution'), 'DROPOUT': (6, 'Dropout'),
    'DUMMY_DATA': (32, 'DummyData'), 'EUCLIDEAN_LOSS': (7, 'EuclideanLoss'),
    'ELTWISE': (25, 'Eltwise'), 'EXP': (38, 'Exp'), 'FLATTEN': (8, 'Flatten'),
    'HDF5_DATA': (9, 'HDF5Data'), 'HDF5_OUTPUT': (10, 'HDF5Output'),
    'HINGE_LOSS': (28, 'HingeLoss'), 'IM2COL': (11, 'Im2col'), 'IMAGE_DATA': (12, 'ImageData'),
    'INFOGAIN_LOSS': (13, 'InfogainLoss'), 'INNER_PRODUCT': (14, 'InnerProduct'),
    'LRN': (15, 'LRN'), 'MEMORY_DATA': (29, 'MemoryData'),
    'MULTINOMIAL_LOGISTIC_LOSS': (16, 'MultinomialLogisticLoss'), 'MVN': (34, 'MVN'),
    'POOLING': (17, 'Pooling'), 'POWER': (26, 'Power'), 'RELU': (18, 'ReLU'),
    'SIGMOID': (19, 'Sigmoid'), 'SIGMOID_CROSS_ENTROPY_LOSS': (27, 'SigmoidCrossEntropyLoss'),
    'SILENCE': (36, 'Silence'), 'SOFTMAX': (20, 'Softmax'), 'SOFTMAX_LOSS': (21, 'SoftmaxWithLoss'),
    'SPLIT': (22, 'Split'), 'SLICE': (33, 'Slice'), 'TANH': (23, 'TanH'),
    'WINDOW_DATA': (24, 'WindowData'), 'THRESHOLD': (31, 'Threshold'),
}

_V1_LAYER = [('bottom', 2, 'string', 'r', None), ('top', 3, 'string', 'r', None),
             ('name', 4, 'string', 'o', None), ('include', 32, 'NetStateRule', 'r', None),
             ('exclude', 33, 'NetStateRule', 'r', None), ('type', 5, 'LayerType', 'o', None),
             ('blobs', 6, 'BlobProto', 'r', None), ('param', 1001, 'string', 'r', None),
             ('blobs_lr', 7, 'float', 'r', None), ('weight_decay', 8, 'float', 'r', None),
             ('loss_weight', 35, 'float', 'r', None)]

_SCALARS = {
    'double': descriptor_pb2.FieldDescriptorProto.TYPE_DOUBLE,
    'float': descriptor_pb2.FieldDescriptorProto.TYPE_FLOAT,
    'int64': descriptor_pb2.FieldDescriptorProto.TYPE_INT64,
    'uint64': descriptor_pb2.FieldDescriptorProto.TYPE_UINT64,
    'int32': descriptor_pb2.FieldDescriptorProto.TYPE_INT32,
    'uint32': descriptor_pb2.FieldDescriptorProto.TYPE_UINT32,
    'bool': descriptor_pb2.FieldDescriptorProto.TYPE_BOOL,
    'string': descriptor_pb2.FieldDescriptorProto.TYPE_STRING,
    'bytes': descriptor_pb2.FieldDescriptorProto.TYPE_BYTES,
}
_FDP = descriptor_pb2.FieldDescriptorProto


def _param_type(field_name):
    """'convolution_param' -> 'ConvolutionParameter' (with Caffe's irregular spellings)."""
    special = {'lrn_param': 'LRNParameter', 'elu_param': 'ELUParameter',
               'prelu_param': 'PReLUParameter', 'relu_param': 'ReLUParameter',
               'tanh_param': 'TanHParameter', 'hdf5_data_param': 'HDF5DataParameter',
               'argmax_param': 'ArgMaxParameter'}
    if field_name in special:
        return special[field_name]
    if field_name in ('transform_param', 'loss_param'):
        return {'transform_param': 'TransformationParameter',
                'loss_param': 'LossParameter'}[field_name]
    stem = field_name[:-len('_param')]
    return ''.join(p.capitalize() for p in stem.split('_')) + 'Parameter'


def _add_message(file_proto, name, fields, enums, enum_names):
    msg = file_proto.message_type.add()
    msg.name = name
    for ename, values in enums.items():
        enum = msg.enum_type.add()
        enum.name = ename
        for i, v in enumerate(values):
            vname, number = v if isinstance(v, tuple) else (v, i)
            enum.value.add(name=vname, number=number)
    for fname, number, ftype, label, default in fields:
        f = msg.field.add()
        f.name, f.number = fname, number
        f.label = _FDP.LABEL_OPTIONAL if label == 'o' else _FDP.LABEL_REPEATED
        if label == 'p':
            f.options.packed = True
        if ftype in _SCALARS:
            f.type = _SCALARS[ftype]
        elif ftype in enums:
            f.type, f.type_name = _FDP.TYPE_ENUM, '.caffe.%s.%s' % (name, ftype)
        elif ftype in enum_names:
            f.type, f.type_name = _FDP.TYPE_ENUM, '.caffe.%s' % ftype
        else:
            f.type, f.type_name = _FDP.TYPE_MESSAGE, '.caffe.%s' % ftype
        if default is not None:
            f.default_value = default


def _build():
    fp = descriptor_pb2.FileDescriptorProto()
    fp.name = 'mxlite_caffe_subset.proto'
    fp.package = 'caffe'
    fp.syntax = 'proto2'
    phase = fp.enum_type.add()
    phase.name = 'Phase'
    phase.value.add(name='TRAIN', number=0)
    phase.value.add(name='TEST', number=1)
    top_enums = {'Phase'}
    for name, (fields, enums) in _MESSAGES.items():
        _add_message(fp, name, fields, enums, top_enums)
    layer_fields = list(_LAYER_COMMON) + [(k, n, _param_type(k), 'o', None)
                                          for k, n in sorted(_LAYER_PARAMS.items())]
    _add_message(fp, 'LayerParameter', layer_fields, {}, top_enums)
    v1_fields = list(_V1_LAYER) + [(k, n, _param_type(k), 'o', None)
                                   for k, n in sorted(_V1_PARAMS.items())]
    v1_enum = {'LayerType': [(k, v[0]) for k, v in V1_LAYER_TYPES.items()]}
    _add_message(fp, 'V1LayerParameter', v1_fields, v1_enum, top_enums)
    pool = descriptor_pool.DescriptorPool()
    fd = pool.Add(fp)
    pool_file = pool.FindFileByName(fp.name)
    ns = types.SimpleNamespace()
    for name in pool_file.message_types_by_name:
        setattr(ns, name, message_factory.GetMessageClass(pool.FindMessageTypeByName('caffe.' + name)))
    ns.TRAIN, ns.TEST = 0, 1
    ns.DESCRIPTOR = fd if fd is not None else pool_file
    return ns


caffe_pb2 = _build()
