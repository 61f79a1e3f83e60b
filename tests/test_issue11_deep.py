"""Issue 11, items 14-16, against central finite differences (`check_grads`, which also
checks forward against reverse mode) or Jacobians built from them:

14. expressions nested as deep as Python compiles them, and recursion as deep as the plain
    function reaches (one frame per level), or a srcad error naming the line and the limit;
15. a derivative kept in a variable, ``slope = srcad.grad(energy)``, then called;
16. vector mode (Jacobians) through values your own functions return: ``V = helper(x)``
    then ``V[:, idx]`` indexes past the leading axis of directions.
"""
import ast
import importlib.util
import re
import sys

import numpy as np
import pytest

import srcad
import srcad.trees
from srcad.testing import check_grads, numerical_jvp


# ---------------------------------------------------------------------------------------
# 14. Deep expressions
# ---------------------------------------------------------------------------------------

def _module(directory, name, source):
    """Import `source` as a module from a file (srcad reads the functions' source)."""
    path = directory / f"{name}.py"
    path.write_text("import numpy as np\n\n\n" + source)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _compiles(source):
    try:
        compile(source, "<probe>", "exec")
        return True
    except (RecursionError, SyntaxError, MemoryError):
        return False


def _negations(levels):
    return f"def negations(x):\n    return np.sin({'-' * levels}x) * 2.0\n"


@pytest.fixture(scope="module")
def deep(tmp_path_factory):
    """Functions with deep expressions: the issue's two (a sum of 250 terms on one line,
    190 nested calls) and a chain of unary minus about as deep as CPython compiles."""
    levels = next(n for n in (2900, 1400, 700, 350) if _compiles(_negations(n)))
    source = (
        "def sum_250(x):\n    return " + " + ".join(f"{k % 7 + 1}.0 * x ** {k % 3 + 1}"
                                                      for k in range(250)) + "\n\n\n"
        "def nested_190(x):\n    return " + "np.sin(" * 190 + "x" + ")" * 190 + " * 3.0\n\n\n"
        "def sum_250_again(x):\n    y = x * 2.0\n    return " + " + ".join(
            f"y * {k}.5" for k in range(250)) + "\n\n\n" + _negations(levels) + "\n\n"
        # a nested def and a while test are printed in generated code as deep as written
        "def deep_nested_def(x):\n    def inner(y):\n        return np.sin(" + "-" * 1200 + "y)\n"
        "    return inner(x) * 2.0\n\n\n"
        "def deep_while_test(x):\n    n = 0.0\n    while n" + " + 0.0" * 1200 + " < 3.0:\n"
        "        n = n + 1.0\n    return x * n\n")
    module = _module(tmp_path_factory.mktemp("deep"), "deep_expressions", source)
    module.levels = levels
    return module


def test_a_sum_of_250_terms_on_one_line(deep):
    check_grads(deep.sum_250, (np.array([0.3, -0.7, 1.2]),))
    expected = sum((k % 7 + 1) * (k % 3 + 1) * 0.3 ** (k % 3) for k in range(250))
    assert srcad.grad(deep.sum_250)(0.3) == pytest.approx(expected, rel=1e-12)


def test_190_nested_calls(deep):
    check_grads(deep.nested_190, (np.array([0.3, -0.7, 1.2]),))


def test_an_expression_as_deep_as_python_compiles(deep):
    assert deep.levels >= 700
    check_grads(deep.negations, (0.4,))
    sign = -1.0 if deep.levels % 2 else 1.0
    assert srcad.grad(deep.negations)(0.4) == pytest.approx(2.0 * sign * np.cos(sign * 0.4), rel=1e-14)


def test_deep_nested_def_and_while_test(deep):
    check_grads(deep.deep_nested_def, (0.4,))
    assert srcad.grad(deep.deep_nested_def)(0.4) == pytest.approx(2.0 * np.cos(0.4), rel=1e-14)
    check_grads(deep.deep_while_test, (0.4,))
    assert srcad.grad(deep.deep_while_test)(0.4) == 3.0


def test_deep_expression_from_source():
    f = srcad.from_source("def from_text(x):\n    return " + " + ".join(
        f"x ** 2 * {k}.0" for k in range(300)) + "\n")
    assert srcad.grad(f)(0.5) == pytest.approx(sum(k for k in range(300)), rel=1e-12)


def _deepest(tree):
    return max(srcad.trees.depth(stmt) for stmt in ast.walk(tree) if isinstance(stmt, ast.stmt)
               and not isinstance(stmt, (ast.FunctionDef, ast.Module, ast.If, ast.For, ast.While)))


def test_generated_code_stays_shallow(deep):
    """The optimizer substitutes temporaries back into expressions only up to a depth, so
    generated code prints and compiles without deep recursion and reads in steps."""
    for transformation in (srcad.grad, srcad.jvp):
        tree = ast.parse(srcad.source(transformation(deep.sum_250)))
        assert _deepest(tree) <= srcad.trees.MAX_DEPTH + 2
        tree = ast.parse(srcad.source(transformation(deep.negations)))
        assert _deepest(tree) <= srcad.trees.MAX_DEPTH + 2


def test_too_deep_for_the_stack_is_a_srcad_error_naming_line_and_limit(deep, monkeypatch):
    """Were the room srcad makes on the stack not enough, the error names the line, the
    depth and the recursion limit (never a bare RecursionError)."""
    monkeypatch.setattr(srcad.trees, "FRAMES_PER_LEVEL", 0)
    monkeypatch.setattr(srcad.trees, "PIPELINE_FRAMES", 0)
    with pytest.raises(srcad.UnsupportedSyntax) as info:
        srcad.grad(deep.sum_250_again)
    message = str(info.value)
    line = deep.sum_250_again.__code__.co_firstlineno + 2
    assert f"deep_expressions.py:{line}:" in message
    assert int(re.search(r"nested (\d+) levels deep", message).group(1)) > 250
    assert f"recursion limit ({sys.getrecursionlimit()} frames)" in message


# -- recursion ------------------------------------------------------------------------------

def recursive_sin(x, n):
    if n == 0:
        return x * 1.5
    return np.sin(recursive_sin(x, n - 1))


def base_helper(x):
    return np.tanh(x) * 2.0


def recursive_with_helper(x, n):
    """`base_helper` is first called at the bottom of the recursion: its derivative is
    generated there, deep in the stack."""
    if n == 0:
        return base_helper(x)
    return np.sin(recursive_with_helper(x, n - 1)) * 0.999


def _sin_chain_derivative(x, n):
    value, derivative = x * 1.5, 1.5
    for _ in range(n):
        value, derivative = np.sin(value), derivative * np.cos(value)
    return derivative


@pytest.mark.parametrize("depth", [900])
def test_recursion_900_deep_in_both_modes(depth):
    """Generated code calls the generated function directly once it is resolved (not
    through the lazy binding), one frame per level like the plain function."""
    expected = _sin_chain_derivative(0.3, depth)
    assert srcad.grad(recursive_sin)(0.3, depth) == pytest.approx(expected, rel=1e-12)
    assert srcad.jvp(recursive_sin)(0.3, depth, 1.0)[1] == pytest.approx(expected, rel=1e-12)
    x = np.array([0.3, -0.5])
    check_grads(recursive_sin, (x, depth))
    jacobian = np.diag(_sin_chain_derivative(x, depth))
    for mode in ("forward", "reverse"):
        np.testing.assert_allclose(srcad.jacobian(recursive_sin, mode=mode)(x, depth), jacobian, rtol=1e-12)


def test_recursion_900_deep_transforming_a_callee_at_the_bottom():
    srcad.cache.clear_memory()   # base_helper's derivatives are generated at depth 900
    check_grads(recursive_with_helper, (np.array([0.3, -0.5]), 900))


# ---------------------------------------------------------------------------------------
# 15. A derivative kept in a variable
# ---------------------------------------------------------------------------------------

def issue_slope(x):
    def energy(y):
        return y ** 3
    slope = srcad.grad(energy)
    return slope(2.0) * x + slope(x)


def module_energy(y, w):
    # y * y * y, not y ** 3: the second derivatives below would meet another bug (with
    # SRCAD_OPTIMIZE=0, a constant exponent saved for the backward part gets a zero tangent,
    # times log of a negative base: nan)
    return np.sum(w * y * y * y)


def module_slope(x, w):
    slope = srcad.grad(module_energy, wrt=1)
    return np.sum(slope(x, w) * x)


def slope_in_a_loop(x):
    def energy(y):
        return np.sum(np.sin(y) * y)
    slope = srcad.grad(energy)
    total = 0.0
    for i in range(3):
        total = total + np.sum(slope(x * (i + 1.0)) ** 2)
    return total


def slope_of_a_closure(x, a):
    def energy(y):
        return a * np.sum(y * y * y)
    slope = srcad.grad(energy)
    return np.sum(slope(x) * x)


def both_grads(x, w):
    slope = srcad.grad(module_energy, wrt=(0, 1))
    gx, gw = slope(x, w)
    return np.sum(gx * gw)


def kept_value_and_grad(x):
    def energy(y):
        return np.sum(y * y * y)
    both = srcad.value_and_grad(energy)
    value, g = both(x)
    return value * np.sum(g)


def kept_vjp(x, a):
    def h(y):
        return np.sin(y) * a
    pull = srcad.vjp(h)
    value, g = pull(x, x)
    return np.sum(value * g)


def kept_jvp(x, a):
    def h(y):
        return np.sin(y) * a
    push = srcad.jvp(h)
    value, t = push(x, x)
    return np.sum(value * t)


def inline_vjp_of_a_closure(x, a):
    """The cotangent goes after the positional parameters, before what h captures."""
    def h(y):
        return np.sin(y) * a
    value, g = srcad.vjp(h)(x, x)
    return np.sum(value * g)


def slope_in_a_nested_def(x, a):
    def energy(y):
        return a * np.sum(np.sin(y) * y)
    slope = srcad.grad(energy)

    def g(y):
        return np.sum(slope(y) ** 2)
    return g(x) + np.sum(slope(x * 2.0))


def cube(y):
    return y ** 3


def slope_in_a_while_test(x):
    slope = srcad.grad(cube)
    n = 0.0
    while slope(n) < 10.0:
        n = n + 1.0
    return x * n + slope(x)


X3 = np.array([0.3, -0.7, 1.1])
W3 = np.array([0.5, 1.5, -1.0])
KEPT = [
    (issue_slope, (1.0,), 0),
    (module_slope, (X3, W3), (0, 1)),
    (slope_in_a_loop, (X3,), 0),
    (slope_of_a_closure, (X3, 0.7), (0, 1)),
    (both_grads, (X3, W3), (0, 1)),
    (kept_value_and_grad, (X3,), 0),
    (kept_vjp, (X3, W3), (0, 1)),
    (kept_jvp, (X3, W3), (0, 1)),
    (inline_vjp_of_a_closure, (X3, W3), (0, 1)),
    (slope_in_a_nested_def, (X3[:2], 1.3), (0, 1)),
    (slope_in_a_while_test, (0.7,), 0),
]


@pytest.mark.parametrize("f, args, wrt", KEPT, ids=[k[0].__name__ for k in KEPT])
def test_derivative_kept_in_a_variable(f, args, wrt):
    check_grads(f, args, wrt=wrt)


@pytest.mark.parametrize("f, args, wrt", KEPT, ids=[k[0].__name__ for k in KEPT])
def test_second_derivatives_through_a_kept_derivative(f, args, wrt):
    """The outer derivative of code that calls the inner one: forward-over-reverse and
    reverse-over-reverse, against finite differences of the gradient."""
    check_grads(srcad.grad(f, wrt=wrt), args, wrt=wrt, rtol=1e-4, atol=1e-6)


def test_the_issue_example_value():
    # d/dx (3 * 2.0 ** 2 * x + 3 * x ** 2) = 12 + 6 x
    assert srcad.grad(issue_slope)(1.0) == 18.0
    assert srcad.jvp(issue_slope)(1.0, 1.0) == (15.0, 18.0)
    assert srcad.hessian(issue_slope)(1.0) == pytest.approx(6.0, rel=1e-12)


def test_kept_derivative_in_vector_mode():
    def fd_jacobian(f, x, w):
        columns = [numerical_jvp(f, (x, w), (0,), (e,))[0] for e in np.eye(x.size)]
        return np.stack(columns, axis=-1)
    expected = fd_jacobian(srcad.grad(module_slope), X3, W3)
    for mode in ("forward", "reverse"):
        np.testing.assert_allclose(srcad.jacobian(srcad.grad(module_slope), mode=mode)(X3, W3),
                                   expected, rtol=1e-6, atol=1e-8)


def test_kept_derivative_is_bound_under_its_name():
    source = srcad.source(srcad.grad(issue_slope))
    assert "slope = derivative_of(energy, 'grad', (0,), False)" in source
    assert "slope_fwd, slope_bwd = split_of(slope, (0,))" in source
    assert "slope_2 = slope(2.0)" in source


def reassigned(x):
    slope = srcad.grad(cube)
    slope = srcad.grad(cube, wrt=0)
    return slope(x)


def used_as_a_value(x):
    slope = srcad.grad(cube)
    return np.sum(list(map(slope, [x])))


def transformation_as_a_value(x):
    return np.sum(list(map(srcad.grad(cube), [x])))


def derivative_of_a_kept_derivative(x):
    slope = srcad.grad(cube)
    return srcad.grad(slope)(x)


def kept_in_a_parameter(x, slope):
    slope = srcad.grad(cube)
    return slope(x)


@pytest.mark.parametrize("f, expected", [
    (reassigned, "assigning `slope` more than once"),
    (used_as_a_value, "using `slope`, a derivative function, other than by calling it"),
    (transformation_as_a_value, "srcad.grad(...) used as a value"),
    (derivative_of_a_kept_derivative, "srcad.grad of `slope`, a derivative held in a variable"),
    (kept_in_a_parameter, "to the parameter `slope`"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_unsupported_uses_of_a_kept_derivative_are_named(f, expected):
    with pytest.raises(srcad.UnsupportedSyntax) as info:
        srcad.grad(f)
    assert expected in str(info.value) and "test_issue11_deep.py:" in str(info.value)


# ---------------------------------------------------------------------------------------
# 16. Vector mode through values your own functions return
# ---------------------------------------------------------------------------------------

def helper(x):
    return np.sin(x)


def pair(x):
    return np.sin(x), x ** 2


def identity(value):
    return value


def twice_helper(x):
    return helper(x) * 2.0


def issue_columns(x, idx):
    V = helper(x)
    return np.sum(V[:, idx], axis=0)


def repeated_index(x):
    """A silent wrong gradient before, in every mode: the scatter of ``V[idx]`` did not
    add up repeated indices."""
    V = helper(x)
    return V[np.array([0, 0, 1])] ** 2


def items_of_a_returned_tuple(x):
    r = pair(x)
    return r[0][1:] * r[1][:-1]


def unpacked_tuple(x):
    a, b = pair(x)
    return a[1:] * b[:-1]


def list_passed_through(x):
    ps = identity([x, x * 2.0])
    return ps[1][::-1] * ps[0]


def array_passed_through(x):
    V = identity(x * 2.0)
    return V[::-1] * V[0]


def nested_def_result(x):
    def inner(y):
        return np.cos(y) * y
    V = inner(x)
    return V[1:] - V[:-1]


def two_calls_deep(x):
    V = twice_helper(x)
    return V[::2] * V[0]


def new_axis(x):
    V = helper(x)
    return V[None, :] * x[:, None]


def gradient_result(x):
    def energy(y):
        return np.sum(y ** 3)
    g = srcad.grad(energy)(x)
    return g[1:] * g[0]


def recursive(x, n):
    if n == 0:
        return x
    return np.sin(recursive(x, n - 1))


def recursive_result(x):
    V = recursive(x, 3)
    return V[::-1][:2] * V[0]


def written_into(x):
    V = helper(x)
    V[0] = x[1] * 3.0
    return V[1:] * V[0]


def unused_pair(x):
    """A tuple of a user call's result that the output does not need: its items have no
    tangents (with SRCAD_OPTIMIZE=0 the tuple's tangent named one that does not exist)."""
    pair = (helper(x), x)
    return np.sum(x) * float(np.argmax(pair[0]))


X4 = np.array([0.3, -0.7, 1.1, 0.4])
RETURNED = [
    (issue_columns, (np.arange(12.0).reshape(3, 4) / 10, np.array([3, 0, 2]))),
    (repeated_index, (X4,)),
    (items_of_a_returned_tuple, (X4,)),
    (unpacked_tuple, (X4,)),
    (list_passed_through, (X4,)),
    (array_passed_through, (X4,)),
    (nested_def_result, (X4,)),
    (two_calls_deep, (X4,)),
    (new_axis, (X4,)),
    (gradient_result, (X4,)),
    (recursive_result, (X4,)),
    (written_into, (X4,)),
    (unused_pair, (X4,)),
]


def _fd_jacobian(f, args):
    x = args[0]
    columns = [np.ravel(numerical_jvp(f, args, (0,), (e.reshape(x.shape),))[0]) for e in np.eye(x.size)]
    return np.stack(columns, axis=-1).reshape(np.shape(f(*args)) + x.shape)


@pytest.mark.parametrize("f, args", RETURNED, ids=[r[0].__name__ for r in RETURNED])
def test_values_returned_by_user_calls(f, args):
    check_grads(f, args)
    expected = _fd_jacobian(f, args)
    for mode in ("forward", "reverse"):
        for vector in (True, False):
            np.testing.assert_allclose(srcad.jacobian(f, mode=mode, vector=vector)(*args), expected,
                                       rtol=1e-6, atol=1e-8, err_msg=f"mode={mode}, vector={vector}")


def test_the_issue_example_indexes_past_the_directions_axis():
    source = srcad.source(srcad.cache.derivative(issue_columns, "jvp_batch", (0,), None))
    assert "V_dot[:, :, idx]" in source
    x, idx = np.arange(12.0).reshape(3, 4) / 10, np.array([3, 0, 2])
    jacobian = srcad.jacobian(issue_columns, mode="forward")(x, idx)
    expected = np.zeros((3, 3, 4))
    for j, column in enumerate(idx):
        expected[j, :, column] = np.cos(x[:, column])
    np.testing.assert_allclose(jacobian, expected, rtol=1e-14)
