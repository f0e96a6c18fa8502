"""``mx.init`` / ``mx.initializer``: weight initialisers, with MXNet 1.9.1's name rules.

Calling an initialiser with an :class:`InitDesc` (what Module does):

* a ``__init__`` attribute in ``desc.attrs`` (set by ``mx.sym.Variable(init=...)``
  or by operators such as BatchNorm for their moving statistics) wins: that
  initialiser's ``_init_weight`` fills the array;
* otherwise the name's ending decides: ``weight`` -> ``_init_weight``,
  ``bias`` -> 0, ``gamma`` -> 1, ``beta`` -> 0, ``min`` -> 0, ``max`` -> 1,
  ``weight_quantize`` -> random int8, ``bias_quantize`` -> 0; any other name
  is an error (MXNet's "Unknown initialization pattern").

Calling with a plain string name (deprecated in MXNet, still supported)
follows MXNet's older rules, which also know ``upsampling*`` (bilinear),
``stn_loc*``, ``moving_mean``/``moving_inv_var``/``moving_avg`` (0) and
``moving_var`` (1).

Random initialisers draw from ``mx.random``'s generator (``mx.random.seed``
makes them reproducible); the numbers differ from MXNet's generator but the
distributions, bounds and scales are MXNet's.
"""
import json
import logging
import re
import warnings

import numpy as np

from .base import MXNetValueError, MXNetTypeError, must_override

__all__ = ['InitDesc', 'Initializer', 'register', 'alias', 'create', 'Load', 'Mixed', 'Zero',
           'One', 'Constant', 'Uniform', 'Normal', 'Orthogonal', 'Xavier', 'MSRAPrelu',
           'Bilinear', 'LSTMBias', 'FusedRNN']

_REGISTRY = {}


class InitDesc(str):
    """A parameter's name (a ``str``) with its symbol attributes and the global initialiser."""

    def __new__(cls, name, attrs=None, global_init=None):
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


def register(klass):
    """Register an initialiser class under its lower-cased name (a decorator)."""
    if not isinstance(klass, type):
        raise MXNetTypeError('register: expected a class, got %r' % (klass,))
    name = klass.__name__.lower()
    if name in _REGISTRY and _REGISTRY[name] is not klass:
        warnings.warn('WARNING: New initializer %s.%s is overriding existing initializer %s.%s'
                      % (klass.__module__, klass.__name__, _REGISTRY[name].__module__,
                         _REGISTRY[name].__name__))
    _REGISTRY[name] = klass
    return klass


def alias(*aliases):
    """Register a class under extra names too: ``@alias('zeros')``."""
    def reg(klass):
        for a in aliases:
            _REGISTRY[a.lower()] = klass
        return klass
    return reg


def create(initializer, **kwargs):
    """An initialiser from a name (``'xavier'``), its ``dumps()`` JSON, or an instance."""
    if isinstance(initializer, (Initializer, Load, Mixed)):
        return initializer
    if not isinstance(initializer, str):
        raise MXNetTypeError('initializer must be of string type (a name such as "xavier" or a '
                             'dumps() string) or an Initializer, got %r' % (initializer,))
    name = initializer
    if name.strip().startswith('['):
        try:
            name, json_kwargs = json.loads(name)
        except (ValueError, TypeError):
            raise MXNetValueError('create: %r is not an initializer description like '
                                  '\'["xavier", {"magnitude": 3}]\'' % (initializer,)) from None
        if not isinstance(json_kwargs, dict):
            raise MXNetValueError('create: the arguments in %r must be a JSON object'
                                  % (initializer,))
        kwargs = dict(json_kwargs, **kwargs)
    klass = _REGISTRY.get(str(name).lower())
    if klass is None:
        raise MXNetValueError('%s is not registered. Please register with initializer.register '
                              'first; registered initializers: %s'
                              % (name, ', '.join(sorted(_REGISTRY))))
    return klass(**kwargs)


def _data(arr):
    from .ndarray.ndarray import NDArray
    if not isinstance(arr, NDArray):
        raise MXNetTypeError('initializers fill NDArrays, got %s' % type(arr).__name__)
    return arr._data


def _fill(arr, value):
    np.copyto(_data(arr), value, casting='unsafe')


def _rng():
    from .random import generator
    return generator()


def _default_print(arr):
    x = _data(arr).astype(np.float64, copy=False)
    return np.float32(np.sqrt(np.sum(x * x)) / np.sqrt(max(x.size, 1)))


class Initializer:
    """The base class of an initializer.  Subclasses define ``_init_weight(name, arr)``."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self.set_verbosity()

    def set_verbosity(self, verbose=False, print_func=None):
        """Log every initialised array (with ``print_func(arr)``, default its RMS) when verbose."""
        self._verbose = verbose
        if print_func is None:
            print_func = _default_print
        self._print_func = print_func
        return self

    def _verbose_print(self, desc, init, arr):
        if self._verbose and self._print_func:
            logging.info('Initialized %s as %s: %s', desc, init, self._print_func(arr))

    def dumps(self):
        """The JSON string MXNet stores in a Variable's ``__init__`` attribute."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __eq__(self, other):
        if not isinstance(other, Initializer):
            return False
        return self.__class__ is other.__class__ and self._kwargs == other._kwargs

    __hash__ = None     # mutable and compared by value, as in MXNet

    def __call__(self, desc, arr):
        """Fill ``arr`` for the parameter ``desc`` (an InitDesc, or a legacy name string)."""
        if not isinstance(desc, InitDesc):
            self._legacy_init(desc, arr)
            return
        if desc.global_init is None:
            desc.global_init = self
        init = desc.attrs.get('__init__', '')
        if init:
            create(init)._init_weight(desc, arr)
            self._verbose_print(desc, init, arr)
            return
        for suffix, method, label in _DESC_RULES:
            if desc.endswith(suffix):
                getattr(self, method)(desc, arr)
                self._verbose_print(desc, label, arr)
                return
        self._init_default(desc, arr)

    def _legacy_init(self, name, arr):
        warnings.warn('\033[91mCalling initializer with init(str, NDArray) has been '
                      'deprecated.please use init(mx.init.InitDesc(...), NDArray) '
                      'instead.\033[0m', DeprecationWarning, stacklevel=3)
        if not isinstance(name, str):
            raise MXNetTypeError('name must be string, got %r' % (name,))
        _data(arr)
        for test, method in _LEGACY_RULES:
            if test(name):
                getattr(self, method)(name, arr)
                return
        self._init_default(name, arr)

    # -- the fills the rules choose from --------------------------------------
    def _init_bilinear(self, _, arr):
        _fill(arr, bilinear_kernel(arr.shape))

    def _init_loc_bias(self, name, arr):
        if arr.shape[0] != 6:
            raise MXNetValueError('%s: the spatial-transformer localisation bias must have 6 '
                                  'entries, got shape %s' % (name, arr.shape))
        _fill(arr, np.array([1.0, 0, 0, 0, 1.0, 0]))

    def _init_zero(self, _, arr):
        _fill(arr, 0.0)

    def _init_one(self, _, arr):
        _fill(arr, 1.0)

    def _init_bias(self, _, arr):
        _fill(arr, 0.0)

    def _init_quantized_bias(self, _, arr):
        _fill(arr, 0.0)

    def _init_gamma(self, _, arr):
        _fill(arr, 1.0)

    def _init_beta(self, _, arr):
        _fill(arr, 0.0)

    def _init_weight(self, name, arr):
        must_override(self, '_init_weight', 'Must override it (an Initializer subclass fills '
                      'arr for the weight name)')

    def _init_quantized_weight(self, _, arr):
        _fill(arr, _rng().integers(-127, 127, arr.shape).astype(np.int8))

    def _init_default(self, name, _):
        raise MXNetValueError(
            'Unknown initialization pattern for %s. Default initialization is now limited to '
            '"weight", "bias", "gamma" (1.0), and "beta" (0.0).Please use '
            'mx.sym.Variable(init=mx.init.*) to set initialization pattern' % name)


# InitDesc names: (ending, method, label in verbose logs), first match wins
_DESC_RULES = (
    ('weight', '_init_weight', 'weight'),
    ('bias', '_init_bias', 'bias'),
    ('gamma', '_init_gamma', 'gamma'),
    ('beta', '_init_beta', 'beta'),
    ('min', '_init_zero', 'min'),
    ('max', '_init_one', 'max'),
    ('weight_quantize', '_init_quantized_weight', 'weight_quantize'),
    ('bias_quantize', '_init_quantized_bias', 'bias_quantize'),
)

# legacy string names: (test, method), first match wins
_LEGACY_RULES = (
    (lambda n: n.startswith('upsampling'), '_init_bilinear'),
    (lambda n: n.startswith('stn_loc') and n.endswith('weight'), '_init_zero'),
    (lambda n: n.startswith('stn_loc') and n.endswith('bias'), '_init_loc_bias'),
    (lambda n: n.endswith('bias'), '_init_bias'),
    (lambda n: n.endswith('gamma'), '_init_gamma'),
    (lambda n: n.endswith('beta'), '_init_beta'),
    (lambda n: n.endswith('weight'), '_init_weight'),
    (lambda n: n.endswith('moving_mean'), '_init_zero'),
    (lambda n: n.endswith('moving_var'), '_init_one'),
    (lambda n: n.endswith('moving_inv_var'), '_init_zero'),
    (lambda n: n.endswith('moving_avg'), '_init_zero'),
    (lambda n: n.endswith('min'), '_init_zero'),
    (lambda n: n.endswith('max'), '_init_one'),
)


def bilinear_kernel(shape):
    """MXNet's bilinear up-sampling filter for a 4-D weight of ``shape``."""
    if len(shape) != 4:
        raise MXNetValueError('Bilinear initializer needs a 4-D weight (channels, 1, height, '
                              'width), got shape %s' % (tuple(shape),))
    height, width = shape[2], shape[3]
    f = np.ceil(width / 2.)
    c = (2 * f - 1 - f % 2) / (2. * f)
    x = np.arange(width, dtype=np.float64)
    y = np.arange(height, dtype=np.float64)
    kernel = np.outer(1 - np.abs(y / f - c), 1 - np.abs(x / f - c))
    return np.broadcast_to(kernel, shape)


class Load:
    """Initialise by loading arrays (a dict or a ``.params`` file name); names may carry
    ``arg:``/``aux:`` prefixes.  Others go to ``default_init``."""

    def __init__(self, param, default_init=None, verbose=False):
        if isinstance(param, str):
            from .ndarray import load
            param = load(param)
        if not isinstance(param, dict):
            raise MXNetTypeError('Load: param must be a dict of arrays or a .params file name '
                                 'holding named arrays, got %s' % type(param).__name__)
        self.param = {}
        for name, arr in param.items():
            if name.startswith('arg:') or name.startswith('aux:'):
                self.param[name[4:]] = arr
            else:
                self.param[name] = arr
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name, arr):
        if name in self.param:
            src = self.param[name]
            if tuple(arr.shape) != tuple(src.shape):
                raise MXNetValueError('Parameter %s cannot be initialized from loading. Shape '
                                      'mismatch, target %s vs loaded %s'
                                      % (name, tuple(arr.shape), tuple(src.shape)))
            _fill(arr, src._data if hasattr(src, '_data') else np.asarray(src))
            if self.verbose:
                logging.info('Initialized %s by loading', name)
        else:
            if self.default_init is None:
                raise MXNetValueError('Cannot Initialize %s. Not found in loaded param and no '
                                      'default Initializer is provided.' % name)
            self.default_init(name, arr)
            if self.verbose:
                logging.info('Initialized %s by default', name)


class Mixed:
    """The first initialiser whose regular expression matches the name (``re.match``) is used."""

    def __init__(self, patterns, initializers):
        patterns, initializers = list(patterns), list(initializers)
        if len(patterns) != len(initializers):
            raise MXNetValueError('Mixed: %d patterns but %d initializers; give one initializer '
                                  'per pattern' % (len(patterns), len(initializers)))
        self.map = list(zip([re.compile(p) for p in patterns], initializers))

    def __call__(self, name, arr):
        for prog, init in self.map:
            if prog.match(name):
                init(name, arr)
                return
        raise MXNetValueError('Parameter name %s did not match any pattern. Consider add a ".*" '
                              'pattern at the and with default Initializer.' % name)


@register
@alias('zeros')
class Zero(Initializer):
    """Fill weights with 0."""

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        _fill(arr, 0.0)


@register
@alias('ones')
class One(Initializer):
    """Fill weights with 1."""

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        _fill(arr, 1.0)


@register
class Constant(Initializer):
    """Fill weights with ``value`` (a scalar, or an array broadcast to the weight)."""

    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _, arr):
        value = self.value
        if hasattr(value, '_data'):
            value = value._data
        _fill(arr, np.broadcast_to(np.asarray(value), arr.shape))

    def dumps(self):
        val = self._kwargs['value']
        if not np.isscalar(val):
            if hasattr(val, 'asnumpy'):
                val = val.asnumpy()
            self._kwargs['value'] = np.asarray(val).tolist()
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])


@register
class Uniform(Initializer):
    """Uniform weights in ``[-scale, scale]``."""

    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        _fill(arr, _rng().uniform(-self.scale, self.scale, arr.shape))


@register
class Normal(Initializer):
    """Normal weights with mean 0 and standard deviation ``sigma``."""

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        _fill(arr, _rng().normal(0, self.sigma, arr.shape))


@register
class Orthogonal(Initializer):
    """``scale`` times an orthogonal matrix (rows or columns orthonormal), from the SVD of a
    random (``rand_type`` 'uniform' or 'normal') matrix of shape (shape[0], prod(shape[1:]))."""

    def __init__(self, scale=1.414, rand_type='uniform'):
        super().__init__(scale=scale, rand_type=rand_type)
        if rand_type not in ('uniform', 'normal'):
            raise MXNetValueError("Orthogonal: rand_type must be 'uniform' or 'normal', got %r"
                                  % (rand_type,))
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _, arr):
        nout = arr.shape[0]
        nin = int(np.prod(arr.shape[1:]))
        if self.rand_type == 'uniform':
            tmp = _rng().uniform(-1.0, 1.0, (nout, nin))
        else:
            tmp = _rng().normal(0.0, 1.0, (nout, nin))
        u, _, v = np.linalg.svd(tmp, full_matrices=False)
        q = u if u.shape == tmp.shape else v
        _fill(arr, self.scale * q.reshape(arr.shape))


@register
class Xavier(Initializer):
    """Glorot's initialisation: ``c = sqrt(magnitude / factor)`` with ``factor`` the average of,
    or one of, fan-in and fan-out (``factor_type`` 'avg', 'in', 'out'); weights uniform in
    ``[-c, c]`` (``rnd_type='uniform'``) or normal with standard deviation ``c`` ('gaussian').
    Fans count ``shape[1]`` and ``shape[0]`` times the receptive field ``prod(shape[2:])``."""

    def __init__(self, rnd_type='uniform', factor_type='avg', magnitude=3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name, arr):
        shape = arr.shape
        if len(shape) < 2:
            raise MXNetValueError('Xavier initializer cannot be applied to vector {0}. It '
                                  'requires at least 2D.'.format(name))
        hw_scale = float(np.prod(shape[2:])) if len(shape) > 2 else 1.
        fan_in, fan_out = shape[1] * hw_scale, shape[0] * hw_scale
        if self.factor_type == 'avg':
            factor = (fan_in + fan_out) / 2.0
        elif self.factor_type == 'in':
            factor = fan_in
        elif self.factor_type == 'out':
            factor = fan_out
        else:
            raise MXNetValueError("Incorrect factor type %r: use 'avg', 'in' or 'out'"
                                  % (self.factor_type,))
        scale = np.sqrt(self.magnitude / factor)
        if self.rnd_type == 'uniform':
            _fill(arr, _rng().uniform(-scale, scale, shape))
        elif self.rnd_type == 'gaussian':
            _fill(arr, _rng().normal(0, scale, shape))
        else:
            raise MXNetValueError("Unknown random type %r: use 'uniform' or 'gaussian'"
                                  % (self.rnd_type,))


@register
class MSRAPrelu(Xavier):
    """He et al.'s initialisation for PReLU nets: Gaussian Xavier with
    ``magnitude = 2 / (1 + slope**2)``."""

    def __init__(self, factor_type='avg', slope=0.25):
        magnitude = 2. / (1 + slope ** 2)
        super().__init__('gaussian', factor_type, magnitude)
        self._kwargs = {'factor_type': factor_type, 'slope': slope}


@register
class Bilinear(Initializer):
    """The bilinear up-sampling filter (for Deconvolution weights)."""

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        _fill(arr, bilinear_kernel(arr.shape))


@register
class LSTMBias(Initializer):
    """LSTM biases: 0, except the forget gate's (the second quarter) set to ``forget_bias``."""

    def __init__(self, forget_bias=1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name, arr):
        data = _data(arr)
        data[...] = 0.0
        num_hidden = int(arr.shape[0] / 4)
        data[num_hidden:2 * num_hidden] = self.forget_bias


from .initializer_fused_rnn import FusedRNN  # noqa: E402  (registers itself)
