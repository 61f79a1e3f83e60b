"""Issue 11, the derivative-rule items: np.r_ / np.c_ (and every other way a differentiated
value could get a zero derivative without a rule saying so), x ** 0 at x == 0, np.cross.

Every check is against central finite differences (`check_grads`, or the Jacobian built
column by column below) or a closed form, in forward and reverse mode.
"""
import math
import operator

import numpy as np
import pytest

import srcad
from srcad.testing import check_grads

MODES = ("forward", "reverse")


def fd_jacobian(f, args, wrt, eps=1e-6):
    """d f / d args[wrt] by central differences: shape f(...).shape + args[wrt].shape."""
    x = np.asarray(args[wrt], dtype=np.float64)
    columns = []
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = eps
        ahead, behind = list(args), list(args)
        ahead[wrt] = x + step.reshape(x.shape)
        behind[wrt] = x - step.reshape(x.shape)
        columns.append((np.asarray(f(*ahead)) - np.asarray(f(*behind))) / (2 * eps))
    out_shape = np.shape(f(*args))
    return np.moveaxis(np.array(columns), 0, -1).reshape(out_shape + x.shape)


def assert_jacobians(f, args, wrt=(0,), rtol=1e-6, atol=1e-7):
    """srcad.jacobian in both modes (vector mode: all directions in one sweep) against finite
    differences, for each argument in `wrt`."""
    for mode in MODES:
        blocks = srcad.jacobian(f, wrt=wrt, mode=mode)(*args)
        blocks = blocks if isinstance(blocks, tuple) else (blocks,)
        for i, block in zip(wrt, blocks):
            np.testing.assert_allclose(block, fd_jacobian(f, args, i), rtol=rtol, atol=atol,
                                       err_msg=f"{mode} Jacobian w.r.t. argument {i}")


def rng(seed):
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------------------
# Item 5: np.r_[...] and np.c_[...]
# ---------------------------------------------------------------------------------------

def r_sum_squares(x):
    return np.sum(np.r_[x, 2.0 * x] ** 2)


def c_sum_squares(x):
    return np.sum(np.c_[x, 2.0 * x] ** 2)


def r_number(x):
    return np.r_[x, 0.0] * np.r_[1.0, x]


def r_pieces(x, y):
    return np.r_[x[:2], y] ** 2


def r_ranges(x):
    return np.r_[x, 0:3] * np.r_[1:4, x] + np.r_[0:1:4j, x[:1]]


def r_rows(a, b):
    return np.sin(np.r_[a, b])


def r_single(x):
    return np.r_[x] * x


def r_scalars(s, t):
    return np.r_[s, s * t, 1.5] ** 2


def c_columns(a, b):
    return np.c_[a, b] * np.c_[b, a]


def c_matrix_and_vector(m, v):
    return np.tanh(np.c_[m, v, 0.5 * v])


def r_in_loop(x):
    total = np.r_[x[0]]
    for i in range(1, 3):
        total = np.r_[total, total[-1] * x[i]]
    return np.sum(total ** 2)


def r_nested_hessian(x):
    return np.sum(np.r_[x, x ** 2] ** 3) + np.sum(np.c_[x, np.sin(x)] ** 2)


def test_r_and_c_gradient_of_the_issue():
    """np.sum(np.r_[x, 2 x] ** 2) = 5 sum(x ** 2): gradient 10 x (it was 0 in both modes)."""
    x = np.array([1.0, 2.0, -0.5])
    for f in (r_sum_squares, c_sum_squares):
        np.testing.assert_allclose(srcad.grad(f)(x), 10 * x, rtol=1e-15)
        _, tangent = srcad.jvp(f)(x, np.array([1.0, 0.0, 2.0]))
        assert tangent == pytest.approx(10 * (x[0] + 2 * x[2]), rel=1e-15)
        check_grads(f, (x,), modes=MODES)


R_C_CASES = [
    (r_number, (rng(1).normal(size=3),), (0,)),
    (r_pieces, (rng(2).normal(size=4), rng(3).normal(size=3)), (0, 1)),
    (r_ranges, (rng(4).normal(size=2),), (0,)),
    (r_rows, (rng(5).normal(size=(2, 3)), rng(6).normal(size=(1, 3))), (0, 1)),
    (r_single, (rng(7).normal(size=3),), (0,)),
    (r_single, (rng(8).normal(size=(2, 2)),), (0,)),
    (c_columns, (rng(9).normal(size=3), rng(10).normal(size=3)), (0, 1)),
    (c_matrix_and_vector, (rng(11).normal(size=(3, 2)), rng(12).normal(size=3)), (0, 1)),
    (r_in_loop, (rng(13).normal(size=3),), (0,)),
]


@pytest.mark.parametrize("f, args, wrt", R_C_CASES, ids=[c[0].__name__ for c in R_C_CASES])
def test_r_and_c_against_finite_differences(f, args, wrt):
    check_grads(f, args, wrt=wrt, modes=MODES)


def test_r_with_python_floats():
    check_grads(r_scalars, (0.3, -1.2), wrt=(0, 1), modes=MODES)
    _, (gs, gt) = srcad.vjp(r_scalars, wrt=(0, 1))(0.3, -1.2, np.ones(3))
    # d/ds (s^2 + s^2 t^2) = 2 s (1 + t^2); d/dt = 2 s^2 t
    assert gs == pytest.approx(2 * 0.3 * (1 + 1.44), rel=1e-14)
    assert gt == pytest.approx(2 * 0.09 * -1.2, rel=1e-14)


@pytest.mark.parametrize("f, args, wrt", [c for c in R_C_CASES if c[0] is not r_in_loop],
                         ids=[c[0].__name__ for c in R_C_CASES if c[0] is not r_in_loop])
def test_r_and_c_jacobians_in_vector_mode(f, args, wrt):
    assert_jacobians(f, args, wrt)


def test_r_and_c_second_derivatives():
    """f = sum(x^3 + x^6 + x^2 + sin(x)^2): f' = 3x^2 + 6x^5 + 2x + sin 2x, and f'' on the
    diagonal, 6x + 30x^4 + 2 + 2 cos 2x."""
    x = rng(14).normal(size=3)
    np.testing.assert_allclose(srcad.grad(r_nested_hessian)(x),
                               3 * x ** 2 + 6 * x ** 5 + 2 * x + np.sin(2 * x), rtol=1e-13)
    check_grads(srcad.grad(r_nested_hessian), (x,), modes=MODES, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(srcad.hessian(r_nested_hessian)(x),
                               np.diag(6 * x + 30 * x ** 4 + 2 + 2 * np.cos(2 * x)), rtol=1e-13,
                               atol=1e-13)


def test_r_keeps_the_primal_as_written():
    """The primal is np.r_[...] itself (no rewrite: the dtype rules of np.r_ stay NumPy's)."""
    text = srcad.source(srcad.grad(r_sum_squares))
    assert "np.r_[x, x_times_2]" in text
    x32 = np.array([1.0, 2.0], np.float32)
    value, gradient = srcad.value_and_grad(r_sum_squares)(x32)
    assert value == r_sum_squares(x32) and gradient.dtype == np.float32


def r_directive(a, b):
    return np.r_['0,2', a, b]


def r_directive_constant(x):
    return np.r_['0,2', [1.0, 2.0], [3.0, 4.0]] * x


def test_r_string_directive_is_an_error_only_when_differentiated():
    with pytest.raises(srcad.NoDerivativeRule, match=r"test_issue11_rules\.py:\d+: no derivative "
                                                     r"rule for np\.r_\[\.\.\.\] with a string"):
        srcad.vjp(r_directive, wrt=(0, 1))(np.ones(2), np.ones(2), np.ones((2, 2)))
    x = rng(15).normal(size=2)
    check_grads(r_directive_constant, (x,), modes=MODES)


# ---------------------------------------------------------------------------------------
# Item 5, the audit: no other way to a silent zero derivative
# ---------------------------------------------------------------------------------------

def mgrid_bound(x):
    return np.sum(np.mgrid[0:x:5j])


class Doubler:
    def __getitem__(self, key):
        return key * 2.0


DOUBLE = Doubler()
TABLE = np.array([1.0, 4.0, 9.0])
ROWS = [np.ones(3), 2.0 * np.ones(3)]


def custom_subscript(x):
    return DOUBLE[x]


def container_subscripts(x):
    k = x.astype(int)           # an index that varies with x (an integer: derivative zero)
    return TABLE[k] * x + ROWS[1] * x


def or_value(x):
    s = np.sum(x) or 1.0
    return s * 2.0


def and_value(x):
    s = np.sum(x) > 0 and np.sum(x)
    return s * 2.0


def and_of_tests(x):
    flag = np.any(x > 0) and isinstance(x, np.ndarray) and x.all() or not bool(np.sum(x))
    return np.sum(x) * flag


def random_loc(mu):
    np.random.seed(0)
    return np.random.normal(mu, 1.0, size=3)


def random_permutation(x):
    np.random.seed(0)
    return np.random.permutation(x)


def random_shapes_only(x):
    np.random.seed(0)
    return x * np.random.normal(0.0, 1.0, size=np.shape(x)) + np.random.uniform(size=np.shape(x))


def arange_from(start, step):
    return np.arange(start, start + 2.0, step) ** 2


def heaviside_value(x1, x2):
    return np.heaviside(x1, x2) * 3.0


def index_expression(x):
    k = x.astype(int)[0]
    return x[np.s_[1:]] * x[np.s_[k]] + x[np.index_exp[k][0]]


def test_a_computed_subscript_without_a_rule_raises():
    """np.mgrid[0:x:5j] depends on x: an error, not the zero derivative it had."""
    with pytest.raises(srcad.NoDerivativeRule, match=r"test_issue11_rules\.py:\d+: .*np\.mgrid"):
        srcad.grad(mgrid_bound)(1.0)
    with pytest.raises(srcad.NoDerivativeRule, match=r"no derivative rule for test_issue11_rules\.DOUBLE"):
        srcad.grad(custom_subscript)(1.5)


def test_subscripts_of_arrays_lists_and_index_expressions_still_index():
    x = np.array([0.5, 1.5, 2.5])
    check_grads(container_subscripts, (x,), modes=MODES)
    np.testing.assert_allclose(srcad.vjp(container_subscripts)(x, np.ones(3))[1],
                               TABLE[x.astype(int)] + 2.0, rtol=1e-15)
    check_grads(index_expression, (np.array([0.2, 0.7, 0.4]),), modes=MODES)


def test_and_or_returning_a_differentiated_value_raises():
    for f in (or_value, and_value):
        with pytest.raises(srcad.UnsupportedSyntax, match=r"test_issue11_rules\.py:\d+: `and` / `or`"):
            srcad.grad(f)(np.ones(2))
    x = np.array([0.5, 0.25])
    np.testing.assert_array_equal(srcad.grad(and_of_tests)(x), np.ones(2))


def test_random_numbers_from_differentiated_arguments_raise():
    with pytest.raises(srcad.NoDerivativeRule, match="normal"):
        srcad.jvp(random_loc)(0.5, 1.0)
    with pytest.raises(srcad.NoDerivativeRule, match="permutation"):
        srcad.vjp(random_permutation)(np.arange(3.0), np.ones(3))
    x = np.array([0.5, 1.5])
    expected = random_shapes_only(np.ones(2)) - random_shapes_only(np.zeros(2))
    np.testing.assert_allclose(srcad.vjp(random_shapes_only)(x, np.ones(2))[1], expected, rtol=1e-15)


def arange_sum(start, step):
    return np.sum(np.arange(start, start + 2.0, step) ** 2)


def test_arange_is_differentiable_in_start_and_step():
    """np.arange(s, s + 2, h) = s + i h (i = 0, 1, 2 at h = 0.7); it was a zero derivative."""
    check_grads(arange_from, (0.3, 0.7), wrt=(0, 1), modes=MODES)
    gs, gh = srcad.grad(arange_sum, wrt=(0, 1))(0.3, 0.7)
    i = np.arange(3)
    assert gs == pytest.approx(np.sum(2 * (0.3 + 0.7 * i)), rel=1e-14)
    assert gh == pytest.approx(np.sum(2 * (0.3 + 0.7 * i) * i), rel=1e-14)


def test_heaviside_is_differentiable_in_its_value_at_zero():
    x1, x2 = np.array([0.0, -1.0, 2.0, 0.0]), np.array([0.5, 0.5, 0.5, 0.25])
    check_grads(heaviside_value, (x1, x2), wrt=1, modes=MODES)
    _, pulled = srcad.vjp(heaviside_value, wrt=(0, 1))(x1, x2, np.ones(4))
    np.testing.assert_array_equal(pulled[0], np.zeros(4))
    np.testing.assert_array_equal(pulled[1], [3.0, 0.0, 0.0, 3.0])


# ---------------------------------------------------------------------------------------
# Item 6: x ** 0 at x == 0
# ---------------------------------------------------------------------------------------

def pow_zero_sum(x):
    return np.sum(x ** 0.0)


def pow_one_sum(x):
    return np.sum(x ** 1.0)


def np_power_zero(x):
    return np.power(x, 0.0)


def pow_int_zero(x):
    return x ** 0


def pow_variable(x, y):
    return x ** y


def pow_sum(x, y):
    return np.sum(x ** y)


def np_power_sum(x, y):
    return np.sum(np.power(x, y))


def float_power_sum(x, y):
    return np.sum(np.float_power(x, y))


def operator_pow(x, y):
    return operator.pow(x, y)


def math_pow(x, y):
    return math.pow(x, y)


def builtin_pow(x, y):
    return pow(x, y)


def np_float_power(x, y):
    return np.float_power(x, y)


def pow_square(x):
    return np.sum(x ** 2)


def sqrt_sum(x):
    return np.sum(np.sqrt(x))


def test_power_zero_of_the_issue():
    """np.sum(x ** 0.0) was nan at x = 0; np.power(x, 0.0) raised ZeroDivisionError."""
    x = np.array([0.0, 1.0, -2.0])
    np.testing.assert_array_equal(srcad.grad(pow_zero_sum)(x), np.zeros(3))
    assert srcad.jvp(pow_zero_sum)(x, np.ones(3))[1] == 0.0
    check_grads(pow_zero_sum, (x,), modes=MODES)
    for f in (np_power_zero, pow_int_zero):
        assert srcad.grad(f)(0.0) == 0.0
        assert srcad.jvp(f)(0.0, 1.0)[1] == 0.0
    np.testing.assert_array_equal(srcad.hessian(pow_zero_sum)(x), np.zeros((3, 3)))
    # x ** 1.0 pulls back through 1.0 * x ** 0.0, whose own derivative is 0 at x == 0 too
    np.testing.assert_array_equal(srcad.hessian(pow_one_sum)(x), np.zeros((3, 3)))


@pytest.mark.parametrize("f", [pow_variable, operator_pow, math_pow, builtin_pow, np_float_power],
                         ids=lambda f: f.__name__)
def test_power_with_a_zero_exponent_variable_at_zero(f):
    """y held in a variable: 0 ** 0 is the constant 1 in x, so d/dx is 0 (Python floats,
    NumPy scalars, both modes); elsewhere y x ** (y - 1)."""
    for x, y in ((0.0, 0.0), (np.float64(0.0), np.float64(0.0)), (np.float32(0.0), np.float32(0.0))):
        assert srcad.grad(f)(x, y) == 0.0
        assert srcad.jvp(f)(x, y, 1.0)[1] == 0.0
    assert srcad.grad(f)(0.0, 1.0) == 1.0
    assert srcad.grad(f)(0.0, 2.0) == 0.0
    assert srcad.grad(f)(2.0, 3.0) == pytest.approx(12.0, rel=1e-15)
    assert srcad.grad(f)(2.0, 0.0) == 0.0
    check_grads(f, (0.0, 1.0), wrt=0, modes=MODES)
    check_grads(f, (1.3, 0.0), wrt=(0, 1), modes=MODES)


@pytest.mark.parametrize("f", [pow_sum, np_power_sum, float_power_sum], ids=lambda f: f.__name__)
def test_power_with_exponent_arrays_holding_zeros(f):
    x = np.array([0.0, 0.0, 0.0, 2.0, 2.0, 0.5])
    y = np.array([0.0, 1.0, 2.0, 0.0, 3.0, 0.5])
    expected = np.array([0.0, 1.0, 0.0, 0.0, 12.0, 0.5 / np.sqrt(0.5)])
    np.testing.assert_allclose(srcad.grad(f)(x, y), expected, rtol=1e-15)
    _, tangent = srcad.jvp(f)(x, y, np.ones(6))
    assert tangent == pytest.approx(np.sum(expected), rel=1e-15)
    check_grads(f, (x, y), wrt=0, modes=MODES)
    x32, y32 = x.astype(np.float32), y.astype(np.float32)
    gradient = srcad.grad(f)(x32, y32)
    assert np.all(np.isfinite(gradient))
    if f is not float_power_sum:          # float_power computes in float64
        assert gradient.dtype == np.float32


def test_power_second_derivatives():
    """d2/dx2 of x ** y: 0 for y in {0, 1} (also at x == 0), 2 for y == 2; and the mixed
    derivative at y == 0 is 1 / x (d/dy of y x ** (y - 1))."""
    x, y = np.array([0.0, 0.0, 0.0, 1.5]), np.array([0.0, 1.0, 2.0, 3.0])
    hessian = srcad.hessian(pow_sum)(x, y)
    np.testing.assert_allclose(hessian, np.diag([0.0, 0.0, 2.0, 6.0 * 1.5]), rtol=1e-14, atol=0)
    x2, y2 = np.array([2.0, 0.5, 1.5]), np.array([0.0, 0.0, 2.0])
    blocks = srcad.hessian(pow_sum, wrt=(0, 1))(x2, y2)
    # d/dy (y x ** (y - 1)) = x ** (y - 1) (1 + y log x): 1 / x at y == 0
    np.testing.assert_allclose(blocks[0][1], np.diag(x2 ** (y2 - 1) * (1 + y2 * np.log(x2))),
                               rtol=1e-13)
    check_grads(srcad.grad(pow_sum, wrt=(0, 1)), (x2, y2), wrt=(0, 1), modes=MODES)


def test_literal_exponents_keep_the_plain_formula():
    """x ** 2 pulls back through 2 * x, as before; a variable exponent through scaled_power."""
    square = srcad.source(srcad.grad(pow_square))
    assert "* 2 * x" in square and "scaled_power" not in square
    assert "scaled_power(y, x, y - 1)" in srcad.source(srcad.grad(pow_sum))
    x = np.array([0.0, 1.5])
    np.testing.assert_array_equal(srcad.grad(pow_square)(x), 2 * x)


def test_sqrt_at_zero_is_still_infinite():
    """Not a power rule: the derivative of sqrt at 0 is the true limit, inf."""
    with np.errstate(divide="ignore"):
        assert srcad.grad(sqrt_sum)(np.array([0.0]))[0] == np.inf


# ---------------------------------------------------------------------------------------
# Item 17: np.cross
# ---------------------------------------------------------------------------------------

def cross_norm(a, b):
    return np.sum(np.cross(a, b) ** 2)


def cross_plain(a, b):
    return np.cross(a, b)


def cross_axes(a, b):
    return np.cross(a, b, axisa=0, axisb=-1, axisc=0)


def cross_axis(a, b):
    return np.cross(a, b, axis=0)


def cross_cubic(a, b):
    return np.sum(np.cross(a, b) ** 3 * a)


def rotate(w, points):
    """Rodrigues' rotation of `points` (n, 3) by the axis-angle vector `w`, written with
    np.cross as bundle adjustment does."""
    theta = np.sqrt(np.sum(w ** 2))
    k = w / theta
    cos, sin = np.cos(theta), np.sin(theta)
    along = np.sum(points * k, axis=1, keepdims=True)
    return points * cos + np.cross(k, points) * sin + k * along * (1.0 - cos)


def reprojection(w, points):
    rotated = rotate(w, points)
    return np.sum((rotated[:, :2] / rotated[:, 2:]) ** 2)


def test_cross_of_the_issue():
    a, b = np.ones(3), np.arange(3.0)
    c = np.cross(a, b)
    ga, gb = srcad.grad(cross_norm, wrt=(0, 1))(a, b)
    np.testing.assert_allclose(ga, 2 * np.cross(b, c), rtol=1e-15)     # <2c, dc> = <2 b x c, da>
    np.testing.assert_allclose(gb, 2 * np.cross(c, a), rtol=1e-15)
    check_grads(cross_norm, (a, b), wrt=(0, 1), modes=MODES)


CROSS_CASES = [
    (cross_plain, ((3,), (3,)), "3"),
    (cross_plain, ((4, 3), (3,)), "stack"),
    (cross_plain, ((2, 1, 3), (5, 3)), "broadcast"),
    (cross_plain, ((4, 2), (3,)), "2-3"),
    (cross_plain, ((3,), (2,)), "3-2"),
    (cross_plain, ((4, 2), (2,)), "2-2"),
    (cross_plain, ((2,), (3, 2)), "2-2-stack-b"),
    (cross_plain, ((3,), (2, 3, 3)), "stack-b"),
    (cross_plain, ((2, 3), (3,)), "directions-equal-batch"),
    (cross_axes, ((3, 4), (4, 3)), "axisa-axisc"),
    (cross_axes, ((2, 4), (4, 3)), "axisa-2"),
    (cross_axis, ((3, 4), (3, 1)), "axis"),
]


@pytest.mark.parametrize("f, shapes, label", CROSS_CASES, ids=[c[2] for c in CROSS_CASES])
def test_cross_against_finite_differences(f, shapes, label):
    a, b = rng(20).normal(size=shapes[0]), rng(21).normal(size=shapes[1])
    check_grads(f, (a, b), wrt=(0, 1), modes=MODES)


@pytest.mark.parametrize("f, shapes, label", CROSS_CASES, ids=[c[2] for c in CROSS_CASES])
def test_cross_jacobians_in_vector_mode(f, shapes, label):
    a, b = rng(22).normal(size=shapes[0]), rng(23).normal(size=shapes[1])
    assert_jacobians(f, (a, b), wrt=(0, 1))


def test_cross_second_derivatives():
    a, b = rng(24).normal(size=(2, 3)), rng(25).normal(size=3)
    check_grads(srcad.grad(cross_cubic, wrt=(0, 1)), (a, b), wrt=(0, 1), modes=MODES,
                rtol=1e-5, atol=1e-6)
    blocks = srcad.hessian(cross_cubic, wrt=(0, 1))(a, b)
    gradient_b = srcad.grad(cross_cubic, wrt=1)
    np.testing.assert_allclose(blocks[1][0], fd_jacobian(gradient_b, (a, b), 0), rtol=1e-6,
                               atol=1e-6)


def test_cross_in_a_rotation():
    w = np.array([0.3, -0.2, 0.5])
    points = rng(26).normal(size=(4, 3)) + np.array([0.0, 0.0, 5.0])
    check_grads(reprojection, (w, points), wrt=(0, 1), modes=MODES)
    assert_jacobians(rotate, (w, points), wrt=(0, 1))
