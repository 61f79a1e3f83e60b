"""Differentiating through a `while` loop: Newton's method for the square root.

    python examples/newton_sqrt.py

The number of iterations depends on the input; srcad's reverse mode counts them and
replays them backwards. The derivative of the converged iterate is 1 / (2 sqrt(a)).
"""
import math

import srcad


def newton_sqrt(a, tolerance=1e-12):
    x = a if a > 1.0 else 1.0
    while abs(x * x - a) > tolerance * a:
        x = 0.5 * (x + a / x)
    return x


def main():
    for a in (0.25, 2.0, 10.0, 1e4):
        derivative = srcad.grad(newton_sqrt)(a)
        print(f"a = {a:>8}: sqrt {newton_sqrt(a):.12f}, d/da {derivative:.12f}, "
              f"exact {0.5 / math.sqrt(a):.12f}")


if __name__ == "__main__":
    main()
