"""An ODE integrator's gradient, as NumPy code and compiled with numba, side by side.

    python examples/compiled_loop.py        # needs numba: pip install 'srcad[numba]'

The Lotka-Volterra predator-prey model, integrated by classic fourth-order Runge-Kutta in a
loop of scalar updates calling the rate functions (the kind of code a time stepper is). ``srcad.grad`` gives the
gradient of the final prey population with respect to the four rates; with
``compile="numba"`` the same generated code runs compiled. Both agree to 1e-12, and with
central finite differences.
"""
import time

import numpy as np

import srcad


def prey_rate(prey, predator, alpha, beta):
    return alpha * prey - beta * prey * predator


def predator_rate(prey, predator, delta, gamma):
    return delta * prey * predator - gamma * predator


def final_prey(alpha, beta, delta, gamma, prey=10.0, predator=5.0, steps=400, h=0.025):
    for _ in range(steps):
        a1 = prey_rate(prey, predator, alpha, beta)
        b1 = predator_rate(prey, predator, delta, gamma)
        a2 = prey_rate(prey + 0.5 * h * a1, predator + 0.5 * h * b1, alpha, beta)
        b2 = predator_rate(prey + 0.5 * h * a1, predator + 0.5 * h * b1, delta, gamma)
        a3 = prey_rate(prey + 0.5 * h * a2, predator + 0.5 * h * b2, alpha, beta)
        b3 = predator_rate(prey + 0.5 * h * a2, predator + 0.5 * h * b2, delta, gamma)
        a4 = prey_rate(prey + h * a3, predator + h * b3, alpha, beta)
        b4 = predator_rate(prey + h * a3, predator + h * b3, delta, gamma)
        prey = prey + h / 6.0 * (a1 + 2.0 * a2 + 2.0 * a3 + a4)
        predator = predator + h / 6.0 * (b1 + 2.0 * b2 + 2.0 * b3 + b4)
    return prey


def median_time(call, repeat=15):
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main():
    rates_now = (1.1, 0.4, 0.1, 0.4)
    wrt = (0, 1, 2, 3)
    numpy_grad = srcad.grad(final_prey, wrt=wrt)
    start = time.perf_counter()
    compiled_grad = srcad.grad(final_prey, wrt=wrt, compile="numba")
    compiled = compiled_grad(*rates_now)
    first_call = time.perf_counter() - start
    expected = numpy_grad(*rates_now)
    eps = 1e-6
    numeric = [(final_prey(*np.add(rates_now, eps * e)) - final_prey(*np.subtract(rates_now, eps * e)))
               / (2 * eps) for e in np.eye(4)]
    print("d final prey / d (alpha, beta, delta, gamma):", np.round(compiled, 6))
    print("compiled vs NumPy derivative, max difference:", float(np.max(np.abs(np.subtract(compiled, expected)))))
    print("compiled vs central finite differences, max relative difference:",
          float(np.max(np.abs(np.subtract(compiled, numeric)) / np.abs(numeric))))
    numpy_seconds = median_time(lambda: numpy_grad(*rates_now))
    compiled_seconds = median_time(lambda: compiled_grad(*rates_now))
    primal_seconds = median_time(lambda: final_prey(*rates_now))
    print(f"primal (Python):      {primal_seconds * 1e3:8.3f} ms")
    print(f"gradient, NumPy code: {numpy_seconds * 1e3:8.3f} ms")
    print(f"gradient, compiled:   {compiled_seconds * 1e3:8.3f} ms  ({numpy_seconds / compiled_seconds:.0f}x faster; "
          f"first call {first_call:.2f} s with compilation)")
    return compiled, expected, numeric


if __name__ == "__main__":
    main()
