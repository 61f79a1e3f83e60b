"""Debugging derivatives (issue 13, section 2): the NaN/Inf finder (``debug_nans``,
``SRCAD_DEBUG_NANS=1``) and gradient hooks (``srcad.grad_hook``)."""
import functools
import inspect
import re

import pathlib

import numpy as np
import pytest

import srcad
from srcad.optimize import enabled as optimizer_enabled
from srcad.options import Options
from srcad.testing import check_grads, numerical_jvp
from srcad.transform import generate


# -- functions differentiated below --------------------------------------------------------------

def sqrt_sum(x):
    y = np.sqrt(x)
    return np.sum(y * 2.0)


def log_sum(x):
    t = np.log(x)
    return np.sum(t * 2.0)


def finite_model(x, w):
    h = np.tanh(x @ w)
    return np.mean(h ** 2) + np.sum(w ** 2)


def inner_sqrt(x):
    return np.sqrt(x) * 3.0


def calls_inner(x):
    y = inner_sqrt(x)
    return np.sum(y ** 2)


def loop_sqrt(x, n):
    s = 0.0
    for i in range(n):
        s = s + np.sqrt(x[i])
    return s


def branchy(x, flag):
    if flag:
        y = np.sin(x) * x
    else:
        y = np.cos(x)
    return np.sum(y)


def items(x):
    y = np.zeros(2)
    y[0] = x[0] * x[1]
    y[1] = np.exp(x[1])
    return y


def pair(x, w):
    return x * w, np.sin(x) + w


def _line_of(function, text):
    """The line of `function`'s file holding `text` (inside the function)."""
    lines, first = inspect.getsourcelines(function)
    offset = next(i for i, line in enumerate(lines) if text in line)
    return f"{inspect.getsourcefile(function)}:{first + offset}"


def _same_line(where, expected):
    path, _, line = where.rpartition(":")
    expected_path, _, expected_line = expected.rpartition(":")
    return line == expected_line and expected_path.endswith(path.lstrip("./"))


# -- debug_nans: off is the ordinary code ------------------------------------------------------------

ORDINARY = [(sqrt_sum, "grad", (0,)), (log_sum, "vjp", (0,)), (finite_model, "value_and_grad", (0, 1)),
            (finite_model, "jvp", (1,)), (calls_inner, "grad", (0,)), (loop_sqrt, "vjp", (0,)),
            (branchy, "jvp", (0,)), (items, "vjp", (0,)), (pair, "vjp", (0, 1)),
            (calls_inner, "split", (0,)), (finite_model, "jvp_batch", (0,))]


@pytest.mark.parametrize("function, mode, wrt", ORDINARY)
def test_debug_nans_off_generates_the_ordinary_code(function, mode, wrt):
    ordinary = generate(function, mode, wrt).source
    assert generate(function, mode, wrt, options=Options(debug_nans=False)).source == ordinary
    assert "debug_nans" not in ordinary
    checked = generate(function, mode, wrt, options=Options(debug_nans=True)).source
    assert "debug_nans_check(" in checked
    # the checks only add lines (and pass the option on to the derivatives of called
    # functions): everything else is the ordinary code, line for line
    without = "\n".join(line for line in checked.replace(", debug_nans=True)", ")").splitlines()
                        if "debug_nans_check" not in line)
    assert without == ordinary.rstrip("\n")


def test_the_transformations_default_to_the_ordinary_code(monkeypatch):
    monkeypatch.delenv("SRCAD_DEBUG_NANS", raising=False)
    assert srcad.source(srcad.grad(sqrt_sum)) == generate(sqrt_sum, "grad", (0,)).source
    assert srcad.source(srcad.jvp(sqrt_sum)) == generate(sqrt_sum, "jvp", (0,)).source
    monkeypatch.setenv("SRCAD_DEBUG_NANS", "0")
    assert "debug_nans_check" not in srcad.source(srcad.vjp(log_sum))


# -- debug_nans: the first non-finite derivative, named ----------------------------------------------

X_ZERO = np.array([1.0, 0.0, 4.0])


def _raised(call):
    with pytest.raises(srcad.NonFiniteDerivative) as info, np.errstate(divide="ignore", invalid="ignore"):
        call()
    return info.value


def test_sqrt_at_zero_names_the_line_in_both_modes():
    line = _line_of(sqrt_sum, "np.sqrt(x)")
    reverse = _raised(lambda: srcad.grad(sqrt_sum, debug_nans=True)(X_ZERO))
    forward = _raised(lambda: srcad.jvp(sqrt_sum, debug_nans=True)(X_ZERO, np.ones(3)))
    for error, variable in ((reverse, "x_bar"), (forward, "y_dot")):
        assert _same_line(error.where, line), error.where
        assert error.variable == variable
        assert error.primal_nonfinite == ()      # sqrt(0) = 0: only the derivative is infinite
        assert "`y = np.sqrt(x)`" in str(error) and "are finite" in str(error)
        assert "1 inf of its 3 elements" in str(error)
    assert isinstance(reverse, FloatingPointError) and isinstance(reverse, srcad.SrcadError)


def test_log_at_zero_says_the_primal_value_was_already_not_finite():
    line = _line_of(log_sum, "np.log(x)")
    reverse = _raised(lambda: srcad.grad(log_sum, debug_nans=True)(X_ZERO))
    forward = _raised(lambda: srcad.jvp(log_sum, debug_nans=True)(X_ZERO, np.ones(3)))
    for error in (reverse, forward):
        assert _same_line(error.where, line), error.where
        assert error.primal_nonfinite == ("t",)
        assert "already not finite" in str(error) and "`t` has 1 inf" in str(error)
    assert forward.variable == "t_dot"


def test_without_debug_nans_the_same_call_returns_the_infinite_gradient():
    with np.errstate(divide="ignore", invalid="ignore"):
        gradient = srcad.grad(sqrt_sum)(X_ZERO)
    assert np.isinf(gradient[1]) and np.all(np.isfinite(gradient[[0, 2]]))


def test_finite_derivatives_are_unchanged_with_debug_nans(monkeypatch):
    x, w = np.array([[0.3, -1.0], [0.5, 2.0]]), np.array([[0.7, -0.2], [0.1, 0.4]])
    plain = srcad.grad(finite_model, wrt=(0, 1))(x, w)
    checked = srcad.grad(finite_model, wrt=(0, 1), debug_nans=True)(x, w)
    for a, b in zip(plain, checked):
        np.testing.assert_array_equal(a, b)
    monkeypatch.setenv("SRCAD_DEBUG_NANS", "1")   # check_grads' jvp and vjp check every statement
    check_grads(finite_model, (x, w), wrt=(0, 1))
    check_grads(loop_sqrt, (np.array([1.0, 2.0, 3.0]), 3))
    check_grads(branchy, (np.array([0.2, 1.1]), True))
    check_grads(items, (np.array([0.2, 1.1]),))
    check_grads(pair, (0.5, 1.5), wrt=(0, 1))


def test_environment_variable_turns_it_on_for_every_derivative(monkeypatch):
    monkeypatch.setenv("SRCAD_DEBUG_NANS", "1")
    assert "debug_nans_check(x_bar, 'x_bar'" in srcad.source(srcad.grad(sqrt_sum))
    error = _raised(lambda: srcad.vjp(sqrt_sum)(X_ZERO, 1.0))
    assert _same_line(error.where, _line_of(sqrt_sum, "np.sqrt(x)"))
    monkeypatch.delenv("SRCAD_DEBUG_NANS")
    assert "debug_nans_check" not in srcad.source(srcad.grad(sqrt_sum))


def test_a_called_function_is_checked_with_the_same_option():
    generated = srcad.source(srcad.grad(calls_inner, debug_nans=True))
    assert "split_of(inner_sqrt, (0,), debug_nans=True)" in generated
    error = _raised(lambda: srcad.grad(calls_inner, debug_nans=True)(X_ZERO))
    assert _same_line(error.where, _line_of(inner_sqrt, "np.sqrt(x)"))
    assert error.variable == "x_bar" and "1 nan of its 3 elements" in str(error)


def test_in_a_loop_the_first_iteration_that_fails_is_reported():
    x = np.array([1.0, 0.0, 4.0])
    error = _raised(lambda: srcad.grad(loop_sqrt, debug_nans=True)(x, 3))
    assert _same_line(error.where, _line_of(loop_sqrt, "np.sqrt(x[i])"))
    assert "is inf" in str(error)
    np.testing.assert_allclose(srcad.grad(loop_sqrt, debug_nans=True)(x, 1), [0.5, 0.0, 0.0])


def test_a_non_finite_cotangent_passed_in_is_named():
    error = _raised(lambda: srcad.vjp(sqrt_sum, debug_nans=True)(np.ones(3), np.nan))
    assert error.variable == "out_bar" and "you pass in must be finite" in str(error)


def test_second_derivatives_with_debug_nans(monkeypatch):
    x = np.array([1.0, 2.0])
    expected = srcad.hessian(sqrt_sum)(x)
    monkeypatch.setenv("SRCAD_DEBUG_NANS", "1")
    np.testing.assert_allclose(srcad.hessian(sqrt_sum)(x), expected, rtol=1e-12)
    check_grads(srcad.grad(sqrt_sum), (x,))
    error = _raised(lambda: srcad.hessian(sqrt_sum)(np.array([1.0, 0.0])))
    assert "from your line" in str(error) and "`y = np.sqrt(x)`" in str(error)


def test_unknown_options_are_errors():
    from srcad.options import make
    with pytest.raises(srcad.SrcadError, match="unknown derivative option"):
        make(debug_nan=True)


# -- gradient hooks -------------------------------------------------------------------------------

CALLS = []


def clip(g):
    return np.clip(g, -1.0, 1.0)


def half(g):
    return 0.5 * g


def soft(g):
    return np.tanh(g)


def show(g):
    print("cotangent:", g)
    return g


def log_a(g):
    CALLS.append(("a", np.copy(g)))
    return g


def log_b(g):
    CALLS.append(("b", np.copy(g)))
    return g


CLIP = functools.partial(np.clip, a_min=-1.0, a_max=1.0)


def clipped(x):
    y = srcad.grad_hook(x * 3.0, clip)
    return np.sum(y ** 2)


def clipped_by_partial(x):
    y = srcad.grad_hook(x * 3.0, CLIP)
    return np.sum(y ** 2)


def printed(x, w):
    y = srcad.grad_hook(np.sin(x), show)
    return np.sum(y * w) + np.sum(x ** 2)


def without_hook(x, w):
    y = np.sin(x)
    return np.sum(y * w) + np.sum(x ** 2)


def logged(x):
    a = srcad.grad_hook(x * 2.0, log_a)
    b = srcad.grad_hook(np.sin(a), log_b)
    return np.sum(b * 3.0)


def hooked_power(x, n):
    s = np.ones_like(x)
    for i in range(n):
        s = s * srcad.grad_hook(x, half)
    return np.sum(s)


def softened(x):
    y = srcad.grad_hook(np.sin(x) * x, soft)
    return np.sum(y ** 3)


X = np.array([0.1, 1.0, -2.0])


def test_clipping_changes_the_gradient_exactly_as_it_should():
    expected = 3.0 * np.clip(2.0 * 3.0 * X, -1.0, 1.0)    # d/dx sum((3x)^2), y_bar clipped
    np.testing.assert_allclose(srcad.grad(clipped)(X), expected, rtol=1e-15)
    np.testing.assert_allclose(srcad.grad(clipped_by_partial)(X), expected, rtol=1e-15)
    t = np.array([0.2, -1.0, 0.5])
    _, tangent = srcad.jvp(clipped)(X, t)                 # forward: y_dot = clip(3 t)
    np.testing.assert_allclose(tangent, np.sum(2.0 * 3.0 * X * np.clip(3.0 * t, -1.0, 1.0)), rtol=1e-15)
    assert abs(tangent - numerical_jvp(clipped, (X,), (0,), (t,))[0]) > 1.0   # it did change


def test_the_hook_reads_where_the_derivative_flows():
    reverse = srcad.source(srcad.grad(clipped)).splitlines()
    assert any(line.startswith("    y = srcad.grad_hook(") for line in reverse)  # the primal
    assert "    x_times_3_bar = clip(y_bar)" in reverse     # the cotangent flowing into x * 3.0
    forward = srcad.source(srcad.jvp(clipped)).splitlines()
    assert any(line.startswith("    y_dot = clip(") for line in forward)


def test_a_hook_that_only_prints_changes_nothing(capsys):
    x, w = np.array([0.3, -1.2]), np.array([2.0, 0.5])
    np.testing.assert_array_equal(srcad.grad(printed, wrt=(0, 1))(x, w),
                                  srcad.grad(without_hook, wrt=(0, 1))(x, w))
    assert capsys.readouterr().out == f"cotangent: {w}\n"       # y's cotangent, printed once
    check_grads(printed, (x, w), wrt=(0, 1))                      # both modes, against FD
    _, tangent = srcad.jvp(printed)(x, w, np.array([1.0, 0.0]))
    assert "cotangent: [0.95533649 0.        ]" in capsys.readouterr().out   # cos(0.3) * 1


@pytest.mark.parametrize("optimize", ["1", "0"])
def test_the_optimizer_never_drops_or_moves_a_hook(optimize, monkeypatch):
    monkeypatch.setenv("SRCAD_OPTIMIZE", optimize)
    CALLS.clear()
    gradient = srcad.grad(logged)(X)
    assert [name for name, _ in CALLS] == ["b", "a"]     # reverse mode: b's cotangent first
    np.testing.assert_allclose(CALLS[0][1], np.full(3, 3.0))
    np.testing.assert_allclose(CALLS[1][1], 3.0 * np.cos(2.0 * X))
    np.testing.assert_allclose(gradient, 6.0 * np.cos(2.0 * X), rtol=1e-15)
    CALLS.clear()
    srcad.jvp(logged)(X, np.ones(3))
    assert [name for name, _ in CALLS] == ["a", "b"]     # forward mode: in program order
    assert srcad.source(srcad.grad(logged)).count("= log_a(a_bar)") == 1


def test_hooks_in_a_loop():
    x, n = np.array([0.5, 1.5, -1.0]), 4
    expected = 0.5 * n * x ** (n - 1)       # each factor's cotangent halved
    np.testing.assert_allclose(srcad.grad(hooked_power)(x, n), expected, rtol=1e-14)
    t = np.array([1.0, -2.0, 0.5])
    _, tangent = srcad.jvp(hooked_power)(x, n, t)
    np.testing.assert_allclose(tangent, np.sum(expected * t), rtol=1e-14)


def test_hooks_in_vector_mode():
    x = np.array([0.3, -0.7])
    true = numerical_jacobian(lambda v: np.sin(v * 2.0) * 3.0, x)    # hooked_vector without hook
    for mode in ("forward", "reverse"):
        jacobian = srcad.jacobian(hooked_vector, mode=mode)(x)
        np.testing.assert_allclose(jacobian, 0.5 * true, rtol=1e-7, atol=1e-9)


def hooked_vector(x):
    a = srcad.grad_hook(x * 2.0, half)
    return np.sin(a) * 3.0


def numerical_jacobian(f, x, eps=1e-6):
    columns = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = eps
        columns.append((f(x + step) - f(x - step)) / (2 * eps))
    return np.stack(columns, axis=-1)


def test_second_derivatives_differentiate_the_hook_function():
    # the gradient srcad gives is a function; its derivatives (hessian, grad of grad) are its
    # derivatives as finite differences see them, and soft() is differentiated in them
    x = np.array([0.4, -0.3, 1.2])
    check_grads(srcad.grad(softened), (x,))
    check_grads(srcad.grad(hooked_power), (np.array([0.5, 1.5]), 3))
    check_grads(srcad.grad(clipped), (np.array([0.1, 0.05]),))
    hessian = srcad.hessian(softened)(x)
    gradient = srcad.grad(softened)
    np.testing.assert_allclose(hessian, numerical_jacobian(gradient, x), rtol=1e-6, atol=1e-8)
    assert "= jvp_of(soft, (0,))" in srcad.source(srcad.jvp(srcad.grad(softened)))   # soft's JVP


# -- the docs ---------------------------------------------------------------------------------------

SOURCES = pathlib.Path(__file__).parent / "doc_sources"


def test_the_debug_nans_docs_example_prints_what_the_docs_show(tmp_path):
    from doc_examples import blocks, run, section
    text = section("Finding NaN and Inf derivatives: debug_nans")
    code, shown = blocks(text, "python")[1], blocks(text, "text")[0]
    printed = run(code, "api_debug_nans.py", tmp_path)
    generated_file = re.compile(r"checked in the code srcad generated, [^)]*:\d+\)")
    assert generated_file.sub("", printed).rstrip() == generated_file.sub("", shown).rstrip()


def test_the_grad_hook_docs_example_prints_what_the_docs_show(tmp_path):
    from doc_examples import blocks, generated, run, section
    text = section("Gradient hooks: grad_hook")
    python = blocks(text, "python")
    assert run(python[2], "api_hooks.py", tmp_path) == blocks(text, "text")[0]
    assert (SOURCES / "hooks.py").read_text() == python[1]
    if optimizer_enabled():
        assert generated("hooks.py", "loss", "grad", (0,)) == python[3]

