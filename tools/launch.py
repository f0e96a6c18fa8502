#!/usr/bin/env python3
"""Launch a distributed mxlite job, like MXNet's tools/launch.py, on MPI.

    python tools/launch.py -n 4 python example/image-classification/train_mnist.py --kv-store dist_sync
    python tools/launch.py -n 8 -H hosts --launcher ssh python train.py --kv-store dist_sync

The workers are started by ``mpiexec`` (MPICH's hydra or Open MPI's), which
``pip install -e '.[dist]'`` provides.  mxlite's distributed KVStores need no
server or scheduler processes, so ``-s``/``--env-server`` are accepted for
MXNet compatibility and ignored.  Launchers:

* ``local`` (default without ``-H``): every worker on this machine; the cores
  are split between them (``NUMBA_NUM_THREADS`` = cores / workers, and one
  BLAS/OpenMP thread each -- unless those variables are set already).
* ``mpi`` (default with ``-H``): the hosts of the hostfile, started by the MPI
  implementation's own bootstrap.
* ``ssh``: the hosts of the hostfile, started over ssh (passwordless ssh to
  every host needed).  ``--sync-dst-dir DIR`` first copies the current
  directory to DIR on every host with rsync and runs the job there.

The script, Python and data must be at the same paths on every machine (or on
a shared filesystem).  A leading ``python``/``python3`` in the command is
replaced by this interpreter (``sys.executable``) so the workers use the same
environment.  If any worker fails, mpiexec stops the others and this script
exits with mpiexec's status.
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mpi_command import (LaunchError, build_command, find_mpiexec, mpi_flavour,  # noqa: E402
                         read_hostfile, worker_env, write_hostfile)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description='Launch a distributed mxlite job through mpiexec (MXNet tools/launch.py).')
    parser.add_argument('-n', '--num-workers', required=True, type=int,
                        help='number of worker processes to launch')
    parser.add_argument('-s', '--num-servers', type=int,
                        help='ignored: mxlite needs no server processes (accepted for MXNet '
                             'compatibility)')
    parser.add_argument('-H', '--hostfile', type=str,
                        help='file naming the machines, one per line (host, host:slots or '
                             'host slots=N); required by the mpi and ssh launchers')
    parser.add_argument('--launcher', type=str, choices=['local', 'mpi', 'ssh'],
                        help='local (default without -H), mpi (default with -H) or ssh')
    parser.add_argument('--sync-dst-dir', type=str,
                        help='rsync the current directory to this directory on every host and '
                             'run there (ssh and mpi launchers)')
    parser.add_argument('--env', action='append', default=[], metavar='NAME:VALUE',
                        help='set an environment variable for every worker (repeatable)')
    parser.add_argument('--env-worker', action='append', default=[], metavar='NAME:VALUE',
                        help='same as --env (MXNet spelling)')
    parser.add_argument('--env-server', action='append', default=[], metavar='NAME:VALUE',
                        help='ignored: there are no server processes')
    parser.add_argument('--interface', type=str,
                        help='network interface the workers talk over (e.g. eth0)')
    parser.add_argument('--mpiexec', type=str,
                        help='the mpiexec to use (default: $MPIEXEC, the one beside this '
                             'Python, or the one on PATH)')
    parser.add_argument('--dry-run', action='store_true',
                        help='print the mpiexec command instead of running it')
    parser.add_argument('command', nargs=argparse.REMAINDER,
                        help='the command each worker runs')
    args = parser.parse_args(argv)
    if not args.command:
        parser.error('give the command to launch, e.g. python train.py --kv-store dist_sync')
    if args.num_workers < 1:
        parser.error('-n must be at least 1')
    return args


def _pairs(items):
    env = {}
    for item in items:
        name, sep, value = item.partition(':')
        if not sep or not name:
            raise LaunchError('--env %r: expected NAME:VALUE, e.g. OMP_NUM_THREADS:3' % item)
        env[name] = value
    return env


def _python(command):
    if command and command[0] in ('python', 'python3'):
        return [sys.executable] + command[1:]
    return command


def _sync(hosts, dst):
    src = os.getcwd().rstrip('/') + '/'
    for host in sorted({h for h, _ in hosts}):
        cmd = ['rsync', '-az', '--exclude', '.git', src, '%s:%s' % (host, dst)]
        print('launch.py: ' + ' '.join(cmd), file=sys.stderr)
        try:
            rc = subprocess.call(cmd)
        except OSError as e:
            raise LaunchError('--sync-dst-dir needs rsync: %s' % e) from None
        if rc != 0:
            raise LaunchError('rsync to %s failed (exit status %d)' % (host, rc))


def _run(cmd):
    proc = subprocess.Popen(cmd)

    def forward(signum, frame):
        proc.send_signal(signum)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, forward)
    return proc.wait()


def _explain(rc, num_workers):
    if rc < 0:
        what = 'mpiexec was stopped by signal %d' % -rc
    else:
        what = ('mpiexec exited with status %d: a worker failed (exited with an error, raised an '
                'uncaught exception, timed out, or was killed -- status 9 is SIGKILL, 15 SIGTERM)'
                % rc)
    return ('launch.py: the job of %d workers failed: %s; mpiexec stopped the other workers. '
            'The workers\' messages are above.' % (num_workers, what))


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        launcher = args.launcher or ('mpi' if args.hostfile else 'local')
        if launcher == 'local' and args.hostfile:
            raise LaunchError('--launcher local runs every worker on this machine; drop -H or '
                              'use --launcher mpi or ssh')
        if launcher != 'local' and not args.hostfile:
            raise LaunchError('--launcher %s needs -H HOSTFILE naming the machines' % launcher)
        if args.sync_dst_dir and launcher == 'local':
            raise LaunchError('--sync-dst-dir copies the job to the hosts of -H; it needs the '
                              'mpi or ssh launcher')
        if args.num_servers or args.env_server:
            print('launch.py: note: -s/--env-server are ignored; mxlite\'s distributed KVStores '
                  'need no server processes', file=sys.stderr)
        mpiexec = find_mpiexec(args.mpiexec)
        flavour = mpi_flavour(mpiexec)
        local = launcher == 'local'
        env = worker_env(args.num_workers, local)
        env.update(_pairs(args.env + args.env_worker))
        hostfile = None
        if args.hostfile:
            hosts = read_hostfile(args.hostfile)
            fd, hostfile = tempfile.mkstemp(prefix='mxlite-hosts-', suffix='.txt')
            os.close(fd)
            write_hostfile(hosts, flavour, hostfile)
        cmd = build_command(mpiexec, flavour, args.num_workers, _python(args.command), env,
                            hostfile=hostfile, ssh=launcher == 'ssh', interface=args.interface,
                            workdir=args.sync_dst_dir, local=local)
        if args.dry_run:
            print(' '.join(cmd))
            return 0
        if args.sync_dst_dir:
            _sync(hosts, args.sync_dst_dir)
        try:
            rc = _run(cmd)
        finally:
            if hostfile:
                os.unlink(hostfile)
    except LaunchError as e:
        print('launch.py: %s' % e, file=sys.stderr)
        return 2
    if rc != 0:
        print(_explain(rc, args.num_workers), file=sys.stderr)
    return rc if rc >= 0 else 128 - rc


if __name__ == '__main__':
    sys.exit(main())
