"""The rule table, verified: every case in tests/rule_cases/ runs through
`srcad.testing.check_grads` in forward and reverse mode, and every callable srcad's rule
modules register must be exercised by some case.

Case modules (tests/rule_cases/*.py) list `RuleCase`s. A case with differentiable=False
checks that the value passes through and that both modes give exactly zero;
``extra["float32"]`` adds a dtype check (float32 in, float32 derivatives out, both modes);
``extra["needs"]`` names the engine feature a case relies on ("vararg": a ``*args`` rule
instantiated per argument; "list": a list of values as one argument; "sequence": a
callable returning a tuple or list of arrays), for the reader.

Below the generated checks: conventions that finite differences cannot see (ties, kinks,
zeros in products), closed forms, float32 details and second derivatives through the
helpers' rules.
"""
import importlib
import math

import numpy as np
import pytest

import srcad
from srcad.rules import lookup, registry
from srcad.rules.table import count_both, display_name, srcad_callables
from srcad.testing import check_grads

MODES = ("forward", "reverse")
CASE_MODULES = ("elementwise", "reductions", "scalars", "nondifferentiable", "helpers", "shape",
                "linalg", "arrays", "stats")

def _load_case_modules():
    modules, missing = {}, []
    for name in CASE_MODULES:
        try:
            modules[name] = importlib.import_module(f"rule_cases.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"rule_cases.{name}":
                raise
            missing.append(name)
    return modules, missing


CASE_MODULES_LOADED, MISSING_CASE_MODULES = _load_case_modules()
ALL_CASES = [(name, case) for name, module in CASE_MODULES_LOADED.items() for case in module.CASES]


def _floats(value, dtype=np.float64):
    """A cotangent/tangent of ones shaped like `value` (a Python float for scalars)."""
    if isinstance(value, (bool, int, float)) and not isinstance(value, np.ndarray):
        return 1.0
    return np.ones(np.shape(value), dtype)


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def _check_zero_derivative(case):
    f, args, wrt = case.function, case.args, case.wrt
    value = f(*args)
    tangents = [_floats(args[i]) for i in wrt]
    primal, tangent = srcad.jvp(f, wrt)(*args, *tangents)
    np.testing.assert_array_equal(primal, value)
    for t in _as_tuple(tangent):
        assert np.all(np.asarray(t) == 0), f"forward mode: nonzero tangent {t!r}"
    cotangent = tuple(_floats(v) for v in value) if isinstance(value, tuple) else _floats(value)
    primal, pulled = srcad.vjp(f, wrt)(*args, cotangent)
    np.testing.assert_array_equal(primal, value)
    for i, p in zip(wrt, _as_tuple(pulled)):
        assert np.shape(p) == np.shape(args[i])
        assert np.all(np.asarray(p) == 0), f"reverse mode: nonzero cotangent {p!r}"


def _float32(value):
    if isinstance(value, np.ndarray) and value.dtype == np.float64:
        return value.astype(np.float32)
    return value


def _check_float32(case):
    """float32 copies of the float64 array arguments get float32 cotangents, and a tangent of
    the output's dtype; the values agree with the float64 derivatives to float32 precision."""
    f, wrt = case.function, case.wrt
    args32 = tuple(_float32(a) for a in case.args)
    value = f(*args32)
    dtype = np.asarray(value).dtype
    cotangent = np.ones(np.shape(value), dtype)
    _, pulled = srcad.vjp(f, wrt)(*args32, cotangent)
    _, pulled64 = srcad.vjp(f, wrt)(*case.args, cotangent.astype(np.float64))
    for i, p, p64 in zip(wrt, _as_tuple(pulled), _as_tuple(pulled64)):
        if isinstance(args32[i], np.ndarray) and args32[i].dtype == np.float32:
            assert np.asarray(p).dtype == np.float32, f"reverse mode: cotangent of argument {i} is {np.asarray(p).dtype}"
        finite = np.isfinite(p64)
        np.testing.assert_allclose(np.asarray(p, np.float64)[finite], np.asarray(p64)[finite],
                                   rtol=2e-3, atol=2e-4)
    tangents = [np.ones_like(args32[i]) if isinstance(args32[i], np.ndarray) else 1.0 for i in wrt]
    _, tangent = srcad.jvp(f, wrt)(*args32, *tangents)
    assert np.asarray(tangent).dtype == dtype, f"forward mode: tangent is {np.asarray(tangent).dtype}, output {dtype}"


def _run_case(case):
    if case.differentiable:
        check_grads(case.function, case.args, wrt=tuple(case.wrt), modes=MODES, rtol=case.rtol,
                    atol=case.atol)
    else:
        _check_zero_derivative(case)
    if case.extra.get("float32"):
        _check_float32(case)


@pytest.mark.parametrize("module, case", ALL_CASES, ids=[f"{m}:{c.id}" for m, c in ALL_CASES])
def test_rule_case(module, case):
    _run_case(case)


def test_every_case_module_is_present():
    assert not MISSING_CASE_MODULES, f"tests/rule_cases/ lacks {MISSING_CASE_MODULES}"


def test_every_registered_callable_is_exercised():
    """Each callable srcad's rule modules register (differentiable or not) has a case."""
    covered = {registry._key(fn) for _, case in ALL_CASES for fn in case.callables}
    missing = sorted(display_name(fn) for fn in srcad_callables() if registry._key(fn) not in covered)
    assert not missing, f"{len(missing)} registered callables have no case in tests/rule_cases/: {missing}"


def test_cases_name_registered_callables():
    unknown = sorted({f"{m}:{case.id}: {fn!r}" for m, case in ALL_CASES for fn in case.callables
                      if lookup(fn) is None})
    assert not unknown, f"cases claim callables without a rule: {unknown}"


def _callees(function):
    """The callables a function's normalized statements call (srcad's own view of it)."""
    from srcad.normalize import normalize
    from srcad.parse import parse_function
    found = []
    pending = list(normalize(parse_function(function)).body)
    while pending:
        stmt = pending.pop()
        found.append(getattr(stmt, "callee", None))
        for attribute in ("body", "orelse"):
            pending.extend(getattr(stmt, attribute, None) or [])
    return {registry._key(fn) for fn in found if fn is not None}


def test_cases_call_the_callables_they_claim():
    """A case counts for a callable only if its function really calls it."""
    wrong = []
    for m, case in ALL_CASES:
        callees = _callees(case.function)
        wrong += [f"{m}:{case.id}: {display_name(fn)}" for fn in case.callables
                  if registry._key(fn) not in callees]
    assert not wrong, f"cases claim callables their function does not call: {sorted(set(wrong))}"


def test_rule_count():
    both, _ = count_both()
    assert both >= 150, f"only {both} callables have both a VJP and a JVP rule"


def test_every_differentiable_rule_has_both_modes():
    one_sided = [display_name(fn) for fn in srcad_callables()
                 if lookup(fn).differentiable and not (lookup(fn).vjps and lookup(fn).jvps)]
    assert not one_sided, f"rules with only one mode: {one_sided}"


# ---------------------------------------------------------------------------------------
# Closed forms
# ---------------------------------------------------------------------------------------

def make(shape, low=-2.0, high=2.0, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    return np.asarray(rng.uniform(low, high, shape), dtype)


def sum_of_squares(x):
    return np.sum(x ** 2)


def sum_sin(x):
    return np.sum(np.sin(x))


def sum_cos(x):
    return np.sum(np.cos(x))


def sum_exp(x):
    return np.sum(np.exp(x))


def sum_log(x):
    return np.sum(np.log(x))


def sum_sqrt(x):
    return np.sum(np.sqrt(x))


def sum_tanh(x):
    return np.sum(np.tanh(x))


def sum_tan(x):
    return np.sum(np.tan(x))


def sum_abs(x):
    return np.sum(np.abs(x))


def sum_arcsin(x):
    return np.sum(np.arcsin(x))


def sum_log1p(x):
    return np.sum(np.log1p(x))


def mean_plain(x):
    return np.mean(x)


def ratio(x, y):
    return np.sum(x / y)


def cube(x):
    return x ** 3


def op_mul(x, y):
    return x * y


def m_sin(x):
    return math.sin(x)


def m_log(x):
    return math.log(x)


def m_sqrt(x):
    return math.sqrt(x)


def m_exp(x):
    return math.exp(x)


def m_fabs(x):
    return math.fabs(x)


def m_lgamma(x):
    return math.lgamma(x)


def test_closed_form_sum_of_squares():
    x = make((3, 4), seed=40)
    np.testing.assert_array_equal(srcad.grad(sum_of_squares)(x), 2 * x)
    value, g = srcad.value_and_grad(sum_of_squares)(x)
    np.testing.assert_allclose(value, np.sum(x ** 2), rtol=1e-15)
    np.testing.assert_array_equal(g, 2 * x)
    t = make((3, 4), seed=41)
    _, tangent = srcad.jvp(sum_of_squares)(x, t)
    np.testing.assert_allclose(tangent, np.sum(2 * x * t), rtol=1e-13)


CLOSED_FORMS = [
    (sum_sin, (-2, 2), np.cos),
    (sum_cos, (-2, 2), lambda x: -np.sin(x)),
    (sum_tan, (-1.2, 1.2), lambda x: 1 / np.cos(x) ** 2),
    (sum_exp, (-2, 2), np.exp),
    (sum_log, (0.5, 2), lambda x: 1 / x),
    (sum_sqrt, (0.5, 2), lambda x: 0.5 / np.sqrt(x)),
    (sum_tanh, (-2, 2), lambda x: 1 / np.cosh(x) ** 2),
    (sum_abs, (0.3, 1.5), np.sign),
    (sum_arcsin, (-0.9, 0.9), lambda x: 1 / np.sqrt(1 - x ** 2)),
    (sum_log1p, (-0.5, 2), lambda x: 1 / (1 + x)),
    (mean_plain, (-2, 2), lambda x: np.full_like(x, 1 / x.size)),
]


@pytest.mark.parametrize("f, domain, derivative", CLOSED_FORMS, ids=[f.__name__ for f, _, _ in CLOSED_FORMS])
def test_closed_form_gradients(f, domain, derivative):
    x = make((3, 4), *domain, seed=42)
    np.testing.assert_allclose(srcad.grad(f)(x), derivative(x), rtol=1e-13, atol=1e-15)
    t = make((3, 4), seed=43)
    _, tangent = srcad.jvp(f)(x, t)
    np.testing.assert_allclose(tangent, np.sum(derivative(x) * t), rtol=1e-12)


def m_sum_keepdims(x):
    return x.sum(axis=0, keepdims=True)


def test_closed_form_sum_keepdims():
    x, t = make((3, 4), seed=42), make((3, 4), seed=43)
    _, got = srcad.vjp(m_sum_keepdims)(x, np.ones((1, 4)))
    np.testing.assert_array_equal(got, np.ones_like(x))
    _, tangent = srcad.jvp(m_sum_keepdims)(x, t)
    np.testing.assert_allclose(tangent, np.sum(t, axis=0, keepdims=True), rtol=1e-14)


def test_closed_form_division_and_broadcasting():
    x, y = make((3, 4), seed=49), make((4,), 0.3, 1.5, seed=50)
    gx, gy = srcad.grad(ratio, wrt=(0, 1))(x, y)
    np.testing.assert_allclose(gx, np.broadcast_to(1 / y, x.shape), rtol=1e-14)
    np.testing.assert_allclose(gy, np.sum(-x / y ** 2, axis=0), rtol=1e-13)
    assert gy.shape == y.shape


def test_closed_form_python_floats():
    assert srcad.grad(cube)(1.5) == pytest.approx(3 * 1.5 ** 2, rel=1e-15)
    assert srcad.grad(m_sin)(0.3) == pytest.approx(math.cos(0.3), rel=1e-15)
    assert srcad.grad(m_log)(2.5) == pytest.approx(0.4, rel=1e-15)
    assert srcad.grad(m_sqrt)(4.0) == pytest.approx(0.25, rel=1e-15)
    assert srcad.grad(m_fabs)(-2.0) == -1.0
    assert srcad.grad(m_fabs)(3.0) == 1.0
    _, tangent = srcad.jvp(m_exp)(0.5, 2.0)
    assert tangent == pytest.approx(2.0 * math.exp(0.5), rel=1e-15)
    gx, gy = srcad.grad(op_mul, wrt=(0, 1))(2.0, -3.0)
    assert (gx, gy) == (-3.0, 2.0)
    # d lgamma(x)/dx = digamma(x); digamma(1) = -Euler's gamma, digamma(0.5) = -gamma - 2 log 2.
    euler = 0.5772156649015329
    assert srcad.grad(m_lgamma)(1.0) == pytest.approx(-euler, rel=1e-14)
    assert srcad.grad(m_lgamma)(0.5) == pytest.approx(-euler - 2 * math.log(2), rel=1e-14)
    for f in (m_sin, m_log, m_sqrt, m_exp, m_fabs, cube):
        assert isinstance(srcad.grad(f)(1.5), float), f.__name__


def test_abs_derivative_at_zero_is_zero_in_numpy_and_math():
    """srcad's convention: d|x|/dx at 0 is sign(0) = 0, the same for np.abs and math.fabs."""
    assert srcad.grad(m_fabs)(0.0) == 0.0
    np.testing.assert_array_equal(srcad.grad(sum_abs)(np.array([-1.0, 0.0, 2.0])), [-1.0, 0.0, 1.0])


# ---------------------------------------------------------------------------------------
# x ** y at x == 0
# ---------------------------------------------------------------------------------------

def pow_sum(x, y):
    return np.sum(x ** y)


def math_pow(x, y):
    return math.pow(x, y)


def test_power_zero_base_derivative_wrt_base():
    x, y = np.array([0.0, 1.0, 2.0]), np.array([2.0, 3.0, 0.5])
    np.testing.assert_allclose(srcad.grad(pow_sum)(x, y), [0.0, 3.0, 0.5 / np.sqrt(2.0)], rtol=1e-15)


def test_power_zero_base_derivative_wrt_exponent():
    """0 ** y is constantly 0 for y > 0, so d/dy is 0 (as JAX and autograd), not nan."""
    x, y = np.array([0.0, 1.0, 2.0]), np.array([2.0, 3.0, 0.5])
    _, gy = srcad.grad(pow_sum, wrt=(0, 1))(x, y)
    _, tangent = srcad.jvp(pow_sum, wrt=1)(x, y, np.array([1.0, 0.0, 0.0]))
    np.testing.assert_allclose(gy, [0.0, 0.0, np.sqrt(2.0) * np.log(2.0)], rtol=1e-15)
    assert tangent == 0.0
    assert srcad.grad(math_pow, wrt=1)(0.0, 2.0) == 0.0
    assert srcad.jvp(math_pow, wrt=1)(0.0, 2.0, 1.0)[1] == 0.0


# ---------------------------------------------------------------------------------------
# Ties: np.maximum / np.minimum / np.clip split 0.5 / 0.5; max/min reductions share equally
# ---------------------------------------------------------------------------------------

def sum_maximum(x, y):
    return np.sum(np.maximum(x, y))


def sum_minimum(x, y):
    return np.sum(np.minimum(x, y))


def np_maximum(x, y):
    return np.maximum(x, y)


def np_minimum(x, y):
    return np.minimum(x, y)


def relu_sum(x):
    return np.sum(np.maximum(x, 0.0))


def max_self(x):
    return np.sum(np.maximum(x, x))


def min_self(x):
    return np.sum(np.minimum(x, x))


def expected_tie_grads(x, y, is_max):
    x, y = np.asarray(x, float), np.asarray(y, float)
    shape = np.broadcast_shapes(x.shape, y.shape)
    wins_x = np.broadcast_to(x > y if is_max else x < y, shape)
    wins_y = np.broadcast_to(y > x if is_max else y < x, shape)
    tie = np.broadcast_to(x == y, shape)
    dx, dy = wins_x + 0.5 * tie, wins_y + 0.5 * tie
    dx = np.sum(dx, axis=tuple(range(len(shape) - x.ndim))) if len(shape) > x.ndim else dx
    dy = np.sum(dy, axis=tuple(range(len(shape) - y.ndim))) if len(shape) > y.ndim else dy
    dx = np.sum(dx, axis=tuple(i for i, n in enumerate(x.shape) if n == 1), keepdims=True)
    dy = np.sum(dy, axis=tuple(i for i, n in enumerate(y.shape) if n == 1), keepdims=True)
    return dx.reshape(x.shape), dy.reshape(y.shape)


TIE_INPUTS = [
    ("all_tied", np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 3.0])),
    ("mixed", np.array([1.0, 2.0, 3.0, -1.0]), np.array([1.0, 0.0, 5.0, -1.0])),
    ("broadcast", np.array([[1.0], [2.0], [3.0]]), np.array([[1.0, 2.0, 3.0, 4.0]])),
    ("matrix_vector", np.array([[0.0, 1.0], [2.0, -1.0]]), np.array([0.0, 1.0])),
]


@pytest.mark.parametrize("is_max", [True, False], ids=["maximum", "minimum"])
@pytest.mark.parametrize("label, x, y", TIE_INPUTS, ids=[t[0] for t in TIE_INPUTS])
def test_ties_split_evenly(label, x, y, is_max):
    f = sum_maximum if is_max else sum_minimum
    dx, dy = expected_tie_grads(x, y, is_max)
    gx, gy = srcad.grad(f, wrt=(0, 1))(x, y)
    np.testing.assert_array_equal(gx, dx)
    np.testing.assert_array_equal(gy, dy)
    rng = np.random.default_rng(51)
    tx, ty = rng.standard_normal(x.shape), rng.standard_normal(y.shape)
    _, tangent = srcad.jvp(f, wrt=(0, 1))(x, y, tx, ty)
    np.testing.assert_allclose(tangent, np.sum(dx * tx) + np.sum(dy * ty), rtol=1e-14)


@pytest.mark.parametrize("f", [np_maximum, np_minimum], ids=lambda f: f.__name__)
def test_ties_elementwise_jvp_and_vjp(f):
    x, y = np.array([1.0, 2.0, 3.0]), np.array([1.0, 5.0, 0.0])
    _, tx = srcad.jvp(f, wrt=0)(x, y, np.ones(3))
    _, ty = srcad.jvp(f, wrt=1)(x, y, np.ones(3))
    expected = ([0.5, 0.0, 1.0], [0.5, 1.0, 0.0]) if f is np_maximum else ([0.5, 1.0, 0.0], [0.5, 0.0, 1.0])
    np.testing.assert_array_equal(tx, expected[0])
    np.testing.assert_array_equal(ty, expected[1])
    _, (gx, gy) = srcad.vjp(f, wrt=(0, 1))(x, y, np.ones(3))
    np.testing.assert_array_equal(gx, tx)
    np.testing.assert_array_equal(gy, ty)


def test_ties_python_floats():
    assert srcad.grad(np_maximum, wrt=(0, 1))(2.0, 2.0) == (0.5, 0.5)
    assert srcad.grad(np_minimum, wrt=(0, 1))(-1.0, -1.0) == (0.5, 0.5)
    assert srcad.grad(np_maximum, wrt=(0, 1))(3.0, 2.0) == (1.0, 0.0)


def test_tie_with_constant_relu():
    np.testing.assert_array_equal(srcad.grad(relu_sum)(np.array([-1.0, 0.0, 2.0])), [0.0, 0.5, 1.0])


@pytest.mark.parametrize("f", [max_self, min_self], ids=lambda f: f.__name__)
def test_tie_with_itself_is_identity(f):
    """max(x, x) == x, and the two halves add up to a derivative of 1."""
    x = make((4,), seed=52)
    np.testing.assert_array_equal(srcad.grad(f)(x), np.ones(4))
    _, tangent = srcad.jvp(f)(x, np.arange(4.0))
    assert tangent == 6.0


def fmax_sum(x, y):
    return np.sum(np.fmax(x, y))


def clip_sum(x, lo, hi):
    return np.sum(np.clip(x, lo, hi))


def test_fmax_ties_and_nan():
    x, y = np.array([1.0, np.nan, 3.0, 2.0]), np.array([1.0, 0.5, np.nan, 5.0])
    gx, gy = srcad.grad(fmax_sum, wrt=(0, 1))(x, y)
    np.testing.assert_array_equal(gx, [0.5, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(gy, [0.5, 1.0, 0.0, 1.0])


def test_clip_ties_at_the_bounds():
    """np.clip is minimum(maximum(x, lo), hi): at x == lo or x == hi the derivative splits."""
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0])
    lo, hi = np.zeros(5), np.ones(5)
    gx, glo, ghi = srcad.grad(clip_sum, wrt=(0, 1, 2))(x, lo, hi)
    np.testing.assert_array_equal(gx, [0.0, 0.5, 1.0, 0.5, 0.0])
    np.testing.assert_array_equal(glo, [1.0, 0.5, 0.0, 0.0, 0.0])
    np.testing.assert_array_equal(ghi, [0.0, 0.0, 0.0, 0.5, 1.0])
    _, tangent = srcad.jvp(clip_sum, wrt=(0, 1, 2))(x, lo, hi, np.ones(5), np.ones(5), np.ones(5))
    assert tangent == 5.0   # clip(x + t, lo + t, hi + t) == clip(x, lo, hi) + t


def max_all(x):
    return np.max(x)


def max_axis0(x):
    return np.max(x, axis=0)


def min_method(x):
    return x.min(axis=1, keepdims=True)


def ptp_all(x):
    return np.ptp(x)


def test_max_reduction_ties_share_the_cotangent():
    """As JAX: the cotangent of a max reduction is split equally among the tied maxima."""
    x = np.array([[1.0, 3.0, 3.0], [3.0, 0.0, 2.0]])
    np.testing.assert_array_equal(srcad.grad(max_all)(x), [[0, 1 / 3, 1 / 3], [1 / 3, 0, 0]])
    _, tangent = srcad.jvp(max_all)(x, np.array([[0.0, 3.0, 6.0], [9.0, 1.0, 1.0]]))
    assert tangent == pytest.approx(6.0, rel=1e-15)
    y = np.array([[2.0, 5.0], [2.0, 1.0], [0.0, 5.0]])
    _, pulled = srcad.vjp(max_axis0)(y, np.array([1.0, 4.0]))
    np.testing.assert_array_equal(pulled, [[0.5, 2.0], [0.5, 0.0], [0.0, 2.0]])
    _, pulled = srcad.vjp(min_method)(y, np.ones((3, 1)))
    np.testing.assert_array_equal(pulled, [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    np.testing.assert_array_equal(srcad.grad(ptp_all)(np.array([1.0, 4.0, 4.0, 1.0, 1.0])),
                                  [-1 / 3, 0.5, 0.5, -1 / 3, -1 / 3])


def builtin_max(x, y):
    return max(x, y)


def builtin_min(x, y):
    return min(x, y)


def test_builtin_max_min_ties():
    assert srcad.grad(builtin_max, wrt=(0, 1))(2.0, 2.0) == (0.5, 0.5)
    assert srcad.grad(builtin_min, wrt=(0, 1))(-1.0, 3.0) == (1.0, 0.0)


# ---------------------------------------------------------------------------------------
# prod and cumprod with zeros: exact derivatives (no division by the input)
# ---------------------------------------------------------------------------------------

def prod_all(x):
    return np.prod(x)


def prod_rows(x):
    return np.prod(x, axis=1)


def cumprod_sum(x):
    return np.sum(np.cumprod(x))


def test_prod_with_zeros():
    x = np.array([2.0, 0.0, 3.0, 4.0])
    np.testing.assert_array_equal(srcad.grad(prod_all)(x), [0.0, 24.0, 0.0, 0.0])
    np.testing.assert_array_equal(srcad.grad(prod_all)(np.array([2.0, 0.0, 3.0, 0.0])), np.zeros(4))
    _, tangent = srcad.jvp(prod_all)(x, np.ones(4))
    assert tangent == 24.0
    m = np.array([[1.0, 0.0, 2.0], [3.0, 4.0, 5.0]])
    _, pulled = srcad.vjp(prod_rows)(m, np.ones(2))
    np.testing.assert_array_equal(pulled, [[0.0, 2.0, 0.0], [20.0, 15.0, 12.0]])


def test_cumprod_with_zeros():
    x = np.array([2.0, 0.0, 3.0])
    # cumprod = [x0, x0 x1, x0 x1 x2]; d sum / dx = [1 + x1 + x1 x2, x0 + x0 x2, x0 x1]
    np.testing.assert_array_equal(srcad.grad(cumprod_sum)(x), [1.0, 8.0, 0.0])
    _, tangent = srcad.jvp(cumprod_sum)(x, np.array([0.0, 1.0, 0.0]))
    assert tangent == 8.0


# ---------------------------------------------------------------------------------------
# float32 in, float32 out
# ---------------------------------------------------------------------------------------

def s32_pow_base_argument(x, base):
    return np.sum(base ** x)


def s32_rpow_literal(x):
    return np.sum(1.5 ** x)


@pytest.mark.parametrize("base", [1.5, 2], ids=["float_base", "int_base"])
def test_float32_power_with_python_scalar_base(base):
    """d(b ** x)/dx = b ** x * log(b): log of a Python scalar must not promote to float64."""
    x32 = make((2, 3), seed=57, dtype=np.float32)
    g = srcad.grad(s32_pow_base_argument)(x32, base)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, base ** x32 * np.log(base), rtol=1e-6)
    g = srcad.grad(s32_rpow_literal)(x32)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 1.5 ** x32 * np.log(1.5), rtol=1e-6)


def np_sin(x):
    return np.sin(x)


def np_log(x):
    return np.log(x)


def np_clip(x):
    return np.clip(x, 0.6, 1.2)


def neg_op(x):
    return -x


def test_float32_elementwise_vjp_keeps_dtype():
    x32 = make((5,), 0.5, 2.0, seed=56, dtype=np.float32)
    for f in (np_sin, np_log, np_clip, neg_op, sum_abs, prod_all, max_all):
        value = f(x32)
        _, pulled = srcad.vjp(f)(x32, np.ones(np.shape(value), dtype=np.float32))
        assert pulled.dtype == np.float32, f.__name__


# ---------------------------------------------------------------------------------------
# Second derivatives through the helpers' rules (generated code differentiated again)
# ---------------------------------------------------------------------------------------

def h_prod(x):
    return np.sum(np.prod(x, axis=0))


def h_cumprod(x):
    return np.sum(np.cumprod(x, axis=1))


def h_max(x):
    return np.sum(np.max(x, axis=0) ** 2)


def h_power(x):
    return np.sum(x ** x)


def h_std(x):
    return np.sum(np.std(x, axis=1, ddof=1))


def h_average(x, w):
    return np.sum(np.average(x, axis=1, weights=w) ** 2)


def h_clip(x):
    return np.sum(np.clip(x, -0.5, 0.5) ** 2)


def h_sinc(x):
    return np.sum(np.sinc(x))


def h_gamma(x):
    return math.gamma(x) * math.lgamma(x)


def h_logsumexp(x):
    m = np.max(x)
    return np.log(np.sum(np.exp(x - m))) + m


HESSIAN_CASES = [
    (h_prod, (make((3, 4), 0.5, 2.0, seed=60),), 0),
    (h_cumprod, (make((3, 4), 0.5, 2.0, seed=61),), 0),
    (h_max, (make((3, 4), seed=62),), 0),
    (h_power, (make((3, 4), 0.5, 2.0, seed=63),), 0),
    (h_std, (make((3, 4), seed=64),), 0),
    (h_average, (make((3, 4), seed=65), make((4,), 0.5, 2.0, seed=66)), 1),
    (h_clip, (make((3, 4), seed=67),), 0),
    (h_sinc, (make((3, 4), seed=68),), 0),
    (h_gamma, (1.3,), 0),
    (h_logsumexp, (make((5,), seed=69),), 0),
]


@pytest.mark.parametrize("f, args, wrt", HESSIAN_CASES, ids=[c[0].__name__ for c in HESSIAN_CASES])
def test_second_derivatives(f, args, wrt):
    check_grads(srcad.grad(f, wrt), args, wrt=wrt, modes=MODES, rtol=1e-4, atol=1e-5)
