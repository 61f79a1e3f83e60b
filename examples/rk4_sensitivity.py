"""Sensitivity of an ODE solution to its parameters, through an RK4 integrator.

    python examples/rk4_sensitivity.py

The Lotka-Volterra predator-prey model, integrated with classic fourth-order Runge-Kutta
(a loop calling a step function, which calls the vector field). srcad differentiates the
whole program: the Jacobian of the final state with respect to the four parameters comes
from one VJP per state component (reverse mode) and matches central finite differences.
"""
import numpy as np

import srcad


def vector_field(state, params):
    prey, predator = state[0], state[1]
    alpha, beta, delta, gamma = params[0], params[1], params[2], params[3]
    return np.array([alpha * prey - beta * prey * predator,
                     delta * prey * predator - gamma * predator])


def rk4_step(state, params, h):
    k1 = vector_field(state, params)
    k2 = vector_field(state + 0.5 * h * k1, params)
    k3 = vector_field(state + 0.5 * h * k2, params)
    k4 = vector_field(state + h * k3, params)
    return state + h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)


def final_state(params, state, steps=200, h=0.05):
    for _ in range(steps):
        state = rk4_step(state, params, h)
    return state


def main():
    params = np.array([1.1, 0.4, 0.1, 0.4])
    state0 = np.array([10.0, 5.0])
    pull_back = srcad.vjp(final_state, wrt=0)   # called with every argument, then the cotangent
    final, _ = pull_back(params, state0, 200, 0.05, np.zeros(2))
    jacobian = np.stack([pull_back(params, state0, 200, 0.05, row)[1] for row in np.eye(2)])
    eps = 1e-6
    numeric = np.stack([(final_state(params + eps * e, state0) - final_state(params - eps * e, state0))
                        / (2 * eps) for e in np.eye(4)], axis=1)
    print("final state (prey, predator):", np.round(final, 4))
    print("d final / d (alpha, beta, delta, gamma), reverse mode:")
    print(np.round(jacobian, 4))
    print("max difference from central finite differences:", float(np.max(np.abs(jacobian - numeric))))
    tangent = srcad.jvp(final_state, wrt=0)(params, state0, 200, 0.05, np.array([1.0, 0, 0, 0]))[1]
    print("d final / d alpha by forward mode:", np.round(tangent, 4))
    return jacobian, numeric


if __name__ == "__main__":
    main()
