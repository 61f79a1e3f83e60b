"""A recursive function: the determinant by expansion of minors, and its gradient.

    python examples/recursive_determinant.py

Each recursive call is transformed once, in split form (a forward part that returns what
the backward part needs), so the gradient costs a constant times the primal's calls.
The gradient of det(A) is det(A) * inv(A).T (Jacobi's formula).
"""
import numpy as np

import srcad


def det(A):
    n = A.shape[0]
    if n == 1:
        return A[0, 0]
    total = 0.0
    for j in range(n):
        keep = [k for k in range(n) if k != j]
        total = total + (-1) ** j * A[0, j] * det(A[1:][:, keep])
    return total


def main(n=5, seed=0):
    A = np.random.default_rng(seed).normal(size=(n, n))
    gradient = srcad.grad(det)(A)
    exact = np.linalg.det(A) * np.linalg.inv(A).T
    print(f"det = {det(A):.10f} (numpy: {np.linalg.det(A):.10f})")
    print("max |srcad gradient - det(A) inv(A).T| =", float(np.max(np.abs(gradient - exact))))
    return gradient, exact


if __name__ == "__main__":
    main()
