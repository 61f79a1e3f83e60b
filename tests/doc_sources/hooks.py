import numpy as np
import srcad


def clip(g):
    return np.clip(g, -1.0, 1.0)


def show(g):
    print("cotangent of h:", g)
    return g


def loss(x, w):
    h = srcad.grad_hook(np.tanh(x * w), show)
    y = srcad.grad_hook(h * 4.0, clip)
    return np.sum(y ** 2)
