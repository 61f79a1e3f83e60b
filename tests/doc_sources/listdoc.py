import numpy as np


def norm2(x):
    return np.sum(np.square(x))


def chain(ps, params):
    total = 0.0
    for p in ps[1:]:
        total = total + np.sum(np.tanh(p * params["scale"]))
    return total + np.sum(ps[0] ** 2)
