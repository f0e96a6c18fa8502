"""gluon.data.DataLoader with worker processes that die, crash or hang.

A worker killed from outside (as the OOM killer would), one that crashes
in native code, exits, or never returns must surface in the main process
as a clear ``MXNetError`` within a bounded time -- never a hang, also not
at interpreter exit -- and the loader must work again on the next epoch.
"""
import os
import random
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from mxlite.base import MXNetError
from mxlite.gluon.data import DataLoader, SimpleDataset

from robust_util import count, limits

HERE = os.path.dirname(os.path.abspath(__file__))


class Slow:
    """Samples that take a little while, so workers are busy when they are killed."""

    def __init__(self, n, delay=0.02):
        self.n, self.delay = n, delay

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        time.sleep(self.delay)
        return float(i)


class Faulty:
    """Sample 6 faults the first time it is loaded (a marker file remembers), then loads."""

    def __init__(self, kind, marker):
        self.kind, self.marker = kind, str(marker)

    def __len__(self):
        return 16

    def __getitem__(self, i):
        if i == 6 and not os.path.exists(self.marker):
            open(self.marker, 'w').close()
            if self.kind == 'segfault':
                os.kill(os.getpid(), signal.SIGSEGV)
            elif self.kind == 'exit':
                sys.exit(0)
            else:
                time.sleep(3600)
        return float(i)


@pytest.mark.parametrize('kind,what', [('segfault', 'worker process died'),
                                       ('exit', 'worker process exited'),
                                       ('hang', 'timeout')])
def test_worker_fault_is_a_clear_error(tmp_path, kind, what):
    dl = DataLoader(Faulty(kind, tmp_path / 'fired'), batch_size=2, num_workers=2, timeout=2)
    with limits(30.0):
        with pytest.raises(MXNetError, match=what):
            list(dl)
        # the same loader works again on the next epoch (a fresh pool)
        assert [b.asnumpy().tolist() for b in dl] == [[2.0 * i, 2.0 * i + 1] for i in range(8)]
    count('DataLoader: worker faults surfaced as MXNetError')


def _kill_a_worker(seed, delay_max=0.3):
    rng = random.Random(seed)
    dl = DataLoader(Slow(64), batch_size=4, num_workers=3, timeout=10)
    got = []
    at, delay = rng.randint(0, 4), rng.uniform(0, delay_max)
    with limits(30.0):
        with pytest.raises(MXNetError, match='worker process died'):
            for i, batch in enumerate(dl):
                got.append(batch)
                if i == at:
                    time.sleep(delay)
                    victim = rng.choice(list(dl._pool._processes))
                    os.kill(victim, signal.SIGKILL)
        assert len(got) < 16
        again = [b.asnumpy().tolist() for b in dl]       # a fresh pool: the next epoch works
    assert again == [[float(4 * i + k) for k in range(4)] for i in range(16)]
    count('DataLoader: workers SIGKILLed mid-epoch')


def test_worker_killed_from_outside():
    _kill_a_worker(0)


def test_idle_worker_killed_between_batches():
    """The pool notices the death before the next batch is even submitted."""
    dl = DataLoader(Slow(64, 0.0), batch_size=4, num_workers=2, timeout=10, prefetch=1)
    with limits(30.0):
        with pytest.raises(MXNetError, match='worker process died'):
            for i, _ in enumerate(dl):
                if i == 0:
                    time.sleep(0.3)
                    os.kill(list(dl._pool._processes)[0], signal.SIGKILL)
                    time.sleep(0.5)
        assert len(list(dl)) == 16
    count('DataLoader: workers SIGKILLed mid-epoch')


@pytest.mark.slow
@pytest.mark.parametrize('seed', range(1, 9))
def test_worker_killed_from_outside_many(seed):
    _kill_a_worker(seed)


def test_stuck_worker_does_not_hang_the_interpreter_at_exit(tmp_path):
    """A worker stuck forever: the error comes after `timeout`, and the process still exits."""
    script = tmp_path / 'stuck.py'
    script.write_text(textwrap.dedent('''
        import sys, time
        sys.path.insert(0, %r)
        from mxlite.base import MXNetError
        from mxlite.gluon.data import DataLoader, SimpleDataset

        def hang(x):
            if x == 3:
                time.sleep(3600)
            return x

        dl = DataLoader(SimpleDataset(list(range(8))).transform(hang), batch_size=1,
                        num_workers=2, timeout=1)
        try:
            list(dl)
        except MXNetError as e:
            print('error:', e)
    ''' % os.path.join(HERE, '..', '..')))
    start = time.time()
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         timeout=60)
    assert 'error: DataLoader: no batch arrived' in out.stdout, out.stdout + out.stderr
    assert out.returncode == 0
    assert time.time() - start < 30
