"""Shape classes decide where ``unbroadcast`` / ``broadcast_as`` can be left out; a wrong
decision is a wrong number, so each fact is checked against finite differences or a
closed form, and the code it saves is checked in the generated text."""
import numpy as np
import pytest

import srcad
from srcad.testing import check_grads
from srcad.transform import generate

from support import both_jacobians


def matmul_times_x(x):
    return np.matmul(x, x) * x          # np.matmul is a ufunc, but not an elementwise one


def test_generalized_ufunc_is_not_elementwise():
    """``np.matmul(x, x)`` of a vector is a scalar, not x's shape (this was a wrong
    forward-mode Jacobian before the shape classes excluded generalized ufuncs)."""
    x = np.array([1.0, 2.0, 3.0])
    expected = np.dot(x, x) * np.eye(3) + 2 * np.outer(x, x)
    np.testing.assert_allclose(both_jacobians(matmul_times_x, (x,)), expected, rtol=1e-12)
    for mode in ("forward", "reverse"):
        np.testing.assert_allclose(srcad.jacobian(matmul_times_x, 0, mode=mode)(x), expected, rtol=1e-12)


def scalar_polynomial(x1, x2):
    return x1 ** 2 + x2 ** 2 + x1 * x2


def scaled_sum(x, y):
    z = x * y                            # x a vector, y a scalar: z is not 0-d
    return np.sum(z) * y + y


def accumulated(x, y):
    s = 0.0
    for i in range(3):
        s = s + x[i] * y
    return s * y


def reassigned(x, y):
    z = x * y
    z = np.sum(z)
    return z * y


def test_grad_of_a_scalar_function_has_no_unbroadcast():
    """`grad` checks that the output is 0-d, so the operands of the elementwise operations
    that made it are 0-d too and their adjoints need no `unbroadcast`."""
    source = generate(scalar_polynomial, "grad", (0, 1)).source
    assert "unbroadcast" not in source, source
    assert srcad.grad(scalar_polynomial, (0, 1))(1.5, 2.0) == (2 * 1.5 + 2.0, 2 * 2.0 + 1.5)


@pytest.mark.parametrize("function", [scaled_sum, accumulated, reassigned])
def test_scalar_output_says_nothing_of_values_reduced_into_it(function):
    """Only the operands of elementwise operations are 0-d: a vector summed into the output,
    or multiplied by a scalar before, keeps its unbroadcast."""
    x, y = np.array([0.5, -1.0, 2.0]), 0.7
    check_grads(function, (x, y), wrt=(0, 1))
    gx, gy = srcad.grad(function, (0, 1))(x, y)
    assert np.shape(gx) == (3,) and np.ndim(gy) == 0
    np.testing.assert_allclose(gx, _central_difference(lambda v: function(v, y), x), rtol=1e-7)
    np.testing.assert_allclose(gy, _central_difference(lambda v: function(x, v), np.array(y)), rtol=1e-7)


def _central_difference(f, x, eps=1e-6):
    gradient = np.zeros_like(x, dtype=float)
    for i in np.ndindex(x.shape):
        step = np.zeros_like(x, dtype=float)
        step[i] = eps
        gradient[i] = (f(x + step) - f(x - step)) / (2 * eps)
    return gradient


def test_value_and_grad_uses_the_same_fact():
    value, gradient = srcad.value_and_grad(scalar_polynomial, (0, 1))(1.5, 2.0)
    assert value == scalar_polynomial(1.5, 2.0) and gradient == (5.0, 5.5)
    assert "unbroadcast" not in generate(scalar_polynomial, "value_and_grad", (0, 1)).source


def test_a_non_scalar_output_still_fails_clearly():
    with pytest.raises(srcad.errors.NotScalarOutput):
        srcad.grad(scalar_polynomial)(np.ones(2), np.ones(2))
