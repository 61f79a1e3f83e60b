"""The benchmark workloads, as plain NumPy functions (srcad reads this file).

Peers run the same source with ``np`` bound to their own array module (autograd.numpy,
jax.numpy, a small torch shim), so every system computes exactly these functions. The
item-assignment workload has a variant for JAX, whose arrays cannot be written into.
"""
import numpy as np


def scalar_seed(x1, x2):
    return x1 ** 2 + x2 ** 2 + x1 * x2


def log_sin_cube(x):
    return np.log(np.sin(x ** 3) ** 2)


def scalar_loop(x):
    for i in range(200):
        x = 0.99 * x + 0.05 * np.sin(x)
    return x


def item_assignment(x):
    y = np.zeros(2)
    y[0] = 2 * x[0] + x[1] ** 2
    y[1] = x[0] ** 2 + 2 * x[1] ** 3
    return y


def mlp_loss(W1, W2, X, Y):
    hidden = np.maximum(X @ W1, 0.0)
    return np.mean((hidden @ W2 - Y) ** 2)


def elementwise_chain(x):
    return np.sum(np.sin(x) * np.exp(-x ** 2) + np.tanh(x) / (1 + x ** 2))


def rnn_loss(W_hh, W_xh, xs, h0):
    h = h0
    for t in range(xs.shape[0]):
        h = np.tanh(h @ W_hh + xs[t] @ W_xh)
    return np.sum(h ** 2)


def gmm_log_likelihood(means, log_vars, log_weights, X):
    diff = X[:, None, :] - means[None, :, :]
    log_det = np.sum(log_vars, axis=1)
    mahalanobis = np.sum(diff ** 2 * np.exp(-log_vars)[None, :, :], axis=2)
    log_norm = log_weights - np.log(np.sum(np.exp(log_weights)))
    log_p = log_norm[None, :] - 0.5 * (mahalanobis + log_det[None, :] + X.shape[1] * np.log(2 * np.pi))
    top = np.max(log_p, axis=1, keepdims=True)
    return np.sum(top[:, 0] + np.log(np.sum(np.exp(log_p - top), axis=1)))


def item_assignment_functional(x):
    """`item_assignment` for systems whose arrays cannot be written into (autograd, JAX)."""
    return np.stack([2 * x[0] + x[1] ** 2, x[0] ** 2 + 2 * x[1] ** 3])
