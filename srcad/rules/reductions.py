"""Reductions and cumulative operations, as functions and as array methods.

Every reduction takes NumPy's ``axis`` (None, an int or a tuple) and ``keepdims``.
Conventions (as JAX):

* max/min (and amax, amin, ptp): the cotangent is split equally among tied extremal
  elements;
* prod and cumprod: exact when the input has zeros (no division by the input); their
  second derivatives divide by the input, so they are valid where it has no zeros;
* var/std take ``ddof`` (and NumPy 2's ``correction``); std's derivative is infinite
  where the standard deviation is 0.
"""
import numpy as np

from .reduction_helpers import (average_weights, average_weights_vjp, cumprod_jvp, cumprod_vjp,
                                cumsum_vjp, extremum_weights, nan_weights, prod_others,
                                ptp_weights, reduced_count)
from .registry import ZERO, alias, defjvp, defvjp, describe, nondifferentiable

EXPAND = "expand_reduced(g, a, axis=axis, keepdims=keepdims)"

SUM = "a, axis=None, dtype=None, out=None, keepdims=False"
defvjp(np.sum, SUM, EXPAND)
defjvp(np.sum, SUM, "np.sum(a_dot, axis=axis, dtype=dtype, keepdims=keepdims)")
describe(np.sum, "also x.sum()")
alias(np.ndarray.sum, np.sum)

# divide the reduced cotangent, before it is broadcast (one pass over `a` fewer)
defvjp(np.mean, SUM, "expand_reduced(g / reduced_count(a, ans), a, axis=axis, keepdims=keepdims)")
defjvp(np.mean, SUM, "np.mean(a_dot, axis=axis, dtype=dtype, keepdims=keepdims)")
describe(np.mean, "also x.mean()")
alias(np.ndarray.mean, np.mean)

defvjp(np.prod, SUM, f"{EXPAND} * prod_others(a, axis)")
defjvp(np.prod, SUM, "np.sum(a_dot * prod_others(a, axis), axis=axis, keepdims=keepdims)")
describe(np.prod, "also x.prod(); exact with zeros in the input (second derivatives: not at zeros)")
alias(np.ndarray.prod, np.prod)

EXTREMUM = "a, axis=None, out=None, keepdims=False"
for _reduce in (np.max, np.amax, np.min, np.amin):
    defvjp(_reduce, EXTREMUM, f"{EXPAND} * extremum_weights(a, ans, axis, keepdims)")
    defjvp(_reduce, EXTREMUM,
           "np.sum(a_dot * extremum_weights(a, ans, axis, keepdims), axis=axis, keepdims=keepdims)")
    describe(_reduce, "ties: the cotangent is split equally among the tied elements")
alias(np.ndarray.max, np.max)
alias(np.ndarray.min, np.min)
describe(np.max, "also x.max(); ties: the cotangent is split equally among the tied elements")
describe(np.min, "also x.min(); ties: the cotangent is split equally among the tied elements")

defvjp(np.ptp, EXTREMUM, f"{EXPAND} * ptp_weights(a, axis)")
defjvp(np.ptp, EXTREMUM, "np.sum(a_dot * ptp_weights(a, axis), axis=axis, keepdims=keepdims)")
describe(np.ptp, "max - min; ties split equally")

VAR = "a, axis=None, dtype=None, out=None, ddof=0, keepdims=False, *, correction=None"
CENTERED = "(a - np.mean(a, axis=axis, keepdims=True))"
COUNT = "reduced_count(a, ans, ddof, correction)"
defvjp(np.var, VAR, f"{EXPAND} * {CENTERED} * (2.0 / {COUNT})")
defjvp(np.var, VAR, f"np.sum(a_dot * {CENTERED}, axis=axis, keepdims=keepdims) * (2.0 / {COUNT})")
describe(np.var, "also x.var(); ddof / correction")
alias(np.ndarray.var, np.var)

defvjp(np.std, VAR,
       f"expand_reduced(g / ans, a, axis=axis, keepdims=keepdims) * {CENTERED} / {COUNT}")
defjvp(np.std, VAR, f"np.sum(a_dot * {CENTERED}, axis=axis, keepdims=keepdims) / (ans * {COUNT})")
describe(np.std, "also x.std(); ddof / correction; infinite derivative where std is 0")
alias(np.ndarray.std, np.std)

NANSUM = "a, axis=None, dtype=None, out=None, keepdims=False"
defvjp(np.nansum, NANSUM, f"{EXPAND} * nan_weights(a, axis, False)")
defjvp(np.nansum, NANSUM, "np.sum(np.where(np.isnan(a), 0, a_dot), axis=axis, keepdims=keepdims)")
describe(np.nansum, "NaN entries get a zero derivative")
defvjp(np.nanmean, NANSUM, f"{EXPAND} * nan_weights(a, axis, True)")
defjvp(np.nanmean, NANSUM,
       "np.sum(np.where(np.isnan(a), 0, a_dot) * nan_weights(a, axis, True), axis=axis, "
       "keepdims=keepdims)")
describe(np.nanmean, "NaN entries get a zero derivative")

AVERAGE = "a, axis=None, weights=None, *, keepdims=False"
WEIGHTS = "average_weights(a, weights, axis)"
TOTAL_WEIGHT = f"np.sum({WEIGHTS}, axis=axis, keepdims=True)"
DEVIATION = "(a - np.average(a, axis, weights, keepdims=True))"
defvjp(np.average, AVERAGE,
       f"{EXPAND} * {WEIGHTS} / {TOTAL_WEIGHT}", None,
       f"average_weights_vjp({EXPAND} * {DEVIATION} / {TOTAL_WEIGHT}, a, weights, axis)")
defjvp(np.average, AVERAGE,
       f"np.sum(a_dot * {WEIGHTS}, axis=axis, keepdims=keepdims) "
       f"/ np.sum({WEIGHTS}, axis=axis, keepdims=keepdims)", None,
       f"np.sum(average_weights(a, weights_dot, axis) * {DEVIATION}, axis=axis, keepdims=keepdims) "
       f"/ np.sum({WEIGHTS}, axis=axis, keepdims=keepdims)")
describe(np.average, "weights differentiable too (same shape as a, or 1-d along axis); not returned=True")

CUMULATIVE = "a, axis=None, dtype=None, out=None"
defvjp(np.cumsum, CUMULATIVE, "cumsum_vjp(g, a, axis)")
defjvp(np.cumsum, CUMULATIVE, "np.cumsum(a_dot, axis=axis, dtype=dtype)")
describe(np.cumsum, "also x.cumsum()")
alias(np.ndarray.cumsum, np.cumsum)

defvjp(np.cumprod, CUMULATIVE, "cumprod_vjp(g, a, axis)")
defjvp(np.cumprod, CUMULATIVE, "cumprod_jvp(a, a_dot, axis)")
describe(np.cumprod, "also x.cumprod(); exact with zeros in the input (second derivatives: not at zeros)")
alias(np.ndarray.cumprod, np.cumprod)

# Boolean reductions carry no derivative (argmax / argmin / count_nonzero: see shape.py).
nondifferentiable(np.all, np.any, np.ndarray.all, np.ndarray.any)

# -- the helpers' own rules, so generated derivative code can be differentiated again --------
nondifferentiable(extremum_weights, ptp_weights, reduced_count, nan_weights)
describe(extremum_weights, "srcad helper: where a reduction attains its max / min, ties shared")
describe(ptp_weights, "srcad helper: max weights minus min weights")
describe(reduced_count, "srcad helper: the divisor of var / std")
describe(nan_weights, "srcad helper: the weights of nansum / nanmean")

# prod_others(x)_i = prod of x_k, k != i; its derivative divides by x (valid without zeros).
defvjp(prod_others, "x, axis=None", "(np.sum(g * ans, axis=axis, keepdims=True) - g * ans) / x")
defjvp(prod_others, "x, axis=None", "ans * (np.sum(x_dot / x, axis=axis, keepdims=True) - x_dot / x)")
describe(prod_others, "srcad helper: the derivative of np.prod; its own derivative needs x != 0")

defvjp(cumsum_vjp, "cot, x, axis=None", "np.cumsum(g, axis=axis)", ZERO)
defjvp(cumsum_vjp, "cot, x, axis=None", "cumsum_vjp(cot_dot, x, axis)", ZERO)
describe(cumsum_vjp, "srcad helper: reversed cumulative sum")

# cumprod_jvp(x, t) = cumprod(x) * cumsum(t / x) and cumprod_vjp(cot, x) = R(cot * cumprod(x)) / x
# (R: cumsum_vjp) where x has no zeros; their x-derivatives follow from those forms.
defvjp(cumprod_jvp, "x, t, axis=None",
       "cumprod_vjp(g * np.cumsum(t / x, axis=axis), x, axis) "
       "- cumsum_vjp(g * np.cumprod(x, axis=axis), x, axis) * t / x ** 2",
       "cumprod_vjp(g, x, axis)")
defjvp(cumprod_jvp, "x, t, axis=None",
       "cumprod_jvp(x, x_dot, axis) * np.cumsum(t / x, axis=axis) "
       "- np.cumprod(x, axis=axis) * np.cumsum(t * x_dot / x ** 2, axis=axis)",
       "cumprod_jvp(x, t_dot, axis)")
describe(cumprod_jvp, "srcad helper: the JVP of np.cumprod; its x-derivative needs x != 0")
defvjp(cumprod_vjp, "cot, x, axis=None", "cumprod_jvp(x, g, axis)",
       "cumprod_vjp(cot * np.cumsum(g / x, axis=axis), x, axis) - g * ans / x")
defjvp(cumprod_vjp, "cot, x, axis=None", "cumprod_vjp(cot_dot, x, axis)",
       "cumsum_vjp(cot * cumprod_jvp(x, x_dot, axis), x, axis) / x - ans * x_dot / x")
describe(cumprod_vjp, "srcad helper: the VJP of np.cumprod; its x-derivative needs x != 0")

defvjp(average_weights, "a, weights, axis=None", ZERO, "average_weights_vjp(g, a, weights, axis)")
defjvp(average_weights, "a, weights, axis=None", ZERO, "average_weights(a, weights_dot, axis)")
describe(average_weights, "srcad helper: np.average's weights broadcast to a")
defvjp(average_weights_vjp, "cot, a, weights, axis=None", "average_weights(a, g, axis)", ZERO, ZERO)
defjvp(average_weights_vjp, "cot, a, weights, axis=None",
       "average_weights_vjp(cot_dot, a, weights, axis)", ZERO, ZERO)
describe(average_weights_vjp, "srcad helper: sums a cotangent back to np.average's weights")
