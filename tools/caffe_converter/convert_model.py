#!/usr/bin/env python3
"""Convert a Caffe model (deploy .prototxt + .caffemodel) into an MXNet checkpoint.

    python tools/caffe_converter/convert_model.py deploy.prototxt weights.caffemodel prefix

writes ``prefix-symbol.json`` and ``prefix-0001.params``, which load with
``mx.model.load_checkpoint(prefix, 1)``, ``mx.mod.Module.load(prefix, 1)``,
``mx.model.FeedForward.load(prefix, 1)`` -- in mxlite and in Apache MXNet.

What the conversion does besides copying weights:

* BatchNorm followed by Scale becomes one mx ``BatchNorm``: the moving
  mean/variance are Caffe's stored sums divided by its scale factor (the
  third BatchNorm blob), gamma/beta come from the Scale layer.
* Pooling keeps Caffe's output size: ceil rounding is
  ``pooling_convention='full'`` (and the rare last window that Caffe drops
  is cropped away).
* Colour order: Caffe models take BGR images, mx image pipelines give RGB.
  By default, as MXNet's converter, the input channels of the first
  convolution are swapped (channels 0 and 2, when it has 3 or 4), so the
  converted model expects **RGB** input.  ``--no-swap-bgr`` keeps Caffe's
  BGR order (then feed BGR images, e.g. ``cv2.imread`` output).

From Python: ``sym, arg_params, aux_params, input_dim =
convert_model('deploy.prototxt', 'weights.caffemodel', 'prefix')``.
"""
import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
try:
    import mxlite  # noqa: F401
except ImportError:
    sys.path.insert(0, os.path.join(_HERE, '..', '..'))

from caffe_cli import Parser, run  # noqa: E402

__all__ = ['convert_model', 'convert_params']


def convert_params(network, weights, swap_bgr=True):
    """(arg_params, aux_params) as numpy arrays from {Caffe layer: [blobs]}."""
    import numpy as np
    from caffe_parser import ConverterError
    sym = network.sym
    arg_shapes, _, aux_shapes = sym.infer_shape(**network.input_shapes)
    if arg_shapes is None:
        raise ConverterError('cannot infer the parameter shapes from the inputs %s'
                             % network.input_shapes)
    shapes = {'arg': dict(zip(sym.list_arguments(), arg_shapes)),
              'aux': dict(zip(sym.list_auxiliary_states(), aux_shapes))}
    out = {'arg': {}, 'aux': {}}
    for spec in network.specs:
        target = shapes[spec.kind].get(spec.name)
        if target is None:
            continue    # a branch only a Crop's reference shape reads: not in the mx graph
        if spec.layer is not None and spec.layer not in weights:
            raise ConverterError("the caffemodel has no weights for layer '%s' (needed for %s)"
                                 % (spec.layer, spec.name))
        blobs = weights.get(spec.layer, []) if spec.layer is not None else []
        arr = np.asarray(spec.fn(blobs, tuple(target)), dtype=np.float32)
        if arr.size != int(np.prod(target)):
            raise ConverterError("layer '%s': %s needs shape %s, the caffemodel gives %s"
                                 % (spec.layer, spec.name, tuple(target), arr.shape))
        out[spec.kind][spec.name] = np.ascontiguousarray(arr.reshape(target))
    if swap_bgr and network.first_conv is not None:
        w = out['arg'].get(network.first_conv + '_weight')
        if w is not None and w.ndim == 4 and w.shape[1] in (3, 4):
            w[:, [0, 2]] = w[:, [2, 0]]
    inputs = set(network.input_shapes)
    missing = [n for n in sym.list_arguments()
               if n not in out['arg'] and n not in inputs and not n.endswith('_label')]
    if missing:
        raise ConverterError('no values for the parameters %s' % ', '.join(missing))
    return out['arg'], out['aux']


def convert_model(prototxt_fname, caffemodel_fname, output_prefix=None, swap_bgr=True):
    """Convert; returns (sym, arg_params, aux_params, input_dim) with NDArray parameters.

    With ``output_prefix``, also writes ``<prefix>-symbol.json`` and
    ``<prefix>-0001.params``.  ``swap_bgr``: see the module docstring.
    """
    import mxlite as mx
    from caffe_parser import read_caffemodel, layer_weights
    from convert_symbol import convert_network
    network = convert_network(prototxt_fname)
    weights = layer_weights(read_caffemodel(caffemodel_fname))
    args, aux = convert_params(network, weights, swap_bgr)
    arg_params = {k: mx.nd.array(v) for k, v in args.items()}
    aux_params = {k: mx.nd.array(v) for k, v in aux.items()}
    if output_prefix is not None:
        mx.model.save_checkpoint(output_prefix, 1, network.sym, arg_params, aux_params)
    first = next(iter(network.input_shapes.values()), None)
    return network.sym, arg_params, aux_params, first


def main(argv=None):
    parser = Parser(description='Convert a Caffe model into an MXNet checkpoint '
                    '(<prefix>-symbol.json and <prefix>-0001.params).  Needs no Caffe '
                    'installation.  By default the first convolution is changed to take RGB '
                    'input instead of Caffe\'s BGR (see --no-swap-bgr).')
    parser.add_argument('prototxt', help='the Caffe network definition (deploy.prototxt)')
    parser.add_argument('caffemodel', help='the trained Caffe weights (.caffemodel, binary)')
    parser.add_argument('prefix', help='output prefix: writes PREFIX-symbol.json and '
                        'PREFIX-0001.params (load with mx.mod.Module.load(PREFIX, 1))')
    parser.add_argument('--no-swap-bgr', dest='swap_bgr', action='store_false',
                        help="keep Caffe's BGR channel order in the first convolution (default: "
                        'swap channels 0 and 2 so the converted model takes RGB images, as '
                        "MXNet's converter does)")
    args = parser.parse_args(argv)
    prefix_dir = os.path.dirname(os.path.abspath(args.prefix))
    if not os.path.isdir(prefix_dir):
        raise OSError(2, 'no such directory', prefix_dir)
    sym, arg_params, aux_params, _ = convert_model(args.prototxt, args.caffemodel, args.prefix,
                                                   args.swap_bgr)
    print('wrote %s-symbol.json and %s-0001.params (%d arrays)'
          % (args.prefix, args.prefix, len(arg_params) + len(aux_params)))


if __name__ == '__main__':
    run(main)
