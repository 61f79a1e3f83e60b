"""Three small programs written the way people write them, differentiated unmodified.

    python examples/real_code.py

1. A model class with ``__init__`` / ``__call__`` and its parameters in attributes, trained
   for a few SGD steps: ``srcad.grad(loss)(model, x, y)`` returns a `Model` whose fields
   hold the gradients.
2. A simulation with ``assert`` input checks, a ``with np.errstate(...)`` block and a
   ``lambda`` right-hand side, reading the differentiated rates, passed to an integrator.
3. A function that writes into its input array in place.

Each prints srcad's gradient next to central finite differences.
"""
import copy

import numpy as np

import srcad


# -- 1. a model class, trained with SGD -------------------------------------------------------------

class Model:
    def __init__(self, sizes, seed=0):
        rng = np.random.default_rng(seed)
        self.weights = [rng.normal(0, 1 / np.sqrt(m), (n, m)) for m, n in zip(sizes[:-1], sizes[1:])]
        self.biases = [np.zeros(n) for n in sizes[1:]]

    def __call__(self, x):
        h = x
        for W, b in zip(self.weights[:-1], self.biases[:-1]):
            h = np.tanh(h @ W.T + b)
        return h @ self.weights[-1].T + self.biases[-1]


def loss(model, x, y):
    prediction = model(x)
    return np.mean((prediction - y) ** 2)


def sgd(model, x, y, steps=5, rate=0.1):
    grad_loss = srcad.value_and_grad(loss)
    for step in range(steps):
        value, gradient = grad_loss(model, x, y)
        model.weights = [W - rate * g for W, g in zip(model.weights, gradient.weights)]
        model.biases = [b - rate * g for b, g in zip(model.biases, gradient.biases)]
        print(f"  step {step}: loss {value:.6f}")
    return model


def model_example():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(16, 3))
    y = np.sin(x[:, :1]) + 0.1 * x[:, 1:2]
    model = Model([3, 8, 1])
    gradient = srcad.grad(loss)(model, x, y)
    eps = 1e-6
    shifted = [copy.deepcopy(model), copy.deepcopy(model)]
    shifted[0].weights[0][2, 1] += eps
    shifted[1].weights[0][2, 1] -= eps
    numeric = (loss(shifted[0], x, y) - loss(shifted[1], x, y)) / (2 * eps)
    print(f"model: gradient is a {type(gradient).__name__}; d loss / d W0[2, 1]: "
          f"srcad {gradient.weights[0][2, 1]:.10f}, finite differences {numeric:.10f}")
    sgd(model, x, y)
    return gradient.weights[0][2, 1], numeric


# -- 2. a simulation: guards, errstate, a lambda passed to an integrator -----------------------------

def rk4(rhs, y0, t_end, steps):
    h = t_end / steps
    y = y0
    for _ in range(steps):
        k1 = rhs(y)
        k2 = rhs(y + 0.5 * h * k1)
        k3 = rhs(y + 0.5 * h * k2)
        k4 = rhs(y + h * k3)
        y = y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y


def final_log_population(rates, y0, t_end=2.0):
    assert rates.shape == (2,), f"expected two rates, got shape {rates.shape}"
    assert np.all(y0 > 0), "populations must be positive"
    growth, predation = rates
    y = rk4(lambda p: np.array([growth * p[0] - predation * p[0] * p[1],
                                predation * p[0] * p[1] - 0.5 * p[1]]), y0, t_end, 40)
    with np.errstate(divide="raise", invalid="raise"):
        logs = np.log(y)
    return np.sum(logs)


def simulation_example():
    rates, y0 = np.array([1.1, 0.4]), np.array([1.0, 0.5])
    gradient = srcad.grad(final_log_population)(rates, y0)
    eps = 1e-6
    numeric = np.array([(final_log_population(rates + eps * e, y0)
                         - final_log_population(rates - eps * e, y0)) / (2 * eps) for e in np.eye(2)])
    print(f"simulation: d/d rates srcad {gradient}, finite differences {numeric}")
    return gradient, numeric


# -- 3. a function that writes into its argument ---------------------------------------------------

def smooth_in_place(signal, weight):
    for i in range(1, len(signal)):
        signal[i] = weight * signal[i - 1] + (1.0 - weight) * signal[i]
    signal[0] = 0.0
    return np.sum(signal ** 2)


def in_place_example():
    signal, weight = np.array([1.0, -0.5, 2.0, 0.3, 1.2]), 0.6
    before = signal.copy()
    gradient = srcad.grad(smooth_in_place, wrt=(0, 1))(signal, weight)
    assert np.array_equal(signal, before), "the derivative code must not write into the caller's array"
    eps = 1e-6
    numeric = [np.array([(smooth_in_place(signal + eps * e, weight)
                          - smooth_in_place(signal - eps * e, weight)) / (2 * eps)
                         for e in np.eye(len(signal))]),
               (smooth_in_place(signal.copy(), weight + eps)
                - smooth_in_place(signal.copy(), weight - eps)) / (2 * eps)]
    print(f"in place: d/d signal srcad {gradient[0]}, finite differences {numeric[0]}")
    print(f"          d/d weight srcad {gradient[1]:.10f}, finite differences {numeric[1]:.10f}; "
          f"the caller's array is unchanged: {np.array_equal(signal, before)}")
    return gradient, numeric


def main():
    return model_example(), simulation_example(), in_place_example()


if __name__ == "__main__":
    main()
