"""Programs differentiated on every array type (tests/test_arrays*.py): written with ``np.``
as NumPy code is; srcad's derivative must compute on the arguments' own array type."""
import numpy as np

from srcad.bench.workloads import gmm_log_likelihood  # the benchmark's GMM, the same source


def elementwise_chain(x):
    return np.sum(np.sin(x) * np.exp(-x ** 2) + np.tanh(x) / (1 + x ** 2))


def mlp_loss(W1, W2, X, Y):
    hidden = np.maximum(X @ W1, 0.0)
    return np.mean((hidden @ W2 - Y) ** 2)


def statistics(x):
    return np.var(x) + np.sum(np.std(x, axis=0)) + np.mean(x ** 2, axis=1).sum()


def ties(x):
    """maximum, minimum, clip and abs where ties and kinks are hit exactly."""
    return np.sum(np.maximum(x, 0.5) + np.minimum(x, x[::-1]) + np.clip(x, -0.5, 1.0) * np.abs(x))


def extremes(x):
    return np.max(x) + np.sum(np.min(x, axis=0)) + np.sum(np.max(x, axis=1, keepdims=True) ** 2)


def indexing(x):
    return np.sum(x[[0, 1, 1, 3]] ** 2) + np.sum(x[2:5] * 3) + x[-1] * x[0]


def repeated_columns(X):
    return np.sum(X[:, [0, 2, 2]] ** 2 * X[:, [1, 1, 0]])


def where_branches(x, y):
    return np.sum(np.where(x > 0, np.sin(x) * y, y ** 2) @ y)


def python_loop(x):
    for _ in range(6):
        x = 0.9 * x + 0.1 * np.sin(x) * x
    return np.sum(x ** 2)


def vector_valued(x, y):
    return np.sin(x) * x[::-1] + np.sum(np.exp(y)) * x


def data(rng, n=8):
    """Arguments of each program (float64, seeded), with the `wrt` to differentiate."""
    X = rng.normal(size=(n, 3))
    x = rng.normal(size=n)
    x[[1, 4]] = 0.5               # ties with the constant of np.maximum
    x[n - 1] = x[0]               # np.minimum(x, x[::-1]) ties at 0 and n - 1 ...
    x[2] = x[n - 3]               # ... and at 2 and n - 3
    T = rng.normal(size=(n, 3))
    T[0, :] = T[1, :]              # a tie for max/min along axis 0
    T[2, 0] = T[2, 1] = T[2].max() + 1   # a tie along axis 1
    return {
        "elementwise_chain": (elementwise_chain, (x,), 0),
        "mlp_loss": (mlp_loss, (rng.normal(size=(3, 4)), rng.normal(size=(4, 2)), X,
                                rng.normal(size=(n, 2))), (0, 1)),
        "gmm_log_likelihood": (gmm_log_likelihood, (rng.normal(size=(2, 3)), 0.1 * rng.normal(size=(2, 3)),
                                                    rng.normal(size=2), X), (0, 1, 2, 3)),
        "statistics": (statistics, (X,), 0),
        "ties": (ties, (x,), 0),
        "extremes": (extremes, (T,), 0),
        "indexing": (indexing, (x,), 0),
        "repeated_columns": (repeated_columns, (X,), 0),
        "where_branches": (where_branches, (X, rng.normal(size=3)), (0, 1)),
        "python_loop": (python_loop, (x,), 0),
    }
