import numpy as np


def weighted_log(x, w):
    assert x.ndim == 1, f"x must be a vector, got shape {x.shape}"
    if np.any(w < 0):
        raise ValueError("weights must be non-negative")
    with np.errstate(divide="ignore"):
        logs = np.log(x)
    square = lambda v: v * v
    return np.sum(w * logs) + np.sum(square(x))
