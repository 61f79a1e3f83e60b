"""A two-layer network as a function of its input, for `srcad compare` (see docs/api.md):

    srcad compare examples/mlp.py:mlp --shape x=100 --shape W1=50,100 --shape W2=100,50
"""
import numpy as np


def mlp(x, W1, W2):
    return np.tanh(W2 @ np.tanh(W1 @ x))
