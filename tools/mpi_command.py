"""Building the ``mpiexec`` command line for tools/launch.py.

Two MPI implementations are understood: MPICH (its ``hydra`` mpiexec, also
what ``pip install mpich`` provides, and Intel MPI) and Open MPI.  Hostfiles
are read in MXNet's format (one host per line) with optional slot counts in
either implementation's spelling (``host:4`` or ``host slots=4``), and
rewritten in the spelling the detected ``mpiexec`` expects.
"""
import os
import re
import shutil
import subprocess
import sys

__all__ = ['LaunchError', 'find_mpiexec', 'mpi_flavour', 'read_hostfile', 'write_hostfile',
           'build_command', 'worker_env']

# what Open MPI must be told to forward (MPICH's hydra forwards the whole environment)
FORWARDED = ('PATH', 'PYTHONPATH', 'VIRTUAL_ENV', 'LD_LIBRARY_PATH', 'PYTHONUNBUFFERED',
             'OMP_NUM_THREADS', 'NUMBA_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS',
             'DMLC_ROLE', 'DMLC_NUM_WORKER', 'DMLC_NUM_SERVER')
BLAS_THREAD_VARS = ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS')


class LaunchError(Exception):
    """A launch problem explained to the user (printed without a traceback)."""


def find_mpiexec(explicit=None):
    """``explicit``, else $MPIEXEC, else the ``mpiexec`` beside this Python, else on PATH."""
    candidate = explicit or os.environ.get('MPIEXEC')
    if candidate:
        found = shutil.which(candidate)
        if not found:
            raise LaunchError('mpiexec %r was not found or is not executable' % candidate)
        return found
    here = os.path.dirname(os.path.abspath(sys.executable))
    found = shutil.which('mpiexec', path=here) or shutil.which('mpiexec')
    if not found:
        raise LaunchError("mpiexec was not found: install MPI with  pip install -e '.[dist]'  "
                          "(mpi4py and mpich) or  apt install openmpi-bin libopenmpi-dev, or "
                          "name it with --mpiexec PATH")
    return found


def mpi_flavour(mpiexec):
    """'mpich' (hydra, also Intel MPI) or 'openmpi', from ``mpiexec --version``."""
    try:
        out = subprocess.run([mpiexec, '--version'], stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, timeout=30, check=False).stdout
    except (OSError, subprocess.TimeoutExpired) as e:
        raise LaunchError('cannot run %s --version: %s' % (mpiexec, e)) from None
    text = out.decode('utf-8', 'replace')
    if 'HYDRA' in text.upper():
        return 'mpich'
    if 'Open MPI' in text or 'OpenRTE' in text or 'open-mpi' in text:
        return 'openmpi'
    raise LaunchError('%s is neither MPICH (hydra) nor Open MPI (its --version says %r); run '
                      'your script with that mpiexec directly' % (mpiexec, text.strip()[:200]))


def read_hostfile(path):
    """[(host, slots or None)] from MXNet-style, MPICH-style or Open MPI-style hostfiles."""
    try:
        with open(path) as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise LaunchError('cannot read hostfile %s: %s' % (path, e.strerror or e)) from None
    hosts = []
    for number, line in enumerate(lines, 1):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        m = re.match(r'^([A-Za-z0-9_.\-\[\]:]+?)(?::(\d+))?(?:\s+slots\s*=\s*(\d+).*)?$', line)
        if not m:
            raise LaunchError('%s:%d: cannot read %r; write one host per line, optionally with '
                              'a slot count as host:4 or host slots=4' % (path, number, line))
        slots = m.group(2) or m.group(3)
        hosts.append((m.group(1), int(slots) if slots else None))
    if not hosts:
        raise LaunchError('hostfile %s names no hosts' % path)
    return hosts


def write_hostfile(hosts, flavour, path):
    """Write ``hosts`` in ``flavour``'s spelling."""
    with open(path, 'w') as f:
        for host, slots in hosts:
            if slots is None:
                f.write('%s\n' % host)
            elif flavour == 'openmpi':
                f.write('%s slots=%d\n' % (host, slots))
            else:
                f.write('%s:%d\n' % (host, slots))


def worker_env(num_workers, local, environ=None):
    """Variables set for every worker (the user's own settings win)."""
    environ = os.environ if environ is None else environ
    env = {'PYTHONUNBUFFERED': '1', 'DMLC_ROLE': 'worker', 'DMLC_NUM_WORKER': str(num_workers),
           'DMLC_NUM_SERVER': '0'}
    if local:
        # the workers share this machine's cores: Numba's kernels get an equal share each;
        # BLAS gets one thread (its spinning pool next to Numba's slows training several-fold)
        env['NUMBA_NUM_THREADS'] = str(max(1, (os.cpu_count() or 1) // num_workers))
        for name in BLAS_THREAD_VARS:
            env[name] = '1'
    return {k: v for k, v in env.items() if k not in environ}


def build_command(mpiexec, flavour, num_workers, command, env, hostfile=None, ssh=False,
                  interface=None, workdir=None, local=True):
    """The full mpiexec argument list."""
    cmd = [mpiexec, '-n', str(num_workers)]
    if flavour == 'mpich':
        if hostfile:
            cmd += ['-f', hostfile]
        if ssh:
            cmd += ['-launcher', 'ssh']
        if interface:
            cmd += ['-iface', interface]
        if workdir:
            cmd += ['-wdir', workdir]
        for name, value in sorted(env.items()):
            cmd += ['-genv', name, value]
    else:
        if local:
            cmd += ['--oversubscribe']
        if hostfile:
            cmd += ['--hostfile', hostfile]
        if ssh:
            cmd += ['--mca', 'plm_rsh_agent', 'ssh']
        if interface:
            cmd += ['--mca', 'btl_tcp_if_include', interface,
                    '--mca', 'oob_tcp_if_include', interface]
        if workdir:
            cmd += ['--wdir', workdir]
        for name, value in sorted(env.items()):
            cmd += ['-x', '%s=%s' % (name, value)]
        for name in FORWARDED:
            if name in os.environ and name not in env:
                cmd += ['-x', name]
    return cmd + list(command)

