"""Functions written in array API style (``xp = x.__array_namespace__()``, then ``xp.sin``,
``xp.sum``, ``xp.matmul``), differentiated on NumPy (against finite differences, both modes)
and on array_api_strict, whose arrays reject anything outside the standard (against NumPy)."""
import numpy as np
import pytest

import srcad
from srcad.testing import check_grads

xps = pytest.importorskip("array_api_strict")
compat = pytest.importorskip("array_api_compat")


def elementwise(x):
    xp = x.__array_namespace__()
    return xp.sum(xp.sin(x) * xp.exp(-x ** 2) + xp.tanh(x) / (1 + x ** 2) + xp.acos(x / 4))


def reductions(x):
    xp = compat.array_namespace(x)
    centered = x - xp.mean(x, axis=0, keepdims=True)
    return xp.sum(xp.std(centered, axis=1) + xp.max(x, axis=0)[0] + xp.min(x[:2, :2] + 2.0))


def matmul_and_where(x, w):
    xp = x.__array_namespace__()
    y = xp.matmul(x, w)
    return xp.sum(xp.where(y > 0.0, y ** 2, xp.sin(y)))


def indexing(x):
    xp = x.__array_namespace__()
    return xp.sum(x[1:, 0] * x[0, :]) + xp.sum(x[..., 1] ** 3) + x[2, 1] * xp.sum(xp.abs(x))


def mlp(W1, W2, X, Y):
    xp = X.__array_namespace__()
    hidden = xp.maximum(xp.matmul(X, W1), 0.0)
    return xp.mean((xp.matmul(hidden, W2) - Y) ** 2)


def gmm(means, log_vars, X):
    xp = compat.array_namespace(X, means)
    diff = X[:, None, :] - means[None, :, :]
    mahalanobis = xp.sum(diff ** 2 * xp.exp(-log_vars)[None, :, :], axis=2)
    log_p = -0.5 * (mahalanobis + xp.sum(log_vars, axis=1)[None, :])
    top = xp.max(log_p, axis=1, keepdims=True)
    return xp.sum(top[:, 0] + xp.log(xp.sum(xp.exp(log_p - top), axis=1)))


rng = np.random.default_rng(3)
X, Y = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
CASES = {
    "elementwise": (elementwise, (rng.uniform(-2, 2, size=7),), 0),
    "reductions": (reductions, (rng.normal(size=(4, 3)),), 0),
    "matmul_and_where": (matmul_and_where, (X, rng.normal(size=(3, 2))), (0, 1)),
    "indexing": (indexing, (rng.normal(size=(4, 3)),), 0),
    "mlp": (mlp, (rng.normal(size=(3, 5)), rng.normal(size=(5, 2)), X, Y), (0, 1)),
    "gmm": (gmm, (rng.normal(size=(2, 3)), 0.1 * rng.normal(size=(2, 3)), X), (0, 1, 2)),
}


def _tuple(value):
    return value if isinstance(value, tuple) else (value,)


@pytest.mark.parametrize("name", sorted(CASES))
def test_numpy_against_finite_differences(name):
    function, args, wrt = CASES[name]
    check_grads(function, args, wrt)


@pytest.mark.parametrize("name", sorted(CASES))
def test_array_api_strict_matches_numpy(name):
    function, args, wrt = CASES[name]
    expected = _tuple(srcad.grad(function, wrt)(*args))
    strict = tuple(xps.asarray(a) for a in args)
    got = _tuple(srcad.grad(function, wrt)(*strict))
    for g, e in zip(got, expected):
        assert isinstance(g, type(strict[0]))
        np.testing.assert_allclose(np.asarray(g), e, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("mode", ["jvp", "vjp"])
def test_forward_and_reverse_on_array_api_strict(mode):
    function, args, wrt = CASES["mlp"]
    strict = tuple(xps.asarray(a) for a in args)
    directions = (xps.asarray(np.ones_like(args[0])), xps.asarray(np.ones_like(args[1])))
    if mode == "jvp":
        _, got = srcad.jvp(function, wrt)(*strict, *directions)
        _, expected = srcad.jvp(function, wrt)(*args, *(np.ones_like(a) for a in args[:2]))
    else:
        _, got = srcad.vjp(function, wrt)(*strict, xps.asarray(1.0))
        _, expected = srcad.vjp(function, wrt)(*args, 1.0)
    for g, e in zip(_tuple(got), _tuple(expected)):
        np.testing.assert_allclose(np.asarray(g), e, rtol=1e-12, atol=1e-12)


def test_same_derivative_as_numpy_style():
    """xp.<name> takes the rule of np.<name>: the derivative of the MLP in array API style
    is that of the NumPy-style MLP."""
    from array_programs import mlp_loss
    function, args, wrt = CASES["mlp"]
    for a, b in zip(srcad.grad(function, wrt)(*args), srcad.grad(mlp_loss, wrt)(*args)):
        np.testing.assert_allclose(a, b, rtol=1e-14)


def test_generated_code_computes_through_the_namespace():
    text = srcad.source(srcad.grad(elementwise))
    assert "xp.cos(x)" in text and "np." not in text.split("def ", 1)[1]
