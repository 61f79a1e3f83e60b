"""Helpers that the linear-algebra rules call: plain NumPy, pure functions, real inputs.

Bilinear products (tensordot, inner, kron, cross) have a pair ``*_vjp_x`` / ``*_vjp_y`` each, with
rules of their own in rules/linalg.py (like ``matmul_vjp_x`` in srcad/runtime.py), so their
generated code can be differentiated again. The decompositions (cholesky, eigh, qr, svd,
pinv, lstsq, matrix_power, norm) have first-order helpers only.

Matrix functions work on stacks of matrices (the last two axes), as NumPy's do.
"""
import string
import sys

import numpy as np

from ..errors import NoDerivativeRule
from ..runtime import unbroadcast, unbroadcast_batch


def _mT(x):
    return np.swapaxes(x, -1, -2)


def _eye_like(x):
    n = np.shape(x)[-1]
    return np.eye(n, dtype=np.result_type(x))


def _diag_embed(v):
    """A stack of diagonal matrices with `v` (..., k) on the diagonal."""
    return np.expand_dims(v, -1) * np.eye(np.shape(v)[-1], dtype=np.result_type(v))


# -- solve: a vector right-hand side as a column -----------------------------------------

def solve_as_column(v, b):
    """`v` as a stack of columns when ``np.linalg.solve``'s `b` is a vector."""
    return np.expand_dims(v, -1) if np.ndim(b) == 1 else v


def solve_from_column(v, b):
    """Undo `solve_as_column`."""
    return v[..., 0] if np.ndim(b) == 1 else v


# -- tensordot, inner, kron ----------------------------------------------------------------

def _tensordot_axes(x_ndim, y_ndim, axes):
    if np.ndim(axes) == 0:
        n = int(axes)
        return list(range(x_ndim - n, x_ndim)), list(range(n))
    ax_x, ax_y = axes
    ax_x = [ax_x] if np.ndim(ax_x) == 0 else list(ax_x)
    ax_y = [ax_y] if np.ndim(ax_y) == 0 else list(ax_y)
    return [int(a) % x_ndim for a in ax_x], [int(a) % y_ndim for a in ax_y]


def tensordot_vjp_x(g, x, y, axes=2):
    """Cotangent of `x` in ``np.tensordot(x, y, axes)``."""
    nx, ny = np.ndim(x), np.ndim(y)
    ax_x, ax_y = _tensordot_axes(nx, ny, axes)
    free_x = [i for i in range(nx) if i not in ax_x]
    free_y = [i for i in range(ny) if i not in ax_y]
    r = np.tensordot(g, y, axes=(list(range(len(free_x), np.ndim(g))), free_y))
    # r's axes: x's free axes, then y's contracted axes in y's order (mapped to x's axes).
    mapped = [ax_x[j] for j in sorted(range(len(ax_y)), key=lambda j: ax_y[j])]
    return np.transpose(r, np.argsort(free_x + mapped))


def tensordot_vjp_y(g, x, y, axes=2):
    """Cotangent of `y` in ``np.tensordot(x, y, axes)``."""
    nx, ny = np.ndim(x), np.ndim(y)
    ax_x, ax_y = _tensordot_axes(nx, ny, axes)
    free_x = [i for i in range(nx) if i not in ax_x]
    free_y = [i for i in range(ny) if i not in ax_y]
    r = np.tensordot(x, g, axes=(free_x, list(range(len(free_x)))))
    mapped = [ax_y[j] for j in sorted(range(len(ax_x)), key=lambda j: ax_x[j])]
    return np.transpose(r, np.argsort(mapped + free_y))


def inner_vjp_x(g, x, y):
    """Cotangent of `x` in ``np.inner(x, y)`` (a product when either is a scalar)."""
    if np.ndim(x) == 0 or np.ndim(y) == 0:
        return unbroadcast(g * y, x)
    return tensordot_vjp_x(g, x, y, ([-1], [-1]))


def inner_vjp_y(g, x, y):
    """Cotangent of `y` in ``np.inner(x, y)``."""
    if np.ndim(x) == 0 or np.ndim(y) == 0:
        return unbroadcast(g * x, y)
    return tensordot_vjp_y(g, x, y, ([-1], [-1]))


def _kron_layout(x, y):
    xs, ys = np.shape(x), np.shape(y)
    nd = max(len(xs), len(ys))
    xs, ys = (1,) * (nd - len(xs)) + xs, (1,) * (nd - len(ys)) + ys
    return xs, ys, tuple(n for pair in zip(xs, ys) for n in pair), nd


def kron_vjp_x(g, x, y):
    """Cotangent of `x` in ``np.kron(x, y)``."""
    xs, ys, interleaved, nd = _kron_layout(x, y)
    y_r = np.reshape(y, tuple(n for m in ys for n in (1, m)))
    summed = np.sum(np.reshape(g, interleaved) * y_r, axis=tuple(range(1, 2 * nd, 2)))
    return np.reshape(summed, np.shape(x))


def kron_vjp_y(g, x, y):
    """Cotangent of `y` in ``np.kron(x, y)``."""
    xs, ys, interleaved, nd = _kron_layout(x, y)
    x_r = np.reshape(x, tuple(n for m in xs for n in (m, 1)))
    summed = np.sum(np.reshape(g, interleaved) * x_r, axis=tuple(range(0, 2 * nd, 2)))
    return np.reshape(summed, np.shape(y))


# -- convolve, correlate ---------------------------------------------------------------

def convolution_padding(a, v, mode="full", kind="convolve"):
    """Where ``np.convolve(a, v, mode)`` (``np.correlate`` for kind "correlate") sits in the
    "full" result: the (before, after) padding that turns its cotangent into the full one."""
    n, m = np.size(a), np.size(v)
    short, length = min(n, m) - 1, n + m - 1
    letter = str(mode)[:1].lower()
    if letter == "f":
        return (0, 0)
    if letter == "v":
        return (short, short)
    if letter != "s":
        raise ValueError(f"mode must be 'full', 'same' or 'valid', not {mode!r}")
    # "same" is centred on the full result; np.correlate rounds the other way when a is shorter
    before = short - short // 2 if kind == "correlate" and n < m else short // 2
    return (before, length - max(n, m) - before)


# -- cross -------------------------------------------------------------------------------

def _cross_axes(a, b, axisa, axisb, axisc, axis):
    """np.cross's vector axes of `a`, `b` and the result, counted from the end (so that a
    leading axis of directions in vector mode leaves them where they are)."""
    if axis is not None:
        axisa = axisb = axisc = axis
    a_ndim, b_ndim = np.ndim(a), np.ndim(b)
    axisa, axisb = axisa % a_ndim - a_ndim, axisb % b_ndim - b_ndim
    c_ndim = max(a_ndim, b_ndim) - (np.shape(a)[axisa] == np.shape(b)[axisb] == 2)
    return axisa, axisb, axisc % c_ndim - c_ndim if c_ndim else -1


def _as_3_vectors(v):
    """Vectors on the last axis as 3-vectors (a 2-vector (x, y) is (x, y, 0), as in np.cross)."""
    if np.shape(v)[-1] == 2:
        return np.concatenate([v, np.zeros_like(v[..., :1])], axis=-1)
    return v


def _cross_vjp(g, a, b, axes, which, batched):
    """The cotangent of `a` (b x g) or `b` (g x a) in np.cross(a, b, ...), laid out as that
    operand: vectors as 3-vectors on the last axis (the cotangent g of a cross product of two
    2-vectors, a number, as (0, 0, g)), then cut to the operand's vector length, summed over
    the axes broadcasting added, the vector axis put back. `batched`: g carries directions."""
    axisa, axisb, axisc = _cross_axes(a, b, *axes)
    a3 = _as_3_vectors(np.moveaxis(a, axisa, -1))
    b3 = _as_3_vectors(np.moveaxis(b, axisb, -1))
    if np.shape(a)[axisa] == np.shape(b)[axisb] == 2:
        g = np.asarray(g)
        g3 = np.stack([np.zeros_like(g), np.zeros_like(g), g], axis=-1)
    else:
        g3 = np.moveaxis(g, axisc, -1)
    x, axis, v = (a, axisa, np.cross(b3, g3)) if which == "a" else (b, axisb, np.cross(g3, a3))
    x_last = np.moveaxis(x, axis, -1)
    v = v[..., :np.shape(x_last)[-1]]
    v = unbroadcast_batch(v, x_last) if batched else unbroadcast(v, x_last)
    return np.moveaxis(v, -1, axis)


def cross_vjp_a(g, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cotangent of `a` in ``np.cross(a, b, ...)``: b x g, laid out as `a`."""
    return _cross_vjp(g, a, b, (axisa, axisb, axisc, axis), "a", False)


def cross_vjp_b(g, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The cotangent of `b` in ``np.cross(a, b, ...)``: g x a, laid out as `b`."""
    return _cross_vjp(g, a, b, (axisa, axisb, axisc, axis), "b", False)


def cross_vjp_batch(g, a, b, which, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """`cross_vjp_a` (`which` "a") or `cross_vjp_b` of each direction of `g` (vector mode)."""
    return _cross_vjp(g, a, b, (axisa, axisb, axisc, axis), which, True)


def cross_jvp_batch(t, a, b, which, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """np.cross with the tangent `t` of `a` (`which` "a") or of `b` in its place, for each of
    its directions (vector mode: they come first, before as many axes as broadcasting adds)."""
    axisa, axisb, axisc = _cross_axes(a, b, axisa, axisb, axisc, axis)
    t = np.asarray(t)
    missing = max(np.ndim(a), np.ndim(b)) - np.ndim(a if which == "a" else b)
    t = t.reshape(t.shape[:1] + (1,) * missing + t.shape[1:])
    first, second = (t, b) if which == "a" else (a, t)
    return np.cross(first, second, axisa=axisa, axisb=axisb, axisc=axisc)


# -- einsum ----------------------------------------------------------------------------

def _einsum_explicit(subscripts, shapes):
    """Input and output subscripts with ``...`` spelled out and implicit output made explicit."""
    subscripts = subscripts.replace(" ", "")
    inputs, _, output = subscripts.partition("->")
    inputs = inputs.split(",")
    used = set(subscripts)
    spare = [c for c in string.ascii_letters if c not in used]
    widths = [len(shape) - (len(spec) - 3) for spec, shape in zip(inputs, shapes) if "..." in spec]
    ellipsis = "".join(spare[:max(widths, default=0)])
    explicit = []
    for spec, shape in zip(inputs, shapes):
        if "..." in spec:
            width = len(shape) - (len(spec) - 3)
            spec = spec.replace("...", ellipsis[len(ellipsis) - width:] if width else "")
        explicit.append(spec)
    if "->" not in subscripts:
        letters = "".join(c for c in "".join(inputs) if c.isalpha())
        output = ellipsis + "".join(sorted(c for c in set(letters) if letters.count(c) == 1))
    else:
        output = output.replace("...", ellipsis)
    return explicit, output


def einsum_vjp(g, subscripts, operands, position):
    """Cotangent of operand `position` of ``np.einsum(subscripts, *operands)``."""
    shapes = [np.shape(op) for op in operands]
    inputs, output = _einsum_explicit(subscripts, shapes)
    target, shape = inputs[position], shapes[position]
    others = [(spec, op) for i, (spec, op) in enumerate(zip(inputs, operands)) if i != position]
    available = set(output).union(*[set(spec) for spec, _ in others])
    unique = "".join(dict.fromkeys(target))
    kept = "".join(c for c in unique if c in available)
    spec = ",".join([output] + [s for s, _ in others]) + "->" + kept
    r = np.einsum(spec, g, *[op for _, op in others])
    size = {c: shape[target.index(c)] for c in unique}
    # a letter that x broadcast (size 1) along: sum the cotangent back to size 1
    stretched = tuple(i for i, c in enumerate(kept) if size[c] == 1 and np.shape(r)[i] != 1)
    if stretched:
        r = np.sum(r, axis=stretched, keepdims=True)
    # letters only x has were summed over: the cotangent is constant along them
    r = np.reshape(r, [np.shape(r)[kept.index(c)] if c in kept else 1 for c in unique])
    r = np.broadcast_to(r, [size[c] for c in unique])
    if len(unique) == len(target):
        return np.transpose(r, [unique.index(c) for c in target]).copy()
    out = np.zeros(shape, dtype=np.result_type(r))
    np.einsum(f"{target}->{unique}", out)[...] = r   # a writeable view of the diagonals
    return out


def einsum_jvp(subscripts, operands, position, tangent):
    """``np.einsum(subscripts, *operands)`` with operand `position` replaced by `tangent`."""
    operands = list(operands)
    operands[position] = tangent
    return np.einsum(subscripts, *operands)


# -- multi_dot ---------------------------------------------------------------------------

def _as_chain(arrays):
    """The matrices of ``np.linalg.multi_dot``: a first vector as a row, a last as a column."""
    mats = [np.asarray(a) for a in arrays]
    if mats[0].ndim == 1:
        mats[0] = mats[0][None, :]
    if mats[-1].ndim == 1:
        mats[-1] = mats[-1][:, None]
    return mats


def multi_dot_vjp(g, arrays):
    """One cotangent per matrix of ``np.linalg.multi_dot(arrays)``."""
    mats = _as_chain(arrays)
    g = np.reshape(g, (mats[0].shape[0], mats[-1].shape[1]))
    prefix = [None] * len(mats)   # product of the matrices before i
    suffix = [None] * len(mats)   # product of the matrices after i
    for i in range(1, len(mats)):
        prefix[i] = mats[0] if i == 1 else prefix[i - 1] @ mats[i - 1]
    for i in range(len(mats) - 2, -1, -1):
        suffix[i] = mats[-1] if i == len(mats) - 2 else mats[i + 1] @ suffix[i + 1]
    cotangents = []
    for i, a in enumerate(arrays):
        c = g
        if prefix[i] is not None:
            c = prefix[i].T @ c
        if suffix[i] is not None:
            c = c @ suffix[i].T
        cotangents.append(np.reshape(c, np.shape(a)))
    return cotangents


def multi_dot_jvp(arrays, tangents):
    """The tangent of ``np.linalg.multi_dot(arrays)``: one term per array."""
    total = 0
    for i in range(len(arrays)):
        chain = list(arrays)
        chain[i] = tangents[i]
        total = total + np.linalg.multi_dot(chain)
    return total


# -- symmetric inputs: numpy reads one triangle ------------------------------------------

def _symmetric_from(t, uplo):
    """The symmetric matrix that eigh/cholesky see when given `t` (one triangle read)."""
    if str(uplo).upper() == "U":
        return np.triu(t) + _mT(np.triu(t, 1))
    return np.tril(t) + _mT(np.tril(t, -1))


def _symmetric_from_adjoint(c, uplo):
    """The adjoint of `_symmetric_from`: a cotangent on the triangle that was read."""
    if str(uplo).upper() == "U":
        return np.triu(c) + np.triu(_mT(c), 1)
    return np.tril(c) + np.tril(_mT(c), -1)


def _gap_inverse(w):
    """F[i, j] = 1 / (w[j] - w[i]) off the diagonal, 0 on it."""
    eye = np.eye(np.shape(w)[-1], dtype=np.result_type(w))
    return 1 / (w[..., None, :] - w[..., :, None] + eye) - eye


# -- eigh, eigvalsh ------------------------------------------------------------------------

def eigh_vjp(g, a, ans, uplo="L"):
    """Cotangent of `a` in ``w, v = np.linalg.eigh(a, UPLO)`` from the cotangents [gw, gv]."""
    w, v = ans
    gw, gv = g
    vt = _mT(v)
    inner = _diag_embed(gw) + _gap_inverse(w) * (vt @ gv)
    return _symmetric_from_adjoint(v @ inner @ vt, uplo)


def eigh_jvp(a_dot, ans, uplo="L"):
    """Tangents (dw, dv) of ``np.linalg.eigh(a, UPLO)``."""
    w, v = ans
    m = _mT(v) @ _symmetric_from(a_dot, uplo) @ v
    return np.diagonal(m, axis1=-2, axis2=-1).copy(), v @ (_gap_inverse(w) * m)


def eigvalsh_vjp(g, a, uplo="L"):
    """Cotangent of `a` in ``np.linalg.eigvalsh(a, UPLO)``."""
    _, v = np.linalg.eigh(a, uplo)
    return _symmetric_from_adjoint((v * np.expand_dims(g, -2)) @ _mT(v), uplo)


def eigvalsh_jvp(a_dot, a, uplo="L"):
    """Tangent of ``np.linalg.eigvalsh(a, UPLO)``."""
    _, v = np.linalg.eigh(a, uplo)
    return np.einsum("...ji,...jk,...ki->...i", v, _symmetric_from(a_dot, uplo), v)


# -- eig, eigvals: a general real matrix with real eigenvalues ------------------------------

def _where_called():
    """``file.py:line`` of the user's line whose derivative code is running (the comment
    above the generated line that called this helper), or a placeholder."""
    from .. import loader
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename not in loader._GENERATED_FILES:
        frame = frame.f_back
    if frame is None:
        return "np.linalg.eig"
    lines = loader._GENERATED_FILES[frame.f_code.co_filename]
    for i in range(frame.f_lineno - 2, -1, -1):
        line = lines[i].strip()
        if line.startswith("#") and line.endswith(")") and loader.ORIGIN_MARK in line:
            return line.rpartition(loader.ORIGIN_MARK)[2].rstrip(")")
    return frame.f_code.co_filename


def _real_eigenvalues(w, name):
    """Stop where np.linalg.eig(a) returned complex eigenvalues: srcad differentiates it for
    real eigenvalues only (never the real part of a complex derivative)."""
    if np.iscomplexobj(w):
        raise NoDerivativeRule(
            name, _where_called(),
            "it returned complex eigenvalues for this matrix (or was given a complex one); srcad "
            "differentiates it for a real matrix whose eigenvalues are real. For a symmetric "
            "matrix use np.linalg.eigh")


def _eig_derivatives(v, w, m):
    """(dw, dv) of ``w, v = np.linalg.eig(a)`` from ``m = inv(v) @ da @ v``: dw is the
    diagonal of m; dv = v (F * m), less each column's part along itself (NumPy's
    eigenvectors keep unit length)."""
    p = v @ (_gap_inverse(w) * m)
    return np.diagonal(m, axis1=-2, axis2=-1).copy(), p - v * np.sum(v * p, axis=-2, keepdims=True)


def eig_vjp(g, a, ans):
    """Cotangent of `a` in ``w, v = np.linalg.eig(a)`` (real, distinct eigenvalues) from the
    cotangents [gw, gv]: inv(v)^T (diag(gw) + F * (v^T pv)) v^T, where pv is gv less each
    column's part along its eigenvector."""
    w, v = ans
    _real_eigenvalues(w, "np.linalg.eig")
    gw, gv = g
    pv = gv - v * np.sum(v * gv, axis=-2, keepdims=True)
    inner = _diag_embed(gw) + _gap_inverse(w) * (_mT(v) @ pv)
    return np.linalg.solve(_mT(v), inner @ _mT(v))


def eig_jvp(a_dot, ans):
    """Tangents (dw, dv) of ``np.linalg.eig(a)`` (real, distinct eigenvalues)."""
    w, v = ans
    _real_eigenvalues(w, "np.linalg.eig")
    return _eig_derivatives(v, w, np.linalg.solve(v, a_dot @ v))


def eigvals_vjp(g, a, ans):
    """Cotangent of `a` in ``np.linalg.eigvals(a)`` (real eigenvalues): inv(v)^T diag(g) v^T."""
    _real_eigenvalues(ans, "np.linalg.eigvals")
    _, v = np.linalg.eig(a)
    return np.linalg.solve(_mT(v), _diag_embed(g) @ _mT(v))


def eigvals_jvp(a_dot, a, ans):
    """Tangent of ``np.linalg.eigvals(a)`` (real eigenvalues): the diagonal of inv(v) da v."""
    _real_eigenvalues(ans, "np.linalg.eigvals")
    w, v = np.linalg.eig(a)
    return np.diagonal(np.linalg.solve(v, a_dot @ v), axis1=-2, axis2=-1).copy()


# -- cholesky ------------------------------------------------------------------------------

def _phi(x):
    """The lower triangle with the diagonal halved."""
    return np.tril(x) - 0.5 * x * _eye_like(x)


def cholesky_vjp(g, ans, upper=False):
    """Cotangent of `a` in ``np.linalg.cholesky(a, upper=upper)`` (Murray 2016); NumPy reads
    the lower triangle of `a` (the upper one when upper=True), and so does this cotangent."""
    low, g_low = (_mT(ans), _mT(g)) if upper else (ans, g)
    p = _phi(_mT(low) @ g_low)
    c = _mT(np.linalg.solve(_mT(low), _mT(np.linalg.solve(_mT(low), p))))
    return _symmetric_from_adjoint(c, "U" if upper else "L")


def cholesky_jvp(a_dot, ans, upper=False):
    """Tangent of ``np.linalg.cholesky(a, upper=upper)``."""
    low = _mT(ans) if upper else ans
    s = _symmetric_from(a_dot, "U" if upper else "L")
    m = _mT(np.linalg.solve(low, _mT(np.linalg.solve(low, s))))   # L^-1 S L^-T
    low_dot = low @ _phi(m)
    return _mT(low_dot) if upper else low_dot


# -- qr --------------------------------------------------------------------------------

def _qr_check(a, mode):
    m, n = np.shape(a)[-2:]
    if m < n:
        raise NotImplementedError("srcad: the derivative of np.linalg.qr needs rows >= columns")
    if mode not in ("reduced", "complete") or (mode == "complete" and m != n):
        raise NotImplementedError(f"srcad: the derivative of np.linalg.qr(mode={mode!r}) is not "
                                  "implemented (use mode='reduced')")


def qr_vjp(g, a, ans, mode="reduced"):
    """Cotangent of `a` in ``q, r = np.linalg.qr(a)`` (rows >= columns)."""
    _qr_check(a, mode)
    q, r = ans
    gq, gr = g
    m = r @ _mT(gr) - _mT(gq) @ q
    copied = np.tril(m) + _mT(np.tril(m, -1))
    b = gq + q @ copied
    return _mT(np.linalg.solve(r, _mT(b)))   # b R^-T


def qr_jvp(a_dot, ans, mode="reduced"):
    """Tangents (dq, dr) of ``np.linalg.qr(a)`` (rows >= columns)."""
    q, r = ans
    _qr_check(q @ r, mode)
    a_dot_rinv = _mT(np.linalg.solve(_mT(r), _mT(a_dot)))   # dA R^-1
    x = _mT(q) @ a_dot_rinv
    lower = np.tril(x, -1)
    omega = lower - _mT(lower)
    return q @ omega + a_dot_rinv - q @ x, (x - omega) @ r


# -- svd, svdvals --------------------------------------------------------------------------

def _svd_check(a, full_matrices):
    m, n = np.shape(a)[-2:]
    if full_matrices and m != n:
        raise NotImplementedError("srcad: the derivative of np.linalg.svd of a non-square matrix "
                                  "needs full_matrices=False")


def svdvals_vjp(g, a):
    """Cotangent of `a` in ``np.linalg.svd(a, compute_uv=False)`` / ``svdvals(a)``."""
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    return (u * np.expand_dims(g, -2)) @ vh


def svdvals_jvp(a_dot, a):
    """Tangent of the singular values of `a`."""
    u, _, vh = np.linalg.svd(a, full_matrices=False)
    return np.einsum("...ji,...jk,...ik->...i", u, a_dot, vh)


def svd_vjp(g, a, ans, full_matrices=True, compute_uv=True):
    """Cotangent of `a` in ``u, s, vh = np.linalg.svd(a)`` from the cotangents [gu, gs, gvh]."""
    if not compute_uv:
        return svdvals_vjp(g[0] if isinstance(g, (list, tuple)) else g, a)
    _svd_check(a, full_matrices)
    u, s, vh = ans
    gu, gs, gvh = g
    v, gv = _mT(vh), _mT(gvh)
    m, n = np.shape(a)[-2:]
    s_row = np.expand_dims(s, -2)
    f = _gap_inverse(s ** 2)   # 1 / (s_j^2 - s_i^2)
    utgu = _mT(u) @ gu
    vtgv = _mT(v) @ gv
    core = (f * (utgu - _mT(utgu))) * s_row + _diag_embed(gs) \
        + np.expand_dims(s, -1) * (f * (vtgv - _mT(vtgv)))
    result = u @ core @ vh
    if m > n:
        result = result + (gu - u @ utgu) / s_row @ vh
    elif n > m:
        result = result + u @ _mT((gv - v @ vtgv) / s_row)
    return result


def svd_jvp(a_dot, a, ans, full_matrices=True, compute_uv=True):
    """Tangents (du, ds, dvh) of ``np.linalg.svd(a)`` (or ds alone, compute_uv=False)."""
    if not compute_uv:
        return svdvals_jvp(a_dot, a)
    _svd_check(a, full_matrices)
    u, s, vh = ans
    v = _mT(vh)
    m, n = np.shape(a)[-2:]
    s_row = np.expand_dims(s, -2)
    ds_mat = _mT(u) @ a_dot @ v
    ds = np.diagonal(ds_mat, axis1=-2, axis2=-1).copy()
    f = _gap_inverse(s ** 2)
    dss, sds = ds_mat * s_row, np.expand_dims(s, -1) * ds_mat
    du = u @ (f * (dss + _mT(dss)))
    dv = v @ (f * (sds + _mT(sds)))
    if m > n:
        a_dot_v = a_dot @ v
        du = du + (a_dot_v - u @ (_mT(u) @ a_dot_v)) / s_row
    elif n > m:
        a_dot_t_u = _mT(a_dot) @ u
        dv = dv + (a_dot_t_u - v @ (vh @ a_dot_t_u)) / s_row
    return du, ds, _mT(dv)


# -- pinv, lstsq -------------------------------------------------------------------------

def pinv_vjp(g, a, ans):
    """Cotangent of `a` in ``x = np.linalg.pinv(a)`` (constant rank; Golub & Pereyra)."""
    x, xt, gt = ans, _mT(ans), _mT(g)
    return (-xt @ g @ xt
            + (gt - a @ (x @ gt)) @ (x @ xt)
            + (xt @ x) @ (gt - (gt @ x) @ a))


def pinv_jvp(a_dot, a, ans):
    """Tangent of ``np.linalg.pinv(a)`` (constant rank)."""
    x, xt, a_dot_t = ans, _mT(ans), _mT(a_dot)
    return (-x @ a_dot @ x
            + (x @ xt) @ (a_dot_t - (a_dot_t @ a) @ x)
            + (a_dot_t - x @ (a @ a_dot_t)) @ (xt @ x))


class SequenceTangent(tuple):
    """Tangents of several outputs; ``+`` adds them output by output (the JVP terms of
    several arguments of one call are summed)."""

    def __add__(self, other):
        return SequenceTangent(a + b for a, b in zip(self, other))

    __radd__ = __add__


def _lstsq_parts(a, b, ans):
    x, residuals = ans[0], ans[1]
    column = np.ndim(b) == 1
    x_col = x[:, None] if column else x
    b_col = b[:, None] if column else np.asarray(b)
    has_residuals = np.size(residuals) > 0
    r = b_col - a @ x_col if has_residuals else None
    return x_col, r, column, has_residuals


def lstsq_vjp_a(g, a, b, ans, rcond=None):
    """Cotangent of `a` in ``x, residuals, rank, s = np.linalg.lstsq(a, b)`` (full rank)."""
    gx, gres, _, gs = g
    x_col, r, column, has_residuals = _lstsq_parts(a, b, ans)
    b_col = b[:, None] if column else np.asarray(b)
    gx_col = gx[:, None] if column else gx
    result = pinv_vjp(gx_col @ b_col.T, a, np.linalg.pinv(a)) + svdvals_vjp(gs, a)
    if has_residuals:
        result = result - 2 * (r * gres) @ x_col.T
    return result


def lstsq_vjp_b(g, a, b, ans, rcond=None):
    """Cotangent of `b` in ``np.linalg.lstsq(a, b)`` (full rank)."""
    gx, gres, _, _ = g
    x_col, r, column, has_residuals = _lstsq_parts(a, b, ans)
    gx_col = gx[:, None] if column else gx
    result = np.linalg.pinv(a).T @ gx_col
    if has_residuals:
        result = result + 2 * r * gres
    return result[:, 0] if column else result


def lstsq_jvp_a(a_dot, a, b, ans, rcond=None):
    """Tangents of (x, residuals, rank, s) of ``np.linalg.lstsq(a, b)`` along `a_dot`."""
    x_col, r, column, has_residuals = _lstsq_parts(a, b, ans)
    b_col = b[:, None] if column else np.asarray(b)
    dx = pinv_jvp(a_dot, a, np.linalg.pinv(a)) @ b_col
    dres = -2 * np.sum(r * (a_dot @ x_col), axis=0) if has_residuals else np.zeros_like(ans[1])
    return SequenceTangent((dx[:, 0] if column else dx, dres, np.zeros(()),
                            svdvals_jvp(a_dot, a)))


def lstsq_jvp_b(b_dot, a, b, ans, rcond=None):
    """Tangents of (x, residuals, rank, s) of ``np.linalg.lstsq(a, b)`` along `b_dot`."""
    x_col, r, column, has_residuals = _lstsq_parts(a, b, ans)
    dx = np.linalg.pinv(a) @ b_dot
    db_col = b_dot[:, None] if column else b_dot
    dres = 2 * np.sum(r * db_col, axis=0) if has_residuals else np.zeros_like(ans[1])
    return SequenceTangent((dx, dres, np.zeros(()), np.zeros_like(ans[3])))


# -- matrix_power ----------------------------------------------------------------------

def _powers(a, k):
    """[I, a, a^2, ..., a^(k-1)]."""
    powers = [np.broadcast_to(_eye_like(a), np.shape(a))]
    for _ in range(k - 1):
        powers.append(powers[-1] @ a)
    return powers


def matrix_power_vjp(g, a, n):
    """Cotangent of `a` in ``np.linalg.matrix_power(a, n)``."""
    if n == 0:
        return np.zeros_like(g)
    if n < 0:
        b = np.linalg.inv(a)
        gb = matrix_power_vjp(g, b, -n)
        return -_mT(b) @ gb @ _mT(b)
    powers = [_mT(p) for p in _powers(a, n)]
    return sum(powers[j] @ g @ powers[n - 1 - j] for j in range(n))


def matrix_power_jvp(a_dot, a, n):
    """Tangent of ``np.linalg.matrix_power(a, n)``."""
    if n == 0:
        return np.zeros_like(a_dot)
    if n < 0:
        b = np.linalg.inv(a)
        return matrix_power_jvp(-b @ a_dot @ b, b, -n)
    powers = _powers(a, n)
    return sum(powers[j] @ a_dot @ powers[n - 1 - j] for j in range(n))


# -- norms -------------------------------------------------------------------------------

def _norm_layout(x, ord, axis, kind):
    """('vector' | 'matrix', the reduced axes as a tuple of non-negative ints)."""
    ndim = np.ndim(x)
    if kind == "matrix":
        return "matrix", (ndim - 2, ndim - 1)
    if axis is None:
        if kind == "vector" or ord is None:
            return "vector", tuple(range(ndim))
        return ("vector" if ndim == 1 else "matrix"), tuple(range(ndim))
    axes = (axis,) if np.ndim(axis) == 0 else tuple(axis)
    axes = tuple(int(a) % ndim for a in axes)
    if kind == "vector" or len(axes) == 1:
        return "vector", axes
    return "matrix", axes


def _expanded(ans, axes, keepdims):
    return ans if keepdims else np.expand_dims(ans, axes)


def _is_smooth_two_norm(layout, ord):
    return ord is None or (layout == "vector" and ord == 2) or (layout == "matrix" and ord == "fro")


def norm_derivative(x, ans, ord=None, axis=None, keepdims=False, kind="norm"):
    """d norm / d x, shaped like `x` (one norm per slice over the reduced axes).

    At ties (inf-norms, matrix 1/inf-norms) the derivative is shared evenly; at a zero
    vector the 2-norm's derivative is 0.
    """
    layout, axes = _norm_layout(x, ord, axis, kind)
    x = np.asarray(x)
    n = _expanded(ans, axes, keepdims)
    safe = np.where(n == 0, 1, n)
    if _is_smooth_two_norm(layout, ord):
        return np.where(n == 0, 0, x / safe)
    if layout == "vector":
        if ord == 1:
            return np.sign(x)
        if ord == 0:
            return np.zeros_like(x)
        if ord in (np.inf, -np.inf):
            ax = np.abs(x)
            mask = ax == (np.max if ord > 0 else np.min)(ax, axis=axes, keepdims=True)
            return np.sign(x) * mask / np.sum(mask, axis=axes, keepdims=True)
        return np.sign(x) * (np.abs(x) / safe) ** (ord - 1)
    moved = np.moveaxis(x, axes, (-2, -1))   # matrix norms: the two axes last
    if ord == "nuc":
        u, _, vh = np.linalg.svd(moved, full_matrices=False)
        d = u @ vh
    elif ord in (2, -2):
        u, _, vh = np.linalg.svd(moved, full_matrices=False)
        pick = slice(0, 1) if ord == 2 else slice(-1, None)
        d = u[..., :, pick] @ vh[..., pick, :]
    elif ord in (1, -1, np.inf, -np.inf):
        by_columns = ord in (1, -1)
        sums = np.sum(np.abs(moved), axis=-2 if by_columns else -1)
        mask = sums == (np.max if ord > 0 else np.min)(sums, axis=-1, keepdims=True)
        weight = np.expand_dims(mask / np.sum(mask, axis=-1, keepdims=True),
                                -2 if by_columns else -1)
        d = np.sign(moved) * weight
    else:
        raise NotImplementedError(f"srcad: no derivative of the matrix norm ord={ord!r}")
    return np.moveaxis(d, (-2, -1), axes)


def norm_axes(x, ord=None, axis=None, kind="norm"):
    """The axes a norm reduces (to expand its cotangent back over them)."""
    return _norm_layout(x, ord, axis, kind)[1]


def _curvature(x, ans, ord, axis, keepdims, kind):
    """(c_x, c_n): elementwise factors with d(norm_derivative) = c_x dx + c_n dn."""
    layout, axes = _norm_layout(x, ord, axis, kind)
    x = np.asarray(x)
    n = _expanded(ans, axes, keepdims)
    safe = np.where(n == 0, 1, n)
    if _is_smooth_two_norm(layout, ord):
        return np.where(n == 0, 0, 1 / safe) + 0 * x, np.where(n == 0, 0, -x / safe ** 2)
    if layout == "matrix" and ord in ("nuc", 2, -2):
        raise NotImplementedError(f"srcad: no second derivative of the matrix norm ord={ord!r}")
    if layout == "matrix" or ord in (0, 1, np.inf, -np.inf):
        return np.zeros_like(x), np.zeros_like(x)   # piecewise constant
    ratio = np.abs(x) / safe
    return ((ord - 1) * ratio ** (ord - 2) / safe,
            (1 - ord) * np.sign(x) * ratio ** (ord - 1) / safe)


def norm_curvature_x(x, ans, ord=None, axis=None, keepdims=False, kind="norm"):
    """d norm_derivative / d x (elementwise: its Jacobian in x is diagonal)."""
    return _curvature(x, ans, ord, axis, keepdims, kind)[0]


def norm_curvature_n(x, ans, ord=None, axis=None, keepdims=False, kind="norm"):
    """d norm_derivative / d ans, shaped like `x` (ans expanded over the reduced axes)."""
    return _curvature(x, ans, ord, axis, keepdims, kind)[1]
