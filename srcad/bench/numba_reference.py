"""Hand-written numba gradients of the workloads that have one: what a person would write
with numba for the same function (the speed of light for srcad's compiled derivatives)."""
import math

import numba
import numpy as np


@numba.njit(cache=True)
def scalar_loop(x):
    for i in range(200):
        x = 0.99 * x + 0.05 * math.sin(x)
    return x


@numba.njit(cache=True)
def scalar_loop_grad(x):
    xs = np.empty(200)
    for i in range(200):
        xs[i] = x
        x = 0.99 * x + 0.05 * math.sin(x)
    g = 1.0
    for i in range(199, -1, -1):
        g = g * (0.99 + 0.05 * math.cos(xs[i]))
    return g


@numba.njit(cache=True)
def log_sin_cube(x):
    return math.log(math.sin(x ** 3) ** 2)


@numba.njit(cache=True)
def log_sin_cube_grad(x):
    return 2 * math.cos(x ** 3) / math.sin(x ** 3) * 3 * x ** 2


@numba.njit(cache=True)
def elementwise_chain(x):
    total = 0.0
    for i in range(x.size):
        v = x[i]
        total += math.sin(v) * math.exp(-v * v) + math.tanh(v) / (1 + v * v)
    return total


@numba.njit(cache=True)
def elementwise_grad(x):
    out = np.empty_like(x)
    for i in range(x.size):
        v = x[i]
        s, e, t, q = math.sin(v), math.exp(-v * v), math.tanh(v), 1 + v * v
        out[i] = math.cos(v) * e - 2 * v * s * e + (1 - t * t) / q - t * 2 * v / (q * q)
    return out


GRADIENTS = {"scalar_loop": (scalar_loop, scalar_loop_grad),
             "log_sin_cube": (log_sin_cube, log_sin_cube_grad),
             "elementwise_chain": (elementwise_chain, elementwise_grad)}
