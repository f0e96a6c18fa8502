"""Walk a Caffe network and build the mx network: blob bookkeeping, folding, outputs.

:func:`build_network` is the core of ``convert_symbol`` and
``convert_model``: it reads the layers in order, keeps track of which mx
symbol currently holds each Caffe blob (Caffe's in-place layers rewrite a
blob under the same name), decides which BatchNorm layers absorb the Scale
layer after them, and returns a :class:`Network` with the symbol, its input
shapes, the generated program and the parameter specs.
"""
from caffe_parser import ConverterError, get_layers, get_inputs, sanitize
from caffe_emit import Emitter
import caffe_layers
import caffe_layers_tensor  # noqa: F401  (registers its converters)

__all__ = ['Network', 'build_network']


class Network:
    """The result of a conversion."""

    def __init__(self, sym, input_shapes, emitter, output, first_conv):
        self.sym = sym                      # mx.sym.Symbol
        self.input_shapes = input_shapes    # {mx input name: shape}, only inputs the net uses
        self.emitter = emitter
        self.output = output                # Ref of the network's output(s)
        self.first_conv = first_conv        # mx name of the first convolution on an image input

    @property
    def specs(self):
        return self.emitter.specs

    def source(self, origin):
        """Python program building the network (see caffe_emit)."""
        return self.emitter.source(self.output, self.input_shapes, origin)


class _Builder:
    """State shared with the layer converters (``caffe_layers``)."""

    def __init__(self, layers, input_shapes):
        self.layers = layers
        self.em = Emitter(input_shapes)
        self.blobs = {}             # Caffe blob name -> Ref holding its current value
        self.input_names = set()
        self.first_conv = None
        self.fold_scale = {}        # index of a Scale layer -> index of the BatchNorm it folds into
        self.consumers = []         # per layer: number of later readers of each of its tops
        self._analyse()

    def _analyse(self):
        """Readers of each blob version; which BatchNorm+Scale pairs fold."""
        version = {}                # blob name -> (producer index, top position)
        readers = {}                # (producer index, top position) -> [reader indices]
        for i, layer in enumerate(self.layers):
            for b in layer.bottom:
                if b in version and layer.type not in caffe_layers.NOT_READERS:
                    readers.setdefault(version[b], []).append(i)
            for t, top in enumerate(layer.top):
                version[top] = (i, t)
        self.consumers = [[len(readers.get((i, t), ())) for t in range(len(layer.top))]
                          for i, layer in enumerate(self.layers)]
        for i, layer in enumerate(self.layers):
            if layer.type != 'BatchNorm' or len(layer.top) != 1:
                continue
            r = readers.get((i, 0), [])
            if len(r) == 1 and self.layers[r[0]].type == 'Scale' \
                    and len(self.layers[r[0]].bottom) == 1:
                p = self.layers[r[0]].sub('scale_param')
                if p.axis in (1, -3) and p.num_axes == 1:
                    self.fold_scale[r[0]] = i

    def is_terminal(self, index):
        """Whether no later layer reads any top of layer ``index`` (a network output)."""
        return not any(self.consumers[index])

    def folds_into(self, index):
        """The BatchNorm layer index that Scale layer ``index`` folds into, or None."""
        return self.fold_scale.get(index)

    def has_scale(self, bn_index):
        return bn_index in self.fold_scale.values()

    def bottom(self, layer, name):
        ref = self.blobs.get(name)
        if ref is None:
            raise ConverterError("%s reads blob '%s', which no earlier layer or input produces"
                                 % (layer.describe(), name))
        return ref

    def add_input(self, name, shape):
        mx_name = sanitize(name)
        if mx_name in self.input_names:
            raise ConverterError("input '%s' is declared twice" % name)
        self.input_names.add(mx_name)
        self.em.input_shapes[mx_name] = tuple(int(d) for d in shape)
        self.blobs[name] = self.em.variable(mx_name)


def build_network(net):
    """Convert a parsed prototxt (NetParameter) into a :class:`Network`."""
    layers = get_layers(net)
    if not layers:
        raise ConverterError('the network has no layers (for the TEST phase)')
    b = _Builder(layers, {})
    for name, shape in get_inputs(net):
        b.add_input(name, shape)
    produced = []                   # (blob name, Ref) in production order
    for index, layer in enumerate(layers):
        convert = caffe_layers.CONVERTERS.get(layer.type)
        if convert is None:
            if layer.type in caffe_layers.SKIPPED:
                continue
            raise ConverterError(caffe_layers.unsupported_message(layer))
        # a loss layer's label bottom is not part of the mx graph (SoftmaxOutput has its own)
        names = layer.bottom[:1] if layer.type == 'SoftmaxWithLoss' else layer.bottom
        bottoms = [b.bottom(layer, n) for n in names]
        try:
            tops = convert(b, index, layer, bottoms)
        except ConverterError:
            raise
        except Exception as e:     # an mx error while building: say which layer
            raise ConverterError('%s: %s' % (layer.describe(), e)) from e
        if len(tops) != len(layer.top):
            raise ConverterError('%s declares %d tops but produces %d'
                                 % (layer.describe(), len(layer.top), len(tops)))
        for name, ref in zip(layer.top, tops):
            b.blobs[name] = ref
            produced.append((index, name, ref))
    outputs = _outputs(b, produced)
    if not outputs:
        raise ConverterError('the network produces no output')
    out = b.em.group(outputs)
    used = set(out.sym.list_arguments())
    shapes = {k: v for k, v in b.em.input_shapes.items() if k in used}
    return Network(out.sym, shapes, b.em, out, b.first_conv)


def _outputs(b, produced):
    """Tops that no later layer reads: Caffe's network outputs, in production order."""
    outs, seen = [], set()
    for index, name, ref in produced:
        t = b.layers[index].top.index(name)
        if b.consumers[index][t] == 0 and b.blobs.get(name) is ref and id(ref) not in seen:
            seen.add(id(ref))
            outs.append(ref)
    return outs
