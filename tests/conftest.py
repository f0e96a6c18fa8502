import os
import sys

# shared test data modules are imported by name: tests/ops/case_spec.py,
# tests/symbol/graph_builders.py, tests/module/module_builders.py, tests/rnn/legacy_rnn_cases.py
HERE = os.path.dirname(__file__)
for sub in ('ops', 'symbol', 'gluon', 'module', 'rnn'):
    sys.path.insert(0, os.path.join(HERE, sub))
