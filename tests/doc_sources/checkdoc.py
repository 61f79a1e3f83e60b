import numpy as np


def smooth(h):
    return np.unwrap(h)


def loss(w, x, y):
    h = np.tanh(x @ w)
    s = smooth(h)
    err = np.mean((s - y) ** 2)
    del h
    return err
