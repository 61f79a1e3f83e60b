"""Inputs and hand-written NumPy gradients of the workloads (the reference every system is
checked against, and the speed of light srcad is measured against)."""
import numpy as np

from . import workloads as w


def _rng():
    return np.random.default_rng(1234)


def _scalar_seed_grad(x1, x2):
    return 2 * x1 + x2, 2 * x2 + x1


def _log_sin_cube_grad(x):
    return 2 * np.cos(x ** 3) / np.sin(x ** 3) * 3 * x ** 2


def _scalar_loop_grad(x):
    xs = []
    for i in range(200):
        xs.append(x)
        x = 0.99 * x + 0.05 * np.sin(x)
    g = 1.0
    for x in reversed(xs):
        g = g * (0.99 + 0.05 * np.cos(x))
    return g


def _item_assignment_vjp(x, v):
    return np.array([2 * v[0] + 2 * x[0] * v[1], 2 * x[1] * v[0] + 6 * x[1] ** 2 * v[1]])


def _mlp_grad(W1, W2, X, Y):
    pre = X @ W1
    hidden = np.maximum(pre, 0.0)
    err = hidden @ W2 - Y
    g_out = 2 * err / err.size
    g_W2 = hidden.T @ g_out
    g_hidden = (g_out @ W2.T) * (pre > 0)
    return X.T @ g_hidden, g_W2


def _elementwise_grad(x):
    s, e, t, q = np.sin(x), np.exp(-x ** 2), np.tanh(x), 1 + x ** 2
    return np.cos(x) * e - 2 * x * s * e + (1 - t ** 2) / q - t * 2 * x / q ** 2


def _rnn_grad(W_hh, W_xh, xs, h0):
    hs = [h0]
    for t in range(xs.shape[0]):
        hs.append(np.tanh(hs[-1] @ W_hh + xs[t] @ W_xh))
    g_h = 2 * hs[-1]
    g_W = np.zeros_like(W_hh)
    for t in reversed(range(xs.shape[0])):
        g_pre = g_h * (1 - hs[t + 1] ** 2)
        g_W += hs[t].T @ g_pre
        g_h = g_pre @ W_hh.T
    return g_W


def _gmm_grad(means, log_vars, log_weights, X):
    d = X.shape[1]
    diff = X[:, None, :] - means[None, :, :]
    inv_var = np.exp(-log_vars)
    mahalanobis = np.sum(diff ** 2 * inv_var[None], axis=2)
    log_norm = log_weights - np.log(np.sum(np.exp(log_weights)))
    log_p = log_norm[None, :] - 0.5 * (mahalanobis + np.sum(log_vars, axis=1)[None, :] + d * np.log(2 * np.pi))
    resp = np.exp(log_p - np.max(log_p, axis=1, keepdims=True))
    resp /= np.sum(resp, axis=1, keepdims=True)
    g_means = np.sum(resp[:, :, None] * diff * inv_var[None], axis=0)
    g_log_vars = 0.5 * np.sum(resp[:, :, None] * (diff ** 2 * inv_var[None] - 1.0), axis=0)
    weights = np.exp(log_weights) / np.sum(np.exp(log_weights))
    g_log_weights = np.sum(resp, axis=0) - X.shape[0] * weights
    return g_means, g_log_vars, g_log_weights


class Workload:
    """A function, its inputs, what to differentiate, and its hand-written gradient."""

    def __init__(self, name, function, make_args, wrt, gradient, cotangent=None, label=""):
        self.name, self.function, self.make_args, self.wrt = name, function, make_args, wrt
        self.gradient, self.cotangent, self.label = gradient, cotangent, label or name

    def args(self):
        return self.make_args(_rng())


def _scalar_args(rng):
    return (0.7, 1.3)


WORKLOADS = [
    Workload("scalar_seed", w.scalar_seed, _scalar_args, (0, 1), _scalar_seed_grad,
             label="scalar x1²+x2²+x1·x2"),
    Workload("log_sin_cube", w.log_sin_cube, lambda r: (0.8,), (0,), _log_sin_cube_grad,
             label="ln(sin(x³)²)"),
    Workload("scalar_loop", w.scalar_loop, lambda r: (0.5,), (0,), _scalar_loop_grad,
             label="200-step scalar loop"),
    Workload("item_assignment", w.item_assignment, lambda r: (np.array([1.5, -0.5]),), (0,),
             _item_assignment_vjp, cotangent=np.array([1.0, 2.0]), label="seed R²→R² by item assignment (VJP)"),
    Workload("mlp_loss", w.mlp_loss, lambda r: (r.normal(0, 0.05, (784, 256)), r.normal(0, 0.1, (256, 10)),
                                                r.normal(size=(128, 784)), r.normal(size=(128, 10))),
             (0, 1), _mlp_grad, label="MLP loss 128x784-256-10"),
    Workload("elementwise_chain", w.elementwise_chain, lambda r: (r.normal(size=1_000_000),), (0,),
             _elementwise_grad, label="elementwise chain, 1e6 values"),
    Workload("rnn_loss", w.rnn_loss, lambda r: (r.normal(0, 0.1, (64, 64)), r.normal(0, 0.1, (32, 64)),
                                                r.normal(size=(50, 16, 32)), np.zeros((16, 64))),
             (0,), _rnn_grad, label="tanh RNN 50 steps"),
    Workload("gmm_log_likelihood", w.gmm_log_likelihood,
             lambda r: (r.normal(size=(5, 10)), r.normal(0, 0.1, (5, 10)), r.normal(0, 0.1, 5),
                        r.normal(size=(1000, 10))), (0, 1, 2), _gmm_grad, label="GMM log-likelihood K=5"),
]
