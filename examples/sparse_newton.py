"""Newton's method for the steady state of a reaction-diffusion equation, with srcad's
sparse Jacobian and SciPy's sparse solver.

    python examples/sparse_newton.py [grid side, default 100]

Solves  d * laplacian(u) + u (1 - u)(u - 0.3) + s(x, y) = 0  on a periodic grid: n = side**2
unknowns, a Jacobian with 5 entries per row. srcad finds its pattern and colors its
columns once (5 colors whatever the grid size), then each Newton step costs one
vector-mode sweep with 5 directions and one sparse solve. Prints the residual per step.
"""
import sys
import time

import numpy as np
from scipy.sparse.linalg import spsolve

import srcad


def residual(u, source, d=0.05):
    lap = np.roll(u, 1, 0) + np.roll(u, -1, 0) + np.roll(u, 1, 1) + np.roll(u, -1, 1) - 4 * u
    return d * lap + u * (1 - u) * (u - 0.3) + source


def forcing(side):
    x = np.linspace(0, 1, side, endpoint=False)
    return 0.008 * np.outer(np.sin(2 * np.pi * x), np.cos(2 * np.pi * x)) + 0.002


def main(side=100, tolerance=1e-11, steps=12, show=True):
    """Newton iterations from u = 0; returns the residual norms, first one included."""
    source = forcing(side)
    jacobian = srcad.jacobian(residual, sparse=True)
    u = np.zeros((side, side))
    norms = [float(np.linalg.norm(residual(u, source)))]
    start = time.perf_counter()
    for step in range(steps):
        if norms[-1] < tolerance:
            break
        J = jacobian(u, source)                       # csr_array (n, n)
        u = u - spsolve(J.tocsc(), residual(u, source).ravel()).reshape(u.shape)
        norms.append(float(np.linalg.norm(residual(u, source))))
        if show:
            print(f"step {step + 1}: |residual| = {norms[-1]:.3e}")
    if show:
        plan = next(iter(jacobian.plans.values()))
        print(f"{side}x{side} grid, n = {side * side}: {plan.pattern.nnz} nonzeros, "
              f"{plan.count} colors, {len(norms) - 1} Newton steps in {time.perf_counter() - start:.2f} s")
    return norms


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100)
