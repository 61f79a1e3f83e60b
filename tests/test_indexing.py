"""Indexing reads and writes of every form, in both modes, against finite differences."""
import numpy as np
import pytest

from srcad.testing import check_grads

IDX = np.array([0, 2, 2, 1])
RNG = np.random.default_rng(3)


def repeated_indices(x):
    return np.sum(x[IDX] ** 2)          # x[2] twice: its cotangents add up


def boolean_mask(x):
    return np.sum(np.sin(x[x > 0.0]))


def mask_write(x):
    y = x.copy()
    y[x > 0.0] = x[x > 0.0] ** 2
    return np.sum(y * x)


def index_array_write(x):
    y = np.zeros(5)
    y[np.array([0, 3])] = x[1:3] * 2.0
    return np.sum(y ** 2) + np.sum(x)


def basic_forms(x):
    return np.sum(x[..., 1:] * x[None, 0, :2]) + x[-1, -1] * np.sum(x[::2, ::-1])


def slice_writes(x):
    y = np.zeros((3, 3))
    y[1:, :2] = x[:2, 1:] * 3.0
    y[0] = x[2]
    y[..., 2] += x[:, 0]
    return np.sum(y * y)


def list_of_indices(x):
    return np.sum(x[[0, 1, 1]] * 2.0)


def integer_array_pair(x):
    return np.sum(x[np.array([0, 2, 2]), np.array([1, 1, 0])] ** 3)


CASES = [(repeated_indices, (4,)), (boolean_mask, (6,)), (mask_write, (6,)),
         (index_array_write, (4,)), (basic_forms, (3, 3)), (slice_writes, (3, 3)),
         (list_of_indices, (3,)), (integer_array_pair, (3, 3))]


@pytest.mark.parametrize("function, shape", CASES, ids=[f.__name__ for f, _ in CASES])
def test_indexing_both_modes(function, shape):
    check_grads(function, (RNG.normal(size=shape),))


def test_repeated_indices_accumulate():
    import srcad
    x = np.array([1.0, 2.0, 3.0, 4.0])
    np.testing.assert_allclose(srcad.grad(repeated_indices)(x), [2.0, 4.0, 12.0, 0.0])
