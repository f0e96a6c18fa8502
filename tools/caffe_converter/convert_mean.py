#!/usr/bin/env python3
"""Convert a Caffe mean image (mean.binaryproto) into an MXNet NDArray file.

    python tools/caffe_converter/convert_mean.py mean.binaryproto mean.nd

writes ``{'mean_image': NDArray of shape (channels, height, width)}`` with
``mx.nd.save``, as MXNet's tool did.  The channels are swapped from Caffe's
BGR to RGB (channels 0 and 2), matching ``convert_model``'s default;
``--no-swap-bgr`` keeps BGR.

From Python: ``mean = convert_mean('mean.binaryproto', 'mean.nd')``.
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

__all__ = ['convert_mean']


def convert_mean(binaryproto_fname, output=None, swap_bgr=True):
    """The mean image as an NDArray (C, H, W); saved to ``output`` when given."""
    import mxlite as mx
    from caffe_parser import read_blobproto, ConverterError
    arr = read_blobproto(binaryproto_fname)
    if arr.ndim == 4:
        if arr.shape[0] != 1:
            raise ConverterError('%s: holds %d images; a mean file holds one'
                                 % (binaryproto_fname, arr.shape[0]))
        arr = arr[0]
    if arr.ndim != 3:
        raise ConverterError('%s: a mean image has 3 dimensions (channels, height, width), '
                             'got shape %s' % (binaryproto_fname, arr.shape))
    arr = arr.copy()
    if swap_bgr and arr.shape[0] == 3:
        arr[[0, 2]] = arr[[2, 0]]
    nd = mx.nd.array(arr)
    if output is not None:
        mx.nd.save(output, {'mean_image': nd})
    return nd


def main(argv=None):
    parser = Parser(description="Convert a Caffe mean image (.binaryproto) into an NDArray file "
                    "({'mean_image': (C, H, W)}, saved with mx.nd.save).")
    parser.add_argument('binaryproto', help='the Caffe mean file, e.g. mean.binaryproto')
    parser.add_argument('output', help='the NDArray file to write, e.g. mean.nd')
    parser.add_argument('--no-swap-bgr', dest='swap_bgr', action='store_false',
                        help="keep Caffe's BGR channel order (default: swap to RGB, as "
                        "convert_model does)")
    args = parser.parse_args(argv)
    nd = convert_mean(args.binaryproto, args.output, args.swap_bgr)
    print('wrote %s (mean_image, shape %s)' % (args.output, nd.shape))


if __name__ == '__main__':
    run(main)
