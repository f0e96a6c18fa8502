"""Long runs: ImageRecordIter + Module for hundreds of batches with flat memory and handles.

``soak_worker.py`` trains (in a fresh interpreter for the long run) and samples resident
memory, file descriptors and threads every 25 batches; the iterators'
decoding threads and files must be released when they are closed and
deleted.  The default run is short (release of handles and threads); the
slow one trains 400 batches and bounds the resident-memory drift.
"""
import json
import os
import subprocess
import sys

import pytest

from robust_util import record

HERE = os.path.dirname(os.path.abspath(__file__))
DRIFT_BOUND = 16 << 20        # bytes of resident memory a long run may gain after warm-up
WARMUP = 100                  # batches before the memory baseline is taken


def soak(tmp_path, batches):
    out = subprocess.run([sys.executable, os.path.join(HERE, 'soak_worker.py'), str(tmp_path),
                          str(batches)], capture_output=True, text=True, timeout=560)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def check_handles(r):
    samples = r['samples']
    assert samples
    # steady while training: no file or thread opened per batch or per reset()
    assert len({s[2] for s in samples}) == 1, [s[2] for s in samples]
    assert len({s[3] for s in samples}) == 1, [s[3] for s in samples]
    assert len({s[4] for s in samples}) == 1, [s[4] for s in samples]
    assert r['during'][0] > r['base_fds'] and r['during'][1] > r['base_threads']
    # closed and deleted: every file and decoding thread released
    assert r['after_fds'] == r['base_fds']
    assert r['after_threads'] == r['base_threads']


def test_short_run_releases_files_and_threads(tmp_path):
    """In this interpreter: the iterators' files and threads come and go with them."""
    import soak_worker
    check_handles(soak_worker.run(str(tmp_path), 50))


@pytest.mark.slow
def test_soak_memory_stays_flat(tmp_path):
    r = soak(tmp_path, 400)
    check_handles(r)
    samples = r['samples']
    assert samples[-1][0] >= 400
    base = [s[1] for s in samples if s[0] == WARMUP][0]
    later = [s[1] for s in samples if s[0] >= WARMUP]
    drift = max(later) - base
    record('soak: batches trained', samples[-1][0])
    record('soak: resident memory at batch %d (MiB)' % WARMUP, round(base / 2 ** 20, 2))
    record('soak: resident memory drift after warm-up (MiB)', round(drift / 2 ** 20, 3))
    assert drift <= DRIFT_BOUND, 'resident memory grew by %.1f MiB' % (drift / 2 ** 20)
