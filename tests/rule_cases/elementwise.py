"""Rule cases for elementwise functions, operators and elementwise methods
(srcad/rules/elementwise.py), and for scipy.special's elementwise functions when SciPy is
installed (srcad/rules/scipy_special.py).

Each function is a module-level def (srcad reads its source); CASES lists the checks. Unary
functions run on a Python float, a 0-d array, a vector and a matrix; binary ones on
broadcasting pairs. ``extra["float32"]`` also checks that float32 inputs get float32
derivatives in both modes.
"""
import operator

import numpy as np

from . import RuleCase, uniform

F32 = {"float32": True}
SCALAR_AND_ARRAYS = ["float", (), (5,), (3, 4)]


def shape_id(shape):
    return shape if isinstance(shape, str) else "x".join(map(str, shape)) or "0d"


def signed(shape, low, high, seed=0):
    """Values with magnitude in [low, high] and a random sign (away from 0)."""
    rng = np.random.default_rng(seed + 1000)
    magnitude = uniform(shape, low, high, seed)
    if shape == "float":
        return float(magnitude * rng.choice([-1.0, 1.0]))
    return np.asarray(magnitude * rng.choice([-1.0, 1.0], np.shape(magnitude)))


# ---------------------------------------------------------------------------------------
# Unary functions
# ---------------------------------------------------------------------------------------

def np_sin(x):
    return np.sin(x)


def np_cos(x):
    return np.cos(x)


def np_tan(x):
    return np.tan(x)


def np_arcsin(x):
    return np.arcsin(x)


def np_arccos(x):
    return np.arccos(x)


def np_arctan(x):
    return np.arctan(x)


def np_sinh(x):
    return np.sinh(x)


def np_cosh(x):
    return np.cosh(x)


def np_tanh(x):
    return np.tanh(x)


def np_arcsinh(x):
    return np.arcsinh(x)


def np_arccosh(x):
    return np.arccosh(x)


def np_arctanh(x):
    return np.arctanh(x)


def np_exp(x):
    return np.exp(x)


def np_exp2(x):
    return np.exp2(x)


def np_expm1(x):
    return np.expm1(x)


def np_log(x):
    return np.log(x)


def np_log2(x):
    return np.log2(x)


def np_log10(x):
    return np.log10(x)


def np_log1p(x):
    return np.log1p(x)


def np_sqrt(x):
    return np.sqrt(x)


def np_cbrt(x):
    return np.cbrt(x)


def np_square(x):
    return np.square(x)


def np_reciprocal(x):
    return np.reciprocal(x)


def np_abs(x):
    return np.abs(x)


def np_absolute(x):
    return np.absolute(x)


def op_abs(x):
    return operator.abs(x)


def np_fabs(x):
    return np.fabs(x)


def np_sinc(x):
    return np.sinc(x)


def np_deg2rad(x):
    return np.deg2rad(x)


def np_radians(x):
    return np.radians(x)


def np_rad2deg(x):
    return np.rad2deg(x)


def np_degrees(x):
    return np.degrees(x)


def np_negative(x):
    return np.negative(x)


def neg_op(x):
    return -x


def np_positive(x):
    return np.positive(x)


def pos_op(x):
    return +x


def np_real(x):
    return np.real(x)


def np_imag(x):
    return np.imag(x) + x


def np_conj(x):
    return np.conj(x)


def np_conjugate(x):
    return np.conjugate(x)


def attr_real(x):
    return x.real


def attr_imag(x):
    return x.imag + 2.0 * x


def method_conj(x):
    return x.conj()


def method_conjugate(x):
    return x.conjugate()


ANY, SMALL, UNIT, POS, ABOVE1, NONZERO = (-2.0, 2.0), (-1.2, 1.2), (-0.9, 0.9), (0.3, 3.0), \
    (1.2, 3.0), "nonzero"

UNARY = [
    (np.sin, np_sin, ANY, True), (np.cos, np_cos, ANY, False), (np.tan, np_tan, SMALL, False),
    (np.arcsin, np_arcsin, UNIT, True), (np.arccos, np_arccos, UNIT, False),
    (np.arctan, np_arctan, ANY, False), (np.sinh, np_sinh, ANY, False),
    (np.cosh, np_cosh, ANY, False), (np.tanh, np_tanh, ANY, True),
    (np.arcsinh, np_arcsinh, ANY, False), (np.arccosh, np_arccosh, ABOVE1, False),
    (np.arctanh, np_arctanh, UNIT, False), (np.exp, np_exp, ANY, True),
    (np.exp2, np_exp2, ANY, True), (np.expm1, np_expm1, ANY, False), (np.log, np_log, POS, True),
    (np.log2, np_log2, POS, True), (np.log10, np_log10, POS, False),
    (np.log1p, np_log1p, (-0.5, 2.0), True), (np.sqrt, np_sqrt, POS, True),
    (np.cbrt, np_cbrt, NONZERO, True), (np.square, np_square, ANY, False),
    (np.reciprocal, np_reciprocal, NONZERO, True), (np.abs, np_abs, NONZERO, True),
    (np.absolute, np_absolute, NONZERO, False), (operator.abs, op_abs, NONZERO, False),
    (np.fabs, np_fabs, NONZERO, False), (np.sinc, np_sinc, ANY, True),
    (np.deg2rad, np_deg2rad, ANY, True), (np.radians, np_radians, ANY, False),
    (np.rad2deg, np_rad2deg, ANY, False), (np.degrees, np_degrees, ANY, False),
    (np.negative, np_negative, ANY, True), (operator.neg, neg_op, ANY, True),
    (np.positive, np_positive, ANY, False), (operator.pos, pos_op, ANY, False),
    (np.real, np_real, ANY, True), (np.imag, np_imag, ANY, True), (np.conj, np_conj, ANY, False),
    (np.conjugate, np_conjugate, ANY, False),
]
ARRAY_ONLY = [(np.ndarray.real, attr_real, ANY, True), (np.ndarray.imag, attr_imag, ANY, True),
              (np.ndarray.conj, method_conj, ANY, True), (np.ndarray.conjugate, method_conjugate, ANY, False)]


def _input(domain, shape, seed):
    if domain == NONZERO:
        return signed(shape, 0.3, 1.5, seed)
    return uniform(shape, *domain, seed=seed)


CASES = []
for _i, (_fn, _f, _domain, _f32) in enumerate(UNARY):
    for _shape in SCALAR_AND_ARRAYS:
        CASES.append(RuleCase((_fn,), _f, (_input(_domain, _shape, _i),), name=shape_id(_shape)))
    if _f32:
        CASES.append(RuleCase((_fn,), _f, (_input(_domain, (2, 3), _i),), name="float32", extra=F32))
for _i, (_fn, _f, _domain, _f32) in enumerate(ARRAY_ONLY):
    for _shape in [(), (5,), (3, 4)]:
        CASES.append(RuleCase((_fn,), _f, (_input(_domain, _shape, _i),), name=shape_id(_shape)))
    CASES.append(RuleCase((_fn,), _f, (_input(_domain, (2, 3), _i),), name="float32", extra=F32))


def sinc_at_zero(x):
    return np.sinc(x * 0.0) + np.sinc(x - x)


CASES += [
    RuleCase((np.sinc,), np_sinc, (np.array([0.0, 0.5, -1.5]),), name="at_zero"),
    RuleCase((np.sinc,), sinc_at_zero, (uniform((3,), seed=1),)),
]


# Composites: a rule applied to a computed value, with a reduction on top.

def chain_sin_exp(x):
    return np.sum(np.sin(np.exp(x)) * np.cos(x))


def chain_log_sqrt(x):
    return np.sum(np.log(np.sqrt(x) + 1.0))


def chain_tanh_tan(x):
    return np.tanh(np.tan(x)) * np.abs(x)


def chain_inverse_trig(x):
    return np.arcsin(np.tanh(x)) + np.arccos(np.sin(x) * 0.5) * np.arctan(x ** 2)


def chain_logs(x):
    return np.log2(np.exp2(x) + 1.0) - np.log10(np.cosh(x)) + np.expm1(np.log1p(x * x))


for _shape in SCALAR_AND_ARRAYS:
    CASES += [
        RuleCase((np.sin, np.exp, np.cos, np.sum), chain_sin_exp, (uniform(_shape, seed=2),),
                 name=shape_id(_shape)),
        RuleCase((np.log, np.sqrt), chain_log_sqrt, (uniform(_shape, 0.5, 2.0, seed=3),),
                 name=shape_id(_shape)),
        RuleCase((np.tanh, np.tan, np.abs), chain_tanh_tan, (signed(_shape, 0.2, 1.0, seed=4),),
                 name=shape_id(_shape)),
        RuleCase((np.arcsin, np.arccos, np.arctan), chain_inverse_trig, (uniform(_shape, seed=5),),
                 name=shape_id(_shape)),
        RuleCase((np.log2, np.exp2, np.log10, np.expm1, np.log1p), chain_logs,
                 (uniform(_shape, seed=6),), name=shape_id(_shape)),
    ]


# ---------------------------------------------------------------------------------------
# Binary functions and operators, with broadcasting
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


def op_mod(x, y):
    return x % y


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


def np_float_power(x, y):
    return np.float_power(x, y)


def np_remainder(x, y):
    return np.remainder(x, y)


def np_mod(x, y):
    return np.mod(x, y)


def np_fmod(x, y):
    return np.fmod(x, y)


def np_maximum(x, y):
    return np.maximum(x, y)


def np_minimum(x, y):
    return np.minimum(x, y)


def np_fmax(x, y):
    return np.fmax(x, y)


def np_fmin(x, y):
    return np.fmin(x, y)


def np_hypot(x, y):
    return np.hypot(x, y)


def np_arctan2(x, y):
    return np.arctan2(x, y)


def np_logaddexp(x, y):
    return np.logaddexp(x, y)


def np_logaddexp2(x, y):
    return np.logaddexp2(x, y)


def np_copysign(x, y):
    return np.copysign(x, y)


BINARY = [
    # (callable, function, x domain, y domain, float32 check)
    (operator.add, op_add, ANY, ANY, True), (operator.sub, op_sub, ANY, ANY, True),
    (operator.mul, op_mul, ANY, ANY, True), (operator.truediv, op_div, ANY, NONZERO, True),
    (operator.pow, op_pow, POS, ANY, True), (operator.mod, op_mod, ANY, NONZERO, False),
    (np.add, np_add, ANY, ANY, False), (np.subtract, np_subtract, ANY, ANY, False),
    (np.multiply, np_multiply, ANY, ANY, False), (np.true_divide, np_true_divide, ANY, NONZERO, False),
    (np.divide, np_divide, ANY, NONZERO, False), (np.power, np_power, POS, ANY, True),
    (np.float_power, np_float_power, POS, ANY, False), (np.remainder, np_remainder, ANY, NONZERO, False),
    (np.mod, np_mod, ANY, NONZERO, False), (np.fmod, np_fmod, ANY, NONZERO, True),
    (np.maximum, np_maximum, ANY, ANY, True), (np.minimum, np_minimum, ANY, ANY, False),
    (np.fmax, np_fmax, ANY, ANY, True), (np.fmin, np_fmin, ANY, ANY, False),
    (np.hypot, np_hypot, NONZERO, NONZERO, True), (np.arctan2, np_arctan2, NONZERO, NONZERO, True),
    (np.logaddexp, np_logaddexp, ANY, ANY, True), (np.logaddexp2, np_logaddexp2, ANY, ANY, False),
    (np.copysign, np_copysign, NONZERO, NONZERO, True),
]

BROADCAST_PAIRS = [
    ("float", "float"), ((), ()), ((5,), (5,)), ((3, 4), (3, 4)), ((3, 1), (1, 4)),
    ((3, 4), (4,)), ((4,), (3, 4)), ((2, 3, 4), (3, 1)), ("float", (3, 4)), ((3, 4), "float"),
    ((), (3, 4)), ((3, 4), ()), ("float", ()),
]

for _i, (_fn, _f, _xd, _yd, _f32) in enumerate(BINARY):
    for _xs, _ys in BROADCAST_PAIRS:
        CASES.append(RuleCase((_fn,), _f, (_input(_xd, _xs, 10 + _i), _input(_yd, _ys, 40 + _i)),
                              wrt=(0, 1), name=f"{shape_id(_xs)}-{shape_id(_ys)}"))
    for _wrt in (0, 1):   # only one operand differentiated; the other is a constant
        CASES.append(RuleCase((_fn,), _f, (_input(_xd, (3, 1), 70 + _i), _input(_yd, (4,), 90 + _i)),
                              wrt=(_wrt,), name=f"wrt{_wrt}"))
    if _f32:
        CASES.append(RuleCase((_fn,), _f, (_input(_xd, (3, 1), _i), _input(_yd, (4,), _i)),
                              wrt=(0, 1), name="float32", extra=F32))


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


def c_mod_const(x):
    return x % 0.75


def c_hypot_const(x):
    return np.hypot(x, 3.0)


def c_float_power_int(x):
    return np.float_power(x, 2)


def neg_of_product(x, y):
    return -(x * y)


def neg_then_exp(x, y):
    return np.exp(-x) + np.negative(y)


CONSTANT_CASES = [
    ((operator.add,), c_radd, ANY), ((operator.sub,), c_rsub, ANY), ((operator.mul,), c_rmul, ANY),
    ((operator.truediv,), c_rdiv, NONZERO), ((operator.truediv,), c_div, ANY),
    ((operator.pow,), c_pow2, ANY), ((operator.pow,), c_pow3f, ANY), ((operator.pow,), c_pow_half, POS),
    ((operator.pow,), c_pow_neg, NONZERO), ((operator.pow,), c_rpow, ANY),
    ((np.power,), c_np_power3, ANY), ((operator.mul,), c_square_self, ANY),
    ((operator.truediv, operator.mul, operator.add), c_self_ratio, ANY),
    ((operator.pow,), c_self_power, POS), ((np.maximum,), c_max_const, ANY),
    ((np.minimum,), c_min_const, ANY), ((operator.sub, operator.mul), c_sub_self, ANY),
    ((operator.mod,), c_mod_const, (0.1, 2.0)), ((np.hypot,), c_hypot_const, ANY),
    ((np.float_power,), c_float_power_int, POS),
]
for _i, (_fns, _f, _domain) in enumerate(CONSTANT_CASES):
    for _shape in SCALAR_AND_ARRAYS:
        CASES.append(RuleCase(_fns, _f, (_input(_domain, _shape, 120 + _i),), name=shape_id(_shape)))

for _xs, _ys in [("float", "float"), ((3, 4), (3, 4)), ((3, 1), (1, 4)), ("float", (3, 4))]:
    _name = f"{shape_id(_xs)}-{shape_id(_ys)}"
    CASES += [
        RuleCase((operator.neg, operator.mul), neg_of_product,
                 (uniform(_xs, seed=9), uniform(_ys, seed=10)), wrt=(0, 1), name=_name),
        RuleCase((operator.neg, np.negative, np.exp), neg_then_exp,
                 (uniform(_xs, seed=9), uniform(_ys, seed=10)), wrt=(0, 1), name=_name),
    ]


def rpow_base_argument(x, base):
    return np.sum(base ** x)


def np_power_base_argument(x, base):
    return np.sum(np.power(base, x))


def arith_consts(x):
    return np.sum(2.0 * x + x / 3.0 - 1.5 ** x + x ** 2 - 0.5 - x)


for _base in (1.5, 2):
    CASES += [
        RuleCase((operator.pow,), rpow_base_argument, (uniform((2, 3), seed=57), _base),
                 name=f"base={_base}", extra=F32),
        RuleCase((np.power,), np_power_base_argument, (uniform((2, 3), seed=57), _base),
                 name=f"base={_base}", extra=F32),
    ]
CASES.append(RuleCase((operator.mul, operator.truediv, operator.pow, operator.add, operator.sub),
                      arith_consts, (uniform((2, 3), seed=53),), extra=F32))


# NaN operands of fmax / fmin lose (and get a zero derivative).

NAN_PAIR = (np.array([np.nan, 1.0, -0.5, 2.0]), np.array([0.3, np.nan, 0.7, -1.0]))
CASES += [
    RuleCase((np.fmax,), np_fmax, NAN_PAIR, wrt=(0, 1), name="nan"),
    RuleCase((np.fmin,), np_fmin, NAN_PAIR, wrt=(0, 1), name="nan"),
]


# ---------------------------------------------------------------------------------------
# Selection: np.where, np.clip, x.clip
# ---------------------------------------------------------------------------------------

def where_xy(x, y):
    return np.where(x > 0.0, x, y)


def where_scalar_other(x):
    return np.where(x > 0.5, x, 0.0)


def where_condition_from_y(x, y, c):
    return np.where(c > 0.0, x * y, y)


def clip_literals(x):
    return np.clip(x, -0.5, 0.7)


def clip_arrays(x, lo, hi):
    return np.clip(x, lo, hi)


def clip_keywords(x, lo):
    return np.clip(x, min=lo, max=0.9)


def clip_upper_only(x):
    return np.clip(x, None, 0.3)


def clip_lower_keyword(x):
    return np.clip(x, a_min=-0.2, a_max=None)


def method_clip(x, hi):
    return x.clip(-1.0, hi)


def method_clip_lower(x):
    return x.clip(0.1)


def method_clip_max_keyword(x):
    return x.clip(max=0.2)


def clip_computed(x):
    return np.sum(np.clip(np.sin(x) * 2.0, -1.0, 1.0) ** 2)


for _shape in [(), (5,), (3, 4)]:
    _n = shape_id(_shape)
    CASES += [
        RuleCase((np.where,), where_xy, (uniform(_shape, seed=20), uniform(_shape, seed=21)),
                 wrt=(0, 1), name=_n),
        RuleCase((np.where,), where_scalar_other, (uniform(_shape, seed=22),), name=_n),
        RuleCase((np.clip,), clip_literals, (uniform(_shape, seed=23),), name=_n),
        RuleCase((np.clip,), clip_upper_only, (uniform(_shape, seed=24),), name=_n),
        RuleCase((np.clip,), clip_lower_keyword, (uniform(_shape, seed=25),), name=_n),
        RuleCase((np.ndarray.clip,), method_clip_lower, (uniform(_shape, seed=26),), name=_n),
        RuleCase((np.ndarray.clip,), method_clip_max_keyword, (uniform(_shape, seed=27),), name=_n),
        RuleCase((np.clip, np.sin), clip_computed, (uniform(_shape, seed=28),), name=_n),
    ]
CASES += [
    RuleCase((np.where,), where_condition_from_y,
             (uniform((3, 1), seed=29), uniform((4,), seed=30), uniform((3, 4), seed=31)),
             wrt=(0, 1), name="broadcast"),
    RuleCase((np.where,), where_xy, (uniform((3, 4), seed=32), uniform((4,), seed=33)),
             wrt=(0, 1), name="float32", extra=F32),
    RuleCase((np.clip,), clip_arrays,
             (uniform((3, 4), seed=34), uniform((4,), -1.0, -0.2, seed=35), uniform((3, 1), 0.2, 1.0, seed=36)),
             wrt=(0, 1, 2), name="broadcast"),
    RuleCase((np.clip,), clip_arrays,
             (uniform((3, 4), seed=37), uniform((3, 4), -1.0, 0.0, seed=38), uniform((3, 4), 0.0, 1.0, seed=39)),
             wrt=(0, 1, 2), name="float32", extra=F32),
    RuleCase((np.clip,), clip_keywords, (uniform((3, 4), seed=40), -0.3), wrt=(0, 1), name="scalar_bound"),
    RuleCase((np.clip,), clip_keywords, (uniform((3, 4), seed=41), uniform((4,), -1.0, 0.5, seed=42)),
             wrt=(0, 1), name="array_bound"),
    RuleCase((np.ndarray.clip,), method_clip, (uniform((3, 4), seed=43), uniform((4,), 0.0, 1.0, seed=44)),
             wrt=(0, 1)),
    RuleCase((np.ndarray.clip,), method_clip, (uniform((3, 4), seed=45), uniform((4,), 0.0, 1.0, seed=46)),
             wrt=(0, 1), name="float32", extra=F32),
]


# ---------------------------------------------------------------------------------------
# scipy.special (only when SciPy is installed; the rules are not registered otherwise)
# ---------------------------------------------------------------------------------------

try:
    import scipy.special
except ImportError:
    scipy = None


def sp_erf(x):
    return scipy.special.erf(x)


def sp_erfc(x):
    return scipy.special.erfc(x)


def sp_erfinv(x):
    return scipy.special.erfinv(x)


def sp_expit(x):
    return scipy.special.expit(x)


def sp_logit(x):
    return scipy.special.logit(x)


def sp_ndtr(x):
    return scipy.special.ndtr(x)


def sp_log_ndtr(x):
    return scipy.special.log_ndtr(x)


def sp_ndtri(x):
    return scipy.special.ndtri(x)


def sp_entr(x):
    return scipy.special.entr(x)


def sp_gammaln(x):
    return scipy.special.gammaln(x)


def sp_gamma(x):
    return scipy.special.gamma(x)


def sp_digamma(x):
    return scipy.special.digamma(x)


def sp_psi(x):
    return scipy.special.psi(x)


def sp_polygamma(x):
    return scipy.special.polygamma(2, x)


def sp_xlogy(x, y):
    return scipy.special.xlogy(x, y)


def sp_xlog1py(x, y):
    return scipy.special.xlog1py(x, y)


if scipy is not None:
    _special = scipy.special
    SCIPY_UNARY = [
        (_special.erf, sp_erf, ANY, True), (_special.erfc, sp_erfc, ANY, False),
        (_special.erfinv, sp_erfinv, UNIT, False), (_special.expit, sp_expit, ANY, True),
        (_special.logit, sp_logit, (0.1, 0.9), False), (_special.ndtr, sp_ndtr, ANY, False),
        (_special.log_ndtr, sp_log_ndtr, ANY, False), (_special.ndtri, sp_ndtri, (0.1, 0.9), False),
        (_special.entr, sp_entr, POS, False), (_special.gammaln, sp_gammaln, POS, False),
        (_special.gamma, sp_gamma, POS, False), (_special.digamma, sp_digamma, POS, False),
        (_special.psi, sp_psi, POS, False), (_special.polygamma, sp_polygamma, (0.5, 3.0), False),
    ]
    for _i, (_fn, _f, _domain, _f32) in enumerate(SCIPY_UNARY):
        for _shape in ["float", (5,), (3, 4)]:
            CASES.append(RuleCase((_fn,), _f, (_input(_domain, _shape, 200 + _i),),
                                  name=shape_id(_shape)))
        if _f32:
            CASES.append(RuleCase((_fn,), _f, (_input(_domain, (2, 3), _i),), name="float32",
                                  extra=F32))
    for _fn, _f in [(_special.xlogy, sp_xlogy), (_special.xlog1py, sp_xlog1py)]:
        for _xs, _ys in [((5,), (5,)), ((3, 1), (4,)), ("float", (3, 4))]:
            CASES.append(RuleCase((_fn,), _f, (uniform(_xs, seed=250), uniform(_ys, 0.3, 2.0, seed=251)),
                                  wrt=(0, 1), name=f"{shape_id(_xs)}-{shape_id(_ys)}"))
