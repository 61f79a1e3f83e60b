"""Helper functions in another module, called by tests/test_control_flow.py."""
import numpy as np


def smooth_abs(x):
    return np.sqrt(x * x + 0.01)


def scaled(x, factor):
    if factor > 1.0:
        return np.sin(x) * factor
    return x
