"""Shared command-line plumbing: argument errors and failures are one line on stderr."""
import argparse
import os
import sys

__all__ = ['Parser', 'run']


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad flag or a missing argument as one line, exit status 2."""

    def error(self, message):
        sys.stderr.write('%s: error: %s (see -h)\n' % (self.prog, message))
        sys.exit(2)


def run(main, argv=None):
    """Call ``main(argv)``; a known failure prints ``<tool>: error: <reason>`` and exits 1."""
    prog = os.path.basename(sys.argv[0]) or 'caffe_converter'
    try:
        from caffe_parser import ConverterError
        from mxlite.base import MXNetError
    except ImportError as e:
        sys.stderr.write('%s: error: %s\n' % (prog, e))
        sys.exit(1)
    try:
        main(argv)
    except (ConverterError, MXNetError, OSError, ValueError) as e:
        msg = str(e) if not isinstance(e, OSError) or not e.filename else \
            '%s: %s' % (e.filename, e.strerror)
        sys.stderr.write('%s: error: %s\n' % (prog, msg.strip().splitlines()[0] if msg else e))
        sys.exit(1)
