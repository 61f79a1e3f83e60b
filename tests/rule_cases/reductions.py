"""Rule cases for reductions and cumulative operations (srcad/rules/reductions.py), and for
scipy.special's reductions (logsumexp, softmax, log_softmax) when SciPy is installed.

Each reduction runs with axis None / int / negative int / tuple (in both orders), with and
without keepdims, and in its literal spellings (positional axis, methods). Inputs are
random, so max/min have no ties (the tie convention is tested in test_rule_table.py).
"""
import numpy as np

from . import RuleCase, uniform

F32 = {"float32": True}
CUBE = (2, 3, 4)


def shape_id(shape):
    return shape if isinstance(shape, str) else "x".join(map(str, shape)) or "0d"


def signed(shape, low, high, seed=0):
    rng = np.random.default_rng(seed + 1000)
    return np.asarray(uniform(shape, low, high, seed) * rng.choice([-1.0, 1.0], shape))


def with_nan(shape, seed):
    x = uniform(shape, seed=seed)
    x.flat[0] = np.nan
    x.flat[-2] = np.nan
    return x


# ---------------------------------------------------------------------------------------
# axis / keepdims as arguments
# ---------------------------------------------------------------------------------------

def sum_axis(x, axis, keepdims):
    return np.sum(x, axis=axis, keepdims=keepdims)


def mean_axis(x, axis, keepdims):
    return np.mean(x, axis=axis, keepdims=keepdims)


def prod_axis(x, axis, keepdims):
    return np.prod(x, axis=axis, keepdims=keepdims)


def max_axis(x, axis, keepdims):
    return np.max(x, axis=axis, keepdims=keepdims)


def min_axis(x, axis, keepdims):
    return np.min(x, axis=axis, keepdims=keepdims)


def amax_axis(x, axis, keepdims):
    return np.amax(x, axis=axis, keepdims=keepdims)


def amin_axis(x, axis, keepdims):
    return np.amin(x, axis=axis, keepdims=keepdims)


def ptp_axis(x, axis, keepdims):
    return np.ptp(x, axis=axis, keepdims=keepdims)


def var_axis(x, axis, keepdims):
    return np.var(x, axis=axis, keepdims=keepdims)


def std_axis(x, axis, keepdims):
    return np.std(x, axis=axis, keepdims=keepdims)


def nansum_axis(x, axis, keepdims):
    return np.nansum(x, axis=axis, keepdims=keepdims)


def nanmean_axis(x, axis, keepdims):
    return np.nanmean(x, axis=axis, keepdims=keepdims)


def average_axis(x, axis, keepdims):
    return np.average(x, axis=axis, keepdims=keepdims)


def method_sum_axis(x, axis, keepdims):
    return x.sum(axis=axis, keepdims=keepdims)


def method_mean_axis(x, axis, keepdims):
    return x.mean(axis=axis, keepdims=keepdims)


def method_prod_axis(x, axis, keepdims):
    return x.prod(axis=axis, keepdims=keepdims)


def method_max_axis(x, axis, keepdims):
    return x.max(axis=axis, keepdims=keepdims)


def method_min_axis(x, axis, keepdims):
    return x.min(axis=axis, keepdims=keepdims)


def method_var_axis(x, axis, keepdims):
    return x.var(axis=axis, keepdims=keepdims)


def method_std_axis(x, axis, keepdims):
    return x.std(axis=axis, keepdims=keepdims)


AXIS_REDUCTIONS = [
    # (callable, function, input maker, float32 check)
    (np.sum, sum_axis, "any", True), (np.mean, mean_axis, "any", True),
    (np.prod, prod_axis, "prod", True), (np.max, max_axis, "any", True),
    (np.min, min_axis, "any", False), (np.amax, amax_axis, "any", False),
    (np.amin, amin_axis, "any", False), (np.ptp, ptp_axis, "any", True),
    (np.var, var_axis, "any", True), (np.std, std_axis, "any", True),
    (np.nansum, nansum_axis, "nan", True), (np.nanmean, nanmean_axis, "nan", True),
    (np.average, average_axis, "any", False),
    (np.ndarray.sum, method_sum_axis, "any", True), (np.ndarray.mean, method_mean_axis, "any", False),
    (np.ndarray.prod, method_prod_axis, "prod", False), (np.ndarray.max, method_max_axis, "any", False),
    (np.ndarray.min, method_min_axis, "any", True), (np.ndarray.var, method_var_axis, "any", False),
    (np.ndarray.std, method_std_axis, "any", False),
]
AXES = [None, 0, 1, -1, (0, 2), (2, 0), (-1, 0), (0, 1, 2)]


def _make(kind, shape, seed):
    if kind == "prod":
        return signed(shape, 0.5, 1.5, seed)
    if kind == "nan":
        return with_nan(shape, seed)
    return uniform(shape, seed=seed)


CASES = []
for _i, (_fn, _f, _kind, _f32) in enumerate(AXIS_REDUCTIONS):
    for _axis in AXES:
        for _keepdims in (False, True):
            CASES.append(RuleCase((_fn,), _f, (_make(_kind, CUBE, _i), _axis, _keepdims),
                                  name=f"axis={_axis}-{'keepdims' if _keepdims else 'flat'}"))
    if _f32:
        CASES.append(RuleCase((_fn,), _f, (_make(_kind, (3, 4), _i), 1, False), name="float32",
                              extra=F32))


# ---------------------------------------------------------------------------------------
# Literal spellings and whole reductions of scalars
# ---------------------------------------------------------------------------------------

def sum_plain(x):
    return np.sum(x)


def mean_plain(x):
    return np.mean(x)


def prod_plain(x):
    return np.prod(x)


def max_plain(x):
    return np.max(x)


def min_plain(x):
    return np.min(x)


def var_plain(x):
    return np.var(x)


def std_plain(x):
    return np.std(x) + np.sum(x)


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


def prod_axis_positional(x):
    return np.prod(x, 0)


def max_axis_positional(x):
    return np.max(x, -1)


def min_keepdims(x):
    return np.min(x, axis=0, keepdims=True)


def m_sum(x):
    return x.sum()


def m_sum_positional(x):
    return x.sum(-1)


def m_sum_keepdims(x):
    return x.sum(axis=0, keepdims=True)


def m_mean(x):
    return x.mean()


def m_mean_positional(x):
    return x.mean(-1)


def m_prod(x):
    return x.prod()


def m_max(x):
    return x.max()


def m_min_positional(x):
    return x.min(0)


def m_var(x):
    return x.var()


def m_std(x):
    return x.std()


def m_sum_of_computed(x):
    return (x * x).sum(axis=0)


def m_mean_of_computed(x):
    return np.sin(x).mean()


def mean_of_squares_minus_square_of_mean(x):
    return np.mean(x ** 2) - np.mean(x) ** 2


def max_of_computed(x):
    return np.max(np.sin(x) * x, axis=0) + np.min(x ** 2)


WHOLE = [(np.sum, sum_plain), (np.mean, mean_plain), (np.prod, prod_plain), (np.max, max_plain),
         (np.min, min_plain), (np.var, var_plain), (np.std, std_plain)]
for _fn, _f in WHOLE:
    for _shape in ["float", (), (5,), (3, 4)] if _fn is not np.std else [(5,), (3, 4)]:  # std(scalar) = 0
        _x = signed(_shape, 0.5, 1.5, 12) if _shape != "float" else 0.75
        CASES.append(RuleCase((_fn,), _f, (_x,), name=shape_id(_shape)))

LITERAL = [
    ((np.sum,), sum_axis0), ((np.sum,), sum_axis_positional), ((np.sum,), sum_tuple_keepdims),
    ((np.mean,), mean_axis1_keepdims), ((np.mean,), mean_axis_positional),
    ((np.prod,), prod_axis_positional), ((np.max,), max_axis_positional), ((np.min,), min_keepdims),
    ((np.ndarray.sum,), m_sum), ((np.ndarray.sum,), m_sum_positional),
    ((np.ndarray.sum,), m_sum_keepdims), ((np.ndarray.mean,), m_mean),
    ((np.ndarray.mean,), m_mean_positional), ((np.ndarray.prod,), m_prod),
    ((np.ndarray.max,), m_max), ((np.ndarray.min,), m_min_positional), ((np.ndarray.var,), m_var),
    ((np.ndarray.std,), m_std), ((np.ndarray.sum,), m_sum_of_computed),
    ((np.ndarray.mean, np.sin), m_mean_of_computed),
    ((np.mean,), mean_of_squares_minus_square_of_mean), ((np.max, np.min), max_of_computed),
]
for _fns, _f in LITERAL:
    for _shape in [(5,), (3, 4), CUBE]:
        if _f is sum_tuple_keepdims and len(_shape) < 2:
            continue
        CASES.append(RuleCase(_fns, _f, (signed(_shape, 0.5, 1.5, 13),), name=shape_id(_shape)))


# ---------------------------------------------------------------------------------------
# prod / cumprod with zeros (exact derivatives), cumsum
# ---------------------------------------------------------------------------------------

def cumsum_axis(x, axis):
    return np.cumsum(x, axis=axis)


def cumprod_axis(x, axis):
    return np.cumprod(x, axis=axis)


def cumsum_flat(x):
    return np.cumsum(x)


def cumprod_flat(x):
    return np.cumprod(x)


def m_cumsum(x, axis):
    return x.cumsum(axis)


def m_cumprod(x, axis):
    return x.cumprod(axis=axis)


def cumsum_positional(x):
    return np.cumsum(x, 0)


def with_zeros(shape, seed, zeros):
    x = signed(shape, 0.5, 1.5, seed)
    for index in zeros:
        x[index] = 0.0
    return x


ONE_ZERO = with_zeros((3, 4), 14, [(1, 2)])
TWO_ZEROS = with_zeros((3, 4), 15, [(1, 2), (1, 0), (0, 2)])   # two zeros in row 1 and in column 2

for _axis in [None, 0, 1, -1]:
    _n = f"axis={_axis}"
    CASES += [
        RuleCase((np.cumsum,), cumsum_axis, (uniform((3, 4), seed=16), _axis), name=_n),
        RuleCase((np.cumprod,), cumprod_axis, (signed((3, 4), 0.5, 1.5, 17), _axis), name=_n),
        RuleCase((np.cumprod,), cumprod_axis, (ONE_ZERO, _axis), name=f"{_n}-one_zero"),
        RuleCase((np.cumprod,), cumprod_axis, (TWO_ZEROS, _axis), name=f"{_n}-two_zeros"),
        RuleCase((np.prod,), prod_axis, (ONE_ZERO, _axis, False), name=f"{_n}-one_zero"),
        RuleCase((np.prod,), prod_axis, (TWO_ZEROS, _axis, True), name=f"{_n}-two_zeros"),
        RuleCase((np.ndarray.cumsum,), m_cumsum, (uniform((3, 4), seed=18), _axis), name=_n),
        RuleCase((np.ndarray.cumprod,), m_cumprod, (signed((3, 4), 0.5, 1.5, 19), _axis), name=_n),
    ]
for _shape in ["float", (), (5,), CUBE]:
    _x = 0.75 if _shape == "float" else signed(_shape, 0.5, 1.5, 20)
    CASES += [RuleCase((np.cumsum,), cumsum_flat, (_x,), name=shape_id(_shape)),
              RuleCase((np.cumprod,), cumprod_flat, (_x,), name=shape_id(_shape))]
CASES += [
    RuleCase((np.cumsum,), cumsum_positional, (uniform(CUBE, seed=21),)),
    RuleCase((np.cumprod,), cumprod_axis, (with_zeros(CUBE, 22, [(0, 1, 1), (1, 2, 3)]), 2),
             name="3d_zeros"),
    RuleCase((np.cumsum,), cumsum_axis, (uniform((3, 4), seed=23), 1), name="float32", extra=F32),
    RuleCase((np.cumprod,), cumprod_axis, (signed((3, 4), 0.5, 1.5, 24), 0), name="float32", extra=F32),
    RuleCase((np.cumprod,), cumprod_axis, (ONE_ZERO, 1), name="float32_zero", extra=F32),
    RuleCase((np.prod,), prod_axis, (ONE_ZERO, None, False), name="float32_zero", extra=F32),
]


# ---------------------------------------------------------------------------------------
# var / std with ddof and correction; np.average with weights
# ---------------------------------------------------------------------------------------

def var_ddof(x, axis, ddof):
    return np.var(x, axis=axis, ddof=ddof)


def std_ddof(x, axis, ddof):
    return np.std(x, axis=axis, ddof=ddof)


def var_positional_ddof(x):
    return np.var(x, 0, None, None, 1)


def var_correction(x):
    return np.var(x, axis=0, correction=1)


def std_correction_keepdims(x):
    return np.std(x, axis=-1, keepdims=True, correction=1.5)


def m_var_ddof(x):
    return x.var(ddof=1)


def m_std_ddof_keepdims(x):
    return x.std(axis=1, ddof=1, keepdims=True)


for _axis in [None, 0, -1, (0, 2)]:
    for _ddof in (0, 1) if _axis == 0 else (0, 1, 2):   # axis 0 has length 2
        CASES += [
            RuleCase((np.var,), var_ddof, (uniform(CUBE, seed=25), _axis, _ddof),
                     name=f"axis={_axis}-ddof={_ddof}"),
            RuleCase((np.std,), std_ddof, (uniform(CUBE, seed=26), _axis, _ddof),
                     name=f"axis={_axis}-ddof={_ddof}"),
        ]
CASES += [
    RuleCase((np.var,), var_positional_ddof, (uniform((3, 4), seed=27),)),
    RuleCase((np.var,), var_correction, (uniform((3, 4), seed=28),)),
    RuleCase((np.std,), std_correction_keepdims, (uniform((3, 4), seed=29),)),
    RuleCase((np.ndarray.var,), m_var_ddof, (uniform((3, 4), seed=30),)),
    RuleCase((np.ndarray.std,), m_std_ddof_keepdims, (uniform((3, 4), seed=31),)),
    RuleCase((np.std,), std_ddof, (uniform((3, 4), seed=32), 0, 1), name="float32", extra=F32),
]


def average_plain(x):
    return np.average(x)


def average_weighted(x, w, axis):
    return np.average(x, axis=axis, weights=w)


def average_weighted_keepdims(x, w):
    return np.average(x, axis=1, weights=w, keepdims=True)


def average_positional(x, w):
    return np.average(x, 0, w)


for _shape in ["float", (), (5,), (3, 4)]:
    CASES.append(RuleCase((np.average,), average_plain, (uniform(_shape, seed=33),),
                          name=shape_id(_shape)))
W34 = uniform((3, 4), 0.5, 2.0, seed=34)
CASES += [
    RuleCase((np.average,), average_weighted, (uniform((3, 4), seed=35), W34, None), wrt=(0, 1),
             name="full_weights-axis=None"),
    RuleCase((np.average,), average_weighted, (uniform((3, 4), seed=36), W34, 0), wrt=(0, 1),
             name="full_weights-axis=0"),
    RuleCase((np.average,), average_weighted, (uniform((3, 4), seed=37), W34, (0, 1)), wrt=(0, 1),
             name="full_weights-axis=tuple"),
    RuleCase((np.average,), average_weighted,
             (uniform((3, 4), seed=38), uniform((4,), 0.5, 2.0, seed=39), 1), wrt=(0, 1),
             name="1d_weights-axis=1"),
    RuleCase((np.average,), average_weighted,
             (uniform(CUBE, seed=40), uniform((3,), 0.5, 2.0, seed=41), -2), wrt=(0, 1),
             name="1d_weights-axis=-2"),
    RuleCase((np.average,), average_weighted_keepdims,
             (uniform((3, 4), seed=42), uniform((4,), 0.5, 2.0, seed=43)), wrt=(0, 1)),
    RuleCase((np.average,), average_positional,
             (uniform((3, 4), seed=44), uniform((3,), 0.5, 2.0, seed=45)), wrt=(0, 1)),
    RuleCase((np.average,), average_weighted,
             (uniform((3, 4), seed=46), uniform((4,), 0.5, 2.0, seed=47), 1), wrt=(0, 1),
             name="float32", extra=F32),
]


# ---------------------------------------------------------------------------------------
# NaN-aware reductions, ptp, and logsumexp / softmax composed by the user
# ---------------------------------------------------------------------------------------

def nansum_plain(x):
    return np.nansum(x)


def nanmean_plain(x):
    return np.nanmean(x)


def ptp_plain(x):
    return np.ptp(x)


def logsumexp_manual(x):
    m = np.max(x)
    return np.log(np.sum(np.exp(x - m))) + m


def logsumexp_manual_axis(x):
    m = np.max(x, axis=-1, keepdims=True)
    return np.log(np.sum(np.exp(x - m), axis=-1, keepdims=True)) + m


def softmax_manual(x):
    e = np.exp(x - np.max(x, axis=0))
    return e / np.sum(e, axis=0)


for _shape in [(5,), (3, 4)]:
    _n = shape_id(_shape)
    CASES += [
        RuleCase((np.nansum,), nansum_plain, (with_nan(_shape, 48),), name=_n),
        RuleCase((np.nanmean,), nanmean_plain, (with_nan(_shape, 49),), name=_n),
        RuleCase((np.ptp,), ptp_plain, (uniform(_shape, seed=50),), name=_n),
    ]
for _shape in [(5,), (3, 4), CUBE]:
    _n = shape_id(_shape)
    CASES += [
        RuleCase((np.max, np.log, np.sum, np.exp), logsumexp_manual, (uniform(_shape, seed=51),),
                 name=_n),
        RuleCase((np.max, np.log, np.sum, np.exp), logsumexp_manual_axis,
                 (uniform(_shape, seed=52),), name=_n),
        RuleCase((np.max, np.exp, np.sum), softmax_manual, (uniform(_shape, seed=53),), name=_n),
    ]
CASES.append(RuleCase((np.max, np.log, np.sum, np.exp), logsumexp_manual,
                      (uniform((3, 4), seed=54),), name="float32", extra=F32))


# ---------------------------------------------------------------------------------------
# scipy.special reductions (only when SciPy is installed)
# ---------------------------------------------------------------------------------------

try:
    import scipy.special
except ImportError:
    scipy = None


def sp_logsumexp(x, axis, keepdims):
    return scipy.special.logsumexp(x, axis=axis, keepdims=keepdims)


def sp_logsumexp_b(x, b):
    return scipy.special.logsumexp(x, axis=0, b=b)


def sp_logsumexp_plain(x):
    return scipy.special.logsumexp(x)


def sp_softmax(x, axis):
    return scipy.special.softmax(x, axis=axis)


def sp_log_softmax(x, axis):
    return scipy.special.log_softmax(x, axis=axis)


if scipy is not None:
    _special = scipy.special
    for _axis in [None, 0, -1, (0, 2)]:
        for _keepdims in (False, True):
            CASES.append(RuleCase((_special.logsumexp,), sp_logsumexp,
                                  (uniform(CUBE, seed=55), _axis, _keepdims),
                                  name=f"axis={_axis}-{'keepdims' if _keepdims else 'flat'}"))
        CASES += [
            RuleCase((_special.softmax,), sp_softmax, (uniform(CUBE, seed=56), _axis), name=f"axis={_axis}"),
            RuleCase((_special.log_softmax,), sp_log_softmax, (uniform(CUBE, seed=57), _axis),
                     name=f"axis={_axis}"),
        ]
    for _shape in ["float", (5,)]:
        CASES.append(RuleCase((_special.logsumexp,), sp_logsumexp_plain,
                              (uniform(_shape, seed=58),), name=shape_id(_shape)))
    CASES += [
        RuleCase((_special.logsumexp,), sp_logsumexp_b,
                 (uniform((3, 4), seed=59), uniform((3, 4), 0.5, 2.0, seed=60)), wrt=(0, 1),
                 name="b_full"),
        RuleCase((_special.logsumexp,), sp_logsumexp_b,
                 (uniform((3, 4), seed=61), uniform((4,), 0.5, 2.0, seed=62)), wrt=(0, 1),
                 name="b_broadcast"),
        RuleCase((_special.logsumexp,), sp_logsumexp, (uniform((3, 4), seed=63), 1, False),
                 name="float32", extra=F32),
        RuleCase((_special.softmax,), sp_softmax, (uniform((3, 4), seed=64), 1), name="float32",
                 extra=F32),
    ]
