"""jacobian, hessian, hvp and vector mode, against closed forms, finite differences and
each other (forward-mode and reverse-mode Jacobians must agree on every function)."""
import importlib
import math

import numpy as np
import pytest

import srcad
from srcad.testing import numerical_jvp

RNG = np.random.default_rng(11)


def seed1(x1, x2):
    return x1 ** 2 + x2 ** 2 + x1 * x2


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def mlp_loss(w1, w2, x, y):
    hidden = np.tanh(x @ w1)
    return np.mean((hidden @ w2 - y) ** 2)


def vector_function(x, w):
    return np.tanh(w @ x) * x[0] + np.sum(x ** 2)


def two_outputs(x):
    return np.sin(x), np.sum(x) * x[:2]


def test_seed1_hessian_is_exact():
    assert np.array(srcad.hessian(seed1, wrt=(0, 1))(3.0, 1.0)).tolist() == [[2.0, 1.0], [1.0, 2.0]]
    assert srcad.grad(srcad.grad(seed1, wrt=0), wrt=0)(3.0, 1.0) == 2.0
    assert srcad.grad(srcad.grad(seed1, wrt=0), wrt=1)(3.0, 1.0) == 1.0


def test_rosenbrock_hessian_closed_form():
    x = np.array([1.2, 0.8, -0.5, 2.0])
    n = len(x)
    expected = np.zeros((n, n))
    for i in range(n - 1):
        expected[i, i] += 1200 * x[i] ** 2 - 400 * x[i + 1] + 2
        expected[i, i + 1] += -400 * x[i]
        expected[i + 1, i] += -400 * x[i]
        expected[i + 1, i + 1] += 200
    np.testing.assert_allclose(srcad.hessian(rosenbrock)(x), expected, rtol=1e-12)
    np.testing.assert_allclose(srcad.hessian(rosenbrock, vector=False)(x), expected, rtol=1e-12)


def test_mlp_hessian_matches_finite_differences_of_the_gradient():
    w1, w2 = RNG.normal(size=(3, 4)) * 0.5, RNG.normal(size=(4, 2)) * 0.5
    x, y = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 2))
    blocks = srcad.hessian(mlp_loss, wrt=(0, 1))(w1, w2, x, y)
    assert blocks[0][1].shape == (3, 4, 4, 2) and blocks[1][0].shape == (4, 2, 3, 4)
    gradient = srcad.grad(mlp_loss, wrt=(0, 1))
    for j, arg in enumerate((w1, w2)):
        direction = RNG.normal(size=arg.shape)
        numeric = numerical_jvp(gradient, (w1, w2, x, y), (j,), (direction,))
        for i in range(2):
            np.testing.assert_allclose(np.tensordot(blocks[i][j], direction, axes=direction.ndim),
                                       numeric[i], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(blocks[0][1], np.transpose(blocks[1][0], (2, 3, 0, 1)), rtol=1e-10)


def test_hvp_matches_hessian_times_vector():
    x = RNG.normal(size=5)
    v = RNG.normal(size=5)
    np.testing.assert_allclose(srcad.hvp(rosenbrock)(x, v), srcad.hessian(rosenbrock)(x) @ v, rtol=1e-10)
    w1, w2 = RNG.normal(size=(3, 4)), RNG.normal(size=(4, 2))
    x, y = RNG.normal(size=(5, 3)), RNG.normal(size=(5, 2))
    v1, v2 = RNG.normal(size=w1.shape), RNG.normal(size=w2.shape)
    hv1, hv2 = srcad.hvp(mlp_loss, wrt=(0, 1))(w1, w2, x, y, (v1, v2))
    blocks = srcad.hessian(mlp_loss, wrt=(0, 1))(w1, w2, x, y)
    np.testing.assert_allclose(hv1, np.tensordot(blocks[0][0], v1, 2) + np.tensordot(blocks[0][1], v2, 2),
                               rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("mode", ["forward", "reverse", "auto"])
def test_jacobian_shapes_and_values(mode):
    x, w = RNG.normal(size=3), RNG.normal(size=(2, 3))
    jx, jw = srcad.jacobian(vector_function, wrt=(0, 1), mode=mode)(x, w)
    assert jx.shape == (2, 3) and jw.shape == (2, 2, 3)
    for k in range(3):
        e = np.eye(3)[k]
        np.testing.assert_allclose(jx[:, k], numerical_jvp(vector_function, (x, w), (0,), (e,))[0],
                                   rtol=1e-6, atol=1e-8)
    single = srcad.jacobian(vector_function, mode=mode)(x, w)
    np.testing.assert_allclose(single, jx)


def test_jacobian_of_tuple_outputs():
    x = RNG.normal(size=3)
    first, second = srcad.jacobian(two_outputs, mode="forward")(x)
    np.testing.assert_allclose(first, np.diag(np.cos(x)))
    np.testing.assert_allclose(second, np.ones((2, 3)) * x[:2, None] + np.sum(x) * np.eye(3)[:2])


def test_auto_mode_picks_by_size():
    from srcad.matrices import choose_mode
    assert choose_mode(vector_function, (0,), [RNG.normal(size=1), RNG.normal(size=(2, 1))]) == "forward"
    assert choose_mode(rosenbrock, (0,), [RNG.normal(size=10)]) == "reverse"


def perturbation(x):
    # d/dx [ x * (d/dy (x + y) at y = 1) ] = 1; a confused implementation gives 2
    def shifted(y):
        return x + y
    return x * srcad.grad(shifted)(1.0)


def nested_objective(x):
    def energy(p):
        return np.sum(p ** 2 * x)
    force = srcad.grad(energy)(x * 2.0)   # a gradient inside an objective
    return np.sum(force * x)


def test_nested_derivatives_are_not_confused():
    assert srcad.grad(perturbation)(3.0) == 1.0
    x = RNG.uniform(0.5, 1.5, 4)
    # force = 2 * (2x) * x = 4 x^2, objective = sum(4 x^3), gradient 12 x^2
    np.testing.assert_allclose(srcad.grad(nested_objective)(x), 12 * x ** 2, rtol=1e-12)
    srcad.testing.check_grads(nested_objective, (x,))


def test_third_derivatives_and_nested_names():
    third = srcad.grad(srcad.grad(srcad.grad(cube)))
    assert third(0.7) == pytest.approx(6.0 - math.cos(0.7), rel=1e-12)
    text = srcad.source(srcad.grad(srcad.grad(cube)))
    assert "x_bar_bar" in text


def cube(x):
    return x ** 3 + np.sin(x)


def test_jvp_of_vjp():
    pull = srcad.vjp(vector_function)
    x, w, u = RNG.normal(size=3), RNG.normal(size=(2, 3)), RNG.normal(size=2)
    t = RNG.normal(size=3)
    _, tangent = srcad.jvp(pull, wrt=0)(x, w, u, t)
    numeric = numerical_jvp(lambda x: pull(x, w, u)[1], (x,), (0,), (t,))[0]
    np.testing.assert_allclose(tangent[1], numeric, rtol=1e-6, atol=1e-8)


# -- forward and reverse Jacobians agree on every rule case, in vector mode too ----------------

def _rule_cases():
    cases = []
    for module_name in ("elementwise", "reductions", "scalars", "shape", "linalg", "helpers"):
        module = importlib.import_module(f"rule_cases.{module_name}")
        cases += [c for c in module.CASES if c.differentiable]
    return cases


RULE_CASES = _rule_cases()


@pytest.mark.parametrize("case", RULE_CASES, ids=[c.id for c in RULE_CASES])
def test_forward_and_reverse_jacobians_agree(case):
    args = tuple(case.args)
    wrt = tuple(case.wrt)
    forward = srcad.jacobian(case.function, wrt=wrt, mode="forward")(*args)
    single = srcad.jacobian(case.function, wrt=wrt, mode="forward", vector=False)(*args)
    outputs = case.function(*args)
    if isinstance(outputs, tuple):
        for f, s in zip(forward, single):
            for a, b in zip(f, s):
                np.testing.assert_allclose(a, b, rtol=1e-7, atol=1e-9)
        return
    reverse = srcad.jacobian(case.function, wrt=wrt, mode="reverse")(*args)
    for f, s, r in zip(forward, single, reverse):
        np.testing.assert_allclose(f, s, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(f, r, rtol=1e-7, atol=1e-9)
