"""Rule cases for the NumPy callables real models call that issue 12 added: np.nan_to_num,
np.interp, np.polyval (srcad/rules/elementwise.py), np.delete, np.insert, np.append, np.diff
(srcad/rules/shape.py), np.linalg.eig and np.linalg.eigvals (srcad/rules/linalg.py), and the
helpers their derivative code calls.
"""
import numpy as np

from srcad.rules import elementwise_helpers as eh
from srcad.rules import shape_helpers as sh

from . import RuleCase, uniform

F32 = {"float32": True}


# ---------------------------------------------------------------------------------------
# np.nan_to_num
# ---------------------------------------------------------------------------------------

def nan_to_num_default(x):
    return np.nan_to_num(x)


def nan_to_num_values(x, nan, posinf, neginf):
    return np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def nan_to_num_tests(x):
    return x * (1.0 + np.isposinf(x) + np.isneginf(x))


WITH_NONFINITE = np.array([0.5, np.nan, -1.5, np.inf, -np.inf, 2.0])


# ---------------------------------------------------------------------------------------
# np.interp and np.polyval
# ---------------------------------------------------------------------------------------

KNOTS = np.array([-1.0, 0.0, 0.5, 2.0])


def interp_x(x, fp):
    return np.interp(x, KNOTS, fp)


def interp_all(x, xp, fp, left, right):
    return np.interp(x, xp, fp, left=left, right=right)


def interp_xp(x, xp, fp):
    return np.interp(x, xp, fp)


def interp_float(x, fp):
    return np.interp(x, KNOTS, fp)


def polyval(p, x):
    return np.polyval(p, x)


# points inside and outside [-1, 2], none on a knot
INTERP_X = np.array([-1.7, -0.4, 0.2, 0.9, 1.6, 2.6])


# ---------------------------------------------------------------------------------------
# np.delete, np.insert, np.append, np.diff
# ---------------------------------------------------------------------------------------

def delete_columns(x):
    return np.delete(x, [0, 2], axis=1)


def delete_flat(x):
    return np.delete(x, 3)


def delete_slice(x):
    return np.delete(x, slice(1, 3), axis=0)


def insert_rows(arr, values):
    return np.insert(arr, [1, 2], values, axis=0)


def insert_scalar(arr, values):
    return np.insert(arr, 2, values)


def insert_column(arr, values):
    return np.insert(arr, 1, values, axis=1)


def insert_broadcast(arr, values):
    return np.insert(arr, [0, 2], values, axis=1)


def append_flat(arr, values):
    return np.append(arr, values)


def append_rows(arr, values):
    return np.append(arr, values, axis=0)


def diff_default(a):
    return np.diff(a)


def diff_twice(a):
    return np.diff(a, n=2, axis=0)


def diff_prepend_append(a, prepend, append):
    return np.diff(a, axis=1, prepend=prepend, append=append)


# ---------------------------------------------------------------------------------------
# np.linalg.eig, np.linalg.eigvals (a real matrix with real, distinct eigenvalues)
# ---------------------------------------------------------------------------------------

def real_spectrum(n, seed):
    """A non-symmetric matrix with real, well separated eigenvalues (similar to a diagonal)."""
    p = uniform((n, n), seed=seed) + n * np.eye(n)
    return p @ np.diag(np.arange(1.0, n + 1) * 1.5) @ np.linalg.inv(p)


def eig_values(a):
    w, v = np.linalg.eig(a)
    return np.sort(w)


def eig_vectors(a):
    w, v = np.linalg.eig(a)
    return v * np.sign(v[0]) * w        # unit eigenvectors, a sign fixed, each times its value


def eig_stack(a):
    w, v = np.linalg.eig(a)
    return np.sum(w, axis=-1) + np.sum(v ** 2 * np.abs(v), axis=(-2, -1))


def eigvals(a):
    return np.sort(np.linalg.eigvals(a))


# ---------------------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------------------

def h_interp_knots(v, x, xp):
    return eh.interp_knots(v, x, xp, 1)


def h_interp_knots_vjp(cot, v, x, xp):
    return eh.interp_knots_vjp(cot, v, x, xp, 0)


def h_interp_masks(x):
    return (eh.interp_inside(x, KNOTS) + 2 * eh.interp_outside(x, KNOTS, "left")
            + 3 * eh.interp_end(x, KNOTS, None, "right"))


def h_poly_derivative(p):
    return eh.poly_derivative(p)


def h_poly_derivative_vjp(cot, p):
    return eh.poly_derivative_vjp(cot, p)


def h_polyval_vjp_p(cot, p, x):
    return eh.polyval_vjp_p(cot, p, x)


def h_delete_vjp(cot, x):
    return sh.delete_vjp(cot, x, [0, 2], 1)


def h_insert_vjp(cot, arr, values):
    return sh.insert_vjp(cot, arr, [1, 2], values, 0, "arr") \
        + np.sum(sh.insert_vjp(cot, arr, [1, 2], values, 0, "values"))


def h_insert_jvp_arr(t, arr, values):
    return sh.insert_jvp(t, arr, 1, values, 1, "arr")


def h_insert_jvp_values(t, arr):
    return sh.insert_jvp(t, arr, 1, t, 1, "values")


def h_append_vjp(cot, arr, values):
    return sh.append_vjp(cot, arr, values, 0, "values")


def h_append_jvp(t, arr, values):
    return sh.append_jvp(t, arr, values, None, "arr")


def h_diff_vjp(cot, a):
    return sh.diff_vjp(cot, a, 2, 1, 0.5, None, "a")


def h_diff_vjp_prepend(cot, a):
    return sh.diff_vjp(cot, a, 1, 1, 0.5, None, "prepend")


def h_diff_jvp(t, a, append):
    return sh.diff_jvp(t, a, 1, 0, None, append, "append")


MAT = (3, 4)

CASES = [
    RuleCase((np.nan_to_num,), nan_to_num_default, (WITH_NONFINITE,), extra=F32),
    RuleCase((np.nan_to_num,), nan_to_num_values, (WITH_NONFINITE, 0.3, 2.5, -1.5),
             wrt=(0, 1, 2, 3), name="values"),
    RuleCase((np.isposinf, np.isneginf), nan_to_num_tests, (uniform((5,), seed=1),)),
    RuleCase((np.interp,), interp_x, (INTERP_X, uniform((4,), seed=2)), wrt=(0, 1)),
    RuleCase((np.interp,), interp_all, (INTERP_X, KNOTS, uniform((4,), seed=3), 0.7, -0.4),
             wrt=(0, 1, 2, 3, 4), name="left_right"),
    RuleCase((np.interp,), interp_xp, (uniform((2, 3), -0.9, 1.9, seed=4), KNOTS,
                                       uniform((4,), seed=5)), wrt=(0, 1, 2), name="matrix"),
    RuleCase((np.interp,), interp_float, (0.3, uniform((4,), seed=6)), wrt=(0, 1), name="float"),
    RuleCase((np.polyval,), polyval, (uniform((4,), seed=7), uniform(MAT, seed=8)), wrt=(0, 1)),
    RuleCase((np.polyval,), polyval, (uniform((3,), seed=9), 0.7), wrt=(0, 1), name="float"),
    RuleCase((np.polyval,), polyval, (uniform((1,), seed=10), uniform((3,), seed=11)),
             wrt=(0, 1), name="constant"),
    RuleCase((np.delete,), delete_columns, (uniform(MAT, seed=12),), extra=F32),
    RuleCase((np.delete,), delete_flat, (uniform(MAT, seed=13),), name="flat"),
    RuleCase((np.delete,), delete_slice, (uniform((4, 2), seed=14),), name="slice"),
    RuleCase((np.insert,), insert_rows, (uniform(MAT, seed=15), uniform((2, 4), seed=16)),
             wrt=(0, 1)),
    RuleCase((np.insert,), insert_scalar, (uniform(MAT, seed=17), 0.5), wrt=(0, 1),
             name="flat_float"),
    RuleCase((np.insert,), insert_column, (uniform(MAT, seed=18), uniform((3,), seed=19)),
             wrt=(0, 1), name="column"),
    RuleCase((np.insert,), insert_broadcast, (uniform(MAT, seed=20), uniform((3, 1), seed=21)),
             wrt=(0, 1), name="broadcast"),
    RuleCase((np.append,), append_flat, (uniform(MAT, seed=22), uniform((2,), seed=23)),
             wrt=(0, 1)),
    RuleCase((np.append,), append_rows, (uniform(MAT, seed=24), uniform((2, 4), seed=25)),
             wrt=(0, 1), name="rows", extra=F32),
    RuleCase((np.diff,), diff_default, (uniform(MAT, seed=26),), extra=F32),
    RuleCase((np.diff,), diff_twice, (uniform((5, 2), seed=27),), name="twice"),
    RuleCase((np.diff,), diff_prepend_append, (uniform(MAT, seed=28), 0.5,
                                               uniform((3, 2), seed=29)), wrt=(0, 1, 2),
             name="prepend_append"),
    RuleCase((np.linalg.eig,), eig_values, (real_spectrum(4, 30),)),
    RuleCase((np.linalg.eig,), eig_vectors, (real_spectrum(3, 31),), name="vectors"),
    RuleCase((np.linalg.eig,), eig_stack, (np.stack([real_spectrum(3, 32), real_spectrum(3, 33)]),),
             name="stack"),
    RuleCase((np.linalg.eigvals,), eigvals, (real_spectrum(4, 34),)),
    RuleCase((eh.interp_knots,), h_interp_knots, (uniform((4,), seed=40), INTERP_X, KNOTS)),
    RuleCase((eh.interp_knots_vjp,), h_interp_knots_vjp,
             (uniform((6,), seed=41), uniform((4,), seed=42), INTERP_X, KNOTS)),
    RuleCase((eh.interp_inside, eh.interp_outside, eh.interp_end), h_interp_masks,
             (INTERP_X,), differentiable=False),
    RuleCase((eh.poly_derivative,), h_poly_derivative, (uniform((4,), seed=43),)),
    RuleCase((eh.poly_derivative_vjp,), h_poly_derivative_vjp,
             (uniform((3,), seed=44), uniform((4,), seed=45))),
    RuleCase((eh.polyval_vjp_p,), h_polyval_vjp_p,
             (uniform(MAT, seed=46), uniform((4,), seed=47), uniform(MAT, seed=48)), wrt=(0, 2)),
    RuleCase((sh.delete_vjp,), h_delete_vjp, (uniform((3, 2), seed=49), uniform(MAT, seed=50))),
    RuleCase((sh.insert_vjp,), h_insert_vjp, (uniform((5, 4), seed=51), uniform(MAT, seed=52),
                                              uniform((2, 4), seed=53))),
    RuleCase((sh.insert_jvp,), h_insert_jvp_arr, (uniform(MAT, seed=54), uniform(MAT, seed=55),
                                                  uniform((3,), seed=56)), name="arr"),
    RuleCase((sh.insert_jvp,), h_insert_jvp_values, (uniform((3,), seed=57), uniform(MAT, seed=58)),
             name="values"),
    RuleCase((sh.append_vjp,), h_append_vjp, (uniform((5, 4), seed=59), uniform(MAT, seed=60),
                                              uniform((2, 4), seed=61))),
    RuleCase((sh.append_jvp,), h_append_jvp, (uniform(MAT, seed=62), uniform(MAT, seed=63),
                                              uniform((2,), seed=64))),
    RuleCase((sh.diff_vjp,), h_diff_vjp, (uniform((3, 3), seed=65), uniform(MAT, seed=66)),
             name="a"),
    RuleCase((sh.diff_vjp,), h_diff_vjp_prepend, (uniform((3, 4), seed=67), uniform(MAT, seed=68)),
             name="prepend"),
    RuleCase((sh.diff_jvp,), h_diff_jvp, (uniform((1, 4), seed=69), uniform(MAT, seed=70),
                                          uniform((1, 4), seed=71)), wrt=(0,)),
]
