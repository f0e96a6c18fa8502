"""SIGKILL a process while it saves checkpoints, again and again, and check what is left.

Run as a script (the test starts it in a fresh interpreter)::

    python kill_harness.py MODE FOLDER KILLS SEED MAX_DELAY_MS

The harness imports mxlite and builds the model once, then for every kill forks a child that
saves checkpoints of increasing epochs back to back (so a kill almost
always lands inside a save), reporting each finished epoch through a pipe.
After a random delay the child gets SIGKILL.  The harness then checks:

* every epoch the children reported is present and loads intact (exact
  values), the previous checkpoint included;
* any newer epoch on disk is complete (loads with exact values): never a
  torn file under a real name;
* nothing else is in the folder but hidden temporary files of interrupted
  writes (``.NAME.XXXX.tmp``), which no loader ever reads.

The next child continues from the newest complete epoch, like a restarted
job.  Prints one JSON line: kills, epochs saved, leftover temp files,
violations (empty when everything held).
"""
import json
import os
import random
import re
import signal
import sys
import time

import logging

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', '..'))

import mxlite as mx  # noqa: E402

SIZE = 1 << 19            # floats in the big parameter: 2 MiB, so a save takes a while
HIDDEN = 8


def expected(epoch):
    """The parameters of epoch ``epoch`` (cheap to build, distinct per epoch)."""
    base = (np.arange(SIZE, dtype=np.float32) % 997).reshape(HIDDEN, -1)
    return {'fc_weight': base + epoch, 'fc_bias': np.full(HIDDEN, epoch, np.float32),
            'bn_moving_mean': np.full(3, -epoch, np.float32)}


def symbol():
    data = mx.sym.var('data')
    fc = mx.sym.FullyConnected(data, num_hidden=HIDDEN, name='fc')
    return mx.sym.SoftmaxOutput(fc, name='softmax')


class _Net(mx.gluon.Block):
    def __init__(self):
        super().__init__(prefix='net_')
        with self.name_scope():
            self.weight = self.params.get('weight', shape=(HIDDEN, SIZE // HIDDEN))
            self.bias = self.params.get('bias', shape=(HIDDEN,))
            self.mean = self.params.get('mean', shape=(3,))


# -- savers: one checkpoint of ``epoch`` in ``folder`` ------------------------------------
def _nd(d):
    return {k: mx.nd.array(v) for k, v in d.items()}


def save(mode, folder, epoch, state):
    prefix = os.path.join(folder, 'ck')
    e = expected(epoch)
    arg = _nd({'fc_weight': e['fc_weight'], 'fc_bias': e['fc_bias']})
    aux = _nd({'bn_moving_mean': e['bn_moving_mean']})
    if mode == 'save_checkpoint':
        mx.model.save_checkpoint(prefix, epoch, state['sym'], arg, aux)
    elif mode == 'do_checkpoint':
        mx.callback.do_checkpoint(prefix)(epoch - 1, state['sym'], arg, aux)
    elif mode == 'module':
        mod = state['mod']
        mod.set_params(arg, {})
        mod.save_checkpoint(prefix, epoch, save_optimizer_states=True)
    elif mode == 'nd_save':
        mx.nd.save('%s-%04d.nd' % (prefix, epoch), _nd(e))
    elif mode == 'save_parameters':
        net = state['net']
        net.weight.set_data(mx.nd.array(e['fc_weight']))
        net.bias.set_data(mx.nd.array(e['fc_bias']))
        net.mean.set_data(mx.nd.array(e['bn_moving_mean']))
        net.save_parameters('%s-%04d.gluon' % (prefix, epoch))
    else:
        raise ValueError(mode)


def prepare(mode):
    state = {'sym': symbol()}
    if mode == 'module':
        mod = mx.mod.Module(state['sym'])
        mod.bind(data_shapes=[('data', (2, SIZE // HIDDEN))],
                 label_shapes=[('softmax_label', (2,))])
        mod.init_params()
        mod.init_optimizer(optimizer='sgd', optimizer_params={'momentum': 0.9})
        state['mod'] = mod
    if mode == 'save_parameters':
        net = _Net()
        net.initialize()
        state['net'] = net
    return state


# -- checks -------------------------------------------------------------------------------
def load(mode, folder, epoch):
    """The epoch's parameters as numpy arrays, or raise if the checkpoint is not intact."""
    prefix = os.path.join(folder, 'ck')
    if mode in ('save_checkpoint', 'do_checkpoint', 'module'):
        sym, arg, aux = mx.model.load_checkpoint(prefix, epoch)
        if sym.tojson() != symbol().tojson():
            raise AssertionError('symbol file differs')
        out = {k: v.asnumpy() for k, v in arg.items()}
        out.update({k: v.asnumpy() for k, v in aux.items()})
        if mode == 'module':
            upd = mx.optimizer.get_updater(mx.optimizer.SGD())
            with open('%s-%04d.states' % (prefix, epoch), 'rb') as f:
                upd.set_states(f.read())
            return {k: out[k] for k in ('fc_weight', 'fc_bias')}
        return out
    if mode == 'nd_save':
        return {k: v.asnumpy() for k, v in mx.nd.load('%s-%04d.nd' % (prefix, epoch)).items()}
    net = _Net()
    net.load_parameters('%s-%04d.gluon' % (prefix, epoch))
    return {'fc_weight': net.weight.data().asnumpy(), 'fc_bias': net.bias.data().asnumpy(),
            'bn_moving_mean': net.mean.data().asnumpy()}


def intact(mode, folder, epoch):
    want = expected(epoch)
    got = load(mode, folder, epoch)
    for k, v in got.items():
        if not np.array_equal(v, want[k]):
            raise AssertionError('%s differs' % k)


# the file whose presence makes an epoch's checkpoint exist (a Module writes its .states
# first, so a .states file alone is an interrupted checkpoint, never loaded as one)
_EPOCH_FILE = re.compile(r'^ck-(\d{4})\.(params|nd|gluon)$')
_STATES = re.compile(r'^ck-(\d{4})\.states$')
_TEMP = re.compile(r'^\.ck-(symbol\.json|\d{4}\.(params|states|nd|gluon))\..+\.tmp$')


def on_disk(folder):
    """(epochs with a file on disk, leftover temp files, unexpected names)."""
    epochs, temps, odd = set(), [], []
    for name in os.listdir(folder):
        m = _EPOCH_FILE.match(name)
        if m:
            epochs.add(int(m.group(1)))
        elif _TEMP.match(name):
            temps.append(name)
        elif _STATES.match(name):
            continue
        elif name != 'ck-symbol.json':
            odd.append(name)
    return epochs, temps, odd


def check(mode, folder, reported, everything=False):
    """Violations after a kill: the two newest reported epochs (all with ``everything``)
    and every unreported epoch on disk must load intact."""
    problems = []
    epochs, temps, odd = on_disk(folder)
    if odd:
        problems.append('unexpected files %s' % odd)
    if not epochs >= reported:
        problems.append('reported epochs missing: %s' % sorted(reported - epochs))
    for e in sorted(reported)[(0 if everything else -2):]:
        try:
            intact(mode, folder, e)
        except Exception as err:  # noqa: BLE001 - reported as a violation
            problems.append('reported epoch %d does not load intact: %s' % (e, err))
    newest_ok = max(reported) if reported else 0
    for e in sorted(epochs - reported):
        try:
            intact(mode, folder, e)
            newest_ok = max(newest_ok, e)
        except Exception as err:  # noqa: BLE001
            problems.append('epoch %d is on disk but torn: %s' % (e, err))
    return problems, temps, newest_ok


# -- the loop -----------------------------------------------------------------------------
def child(mode, folder, start, wfd, state):
    epoch = start
    while True:
        save(mode, folder, epoch, state)
        os.write(wfd, b'%d\n' % epoch)
        epoch += 1


def main(mode, folder, kills, seed, max_delay_ms):
    logging.disable(logging.INFO)
    rng = random.Random(seed)
    reported = set()
    violations = []
    next_epoch = 1
    temps = []
    state = prepare(mode)          # once: every child inherits it
    for k in range(kills):
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(rfd)
            try:
                child(mode, folder, next_epoch, wfd, state)
            finally:
                os._exit(1)
        os.close(wfd)
        time.sleep(rng.uniform(0, max_delay_ms) / 1000.0)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        with os.fdopen(rfd, 'rb') as f:
            done = {int(x) for x in f.read().split()}
        reported |= done
        problems, temps, newest = check(mode, folder, reported)
        violations += ['kill %d: %s' % (k, p) for p in problems]
        next_epoch = newest + 1
    problems, temps, _ = check(mode, folder, reported, everything=True)
    violations += ['final check: %s' % p for p in problems]
    print(json.dumps({'mode': mode, 'kills': kills, 'epochs_saved': len(reported),
                      'newest': next_epoch - 1, 'temp_files': len(temps),
                      'violations': violations}))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]))
