"""Python scalars: the ``math`` module and the builtins abs, pow, max, min, sum, sorted and
float.

The rules of math functions use math functions, so Python floats stay Python floats.
``math.gamma`` / ``math.lgamma`` need the digamma function, computed without SciPy by
`scalar_polygamma`. Rounding (math.floor, ceil, trunc, round, int) has derivative zero.
"""
import math

import numpy as np  # noqa: F401  (templates call np.sign)

from .elementwise_helpers import (extremum_share, power_log, scalar_polygamma,  # noqa: F401
                                  scaled_power, sum_cotangents, sum_items_jvp,
                                  sum_items_vjp)  # (templates call them)
from .registry import (ZERO, alias, defjvp, defliteral, defvector, defvjp, describe,
                       elementwise, nondifferentiable, returns_sequence)
from .shape_helpers import sorted_jvp, sorted_vjp  # noqa: F401  (templates call them)
from ..runtime import items_like  # noqa: F401  (templates call it)

LN2 = 0.6931471805599453
LN10 = 2.302585092994046
TWO_OVER_SQRT_PI = 1.1283791670955126

elementwise(math.sin, "math.cos(x)")
elementwise(math.cos, "-math.sin(x)")
elementwise(math.tan, "1 + ans ** 2")
elementwise(math.asin, "1 / math.sqrt(1 - x * x)")
elementwise(math.acos, "-1 / math.sqrt(1 - x * x)")
elementwise(math.atan, "1 / (1 + x * x)")
elementwise(math.sinh, "math.cosh(x)")
elementwise(math.cosh, "math.sinh(x)")
elementwise(math.tanh, "1 - ans ** 2")
elementwise(math.asinh, "1 / math.sqrt(x * x + 1)")
elementwise(math.acosh, "1 / math.sqrt(x * x - 1)")
elementwise(math.atanh, "1 / (1 - x * x)")
elementwise(math.exp, "ans")
elementwise(math.expm1, "ans + 1")
elementwise(math.log2, f"1 / (x * {LN2})")
elementwise(math.log10, f"1 / (x * {LN10})")
elementwise(math.log1p, "1 / (1 + x)")
elementwise(math.sqrt, "0.5 / ans")
elementwise(math.erf, f"{TWO_OVER_SQRT_PI} * math.exp(-x * x)")
elementwise(math.erfc, f"-{TWO_OVER_SQRT_PI} * math.exp(-x * x)")
elementwise(math.gamma, "ans * scalar_polygamma(0, x)")
elementwise(math.lgamma, "scalar_polygamma(0, x)")
elementwise(math.fabs, "np.sign(x)")
describe(math.fabs, "derivative sign(x): 0 at x == 0")
elementwise(math.degrees, "57.29577951308232")
elementwise(math.radians, "0.017453292519943295")
if hasattr(math, "exp2"):    # Python 3.11+
    elementwise(math.exp2, f"ans * {LN2}")
if hasattr(math, "cbrt"):
    elementwise(math.cbrt, "1 / (3 * ans ** 2)")

# math.log(x) or math.log(x, base); the default base e makes math.log(base) == 1.
LOG = "x, base=math.e"
defvjp(math.log, LOG, "g / (x * math.log(base))", "-g * ans / (base * math.log(base))")
defjvp(math.log, LOG, "x_dot / (x * math.log(base))", "-base_dot * ans / (base * math.log(base))")
describe(math.log, "with or without a base (both differentiable)")

defvjp(math.pow, "x, y", "g * scaled_power(y, x, y - 1, math.pow)", "g * ans * power_log(x, ans)")
defjvp(math.pow, "x, y", "x_dot * scaled_power(y, x, y - 1, math.pow)",
       "y_dot * ans * power_log(x, ans)")
defliteral(math.pow, "y != 0", vjps={"x": "g * y * math.pow(x, y - 1)"},
           jvps={"x": "x_dot * y * math.pow(x, y - 1)"})
describe(math.pow, "d/dx is 0 where y == 0, d/dy where x == 0")

defvjp(math.hypot, "x, y", "g * x / ans", "g * y / ans")
defjvp(math.hypot, "x, y", "x_dot * x / ans", "y_dot * y / ans")
describe(math.hypot, "two coordinates")

# math.atan2(y, x) = atan(y / x) in the right quadrant.
defvjp(math.atan2, "y, x", "g * x / (x * x + y * y)", "-g * y / (x * x + y * y)")
defjvp(math.atan2, "y, x", "y_dot * x / (x * x + y * y)", "-x_dot * y / (x * x + y * y)")

defvjp(math.copysign, "x, y", "g * np.sign(x) * np.sign(ans)", ZERO)
defjvp(math.copysign, "x, y", "x_dot * np.sign(x) * np.sign(ans)", ZERO)
describe(math.copysign, "no derivative w.r.t. y")

# scalar_polygamma(n, x): d/dx psi^(n)(x) = psi^(n + 1)(x), to any order.
defvjp(scalar_polygamma, "n, x", None, "g * scalar_polygamma(n + 1, x)")
defjvp(scalar_polygamma, "n, x", None, "x_dot * scalar_polygamma(n + 1, x)")
describe(scalar_polygamma, "srcad helper: polygamma of a Python float (digamma for n = 0)")

# -- builtins -----------------------------------------------------------------------------------
alias(abs, np.abs)

defvjp(float, "x", "g")
defjvp(float, "x", "float(x_dot)")
describe(float, "the identity on numbers and 0-d arrays")

defvjp(pow, "base, exp, mod=None", "unbroadcast(g * scaled_power(exp, base, exp - 1), base)",
       "unbroadcast(g * ans * power_log(base, ans), exp)")
defjvp(pow, "base, exp, mod=None", "base_dot * scaled_power(exp, base, exp - 1)",
       "exp_dot * ans * power_log(base, ans)")
defliteral(pow, "exp != 0", vjps={"base": "unbroadcast(g * exp * base ** (exp - 1), base)"},
           jvps={"base": "exp * base ** (exp - 1) * base_dot"})
describe(pow, "as x ** y; mod is not differentiable")

# sum(iterable, start=0): an iterable that is a list or tuple of values gets one cotangent per
# value; an array iterable (summed over its first axis) gets an array.
defvjp(sum, "iterable, start=0", "sum_items_vjp(g, iterable)", "unbroadcast(g, start)")
defjvp(sum, "iterable, start=0", "sum_items_jvp(iterable_dot, ans)", "broadcast_as(start_dot, ans)")
# list(...) / tuple(...) of values copy them (the backward part of a split call copies its tape)
# (an array iterable gets its items stacked back: in vector mode along the items' axis, 1)
for _sequence in (list, tuple):
    defvjp(_sequence, "iterable", "items_like(g, iterable)")
    defvector(_sequence, vjps={"iterable": "items_like(g, iterable, 1)"})
defjvp(list, "iterable", "list(iterable_dot)")
defjvp(tuple, "iterable", "tuple(iterable_dot)")
# ... and the helpers themselves, linear in their first argument (second derivatives of sum):
defvjp(sum_items_vjp, "cotangent, items", "sum_cotangents(g, cotangent)", ZERO)
defjvp(sum_items_vjp, "cotangent, items", "sum_items_vjp(cotangent_dot, items)", ZERO)
defvjp(sum_items_jvp, "tangents, like", "sum_items_vjp(g, tangents)", ZERO)
defjvp(sum_items_jvp, "tangents, like", "sum_items_jvp(tangents_dot, like)", ZERO)
defvjp(sum_cotangents, "cotangents, like", "sum_items_vjp(g, cotangents)", ZERO)
defjvp(sum_cotangents, "cotangents, like", "sum_cotangents(cotangents_dot, like)", ZERO)
describe(sum, "of a list / tuple of values or of an array's rows")


# max(a, b, ...) / min(...): the templates are instantiated once per argument, with its
# `position`; each argument gets its share of the result (ties split equally). max(x) of one
# 1-d array gives each element its share.
for _extremum in (max, min):
    defvjp(_extremum, "*args", "g * extremum_share(ans, position, args)")
    defjvp(_extremum, "*args", "np.sum(args_dot * extremum_share(ans, position, args))")
    describe(_extremum, "of numbers, or of one 1-d array; ties split equally")
nondifferentiable(extremum_share)
describe(extremum_share, "srcad helper: an argument's share of max(...) / min(...)")

# sorted(items, key=..., reverse=...): the derivative follows the sorting permutation; the key
# only orders the items (it gets no derivative). The result is a list.
SORTED = "iterable, *, key=None, reverse=False"
defvjp(sorted, SORTED, "sorted_vjp(g, iterable, key, reverse)", ZERO, ZERO)
defjvp(sorted, SORTED, "sorted_jvp(iterable_dot, iterable, key, reverse)", ZERO, ZERO)
returns_sequence(sorted)
describe(sorted, "of a list / tuple of values or a 1-d array; key and reverse (the key gets "
                 "no derivative); ties keep their order, as sorted does")
# ... and its helpers, an adjoint pair (second derivatives of sorted):
defvjp(sorted_jvp, "t, items, key=None, reverse=False", "sorted_vjp(g, items, key, reverse)", ZERO,
       ZERO, ZERO)
defjvp(sorted_jvp, "t, items, key=None, reverse=False", "sorted_jvp(t_dot, items, key, reverse)",
       ZERO, ZERO, ZERO)
returns_sequence(sorted_jvp)
defvjp(sorted_vjp, "cot, items, key=None, reverse=False", "sorted_jvp(g, items, key, reverse)",
       ZERO, ZERO, ZERO)
defjvp(sorted_vjp, "cot, items, key=None, reverse=False",
       "sorted_vjp(cot_dot, items, key, reverse)", ZERO, ZERO, ZERO)

nondifferentiable(math.floor, math.ceil, math.trunc, round, int, math.isnan, math.isinf,
                  math.isfinite, bool, isinstance)
