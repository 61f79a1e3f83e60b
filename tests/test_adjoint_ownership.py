"""Reverse mode adds into an adjoint in place (``x_bar += c``) only when the adjoint is an
array srcad's code made: never the caller's cotangent, a read-only broadcast view, or
another adjoint's array. A first contribution that the optimizer reduces to a bare name
(``g * 1.0`` -> ``g``) is not such an array."""
import numpy as np
import pytest

import srcad


def times_two_plus_one(x):
    return np.sum(x * 2.0 + x * 1.0)


def two_then_one(x):
    y = x * 2.0 + x * 1.0
    return y


def halves(x):
    y = x * (1.0 + 1.0) + x * 0.5 * 2.0
    return y


def negated_twice(x):
    return np.sum(-(-x) + x * 3.0)


@pytest.mark.parametrize("function, slope", [(times_two_plus_one, 3.0), (negated_twice, 4.0)])
def test_grad_when_a_contribution_is_the_seed_itself(function, slope):
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(srcad.grad(function)(x), np.full(3, slope))


@pytest.mark.parametrize("function, slope", [(two_then_one, 3.0), (halves, 3.0)])
def test_the_callers_cotangent_is_never_written_into(function, slope):
    x, v = np.array([1.0, 2.0, 3.0]), np.array([1.0, -1.0, 0.5])
    kept = v.copy()
    _, pulled = srcad.vjp(function)(x, v)
    np.testing.assert_array_equal(pulled, slope * kept)
    np.testing.assert_array_equal(v, kept)
