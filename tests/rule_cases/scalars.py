"""Rule cases for Python scalars (srcad/rules/pymath.py): the math module and the builtins
abs, float, pow, max, min, sum and sorted.

Math functions run on Python floats at several points of their domain (and a few on 0-d
arrays). Cases whose ``extra["needs"]`` is set use an engine contract that may not have
landed yet: "vararg" (a ``*args`` rule instantiated once per argument, builtin max(a, b, c))
and "list" (a list or tuple of values as one argument, builtin sum([a, b, c])).
"""
import math

import numpy as np

from . import RuleCase, uniform

VARARG = {"needs": "vararg"}
LIST = {"needs": "list"}
SEQ = {"needs": "sequence"}


def m_sin(x):
    return math.sin(x)


def m_cos(x):
    return math.cos(x)


def m_tan(x):
    return math.tan(x)


def m_asin(x):
    return math.asin(x)


def m_acos(x):
    return math.acos(x)


def m_atan(x):
    return math.atan(x)


def m_sinh(x):
    return math.sinh(x)


def m_cosh(x):
    return math.cosh(x)


def m_tanh(x):
    return math.tanh(x)


def m_asinh(x):
    return math.asinh(x)


def m_acosh(x):
    return math.acosh(x)


def m_atanh(x):
    return math.atanh(x)


def m_exp(x):
    return math.exp(x)


def m_expm1(x):
    return math.expm1(x)


def m_log(x):
    return math.log(x)


def m_log2(x):
    return math.log2(x)


def m_log10(x):
    return math.log10(x)


def m_log1p(x):
    return math.log1p(x)


def m_sqrt(x):
    return math.sqrt(x)


def m_erf(x):
    return math.erf(x)


def m_erfc(x):
    return math.erfc(x)


def m_gamma(x):
    return math.gamma(x)


def m_lgamma(x):
    return math.lgamma(x)


def m_fabs(x):
    return math.fabs(x)


def m_degrees(x):
    return math.degrees(x)


def m_radians(x):
    return math.radians(x)


def m_exp2(x):
    return math.exp2(x)


def m_cbrt(x):
    return math.cbrt(x)


def b_abs(x):
    return abs(x)


def b_float(x):
    return float(x) * 2.0


MATH = [
    (math.sin, m_sin, [-1.3, 0.4, 2.5]), (math.cos, m_cos, [-1.3, 0.4, 2.5]),
    (math.tan, m_tan, [-1.1, 0.2, 0.9]), (math.asin, m_asin, [-0.8, 0.1, 0.6]),
    (math.acos, m_acos, [-0.8, 0.1, 0.6]), (math.atan, m_atan, [-2.0, 0.3, 5.0]),
    (math.sinh, m_sinh, [-1.5, 0.2, 2.0]), (math.cosh, m_cosh, [-1.5, 0.2, 2.0]),
    (math.tanh, m_tanh, [-1.5, 0.1, 2.0]), (math.asinh, m_asinh, [-1.5, 0.2, 3.0]),
    (math.acosh, m_acosh, [1.2, 2.0, 5.0]), (math.atanh, m_atanh, [-0.8, 0.1, 0.6]),
    (math.exp, m_exp, [-1.5, 0.0, 1.2]), (math.expm1, m_expm1, [-1.5, 1e-3, 1.2]),
    (math.log, m_log, [0.3, 1.0, 4.2]), (math.log2, m_log2, [0.3, 1.0, 4.2]),
    (math.log10, m_log10, [0.3, 1.0, 4.2]), (math.log1p, m_log1p, [-0.5, 0.0, 3.0]),
    (math.sqrt, m_sqrt, [0.3, 1.0, 4.2]), (math.erf, m_erf, [-1.2, 0.0, 0.7]),
    (math.erfc, m_erfc, [-1.2, 0.0, 0.7]), (math.gamma, m_gamma, [0.7, 2.5, 4.2, -1.5]),
    (math.lgamma, m_lgamma, [0.7, 2.5, 14.0, -1.5]), (math.fabs, m_fabs, [-1.7, -0.2, 0.6, 3.0]),
    (math.degrees, m_degrees, [-1.0, 0.5]), (math.radians, m_radians, [-90.0, 30.0]),
    (abs, b_abs, [-1.7, 0.6]),
]
if hasattr(math, "exp2"):
    MATH.append((math.exp2, m_exp2, [-1.5, 0.0, 2.2]))
if hasattr(math, "cbrt"):
    MATH.append((math.cbrt, m_cbrt, [-2.0, 0.5, 8.0]))

CASES = []
for _fn, _f, _points in MATH:
    for _point in _points:
        CASES.append(RuleCase((_fn,), _f, (_point,), name=f"at={_point}"))
# math functions take 0-d arrays too (and return Python floats).
for _fn, _f, _point in [(math.sin, m_sin, 0.4), (math.exp, m_exp, 0.3), (math.log, m_log, 1.7),
                        (math.gamma, m_gamma, 2.5)]:
    CASES.append(RuleCase((_fn,), _f, (np.array(_point),), name="0d"))
for _shape in [(), (5,), (3, 4)]:
    CASES.append(RuleCase((abs,), b_abs, (uniform(_shape, 0.3, 1.5, seed=1) * np.array(-1.0),),
                          name="x".join(map(str, _shape)) or "0d"))
CASES += [RuleCase((float,), b_float, (np.array(0.7),), name="0d"),
          RuleCase((float,), b_float, (0.7,), name="float")]


# Two-argument math functions.

def m_log_base(x, base):
    return math.log(x, base)


def m_log_base_literal(x):
    return math.log(x, 2.0) + math.log(x, 10)


def m_pow(x, y):
    return math.pow(x, y)


def m_pow_literal(x):
    return math.pow(x, 3) + math.pow(2.0, x)


def m_hypot(x, y):
    return math.hypot(x, y)


def m_atan2(y, x):
    return math.atan2(y, x)


def m_copysign(x, y):
    return math.copysign(x, y)


def b_pow(x, y):
    return pow(x, y)


def b_pow_literal(x):
    return pow(x, 3) + pow(1.5, x)


BINARY = [
    (math.log, m_log_base, [(0.5, 3.0), (4.2, 0.5), (2.0, 10.0)]),
    (math.pow, m_pow, [(0.5, 3.0), (2.3, -0.7), (1.5, 0.0)]),
    (math.hypot, m_hypot, [(0.5, 3.0), (-2.3, 0.7)]),
    (math.atan2, m_atan2, [(0.5, 3.0), (-2.3, -0.7), (1.0, -1.0)]),
    (math.copysign, m_copysign, [(0.5, 3.0), (-2.3, -0.7), (1.5, -1.0)]),
    (pow, b_pow, [(0.5, 3.0), (2.3, -0.7)]),
]
for _fn, _f, _points in BINARY:
    for _x, _y in _points:
        CASES.append(RuleCase((_fn,), _f, (_x, _y), wrt=(0, 1), name=f"at={_x},{_y}"))
CASES += [
    RuleCase((math.log,), m_log_base_literal, (1.7,)),
    RuleCase((math.pow,), m_pow_literal, (1.3,)),
    RuleCase((pow,), b_pow_literal, (1.3,), name="float"),
    RuleCase((pow,), b_pow_literal, (uniform((3, 4), 0.5, 2.0, seed=2),), name="3x4"),
    RuleCase((pow,), b_pow, (uniform((3, 1), 0.5, 2.0, seed=3), uniform((4,), seed=4)), wrt=(0, 1),
             name="broadcast"),
]


# Composites of several math functions.

def m_two_args(x, y):
    return math.sin(x) * math.exp(y) + math.sqrt(x * x + y * y) - math.tanh(x / y)


def m_mixed_chain(x, y):
    return math.log(math.fabs(x) + 1.0) * math.cos(y) + math.tan(x * 0.5) ** 2 - y


def m_special_chain(x):
    return math.lgamma(x * x + 1.0) + math.erf(math.sinh(x)) * math.gamma(x + 2.0)


CASES += [
    RuleCase((math.sin, math.exp, math.sqrt, math.tanh), m_two_args, (0.7, -1.3), wrt=(0, 1)),
    RuleCase((math.log, math.fabs, math.cos, math.tan), m_mixed_chain, (-0.8, 0.4), wrt=(0, 1)),
    RuleCase((math.lgamma, math.erf, math.sinh, math.gamma), m_special_chain, (0.6,)),
]


# ---------------------------------------------------------------------------------------
# Builtins max, min and sum
# ---------------------------------------------------------------------------------------

def b_max2(x, y):
    return max(x, y)


def b_min2(x, y):
    return min(x, y)


def b_relu(x):
    return max(0.0, x * 2.0)


def b_max3(x, y, z):
    return max(x, y, z)


def b_min3(x, y, z):
    return min(x, y, z * 2.0)


def b_max_of_array(x):
    return max(x)


def b_min_of_array(x):
    return min(x * x)


def b_sum_rows(x):
    return sum(x)


def b_sum_rows_start(x):
    return sum(x, 1.5)


def b_sum_list(x, y, z):
    return sum([x, y, z])


def b_sum_tuple_start(x, y):
    return sum((x, y * y), 1.0)


def b_sum_broadcast(a, b):
    return sum([a, b, 2.0])


CASES += [
    RuleCase((max,), b_max2, (0.3, -1.2), wrt=(0, 1), name="floats"),
    RuleCase((max,), b_max2, (np.array(0.3), np.array(1.2)), wrt=(0, 1), name="0d"),
    RuleCase((min,), b_min2, (0.3, -1.2), wrt=(0, 1), name="floats"),
    RuleCase((min,), b_min2, (np.array(0.3), 1.2), wrt=(0, 1), name="0d"),
    RuleCase((max,), b_relu, (0.4,), name="active"),
    RuleCase((max,), b_relu, (-0.4,), name="inactive"),
    RuleCase((max,), b_max3, (0.3, -1.2, 0.9), wrt=(0, 1, 2), extra=VARARG),
    RuleCase((min,), b_min3, (0.3, -1.2, 0.1), wrt=(0, 1, 2), extra=VARARG),
    RuleCase((max,), b_max_of_array, (uniform((5,), seed=5),), extra=VARARG),
    RuleCase((min,), b_min_of_array, (uniform((5,), 0.2, 2.0, seed=6),), extra=VARARG),
    RuleCase((sum,), b_sum_rows, (uniform((5,), seed=7),), name="vector"),
    RuleCase((sum,), b_sum_rows, (uniform((3, 4), seed=8),), name="matrix"),
    RuleCase((sum,), b_sum_rows_start, (uniform((3, 4), seed=9),)),
    RuleCase((sum,), b_sum_list, (0.3, -1.2, 0.9), wrt=(0, 1, 2), name="floats", extra=LIST),
    RuleCase((sum,), b_sum_list, (uniform((4,), seed=10), uniform((4,), seed=11), 0.5), wrt=(0, 1),
             name="arrays", extra=LIST),
    RuleCase((sum,), b_sum_tuple_start, (0.3, -1.2), wrt=(0, 1), extra=LIST),
    RuleCase((sum,), b_sum_broadcast, (uniform((3, 4), seed=12), uniform((4,), seed=13)), wrt=(0, 1),
             extra=LIST),
]


def by_magnitude(value):
    return abs(value)


def b_sorted_array(x):
    s = sorted(x)
    return s[0] * 2.0 + s[1] * s[3] + s[2] ** 2


def b_sorted_list(a, b, c):
    s = sorted([a, b * 2.0, c])
    return s[0] - s[1] * s[2]


def b_sorted_reverse(x):
    s = sorted(x * x, reverse=True)
    return np.array(s) * np.arange(1.0, 1.0 + np.size(x))


def b_sorted_key(x):
    s = sorted(x, key=by_magnitude)
    return s[0] * 3.0 + s[1] ** 2 + sum(s[2:])


def b_sorted_key_builtin(x):
    return np.array(sorted(x, key=abs, reverse=True)) * np.arange(1.0, 1.0 + np.size(x))


def b_sorted_key_lambda(x, c):
    """A lambda key that reads a value not differentiated (one that reads a differentiated
    value raises UnsupportedSyntax, tests/test_issue12_syntax.py)."""
    s = sorted(x, key=lambda t: (t - c) ** 2)
    return np.array(s) * np.arange(1.0, 1.0 + np.size(x)) * c


CASES += [
    RuleCase((sorted,), b_sorted_array, (uniform((5,), seed=16),), extra=SEQ),
    RuleCase((sorted,), b_sorted_list, (0.3, -0.4, 0.5), wrt=(0, 1, 2), extra={**SEQ, **LIST}),
    RuleCase((sorted,), b_sorted_reverse, (uniform((5,), seed=17),), extra=SEQ),
    RuleCase((sorted,), b_sorted_key, (uniform((5,), seed=18),), extra=SEQ),
    RuleCase((sorted,), b_sorted_key_builtin, (uniform((5,), seed=19),), extra=SEQ),
    RuleCase((sorted,), b_sorted_key_lambda, (uniform((5,), seed=20), 0.2), extra=SEQ),
]


def b_list_copy(a, b):
    items = list([a, b * 2.0])
    return items[0] * items[1]


def b_tuple_copy(a, b):
    items = tuple([np.sin(a), b])
    return np.sum(items[0] + items[1] ** 2)


CASES += [
    RuleCase((list,), b_list_copy, (0.3, -1.2), wrt=(0, 1), extra=LIST),
    RuleCase((tuple,), b_tuple_copy, (uniform((3,), seed=14), uniform((3,), seed=15)), wrt=(0, 1),
             extra=LIST),
]
