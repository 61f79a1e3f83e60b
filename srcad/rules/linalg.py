"""Linear algebra: products (dot, matmul, ``@``, vdot, inner, outer, tensordot, kron, convolve,
correlate, cross, einsum, vecdot, multi_dot), np.linalg's solvers, determinants and
decompositions, and norms.

Real inputs. Matrix functions act on the last two axes, so stacks of matrices work. The
products, inv, solve, det, slogdet and the 2-norm/Frobenius norm have rules whose pieces all
have rules again, so their generated code can be differentiated a second time (Hessians);
the decompositions (cholesky, eig, eigh, qr, svd, pinv, lstsq, matrix_power) are first
order.

The symmetric-input functions (cholesky, eigh, eigvalsh) read one triangle of their input,
as NumPy does, and their derivatives say so: a change of the unread triangle changes nothing.
"""
import operator

import numpy as np

from .registry import ZERO, alias, defjvp, defvjp, describe, nondifferentiable, returns_sequence
from .linalg_helpers import (  # noqa: F401  (the templates below name them)
    cholesky_jvp, cholesky_vjp, convolution_padding, cross_vjp_a, cross_vjp_b, eig_jvp, eig_vjp,
    eigh_jvp, eigh_vjp,
    eigvals_jvp, eigvals_vjp, eigvalsh_jvp, eigvalsh_vjp, einsum_jvp, einsum_vjp, inner_vjp_x, inner_vjp_y, kron_vjp_x, kron_vjp_y,
    lstsq_jvp_a, lstsq_jvp_b, lstsq_vjp_a, lstsq_vjp_b, matrix_power_jvp, matrix_power_vjp,
    multi_dot_jvp, multi_dot_vjp, norm_axes, norm_curvature_n, norm_curvature_x,
    norm_derivative, pinv_jvp, pinv_vjp, qr_jvp, qr_vjp, solve_as_column, solve_from_column,
    svd_jvp, svd_vjp, svdvals_jvp, svdvals_vjp, tensordot_vjp_x, tensordot_vjp_y,
)
from .shape_helpers import diagonal_vjp, sum_to_shape, trace_vjp  # noqa: F401

# -- products ----------------------------------------------------------------------------

defvjp(np.matmul, "x, y", "matmul_vjp_x(g, x, y)", "matmul_vjp_y(g, x, y)")
defjvp(np.matmul, "x, y", "np.matmul(x_dot, y)", "np.matmul(x, y_dot)")
alias(operator.matmul, np.matmul)
alias(np.linalg.matmul, np.matmul)

defvjp(np.dot, "x, y", "dot_vjp_x(g, x, y)", "dot_vjp_y(g, x, y)")
defjvp(np.dot, "x, y", "np.dot(x_dot, y)", "np.dot(x, y_dot)")
alias(np.ndarray.dot, np.dot)

defvjp(np.vdot, "x, y", "g * np.reshape(y, np.shape(x))", "g * np.reshape(x, np.shape(y))")
defjvp(np.vdot, "x, y", "np.vdot(x_dot, y)", "np.vdot(x, y_dot)")

defvjp(np.inner, "x, y", "inner_vjp_x(g, x, y)", "inner_vjp_y(g, x, y)")
defjvp(np.inner, "x, y", "np.inner(x_dot, y)", "np.inner(x, y_dot)")

defvjp(np.outer, "x, y", "np.reshape(np.matmul(g, np.ravel(y)), np.shape(x))",
       "np.reshape(np.matmul(np.ravel(x), g), np.shape(y))")
defjvp(np.outer, "x, y", "np.outer(x_dot, y)", "np.outer(x, y_dot)")
alias(np.linalg.outer, np.outer)

defvjp(np.tensordot, "x, y, axes=2", "tensordot_vjp_x(g, x, y, axes)",
       "tensordot_vjp_y(g, x, y, axes)")
defjvp(np.tensordot, "x, y, axes=2", "np.tensordot(x_dot, y, axes)", "np.tensordot(x, y_dot, axes)")
alias(np.linalg.tensordot, np.tensordot)

defvjp(np.kron, "x, y", "kron_vjp_x(g, x, y)", "kron_vjp_y(g, x, y)")
defjvp(np.kron, "x, y", "np.kron(x_dot, y)", "np.kron(x, y_dot)")

# convolve / correlate: bilinear in a and v. The cotangent is padded to the "full" result's
# length (convolution_padding), then correlated with (or convolved by) the other argument.
for _fn, _mode, _vjps in (
        (np.convolve, "full", ("np.correlate({full}, v, 'valid')",
                               "np.correlate({full}, a, 'valid')")),
        (np.correlate, "valid", ("np.convolve({full}, v, 'valid')",
                                 "np.flip(np.correlate({full}, a, 'valid'))"))):
    _full = f"np.pad(g, convolution_padding(a, v, mode, '{_fn.__name__}'))"
    defvjp(_fn, f"a, v, mode='{_mode}'", *(t.format(full=_full) for t in _vjps))
    defjvp(_fn, f"a, v, mode='{_mode}'", f"np.{_fn.__name__}(a_dot, v, mode=mode)",
           f"np.{_fn.__name__}(a, v_dot, mode=mode)")
    describe(_fn, "1-d real a and v; modes full, same, valid")
nondifferentiable(convolution_padding)

if hasattr(np, "vecdot"):  # NumPy >= 2.0
    for _fn in (np.vecdot, np.linalg.vecdot):
        defvjp(_fn, "x, y, *, axis=-1", "sum_to_shape(np.expand_dims(g, axis) * y, x)",
               "sum_to_shape(np.expand_dims(g, axis) * x, y)")
        defjvp(_fn, "x, y, *, axis=-1", "np.vecdot(x_dot, y, axis=axis)",
               "np.vecdot(x, y_dot, axis=axis)")

# cross: a x b is bilinear; <g, a x b> = <a, b x g> = <b, g x a> (2-vectors as (x, y, 0)).
CROSS = "a, b, axisa=-1, axisb=-1, axisc=-1, axis=None"
CROSS_AXES = "axisa=axisa, axisb=axisb, axisc=axisc, axis=axis"
defvjp(np.cross, CROSS, f"cross_vjp_a(g, a, b, {CROSS_AXES})",
       f"cross_vjp_b(g, a, b, {CROSS_AXES})")
defjvp(np.cross, CROSS, f"np.cross(a_dot, b, {CROSS_AXES})", f"np.cross(a, b_dot, {CROSS_AXES})")
describe(np.cross, "3- and 2-vectors, stacks of them with broadcasting, axisa / axisb / axisc "
                   "/ axis")
if hasattr(np.linalg, "cross"):  # NumPy >= 2.0: 3-vectors, a keyword `axis`
    alias(np.linalg.cross, np.cross)

# einsum: one template per operand, instantiated for each (``position`` is its index).
EINSUM = ("subscripts, *operands, out=None, dtype=None, order='K', casting='safe', "
          "optimize=False")
defvjp(np.einsum, EINSUM, None, None, None, None, None, None,
       "einsum_vjp(g, subscripts, operands, position)")
defjvp(np.einsum, EINSUM, None, None, None, None, None, None,
       "einsum_jvp(subscripts, operands, position, operands_dot)")
describe(np.einsum, "subscripts with or without '->', '...'; a repeated index (trace, "
                    "diagonal) too; the subscripts-first form only")

defvjp(np.linalg.multi_dot, "arrays, *, out=None", "multi_dot_vjp(g, arrays)")
defjvp(np.linalg.multi_dot, "arrays, *, out=None", "multi_dot_jvp(arrays, arrays_dot)")

# -- inverse, solve, determinants ----------------------------------------------------------

defvjp(np.linalg.inv, "a",
       "-np.matmul(np.swapaxes(ans, -1, -2), np.matmul(g, np.swapaxes(ans, -1, -2)))")
defjvp(np.linalg.inv, "a", "-np.matmul(ans, np.matmul(a_dot, ans))")

defvjp(np.linalg.solve, "a, b",
       "sum_to_shape(-np.matmul(np.linalg.solve(np.swapaxes(a, -1, -2), solve_as_column(g, b)), "
       "np.swapaxes(solve_as_column(ans, b), -1, -2)), a)",
       "sum_to_shape(solve_from_column(np.linalg.solve(np.swapaxes(a, -1, -2), "
       "solve_as_column(g, b)), b), b)")
defjvp(np.linalg.solve, "a, b",
       "solve_from_column(-np.linalg.solve(a, np.matmul(a_dot, solve_as_column(ans, b))), b)",
       "np.linalg.solve(a, b_dot)")

defvjp(np.linalg.det, "a",
       "np.expand_dims(g * ans, (-2, -1)) * np.swapaxes(np.linalg.inv(a), -1, -2)")
defjvp(np.linalg.det, "a", "ans * np.trace(np.linalg.solve(a, a_dot), axis1=-2, axis2=-1)")

defvjp(np.linalg.slogdet, "a",
       "np.expand_dims(g[1], (-2, -1)) * np.swapaxes(np.linalg.inv(a), -1, -2)")
defjvp(np.linalg.slogdet, "a",
       "(np.zeros_like(ans[1]), np.trace(np.linalg.solve(a, a_dot), axis1=-2, axis2=-1))")

defvjp(np.linalg.matrix_power, "a, n", "matrix_power_vjp(g, a, n)")
defjvp(np.linalg.matrix_power, "a, n", "matrix_power_jvp(a_dot, a, n)")

defvjp(np.linalg.pinv, "a, rcond=None, hermitian=False, *, rtol=None", "pinv_vjp(g, a, ans)")
defjvp(np.linalg.pinv, "a, rcond=None, hermitian=False, *, rtol=None", "pinv_jvp(a_dot, a, ans)")
describe(np.linalg.pinv, "where the rank does not change (e.g. full rank)")

defvjp(np.linalg.lstsq, "a, b, rcond=None", "lstsq_vjp_a(g, a, b, ans, rcond)",
       "lstsq_vjp_b(g, a, b, ans, rcond)")
defjvp(np.linalg.lstsq, "a, b, rcond=None", "lstsq_jvp_a(a_dot, a, b, ans, rcond)",
       "lstsq_jvp_b(b_dot, a, b, ans, rcond)")
describe(np.linalg.lstsq, "the solution, the residuals and the singular values, for a "
                          "full-rank a (the rank has no derivative)")

# -- decompositions ------------------------------------------------------------------------

defvjp(np.linalg.cholesky, "a, *, upper=False", "cholesky_vjp(g, ans, upper)")
defjvp(np.linalg.cholesky, "a, *, upper=False", "cholesky_jvp(a_dot, ans, upper)")
describe(np.linalg.cholesky, "reads the lower triangle of a (the upper one with upper=True)")

defvjp(np.linalg.eigh, "a, UPLO='L'", "eigh_vjp(g, a, ans, UPLO)")
defjvp(np.linalg.eigh, "a, UPLO='L'", "eigh_jvp(a_dot, ans, UPLO)")
describe(np.linalg.eigh, "eigenvalues and eigenvectors, for distinct eigenvalues; reads "
                         "one triangle of a")
defvjp(np.linalg.eigvalsh, "a, UPLO='L'", "eigvalsh_vjp(g, a, UPLO)")
defjvp(np.linalg.eigvalsh, "a, UPLO='L'", "eigvalsh_jvp(a_dot, a, UPLO)")

defvjp(np.linalg.eig, "a", "eig_vjp(g, a, ans)")
defjvp(np.linalg.eig, "a", "eig_jvp(a_dot, ans)")
describe(np.linalg.eig, "a real matrix with real, distinct eigenvalues (complex ones raise); "
                        "eigenvectors of unit length, as NumPy returns them")
defvjp(np.linalg.eigvals, "a", "eigvals_vjp(g, a, ans)")
defjvp(np.linalg.eigvals, "a", "eigvals_jvp(a_dot, a, ans)")
describe(np.linalg.eigvals, "a real matrix with real eigenvalues (complex ones raise)")

defvjp(np.linalg.qr, "a, mode='reduced'", "qr_vjp(g, a, ans, mode)")
defjvp(np.linalg.qr, "a, mode='reduced'", "qr_jvp(a_dot, ans, mode)")
describe(np.linalg.qr, "mode 'reduced' (or 'complete' for square a), rows >= columns")

SVD = "a, full_matrices=True, compute_uv=True, hermitian=False"
defvjp(np.linalg.svd, SVD, "svd_vjp(g, a, ans, full_matrices, compute_uv)")
defjvp(np.linalg.svd, SVD, "svd_jvp(a_dot, a, ans, full_matrices, compute_uv)")
describe(np.linalg.svd, "distinct nonzero singular values; full_matrices=False unless a is "
                        "square")
if hasattr(np.linalg, "svdvals"):  # NumPy >= 2.0
    defvjp(np.linalg.svdvals, "x", "svdvals_vjp(g, x)")
    defjvp(np.linalg.svdvals, "x", "svdvals_jvp(x_dot, x)")

returns_sequence(np.linalg.slogdet, np.linalg.eigh, np.linalg.eig, np.linalg.qr,
                 np.linalg.svd, np.linalg.lstsq)

# -- traces, diagonals, norms --------------------------------------------------------------

if hasattr(np.linalg, "trace"):  # NumPy >= 2.0: the last two axes
    defvjp(np.linalg.trace, "x, *, offset=0, dtype=None", "trace_vjp(g, x, offset, -2, -1)")
    defjvp(np.linalg.trace, "x, *, offset=0, dtype=None", "np.trace(x_dot, offset, -2, -1)")
    defvjp(np.linalg.diagonal, "x, *, offset=0", "diagonal_vjp(g, x, offset, -2, -1)")
    defjvp(np.linalg.diagonal, "x, *, offset=0", "np.diagonal(x_dot, offset, -2, -1)")


def _norm_rule(fn, signature, kind):
    """A norm's rule: its cotangent spread back over the reduced axes, times d norm / d x."""
    derivative = f"norm_derivative(x, ans, ord, axis, keepdims, '{kind}')"
    axes = f"norm_axes(x, ord, axis, '{kind}')"
    defvjp(fn, signature, f"expand_reduced(g, x, axis={axes}, keepdims=keepdims) * {derivative}")
    defjvp(fn, signature, f"np.sum({derivative} * x_dot, axis={axes}, keepdims=keepdims)")


_norm_rule(np.linalg.norm, "x, ord=None, axis=None, keepdims=False", "norm")
describe(np.linalg.norm, "vector ord None/2/1/inf/-inf/0/p, matrix ord None/'fro'/'nuc'/2/-2/"
                         "1/-1/inf/-inf; ties share the derivative; 0 at a zero vector")
if hasattr(np.linalg, "vector_norm"):  # NumPy >= 2.0
    _norm_rule(np.linalg.vector_norm, "x, *, axis=None, keepdims=False, ord=2", "vector")
    # matrix_norm has no axis parameter: the rule's `axis` keeps its default (None)
    _norm_rule(np.linalg.matrix_norm, "x, *, keepdims=False, ord='fro', axis=None", "matrix")

nondifferentiable(np.linalg.matrix_rank)

# -- the helpers' own rules (so generated code can be differentiated again) ----------------


def _bilinear(product, vjp_x, vjp_y, extra=""):
    """Rules for the two cotangent helpers of a bilinear product B(x, y) (as runtime_rules.py
    does for matmul): each is linear in the cotangent and in the other operand."""
    sig, p = f"cot, x, y{extra}", "".join(f", {name.split('=')[0].strip()}"
                                          for name in extra.split(",") if name.strip())
    x_name, y_name = vjp_x.__name__, vjp_y.__name__
    defvjp(vjp_x, sig, f"{product}(g, y{p})", ZERO, f"{y_name}(cot, g, y{p})")
    defjvp(vjp_x, sig, f"{x_name}(cot_dot, x, y{p})", ZERO, f"{x_name}(cot, x, y_dot{p})")
    defvjp(vjp_y, sig, f"{product}(x, g{p})", f"{x_name}(cot, x, g{p})", ZERO)
    defjvp(vjp_y, sig, f"{y_name}(cot_dot, x, y{p})", f"{y_name}(cot, x_dot, y{p})", ZERO)


_bilinear("np.tensordot", tensordot_vjp_x, tensordot_vjp_y, ", axes=2")
CROSS_VJP = "cot, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None"
defvjp(cross_vjp_a, CROSS_VJP, f"np.cross(g, b, {CROSS_AXES})", ZERO,
       f"cross_vjp_b(cot, g, b, {CROSS_AXES})")
defjvp(cross_vjp_a, CROSS_VJP, f"cross_vjp_a(cot_dot, a, b, {CROSS_AXES})", ZERO,
       f"cross_vjp_a(cot, a, b_dot, {CROSS_AXES})")
defvjp(cross_vjp_b, CROSS_VJP, f"np.cross(a, g, {CROSS_AXES})",
       f"cross_vjp_a(cot, a, g, {CROSS_AXES})", ZERO)
defjvp(cross_vjp_b, CROSS_VJP, f"cross_vjp_b(cot_dot, a, b, {CROSS_AXES})",
       f"cross_vjp_b(cot, a_dot, b, {CROSS_AXES})", ZERO)
_bilinear("np.inner", inner_vjp_x, inner_vjp_y)
_bilinear("np.kron", kron_vjp_x, kron_vjp_y)

defvjp(solve_as_column, "v, b", "solve_from_column(g, b)", ZERO)
defjvp(solve_as_column, "v, b", "solve_as_column(v_dot, b)", ZERO)
defvjp(solve_from_column, "v, b", "solve_as_column(g, b)", ZERO)
defjvp(solve_from_column, "v, b", "solve_from_column(v_dot, b)", ZERO)

# norm_derivative(x, n, ...) is elementwise in x and in n (expanded over the reduced axes)
NORM_D = "x, n, ord=None, axis=None, keepdims=False, kind='norm'"
defvjp(norm_derivative, NORM_D,
       "g * norm_curvature_x(x, n, ord, axis, keepdims, kind)",
       "np.sum(g * norm_curvature_n(x, n, ord, axis, keepdims, kind), "
       "axis=norm_axes(x, ord, axis, kind), keepdims=keepdims)")
defjvp(norm_derivative, NORM_D,
       "x_dot * norm_curvature_x(x, n, ord, axis, keepdims, kind)",
       "expand_reduced(n_dot, x, axis=norm_axes(x, ord, axis, kind), keepdims=keepdims) "
       "* norm_curvature_n(x, n, ord, axis, keepdims, kind)")
nondifferentiable(norm_axes)
