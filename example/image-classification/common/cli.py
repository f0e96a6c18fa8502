"""Checks of command-line values: a bad value ends the script with one line naming the flag.

``fail('--image-shape', 'expected ...')`` prints
``train_cifar10.py: error: argument --image-shape: expected ...`` to stderr and
exits with status 2, as argparse does for the values it checks itself.
"""
import os
import sys
from importlib import import_module

from . import find_mxnet  # noqa: F401  (makes mxlite importable)
from mxlite.base import MXNetError


def fail(flag, message):
    """Exit with ``<prog>: error: argument <flag>: <message>`` (no traceback)."""
    prog = os.path.basename(sys.argv[0]) or 'python'
    where = 'argument %s: ' % flag if flag else ''
    sys.stderr.write('%s: error: %s%s\n' % (prog, where, ' '.join(str(message).split())))
    sys.exit(2)


def parse_shape(flag, text, ndim=3):
    """'3,224,224' or '(3, 224, 224)' -> (3, 224, 224); positive integers only."""
    try:
        shape = tuple(int(v) for v in str(text).strip('()[] ').split(',') if v.strip())
    except ValueError:
        shape = ()
    if len(shape) != ndim or min(shape) <= 0:
        fail(flag, 'expected %d positive integers separated by commas (e.g. %s), got %r'
             % (ndim, '3,224,224' if ndim == 3 else ','.join(['1'] * ndim), text))
    return shape


def parse_floats(flag, text, count):
    """'123.68,116.779,103.939' -> a list of ``count`` floats."""
    try:
        values = [float(v) for v in str(text).split(',')]
    except ValueError:
        values = []
    if len(values) != count:
        fail(flag, 'expected %d numbers separated by commas, got %r' % (count, text))
    return values


def parse_ints(flag, text):
    """'30,60' -> [30, 60]."""
    try:
        return [int(v) for v in str(text).split(',') if v.strip()]
    except ValueError:
        fail(flag, 'expected integers separated by commas (e.g. 30,60), got %r' % (text,))


def check_file(flag, path, what='file'):
    """The path itself, or a one-line error when it is not an existing file."""
    if not path:
        fail(flag, 'is required: the %s to read' % what)
    if not os.path.isfile(path):
        fail(flag, 'no such %s: %r' % (what, path))
    return path


def network_names():
    """The networks in ``symbols/``."""
    return import_module('symbols').NETWORKS


def get_symbol(args, package='symbols'):
    """``<package>.<args.network>.get_symbol(**vars(args))`` with one-line errors."""
    name = args.network
    if not name or name not in network_names():
        fail('--network', 'unknown network %r; choose one of %s'
             % (name, ', '.join(network_names())))
    net = import_module(package + '.' + name)
    try:
        return net.get_symbol(**vars(args))
    except (ValueError, TypeError, MXNetError) as err:
        fail(None, err)


def run(main, *args):
    """Call ``main(*args)``; an MXNetError (a bad file, a shape that does not fit) ends the
    script with its one-line message instead of a traceback."""
    try:
        return main(*args)
    except MXNetError as err:
        fail(None, err)
