"""The worked examples of shared/seed-examples.md, in both modes, to 1e-12."""
import math

import numpy as np
import pytest

import srcad
from srcad.testing import check_grads
from support import both_jacobians

EXACT = dict(rtol=1e-12, atol=1e-12)


# 1. Gradient of a scalar function of two scalars.
def seed1(x1, x2):
    y = x1**2 + x2**2 + x1 * x2
    return y


def test_seed1_gradient_reverse_and_forward():
    assert srcad.grad(seed1, wrt=(0, 1))(3.0, 1.0) == (7.0, 5.0)
    jvp = srcad.jvp(seed1, wrt=(0, 1))
    assert jvp(3.0, 1.0, 1.0, 0.0)[1] == 7.0
    assert jvp(3.0, 1.0, 0.0, 1.0)[1] == 5.0
    check_grads(seed1, (3.0, 1.0), wrt=(0, 1))


# 2. Scalar output from a matrix input.
def seed2(x):
    y = x + 2
    z = y * y * 3
    out = z.mean()
    return out


def test_seed2_mean_of_matrix():
    x = np.ones((2, 2))
    np.testing.assert_allclose(srcad.grad(seed2)(x), np.full((2, 2), 4.5), **EXACT)
    np.testing.assert_allclose(both_jacobians(seed2, (x,)), np.full((2, 2), 4.5), **EXACT)
    check_grads(seed2, (x,))


# 3. Tensor output: a VJP with an explicit cotangent (y.backward(gradient=ones)).
def seed3(x, w):
    y = x @ w.T
    return y


def test_seed3_vjp_with_ones():
    x = np.arange(1.0, 10.0).reshape(3, 3)
    w = np.arange(1.0, 7.0).reshape(2, 3)
    value, (x_bar, w_bar) = srcad.vjp(seed3, wrt=(0, 1))(x, w, np.ones((3, 2)))
    np.testing.assert_allclose(value, x @ w.T, **EXACT)
    np.testing.assert_allclose(x_bar, [[5, 7, 9]] * 3, **EXACT)
    np.testing.assert_allclose(w_bar, [[12, 15, 18], [12, 15, 18]], **EXACT)
    # The same cotangents from forward mode: Jacobians contracted with the ones cotangent.
    ones = np.ones((3, 2))
    np.testing.assert_allclose(np.tensordot(ones, both_jacobians(seed3, (x, w), 0), 2),
                               [[5, 7, 9]] * 3, **EXACT)
    np.testing.assert_allclose(np.tensordot(ones, both_jacobians(seed3, (x, w), 1), 2),
                               [[12, 15, 18]] * 2, **EXACT)
    check_grads(seed3, (x, w), wrt=(0, 1))


# 4. Chain of elementwise ops with a non-uniform cotangent.
def seed4(x):
    y = x * 2
    z = y * 2
    return z


def test_seed4_nonuniform_cotangent():
    v = np.array([0.1, 1.0, 0.0001])
    _, x_bar = srcad.vjp(seed4)(np.ones(3), v)
    np.testing.assert_allclose(x_bar, [0.4, 4.0, 0.0004], **EXACT)
    _, z_dot = srcad.jvp(seed4)(np.ones(3), v)
    np.testing.assert_allclose(z_dot, 4 * v, **EXACT)


# 5. A Jacobian and four VJPs; the output is built by item assignment.
def seed5(x):
    y = np.zeros(2)
    y[0] = 2 * x[0] + x[1]**2
    y[1] = x[0]**2 + 2 * x[1]**3
    return y


@pytest.mark.parametrize("cotangent, expected", [
    ((1, 0), [2, 4]), ((0, 1), [2, 24]), ((1, 2), [6, 52]), ((2, 1), [6, 32])])
def test_seed5_vjps(cotangent, expected):
    x = np.array([1.0, 2.0])
    value, x_bar = srcad.vjp(seed5)(x, np.array(cotangent, dtype=float))
    np.testing.assert_allclose(value, [6.0, 17.0], **EXACT)
    np.testing.assert_allclose(x_bar, expected, **EXACT)


def test_seed5_jacobian_both_modes():
    np.testing.assert_allclose(both_jacobians(seed5, (np.array([1.0, 2.0]),)),
                               [[2, 4], [2, 24]], **EXACT)
    check_grads(seed5, (np.array([1.0, 2.0]),))


def test_seed5_does_not_modify_the_cotangent():
    cotangent = np.array([1.0, 2.0])
    srcad.vjp(seed5)(np.array([1.0, 2.0]), cotangent)
    np.testing.assert_array_equal(cotangent, [1.0, 2.0])


# 6. Matrix calculus rules (Parr & Howard).
def fg(x, y):
    out = np.zeros(2)
    out[0] = 3 * x**2 * y
    out[1] = 2 * x + y**8
    return out


def test_jacobian_of_f_and_g():
    x, y = 1.5, 0.8
    jx = both_jacobians(fg, (x, y), 0)
    jy = both_jacobians(fg, (x, y), 1)
    np.testing.assert_allclose(np.stack([jx, jy], axis=1),
                               [[6 * y * x, 3 * x**2], [2, 8 * y**7]], **EXACT)


def add_wx(w, x):
    return w + x


def sub_wx(w, x):
    return w - x


def mul_wx(w, x):
    return w * x


def div_wx(w, x):
    return w / x


W = np.array([1.0, -2.0, 3.0])
X = np.array([0.5, 4.0, -1.5])


@pytest.mark.parametrize("f, wrt, expected", [
    (add_wx, 0, np.eye(3)),
    (add_wx, 1, np.eye(3)),
    (sub_wx, 1, -np.eye(3)),
    (mul_wx, 0, np.diag(X)),
    (div_wx, 1, np.diag(-W / X**2)),
])
def test_elementwise_binary_jacobians(f, wrt, expected):
    np.testing.assert_allclose(both_jacobians(f, (W, X), wrt), expected, **EXACT)


def test_scalar_expansion():
    z = 2.5
    np.testing.assert_allclose(both_jacobians(add_wx, (X, z), 1), np.ones(3), **EXACT)
    np.testing.assert_allclose(both_jacobians(mul_wx, (X, z), 1), X, **EXACT)


def sum_x(x):
    return np.sum(x)


def sum_xz(x, z):
    return np.sum(x * z)


def test_sum_reduction():
    np.testing.assert_allclose(both_jacobians(sum_x, (X,)), np.ones(3), **EXACT)
    np.testing.assert_allclose(srcad.grad(sum_xz, wrt=1)(X, 2.0), np.sum(X), **EXACT)
    check_grads(sum_xz, (X, 2.0), wrt=(0, 1))


def chain(x):
    return np.log(np.sin(x**3)**2)


def total(x):
    return np.sin(x + x**2)


def cube(x):
    u = x**2
    return x * u


def test_chain_rule_and_total_derivative():
    x = 0.7
    assert srcad.grad(chain)(x) == pytest.approx(6 * x**2 * math.cos(x**3) / math.sin(x**3), rel=1e-12)
    assert srcad.jvp(chain)(x, 1.0)[1] == pytest.approx(6 * x**2 * math.cos(x**3) / math.sin(x**3), rel=1e-12)
    assert srcad.grad(total)(x) == pytest.approx(math.cos(x + x**2) * (1 + 2 * x), rel=1e-12)
    assert srcad.grad(cube)(x) == pytest.approx(3 * x**2, rel=1e-12)
    assert srcad.jvp(cube)(x, 1.0)[1] == pytest.approx(3 * x**2, rel=1e-12)


def vector_chain(x):
    y = np.zeros(2)
    y[0] = np.log(x**2)
    y[1] = np.sin(3 * x)
    return y


def test_vector_chain_rule():
    x = 1.3
    np.testing.assert_allclose(both_jacobians(vector_chain, (x,)), [2 / x, 3 * math.cos(3 * x)], **EXACT)


def neuron(w, b, x):
    z = np.dot(w, x) + b
    return max(0.0, z)


def test_one_neuron():
    x = np.array([1.0, 2.0, -1.0])
    active_w, inactive_w = np.array([0.5, 0.5, 0.1]), np.array([-0.5, -0.5, 0.1])
    for w, expected_w, expected_b in ((active_w, x, 1.0), (inactive_w, 0 * x, 0.0)):
        grad_w, grad_b = srcad.grad(neuron, wrt=(0, 1))(w, 0.1, x)
        np.testing.assert_allclose(grad_w, expected_w, **EXACT)
        assert grad_b == expected_b
        tangent_w = srcad.jvp(neuron, wrt=0)(w, 0.1, x, np.array([1.0, 0.0, 0.0]))[1]
        assert tangent_w == expected_w[0]


def mse(w, b, X, target):
    z = X @ w + b
    activation = np.maximum(0.0, z)
    return np.mean((activation - target) ** 2)


def test_mean_squared_error_of_a_neuron():
    rng = np.random.default_rng(1)
    X, target = rng.standard_normal((20, 3)), rng.standard_normal(20)
    w, b = np.array([0.3, -0.2, 0.5]), 0.1
    z = X @ w + b
    activation = np.maximum(0.0, z)
    closed_w = 2 / 20 * np.sum(((activation - target) * (z > 0))[:, None] * X, axis=0)
    closed_b = 2 / 20 * np.sum((activation - target) * (z > 0))
    grad_w, grad_b = srcad.grad(mse, wrt=(0, 1))(w, b, X, target)
    np.testing.assert_allclose(grad_w, closed_w, **EXACT)
    assert grad_b == pytest.approx(closed_b, rel=1e-12)
    check_grads(mse, (w, b, X, target), wrt=(0, 1))


def test_seed1_hessian_is_forward_mode_of_the_generated_gradient():
    """create_graph=True in PyTorch; here, the JVP transform of the generated gradient code."""
    hvp = srcad.jvp(srcad.grad(seed1, wrt=(0, 1)), wrt=(0, 1))
    columns = [hvp(3.0, 1.0, 1.0, 0.0)[1], hvp(3.0, 1.0, 0.0, 1.0)[1]]
    np.testing.assert_array_equal(np.array(columns).T, [[2.0, 1.0], [1.0, 2.0]])
