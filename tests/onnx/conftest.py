import os
import sys

# onnx_nets (the test networks) is imported by name
HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)
