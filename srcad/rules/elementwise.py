"""Elementwise NumPy functions, the arithmetic operators and the elementwise array methods.

Binary rules undo broadcasting with ``unbroadcast`` in reverse mode and broadcast a lone
tangent with ``broadcast_as`` in forward mode. Conventions (as JAX):

* ties in maximum/minimum/fmax/fmin/clip split the derivative evenly (0.5 each);
* d|x|/dx at 0 is sign(0) = 0;
* d(x ** y)/dy at x == 0 is 0 (``x ** y`` is constantly 0 there for y > 0);
* d(x ** y)/dx at y == 0 is 0, also at x == 0 (``x ** 0`` is constantly 1);
* rounding and sign are non-differentiable: their derivative is zero, as is heaviside's in
  its first argument (in its second, the value at 0, it is 1 where the first is 0).

Constants are Python floats, so float32 inputs get float32 derivatives.
"""
import operator

import numpy as np

from .elementwise_helpers import (  # noqa: F401  (the templates below name them)
    clip_weight, fmax_weight, interp_end, interp_inside, interp_knots, interp_knots_vjp,
    interp_outside, match_real, maximum_weight,
    poly_derivative, poly_derivative_vjp, polyval_vjp_p, power_log, scaled_power,
)
from .registry import (ZERO, alias, defjvp, defliteral, defvjp, describe, elementwise,
                       nondifferentiable)

LN2 = 0.6931471805599453
LN10 = 2.302585092994046
DEG = 0.017453292519943295      # pi / 180
RAD = 57.29577951308232         # 180 / pi

# -- unary functions, by their derivative f'(x); `ans` is f(x) ------------------------------
elementwise(np.sin, "np.cos(x)")
elementwise(np.cos, "-np.sin(x)")
elementwise(np.tan, "1 + ans ** 2")
elementwise(np.arcsin, "1 / np.sqrt(1 - x ** 2)")
elementwise(np.arccos, "-1 / np.sqrt(1 - x ** 2)")
elementwise(np.arctan, "1 / (1 + x ** 2)")
elementwise(np.sinh, "np.cosh(x)")
elementwise(np.cosh, "np.sinh(x)")
elementwise(np.tanh, "1 - ans ** 2")
elementwise(np.arcsinh, "1 / np.sqrt(x ** 2 + 1)")
elementwise(np.arccosh, "1 / np.sqrt(x ** 2 - 1)")
elementwise(np.arctanh, "1 / (1 - x ** 2)")
elementwise(np.exp, "ans")
elementwise(np.exp2, f"ans * {LN2}")
elementwise(np.expm1, "ans + 1")
elementwise(np.log, "1 / x")
elementwise(np.log2, f"1 / (x * {LN2})")
elementwise(np.log10, f"1 / (x * {LN10})")
elementwise(np.log1p, "1 / (1 + x)")
elementwise(np.sqrt, "0.5 / ans")
elementwise(np.cbrt, "1 / (3 * ans ** 2)")
elementwise(np.square, "2 * x")
elementwise(np.reciprocal, "-ans ** 2")
elementwise(np.abs, "np.sign(x)")
describe(np.abs, "also np.abs, abs(x), operator.abs; derivative sign(x): 0 at x == 0")
alias(operator.abs, np.abs)
elementwise(np.fabs, "np.sign(x)")
describe(np.fabs, "derivative sign(x): 0 at x == 0")
# d sinc/dx = (cos(pi x) - sinc(x)) / x, which is 0 at x == 0 (the numerator is 0 there).
elementwise(np.sinc, "(np.cos(np.pi * x) - ans) / np.where(x == 0, 1.0, x)")
describe(np.sinc, "normalized sinc(x) = sin(pi x) / (pi x); derivative 0 at x == 0")
elementwise(np.deg2rad, f"{DEG}")
elementwise(np.radians, f"{DEG}")
elementwise(np.rad2deg, f"{RAD}")
elementwise(np.degrees, f"{RAD}")

defvjp(np.negative, "x", "-g")
defjvp(np.negative, "x", "-x_dot")
alias(operator.neg, np.negative)

defvjp(np.positive, "x", "g")
defjvp(np.positive, "x", "x_dot")
alias(operator.pos, np.positive)

# Complex parts and conjugates. For a real x, real(x) == x, imag(x) == 0 and conj(x) == x.
defvjp(np.real, "x", "match_real(x, g)")
defjvp(np.real, "x", "np.real(x_dot)")
describe(np.real, "also x.real")
alias(np.ndarray.real, np.real)
defvjp(np.imag, "x", "match_real(x, -1j * g)")
defjvp(np.imag, "x", "np.imag(x_dot)")
describe(np.imag, "also x.imag; zero derivative for real x")
alias(np.ndarray.imag, np.imag)
defvjp(np.conjugate, "x", "np.conjugate(g)")
defjvp(np.conjugate, "x", "np.conjugate(x_dot)")
describe(np.conjugate, "also np.conj, x.conj(), x.conjugate()")
alias(np.ndarray.conj, np.conjugate)
alias(np.ndarray.conjugate, np.conjugate)

# -- binary arithmetic ------------------------------------------------------------------------
defvjp(np.add, "x, y", "unbroadcast(g, x)", "unbroadcast(g, y)")
defjvp(np.add, "x, y", "broadcast_as(x_dot, ans)", "broadcast_as(y_dot, ans)")
describe(np.add, "also x + y")
alias(operator.add, np.add)

defvjp(np.subtract, "x, y", "unbroadcast(g, x)", "-unbroadcast(g, y)")  # negate after summing
defjvp(np.subtract, "x, y", "broadcast_as(x_dot, ans)", "broadcast_as(-y_dot, ans)")
describe(np.subtract, "also x - y")
alias(operator.sub, np.subtract)

defvjp(np.multiply, "x, y", "unbroadcast(g * y, x)", "unbroadcast(g * x, y)")
defjvp(np.multiply, "x, y", "x_dot * y", "x * y_dot")
describe(np.multiply, "also x * y")
alias(operator.mul, np.multiply)

defvjp(np.true_divide, "x, y", "unbroadcast(g / y, x)", "unbroadcast(-g * ans / y, y)")
defjvp(np.true_divide, "x, y", "x_dot / y", "-y_dot * ans / y")
describe(np.true_divide, "also np.divide, x / y")
alias(operator.truediv, np.true_divide)

# d(x ** y)/dx = y * x ** (y - 1) is scaled_power(y, x, y - 1), which is 0 where y == 0 (x ** 0
# is the constant 1, also at x == 0, where 0 * x ** -1 would be nan); a literal exponent other
# than 0 keeps the plain formula (x ** 2 -> 2 * x).
defvjp(np.power, "x, y",
       "unbroadcast(g * scaled_power(y, x, y - 1), x)",
       "unbroadcast(g * ans * power_log(x, ans), y)")
defjvp(np.power, "x, y", "x_dot * scaled_power(y, x, y - 1)", "y_dot * ans * power_log(x, ans)")
defliteral(np.power, "y != 0", vjps={"x": "unbroadcast(g * y * x ** (y - 1), x)"},
           jvps={"x": "x_dot * y * x ** (y - 1)"})
describe(np.power, "also x ** y; d/dx is 0 where y == 0 and d/dy is 0 where x == 0 (as JAX)")
alias(operator.pow, np.power)

defvjp(np.float_power, "x, y",
       "unbroadcast(g * scaled_power(y, x, y - 1, np.float_power), x)",
       "unbroadcast(g * ans * power_log(x, ans), y)")
defjvp(np.float_power, "x, y", "x_dot * scaled_power(y, x, y - 1, np.float_power)",
       "y_dot * ans * power_log(x, ans)")
defliteral(np.float_power, "y != 0", vjps={"x": "unbroadcast(g * y * np.float_power(x, y - 1), x)"},
           jvps={"x": "x_dot * y * np.float_power(x, y - 1)"})
describe(np.float_power, "computes in float64 (so do its derivatives); d/dx is 0 where y == 0, "
                         "d/dy where x == 0")

defvjp(np.remainder, "x, y", "unbroadcast(g, x)", "unbroadcast(-g * np.floor_divide(x, y), y)")
defjvp(np.remainder, "x, y", "broadcast_as(x_dot, ans)", "-y_dot * np.floor_divide(x, y)")
describe(np.remainder, "also np.mod, x % y; d/dy = -floor(x / y)")
alias(operator.mod, np.remainder)

defvjp(np.fmod, "x, y", "unbroadcast(g, x)", "unbroadcast(-g * np.trunc(x / y), y)")
defjvp(np.fmod, "x, y", "broadcast_as(x_dot, ans)", "-y_dot * np.trunc(x / y)")
describe(np.fmod, "d/dy = -trunc(x / y)")

defvjp(np.maximum, "x, y", "unbroadcast(g * maximum_weight(x, y, True), x)",
       "unbroadcast(g * maximum_weight(y, x, True), y)")
defjvp(np.maximum, "x, y", "broadcast_as(x_dot * maximum_weight(x, y, True), ans)",
       "broadcast_as(y_dot * maximum_weight(y, x, True), ans)")
describe(np.maximum, "ties split 0.5 / 0.5")

defvjp(np.minimum, "x, y", "unbroadcast(g * maximum_weight(x, y, False), x)",
       "unbroadcast(g * maximum_weight(y, x, False), y)")
defjvp(np.minimum, "x, y", "broadcast_as(x_dot * maximum_weight(x, y, False), ans)",
       "broadcast_as(y_dot * maximum_weight(y, x, False), ans)")
describe(np.minimum, "ties split 0.5 / 0.5")

defvjp(np.fmax, "x, y", "unbroadcast(g * fmax_weight(x, y, True), x)",
       "unbroadcast(g * fmax_weight(y, x, True), y)")
defjvp(np.fmax, "x, y", "x_dot * fmax_weight(x, y, True)", "y_dot * fmax_weight(y, x, True)")
describe(np.fmax, "ties split 0.5 / 0.5; a NaN operand gets zero")
defvjp(np.fmin, "x, y", "unbroadcast(g * fmax_weight(x, y, False), x)",
       "unbroadcast(g * fmax_weight(y, x, False), y)")
defjvp(np.fmin, "x, y", "x_dot * fmax_weight(x, y, False)", "y_dot * fmax_weight(y, x, False)")
describe(np.fmin, "ties split 0.5 / 0.5; a NaN operand gets zero")

defvjp(np.hypot, "x, y", "unbroadcast(g * x / ans, x)", "unbroadcast(g * y / ans, y)")
defjvp(np.hypot, "x, y", "x_dot * x / ans", "y_dot * y / ans")

# np.arctan2(x, y) is the angle of the point (y, x): atan(x / y) in the right quadrant.
defvjp(np.arctan2, "x, y", "unbroadcast(g * y / (x ** 2 + y ** 2), x)",
       "unbroadcast(-g * x / (x ** 2 + y ** 2), y)")
defjvp(np.arctan2, "x, y", "x_dot * y / (x ** 2 + y ** 2)", "-y_dot * x / (x ** 2 + y ** 2)")

defvjp(np.logaddexp, "x, y", "unbroadcast(g * np.exp(x - ans), x)",
       "unbroadcast(g * np.exp(y - ans), y)")
defjvp(np.logaddexp, "x, y", "x_dot * np.exp(x - ans)", "y_dot * np.exp(y - ans)")
defvjp(np.logaddexp2, "x, y", "unbroadcast(g * np.exp2(x - ans), x)",
       "unbroadcast(g * np.exp2(y - ans), y)")
defjvp(np.logaddexp2, "x, y", "x_dot * np.exp2(x - ans)", "y_dot * np.exp2(y - ans)")

defvjp(np.copysign, "x, y", "unbroadcast(g * np.sign(x) * np.sign(ans), x)", ZERO)
defjvp(np.copysign, "x, y", "broadcast_as(x_dot * np.sign(x) * np.sign(ans), ans)", ZERO)
describe(np.copysign, "|x| with the sign of y; no derivative w.r.t. y")

# -- selection ---------------------------------------------------------------------------------
defvjp(np.where, "condition, x=None, y=None", ZERO,
       "unbroadcast(np.where(condition, g, 0), x)", "unbroadcast(np.where(condition, 0, g), y)")
defjvp(np.where, "condition, x=None, y=None", ZERO,
       "broadcast_as(np.where(condition, x_dot, 0), ans)",
       "broadcast_as(np.where(condition, 0, y_dot), ans)")
describe(np.where, "the condition carries no derivative")

CLIP = "a, a_min=None, a_max=None, out=None, *, min=None, max=None"
defvjp(np.clip, CLIP,
       "unbroadcast(g * clip_weight('a', a, a_min, a_max, min, max), a)",
       "unbroadcast(g * clip_weight('lo', a, a_min, a_max, min, max), a_min)",
       "unbroadcast(g * clip_weight('hi', a, a_min, a_max, min, max), a_max)", None,
       "unbroadcast(g * clip_weight('lo', a, a_min, a_max, min, max), min)",
       "unbroadcast(g * clip_weight('hi', a, a_min, a_max, min, max), max)")
defjvp(np.clip, CLIP,
       "broadcast_as(a_dot * clip_weight('a', a, a_min, a_max, min, max), ans)",
       "broadcast_as(a_min_dot * clip_weight('lo', a, a_min, a_max, min, max), ans)",
       "broadcast_as(a_max_dot * clip_weight('hi', a, a_min, a_max, min, max), ans)", None,
       "broadcast_as(min_dot * clip_weight('lo', a, a_min, a_max, min, max), ans)",
       "broadcast_as(max_dot * clip_weight('hi', a, a_min, a_max, min, max), ans)")
describe(np.clip, "minimum(maximum(a, lo), hi): ties at a bound split 0.5 / 0.5; bounds differentiable")

METHOD_CLIP = "a, min=None, max=None, out=None"
defvjp(np.ndarray.clip, METHOD_CLIP,
       "unbroadcast(g * clip_weight('a', a, min, max), a)",
       "unbroadcast(g * clip_weight('lo', a, min, max), min)",
       "unbroadcast(g * clip_weight('hi', a, min, max), max)")
defjvp(np.ndarray.clip, METHOD_CLIP,
       "broadcast_as(a_dot * clip_weight('a', a, min, max), ans)",
       "broadcast_as(min_dot * clip_weight('lo', a, min, max), ans)",
       "broadcast_as(max_dot * clip_weight('hi', a, min, max), ans)")
describe(np.ndarray.clip, "as np.clip")

# heaviside(x1, x2) is x2 where x1 == 0 (0 or 1 elsewhere): piecewise constant in x1.
defvjp(np.heaviside, "x1, x2", ZERO, "unbroadcast(g * (x1 == 0), x2)")
defjvp(np.heaviside, "x1, x2", ZERO, "broadcast_as(x2_dot * (x1 == 0), ans)")
describe(np.heaviside, "derivative zero in x1; in x2 one where x1 == 0")

# -- NaN and infinity replaced: derivative 1 where x is finite, 0 where it was replaced ----------
NAN_TO_NUM = "x, copy=True, nan=0.0, posinf=None, neginf=None"
defvjp(np.nan_to_num, NAN_TO_NUM, "g * np.isfinite(x)", None,
       "unbroadcast(g * np.isnan(x), nan)", "unbroadcast(g * np.isposinf(x), posinf)",
       "unbroadcast(g * np.isneginf(x), neginf)")
defjvp(np.nan_to_num, NAN_TO_NUM, "x_dot * np.isfinite(x)", None, "nan_dot * np.isnan(x)",
       "posinf_dot * np.isposinf(x)", "neginf_dot * np.isneginf(x)")
describe(np.nan_to_num, "derivative 1 where x is finite, 0 where it is replaced; the "
                        "replacement values are differentiable too")

# -- piecewise linear interpolation and polynomials -------------------------------------------
# On the segment [a, b] = [xp[i], xp[i + 1]] around a point x, np.interp(x, xp, fp) is
# fa + (fb - fa) t with fa, fb = fp[i], fp[i + 1] and t = (x - a) / (b - a); outside the
# points it is left / right (fp[0] / fp[-1] when those are None).
INTERP = "x, xp, fp, left=None, right=None, period=None"
_A, _B = "interp_knots(xp, x, xp, 0)", "interp_knots(xp, x, xp, 1)"
_SLOPE = f"(interp_knots(fp, x, xp, 1) - interp_knots(fp, x, xp, 0)) / ({_B} - {_A})"
_T = f"(x - {_A}) / ({_B} - {_A})"
_INSIDE = "interp_inside(x, xp, period)"
_LOW = f"({_INSIDE} * (1 - {_T}) + interp_end(x, xp, left, 'left'))"     # the weight of fa
_HIGH = f"({_INSIDE} * {_T} + interp_end(x, xp, right, 'right'))"       # the weight of fb
defvjp(np.interp, INTERP, f"g * {_INSIDE} * {_SLOPE}",
       f"interp_knots_vjp(g * {_INSIDE} * {_SLOPE} * ({_T} - 1), xp, x, xp, 0) "
       f"- interp_knots_vjp(g * {_INSIDE} * {_SLOPE} * {_T}, xp, x, xp, 1)",
       f"interp_knots_vjp(g * {_LOW}, fp, x, xp, 0) + interp_knots_vjp(g * {_HIGH}, fp, x, xp, 1)",
       "np.sum(g * interp_outside(x, xp, 'left', period))",
       "np.sum(g * interp_outside(x, xp, 'right', period))")
defjvp(np.interp, INTERP, f"x_dot * {_INSIDE} * {_SLOPE}",
       f"{_INSIDE} * {_SLOPE} * (({_T} - 1) * interp_knots(xp_dot, x, xp, 0) "
       f"- {_T} * interp_knots(xp_dot, x, xp, 1))",
       f"interp_knots(fp_dot, x, xp, 0) * {_LOW} + interp_knots(fp_dot, x, xp, 1) * {_HIGH}",
       "left_dot * interp_outside(x, xp, 'left', period)",
       "right_dot * interp_outside(x, xp, 'right', period)")
describe(np.interp, "x, xp, fp, left and right; at a knot the slope on its right; 0 outside "
                    "the points; two or more points, not with period")

defvjp(np.polyval, "p, x", "polyval_vjp_p(g, p, x)",
       "unbroadcast(g * np.polyval(poly_derivative(p), x), x)")
defjvp(np.polyval, "p, x", "np.polyval(p_dot, x)", "x_dot * np.polyval(poly_derivative(p), x)")
describe(np.polyval, "p a 1-d array of coefficients (highest power first) and x")

# -- piecewise constant: derivative zero -------------------------------------------------------
nondifferentiable(
    np.floor, np.ceil, np.round, np.around, np.rint, np.trunc, np.fix,
    np.ndarray.round, np.floor_divide, operator.floordiv,
    np.isnan, np.isinf, np.isfinite, np.isposinf, np.isneginf, np.signbit,
)

# Helpers of the templates above: masks and tie weights, piecewise constant.
nondifferentiable(clip_weight, fmax_weight, maximum_weight)
describe(clip_weight, "srcad helper: the weights of np.clip's derivative")
describe(maximum_weight, "srcad helper: the weights of np.maximum / np.minimum's derivative")
describe(fmax_weight, "srcad helper: the weights of np.fmax / np.fmin's derivative")

# power_log(x, like) = log(x) (0 at x == 0); match_real keeps the real part for real x.
defvjp(power_log, "x, like", "g / x", ZERO)
defjvp(power_log, "x, like", "x_dot / x", ZERO)
describe(power_log, "srcad helper: log(x) with log(0) taken as 0, for d(x ** y)/dy")
# scaled_power(c, x, e) = c * x ** e, 0 where c == 0: d/dc = x ** e, d/dx = scaled_power(c * e,
# x, e - 1), d/de = ans * log(x). Its `power` (np.float_power, math.pow) is not differentiated.
SCALED = "c, x, e, power=None"
defvjp(scaled_power, SCALED, "unbroadcast(g * scaled_power(1, x, e, power), c)",
       "unbroadcast(g * scaled_power(c * e, x, e - 1, power), x)",
       "unbroadcast(g * ans * power_log(x, ans), e)")
defjvp(scaled_power, SCALED, "c_dot * scaled_power(1, x, e, power)",
       "x_dot * scaled_power(c * e, x, e - 1, power)", "e_dot * ans * power_log(x, ans)")
describe(scaled_power, "srcad helper: c * x ** e, 0 where c == 0, for d(x ** y)/dx")
defvjp(match_real, "x, value", ZERO, "g")
defjvp(match_real, "x, value", ZERO, "match_real(x, value_dot)")
describe(match_real, "srcad helper: a cotangent's real part for a real x")

# np.interp's helpers: interp_knots is linear in its first argument (a gather) and, with its
# adjoint, piecewise constant in x and xp; the masks are piecewise constant.
KNOTS = "v, x, xp, side"
defvjp(interp_knots, KNOTS, "interp_knots_vjp(g, v, x, xp, side)", ZERO, ZERO)
defjvp(interp_knots, KNOTS, "interp_knots(v_dot, x, xp, side)", ZERO, ZERO)
describe(interp_knots, "srcad helper: values at the knots around each point of np.interp")
KNOTS_VJP = "cot, v, x, xp, side"
defvjp(interp_knots_vjp, KNOTS_VJP, "interp_knots(g, x, xp, side)", ZERO, ZERO, ZERO)
defjvp(interp_knots_vjp, KNOTS_VJP, "interp_knots_vjp(cot_dot, v, x, xp, side)", ZERO, ZERO,
       ZERO)
nondifferentiable(interp_inside, interp_outside, interp_end)
describe(interp_inside, "srcad helper: where np.interp interpolates")
describe(interp_outside, "srcad helper: where np.interp returns left / right")
describe(interp_end, "srcad helper: where np.interp repeats fp[0] / fp[-1]")

# np.polyval's helpers, linear in their first argument: the derivative's coefficients, their
# adjoint, and the cotangent of the coefficients (a polynomial in x again).
defvjp(poly_derivative, "p", "poly_derivative_vjp(g, p)")
defjvp(poly_derivative, "p", "poly_derivative(p_dot)")
defvjp(poly_derivative_vjp, "cot, p", "poly_derivative(g)", ZERO)
defjvp(poly_derivative_vjp, "cot, p", "poly_derivative_vjp(cot_dot, p)", ZERO)
defvjp(polyval_vjp_p, "cot, p, x", "np.polyval(g, x)", ZERO,
       "cot * np.polyval(poly_derivative(g), x)")
defjvp(polyval_vjp_p, "cot, p, x", "polyval_vjp_p(cot_dot, p, x)", ZERO,
       "poly_derivative_vjp(polyval_vjp_p(cot * x_dot, poly_derivative(p), x), p)")
