"""Network definitions: each module has ``get_symbol(num_classes, **kwargs)``.

The training scripts load them by name with
``import_module('symbols.' + args.network)``; older copies of the scripts use
the former folder name ``symbol.`` (served by ``symbol/__init__.py`` from this
same folder).  Names with a dash (``resnet-v1``, ``inception-bn``) are
imported that way too.
"""
import os

NETWORKS = sorted(f[:-3] for f in os.listdir(os.path.dirname(os.path.abspath(__file__)))
                  if f.endswith('.py') and not f.startswith('_'))
