import os
import sys

# the helpers here (caffe_nets, caffe_ref) and the converter's modules are imported by name
HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.abspath(os.path.join(HERE, '..', '..', '..', 'tools', 'caffe_converter'))
for path in (HERE, TOOLS):
    if path not in sys.path:
        sys.path.insert(0, path)
