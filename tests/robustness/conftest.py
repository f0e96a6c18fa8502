"""Robustness suite: a watchdog per test and the figures in the terminal summary."""
import faulthandler
import os
import sys

import pytest

HERE = os.path.dirname(__file__)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from robust_util import FIGURES  # noqa: E402

# no test of this suite may run longer than this, even stuck inside native code
WATCHDOG_S = 600


def _stderr_fd(config):
    try:
        from _pytest.faulthandler import fault_handler_stderr_fd_key
        return config.stash[fault_handler_stderr_fd_key]
    except (ImportError, KeyError):
        return sys.__stderr__.fileno()


@pytest.fixture(autouse=True)
def _watchdog(request):
    """Dump every thread's stack and exit if a test hangs where signals cannot reach."""
    faulthandler.dump_traceback_later(WATCHDOG_S, exit=True, file=_stderr_fd(request.config))
    yield
    faulthandler.cancel_dump_traceback_later()


def pytest_terminal_summary(terminalreporter):
    if not FIGURES:
        return
    terminalreporter.section('robustness figures')
    for name in sorted(FIGURES):
        value = FIGURES[name]
        terminalreporter.write_line('%-58s %s' % (name, '%.3f' % value if isinstance(value, float)
                                                  else value))
