import os
import sys

# tests/ops/case_spec.py is imported by name from the sweep tests
sys.path.insert(0, os.path.join(os.path.dirname(__file__), 'ops'))
