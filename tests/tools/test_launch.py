"""tools/launch.py: mpiexec command lines for MPICH and Open MPI, hostfiles, errors."""
import os
import stat
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
LAUNCH = os.path.join(REPO, 'tools', 'launch.py')
sys.path.insert(0, os.path.join(REPO, 'tools'))

import mpi_command as mc  # noqa: E402


def fake_mpiexec(tmp_path, version_text):
    """An executable that answers --version like the given MPI."""
    path = tmp_path / 'mpiexec'
    path.write_text('#!/bin/sh\necho "%s"\n' % version_text)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(path)


def launch(*args, env=None):
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, LAUNCH] + list(args), stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True, timeout=60, env=full_env)


def test_flavour_detection(tmp_path):
    assert mc.mpi_flavour(fake_mpiexec(tmp_path, 'HYDRA build details:')) == 'mpich'
    assert mc.mpi_flavour(fake_mpiexec(tmp_path, 'mpiexec (OpenRTE) 4.1.2')) == 'openmpi'
    assert mc.mpi_flavour(fake_mpiexec(tmp_path, 'mpiexec (Open MPI) 5.0.3')) == 'openmpi'
    with pytest.raises(mc.LaunchError, match='neither MPICH'):
        mc.mpi_flavour(fake_mpiexec(tmp_path, 'something else'))


def test_hostfile_spellings(tmp_path):
    hf = tmp_path / 'hosts'
    hf.write_text('# cluster\nnode1\nnode2:4\n\nnode3 slots=2  # big one\n10.0.0.7\n')
    hosts = mc.read_hostfile(str(hf))
    assert hosts == [('node1', None), ('node2', 4), ('node3', 2), ('10.0.0.7', None)]
    out = tmp_path / 'out'
    mc.write_hostfile(hosts, 'mpich', str(out))
    assert out.read_text() == 'node1\nnode2:4\nnode3:2\n10.0.0.7\n'
    mc.write_hostfile(hosts, 'openmpi', str(out))
    assert out.read_text() == 'node1\nnode2 slots=4\nnode3 slots=2\n10.0.0.7\n'
    hf.write_text('node1 extra words\n')
    with pytest.raises(mc.LaunchError, match='hosts:1: cannot read'):
        mc.read_hostfile(str(hf))
    hf.write_text('# nothing\n')
    with pytest.raises(mc.LaunchError, match='names no hosts'):
        mc.read_hostfile(str(hf))


def test_commands_for_both_implementations():
    cmd = mc.build_command('/x/mpiexec', 'mpich', 4, ['py', 'train.py'], {'A': '1'},
                           hostfile='/h', ssh=True, interface='eth0', workdir='/job',
                           local=False)
    assert cmd == ['/x/mpiexec', '-n', '4', '-f', '/h', '-launcher', 'ssh', '-iface', 'eth0',
                   '-wdir', '/job', '-genv', 'A', '1', 'py', 'train.py']
    cmd = mc.build_command('/x/mpiexec', 'openmpi', 4, ['py', 'train.py'], {'A': '1'},
                           hostfile='/h', ssh=True, interface='eth0', workdir='/job',
                           local=False)
    assert cmd[:15] == ['/x/mpiexec', '-n', '4', '--hostfile', '/h', '--mca', 'plm_rsh_agent',
                        'ssh', '--mca', 'btl_tcp_if_include', 'eth0', '--mca',
                        'oob_tcp_if_include', 'eth0', '--wdir']
    assert ['-x', 'A=1'] == cmd[16:18] and cmd[-2:] == ['py', 'train.py']
    assert '--oversubscribe' in mc.build_command('m', 'openmpi', 2, ['p'], {}, local=True)


def test_worker_env_splits_cores_and_keeps_user_settings():
    env = mc.worker_env(2, local=True, environ={'OMP_NUM_THREADS': '7'})
    assert 'OMP_NUM_THREADS' not in env and env['OPENBLAS_NUM_THREADS'] == '1'
    assert env['NUMBA_NUM_THREADS'] == str(max(1, (os.cpu_count() or 1) // 2))
    assert env['DMLC_NUM_WORKER'] == '2' and env['DMLC_ROLE'] == 'worker'
    assert 'NUMBA_NUM_THREADS' not in mc.worker_env(2, local=False, environ={})


def test_dry_run_local(tmp_path):
    mpiexec = fake_mpiexec(tmp_path, 'HYDRA')
    r = launch('-n', '2', '--mpiexec', mpiexec, '--dry-run', '--env', 'FOO:bar', 'python',
               'train.py', '--kv-store', 'dist_sync')
    assert r.returncode == 0, r.stderr
    line = r.stdout.strip()
    assert line.startswith(mpiexec + ' -n 2 ')
    assert '-genv FOO bar' in line
    assert line.endswith('%s train.py --kv-store dist_sync' % sys.executable)


def test_dry_run_hostfile_defaults_to_mpi_launcher(tmp_path):
    mpiexec = fake_mpiexec(tmp_path, 'mpiexec (Open MPI) 5.0.3')
    hf = tmp_path / 'hosts'
    hf.write_text('a:2\nb:2\n')
    r = launch('-n', '4', '-H', str(hf), '-s', '2', '--mpiexec', mpiexec, '--dry-run',
               './train')
    assert r.returncode == 0, r.stderr
    assert '--hostfile ' in r.stdout and 'plm_rsh_agent' not in r.stdout
    assert '--oversubscribe' not in r.stdout and r.stdout.strip().endswith('./train')
    assert '-s/--env-server are ignored' in r.stderr


@pytest.mark.parametrize('args, message', [
    (['-n', '2', '--launcher', 'ssh', 'python', 'x.py'], 'needs -H HOSTFILE'),
    (['-n', '2', '--launcher', 'local', '-H', '/etc/hostname', 'python', 'x.py'],
     'drop -H'),
    (['-n', '2', '--sync-dst-dir', '/tmp/x', 'python', 'x.py'], 'needs the mpi or ssh'),
    (['-n', '2', '--env', 'NOVALUE', 'python', 'x.py'], 'expected NAME:VALUE'),
    (['-n', '2', '--mpiexec', '/no/such/mpiexec', 'python', 'x.py'], 'not found'),
])
def test_usage_errors(tmp_path, args, message):
    if '--mpiexec' not in args:
        args = ['--mpiexec', fake_mpiexec(tmp_path, 'HYDRA')] + args
    r = launch(*args)
    assert r.returncode == 2 and message in r.stderr, r.stderr


def test_missing_mpiexec_says_what_to_install(tmp_path):
    # an interpreter directory and PATH without mpiexec
    r = subprocess.run([sys.executable, '-c', 'import sys; sys.path.insert(0, %r); '
                        'import mpi_command as mc; mc.sys.executable = "/nowhere/python"; '
                        'mc.find_mpiexec()' % os.path.join(REPO, 'tools')],
                       stderr=subprocess.PIPE, text=True, env={'PATH': str(tmp_path)})
    assert "pip install -e '.[dist]'" in r.stderr
