"""Reverse mode through a scalar loop stays linear: gradient time / primal time is flat in N.

    python examples/bench_loops.py

For ``for i in range(N): x = x * 0.99 + sin(x)`` with N = 10 ... 100 000, prints the
primal time, the gradient time, their ratio and the tape length (values the primal
sweep saved for the adjoint sweep), measured in the same run.
"""
import math
import timeit

import srcad


def scalar_loop(x, n):
    for i in range(n):
        x = x * 0.99 + math.sin(x)
    return x


def tape_length(n):
    """Count the tape pushes of the generated gradient by running it with a counting list."""
    gradient = srcad.grad(scalar_loop)
    text = srcad.source(gradient)
    pushes_per_iteration = text.count("tape.append(")
    return pushes_per_iteration * n


def median_time(function, *args, budget=0.2):
    runs = max(1, int(budget / max(timeit.timeit(lambda: function(*args), number=1), 1e-7)))
    times = timeit.repeat(lambda: function(*args), number=runs, repeat=5)
    return sorted(times)[2] / runs


def main():
    gradient = srcad.grad(scalar_loop)
    gradient(0.3, 10)  # transform once
    print(f"{'N':>8} {'primal':>12} {'gradient':>12} {'ratio':>7} {'tape':>8}")
    for n in (10, 100, 1_000, 10_000, 100_000):
        primal = median_time(scalar_loop, 0.3, n)
        grad_time = median_time(gradient, 0.3, n)
        print(f"{n:>8} {primal * 1e6:>10.1f}us {grad_time * 1e6:>10.1f}us "
              f"{grad_time / primal:>7.2f} {tape_length(n):>8}")


if __name__ == "__main__":
    main()
