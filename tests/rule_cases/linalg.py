"""Rule cases for linear algebra (srcad/rules/linalg.py).

Each function is a module-level def (srcad reads its source); CASES lists the checks.
Cases whose ``extra["needs"]`` is set use an engine contract that may not have landed yet:
"sequence" (eigh, qr, svd, slogdet, lstsq return several arrays), "list" (multi_dot takes a
list of arrays), "vararg" (einsum's operands). ``extra["float32"]``: see rule_cases/shape.py.

Inputs stay inside each function's domain: well-conditioned matrices for inv/solve/det,
symmetric positive definite ones for cholesky, symmetric ones with well-separated eigenvalues
for eigh, distinct singular values for svd. Eigenvector and singular-vector checks use
functions that do not depend on the vectors' signs.
"""
import operator

import numpy as np


from . import RuleCase, uniform

F32 = {"float32": True}
SEQ = {"needs": "sequence"}
LIST = {"needs": "list"}
VARARG = {"needs": "vararg"}
EINSUM = (np.einsum,)


def well_conditioned(shape, seed):
    """I + a small random matrix (a stack of them for a 3-d shape)."""
    return np.eye(shape[-1]) + 0.3 * uniform(shape, -1.0, 1.0, seed=seed)


def spd(shape, seed):
    """A symmetric positive definite matrix (or stack)."""
    a = uniform(shape, -1.0, 1.0, seed=seed)
    return a @ np.swapaxes(a, -1, -2) + shape[-1] * np.eye(shape[-1])


def symmetric_spread(n, seed, batch=()):
    """A symmetric matrix with eigenvalues 1, 2.5, 4, ... (well separated)."""
    q, _ = np.linalg.qr(uniform(batch + (n, n), seed=seed))
    w = 1.0 + 1.5 * np.arange(n)
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2)


def distinct_singular(shape, seed):
    """A matrix with singular values 1, 2, 3, ... (distinct and nonzero)."""
    m, n = shape
    u, _ = np.linalg.qr(uniform((m, m), seed=seed))
    v, _ = np.linalg.qr(uniform((n, n), seed=seed + 1))
    k = min(m, n)
    s = np.zeros((m, n))
    s[np.arange(k), np.arange(k)] = 1.0 + np.arange(k)
    return u @ s @ v.T


# ---------------------------------------------------------------------------------------
# Products
# ---------------------------------------------------------------------------------------

def matmul_op(x, y):
    return x @ y


def matmul_np(x, y):
    return np.matmul(x, y)


def matmul_linalg(x, y):
    return np.linalg.matmul(x, y)


def dot_np(x, y):
    return np.dot(x, y)


def dot_method(x, y):
    return x.dot(y)


def vdot_fn(x, y):
    return np.vdot(x, y)


def inner_fn(x, y):
    return np.inner(x, y)


def outer_fn(x, y):
    return np.outer(x, y)


def outer_linalg(x, y):
    return np.linalg.outer(x, y)


def tensordot_default(x, y):
    return np.tensordot(x, y)


def tensordot_one(x, y):
    return np.tensordot(x, y, 1)


def tensordot_zero(x, y):
    return np.tensordot(x, y, axes=0)


def tensordot_lists(x, y):
    return np.tensordot(x, y, axes=([1, 0], [0, 2]))


def tensordot_ints(x, y):
    return np.tensordot(x, y, axes=(0, 1))


def tensordot_linalg(x, y):
    return np.linalg.tensordot(x, y, axes=1)


def kron_fn(x, y):
    return np.kron(x, y)


def convolve_fn(a, v, mode):
    return np.convolve(a, v, mode=mode) ** 2


def convolve_default(a, v):
    return np.cos(np.convolve(a, v))


def correlate_fn(a, v, mode):
    return np.correlate(a, v, mode) ** 2


def correlate_default(a, v):
    return np.correlate(np.sin(a), v) * 2.0


def vecdot_fn(x, y):
    return np.vecdot(x, y)


def vecdot_axis(x, y):
    return np.vecdot(x, y, axis=0)


def vecdot_linalg(x, y):
    return np.linalg.vecdot(x, y)


def einsum_matmul(x, y):
    return np.einsum("ij,jk->ik", x, y)


def einsum_implicit(x, y):
    return np.einsum("ij,jk", x, y)


def einsum_trace(x):
    return np.einsum("ii->", x)


def einsum_diagonal(x):
    return np.einsum("ii->i", x) ** 2


def einsum_row_sums(x):
    return np.einsum("ij->i", x)


def einsum_batched(x, y):
    return np.einsum("...ij,...jk->...ik", x, y)


def einsum_three(x, y, z):
    return np.einsum("ij,jk,k->i", x, y, z)


def einsum_outer(x, y):
    return np.einsum("i,j->ij", x, y)


def einsum_constant_operand(x):
    return np.einsum("ij,jk->ik", x, np.ones((3, 2)))


def multi_dot_matrices(a, b, c):
    return np.linalg.multi_dot([a, b, c])


def multi_dot_vectors(a, b, c):
    return np.linalg.multi_dot([a, b, c])


V3, V4, M23, M34 = (3,), (4,), (2, 3), (3, 4)

CASES = [
    RuleCase((operator.matmul,), matmul_op,
             (uniform(M23, seed=1), uniform(M34, seed=2)), wrt=(0, 1), name="matrices"),
    RuleCase((operator.matmul,), matmul_op, (uniform(V3, seed=1), uniform(M34, seed=2)),
             wrt=(0, 1), name="vector_matrix"),
    RuleCase((np.matmul,), matmul_np, (uniform((2, 2, 3), seed=3), uniform(M34, seed=4)),
             wrt=(0, 1), name="batched_broadcast"),
    RuleCase((np.matmul,), matmul_np, (uniform(M34, seed=3), uniform(V4, seed=4)),
             wrt=(0, 1), name="matrix_vector"),
    RuleCase((np.linalg.matmul,), matmul_linalg, (uniform(M23, seed=5), uniform(M34, seed=6)),
             wrt=(0, 1)),
    RuleCase((np.dot,), dot_np, (uniform(V3, seed=7), uniform(V3, seed=8)), wrt=(0, 1),
             name="vectors"),
    RuleCase((np.dot,), dot_np, (uniform(M23, seed=7), uniform(M34, seed=8)), wrt=(0, 1),
             name="matrices"),
    RuleCase((np.dot,), dot_np, (uniform((2, 3), seed=7), uniform((2, 3, 4), seed=8)),
             wrt=(0, 1), name="nd"),
    RuleCase((np.dot,), dot_np, (uniform(M23, seed=7), uniform(M34, seed=8)),
             wrt=(0, 1), name="float32", extra=F32),
    RuleCase((np.ndarray.dot,), dot_method, (uniform(M34, seed=9), uniform(V4, seed=10)),
             wrt=(0, 1)),
    RuleCase((np.vdot,), vdot_fn, (uniform(V3, seed=11), uniform(V3, seed=12)), wrt=(0, 1),
             name="vectors"),
    RuleCase((np.vdot,), vdot_fn, (uniform(M23, seed=11), uniform((3, 2), seed=12)),
             wrt=(0, 1), name="matrices"),
    RuleCase((np.inner,), inner_fn, (uniform(V3, seed=13), uniform(V3, seed=14)), wrt=(0, 1),
             name="vectors"),
    RuleCase((np.inner,), inner_fn, (uniform(M23, seed=13), uniform((4, 3), seed=14)),
             wrt=(0, 1), name="matrices"),
    RuleCase((np.inner,), inner_fn, (uniform((2, 2, 3), seed=13), uniform(V3, seed=14)),
             wrt=(0, 1), name="3d_vector"),
    RuleCase((np.inner,), inner_fn, (uniform((), seed=13), uniform(M23, seed=14)),
             wrt=(0, 1), name="scalar"),
    RuleCase((np.outer,), outer_fn, (uniform(V3, seed=15), uniform(V4, seed=16)), wrt=(0, 1),
             name="vectors"),
    RuleCase((np.outer,), outer_fn, (uniform(M23, seed=15), uniform(V4, seed=16)), wrt=(0, 1),
             name="flattens"),
    RuleCase((np.linalg.outer,), outer_linalg, (uniform(V3, seed=17), uniform(V4, seed=18)),
             wrt=(0, 1)),
    RuleCase((np.tensordot,), tensordot_default, (uniform((2, 3, 4), seed=19),
                                                   uniform((3, 4, 2), seed=20)), wrt=(0, 1)),
    RuleCase((np.tensordot,), tensordot_one, (uniform(M23, seed=21), uniform((3, 2, 2), seed=22)),
             wrt=(0, 1)),
    RuleCase((np.tensordot,), tensordot_lists, (uniform((3, 2, 4), seed=25),
                                                 uniform((2, 5, 3), seed=26)), wrt=(0, 1),
             name="float32", extra=F32),
    RuleCase((np.tensordot,), tensordot_zero, (uniform(V3, seed=23), uniform(M23, seed=24)),
             wrt=(0, 1)),
    RuleCase((np.tensordot,), tensordot_lists, (uniform((3, 2, 4), seed=25),
                                                 uniform((2, 5, 3), seed=26)), wrt=(0, 1)),
    RuleCase((np.tensordot,), tensordot_ints, (uniform((3, 2), seed=27), uniform((4, 3), seed=28)),
             wrt=(0, 1)),
    RuleCase((np.linalg.tensordot,), tensordot_linalg, (uniform(M23, seed=29), uniform(M34, seed=30)),
             wrt=(0, 1)),
    RuleCase((np.kron,), kron_fn, (uniform((2, 2), seed=31), uniform(M23, seed=32)), wrt=(0, 1),
             name="matrices"),
    RuleCase((np.kron,), kron_fn, (uniform(V3, seed=31), uniform((2, 2), seed=32)), wrt=(0, 1),
             name="vector_matrix"),
    RuleCase((np.kron,), kron_fn, (uniform((2, 1, 2), seed=31), uniform(V3, seed=32)),
             wrt=(0, 1), name="3d"),
    RuleCase((np.convolve,), convolve_default, (uniform((5,), seed=41), uniform(V3, seed=42)),
             wrt=(0, 1), extra=F32),
    RuleCase((np.correlate,), correlate_default, (uniform((5,), seed=43), uniform(V3, seed=44)),
             wrt=(0, 1), extra=F32),
    RuleCase((np.vecdot,), vecdot_fn, (uniform(V3, seed=33), uniform(V3, seed=34)), wrt=(0, 1),
             name="vectors"),
    RuleCase((np.vecdot,), vecdot_fn, (uniform((4, 3), seed=33), uniform(V3, seed=34)),
             wrt=(0, 1), name="broadcast"),
    RuleCase((np.vecdot,), vecdot_axis, (uniform(M34, seed=35), uniform(M34, seed=36)),
             wrt=(0, 1)),
    RuleCase((np.linalg.vecdot,), vecdot_linalg, (uniform(M23, seed=37), uniform(M23, seed=38)),
             wrt=(0, 1)),
    RuleCase(EINSUM, einsum_matmul, (uniform(M23, seed=39), uniform(M34, seed=40)),
             wrt=(0, 1), extra=VARARG),
    RuleCase(EINSUM, einsum_implicit, (uniform(M23, seed=41), uniform(M34, seed=42)),
             wrt=(0, 1), extra=VARARG),
    RuleCase(EINSUM, einsum_trace, (uniform((3, 3), seed=43),), extra=VARARG),
    RuleCase(EINSUM, einsum_diagonal, (uniform((3, 3), seed=44),), extra=VARARG),
    RuleCase(EINSUM, einsum_row_sums, (uniform(M23, seed=45),), extra=VARARG),
    RuleCase(EINSUM, einsum_batched, (uniform((4, 2, 3), seed=46), uniform(M34, seed=47)),
             wrt=(0, 1), extra=VARARG),
    RuleCase(EINSUM, einsum_three, (uniform(M23, seed=48), uniform(M34, seed=49),
                                          uniform(V4, seed=50)), wrt=(0, 1, 2), extra=VARARG),
    RuleCase(EINSUM, einsum_outer, (uniform(V3, seed=51), uniform(V4, seed=52)),
             wrt=(0, 1), extra=VARARG),
    RuleCase(EINSUM, einsum_constant_operand, (uniform(M23, seed=53),), extra=VARARG),
    RuleCase((np.linalg.multi_dot,), multi_dot_matrices,
             (uniform(M23, seed=54), uniform(M34, seed=55), uniform((4, 2), seed=56)),
             wrt=(0, 1, 2), extra=LIST),
    RuleCase((np.linalg.multi_dot,), multi_dot_vectors,
             (uniform(V3, seed=57), uniform(M34, seed=58), uniform(V4, seed=59)),
             wrt=(0, 1, 2), extra=LIST),
]


# ---------------------------------------------------------------------------------------
# Inverse, solve, determinants, powers, pseudo-inverse, least squares
# ---------------------------------------------------------------------------------------

def inv_fn(a):
    return np.linalg.inv(a)


def solve_fn(a, b):
    return np.linalg.solve(a, b)


def det_fn(a):
    return np.linalg.det(a)


def slogdet_logdet(a):
    sign, logdet = np.linalg.slogdet(a)
    return logdet


def slogdet_both(a):
    sign, logdet = np.linalg.slogdet(a)
    return sign * np.exp(logdet)


def matrix_power_3(a):
    return np.linalg.matrix_power(a, 3)


def matrix_power_1(a):
    return np.linalg.matrix_power(a, 1)


def matrix_power_0(a):
    return np.linalg.matrix_power(a, 0) * a


def matrix_power_negative(a):
    return np.linalg.matrix_power(a, -2)


def pinv_fn(a):
    return np.linalg.pinv(a)


def lstsq_solution(a, b):
    x, residuals, rank, s = np.linalg.lstsq(a, b, rcond=None)
    return x


def lstsq_residuals(a, b):
    solution = np.linalg.lstsq(a, b)
    return solution[1] + np.sum(solution[0] ** 2) + np.sum(solution[3])


def matrix_rank_fn(a):
    return np.linalg.matrix_rank(a) * 1.0


CASES += [
    RuleCase((np.linalg.inv,), inv_fn, (well_conditioned((2, 2), 60),), name="2x2"),
    RuleCase((np.linalg.inv,), inv_fn, (well_conditioned((4, 4), 61),), name="4x4"),
    RuleCase((np.linalg.inv,), inv_fn, (well_conditioned((3, 3, 3), 62),), name="batched"),
    RuleCase((np.linalg.inv,), inv_fn, (well_conditioned((3, 3), 63),), name="float32",
             extra=F32),
    RuleCase((np.linalg.solve,), solve_fn, (well_conditioned((3, 3), 64), uniform(V3, seed=65)),
             wrt=(0, 1), name="vector"),
    RuleCase((np.linalg.solve,), solve_fn, (well_conditioned((3, 3), 66), uniform((3, 2), seed=67)),
             wrt=(0, 1), name="matrix"),
    RuleCase((np.linalg.solve,), solve_fn, (well_conditioned((3, 3), 66), uniform((3,), seed=67)),
             wrt=(0, 1), name="float32", extra=F32),
    RuleCase((np.linalg.solve,), solve_fn, (well_conditioned((2, 3, 3), 68), uniform(V3, seed=69)),
             wrt=(0, 1), name="batched_vector"),
    RuleCase((np.linalg.solve,), solve_fn, (well_conditioned((3, 3), 70),
                                            uniform((2, 3, 2), seed=71)),
             wrt=(0, 1), name="broadcast_b"),
    RuleCase((np.linalg.det,), det_fn, (well_conditioned((3, 3), 72),), name="3x3"),
    RuleCase((np.linalg.det,), det_fn, (well_conditioned((2, 4, 4), 73),), name="batched"),
    RuleCase((np.linalg.det,), det_fn, (well_conditioned((3, 3), 74),), name="float32",
             extra=F32),
    RuleCase((np.linalg.slogdet,), slogdet_logdet, (well_conditioned((3, 3), 75),), extra=SEQ),
    RuleCase((np.linalg.slogdet,), slogdet_logdet, (well_conditioned((2, 3, 3), 75),),
             name="batched", extra=SEQ),
    RuleCase((np.linalg.slogdet,), slogdet_both, (-well_conditioned((3, 3), 76),), extra=SEQ),
    RuleCase((np.linalg.matrix_power,), matrix_power_3, (uniform((3, 3), seed=77),)),
    RuleCase((np.linalg.matrix_power,), matrix_power_3, (uniform((2, 3, 3), seed=77),),
             name="batched"),
    RuleCase((np.linalg.matrix_power,), matrix_power_1, (uniform((3, 3), seed=78),)),
    RuleCase((np.linalg.matrix_power,), matrix_power_0, (uniform((3, 3), seed=79),)),
    RuleCase((np.linalg.matrix_power,), matrix_power_negative, (well_conditioned((3, 3), 80),)),
    RuleCase((np.linalg.pinv,), pinv_fn, (well_conditioned((3, 3), 81),), name="square"),
    RuleCase((np.linalg.pinv,), pinv_fn, (uniform((4, 2), seed=82),), name="tall"),
    RuleCase((np.linalg.pinv,), pinv_fn, (uniform((2, 4), seed=83),), name="wide"),
    RuleCase((np.linalg.lstsq,), lstsq_solution, (uniform((5, 3), seed=84), uniform((5,), seed=85)),
             wrt=(0, 1), name="vector", extra=SEQ),
    RuleCase((np.linalg.lstsq,), lstsq_solution, (uniform((5, 3), seed=86),
                                                  uniform((5, 2), seed=87)),
             wrt=(0, 1), name="matrix", extra=SEQ),
    RuleCase((np.linalg.lstsq,), lstsq_solution, (well_conditioned((3, 3), 88),
                                                  uniform((3,), seed=89)),
             wrt=(0, 1), name="square", extra=SEQ),
    RuleCase((np.linalg.lstsq,), lstsq_residuals, (uniform((5, 2), seed=90),
                                                   uniform((5,), seed=91)),
             wrt=(0, 1), extra=SEQ),
    RuleCase((np.linalg.matrix_rank,), matrix_rank_fn, (uniform((3, 3), seed=92),),
             differentiable=False),
]


# ---------------------------------------------------------------------------------------
# Decompositions
# ---------------------------------------------------------------------------------------

def cholesky_fn(a):
    return np.linalg.cholesky(a)


def cholesky_upper(a):
    return np.linalg.cholesky(a, upper=True)


def eigh_values(a):
    w, v = np.linalg.eigh(a)
    return w


def eigh_vectors(a):
    w, v = np.linalg.eigh(a)
    return np.sum(v ** 2 * np.arange(1.0, 1.0 + np.size(v)).reshape(np.shape(v)), axis=-1)


def eigh_first_vector(a):
    w, v = np.linalg.eigh(a)
    return v[:, 0] * np.sign(v[0, 0]) * w[0]


def eigh_upper(a):
    w, v = np.linalg.eigh(a, UPLO="U")
    return w * np.sum(v ** 3 * v, axis=0)


def eigvalsh_fn(a):
    return np.linalg.eigvalsh(a)


def eigvalsh_upper(a):
    return np.linalg.eigvalsh(a, "U")


def qr_both(a):
    q, r = np.linalg.qr(a)
    return np.sum(q * np.arange(np.size(q)).reshape(np.shape(q))) + np.sum(r ** 2 * r)


def qr_r_only(a):
    q, r = np.linalg.qr(a)
    return r


def qr_complete(a):
    q, r = np.linalg.qr(a, mode="complete")
    return q @ np.diag(np.diag(r) ** 2)


def svd_values(a):
    u, s, vh = np.linalg.svd(a)
    return s


def svd_vectors(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return np.sum(u ** 2 * np.arange(1.0, 1.0 + np.size(u)).reshape(np.shape(u))) \
        + np.sum(vh ** 2 * vh ** 2) + np.sum(u[:, :1] * vh[:1, :] * s[0])


def svd_compute_uv_false(a):
    return np.linalg.svd(a, compute_uv=False)


def svdvals_fn(a):
    return np.linalg.svdvals(a)


CASES += [
    RuleCase((np.linalg.cholesky,), cholesky_fn, (spd((3, 3), 100),), name="3x3"),
    RuleCase((np.linalg.cholesky,), cholesky_fn, (spd((2, 3, 3), 101),), name="batched"),
    RuleCase((np.linalg.cholesky,), cholesky_fn, (spd((3, 3), 100),), name="float32", extra=F32),
    RuleCase((np.linalg.cholesky,), cholesky_upper, (spd((4, 4), 102),)),
    RuleCase((np.linalg.eigh,), eigh_values, (symmetric_spread(3, 103),), extra=SEQ),
    RuleCase((np.linalg.eigh,), eigh_values, (symmetric_spread(3, 104, (2,)),), name="batched",
             extra=SEQ),
    RuleCase((np.linalg.eigh,), eigh_vectors, (symmetric_spread(4, 105),), extra=SEQ),
    RuleCase((np.linalg.eigh,), eigh_vectors, (symmetric_spread(4, 105),), name="float32",
             extra={**SEQ, **F32}),
    RuleCase((np.linalg.eigh,), eigh_vectors, (symmetric_spread(3, 106, (2,)),), name="batched",
             extra=SEQ),
    RuleCase((np.linalg.eigh,), eigh_first_vector, (symmetric_spread(3, 107),), extra=SEQ),
    RuleCase((np.linalg.eigh,), eigh_upper, (symmetric_spread(3, 108),), extra=SEQ),
    RuleCase((np.linalg.eigvalsh,), eigvalsh_fn, (symmetric_spread(4, 109),)),
    RuleCase((np.linalg.eigvalsh,), eigvalsh_fn, (symmetric_spread(3, 110, (2,)),),
             name="batched"),
    RuleCase((np.linalg.eigvalsh,), eigvalsh_upper, (symmetric_spread(3, 111),)),
    RuleCase((np.linalg.qr,), qr_both, (well_conditioned((3, 3), 112),), name="square",
             extra=SEQ),
    RuleCase((np.linalg.qr,), qr_both, (uniform((5, 3), seed=113),), name="tall", extra=SEQ),
    RuleCase((np.linalg.qr,), qr_r_only, (uniform((4, 3), seed=114),), extra=SEQ),
    RuleCase((np.linalg.qr,), qr_complete, (well_conditioned((3, 3), 115),), extra=SEQ),
    RuleCase((np.linalg.svd,), svd_values, (distinct_singular((3, 3), 116),), extra=SEQ),
    RuleCase((np.linalg.svd,), svd_vectors, (distinct_singular((4, 3), 117),), name="tall",
             extra=SEQ),
    RuleCase((np.linalg.svd,), svd_vectors, (distinct_singular((4, 3), 117),), name="float32",
             extra={**SEQ, **F32}),
    RuleCase((np.linalg.svd,), svd_vectors, (distinct_singular((2, 4), 118),), name="wide",
             extra=SEQ),
    RuleCase((np.linalg.svd,), svd_compute_uv_false, (distinct_singular((4, 3), 119),),
             extra=SEQ),  # compute_uv=False returns one array
    RuleCase((np.linalg.svdvals,), svdvals_fn, (distinct_singular((4, 3), 120),), name="tall"),
    RuleCase((np.linalg.svdvals,), svdvals_fn, (distinct_singular((3, 5), 121),), name="wide"),
    RuleCase((np.linalg.svdvals,), svdvals_fn, (np.stack([distinct_singular((3, 3), 122),
                                                          distinct_singular((3, 3), 123)]),),
             name="batched"),
]


# ---------------------------------------------------------------------------------------
# Norms, traces, diagonals
# ---------------------------------------------------------------------------------------

def norm_default(x):
    return np.linalg.norm(x)


def norm_1(x):
    return np.linalg.norm(x, 1)


def norm_2(x):
    return np.linalg.norm(x, 2)


def norm_inf(x):
    return np.linalg.norm(x, np.inf)


def norm_minus_inf(x):
    return np.linalg.norm(x, -np.inf)


def norm_3(x):
    return np.linalg.norm(x, ord=3)


def norm_fro(x):
    return np.linalg.norm(x, "fro")


def norm_nuc(x):
    return np.linalg.norm(x, "nuc")


def norm_minus_2(x):
    return np.linalg.norm(x, -2)


def norm_axis(x):
    return np.linalg.norm(x, axis=1)


def norm_axis_keepdims(x):
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def norm_axis_ord1(x):
    return np.linalg.norm(x, 1, axis=0)


def norm_matrix_axes(x):
    return np.linalg.norm(x, "fro", axis=(0, 2))


def norm_matrix_axes_nuc(x):
    return np.linalg.norm(x, "nuc", axis=(1, 2), keepdims=True)


def norm_matrix_axes_inf(x):
    return np.linalg.norm(x, np.inf, axis=(2, 1))


def vector_norm_fn(x):
    return np.linalg.vector_norm(x)


def vector_norm_ord(x):
    return np.linalg.vector_norm(x, ord=1, axis=-1, keepdims=True)


def matrix_norm_fn(x):
    return np.linalg.matrix_norm(x)


def matrix_norm_nuc(x):
    return np.linalg.matrix_norm(x, ord="nuc", keepdims=True)


def linalg_trace(x):
    return np.linalg.trace(x)


def linalg_trace_offset(x):
    return np.linalg.trace(x, offset=1)


def linalg_diagonal(x):
    return np.linalg.diagonal(x, offset=-1)


CASES += [
    RuleCase((np.linalg.norm,), norm_default, (uniform((5,), seed=130),), name="vector"),
    RuleCase((np.linalg.norm,), norm_default, (uniform((3, 4), seed=130),), name="matrix"),
    RuleCase((np.linalg.norm,), norm_default, (uniform((2, 3, 4), seed=130),), name="3d"),
    RuleCase((np.linalg.norm,), norm_default, (uniform((5,), seed=130),), name="float32",
             extra=F32),
    RuleCase((np.linalg.norm,), norm_1, (uniform((5,), seed=131),), name="vector"),
    RuleCase((np.linalg.norm,), norm_1, (uniform((3, 4), seed=131),), name="matrix"),
    RuleCase((np.linalg.norm,), norm_2, (uniform((5,), seed=132),), name="vector"),
    RuleCase((np.linalg.norm,), norm_2, (distinct_singular((3, 4), 132),), name="matrix"),
    RuleCase((np.linalg.norm,), norm_inf, (uniform((5,), seed=133),), name="vector"),
    RuleCase((np.linalg.norm,), norm_inf, (uniform((3, 4), seed=133),), name="matrix"),
    RuleCase((np.linalg.norm,), norm_minus_inf, (uniform((5,), seed=134),), name="vector"),
    RuleCase((np.linalg.norm,), norm_minus_inf, (uniform((3, 4), seed=134),), name="matrix"),
    RuleCase((np.linalg.norm,), norm_3, (uniform((5,), seed=135),)),
    RuleCase((np.linalg.norm,), norm_fro, (uniform((3, 4), seed=136),)),
    RuleCase((np.linalg.norm,), norm_nuc, (distinct_singular((3, 4), 137),)),
    RuleCase((np.linalg.norm,), norm_minus_2, (distinct_singular((4, 3), 138),)),
    RuleCase((np.linalg.norm,), norm_axis, (uniform((3, 4), seed=139),)),
    RuleCase((np.linalg.norm,), norm_axis_keepdims, (uniform((2, 3, 4), seed=140),)),
    RuleCase((np.linalg.norm,), norm_axis_ord1, (uniform((3, 4), seed=141),)),
    RuleCase((np.linalg.norm,), norm_matrix_axes, (uniform((2, 3, 4), seed=142),)),
    RuleCase((np.linalg.norm,), norm_matrix_axes_nuc, (uniform((2, 3, 4), seed=143),)),
    RuleCase((np.linalg.norm,), norm_matrix_axes_inf, (uniform((2, 3, 4), seed=144),)),
    RuleCase((np.linalg.vector_norm,), vector_norm_fn, (uniform((3, 4), seed=145),)),
    RuleCase((np.linalg.vector_norm,), vector_norm_ord, (uniform((3, 4), seed=146),)),
    RuleCase((np.linalg.matrix_norm,), matrix_norm_fn, (uniform((2, 3, 4), seed=147),)),
    RuleCase((np.linalg.matrix_norm,), matrix_norm_nuc, (uniform((3, 4), seed=148),)),
    RuleCase((np.linalg.trace,), linalg_trace, (uniform((2, 3, 3), seed=149),)),
    RuleCase((np.linalg.trace,), linalg_trace_offset, (uniform((3, 4), seed=150),)),
    RuleCase((np.linalg.diagonal,), linalg_diagonal, (uniform((2, 3, 4), seed=151),)),
]


# ---------------------------------------------------------------------------------------
# np.cross: 3- and 2-vectors (NumPy 2 deprecates 2-vectors: the warning is the user's, not
# srcad's), stacks with broadcasting, the axis arguments
# ---------------------------------------------------------------------------------------

def cross_fn(a, b):
    return np.cross(a, b)


def cross_axes(a, b):
    return np.cross(a, b, axisa=0, axisb=1, axisc=0)


def cross_axis(a, b):
    return np.cross(a, b, axis=0)


def cross_linalg(a, b):
    return np.linalg.cross(a, b)


CASES += [
    RuleCase((np.cross,), cross_fn, (uniform(V3, seed=160), uniform(V3, seed=161)), wrt=(0, 1),
             name="3", extra={"float32": True}),
    RuleCase((np.cross,), cross_fn, (uniform((4, 3), seed=162), uniform(V3, seed=163)),
             wrt=(0, 1), name="stack-3"),
    RuleCase((np.cross,), cross_fn, (uniform((2, 1, 3), seed=164), uniform((5, 3), seed=165)),
             wrt=(0, 1), name="broadcast"),
    RuleCase((np.cross,), cross_fn, (uniform((2,), seed=166), uniform((4, 2), seed=167)),
             wrt=(0, 1), name="2-2"),
    RuleCase((np.cross,), cross_fn, (uniform((4, 2), seed=168), uniform(V3, seed=169)),
             wrt=(0, 1), name="2-3"),
    RuleCase((np.cross,), cross_fn, (uniform(V3, seed=170), uniform((2,), seed=171)),
             wrt=(0, 1), name="3-2"),
    RuleCase((np.cross,), cross_axes, (uniform((3, 4), seed=172), uniform((4, 3), seed=173)),
             wrt=(0, 1), name="3"),
    RuleCase((np.cross,), cross_axes, (uniform((2, 4), seed=174), uniform((4, 3), seed=175)),
             wrt=(0, 1), name="2-3"),
    RuleCase((np.cross,), cross_axis, (uniform((3, 4), seed=176), uniform((3, 1), seed=177)),
             wrt=(0, 1)),
    RuleCase((np.linalg.cross,), cross_linalg, (uniform((4, 3), seed=178), uniform(V3, seed=179)),
             wrt=(0, 1)),
]


# every mode, with a longer a, a longer v (np.correlate's "same" is not symmetric then) and
# even lengths (where "same" has to round)
for _mode in ("full", "same", "valid"):
    for _n, _m in ((5, 3), (4, 6), (2, 5), (4, 4)):
        _a, _v = uniform((_n,), seed=45 + _n), uniform((_m,), seed=55 + _m)
        CASES += [RuleCase((_fn,), _case, (_a, _v, _mode), wrt=(0, 1), name=f"{_mode}-{_n}-{_m}")
                  for _fn, _case in ((np.convolve, convolve_fn), (np.correlate, correlate_fn))]


# ---------------------------------------------------------------------------------------
# The helpers' own rules (so the code generated for the rules above differentiates again)
# ---------------------------------------------------------------------------------------

from srcad.rules.linalg_helpers import (  # noqa: E402
    convolution_padding, cross_vjp_a, cross_vjp_b, inner_vjp_x, inner_vjp_y, kron_vjp_x, kron_vjp_y, norm_axes,
    norm_derivative, solve_as_column, solve_from_column, tensordot_vjp_x, tensordot_vjp_y,
)

X324 = uniform((3, 2, 4), seed=400)
Y253 = uniform((2, 5, 3), seed=401)
A23 = uniform((2, 3), seed=402)
B43 = uniform((4, 3), seed=403)


def h_tensordot_vjp_x(g, y):
    return tensordot_vjp_x(g, X324, y, ([1, 0], [0, 2]))


def h_tensordot_vjp_y(g, x):
    return tensordot_vjp_y(g, x, Y253, ([1, 0], [0, 2]))


def h_inner_vjp_x(g, y):
    return inner_vjp_x(g, A23, y)


def h_inner_vjp_y(g, x):
    return inner_vjp_y(g, x, B43)


def h_kron_vjp_x(g, y):
    return kron_vjp_x(g, A23, y)


def h_kron_vjp_y(g, x):
    return kron_vjp_y(g, x, np.ones((2, 2)))


def h_cross_vjp_a(g, b):
    return cross_vjp_a(g, np.ones((1, 3)), b)


def h_cross_vjp_b(g, a):
    return cross_vjp_b(g, a, np.ones(3), axisc=0)


def h_cross_vjp_2(g, b):
    return cross_vjp_a(g, np.ones((3, 2)), b) + cross_vjp_b(g, np.ones((3, 2)), b)


def h_solve_as_column(v):
    return solve_as_column(v, np.ones(3))


def h_solve_from_column(v):
    return solve_from_column(v, np.ones(3))


def h_norm_derivative(x, n):
    return norm_derivative(x, n)


def h_norm_derivative_axis(x, n):
    return norm_derivative(x, n, None, 1, True)


def h_norm_derivative_p(x, n):
    return norm_derivative(x, n, 3, None, False, "vector")


def h_norm_derivative_fro(x, n):
    return norm_derivative(x, n, "fro", (0, 2), False)


def h_norm_derivative_ord1(x, n):
    return norm_derivative(x, n, 1) + x


def h_norm_axes(x):
    return np.sum(norm_axes(x, None, (0, 1))) * 1.0


def h_convolution_padding(a, v):
    """The padding of a cotangent: ints (the lengths of a and v), no derivative."""
    before, after = convolution_padding(a, v, "same", "correlate")
    return a * 0.0 + before + after


CASES += [
    RuleCase((tensordot_vjp_x,), h_tensordot_vjp_x, (uniform((4, 5), seed=410), Y253),
             wrt=(0, 1)),
    RuleCase((tensordot_vjp_y,), h_tensordot_vjp_y, (uniform((4, 5), seed=411), X324),
             wrt=(0, 1)),
    RuleCase((inner_vjp_x,), h_inner_vjp_x, (uniform((2, 4), seed=412), B43), wrt=(0, 1)),
    RuleCase((inner_vjp_y,), h_inner_vjp_y, (uniform((2, 4), seed=413), A23), wrt=(0, 1)),
    RuleCase((kron_vjp_x,), h_kron_vjp_x, (uniform((4, 6), seed=414), uniform((2, 2), seed=415)),
             wrt=(0, 1)),
    RuleCase((kron_vjp_y,), h_kron_vjp_y, (uniform((4, 6), seed=416), A23), wrt=(0, 1)),
    RuleCase((cross_vjp_a,), h_cross_vjp_a, (uniform((4, 3), seed=427), uniform((4, 3), seed=428)),
             wrt=(0, 1)),
    RuleCase((cross_vjp_b,), h_cross_vjp_b, (uniform((3, 4), seed=429), uniform((4, 3), seed=430)),
             wrt=(0, 1)),
    RuleCase((cross_vjp_a, cross_vjp_b), h_cross_vjp_2, (uniform((3,), seed=431),
                                                          uniform((3, 2), seed=432)), wrt=(0, 1),
             name="2-vectors"),
    RuleCase((solve_as_column,), h_solve_as_column, (uniform((2, 3), seed=417),)),
    RuleCase((solve_from_column,), h_solve_from_column, (uniform((2, 3, 1), seed=418),)),
    RuleCase((norm_derivative,), h_norm_derivative, (uniform((4,), seed=419), 1.7), wrt=(0, 1)),
    RuleCase((norm_derivative,), h_norm_derivative_axis,
             (uniform((2, 3), seed=420), uniform((2, 1), 1.0, 2.0, seed=421)), wrt=(0, 1),
             name="axis"),
    RuleCase((norm_derivative,), h_norm_derivative_p, (uniform((4,), seed=422), 1.3), wrt=(0, 1),
             name="p3"),
    RuleCase((norm_derivative,), h_norm_derivative_fro,
             (uniform((2, 3, 2), seed=423), uniform((3,), 1.0, 2.0, seed=424)), wrt=(0, 1),
             name="fro"),
    RuleCase((norm_derivative,), h_norm_derivative_ord1, (uniform((4,), seed=425), 1.1),
             wrt=(0, 1), name="ord1"),
    RuleCase((norm_axes,), h_norm_axes, (uniform((2, 3), seed=426),), differentiable=False),
    RuleCase((convolution_padding,), h_convolution_padding, (uniform((2,), seed=433),
                                                             uniform((5,), seed=434)),
             wrt=(0, 1), differentiable=False),
]
