"""Logging that is visible by default.

MXNet's ``fit`` logs through ``logging`` at INFO level, which prints nothing
unless the script configured logging -- a classic "why is there no output"
trap.  mxlite's training messages go through :func:`get_logger`: when the
root logger has handlers (the script called ``logging.basicConfig``) they go
to the root logger exactly as in MXNet; when it has none, they go to an
``mxlite`` logger that prints them to stderr, so ``fit`` is never silent.

In distributed training only worker 0 prints these messages (every worker
would print nearly the same lines); ``MXLITE_DIST_ALL_RANKS=1`` turns the
other workers' messages back on.
"""
import logging
import sys

__all__ = ['get_logger']


def _fallback_logger():
    logger = logging.getLogger('mxlite')
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter('%(message)s'))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logger.propagate = False
    return logger


def _silent_logger():
    logger = logging.getLogger('mxlite.other_workers')
    if not logger.handlers:
        logger.addHandler(logging.NullHandler())
        logger.propagate = False
        logger.disabled = True
    return logger


def get_logger(logger=None):
    """The logger to write training messages to.

    ``None`` or the ``logging`` module (MXNet's default) mean "the root
    logger if configured, else mxlite's visible fallback"; any other logger
    is used as given.  On distributed workers other than rank 0 the default
    is a silent logger.
    """
    if logger is None or logger is logging:
        from .kvstore.role import is_primary
        if not is_primary():
            return _silent_logger()
        if logging.getLogger().handlers:
            return logging.getLogger()
        return _fallback_logger()
    return logger
