"""Control flow and program structure, in forward and reverse mode, against finite differences.

Every function here is checked by `check_grads` (JVP and VJP against central differences
and against each other); a few also against closed forms. Functions are module-level
because srcad reads their source.
"""
import math
import pathlib
import sys

import numpy as np
import pytest

import srcad
from srcad.testing import check_grads

import control_flow_helpers as other_module

sys.path.insert(0, str(pathlib.Path(__file__).parent.parent / "examples"))
from recursive_determinant import det as det_by_minors  # noqa: E402  (recursive, with a loop)

RNG = np.random.default_rng(0)
VECTOR = RNG.uniform(0.5, 1.5, 4)
MATRIX = RNG.uniform(-1.0, 1.0, (4, 3))
SCALE = 1.7   # a read-only global


# -- branches -------------------------------------------------------------------------------

def piecewise(x):
    if x > 1.0:
        y = x ** 2
    elif x > 0.0:
        y = 2.0 * x - 1.0 + x * x * 0.0
    else:
        y = -x * 3.0
    return y


def early_return(x):
    if x < 0.0:
        return -x
    y = x * x
    if y > 4.0:
        return y * 0.5
    return y


def conditional_expression(x):
    return np.sin(x) if x > 0.5 else x ** 3


def boolean_conditions(x, y):
    if x > 0.0 and not y > 2.0 or x > 10.0:
        z = x * y
    else:
        z = x + y
    return z


def array_branch(x):
    if np.sum(x) > 0.0:
        out = np.sum(np.sin(x) * x)
    else:
        out = np.sum(x ** 2)
    return out


# -- loops --------------------------------------------------------------------------------------

def scalar_loop(x, n):
    for i in range(n):
        x = x * 0.99 + np.sin(x)
    return x


def loop_over_rows(X, w):
    total = 0.0
    for row in X:
        total = total + np.tanh(row @ w)
    return total


def loop_enumerate_zip(x, w):
    total = 0.0
    for i, (a, b) in enumerate(zip(x, w)):
        total = total + (i + 1) * a * np.cos(b)
    return total


def loop_over_list(x):
    total = 0.0
    for factor in [1.0, 2.0, 3.0]:
        total = total + factor * np.sin(x * factor)
    return total


def nested_loops(x):
    total = 0.0
    for i in range(3):
        for j in range(i + 1):
            total = total + np.sin(x * (i + 1)) * np.cos(x * (j + 1))
    return total


def while_loop(x):
    k = 0
    while k < 4:
        x = x * 1.1 + 0.1 * np.sin(x)
        k += 1
    return x


def newton_sqrt(a):
    x = a
    while abs(x * x - a) > 1e-12 * a:
        x = 0.5 * (x + a / x)
    return x


def with_break(x):
    for i in range(20):
        x = x * 1.3
        if x > 5.0:
            break
    return x


def with_continue(x):
    total = 0.0
    for i in range(6):
        if i % 2 == 0:
            continue
        total = total + x ** i
    return total


def return_in_loop(x):
    for i in range(10):
        x = x * 1.5 + 0.1
        if x > 3.0:
            return x * x
    return x


def augmented_assignment(x):
    y = x.copy()
    y *= 2.0
    y += np.sin(x)
    y[1:3] -= x[0:2] ** 2
    y[0] /= 1.5
    total = 0.0
    for i in range(len(y)):
        total += y[i] * x[i]
    return total


def item_writes_in_loop(x):
    y = np.zeros_like(x)
    for i in range(len(x)):
        y[i] = x[i] ** 2 + np.sum(y)
    return np.sum(y * x)


def swaps(x, y):
    for i in range(3):
        x, y = y, x * y + 0.1
    return x + 2.0 * y


# -- lists, tuples, dicts, comprehensions ---------------------------------------------------------

def list_building(x):
    hs = []
    h = x
    for i in range(4):
        h = np.tanh(h * 1.3 + 0.2)
        hs.append(h)
    return np.sum(np.stack(hs) ** 2)


def list_indexing(x):
    values = [x, x * 2.0, np.sin(x)]
    return values[0] * values[2] + values[1]


def tuple_values(x):
    pair = (np.sin(x), np.cos(x))
    first, second = pair
    return first * second + pair[0]


def dict_values(x):
    params = {"scale": x * 2.0, "shift": np.sin(x)}
    return params["scale"] * params["shift"] + params["scale"]


def comprehension_sum(x):
    return sum([x[i] ** 2 * (i + 1) for i in range(len(x))])


def generator_sum(x):
    return sum(np.sin(v) for v in x)


def comprehension_array(x):
    return np.sum(np.array([np.exp(x[i] * 0.5) for i in range(len(x))]) * x)


# -- user functions, closures ---------------------------------------------------------------------

def helper(u, v):
    return u * np.sin(v)


def keyword_helper(u, scale=2.0, power=2):
    return scale * u ** power


def calls_helpers(x, y):
    a = helper(x, y)
    b = helper(a, v=x)
    return a + b + keyword_helper(y, power=3) + keyword_helper(x)


def calls_other_module(x):
    return other_module.smooth_abs(x) * SCALE + other_module.scaled(x, 2.0)


def helper_with_loop(x, n):
    for i in range(n):
        x = np.sin(x) + x
    return x


def calls_in_loop(x):
    for i in range(3):
        x = helper_with_loop(x, 2) * 0.5
    return x


def closure(x, w):
    def layer(h):
        return np.tanh(h * w + SCALE)
    return np.sum(layer(layer(x)))


def closure_calls_closure(x, w):
    def inner(h):
        return h * w
    def outer(h):
        return np.sin(inner(h)) + inner(h)
    return outer(x)


# -- integers and shapes flow alongside -----------------------------------------------------------

def shapes_alongside(x):
    n = len(x)
    m = x.shape[0]
    k = int(np.argmax(x))
    scale = float(n) / m
    return x[k] * scale + np.sum(x[: n // 2])


def keyword_signature(x, *, power=2.0, shift=0.5):
    return np.sum((x + shift) ** power)


CASES = [
    (piecewise, (1.5,)), (piecewise, (0.5,)), (piecewise, (-0.7,)),
    (early_return, (-1.2,)), (early_return, (1.5,)), (early_return, (2.5,)),
    (conditional_expression, (0.9,)), (conditional_expression, (0.2,)),
    (boolean_conditions, (0.5, 1.0)), (boolean_conditions, (0.5, 3.0)),
    (array_branch, (VECTOR,)), (array_branch, (-VECTOR,)),
    (scalar_loop, (0.3, 7)), (loop_over_rows, (MATRIX, VECTOR[:3])),
    (loop_enumerate_zip, (VECTOR, VECTOR[::-1])), (loop_over_list, (0.4,)),
    (nested_loops, (0.7,)), (while_loop, (0.5,)), (newton_sqrt, (2.0,)),
    (with_break, (1.0,)), (with_continue, (0.8,)), (return_in_loop, (0.2,)),
    (return_in_loop, (-50.0,)), (augmented_assignment, (VECTOR,)), (item_writes_in_loop, (VECTOR,)),
    (swaps, (0.6, 0.9)), (list_building, (VECTOR,)), (list_indexing, (0.3,)), (tuple_values, (0.4,)),
    (dict_values, (0.8,)), (comprehension_sum, (VECTOR,)), (generator_sum, (VECTOR,)),
    (comprehension_array, (VECTOR,)), (calls_helpers, (0.7, 1.3)), (calls_other_module, (0.6,)),
    (calls_in_loop, (0.4,)), (det_by_minors, (RNG.uniform(-1, 1, (4, 4)),)),
    (closure, (VECTOR, 0.3)), (closure_calls_closure, (0.5, 1.2)),
    (shapes_alongside, (VECTOR,)), (keyword_signature, (VECTOR,)),
]


@pytest.mark.parametrize("function, args", CASES,
                         ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(CASES)])
def test_both_modes_match_finite_differences(function, args):
    wrt = tuple(i for i, a in enumerate(args) if not isinstance(a, int))
    check_grads(function, args, wrt=wrt, rtol=1e-5, atol=1e-7)


def test_closed_forms():
    assert srcad.grad(newton_sqrt)(2.0) == pytest.approx(0.5 / math.sqrt(2.0), rel=1e-10)
    A = RNG.uniform(-1, 1, (5, 5))
    expected = np.linalg.det(A) * np.linalg.inv(A).T
    np.testing.assert_allclose(srcad.grad(det_by_minors)(A), expected, rtol=1e-10, atol=1e-12)
    # d/dx of sum_i x**i over odd i < 6
    x = 0.8
    assert srcad.grad(with_continue)(x) == pytest.approx(1 + 3 * x ** 2 + 5 * x ** 4)
    assert srcad.grad(piecewise)(-2.0) == -3.0


def test_captured_variable_is_differentiated():
    x, w = VECTOR, 0.3
    gx, gw = srcad.grad(closure, wrt=(0, 1))(x, w)
    inner = np.tanh(x * w + SCALE)
    outer = np.tanh(inner * w + SCALE)
    d_outer = 1 - outer ** 2
    d_inner = 1 - inner ** 2
    np.testing.assert_allclose(gx, d_outer * w * d_inner * w)
    np.testing.assert_allclose(gw, np.sum(d_outer * (inner + w * d_inner * x)))


def test_integer_arguments_are_not_differentiated():
    assert srcad.grad(scalar_loop)(0.3, 0) == 1.0
    value, gradient = srcad.value_and_grad(scalar_loop)(0.3, 3)
    assert value == pytest.approx(scalar_loop(0.3, 3))


def test_tape_holds_only_what_the_adjoint_reads():
    """The scalar loop saves only x per iteration (sin's adjoint reads it); the loop
    counter, the summands (same shape as x, so no unbroadcast) and the range are not saved."""
    text = srcad.source(srcad.grad(scalar_loop))
    assert text.count("tape.append(") == 1 and text.count("tape.pop()") == 1
    assert "tape.append(x)" in text
    assert "tape" not in srcad.source(srcad.grad(piecewise))   # no loop: no tape
    assert "tape" not in srcad.source(srcad.jvp(scalar_loop))  # forward mode needs none
    text = srcad.source(srcad.grad(while_loop))
    assert "for _ in range(iterations)" in text


def test_recursion_is_linear_in_calls():
    """A recursive function's derivative calls its own split form once per call."""
    calls = {"n": 0}
    fwd_bwd = srcad.cache.derivative(det_by_minors, "split", (0,), None)
    original = fwd_bwd[0]

    def counting(*args):
        calls["n"] += 1
        return original(*args)
    y, saved = counting(RNG.uniform(-1, 1, (3, 3)))
    assert calls["n"] == 1 and np.isfinite(y)


def test_generated_loop_reads_like_the_source():
    text = srcad.source(srcad.grad(scalar_loop))
    assert "for i in range(n):" in text and "for i in reversed(range(n)):" in text
    assert "x = x * 0.99 + np.sin(x)   (test_control_flow.py:" in text


# -- harder structure ---------------------------------------------------------------------------

def while_in_for(x):
    total = 0.0
    for i in range(3):
        y = x * (i + 1)
        while y < 4.0:
            y = y * 1.7 + 0.1 * np.sin(y)
        total = total + y
    return total


def break_in_nested_loop(x):
    total = 0.0
    for i in range(4):
        for j in range(5):
            total = total + np.sin(x * (j + 1))
            if total > 1.5 + i:
                break
        total = total * 0.9
    return total


def return_from_nested_loop(x):
    for i in range(5):
        for j in range(5):
            x = x * 1.2 + 0.05
            if x > 4.0:
                return x * x + i
    return x


def tree_recursion(x, depth):
    if depth == 0:
        return np.sin(x)
    return tree_recursion(x * 0.9, depth - 1) * tree_recursion(x + 0.1, depth - 1)


def is_even_chain(x, n):
    if n == 0:
        return x
    return is_odd_chain(np.sin(x), n - 1)


def is_odd_chain(x, n):
    if n == 0:
        return x * 2.0
    return is_even_chain(x * x, n - 1)


def polar(x, y):
    return np.hypot(x, y) if False else np.sqrt(x * x + y * y), np.arctan2(y, x)


def uses_tuple_result(x, y):
    r, theta = polar(x, y)
    return r * np.cos(theta) + r


def defined_in_one_branch(x):
    if x > 0.0:
        y = x * 3.0
    else:
        y = np.exp(x)
    z = y * x
    return z + y


def closure_in_loop(x, w):
    def step(h):
        return np.tanh(h * w) + h
    for i in range(3):
        x = step(x)
    return np.sum(x)


def list_of_arrays_indexing(x):
    parts = [x[:2], x[2:] * 2.0]
    parts.append(np.sin(x))
    return np.sum(parts[0]) * np.sum(parts[2]) + np.sum(parts[1] ** 2)


def closure_with_default(x, w):
    def scaled(v, factor=2.0):
        return v * factor * w
    return scaled(x) + scaled(x, factor=3.0)


def pair_recursion(x, n):
    if n == 0:
        return x, 1.0
    a, b = pair_recursion(x * 0.5, n - 1)
    return a * b + np.sin(x), b * 1.1 + a


def uses_pairs(x):
    a, b = pair_recursion(x, 3)
    return a * b


HARDER = [
    (while_in_for, (0.5,)), (break_in_nested_loop, (0.3,)), (return_from_nested_loop, (0.5,)),
    (return_from_nested_loop, (-30.0,)), (tree_recursion, (0.4, 3)), (is_even_chain, (0.3, 5)),
    (uses_tuple_result, (0.6, 0.8)), (defined_in_one_branch, (0.7,)), (defined_in_one_branch, (-0.7,)),
    (closure_in_loop, (VECTOR, 0.4)), (list_of_arrays_indexing, (VECTOR,)),
    (closure_with_default, (0.4, 1.5)), (uses_pairs, (0.7,)),
]


@pytest.mark.parametrize("function, args", HARDER,
                         ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(HARDER)])
def test_harder_structure(function, args):
    wrt = tuple(i for i, a in enumerate(args) if not isinstance(a, int))
    check_grads(function, args, wrt=wrt, rtol=1e-5, atol=1e-7)


SCALAR_CASES = [(f, args) for f, args in CASES + HARDER if np.ndim(f(*args)) == 0]


@pytest.mark.parametrize("function, args", SCALAR_CASES,
                         ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(SCALAR_CASES)])
def test_gradient_code_is_differentiable_again(function, args):
    """The generated gradient (tape, reversed loops, split calls and all) is itself checked
    in both modes: forward-over-reverse (Hessian-vector products) and reverse-over-reverse."""
    wrt = tuple(i for i, a in enumerate(args) if not isinstance(a, int))
    check_grads(srcad.grad(function, wrt=wrt), args, wrt=wrt, rtol=1e-4, atol=1e-6)
