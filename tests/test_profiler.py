"""mx.profiler: operator timings from the executor and imperative calls."""
import json

import pytest

import mxlite as mx


def test_profiler_records_symbolic_and_imperative(tmp_path):
    f = str(tmp_path / 'p.json')
    mx.profiler.set_config(profile_all=True, filename=f, aggregate_stats=True)
    mx.profiler.set_state('run')
    ex = mx.sym.exp(mx.sym.var('a')).simple_bind(mx.cpu(), a=(4,))
    ex.forward(is_train=True)
    ex.backward(mx.nd.ones(4))
    mx.nd.sqrt(mx.nd.ones(3))
    with mx.profiler.Domain('train').new_task('step'):
        pass
    mx.profiler.set_state('stop')
    table = mx.profiler.dumps()
    assert 'exp' in table and '_backward_exp' in table and 'sqrt' in table and 'train::step' in table
    mx.profiler.dump()
    events = json.load(open(f))['traceEvents']
    names = {e['name'] for e in events}
    assert {'exp', '_backward_exp', 'sqrt'} <= names
    assert all(e['ph'] == 'X' and e['dur'] >= 0 for e in events)
    mx.nd.sqrt(mx.nd.ones(3))                  # stopped: nothing more recorded
    assert json.loads(mx.profiler.dumps(format='json')) == {}


def test_profiler_errors():
    with pytest.raises(mx.MXNetError, match='unknown option'):
        mx.profiler.set_config(bogus=True)
    with pytest.raises(mx.MXNetError, match="'run' or 'stop'"):
        mx.profiler.set_state('go')
