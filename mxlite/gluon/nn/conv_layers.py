"""Convolution, transposed convolution, pooling and padding layers (channels-first only)."""
from ...base import MXNetError
from ..hybrid import HybridBlock
from .activations import Activation

__all__ = ['Conv1D', 'Conv2D', 'Conv3D', 'Conv1DTranspose', 'Conv2DTranspose', 'Conv3DTranspose',
           'MaxPool1D', 'MaxPool2D', 'MaxPool3D', 'AvgPool1D', 'AvgPool2D', 'AvgPool3D',
           'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalMaxPool3D', 'GlobalAvgPool1D',
           'GlobalAvgPool2D', 'GlobalAvgPool3D', 'ReflectionPad2D']

_LAYOUTS = {1: 'NCW', 2: 'NCHW', 3: 'NCDHW'}


def _tuple(v, n):
    if isinstance(v, int):
        return (v,) * n
    return tuple(v)


def _check_layout(layer, layout, ndim):
    if layout != _LAYOUTS[ndim]:
        raise MXNetError("%s: layout %r is not supported by mxlite; only the channels-first "
                         "layout %r is" % (layer, layout, _LAYOUTS[ndim]))
    if ndim == 3:
        raise MXNetError('%s: 3-D convolution and pooling are not supported by mxlite; only 1-D '
                         'and 2-D are' % layer)


class _Conv(HybridBlock):
    """Shared part of (transposed) convolutions: weight/bias and MXNet's repr."""

    def __init__(self, channels, kernel_size, strides, padding, dilation, groups, layout,
                 in_channels=0, activation=None, use_bias=True, weight_initializer=None,
                 bias_initializer='zeros', op_name='Convolution', adj=None, prefix=None,
                 params=None):
        super().__init__(prefix=prefix, params=params)
        n = len(kernel_size)
        _check_layout(self.__class__.__name__, layout, n)
        with self.name_scope():
            self._channels = channels
            self._in_channels = in_channels
            strides, padding, dilation = (_tuple(strides, n), _tuple(padding, n),
                                          _tuple(dilation, n))
            self._op_name = op_name
            self._kwargs = {'kernel': kernel_size, 'stride': strides, 'dilate': dilation,
                            'pad': padding, 'num_filter': channels, 'num_group': groups,
                            'no_bias': not use_bias, 'layout': layout}
            if adj is not None:
                self._kwargs['adj'] = adj
            if op_name == 'Convolution':
                wshape = (channels, in_channels // groups if in_channels else 0) + kernel_size
            else:
                wshape = (in_channels, channels // groups) + kernel_size
            self.weight = self.params.get('weight', shape=wshape, init=weight_initializer,
                                          allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get('bias', shape=(channels,), init=bias_initializer,
                                            allow_deferred_init=True)
            else:
                self.bias = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + '_')
            else:
                self.act = None

    def hybrid_forward(self, F, x, weight, bias=None):
        op = getattr(F, self._op_name)
        if bias is None:
            act = op(x, weight, name='fwd', **self._kwargs)
        else:
            act = op(x, weight, bias, name='fwd', **self._kwargs)
        if self.act is not None:
            act = self.act(act)
        return act

    def _alias(self):
        return 'conv'

    def __repr__(self):
        s = '{name}({mapping}, kernel_size={kernel}, stride={stride}'
        n = len(self._kwargs['kernel'])
        if self._kwargs['pad'] != (0,) * n:
            s += ', padding={pad}'
        if self._kwargs['dilate'] != (1,) * n:
            s += ', dilation={dilate}'
        if self._kwargs['num_group'] != 1:
            s += ', groups={num_group}'
        if self.bias is None:
            s += ', bias=False'
        if self.act:
            s += ', {}'.format(self.act)
        s += ')'
        shape = self.weight.shape
        return s.format(name=self.__class__.__name__,
                        mapping='{0} -> {1}'.format(shape[1] if shape[1] else None, shape[0]),
                        **self._kwargs)


def _make_conv(ndim, name):
    def __init__(self, channels, kernel_size, strides=1, padding=0, dilation=1, groups=1,
                 layout=_LAYOUTS[ndim], activation=None, use_bias=True, weight_initializer=None,
                 bias_initializer='zeros', in_channels=0, **kwargs):
        kernel_size = _tuple(kernel_size, ndim)
        if len(kernel_size) != ndim:
            raise MXNetError('kernel_size must be a number or a list of %d ints' % ndim)
        _Conv.__init__(self, channels, kernel_size, strides, padding, dilation, groups, layout,
                       in_channels, activation, use_bias, weight_initializer, bias_initializer,
                       **kwargs)
    doc = '%d-D convolution (layout %s); weight (channels, in_channels/groups, *kernel).' % (
        ndim, _LAYOUTS[ndim])
    return type(name, (_Conv,), {'__init__': __init__, '__doc__': doc})


def _make_deconv(ndim, name):
    def __init__(self, channels, kernel_size, strides=1, padding=0, output_padding=0,
                 dilation=1, groups=1, layout=_LAYOUTS[ndim], activation=None, use_bias=True,
                 weight_initializer=None, bias_initializer='zeros', in_channels=0, **kwargs):
        kernel_size = _tuple(kernel_size, ndim)
        output_padding = _tuple(output_padding, ndim)
        if len(kernel_size) != ndim or len(output_padding) != ndim:
            raise MXNetError('kernel_size and output_padding must be numbers or lists of %d ints'
                             % ndim)
        _Conv.__init__(self, channels, kernel_size, strides, padding, dilation, groups, layout,
                       in_channels, activation, use_bias, weight_initializer, bias_initializer,
                       op_name='Deconvolution', adj=output_padding, **kwargs)
        self.outpad = output_padding
    doc = '%d-D transposed convolution; weight (in_channels, channels/groups, *kernel).' % ndim
    return type(name, (_Conv,), {'__init__': __init__, '__doc__': doc})


Conv1D = _make_conv(1, 'Conv1D')
Conv2D = _make_conv(2, 'Conv2D')
Conv3D = _make_conv(3, 'Conv3D')
Conv1DTranspose = _make_deconv(1, 'Conv1DTranspose')
Conv2DTranspose = _make_deconv(2, 'Conv2DTranspose')
Conv3DTranspose = _make_deconv(3, 'Conv3DTranspose')


class _Pooling(HybridBlock):
    """Shared part of the pooling layers."""

    def __init__(self, pool_size, strides, padding, ceil_mode, global_pool, pool_type, layout,
                 count_include_pad=None, **kwargs):
        super().__init__(**kwargs)
        n = len(pool_size)
        _check_layout(self.__class__.__name__, layout, n)
        if strides is None:
            strides = pool_size
        self._kwargs = {'kernel': pool_size, 'stride': _tuple(strides, n),
                        'pad': _tuple(padding, n), 'global_pool': global_pool,
                        'pool_type': pool_type, 'layout': layout,
                        'pooling_convention': 'full' if ceil_mode else 'valid'}
        if count_include_pad is not None:
            self._kwargs['count_include_pad'] = count_include_pad

    def _alias(self):
        return 'pool'

    def hybrid_forward(self, F, x):
        return F.Pooling(x, name='fwd', **self._kwargs)

    def __repr__(self):
        s = ('{name}(size={kernel}, stride={stride}, padding={pad}, ceil_mode={ceil_mode}, '
             'global_pool={global_pool}, pool_type={pool_type}, layout={layout})')
        return s.format(name=self.__class__.__name__,
                        ceil_mode=self._kwargs['pooling_convention'] == 'full', **self._kwargs)


def _make_pool(ndim, name, pool_type):
    default = 2 if ndim == 1 else (2,) * ndim

    def __init__(self, pool_size=default, strides=None, padding=0, layout=_LAYOUTS[ndim],
                 ceil_mode=False, **kwargs):
        pool_size = _tuple(pool_size, ndim)
        if len(pool_size) != ndim:
            raise MXNetError('pool_size must be a number or a list of %d ints' % ndim)
        _Pooling.__init__(self, pool_size, strides, padding, ceil_mode, False, 'max', layout,
                          **kwargs)

    def __init_avg__(self, pool_size=default, strides=None, padding=0, layout=_LAYOUTS[ndim],
                     ceil_mode=False, count_include_pad=True, **kwargs):
        pool_size = _tuple(pool_size, ndim)
        if len(pool_size) != ndim:
            raise MXNetError('pool_size must be a number or a list of %d ints' % ndim)
        _Pooling.__init__(self, pool_size, strides, padding, ceil_mode, False, 'avg', layout,
                          count_include_pad, **kwargs)
    init = __init__ if pool_type == 'max' else __init_avg__
    doc = '%d-D %s pooling (layout %s); strides default to pool_size.' % (ndim, pool_type,
                                                                         _LAYOUTS[ndim])
    return type(name, (_Pooling,), {'__init__': init, '__doc__': doc})


def _make_global_pool(ndim, name, pool_type):
    def __init__(self, layout=_LAYOUTS[ndim], **kwargs):
        _Pooling.__init__(self, (1,) * ndim, None, 0, True, True, pool_type, layout, **kwargs)
    doc = '%d-D global %s pooling: output spatial size 1.' % (ndim, pool_type)
    return type(name, (_Pooling,), {'__init__': __init__, '__doc__': doc})


MaxPool1D = _make_pool(1, 'MaxPool1D', 'max')
MaxPool2D = _make_pool(2, 'MaxPool2D', 'max')
MaxPool3D = _make_pool(3, 'MaxPool3D', 'max')
AvgPool1D = _make_pool(1, 'AvgPool1D', 'avg')
AvgPool2D = _make_pool(2, 'AvgPool2D', 'avg')
AvgPool3D = _make_pool(3, 'AvgPool3D', 'avg')
GlobalMaxPool1D = _make_global_pool(1, 'GlobalMaxPool1D', 'max')
GlobalMaxPool2D = _make_global_pool(2, 'GlobalMaxPool2D', 'max')
GlobalMaxPool3D = _make_global_pool(3, 'GlobalMaxPool3D', 'max')
GlobalAvgPool1D = _make_global_pool(1, 'GlobalAvgPool1D', 'avg')
GlobalAvgPool2D = _make_global_pool(2, 'GlobalAvgPool2D', 'avg')
GlobalAvgPool3D = _make_global_pool(3, 'GlobalAvgPool3D', 'avg')


class ReflectionPad2D(HybridBlock):
    """Pads the last two axes by reflection: ``padding`` int or 8-tuple ``pad_width``."""

    def __init__(self, padding=0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, int):
            padding = (0, 0, 0, 0, padding, padding, padding, padding)
        if len(padding) != 8:
            raise MXNetError('ReflectionPad2D: padding must be an int or 8 numbers (pad_width)')
        self._padding = tuple(padding)

    def hybrid_forward(self, F, x):
        return F.pad(x, mode='reflect', pad_width=self._padding)
