"""Every rule of the starter rule set (srcad/rules/*.py), checked in forward and reverse mode.

Each case calls `srcad.testing.check_grads`, which compares forward mode (J·t) and reverse
mode (uᵀJ) with central finite differences and with each other, on Python floats, 0-d
arrays, vectors, matrices and broadcasting pairs. Closed forms, the 0.5/0.5 tie convention
of maximum/minimum and float32 dtype preservation are checked directly.

srcad reads the source of the functions it differentiates, so every differentiated function
is a plain module-level ``def``.
"""
import math
import operator

import numpy as np
import pytest

import srcad
from srcad.testing import check_grads

MODES = ("forward", "reverse")


# ---------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------

DOMAINS = {
    "any": (-2.0, 2.0),
    "small": (-1.2, 1.2),      # tan: stay well inside (-pi/2, pi/2)
    "pos": (0.5, 2.0),         # log, sqrt, bases of x ** y
    "nonzero": (0.3, 1.5),     # abs, divisors: magnitude in this range, random sign
    "small_nonzero": (0.2, 1.0),  # abs next to tan: away from 0 and from pi/2
}


def make(spec, domain="any", seed=0, dtype=np.float64):
    """An input: spec "float" (a Python float), "0d" (a 0-d array) or a shape tuple."""
    rng = np.random.default_rng(seed)
    shape = () if spec in ("float", "0d") else spec
    low, high = DOMAINS[domain]
    value = rng.uniform(low, high, shape)
    if domain in ("nonzero", "small_nonzero"):
        value = value * rng.choice([-1.0, 1.0], shape)
    if spec == "float":
        return float(value)
    return np.asarray(value, dtype=dtype)


def spec_id(spec):
    return spec if isinstance(spec, str) else "x".join(map(str, spec)) or "0d"


UNARY_SPECS = ["float", "0d", (5,), (3, 4)]


# ---------------------------------------------------------------------------------------
# Unary elementwise NumPy functions: np.sin cos tan exp log sqrt tanh abs
# ---------------------------------------------------------------------------------------

def np_sin(x):
    return np.sin(x)


def np_cos(x):
    return np.cos(x)


def np_tan(x):
    return np.tan(x)


def np_exp(x):
    return np.exp(x)


def np_log(x):
    return np.log(x)


def np_sqrt(x):
    return np.sqrt(x)


def np_tanh(x):
    return np.tanh(x)


def np_abs(x):
    return np.abs(x)


def np_absolute(x):
    return np.absolute(x)


def builtin_abs(x):
    return abs(x)


UNARY = [
    (np_sin, "any"), (np_cos, "any"), (np_tan, "small"), (np_exp, "any"), (np_log, "pos"),
    (np_sqrt, "pos"), (np_tanh, "any"), (np_abs, "nonzero"), (np_absolute, "nonzero"),
    (builtin_abs, "nonzero"),
]


@pytest.mark.parametrize("spec", UNARY_SPECS, ids=spec_id)
@pytest.mark.parametrize("f, domain", UNARY, ids=[f.__name__ for f, _ in UNARY])
def test_unary_elementwise(f, domain, spec):
    check_grads(f, (make(spec, domain, seed=1),), modes=MODES)


# Composite uses: the rule applied to a computed value, with a reduction on top.

def chain_sin_exp(x):
    return np.sum(np.sin(np.exp(x)) * np.cos(x))


def chain_log_sqrt(x):
    return np.sum(np.log(np.sqrt(x) + 1.0))


def chain_tanh_tan(x):
    return np.tanh(np.tan(x)) * np.abs(x)


@pytest.mark.parametrize("spec", UNARY_SPECS, ids=spec_id)
@pytest.mark.parametrize("f, domain", [(chain_sin_exp, "any"), (chain_log_sqrt, "pos"),
                                       (chain_tanh_tan, "small_nonzero")],
                         ids=["sin_exp_cos", "log_sqrt", "tanh_tan_abs"])
def test_unary_composites(f, domain, spec):
    check_grads(f, (make(spec, domain, seed=2),), modes=MODES)


# ---------------------------------------------------------------------------------------
# Binary arithmetic: operators + - * / ** and np.add subtract multiply true_divide power
# maximum minimum, with broadcasting
# ---------------------------------------------------------------------------------------

def op_add(x, y):
    return x + y


def op_sub(x, y):
    return x - y


def op_mul(x, y):
    return x * y


def op_div(x, y):
    return x / y


def op_pow(x, y):
    return x ** y


def np_add(x, y):
    return np.add(x, y)


def np_subtract(x, y):
    return np.subtract(x, y)


def np_multiply(x, y):
    return np.multiply(x, y)


def np_true_divide(x, y):
    return np.true_divide(x, y)


def np_divide(x, y):
    return np.divide(x, y)


def np_power(x, y):
    return np.power(x, y)


def np_maximum(x, y):
    return np.maximum(x, y)


def np_minimum(x, y):
    return np.minimum(x, y)


BINARY = [
    (op_add, "any", "any"), (op_sub, "any", "any"), (op_mul, "any", "any"),
    (op_div, "any", "nonzero"), (op_pow, "pos", "any"),
    (np_add, "any", "any"), (np_subtract, "any", "any"), (np_multiply, "any", "any"),
    (np_true_divide, "any", "nonzero"), (np_divide, "any", "nonzero"),
    (np_power, "pos", "any"), (np_maximum, "any", "any"), (np_minimum, "any", "any"),
]

BROADCAST_PAIRS = [
    ("float", "float"),
    ("0d", "0d"),
    ((5,), (5,)),
    ((3, 4), (3, 4)),
    ((3, 1), (1, 4)),        # both sides stretched
    ((3, 4), (4,)),          # leading axis added to y
    ((4,), (3, 4)),          # leading axis added to x
    ((2, 3, 4), (3, 1)),     # added and stretched
    ("float", (3, 4)),       # Python scalar with a matrix
    ((3, 4), "float"),
    ("0d", (3, 4)),          # 0-d array with a matrix
    ((3, 4), "0d"),
    ("float", "0d"),
]


@pytest.mark.parametrize("xs, ys", BROADCAST_PAIRS,
                         ids=[f"{spec_id(a)}-{spec_id(b)}" for a, b in BROADCAST_PAIRS])
@pytest.mark.parametrize("f, xdom, ydom", BINARY, ids=[f.__name__ for f, _, _ in BINARY])
def test_binary_broadcasting(f, xdom, ydom, xs, ys):
    x, y = make(xs, xdom, seed=3), make(ys, ydom, seed=4)
    check_grads(f, (x, y), wrt=(0, 1), modes=MODES)


@pytest.mark.parametrize("wrt", [0, 1])
@pytest.mark.parametrize("f, xdom, ydom", BINARY, ids=[f.__name__ for f, _, _ in BINARY])
def test_binary_one_argument(f, xdom, ydom, wrt):
    """Only one operand differentiated (the other is a constant for the transformation)."""
    x, y = make((3, 1), xdom, seed=5), make((4,), ydom, seed=6)
    check_grads(f, (x, y), wrt=wrt, modes=MODES)


# Operators with literal constants and the same value on both sides.

def c_radd(x):
    return 2.0 + x


def c_rsub(x):
    return 2.0 - x


def c_rmul(x):
    return 3.0 * x


def c_rdiv(x):
    return 1.0 / x


def c_div(x):
    return x / 4.0


def c_pow2(x):
    return x ** 2


def c_pow3f(x):
    return x ** 3.0


def c_pow_half(x):
    return x ** 0.5


def c_pow_neg(x):
    return x ** -1


def c_rpow(x):
    return 2.0 ** x


def c_np_power3(x):
    return np.power(x, 3)


def c_square_self(x):
    return x * x


def c_self_ratio(x):
    return x / (x * x + 1.0)


def c_self_power(x):
    return x ** x


def c_max_const(x):
    return np.maximum(x, 0.25)


def c_min_const(x):
    return np.minimum(0.25, x)


def c_sub_self(x):
    return x - x * 0.5


CONSTANT_CASES = [
    (c_radd, "any"), (c_rsub, "any"), (c_rmul, "any"), (c_rdiv, "nonzero"), (c_div, "any"),
    (c_pow2, "any"), (c_pow3f, "any"), (c_pow_half, "pos"), (c_pow_neg, "nonzero"),
    (c_rpow, "any"), (c_np_power3, "any"), (c_square_self, "any"), (c_self_ratio, "any"),
    (c_self_power, "pos"), (c_max_const, "any"), (c_min_const, "any"), (c_sub_self, "any"),
]


@pytest.mark.parametrize("spec", UNARY_SPECS, ids=spec_id)
@pytest.mark.parametrize("f, domain", CONSTANT_CASES, ids=[f.__name__ for f, _ in CONSTANT_CASES])
def test_operators_with_constants(f, domain, spec):
    check_grads(f, (make(spec, domain, seed=7),), modes=MODES)


# Unary minus and np.negative.

def neg_op(x):
    return -x


def neg_np(x):
    return np.negative(x)


def neg_of_product(x, y):
    return -(x * y)


def neg_then_exp(x, y):
    return np.exp(-x) + np.negative(y)


def pos_op(x):
    return +x


@pytest.mark.parametrize("spec", UNARY_SPECS, ids=spec_id)
@pytest.mark.parametrize("f", [neg_op, neg_np, pos_op], ids=lambda f: f.__name__)
def test_negation(f, spec):
    check_grads(f, (make(spec, seed=8),), modes=MODES)


@pytest.mark.parametrize("xs, ys", [("float", "float"), ((3, 4), (3, 4)), ((3, 1), (1, 4)),
                                    ("float", (3, 4))], ids=lambda s: spec_id(s))
@pytest.mark.parametrize("f", [neg_of_product, neg_then_exp], ids=lambda f: f.__name__)
def test_negation_binary(f, xs, ys):
    check_grads(f, (make(xs, seed=9), make(ys, seed=10)), wrt=(0, 1), modes=MODES)


# ---------------------------------------------------------------------------------------
# Reductions: np.sum / np.mean and the methods x.sum() / x.mean()
# ---------------------------------------------------------------------------------------

def sum_axis(x, axis, keepdims):
    return np.sum(x, axis=axis, keepdims=keepdims)


def mean_axis(x, axis, keepdims):
    return np.mean(x, axis=axis, keepdims=keepdims)


def method_sum_axis(x, axis, keepdims):
    return x.sum(axis=axis, keepdims=keepdims)


def method_mean_axis(x, axis, keepdims):
    return x.mean(axis=axis, keepdims=keepdims)


AXES = [None, 0, 1, -1, (0, 2), (2, 0), (-1, 0), (1,), (0, 1, 2)]


@pytest.mark.parametrize("keepdims", [False, True], ids=["flat", "keepdims"])
@pytest.mark.parametrize("axis", AXES, ids=lambda a: f"axis={a}")
@pytest.mark.parametrize("f", [sum_axis, mean_axis, method_sum_axis, method_mean_axis],
                         ids=lambda f: f.__name__)
def test_reductions_axis_keepdims(f, axis, keepdims):
    x = make((2, 3, 4), seed=11)
    check_grads(f, (x, axis, keepdims), wrt=0, modes=MODES)


# Literal spellings: positional axis, keyword axis, methods without arguments.

def sum_plain(x):
    return np.sum(x)


def mean_plain(x):
    return np.mean(x)


def sum_axis0(x):
    return np.sum(x, axis=0)


def sum_axis_positional(x):
    return np.sum(x, -1)


def sum_tuple_keepdims(x):
    return np.sum(x, axis=(0, 1), keepdims=True)


def mean_axis1_keepdims(x):
    return np.mean(x, axis=-1, keepdims=True)


def mean_axis_positional(x):
    return np.mean(x, 0)


def m_sum(x):
    return x.sum()


def m_sum_axis0(x):
    return x.sum(axis=0)


def m_sum_positional(x):
    return x.sum(-1)


def m_sum_keepdims(x):
    return x.sum(axis=0, keepdims=True)


def m_mean(x):
    return x.mean()


def m_mean_axis0(x):
    return x.mean(axis=0)


def m_mean_positional(x):
    return x.mean(-1)


def m_sum_of_computed(x):
    return (x * x).sum(axis=0)


def m_mean_of_computed(x):
    return np.sin(x).mean()


def mean_of_squares_minus_square_of_mean(x):
    return np.mean(x ** 2) - np.mean(x) ** 2


REDUCTIONS_ANY_RANK = [sum_plain, mean_plain]
REDUCTIONS_ARRAY = [sum_axis0, sum_axis_positional, sum_tuple_keepdims, mean_axis1_keepdims,
                    mean_axis_positional, m_sum, m_sum_axis0, m_sum_positional, m_sum_keepdims,
                    m_mean, m_mean_axis0, m_mean_positional, m_sum_of_computed,
                    m_mean_of_computed, mean_of_squares_minus_square_of_mean]


@pytest.mark.parametrize("spec", ["float", "0d", (5,), (3, 4)], ids=spec_id)
@pytest.mark.parametrize("f", REDUCTIONS_ANY_RANK, ids=lambda f: f.__name__)
def test_reductions_whole(f, spec):
    check_grads(f, (make(spec, seed=12),), modes=MODES)


LITERAL_REDUCTION_CASES = [(f, spec) for f in REDUCTIONS_ARRAY for spec in [(5,), (3, 4), (2, 3, 4)]
                           if not (f is sum_tuple_keepdims and len(spec) < 2)]


@pytest.mark.parametrize("f, spec", LITERAL_REDUCTION_CASES,
                         ids=[f"{f.__name__}-{spec_id(s)}" for f, s in LITERAL_REDUCTION_CASES])
def test_reductions_literal_forms(f, spec):
    check_grads(f, (make(spec, seed=13),), modes=MODES)


# ---------------------------------------------------------------------------------------
# Linear algebra: np.dot, np.matmul, @ and x.dot(y)
# ---------------------------------------------------------------------------------------

def mm_op(x, y):
    return x @ y


def mm_np(x, y):
    return np.matmul(x, y)


def dot_np(x, y):
    return np.dot(x, y)


def dot_method(x, y):
    return x.dot(y)


DOT_PAIRS = [
    ((4,), (4,)),          # inner product
    ((3, 4), (4,)),        # matrix-vector
    ((4,), (4, 5)),        # vector-matrix
    ((3, 4), (4, 5)),      # matrix-matrix
    ((1, 4), (4, 1)),      # degenerate matrices
]

BATCH_PAIRS = [
    ((2, 3, 4), (4, 5)),         # batch on the left
    ((3, 4), (2, 4, 5)),         # batch on the right
    ((2, 3, 4), (2, 4, 5)),      # batch on both
    ((2, 1, 3, 4), (5, 4, 2)),   # broadcast batch dimensions
    ((2, 3, 4), (4,)),           # batched matrix-vector
    ((4,), (2, 4, 5)),           # vector-batched matrix
]


@pytest.mark.parametrize("xs, ys", DOT_PAIRS,
                         ids=[f"{spec_id(a)}-{spec_id(b)}" for a, b in DOT_PAIRS])
@pytest.mark.parametrize("f", [mm_op, mm_np, dot_np, dot_method], ids=lambda f: f.__name__)
def test_dot_matmul_1d_2d(f, xs, ys):
    check_grads(f, (make(xs, seed=14), make(ys, seed=15)), wrt=(0, 1), modes=MODES)


@pytest.mark.parametrize("xs, ys", BATCH_PAIRS,
                         ids=[f"{spec_id(a)}-{spec_id(b)}" for a, b in BATCH_PAIRS])
@pytest.mark.parametrize("f", [mm_op, mm_np], ids=lambda f: f.__name__)
def test_matmul_batched(f, xs, ys):
    check_grads(f, (make(xs, seed=16), make(ys, seed=17)), wrt=(0, 1), modes=MODES)


@pytest.mark.parametrize("xs, ys", [("float", (3, 4)), ((3, 4), "0d"), ("0d", (4,))],
                         ids=["float-3x4", "3x4-0d", "0d-4"])
def test_dot_with_scalar(xs, ys):
    """np.dot allows a scalar operand (it then multiplies)."""
    check_grads(dot_np, (make(xs, seed=18), make(ys, seed=19)), wrt=(0, 1), modes=MODES)


# np.dot differs from matmul once the second operand has more than two dimensions: it
# contracts x's last axis with y's second-to-last and takes an outer product over the rest.
DOT_ND_PAIRS = [((2, 3), (2, 3, 2)), ((3, 4), (2, 4, 5)), ((2, 3, 4), (2, 4, 5))]
DOT_ND_IDS = [f"{spec_id(a)}-{spec_id(b)}" for a, b in DOT_ND_PAIRS]


@pytest.mark.parametrize("xs, ys", [((3,), (2, 3, 4)), ((2, 3, 4), (4, 5)), ((2, 3, 4), (4,))],
                         ids=["3-2x3x4", "2x3x4-4x5", "2x3x4-4"])
def test_dot_nd_matching_matmul(xs, ys):
    """N-d np.dot cases where dot and matmul agree: both modes are right."""
    check_grads(dot_np, (make(xs, seed=60), make(ys, seed=61)), wrt=(0, 1), modes=MODES)


@pytest.mark.parametrize("xs, ys", DOT_ND_PAIRS, ids=DOT_ND_IDS)
def test_dot_nd_forward(xs, ys):
    check_grads(dot_np, (make(xs, seed=62), make(ys, seed=63)), wrt=(0, 1), modes=("forward",))


@pytest.mark.parametrize("xs, ys", DOT_ND_PAIRS, ids=DOT_ND_IDS)
def test_dot_nd_reverse(xs, ys):
    check_grads(dot_np, (make(xs, seed=62), make(ys, seed=63)), wrt=(0, 1), modes=("reverse",))


@pytest.mark.parametrize("wrt", [0, 1])
@pytest.mark.parametrize("f", [mm_op, dot_np], ids=lambda f: f.__name__)
def test_matmul_one_argument(f, wrt):
    check_grads(f, (make((3, 4), seed=20), make((4, 2), seed=21)), wrt=wrt, modes=MODES)


def mlp_layer(w, x, b):
    return np.sum(np.tanh(w @ x + b) ** 2)


def quadratic_form(a, v):
    return np.dot(v, np.dot(a, v))


def test_linalg_composites():
    check_grads(mlp_layer, (make((3, 4), seed=22), make((4, 2), seed=23), make((3, 1), seed=24)),
                wrt=(0, 1, 2), modes=MODES)
    check_grads(quadratic_form, (make((4, 4), seed=25), make((4,), seed=26)), wrt=(0, 1),
                modes=MODES)


# ---------------------------------------------------------------------------------------
# Shape: np.transpose, x.T, x.transpose(...), np.reshape, x.reshape(...)
# ---------------------------------------------------------------------------------------

def tr_np(x):
    return np.transpose(x)


def tr_np_axes_positional(x):
    return np.transpose(x, (1, 0, 2))


def tr_np_axes_keyword(x):
    return np.transpose(x, axes=(2, 0, 1))


def tr_np_axes_list(x):
    return np.transpose(x, [1, 2, 0])


def tr_np_negative_axes(x):
    return np.transpose(x, (-1, 0, 1))


def tr_T(x):
    return x.T


def tr_T_of_computed(x):
    return (x * 2.0).T


def tr_method_none(x):
    return x.transpose()


def tr_method_1_0(x):
    return x.transpose(1, 0)


def tr_method_tuple(x):
    return x.transpose((1, 0))


def tr_method_3d(x):
    return x.transpose(2, 0, 1)


def tr_method_negative(x):
    return x.transpose(-1, 0, 1)


TRANSPOSE_CASES = [
    (tr_np, (5,)), (tr_np, (3, 4)), (tr_np, (2, 3, 4)),
    (tr_np_axes_positional, (2, 3, 4)), (tr_np_axes_keyword, (2, 3, 4)),
    (tr_np_axes_list, (2, 3, 4)),
    (tr_T, (5,)), (tr_T, (3, 4)), (tr_T, (2, 3, 4)), (tr_T_of_computed, (3, 4)),
    (tr_method_none, (3, 4)), (tr_method_none, (2, 3, 4)), (tr_method_1_0, (3, 4)),
    (tr_method_tuple, (3, 4)), (tr_method_3d, (2, 3, 4)),
]

NEGATIVE_AXES_CASES = [(tr_np_negative_axes, (2, 3, 4)), (tr_method_negative, (2, 3, 4))]


@pytest.mark.parametrize("f, spec", TRANSPOSE_CASES,
                         ids=[f"{f.__name__}-{spec_id(s)}" for f, s in TRANSPOSE_CASES])
def test_transpose(f, spec):
    check_grads(f, (make(spec, seed=27),), modes=MODES)


@pytest.mark.parametrize("f, spec", NEGATIVE_AXES_CASES,
                         ids=[f"{f.__name__}-{spec_id(s)}" for f, s in NEGATIVE_AXES_CASES])
def test_transpose_negative_axes(f, spec):
    check_grads(f, (make(spec, seed=28),), modes=MODES)


def rs_np(x):
    return np.reshape(x, (2, 3))


def rs_np_flat(x):
    return np.reshape(x, -1)


def rs_np_infer(x):
    return np.reshape(x, (3, -1))


def rs_np_keyword(x):
    return np.reshape(x, shape=(1, 6))


def rs_np_order_f(x):
    return np.reshape(x, (3, 2), order="F")


def rs_method_args(x):
    return x.reshape(2, 3)


def rs_method_tuple(x):
    return x.reshape((2, 3))


def rs_method_flat(x):
    return x.reshape(-1)


def rs_method_order_f(x):
    return x.reshape(3, 2, order="F")


def rs_then_matmul(x, y):
    return x.reshape(2, 3) @ np.reshape(y, (3, 2))


RESHAPE_CASES = [rs_np, rs_np_flat, rs_np_infer, rs_np_keyword, rs_np_order_f, rs_method_args,
                 rs_method_tuple, rs_method_flat, rs_method_order_f]


@pytest.mark.parametrize("spec", [(6,), (2, 3), (3, 2), (1, 6, 1)], ids=spec_id)
@pytest.mark.parametrize("f", RESHAPE_CASES, ids=lambda f: f.__name__)
def test_reshape(f, spec):
    check_grads(f, (make(spec, seed=29),), modes=MODES)


def test_reshape_composite():
    check_grads(rs_then_matmul, (make((6,), seed=30), make((2, 3), seed=31)), wrt=(0, 1),
                modes=MODES)


# ---------------------------------------------------------------------------------------
# Non-differentiable constructors: np.zeros, np.zeros_like, np.ones_like contribute zero
# ---------------------------------------------------------------------------------------

def nd_plus_zeros_like(x):
    return x + np.zeros_like(x)


def nd_times_ones_like(x):
    return x * np.ones_like(x)


def nd_zeros_of_shape(x):
    return np.zeros(np.shape(x)) + 2.0 * x


def nd_zeros_literal(x):
    return np.zeros(3) + x


def nd_zeros_like_of_computed(x):
    return np.zeros_like(np.sin(x)) + np.cos(x)


def nd_ones_like_of_computed(x):
    return np.ones_like(x * x) * np.exp(x)


def nd_only_zeros_like(x):
    return np.sum(np.zeros_like(x))


def nd_only_ones_like(x):
    return np.sum(np.ones_like(x) * 3.0)


NONDIFF_CASES = [nd_plus_zeros_like, nd_times_ones_like, nd_zeros_of_shape,
                 nd_zeros_like_of_computed, nd_ones_like_of_computed]


@pytest.mark.parametrize("spec", ["0d", (3,), (2, 3)], ids=spec_id)
@pytest.mark.parametrize("f", NONDIFF_CASES, ids=lambda f: f.__name__)
def test_nondifferentiable_constructors(f, spec):
    check_grads(f, (make(spec, seed=32),), modes=MODES)


def test_np_zeros_literal_shape():
    check_grads(nd_zeros_literal, (make((3,), seed=33),), modes=MODES)
    check_grads(nd_zeros_literal, (make((2, 3), seed=33),), modes=MODES)


@pytest.mark.parametrize("f", [nd_only_zeros_like, nd_only_ones_like], ids=lambda f: f.__name__)
def test_constant_output_has_zero_derivative(f):
    x = make((2, 3), seed=34)
    check_grads(f, (x,), modes=MODES)
    g = srcad.grad(f)(x)
    assert np.shape(g) == x.shape
    np.testing.assert_array_equal(g, np.zeros_like(x))
    _, tangent = srcad.jvp(f)(x, np.ones_like(x))
    assert np.all(np.asarray(tangent) == 0)


# ---------------------------------------------------------------------------------------
# The math module on Python floats
# ---------------------------------------------------------------------------------------

def m_sin(x):
    return math.sin(x)


def m_cos(x):
    return math.cos(x)


def m_tan(x):
    return math.tan(x)


def m_exp(x):
    return math.exp(x)


def m_log(x):
    return math.log(x)


def m_sqrt(x):
    return math.sqrt(x)


def m_tanh(x):
    return math.tanh(x)


def m_fabs(x):
    return math.fabs(x)


MATH_CASES = [
    (m_sin, [-1.3, 0.4, 2.5]), (m_cos, [-1.3, 0.4, 2.5]), (m_tan, [-1.1, 0.2, 0.9]),
    (m_exp, [-1.5, 0.0, 1.2]), (m_log, [0.3, 1.0, 4.2]), (m_sqrt, [0.3, 1.0, 4.2]),
    (m_tanh, [-1.5, 0.1, 2.0]), (m_fabs, [-1.7, -0.2, 0.6, 3.0]),
]


@pytest.mark.parametrize("f, points", MATH_CASES, ids=[f.__name__ for f, _ in MATH_CASES])
def test_math_module(f, points):
    for point in points:
        check_grads(f, (point,), modes=MODES)
        g = srcad.grad(f)(point)
        assert isinstance(g, float) and np.ndim(g) == 0


def m_two_args(x, y):
    return math.sin(x) * math.exp(y) + math.sqrt(x * x + y * y) - math.tanh(x / y)


def m_mixed_chain(x, y):
    return math.log(math.fabs(x) + 1.0) * math.cos(y) + math.tan(x * 0.5) ** 2 - y


def test_math_module_composites():
    check_grads(m_two_args, (0.7, -1.3), wrt=(0, 1), modes=MODES)
    check_grads(m_mixed_chain, (-0.8, 0.4), wrt=(0, 1), modes=MODES)


# ---------------------------------------------------------------------------------------
# Closed forms
# ---------------------------------------------------------------------------------------

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


def sum_matmul(a, b):
    return np.sum(a @ b)


def ratio(x, y):
    return np.sum(x / y)


def cube(x):
    return x ** 3


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
    (sum_sin, "any", np.cos),
    (sum_cos, "any", lambda x: -np.sin(x)),
    (sum_tan, "small", lambda x: 1 / np.cos(x) ** 2),
    (sum_exp, "any", np.exp),
    (sum_log, "pos", lambda x: 1 / x),
    (sum_sqrt, "pos", lambda x: 0.5 / np.sqrt(x)),
    (sum_tanh, "any", lambda x: 1 / np.cosh(x) ** 2),
    (sum_abs, "nonzero", np.sign),
    (mean_plain, "any", lambda x: np.full_like(x, 1 / x.size)),
    (m_sum_keepdims, "any", np.ones_like),
]


@pytest.mark.parametrize("f, domain, derivative", CLOSED_FORMS,
                         ids=[f.__name__ for f, _, _ in CLOSED_FORMS])
def test_closed_form_gradients(f, domain, derivative):
    x = make((3, 4), domain, seed=42)
    if f is m_sum_keepdims:
        t = make((3, 4), seed=43)
        _, got = srcad.vjp(f)(x, np.ones((1, 4)))
        np.testing.assert_array_equal(got, np.ones_like(x))
        _, tangent = srcad.jvp(f)(x, t)
        np.testing.assert_allclose(tangent, np.sum(t, axis=0, keepdims=True), rtol=1e-14)
        return
    np.testing.assert_allclose(srcad.grad(f)(x), derivative(x), rtol=1e-13, atol=1e-15)
    t = make((3, 4), seed=43)
    _, tangent = srcad.jvp(f)(x, t)
    np.testing.assert_allclose(tangent, np.sum(derivative(x) * t), rtol=1e-12)


def test_closed_form_matmul():
    a, b = make((3, 4), seed=44), make((4, 2), seed=45)
    ga, gb = srcad.grad(sum_matmul, wrt=(0, 1))(a, b)
    np.testing.assert_allclose(ga, np.ones((3, 2)) @ b.T, rtol=1e-14)
    np.testing.assert_allclose(gb, a.T @ np.ones((3, 2)), rtol=1e-14)
    v, w = make((4,), seed=46), make((4,), seed=47)
    gv, gw = srcad.grad(dot_np, wrt=(0, 1))(v, w)
    np.testing.assert_array_equal(gv, w)
    np.testing.assert_array_equal(gw, v)
    m = make((4, 4), seed=48)
    np.testing.assert_allclose(srcad.grad(quadratic_form, wrt=1)(m, v), (m + m.T) @ v,
                               rtol=1e-13)


def test_closed_form_division_and_broadcasting():
    x, y = make((3, 4), seed=49), make((4,), "nonzero", seed=50)
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


def pow_sum(x, y):
    return np.sum(x ** y)


def test_power_zero_base_derivative_wrt_base():
    x, y = np.array([0.0, 1.0, 2.0]), np.array([2.0, 3.0, 0.5])
    np.testing.assert_allclose(srcad.grad(pow_sum)(x, y), [0.0, 3.0, 0.5 / np.sqrt(2.0)],
                               rtol=1e-15)


@pytest.mark.xfail(strict=True, reason=(
    "BUG (not fixed): d(x ** y)/dy at x == 0 is nan (x ** y * log(0) = 0 * -inf) instead of 0 "
    "(for y > 0, 0 ** y is constant 0); JAX and autograd replace log(0) by 0. A fix in the "
    "power template needs np.where or ==, which have no derivative rules, so it would break "
    "second-order differentiation of power."))
def test_power_zero_base_derivative_wrt_exponent():
    x, y = np.array([0.0, 1.0, 2.0]), np.array([2.0, 3.0, 0.5])
    with np.errstate(divide="ignore", invalid="ignore"):
        _, gy = srcad.grad(pow_sum, wrt=(0, 1))(x, y)
        _, tangent = srcad.jvp(pow_sum, wrt=1)(x, y, np.array([1.0, 0.0, 0.0]))
    np.testing.assert_allclose(gy, [0.0, 0.0, np.sqrt(2.0) * np.log(2.0)], rtol=1e-15)
    assert tangent == 0.0


def test_abs_derivative_at_zero_is_zero_in_numpy_and_math():
    """srcad's convention: d|x|/dx at 0 is sign(0) = 0, the same for np.abs and math.fabs."""
    assert srcad.grad(m_fabs)(0.0) == 0.0
    np.testing.assert_array_equal(srcad.grad(sum_abs)(np.array([-1.0, 0.0, 2.0])),
                                  [-1.0, 0.0, 1.0])


# ---------------------------------------------------------------------------------------
# Ties in np.maximum / np.minimum: the derivative is split 0.5 / 0.5 (JAX's convention)
# ---------------------------------------------------------------------------------------

def sum_maximum(x, y):
    return np.sum(np.maximum(x, y))


def sum_minimum(x, y):
    return np.sum(np.minimum(x, y))


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
    dx = wins_x + 0.5 * tie
    dy = wins_y + 0.5 * tie
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
    # Forward mode: J·t == gx·tx + gy·ty, here checked with one-hot and random tangents.
    rng = np.random.default_rng(51)
    tx, ty = rng.standard_normal(x.shape), rng.standard_normal(y.shape)
    _, tangent = srcad.jvp(f, wrt=(0, 1))(x, y, tx, ty)
    np.testing.assert_allclose(tangent, np.sum(dx * tx) + np.sum(dy * ty), rtol=1e-14)
    _, tangent_x = srcad.jvp(f, wrt=0)(x, y, np.ones_like(x))
    np.testing.assert_allclose(tangent_x, np.sum(dx), rtol=1e-14)


@pytest.mark.parametrize("f", [np_maximum, np_minimum], ids=lambda f: f.__name__)
def test_ties_elementwise_jvp_and_vjp(f):
    x = np.array([1.0, 2.0, 3.0])
    y = np.array([1.0, 5.0, 0.0])
    _, tx = srcad.jvp(f, wrt=0)(x, y, np.ones(3))
    _, ty = srcad.jvp(f, wrt=1)(x, y, np.ones(3))
    if f is np_maximum:
        np.testing.assert_array_equal(tx, [0.5, 0.0, 1.0])
        np.testing.assert_array_equal(ty, [0.5, 1.0, 0.0])
    else:
        np.testing.assert_array_equal(tx, [0.5, 1.0, 0.0])
        np.testing.assert_array_equal(ty, [0.5, 0.0, 1.0])
    _, (gx, gy) = srcad.vjp(f, wrt=(0, 1))(x, y, np.ones(3))
    np.testing.assert_array_equal(gx, tx)
    np.testing.assert_array_equal(gy, ty)


def test_ties_python_floats():
    assert srcad.grad(np_maximum, wrt=(0, 1))(2.0, 2.0) == (0.5, 0.5)
    assert srcad.grad(np_minimum, wrt=(0, 1))(-1.0, -1.0) == (0.5, 0.5)
    assert srcad.grad(np_maximum, wrt=(0, 1))(3.0, 2.0) == (1.0, 0.0)


def test_tie_with_constant_relu():
    x = np.array([-1.0, 0.0, 2.0])
    np.testing.assert_array_equal(srcad.grad(relu_sum)(x), [0.0, 0.5, 1.0])


@pytest.mark.parametrize("f", [max_self, min_self], ids=lambda f: f.__name__)
def test_tie_with_itself_is_identity(f):
    """max(x, x) == x, and the two halves add up to a derivative of 1."""
    x = make((4,), seed=52)
    np.testing.assert_array_equal(srcad.grad(f)(x), np.ones(4))
    _, tangent = srcad.jvp(f)(x, np.arange(4.0))
    assert tangent == 6.0


# ---------------------------------------------------------------------------------------
# float32 in, float32 out
# ---------------------------------------------------------------------------------------

def s32_sin(x):
    return np.sum(np.sin(x))


def s32_cos(x):
    return np.sum(np.cos(x))


def s32_tan(x):
    return np.sum(np.tan(x))


def s32_exp(x):
    return np.sum(np.exp(x))


def s32_log(x):
    return np.sum(np.log(x))


def s32_sqrt(x):
    return np.sum(np.sqrt(x))


def s32_tanh(x):
    return np.sum(np.tanh(x))


def s32_abs(x):
    return np.sum(np.abs(x))


def s32_neg(x):
    return np.sum(-x + np.negative(x))


def s32_arith_consts(x):
    return np.sum(2.0 * x + x / 3.0 - 1.5 ** x + x ** 2 - 0.5 - x)


def s32_max_min(x):
    return np.sum(np.maximum(x, 0.1) + np.minimum(0.2, x))


def s32_sum(x):
    return np.sum(x)


def s32_mean(x):
    return np.mean(x)


def s32_sum_axis_keepdims(x):
    return np.sum(np.sum(x, axis=0, keepdims=True))


def s32_mean_axis(x):
    return np.sum(np.mean(x, axis=1))


def s32_method_sum(x):
    return x.sum(axis=0).sum()


def s32_method_mean(x):
    return x.mean()


def s32_mean_tuple(x):
    return np.mean(np.mean(x, axis=(0, 1), keepdims=True))


def s32_matmul_shape(x):
    return np.sum(x @ x.T) + np.sum(np.transpose(x).reshape(2, 3) * x.T.T)


FLOAT32_CASES = [
    (s32_sin, "any"), (s32_cos, "any"), (s32_tan, "small"), (s32_exp, "any"), (s32_log, "pos"),
    (s32_sqrt, "pos"), (s32_tanh, "any"), (s32_abs, "nonzero"), (s32_neg, "any"),
    (s32_arith_consts, "any"), (s32_max_min, "any"), (s32_sum, "any"), (s32_mean, "any"),
    (s32_sum_axis_keepdims, "any"), (s32_mean_axis, "any"), (s32_method_sum, "any"),
    (s32_method_mean, "any"), (s32_mean_tuple, "any"), (s32_matmul_shape, "any"),
]


@pytest.mark.parametrize("f, domain", FLOAT32_CASES, ids=[f.__name__ for f, _ in FLOAT32_CASES])
def test_float32_preserved(f, domain):
    x32 = make((2, 3), domain, seed=53, dtype=np.float32)
    g = srcad.grad(f)(x32)
    assert g.dtype == np.float32, f"grad dtype {g.dtype}"
    assert g.shape == x32.shape
    # The float32 gradient agrees with the float64 one to float32 precision.
    g64 = srcad.grad(f)(x32.astype(np.float64))
    np.testing.assert_allclose(g, g64, rtol=1e-5, atol=1e-6)
    # Forward mode keeps float32 as well.
    _, tangent = srcad.jvp(f)(x32, np.ones_like(x32))
    assert np.asarray(tangent).dtype == np.float32, f"jvp dtype {np.asarray(tangent).dtype}"


def f32_pair(x, y):
    return np.sum(x * y + x / y - np.maximum(x, y) + np.power(x, 2) + (x - y) ** 2)


def test_float32_binary_broadcasting():
    x32 = make((3, 1), "pos", seed=54, dtype=np.float32)
    y32 = make((4,), "pos", seed=55, dtype=np.float32)
    gx, gy = srcad.grad(f32_pair, wrt=(0, 1))(x32, y32)
    assert (gx.dtype, gy.dtype) == (np.float32, np.float32)
    assert (gx.shape, gy.shape) == (x32.shape, y32.shape)


def s32_rpow_literal(x):
    return np.sum(1.5 ** x)


def s32_pow_base_argument(x, base):
    return np.sum(base ** x)


def s32_np_power_base_argument(x, base):
    return np.sum(np.power(base, x))


@pytest.mark.parametrize("base", [1.5, 2], ids=["float_base", "int_base"])
@pytest.mark.parametrize("f", [s32_pow_base_argument, s32_np_power_base_argument],
                         ids=lambda f: f.__name__)
def test_float32_power_with_python_scalar_base(f, base):
    """d(b ** x)/dx = b ** x * log(b): log of a Python scalar must not promote to float64."""
    x32 = make((2, 3), seed=57, dtype=np.float32)
    g = srcad.grad(f)(x32, base)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, base ** x32 * np.log(base), rtol=1e-6)
    _, tangent = srcad.jvp(f)(x32, base, np.ones_like(x32))
    assert np.asarray(tangent).dtype == np.float32
    check_grads(f, (x32.astype(np.float64), base), modes=MODES)


def test_float32_power_with_literal_base():
    x32 = make((2, 3), seed=58, dtype=np.float32)
    g = srcad.grad(s32_rpow_literal)(x32)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 1.5 ** x32 * np.log(1.5), rtol=1e-6)


def test_float32_elementwise_vjp_keeps_dtype():
    x32 = make((5,), "pos", seed=56, dtype=np.float32)
    for f in (np_sin, np_cos, np_exp, np_log, np_sqrt, np_tanh, np_abs, neg_op):
        _, pulled = srcad.vjp(f)(x32, np.ones(5, dtype=np.float32))
        assert pulled.dtype == np.float32, f.__name__


# ---------------------------------------------------------------------------------------
# Every callable of the starter set has a rule (so the cases above really test rules)
# ---------------------------------------------------------------------------------------

STARTER = [
    np.sin, np.cos, np.tan, np.exp, np.log, np.sqrt, np.tanh, np.abs,
    np.add, np.subtract, np.multiply, np.true_divide, np.power, np.maximum, np.minimum,
    np.negative, np.sum, np.mean, np.ndarray.sum, np.ndarray.mean, np.dot, np.matmul,
    np.ndarray.dot, np.transpose, np.ndarray.transpose, np.ndarray.T, np.reshape,
    np.ndarray.reshape, math.sin, math.cos, math.tan, math.exp, math.log, math.sqrt,
    math.tanh, math.fabs, operator.add, operator.sub, operator.mul, operator.truediv,
    operator.pow, operator.matmul, operator.neg, abs,
]


@pytest.mark.parametrize("fn", STARTER, ids=lambda fn: getattr(fn, "__name__", repr(fn)))
def test_starter_rule_registered(fn):
    rule = srcad.rules.lookup(fn)
    assert rule is not None and rule.differentiable
    assert rule.vjps and rule.jvps


@pytest.mark.parametrize("fn", [np.zeros, np.zeros_like, np.ones_like],
                         ids=lambda fn: fn.__name__)
def test_constructors_registered_nondifferentiable(fn):
    rule = srcad.rules.lookup(fn)
    assert rule is not None and not rule.differentiable
