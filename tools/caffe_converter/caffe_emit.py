"""Build an ``mx.sym`` network and, at the same time, the Python source that builds it.

Every call made through an :class:`Emitter` both creates the symbol (so
shapes can be inferred while converting) and appends the equivalent line of
Python to the generated program; ``convert_symbol`` checks that running the
program gives the same graph.  The emitter also collects *parameter specs*:
how each mx parameter is computed from the Caffe layer's blobs, used by
``convert_model``.
"""
import keyword
import re

import numpy as np

import mxlite as mx

__all__ = ['Ref', 'Emitter', 'ParamSpec', 'f32']


def f32(value):
    """A Caffe float field as the shortest decimal of its float32 value (1e-4, not 9.99e-05)."""
    return float(str(np.float32(value)))


class Ref:
    """A symbol in the network and the Python identifier holding it in the generated code."""
    __slots__ = ('code', 'sym', 'layer')

    def __init__(self, code, sym, layer=None):
        self.code = code
        self.sym = sym
        self.layer = layer      # the Caffe layer that produced it (BatchNorm folding looks here)


class ParamSpec:
    """mx parameter ``name`` (``arg`` or ``aux``) = ``fn(blobs of Caffe layer `layer`)``."""
    __slots__ = ('layer', 'name', 'kind', 'fn')

    def __init__(self, layer, name, kind, fn):
        self.layer = layer      # Caffe layer name whose blobs feed fn, or None (a constant)
        self.name = name
        self.kind = kind
        self.fn = fn


def _fmt(value):
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, (int, np.integer)):
        return repr(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(f32(value))
    if isinstance(value, (tuple, list)):
        items = [_fmt(v) for v in value]
        return '(%s,)' % items[0] if len(items) == 1 else '(%s)' % ', '.join(items)
    if isinstance(value, str):
        return repr(value)
    raise TypeError('cannot write %r into generated code' % (value,))


def _live(value):
    if isinstance(value, (float, np.floating)) and not isinstance(value, bool):
        return f32(value)
    if isinstance(value, (tuple, list)):
        return tuple(_live(v) for v in value)
    if isinstance(value, np.integer):
        return int(value)
    return value


class Emitter:
    """Records ``mx.sym`` calls as live symbols and as lines of Python."""

    def __init__(self, input_shapes):
        self.input_shapes = dict(input_shapes)
        self.lines = []
        self.specs = []
        self._idents = {'mx'}

    # -- identifiers -----------------------------------------------------
    def _ident(self, name):
        base = re.sub(r'\W', '_', name) or 'x'
        if base[0].isdigit():
            base = '_' + base
        if keyword.iskeyword(base):
            base += '_'
        ident, i = base, 1
        while ident in self._idents:
            i += 1
            ident = '%s_%d' % (base, i)
        self._idents.add(ident)
        return ident

    # -- graph building --------------------------------------------------
    def variable(self, name, shape=None, layer=None):
        kwargs = {} if shape is None else {'shape': tuple(int(d) for d in shape)}
        sym = mx.sym.Variable(name, **kwargs)
        ident = self._ident(name)
        extra = '' if shape is None else ', shape=%s' % _fmt(kwargs['shape'])
        self.lines.append('%s = mx.sym.Variable(%r%s)' % (ident, name, extra))
        return Ref(ident, sym, layer)

    def op(self, op_name, *inputs, name, layer=None, **params):
        """``mx.sym.<op_name>(*inputs, name=name, **params)``; inputs are Refs.

        Keyword inputs (``gamma=ref``) are passed as Refs among ``params``.
        """
        sym_args = [r.sym for r in inputs]
        code_args = [r.code for r in inputs]
        sym_kwargs, code_kwargs = {}, []
        for k, v in params.items():
            if isinstance(v, Ref):
                sym_kwargs[k] = v.sym
                code_kwargs.append('%s=%s' % (k, v.code))
            else:
                sym_kwargs[k] = _live(v)
                code_kwargs.append('%s=%s' % (k, _fmt(v)))
        namespace = 'mx.sym._internal' if op_name.startswith('_') else 'mx.sym'
        fn = getattr(mx.sym._internal if op_name.startswith('_') else mx.sym, op_name)
        sym = fn(*sym_args, name=name, **sym_kwargs)
        ident = self._ident(name)
        call = ', '.join(code_args + code_kwargs + ['name=%r' % name])
        self.lines.append('%s = %s.%s(%s)' % (ident, namespace, op_name, call))
        return Ref(ident, sym, layer)

    def item(self, ref, index, name):
        """Output ``index`` of a multi-output symbol."""
        ident = self._ident(name)
        self.lines.append('%s = %s[%d]' % (ident, ref.code, index))
        return Ref(ident, ref.sym[index], ref.layer)

    def group(self, refs):
        if len(refs) == 1:
            return refs[0]
        ident = self._ident('net')
        self.lines.append('%s = mx.sym.Group([%s])' % (ident, ', '.join(r.code for r in refs)))
        return Ref(ident, mx.sym.Group([r.sym for r in refs]))

    # -- inference ---------------------------------------------------------
    def shape(self, ref):
        """The output shape of ``ref`` for the network's input shapes."""
        args = set(ref.sym.list_arguments())
        known = {k: v for k, v in self.input_shapes.items() if k in args}
        _, out, _ = ref.sym.infer_shape_partial(**known)
        shape = tuple(out[0])
        if not shape or any(d <= 0 for d in shape):
            raise ValueError('the shape of %s cannot be inferred from the inputs %s'
                             % (ref.sym.name, known))
        return shape

    # -- parameters --------------------------------------------------------
    def param(self, layer, name, kind, fn):
        self.specs.append(ParamSpec(layer, name, kind, fn))

    def drop_params(self, names):
        self.specs = [s for s in self.specs if s.name not in names]

    # -- program -------------------------------------------------------------
    def source(self, output, input_shapes, origin):
        body = '\n'.join('    ' + line for line in self.lines)
        shapes = ', '.join('%r: %s' % (k, _fmt(v)) for k, v in input_shapes.items())
        return _TEMPLATE.format(origin=origin, body=body, output=output.code, shapes=shapes)


_TEMPLATE = '''"""The network of {origin}, converted by mxlite's tools/caffe_converter.

Runs with mxlite (and with Apache MXNet 1.x: change the import to ``import mxnet as mx``).
"""
import mxlite as mx

# input name -> shape, as declared in the prototxt
INPUT_SHAPES = {{{shapes}}}


def get_symbol():
    """The converted network as an mx.sym.Symbol."""
{body}
    return {output}


if __name__ == '__main__':
    mx.viz.print_summary(get_symbol(), shape=INPUT_SHAPES)
'''
