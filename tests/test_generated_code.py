"""Generated code is a product: readable names, comments, no dead or trivial statements."""
import ast
import inspect
import re

import gast
import numpy as np
import pytest

import srcad
from srcad.optimize import enabled as optimizer_enabled
from srcad.transform import generate

# what the optimizer is for: these read the generated text (with SRCAD_OPTIMIZE=0 they are skipped)
needs_optimizer = pytest.mark.skipif(not optimizer_enabled(), reason="SRCAD_OPTIMIZE=0")


def model(x, w):
    y = np.sin(x) * w
    unused = np.cos(x)  # noqa: F841
    z = y.sum() ** 2
    return z * 3.0 - x[0]


def scaled(x):
    y = x * 2.0
    y = y * 3.0
    return y


MODES = ["grad", "value_and_grad", "vjp", "jvp"]


@pytest.mark.parametrize("mode", MODES)
def test_deterministic(mode):
    assert generate(model, mode, (0, 1)).source == generate(model, mode, (0, 1)).source


@needs_optimizer
@pytest.mark.parametrize("mode", MODES)
def test_no_trivial_arithmetic_and_no_dead_statements(mode):
    """Templates such as ``g * y * x ** (y - 1)`` must not leave ``** 1`` or ``* 1`` behind."""
    source = generate(model, mode, (0, 1)).source
    body = source.split('"""', 2)[2]  # after the docstring
    code = "\n".join(line for line in body.splitlines() if not line.strip().startswith("#"))
    assert not re.search(r"\*\*? 1(\.0)?\b|\b1(\.0)? \*|\+ 0(\.0)?\b|\b0(\.0)? \+", code), source
    assert "unused" not in code, source
    ast.parse(source)


@needs_optimizer
def test_names_and_comments_point_back_to_the_user():
    source = generate(model, "vjp", (0, 1)).source
    line = inspect.getsourcelines(model)[1] + 1
    assert f"# y = np.sin(x) * w   (test_generated_code.py:{line})" in source
    assert "x_bar" in source and "w_bar" in source and "def model_vjp(x, w, out_bar)" in source
    forward = generate(model, "jvp", (0,)).source
    assert "y_dot = x_dot * np.cos(x) * w" in forward


def test_reassigned_variables_get_versions():
    source = generate(scaled, "vjp", (0,)).source
    assert "y_1 = y * 3.0" in source and "def scaled_vjp(x, y_1_bar)" in source
    _, x_bar = srcad.vjp(scaled)(np.ones(2), np.ones(2))
    np.testing.assert_allclose(x_bar, [6.0, 6.0])




x = np.arange(3.0)   # a module global with the same name as model's parameter


def test_header_lists_only_names_the_code_takes_from_the_module():
    """A parameter named like a module global is the parameter: the header must not claim
    the global is bound into the file."""
    source = generate(model, "grad", (0, 1)).source
    header = source.split("\n\n\n")[0]
    assert "bound when srcad loads" not in header, header


def written_by_items(x):
    y = np.zeros(2)
    y[0] = 2 * x[0] + x[1] ** 2
    y[1] = x[0] ** 2 + 2 * x[1] ** 3
    return y


@needs_optimizer
def test_item_writes_to_disjoint_constant_slots_need_no_cotangent_copy():
    """Reverse mode zeroes y_bar[1] so that y[0]'s adjoint does not see it; y[0]'s adjoint
    reads only y_bar[0], so neither the zeroing nor the copy it needed is generated."""
    source = generate(written_by_items, "vjp", (0,)).source
    assert ".copy()" not in source and "] = 0.0" not in source, source
    x, v = np.array([0.3, 0.7]), np.array([1.0, -2.0])
    expected = np.array([2 * v[0] + 2 * x[0] * v[1], 2 * x[1] * v[0] + 6 * x[1] ** 2 * v[1]])
    np.testing.assert_allclose(srcad.vjp(written_by_items)(x, v)[1], expected, rtol=1e-14)
    assert v.tolist() == [1.0, -2.0]      # the caller's cotangent is not written into


def recurrent(W, xs, h):
    for t in range(xs.shape[0]):
        h = np.tanh(h @ W + xs[t])
    return np.sum(h ** 2)


def test_a_loop_saves_only_the_shape_of_values_whose_adjoint_needs_only_that():
    """``h @ W + xs[t]`` may broadcast, so the adjoint sums back to the shape of ``h @ W``:
    the tape keeps that shape, not the array (no array per iteration held by the loop)."""
    source = generate(recurrent, "grad", (0,)).source
    assert "tape.append(shape_of(" in source, source
    rng = np.random.default_rng(3)
    W, xs, h = rng.normal(size=(4, 4)) * 0.5, rng.normal(size=(6, 1, 4)), rng.normal(size=(3, 4))
    gradient = srcad.grad(recurrent)(W, xs, h)
    step = np.zeros_like(W)
    step[1, 2] = 1e-6
    expected = (recurrent(W + step, xs, h) - recurrent(W - step, xs, h)) / 2e-6
    np.testing.assert_allclose(gradient[1, 2], expected, rtol=1e-6)
    gradient_of = srcad.grad(recurrent)
    row = (gradient_of(W + step, xs, h) - gradient_of(W - step, xs, h)).ravel() / 2e-6
    np.testing.assert_allclose(srcad.hessian(recurrent)(W, xs, h).reshape(16, 16)[6], row,
                               rtol=1e-5, atol=1e-8)      # second derivatives through the saved shapes


def accumulate(x, w):
    total = 0.0
    for i in range(len(x)):
        total = total + w * x[i] ** 2
    return np.sum(total)


@pytest.mark.parametrize("w", [0.7, np.array([0.7, -1.2, 2.0])])
def test_an_accumulator_whose_shape_may_change_saves_only_its_shape(w):
    """``total`` turns from 0.0 into an array when ``w`` is one, so its adjoint needs
    ``unbroadcast(g, total)`` with each iteration's shape: the tape keeps that shape (a
    float stays a float), and the seed's read of the final ``total`` does not count."""
    source = generate(accumulate, "grad", (0, 1)).source
    assert "tape.append(shape_of(total))" in source, source
    x = np.array([0.5, -1.5, 2.0])
    gx, gw = srcad.grad(accumulate, (0, 1))(x, w)
    np.testing.assert_allclose(gx, 2 * x * np.sum(w), rtol=1e-13)
    np.testing.assert_allclose(gw, np.full(np.shape(w), np.sum(x ** 2)), rtol=1e-13)
    assert np.shape(gw) == np.shape(w)


def recurrent_state(W, xs, h):
    for t in range(xs.shape[0]):
        h = np.tanh(h @ W + xs[t])
    return h


def test_vector_mode_reads_the_saved_shapes_too():
    """Reverse-mode Jacobians (one sweep, all directions) go through the same saved shapes."""
    rng = np.random.default_rng(3)
    W, xs, h = rng.normal(size=(4, 4)) * 0.5, rng.normal(size=(6, 1, 4)), rng.normal(size=(3, 4))
    assert "shape_of(" in generate(recurrent_state, "vjp_batch", (0,)).source
    forward = srcad.jacobian(recurrent_state, 0, mode="forward")(W, xs, h)
    reverse = srcad.jacobian(recurrent_state, 0, mode="reverse")(W, xs, h)
    np.testing.assert_allclose(reverse, forward, rtol=1e-12, atol=1e-14)
