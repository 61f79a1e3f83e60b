"""NumPy helpers that the elementwise and Python-scalar rule templates call.

Each helper is a pure function of its arguments. Those whose value carries a derivative
have rules of their own (registered in elementwise.py and pymath.py), so generated code
that calls them can be differentiated again; those that only compute piecewise-constant
weights (masks, tie shares) are registered as non-differentiable, which is exact: their
derivative is zero wherever it exists.

Weights are returned in the floating dtype of the inputs (``np.result_type(x, 1.0)``), so
a float32 cotangent multiplied by them stays float32.
"""
import math

import numpy as np

from .. import arrays, runtime


def _float_dtype(*values):
    return np.result_type(*[v for v in values if v is not None], 1.0)


def power_log(x, like):
    """``log(x)`` in the dtype of ``x ** y`` (`like`), with ``log(0)`` taken as 0.

    It is the factor of d(x ** y)/dy = x ** y * log(x). At x == 0 (and y > 0) x ** y is the
    constant 0, so the derivative is 0, as in JAX and autograd; 0 * log(0) would be nan.
    A Python-float base keeps a float32 exponent's derivative float32.
    """
    x = arrays.as_float(x, like)
    return np.log(np.where(x == 0, 1, x))


def scaled_power(c, x, e, power=None):
    """``c * x ** e`` (``c * power(x, e)``), and 0 wherever c == 0, whatever x ** e is there.

    d(x ** y)/dx is ``scaled_power(y, x, y - 1)``: at y == 0, x ** y is the constant 1 and its
    derivative 0, also at x == 0, where ``0 * x ** -1`` would be nan (a ZeroDivisionError for
    a Python float). The exponent is taken as 0 where c == 0, so nothing is infinite there.
    Its own derivative in x is ``scaled_power(c * e, x, e - 1)``: zero again where a factor is.
    """
    e = e * (c != 0)
    return c * (x ** e if power is None else power(x, e))


def clip_weight(part, a, lo=None, hi=None, lo2=None, hi2=None):
    """The derivative of ``np.clip(a, lo, hi)`` w.r.t. `part` ("a", "lo" or "hi").

    `lo2` / `hi2` are the keyword spellings ``min=`` / ``max=`` (used when `lo` / `hi` is
    None). np.clip is ``minimum(maximum(a, lo), hi)``; ties split the derivative 0.5/0.5
    as in np.maximum / np.minimum (JAX's convention).
    """
    lo = lo2 if lo is None else lo
    hi = hi2 if hi is None else hi
    if lo is None:
        through, low = 1.0, 0.0
        clipped_below = a
    else:
        through = _tie_weight(a > lo, a == lo, a, lo)
        low = _tie_weight(lo > a, a == lo, a, lo)
        clipped_below = np.maximum(a, lo)
    if hi is None:
        inside, high = 1.0, 0.0
    else:
        inside = _tie_weight(clipped_below < hi, clipped_below == hi, a, hi)
        high = _tie_weight(hi < clipped_below, clipped_below == hi, a, hi)
    weight = {"a": through * inside, "lo": low * inside, "hi": high}[part]
    return arrays.as_float(weight, a, lo, hi)


def _tie_weight(wins, ties, *values):
    """1 where `wins`, 0.5 where `ties`, else 0, in the floating dtype of `values`."""
    if arrays.foreign(wins, ties) is None:
        return np.asarray(wins + 0.5 * ties, _float_dtype(*values))
    xp = arrays.namespace(wins, ties)
    dtype = arrays.float_dtype(*values)
    return xp.where(ties, xp.asarray(0.5, dtype=dtype), xp.astype(wins, dtype)) if xp is not np \
        else np.where(ties, 0.5, wins).astype(dtype)


def maximum_weight(x, y, larger):
    """d maximum(x, y)/dx (`larger`) or d minimum(x, y)/dx: 1 where x wins, 0 where y wins,
    0.5 on a tie (as in JAX). Without a tie, the usual case, it is the bool mask itself
    (three passes over the data fewer than computing the tie share)."""
    wins = (x > y) if larger else (x < y)
    ties = x == y
    if type(ties) is not np.ndarray and arrays.foreign(ties) is not None:   # no data branch
        return _tie_weight(wins, ties, x, y)
    if not (ties.any() if isinstance(ties, np.ndarray | np.generic) else ties):
        return wins
    dtype = _float_dtype(x, y)
    return np.asarray(wins + 0.5 * ties * np.ones((), dtype), dtype)


def fmax_weight(x, y, larger):
    """d fmax(x, y)/dx (`larger`) or d fmin(x, y)/dx: like maximum/minimum, but a NaN
    operand loses (fmax ignores NaN), and ties split 0.5/0.5."""
    wins = ((x > y) if larger else (x < y)) | (np.isnan(y) & ~np.isnan(x))
    return _tie_weight(wins, x == y, x, y)


def match_real(x, value):
    """`value` as a cotangent of `x`: its real part when `x` is real (np.real / np.imag)."""
    return value if np.iscomplexobj(x) else np.real(value)


def extremum_share(ans, position, args):
    """The share of ``args[position]`` in ``ans = max(*args)`` (or ``min``).

    For several arguments: 1 / (number of arguments equal to `ans`) for a tied winner,
    0 otherwise (ties split equally, as in JAX). For a single iterable argument
    (``max(x)`` of a 1-d array): that weight for each element of it.
    """
    if len(args) == 1:
        items = args[0] if arrays.is_array(args[0]) else np.asarray(args[0])
        hits = items == ans
        return hits / arrays.as_float(np.sum(hits), items)
    hits = [bool(np.all(value == ans)) for value in args]
    return 1.0 / sum(hits) if hits[position] else 0.0


def sum_items_vjp(g, items):
    """Cotangents of the items of builtin ``sum(items)``: one per item of a list or tuple
    (with broadcasting undone), or for an array the cotangent of each of its rows."""
    if isinstance(items, (list, tuple)):
        return [runtime.unbroadcast(g, item) for item in items]
    return np.broadcast_to(g, np.shape(items))


def sum_cotangents(cotangents, like):
    """The adjoint of `sum_items_vjp` in its cotangent: the items' cotangents (a list, or the
    rows of an array) summed back to the shape of `like`."""
    if isinstance(cotangents, (list, tuple)):
        return sum(runtime.broadcast_as(c, like) for c in cotangents)
    return runtime.unbroadcast(cotangents, like)


def sum_items_jvp(tangents, like):
    """Tangent of builtin ``sum(items)``: the sum of the items' tangents (a list or tuple),
    or for an array the sum of its rows."""
    if isinstance(tangents, (list, tuple)):
        return runtime.broadcast_as(sum(tangents), like)
    return np.sum(tangents, axis=0)


_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)


def scalar_polygamma(n, x):
    """The polygamma function psi^(n)(x) of a Python float (psi^(0) is digamma).

    The recurrence psi^(n)(x) = psi^(n)(x + 1) - (-1)^n n! / x^(n + 1) moves x above 10,
    where the asymptotic series is accurate to double precision. For the derivatives of
    math.gamma and math.lgamma without SciPy.
    """
    n, x = int(n), float(x)
    if x <= 0 and x == math.floor(x):
        return math.nan
    shift = 0.0
    sign = -1.0 if n % 2 else 1.0           # (-1) ** n
    factorial = math.factorial(n)
    while x < 10.0:
        shift -= sign * factorial / x ** (n + 1)
        x += 1.0
    if n == 0:
        series = math.log(x) - 0.5 / x
        for k, b in enumerate(_BERNOULLI, start=1):
            series -= b / (2 * k * x ** (2 * k))
    else:
        series = math.factorial(n - 1) / x ** n + factorial / (2 * x ** (n + 1))
        for k, b in enumerate(_BERNOULLI, start=1):
            series += b * math.factorial(2 * k + n - 1) / (math.factorial(2 * k) * x ** (2 * k + n))
        series *= -sign                      # (-1) ** (n + 1)
    return series + shift


# -- np.interp: per point, a line between the two knots of its segment ----------------------

def _interp_segment(x, xp):
    """The index i of the segment ``[xp[i], xp[i + 1]]`` np.interp interpolates on for each
    point of x (at a knot the segment to its right, at ``xp[-1]`` the last one)."""
    xp = np.asarray(xp)
    if len(xp) < 2:
        raise NotImplementedError("srcad: np.interp has a derivative rule for two or more "
                                  "points xp")
    return np.clip(np.searchsorted(xp, x, side="right") - 1, 0, len(xp) - 2)


def interp_knots(v, x, xp, side):
    """`v` (xp, fp or a tangent of one) at the left (`side` 0) or right (1) knot of the
    segment under each point of x: linear in v; the segment does not change under small
    changes of x and xp (derivative zero a.e.)."""
    return np.take(np.asarray(v), _interp_segment(x, xp) + side)


def interp_knots_vjp(cot, v, x, xp, side):
    """The adjoint of `interp_knots` in v: each point's cotangent added at its knot."""
    out = np.zeros(np.shape(v), dtype=_float_dtype(cot))
    np.add.at(out, _interp_segment(x, xp) + side, cot)
    return out


def _interp_sides(x, xp, period):
    if period is not None:
        raise NotImplementedError("srcad: np.interp has a derivative rule without `period` "
                                  "only (interpolate x % period on sorted, padded points)")
    xp = np.asarray(xp)
    return np.less(x, xp[0]), np.greater(x, xp[-1])


def interp_inside(x, xp, period=None):
    """1 where x is inside ``[xp[0], xp[-1]]`` (where np.interp interpolates), else 0."""
    below, above = _interp_sides(x, xp, period)
    return np.asarray(~(below | above), _float_dtype(x))[()]


def interp_outside(x, xp, side, period=None):
    """1 where x is left of xp (`side` "left") or right of it ("right"), else 0: the
    derivative of ``np.interp(x, xp, fp, left, right)`` w.r.t. `left` / `right`."""
    below, above = _interp_sides(x, xp, period)
    return np.asarray(below if side == "left" else above, _float_dtype(x))[()]


def interp_end(x, xp, bound, side):
    """1 where x is outside xp on `side` and its `bound` (np.interp's left / right) is None,
    so that np.interp repeats the end value fp[0] / fp[-1] there; else 0."""
    if bound is not None:
        return np.zeros(np.shape(x), _float_dtype(x))[()]
    return interp_outside(x, xp, side)


# -- np.polyval: coefficients highest power first --------------------------------------------

def poly_derivative(p):
    """The coefficients of the derivative of the polynomial `p` (np.polyder for a 1-d `p`,
    one coefficient fewer, also for a constant)."""
    p = np.asarray(p)
    n = p.shape[0]
    return p[:-1] * np.arange(n - 1, 0, -1, dtype=_float_dtype(p))


def poly_derivative_vjp(cot, p):
    """The adjoint of `poly_derivative`: the cotangent of the coefficients `p`."""
    cot = np.asarray(cot)
    n = np.shape(p)[0]
    scaled = cot * np.arange(n - 1, 0, -1, dtype=_float_dtype(cot))
    return np.concatenate([scaled, np.zeros(1, dtype=scaled.dtype)])


def polyval_vjp_p(cot, p, x):
    """The cotangent of the coefficients in ``np.polyval(p, x)``: sum(cot * x ** k) for the
    power k of each coefficient (`p` gives only their number)."""
    n = np.shape(p)[0]
    x = np.asarray(x)
    powers = np.expand_dims(x, -1) ** np.arange(n - 1, -1, -1)
    weighted = np.expand_dims(np.broadcast_to(cot, np.shape(x)), -1) * powers
    return np.reshape(weighted, (-1, n)).sum(axis=0)
