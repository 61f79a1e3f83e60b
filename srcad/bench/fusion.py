"""The fused elementwise loops measured: ``python -m srcad.bench.fusion``.

The elementwise chain of the bench (1e6 values) and an elementwise matrix function
(1000x1000): the primal, and the gradient and JVP as NumPy code, compiled with
``compile="numba"`` (fused loops), ``"numba-parallel"`` (the loops on every core) and, for
the chain's gradient, a hand-written numba loop (serial and prange). Medians of 15 calls
measured in turns, in milliseconds, with the ratios docs/performance.md reports.
"""
import math
import statistics
import sys
import time

import numba
import numpy as np

import srcad

from .numba_reference import elementwise_grad as hand_serial
from .workloads import elementwise_chain


def elementwise_matrix(W):
    return np.sum(np.exp(W) * W / (1 + W ** 2))


@numba.njit(parallel=True, cache=True)
def hand_parallel(x):
    out = np.empty_like(x)
    for i in numba.prange(x.size):
        v = x[i]
        s, e, t, q = math.sin(v), math.exp(-v * v), math.tanh(v), 1 + v * v
        out[i] = math.cos(v) * e - 2 * v * s * e + (1 - t * t) / q - t * 2 * v / (q * q)
    return out


def medians(functions, argument, calls=15):
    """{name: median milliseconds}, the functions called in turns after one warm-up call."""
    for function in functions.values():
        function(argument)
    samples = {name: [] for name in functions}
    for _ in range(calls):
        for name, function in functions.items():
            start = time.perf_counter()
            function(argument)
            samples[name].append(time.perf_counter() - start)
    return {name: statistics.median(times) * 1e3 for name, times in samples.items()}


def measure():
    x = np.random.default_rng(0).normal(size=1_000_000)
    W = np.random.default_rng(1).normal(size=(1000, 1000))
    results = {}
    for name, function, argument in (("chain", elementwise_chain, x), ("matrix", elementwise_matrix, W)):
        gradients = {"primal": function, "numpy": srcad.grad(function),
                     "numba": srcad.grad(function, compile="numba"),
                     "numba-parallel": srcad.grad(function, compile="numba-parallel")}
        if name == "chain":
            gradients.update({"hand numba": hand_serial, "hand numba prange": hand_parallel})
        results[f"{name} gradient"] = medians(gradients, argument)
        tangent = np.ones_like(argument)
        jvps = {target: srcad.jvp(function, compile=target or None) for target in ("", "numba", "numba-parallel")}
        results[f"{name} JVP"] = medians({"primal": function, **{target or "numpy": (
            lambda a, j=j: j(a, tangent)) for target, j in jvps.items()}}, argument)
    return results


def main():
    for row, times in measure().items():
        ratios = {f"{a} / {b}": times[a] / times[b] for a in ("numba", "numba-parallel") for b in ("numpy", "primal")}
        print(row, " ".join(f"{k} {v:.2f} ms" for k, v in times.items()))
        print("   ", " ".join(f"{k} {v:.2f}" for k, v in ratios.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
