"""Numba's compilation logs stay out of logging.basicConfig(level=DEBUG) output."""
import subprocess
import sys


def test_numba_debug_logs_are_quiet_under_a_debug_root_logger():
    code = ('import logging; logging.basicConfig(level=logging.DEBUG)\n'
            'import mxlite as mx\n'
            'mx.nd.Convolution(mx.nd.ones((1, 1, 8, 8)), mx.nd.ones((2, 1, 3, 3)), '
            'no_bias=True, kernel=(3, 3), num_filter=2).wait_to_read()\n'
            'print(logging.getLogger("numba").level)\n')
    res = subprocess.run([sys.executable, '-c', code], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == str(__import__('logging').WARNING)
    assert 'numba' not in res.stderr.lower()
