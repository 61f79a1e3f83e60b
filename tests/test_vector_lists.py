"""Vector mode (jacobian, hessian) through lists that a loop indexes: the derivative of a
list is a list, so its items are indexed without the directions axis (regression: the
Hessian of a function reading ``ps[i]`` in a loop raised TypeError)."""
import numpy as np
import pytest

import srcad


def squares_of_a_list(x):
    ps = [x, 2.0 * x, np.sin(x)]
    total = 0.0
    for i in range(3):
        total = total + np.sum(ps[i] ** 2)
    return total


def written_into_a_list(x):
    ps = [x, x, x]
    for i in range(3):
        ps[i] = np.tanh(ps[i] * (i + 1.0))
    return np.sum(ps[0] * ps[1] + ps[2] ** 3)


def layers(ws, x):
    for w in ws:
        x = np.tanh(w * x)
    return np.sum(x)


def central_hessian(f, x, eps=1e-5):
    gradient = srcad.grad(f)
    columns = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = eps
        columns.append((gradient(x + step) - gradient(x - step)) / (2 * eps))
    return np.stack(columns, axis=1)


@pytest.mark.parametrize("f", [squares_of_a_list, written_into_a_list])
def test_hessians_through_indexed_lists(f):
    x = np.array([0.3, -0.4, 0.8])
    expected = central_hessian(f, x)
    np.testing.assert_allclose(srcad.hessian(f)(x), expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(srcad.jacobian(srcad.grad(f), mode="reverse")(x), expected, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(srcad.jacobian(srcad.grad(f), mode="forward")(x), expected, rtol=1e-6, atol=1e-8)


def test_hessian_with_a_list_of_weights_held_constant():
    x = np.array([0.3, -0.4])
    expected = central_hessian(lambda v: layers([1.0, 2.0], v), x)
    np.testing.assert_allclose(srcad.hessian(layers, wrt=1)([1.0, 2.0], x), expected, rtol=1e-6, atol=1e-8)


def test_hessian_with_respect_to_a_list_is_a_clear_error():
    with pytest.raises(srcad.InputError, match="argument 0 is a list"):
        srcad.hessian(layers, wrt=0)([np.array(1.0), np.array(2.0)], np.ones(2))
