"""Typed operator parameters, parsed from Python values or MXNet's strings.

An operator declares its parameters as a tuple of :class:`Param`.  Values
arrive either as Python objects (``kernel=(3, 3)``) or as the strings MXNet
writes into symbol JSON (``"kernel": "(3, 3)"``); both parse to the same
typed value.  ``Attrs`` keeps the typed values (attribute access) and the
string form of every parameter the user set (what ``tojson`` writes).
"""
import ast
import numbers

import numpy as np

from ..base import MXNetError, as_dtype, _Null

__all__ = ['Param', 'Attrs', 'REQUIRED', 'parse_attrs']


class _Required:
    def __repr__(self):
        return 'required'


REQUIRED = _Required()

_TRUE = {'true', '1'}
_FALSE = {'false', '0'}


def _err(op, name, value, expect):
    return MXNetError('%s: invalid value %r for parameter %r: expected %s'
                      % (op, value, name, expect))


def _literal(text):
    # literal_eval builds data only; malformed, unhashable ({[1]: 2}) or absurdly nested
    # text is just "not a literal"
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return _Null


def _to_int(op, name, v):
    if isinstance(v, str):
        t = v.strip()
        try:
            return int(t)
        except ValueError:
            try:
                f = float(t)
            except ValueError:
                raise _err(op, name, v, 'an integer') from None
            v = f
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, numbers.Integral):
        return int(v)
    if isinstance(v, numbers.Real) and float(v).is_integer():
        return int(v)
    raise _err(op, name, v, 'an integer')


def _to_float(op, name, v):
    if isinstance(v, str):
        try:
            return float(v.strip())
        except ValueError:
            raise _err(op, name, v, 'a number') from None
    if isinstance(v, (numbers.Real, np.generic)) and not isinstance(v, (str, bytes)):
        try:
            return float(v)
        except (TypeError, ValueError):
            pass
    raise _err(op, name, v, 'a number')


def _to_bool(op, name, v):
    if isinstance(v, str):
        t = v.strip().lower()
        if t in _TRUE:
            return True
        if t in _FALSE:
            return False
        raise _err(op, name, v, 'a boolean (True/False)')
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, numbers.Integral) and v in (0, 1):
        return bool(v)
    raise _err(op, name, v, 'a boolean (True/False)')


def _to_int_tuple(op, name, v):
    if isinstance(v, str):
        t = v.strip()
        parsed = _literal(t)
        if parsed is _Null:
            raise _err(op, name, v, 'a shape such as (3, 3)')
        v = parsed
    if isinstance(v, numbers.Integral) and not isinstance(v, bool):
        return (int(v),)
    if isinstance(v, (tuple, list)):
        out = []
        for x in v:
            if isinstance(x, bool) or not isinstance(x, numbers.Integral):
                if x is None:
                    out.append(None)
                    continue
                raise _err(op, name, v, 'a tuple of integers such as (3, 3)')
            out.append(int(x))
        return tuple(out)
    if isinstance(v, np.ndarray) and v.ndim <= 1 and v.dtype.kind in 'iu':
        return tuple(int(x) for x in v.reshape(-1))
    raise _err(op, name, v, 'a tuple of integers such as (3, 3)')


def _to_float_tuple(op, name, v):
    if isinstance(v, str):
        parsed = _literal(v.strip())
        if parsed is _Null:
            raise _err(op, name, v, 'a tuple of numbers')
        v = parsed
    if isinstance(v, numbers.Real) and not isinstance(v, bool):
        return (float(v),)
    if isinstance(v, (tuple, list)):
        try:
            return tuple(float(x) for x in v)
        except (TypeError, ValueError):
            pass
    raise _err(op, name, v, 'a tuple of numbers')


class Param:
    """One operator parameter.

    ``kind`` is one of: 'int', 'float', 'bool', 'str', 'shape' (tuple of
    ints; an int becomes a 1-tuple), 'floats' (tuple of floats), 'axis'
    (an int or a tuple of ints), 'dtype', 'ctx', 'enum' (needs
    ``choices``), 'any' (kept as given).  ``optional=True`` admits ``None``
    (and the string 'None').
    """
    __slots__ = ('name', 'kind', 'default', 'choices', 'optional', 'doc')

    def __init__(self, name, kind, default=REQUIRED, choices=None, optional=False, doc=''):
        self.name = name
        self.kind = kind
        self.default = default
        self.choices = tuple(choices) if choices else None
        self.optional = optional or default is None
        self.doc = doc
        if kind == 'enum' and not self.choices:
            raise ValueError('enum parameter %s needs choices' % name)

    @property
    def required(self):
        return self.default is REQUIRED

    def parse(self, op, value):
        """Typed value of ``value`` (a Python object or MXNet's string)."""
        if value is None or (isinstance(value, str) and value.strip() == 'None'):
            if self.optional:
                return None
            raise _err(op, self.name, value, 'a value (None is not allowed)')
        kind = self.kind
        if kind == 'int':
            return _to_int(op, self.name, value)
        if kind == 'float':
            return _to_float(op, self.name, value)
        if kind == 'bool':
            return _to_bool(op, self.name, value)
        if kind == 'str':
            return str(value)
        if kind == 'shape':
            return _to_int_tuple(op, self.name, value)
        if kind == 'floats':
            return _to_float_tuple(op, self.name, value)
        if kind == 'axis':
            t = _to_int_tuple(op, self.name, value)
            if isinstance(value, (tuple, list)) or (isinstance(value, str) and value.strip()[:1] in '(['):
                return t
            return t[0] if len(t) == 1 else t
        if kind == 'enum':
            v = value.decode() if isinstance(value, bytes) else value
            if not isinstance(v, str):
                v = str(v)
            if v not in self.choices:
                raise _err(op, self.name, value, 'one of %s' % ', '.join(repr(c) for c in self.choices))
            return v
        if kind == 'dtype':
            return as_dtype(value, '%s: parameter %r' % (op, self.name))
        if kind == 'ctx':
            from ..context import Context
            if isinstance(value, Context):
                return value
            text = str(value).strip()
            try:
                dev, _, rest = text.partition('(')
                return Context(dev, int(rest.rstrip(')') or 0))
            except (ValueError, MXNetError):
                raise _err(op, self.name, value, "a context such as cpu(0)") from None
        if kind == 'any':
            return value
        raise ValueError('unknown parameter kind %r' % kind)

    def to_string(self, value):
        """The string MXNet writes for ``value`` in symbol JSON."""
        if isinstance(value, str):
            return value
        if self.kind == 'dtype' and value is not None:
            return np.dtype(value).name
        if isinstance(value, np.dtype):
            return value.name
        if isinstance(value, type) and issubclass(value, np.generic):
            return np.dtype(value).name
        return str(value)


class Attrs:
    """Parsed parameters of one operator call.

    Typed values are attributes (``attrs.kernel``); ``attrs._raw`` maps each
    parameter the caller set to its MXNet string form, in call order.
    """

    def __init__(self, values, raw):
        self.__dict__.update(values)
        self.__dict__['_raw'] = raw
        self.__dict__['_keys'] = tuple(values)

    def __setattr__(self, key, value):
        raise AttributeError('Attrs are read-only')

    def get(self, key, default=None):
        return self.__dict__.get(key, default)

    def items(self):
        return [(k, self.__dict__[k]) for k in self._keys]

    def __repr__(self):
        return 'Attrs(%s)' % ', '.join('%s=%r' % kv for kv in self.items())


def parse_attrs(op_name, params, kwargs, hidden=()):
    """Check and type ``kwargs`` against ``params``; return an :class:`Attrs`.

    Unknown names raise ``MXNetError`` listing the operator's parameters;
    a missing required parameter names itself.  Names in ``hidden`` (such
    as MXNet's ``__lr_mult__``-style attributes) are ignored here.
    """
    by_name = {p.name: p for p in params}
    values = {}
    raw = {}
    for key, value in kwargs.items():
        p = by_name.get(key)
        if p is None:
            if key in hidden or (key.startswith('__') and key.endswith('__')):
                continue
            raise MXNetError('%s: unknown parameter %r. Valid parameters: %s'
                             % (op_name, key, ', '.join(by_name) or '(none)'))
        if value is _Null:
            continue
        values[key] = p.parse(op_name, value)
        raw[key] = p.to_string(value)
    out = {}
    for p in params:
        if p.name in values:
            out[p.name] = values[p.name]
        elif p.required:
            raise MXNetError('%s: required parameter %r is missing' % (op_name, p.name))
        else:
            out[p.name] = p.default
    return Attrs(out, raw)
