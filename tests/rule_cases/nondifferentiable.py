"""Rule cases for callables declared non-differentiable in srcad/rules/elementwise.py,
reductions.py and pymath.py: rounding, floor division, boolean reductions, bool and
isinstance, their Python-scalar counterparts, and heaviside (zero in its first argument).

A case with differentiable=False checks that the value passes through unchanged and that
both modes give a derivative of exactly zero. The differentiable cases below use a rounded
value as a constant inside a differentiable expression (away from the jumps).
"""
import math
import operator

import numpy as np

from . import RuleCase, uniform


def np_floor(x):
    return np.floor(x)


def np_ceil(x):
    return np.ceil(x)


def np_round(x):
    return np.round(x, 1)


def np_around(x):
    return np.around(x)


def np_rint(x):
    return np.rint(x)


def np_trunc(x):
    return np.trunc(x)


def np_fix(x):
    return np.fix(x)


def np_heaviside(x):
    return np.heaviside(x, 0.5)


def np_heaviside_both(x, y):
    return np.heaviside(x, y)


def method_round(x):
    return x.round(2)


def np_floor_divide(x, y):
    return np.floor_divide(x, y)


def op_floordiv(x, y):
    return x // y


def np_signbit(x):
    return np.signbit(x)


def np_all(x):
    return np.all(x > 0.0)


def np_any(x):
    return np.any(x > 1.0, axis=0)


def method_all(x):
    return (x < 2.0).all()


def method_any(x):
    return (x * x).any(axis=-1)


def m_floor(x):
    return math.floor(x)


def m_ceil(x):
    return math.ceil(x)


def m_trunc(x):
    return math.trunc(x)


def b_round(x):
    return round(x)


def b_round_digits(x):
    return round(x, 2)


def b_int(x):
    return int(x)


def m_isnan(x):
    return math.isnan(x)


def m_isinf(x):
    return math.isinf(x)


def m_isfinite(x):
    return math.isfinite(x)


def b_bool(x):
    return bool(x)


def b_isinstance(x):
    return isinstance(x, float)


ARRAY_UNARY = [
    (np.floor, np_floor), (np.ceil, np_ceil), (np.round, np_round), (np.around, np_around),
    (np.rint, np_rint), (np.trunc, np_trunc), (np.fix, np_fix), (np.heaviside, np_heaviside),
    (np.ndarray.round, method_round), (np.signbit, np_signbit), (np.all, np_all),
    (np.any, np_any), (np.ndarray.all, method_all), (np.ndarray.any, method_any),
]
SCALAR_UNARY = [
    (math.floor, m_floor), (math.ceil, m_ceil), (math.trunc, m_trunc), (round, b_round),
    (round, b_round_digits), (int, b_int), (math.isnan, m_isnan), (math.isinf, m_isinf),
    (math.isfinite, m_isfinite), (bool, b_bool), (isinstance, b_isinstance),
]

CASES = []
for _fn, _f in ARRAY_UNARY:
    for _shape in [(), (5,), (3, 4)]:
        CASES.append(RuleCase((_fn,), _f, (uniform(_shape, -3.0, 3.0, seed=1),),
                              name="x".join(map(str, _shape)) or "0d", differentiable=False))
for _fn, _f in SCALAR_UNARY:
    for _point in (-2.3, 0.7):
        CASES.append(RuleCase((_fn,), _f, (_point,), name=f"at={_point}", differentiable=False))
for _fn, _f in [(np.heaviside, np_heaviside_both), (np.floor_divide, np_floor_divide),
                (operator.floordiv, op_floordiv)]:
    CASES += [
        RuleCase((_fn,), _f, (uniform((3, 4), -3.0, 3.0, seed=2), uniform((4,), 0.5, 2.0, seed=3)),
                 wrt=(0, 1), name="broadcast", differentiable=False),
        RuleCase((_fn,), _f, (-2.3, 0.7), wrt=(0, 1), name="floats", differentiable=False),
    ]


# heaviside(x1, x2) is x2 where x1 == 0: differentiable in x2 (one there, zero elsewhere).

def heaviside_at_zero(x2):
    return np.heaviside(np.array([[0.0, 1.5], [-2.0, 0.0]]), x2) * x2


# Rounded values used as constants in differentiable expressions.

def floor_times_x(x):
    return np.floor(x) * x + np.ceil(x * 2.0) * np.sin(x)


def fractional_part(x):
    return x - np.trunc(x) + np.rint(x) * x ** 2


def floordiv_offset(x, y):
    return x - (x // y) * y


def math_floor_times_x(x):
    return math.floor(x) * x + round(x) * math.sin(x)


CASES += [
    RuleCase((np.heaviside,), heaviside_at_zero, (uniform((2, 2), seed=8),), name="x2"),
    RuleCase((np.heaviside,), heaviside_at_zero, (uniform((2,), seed=9),), name="x2-broadcast"),
    RuleCase((np.floor, np.ceil), floor_times_x, (uniform((3, 4), -3.0, 3.0, seed=4),)),
    RuleCase((np.trunc, np.rint), fractional_part, (uniform((3, 4), -3.0, 3.0, seed=5),)),
    RuleCase((operator.floordiv,), floordiv_offset,
             (uniform((3, 4), -3.0, 3.0, seed=6), uniform((4,), 0.5, 2.0, seed=7)), wrt=(0, 1)),
    RuleCase((math.floor, round), math_floor_times_x, (2.3,)),
]


# ---------------------------------------------------------------------------------------
# Comparisons, logic and dtype queries (registered in srcad/rules/shape.py): boolean or
# structural results that carry no derivative
# ---------------------------------------------------------------------------------------

def op_lt(x, y):
    return x < y


def op_le(x, y):
    return x <= y


def op_gt(x, y):
    return x > y


def op_ge(x, y):
    return x >= y


def op_eq(x, y):
    return x == y


def op_ne(x, y):
    return x != y


def op_not(x):
    return not x


def op_is(x):
    return x is None


def op_is_not(x):
    return x is not None


def op_contains(x):
    return 0.5 in x


def op_invert(x):
    return ~(x > 0.0)


def np_less(x, y):
    return np.less(x, y)


def np_less_equal(x, y):
    return np.less_equal(x, y)


def np_greater(x, y):
    return np.greater(x, y)


def np_greater_equal(x, y):
    return np.greater_equal(x, y)


def np_equal(x, y):
    return np.equal(x, y)


def np_not_equal(x, y):
    return np.not_equal(x, y)


def np_logical_and(x, y):
    return np.logical_and(x > 0.0, y > 0.0)


def np_logical_or(x, y):
    return np.logical_or(x > 0.0, y < 0.0)


def np_logical_not(x):
    return np.logical_not(x > 0.0)


def zeros_of_dtype(x):
    return np.zeros(np.shape(x), x.dtype) + x * 2.0


for _fn, _f in [(operator.lt, op_lt), (operator.le, op_le), (operator.gt, op_gt),
                (operator.ge, op_ge), (operator.eq, op_eq), (operator.ne, op_ne),
                (np.less, np_less), (np.less_equal, np_less_equal), (np.greater, np_greater),
                (np.greater_equal, np_greater_equal), (np.equal, np_equal),
                (np.not_equal, np_not_equal), (np.logical_and, np_logical_and),
                (np.logical_or, np_logical_or)]:
    CASES += [
        RuleCase((_fn,), _f, (uniform((3, 4), seed=8), uniform((4,), seed=9)), wrt=(0, 1),
                 name="broadcast", differentiable=False),
        RuleCase((_fn,), _f, (0.5, 0.5), wrt=(0, 1), name="floats", differentiable=False),
    ]
for _fn, _f, _x in [(operator.not_, op_not, 0.5), (operator.is_, op_is, 0.5),
                    (operator.is_not, op_is_not, 0.5), (operator.contains, op_contains, uniform((4,), seed=10)),
                    (operator.invert, op_invert, uniform((3, 4), seed=11)),
                    (np.logical_not, np_logical_not, uniform((3, 4), seed=12))]:
    CASES.append(RuleCase((_fn,), _f, (_x,), differentiable=False))
CASES.append(RuleCase((np.ndarray.dtype,), zeros_of_dtype, (uniform((3, 4), seed=13),)))


# -- array namespaces (srcad/rules/array_api.py): xp.<name> takes np.<name>'s rule ---------

def namespace_of_array(x):
    xp = x.__array_namespace__()
    return xp.sin(x) * xp.acos(x / 4)


CASES += [RuleCase((np.ndarray.__array_namespace__, np.sin, np.arccos), namespace_of_array,
                   (uniform((3, 2), seed=11),))]

try:
    import array_api_compat
except ImportError:   # the [arrays] extra is not installed: its rule is not registered either
    array_api_compat = None


def compat_namespace(x):
    xp = array_api_compat.array_namespace(x)
    return xp.sum(xp.exp(x) * x, axis=0)


if array_api_compat is not None:
    CASES += [RuleCase((array_api_compat.array_namespace, np.sum, np.exp), compat_namespace,
                       (uniform((3, 2), seed=12),))]
