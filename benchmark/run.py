"""The issue-9 benchmark suite: mxlite vs MXNet 1.9.1 vs PyTorch, interleaved, medians.

    python benchmark/run.py [--workloads mlp lenet ...] [--repeats 5] [--threads 1 2]
        [--mxnet-python /tmp/mxref/bin/python] [--torch-python /tmp/torchref/bin/python]
        [--markdown out.md] [--json out.json] [--quick]

Every run of a workload is a fresh subprocess.  For each thread count the
frameworks alternate (mxlite, MXNet, torch, mxlite, ...) for ``--repeats``
rounds, so a noisy machine slows them alike; the table shows medians.  Every
framework gets the same thread count for BLAS/OpenMP/Numba/MXNet workers
(and torch.set_num_threads); the subprocesses' environment drops
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE so OpenBLAS picks its own kernel, and
each reports the BLAS threadpoolctl found.  A peer interpreter that is
missing or cannot import its framework is skipped (pass '' to skip one).

Workloads: gemm (numpy 4096^3 float32 GEMM rate, the yardstick for
GFLOP/s), mlp, lenet, resnet18, startup (benchmark/workloads/*.py), ops
(benchmark/ops.py's worker), io (benchmark/io_bench.py's timer on a .rec made
by tools/im2rec.py), memory (benchmark/memory.py; run once).
Ratios are "mxlite vs peer, >1 = mxlite better" (throughput mxlite/peer; time
and bytes peer/mxlite).
"""
import argparse
import datetime
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, 'workloads'))
import common  # noqa: E402
import io_bench  # noqa: E402
import ops  # noqa: E402

FRAMEWORKS = ('mxlite', 'mxnet', 'torch')
NAMES = {'mxlite': 'mxlite', 'mxnet': 'MXNet', 'torch': 'PyTorch'}
ALL = ('gemm', 'mlp', 'lenet', 'resnet18', 'ops', 'io', 'memory', 'startup')
OPS_CASES = ['conv 3x3 64->64 @56', 'conv 7x7 3->64 s2 @224', 'fc 1024->1024',
             'pool max 2x2 s2', 'batchnorm train', 'softmax']
OPS_QUICK = ['lenet conv2 5x5 20->50', 'softmax lenet']
CONV56 = 'conv 3x3 64->64 @56|fwd+bwd'


# -- one run of one workload ---------------------------------------------------
def _result_line(stdout):
    for line in stdout.splitlines():
        if line.startswith('RESULT '):
            return json.loads(line[7:])
    return None


class Script:
    """A benchmark/workloads script (or gemm_rate.py): prints one ``RESULT {json}``."""
    once = False

    def __init__(self, path, frameworks=FRAMEWORKS):
        self.path, self.frameworks = path, frameworks

    def prepare(self, tmp, quick):
        pass

    def command(self, fw, threads, quick):
        return [os.path.join(HERE, self.path), '--framework', fw, '--threads', str(threads)] + \
            (['--quick'] if quick else [])

    def parse(self, stdout):
        res = _result_line(stdout)
        return res and (res['metrics'], res)


class Gemm(Script):
    def __init__(self):
        super().__init__('gemm_rate.py', ('mxlite',))

    def command(self, fw, threads, quick):
        return [os.path.join(HERE, self.path), '--threads', str(threads)] + \
            (['--quick'] if quick else [])


class Ops(Script):
    def __init__(self):
        super().__init__('ops.py')

    def command(self, fw, threads, quick):
        cases = OPS_QUICK if quick else OPS_CASES
        return [os.path.join(HERE, 'ops.py'), '--worker', fw, '--min-time',
                '0.01' if quick else '0.3', '--max-reps', '1' if quick else '10',
                '--cases', ','.join(cases)]

    def parse(self, stdout):
        res = _result_line(stdout)
        return res and ({k: v * 1e3 for k, v in res['times'].items()}, res)


class Io(Script):
    def __init__(self):
        super().__init__('io_bench.py', ('mxlite', 'mxnet'))
        self.kwargs = None

    def prepare(self, tmp, quick):
        root = os.path.join(tmp, 'images')
        io_bench.make_images(root, 32 if quick else 512)
        rec = io_bench.pack(os.path.join(tmp, 'jpeg224'), root, 224)
        self.kwargs = dict(path_imgrec=rec, data_shape=(3, 224, 224),
                           batch_size=8 if quick else 32, rand_crop=True, rand_mirror=True,
                           mean_r=123.68, mean_g=116.28, mean_b=103.53, std_r=58.395,
                           std_g=57.12, std_b=57.375, preprocess_threads=2, verbose=False)

    def command(self, fw, threads, quick):
        code = io_bench.TIMER.format(import_line='import %s as mx' % fw)
        return ['-c', code, json.dumps(self.kwargs), '1' if quick else '3']

    def parse(self, stdout):
        lines = stdout.strip().splitlines()
        rates = json.loads(lines[-1]) if lines else None
        return rates and ({'images_per_sec': statistics.median(rates)}, {})


class Memory(Script):
    once = True

    def __init__(self):
        super().__init__('memory.py', ('mxlite', 'mxnet'))

    def command(self, fw, threads, quick):
        return [os.path.join(HERE, 'memory.py'), '--framework', fw] + \
            (['--batch-size', '2'] if quick else [])

    def parse(self, stdout):
        m = {}
        for mode in ('train', 'inference'):
            hit = re.search(r'%s batch \d+: Total (\d+) MB allocated(?: \(planned ([\d.]+) MB, '
                            r'naive ([\d.]+) MB)?' % mode, stdout)
            if not hit:
                return None
            m['%s_mb' % mode] = float(hit.group(2) or hit.group(1))
            if hit.group(3):
                m['%s_naive_mb' % mode] = float(hit.group(3))
        rss = re.search(r'peak RSS: ([\d.]+) MB', stdout)
        m['peak_rss_mb'] = float(rss.group(1)) if rss else 0.0
        return m, {}


WORKLOADS = {'gemm': Gemm(), 'mlp': Script('workloads/mlp.py'),
             'lenet': Script('workloads/lenet.py'), 'resnet18': Script('workloads/resnet18.py'),
             'ops': Ops(), 'io': Io(), 'memory': Memory(),
             'startup': Script('workloads/startup.py')}


def run_once(work, fw, python, threads, quick, timeout):
    """One fresh subprocess; returns (metrics, raw result) or raises RuntimeError."""
    cmd = [python] + work.command(fw, threads, quick)
    r = subprocess.run(cmd, env=common.thread_env(threads), capture_output=True, text=True,
                       cwd=common.ROOT, timeout=timeout)
    parsed = work.parse(r.stdout) if r.returncode == 0 else None
    if not parsed:
        raise RuntimeError('%s failed (rc %s):\n%s' % (' '.join(cmd[:3]), r.returncode,
                                                      (r.stdout + r.stderr)[-2000:]))
    return parsed


# -- the table -----------------------------------------------------------------
# workload, metric, label, higher is better, format
ROWS = [
    ('gemm', 'gflops', 'GEMM 4096 float32 (numpy, mxlite venv), GFLOP/s', True, '%.1f'),
    ('mlp', 'train_samples_per_sec', 'MLP training, samples/s', True, '%.0f'),
    ('lenet', 'train_samples_per_sec', 'LeNet training, samples/s', True, '%.0f'),
    ('lenet', 'infer_samples_per_sec', 'LeNet inference, samples/s', True, '%.0f'),
    ('resnet18', 'train_samples_per_sec', 'ResNet-18 hybridized training, samples/s', True,
     '%.1f'),
    ('resnet18', 'infer_samples_per_sec', 'ResNet-18 hybridized inference, samples/s', True,
     '%.1f'),
    ('io', 'images_per_sec', 'ImageRecordIter 224 JPEG, 2 decode threads, img/s', True, '%.0f'),
    ('memory', 'train_mb', 'ResNet-50 b32 planned memory, training, MB', False, '%.0f'),
    ('memory', 'train_naive_mb', 'ResNet-50 b32 naive sum, training, MB', False, '%.0f'),
    ('memory', 'inference_mb', 'ResNet-50 b32 planned memory, inference, MB', False, '%.0f'),
    ('memory', 'inference_naive_mb', 'ResNet-50 b32 naive sum, inference, MB', False, '%.0f'),
    ('memory', 'peak_rss_mb', 'ResNet-50 b32 bind: peak RSS, MB', False, '%.0f'),
    ('startup', 'import_s', 'import time, s', False, '%.3f'),
    ('startup', 'first_batch_warm_s', 'LeNet first batch, warm Numba cache, s', False, '%.2f'),
    ('startup', 'first_batch_cold_s', 'LeNet first batch, cold Numba cache, s', False, '%.2f'),
]


def _target(key, med, gemm):
    """(text, pass?) for the issue's targets, or None.  ``med[fw][metric]``."""
    def get(fw, metric):
        return med.get(fw, {}).get(metric)

    def ge(fw, metric, factor=1.0):
        a, b = get('mxlite', metric), get(fw, metric)
        return None if a is None or b is None else a >= factor * b
    checks = {
        ('lenet', 'train_samples_per_sec'): [('>= 1.5x MXNet', ge('mxnet', 'train_samples_per_sec', 1.5)),
                                             ('>= PyTorch', ge('torch', 'train_samples_per_sec'))],
        ('lenet', 'infer_samples_per_sec'): [('>= PyTorch', ge('torch', 'infer_samples_per_sec'))],
        ('mlp', 'train_samples_per_sec'): [('>= MXNet', ge('mxnet', 'train_samples_per_sec')),
                                           ('>= PyTorch', ge('torch', 'train_samples_per_sec'))],
        ('resnet18', 'train_samples_per_sec'): [('>= MXNet', ge('mxnet', 'train_samples_per_sec'))],
        ('io', 'images_per_sec'): [('>= MXNet', ge('mxnet', 'images_per_sec'))],
        ('startup', 'import_s'): [('< 0.3 s', None if get('mxlite', 'import_s') is None
                                   else get('mxlite', 'import_s') < 0.3)],
        ('memory', 'train_mb'): [('<= MXNet', None if get('mxnet', 'train_mb') is None
                                  or get('mxlite', 'train_mb') is None
                                  else get('mxlite', 'train_mb') <= get('mxnet', 'train_mb'))],
    }
    if key == ('ops', CONV56):
        t = get('mxlite', CONV56)
        ok = None if t is None or not gemm else _gflops(CONV56, t) >= 0.6 * gemm
        return [('>= 60% of GEMM', ok)]
    return checks.get(key)


def _fmt_targets(targets):
    if not targets:
        return '', ''
    return ('; '.join(t for t, _ in targets),
            '; '.join('n/a' if ok is None else ('pass' if ok else 'miss') for _, ok in targets))


_FLOPS = {c[0]: c[4] for c in ops.CASES}


def _gflops(key, ms):
    name, mode = key.split('|')
    flops = _FLOPS.get(name)
    return flops and flops * (1 if mode == 'fwd' else 3) / (ms * 1e-3) / 1e9


def _ratio(a, b, higher):
    if a is None or b is None or not a or not b:
        return '-'
    return '%.2fx' % (a / b if higher else b / a)


def medians(runs):
    """runs: list of metrics dicts -> metric -> median."""
    keys = set().union(*runs) if runs else set()
    return {k: statistics.median(r[k] for r in runs if k in r) for k in keys}


def table(results, meta, args):
    lines = ['Benchmark suite (benchmark/run.py), %s, %s; median of %d fresh-process runs per '
             'framework, interleaved. Ratios: mxlite vs peer, >1 = mxlite better.'
             % (datetime.date.today().isoformat(), _machine(), args.repeats), '']
    for fw, m in sorted(meta.items()):
        lines.append('* %s %s; BLAS: %s' % (NAMES.get(fw, fw), m.get('version', '?'),
                                            '; '.join(m.get('blas', [])) or '?'))
    lines += ['', '| workload | threads | mxlite | MXNet | PyTorch | vs MXNet | vs PyTorch '
              '| target | result |', '|---|---:|---:|---:|---:|---:|---:|---|---|']
    for threads in args.threads:
        for wl, metric, label, higher, fmt in ROWS:
            for_t = results.get(wl, {}).get(threads)
            if not for_t:
                continue
            med = {fw: medians(runs) for fw, runs in for_t.items() if runs}
            if not any(metric in m for m in med.values()):
                continue
            cell = lambda fw: fmt % med[fw][metric] if metric in med.get(fw, {}) else '-'
            val = lambda fw: med.get(fw, {}).get(metric)
            tgt, res = _fmt_targets(_target((wl, metric), med, None))
            lines.append('| %s | %d | %s | %s | %s | %s | %s | %s | %s |' % (
                label, threads, cell('mxlite'), cell('mxnet'), cell('torch'),
                _ratio(val('mxlite'), val('mxnet'), higher),
                _ratio(val('mxlite'), val('torch'), higher), tgt, res))
    if 'ops' in results:
        lines += ['', 'Operators (benchmark/ops.py cases), ms per call; GFLOP/s and share of the '
                  'GEMM rate measured at the same thread count.', '',
                  '| op | mode | threads | mxlite ms | MXNet ms | PyTorch ms | vs MXNet | '
                  'vs PyTorch | mxlite GFLOP/s | of GEMM | MXNet GFLOP/s | PyTorch GFLOP/s '
                  '| target | result |',
                  '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|']
        for threads in args.threads:
            med = {fw: medians(runs) for fw, runs in results['ops'].get(threads, {}).items()
                   if runs}
            gemm_runs = results.get('gemm', {}).get(threads, {}).get('mxlite')
            gemm = medians(gemm_runs).get('gflops') if gemm_runs else None
            keys = sorted(set().union(*[set(m) for m in med.values()]) if med else [],
                          key=lambda k: ([c[0] for c in ops.CASES].index(k.split('|')[0]),
                                         ops.MODES.index(k.split('|')[1])))
            for key in keys:
                name, mode = key.split('|')
                ms = {fw: med[fw].get(key) for fw in med}
                gf = {fw: _gflops(key, t) if t else None for fw, t in ms.items()}
                g = lambda fw: '%.1f' % gf[fw] if gf.get(fw) else '-'
                frac = '%.0f%%' % (100 * gf['mxlite'] / gemm) if gf.get('mxlite') and gemm else '-'
                tgt, res = _fmt_targets(_target(('ops', key), med, gemm))
                c = lambda fw: '%.3f' % ms[fw] if ms.get(fw) else '-'
                lines.append('| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |'
                             % (name, mode, threads, c('mxlite'), c('mxnet'), c('torch'),
                                _ratio(ms.get('mxlite'), ms.get('mxnet'), False),
                                _ratio(ms.get('mxlite'), ms.get('torch'), False),
                                g('mxlite'), frac, g('mxnet'), g('torch'), tgt, res))
    return '\n'.join(lines) + '\n'


def _machine():
    model = platform.processor() or 'cpu'
    try:
        with open('/proc/cpuinfo') as f:
            hit = re.search(r'model name\s*:\s*(.+)', f.read())
            model = hit.group(1).strip() if hit else model
    except OSError:
        pass
    return '%d vCPU %s' % (os.cpu_count(), model)


# -- driver --------------------------------------------------------------------
def _default(path):
    return path if os.path.exists(path) else ''


def _available(fw, python, env):
    if not python or not os.path.exists(python):
        return False
    r = subprocess.run([python, '-c', 'import %s' % fw], env=env, capture_output=True,
                       cwd=common.ROOT)
    return r.returncode == 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--workloads', nargs='+', default=list(ALL), choices=ALL)
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--threads', type=int, nargs='+', default=[1, 2])
    ap.add_argument('--mxlite-python', default=sys.executable)
    ap.add_argument('--mxnet-python', default=_default('/tmp/mxref/bin/python'))
    ap.add_argument('--torch-python', default=_default('/tmp/torchref/bin/python'))
    ap.add_argument('--quick', action='store_true', help='smoke mode: tiny runs of everything')
    ap.add_argument('--timeout', type=float, default=1200, help='seconds per subprocess')
    ap.add_argument('--markdown', help='write the table to this file')
    ap.add_argument('--json', help='write every run\'s metrics to this file')
    args = ap.parse_args(argv)

    env = common.thread_env(1)
    pythons = {'mxlite': args.mxlite_python, 'mxnet': args.mxnet_python,
               'torch': args.torch_python}
    present = [fw for fw in FRAMEWORKS if _available(fw, pythons[fw], env)]
    for fw in FRAMEWORKS:
        if fw not in present:
            print('skipping %s: no interpreter that imports it (%r)' % (fw, pythons[fw]),
                  file=sys.stderr)
    if 'ops' in args.workloads and 'gemm' not in args.workloads:
        args.workloads.insert(0, 'gemm')
    results, meta, errors = {}, {}, []
    tmp = tempfile.mkdtemp(prefix='mxlite_bench_')
    try:
        for wl in args.workloads:
            work = WORKLOADS[wl]
            fws = [fw for fw in work.frameworks if fw in present]
            if not fws:
                continue
            work.prepare(os.path.join(tmp, wl), args.quick)
            thread_counts = args.threads[:1] if work.once else args.threads
            repeats = 1 if work.once else args.repeats
            results[wl] = {}
            for threads in thread_counts:
                runs = results[wl][threads] = {fw: [] for fw in fws}
                for rep in range(repeats):
                    for fw in fws:
                        try:
                            metrics, raw = run_once(work, fw, pythons[fw], threads, args.quick,
                                                    args.timeout)
                        except (RuntimeError, subprocess.TimeoutExpired) as e:
                            errors.append('%s/%s/%d threads: %s' % (wl, fw, threads, e))
                            print(errors[-1], file=sys.stderr)
                            continue
                        runs[fw].append(metrics)
                        if raw.get('blas') and wl != 'gemm' and fw not in meta:
                            meta[fw] = {'version': raw.get('version'), 'blas': raw['blas']}
                        print('%s %s threads=%d rep %d/%d: %s' % (
                            wl, fw, threads, rep + 1, repeats,
                            json.dumps(metrics, sort_keys=True)[:160]), file=sys.stderr,
                            flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    text = table(results, meta, args)
    if errors:
        text += '\nErrors:\n\n' + '\n'.join('* ' + e.splitlines()[0] for e in errors) + '\n'
    print(text)
    if args.markdown:
        with open(args.markdown, 'w') as f:
            f.write(text)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({'results': results, 'meta': meta, 'errors': errors,
                       'args': vars(args)}, f, indent=1)
    return 1 if errors else 0


if __name__ == '__main__':
    sys.exit(main())
