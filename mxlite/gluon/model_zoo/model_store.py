"""The local model store: pretrained weight files in ``~/.mxnet/models`` (or ``root``).

mxlite never downloads weights; a file MXNet's model zoo published (named
``<model>-<short hash>.params``) that already sits in the store is used.
"""
import glob
import os

from ...base import MXNetError

__all__ = ['get_model_file', 'purge']


def _default_root():
    return os.path.join(os.environ.get('MXNET_HOME', os.path.join('~', '.mxnet')), 'models')


def get_model_file(name, root=None):
    """Path of the stored weights of ``name`` (``<name>-*.params`` or ``<name>.params``)."""
    root = os.path.expanduser(root or _default_root())
    exact = os.path.join(root, name + '.params')
    found = sorted(glob.glob(os.path.join(glob.escape(root), glob.escape(name) + '-*.params')))
    found = [f for f in found if '-' not in os.path.basename(f)[len(name) + 1:-len('.params')]]
    if os.path.exists(exact):
        return exact
    if found:
        return found[0]
    raise MXNetError('pretrained weights for %r are not in the model store %s; mxlite does not '
                     'download model weights. Put MXNet\'s file %s-<hash>.params (from the '
                     'MXNet model zoo) into %s, or pass root= pointing to the folder that '
                     'holds it' % (name, root, name, root))


def purge(root=None):
    """Delete every ``.params`` file in the model store."""
    root = os.path.expanduser(root or _default_root())
    for f in glob.glob(os.path.join(glob.escape(root), '*.params')):
        os.remove(f)


def load_pretrained(net, name, root, ctx):
    """Load the stored weights of ``name`` into ``net``."""
    net.load_parameters(get_model_file(name, root=root), ctx=ctx)
    return net
