"""Smoke tests of the benchmark harness: every workload's mxlite path in --quick mode.

Offline, no timing assertions, no MXNet/torch needed (peers are switched off).
"""
import json
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.path.join(ROOT, 'benchmark')


def _run(args, timeout=300):
    env = dict(os.environ)
    env['PYTHONPATH'] = ROOT + os.pathsep + env.get('PYTHONPATH', '')
    r = subprocess.run([sys.executable] + args, env=env, cwd=ROOT, capture_output=True,
                       text=True, timeout=timeout)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    return r.stdout


def _result(stdout):
    lines = [l for l in stdout.splitlines() if l.startswith('RESULT ')]
    assert len(lines) == 1, stdout
    return json.loads(lines[0][7:])


@pytest.mark.parametrize('script, metrics', [
    ('workloads/mlp.py', ['train_samples_per_sec']),
    ('workloads/lenet.py', ['train_samples_per_sec', 'infer_samples_per_sec', 'first_batch_s']),
    ('workloads/resnet18.py', ['train_samples_per_sec', 'infer_samples_per_sec']),
    ('workloads/startup.py', ['import_s']),
    ('gemm_rate.py', ['gflops']),
])
def test_workload_quick_prints_positive_metrics(script, metrics):
    res = _result(_run([os.path.join(BENCH, script), '--framework', 'mxlite', '--threads', '1',
                        '--quick']))
    assert res['threads'] == 1 and res['blas']
    for m in metrics:
        assert res['metrics'][m] > 0, res


def test_run_py_drives_ops_io_memory_and_writes_markdown(tmp_path):
    md, js = tmp_path / 'out.md', tmp_path / 'out.json'
    out = _run([os.path.join(BENCH, 'run.py'), '--quick', '--repeats', '1', '--threads', '1',
                '--workloads', 'mlp', 'ops', 'io', 'memory', '--mxnet-python', '',
                '--torch-python', '', '--markdown', str(md), '--json', str(js)])
    assert 'MLP training' in out
    data = json.loads(js.read_text())
    assert not data['errors']
    res = data['results']
    assert set(res) == {'gemm', 'mlp', 'ops', 'io', 'memory'}
    for wl, by_threads in res.items():
        runs = by_threads['1']['mxlite']
        assert runs and all(v > 0 for r in runs for v in r.values()), (wl, runs)
    text = md.read_text()
    assert '| op | mode |' in text and 'of GEMM' in text and 'ImageRecordIter' in text
