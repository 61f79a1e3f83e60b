"""NumPy helpers that the scipy.stats rule templates call (rules/scipy_stats.py).

Imported only once the user's code has imported scipy.stats (srcad never imports SciPy
itself). Each helper is a pure function. Those whose value carries a derivative have rules
of their own (registered in scipy_stats.py), written with NumPy, scipy.special and these
helpers again, so derivative code that calls them can be differentiated a second time
(Hessians of log densities: Laplace approximations, Newton steps).

Multivariate normal: `mvn_cov` builds the covariance matrix as SciPy reads the ``cov``
argument (a number times the identity, a vector of variances, or a matrix of which only
the lower triangle is read); `mvn_solve` is the residuals times the inverse covariance,
``(x - mean) @ inv(cov)``, one row per point, which every derivative of the log density
is made of.

Dirichlet: SciPy puts the components on the *first* axis of ``x`` and accepts ``x`` with
one component fewer than ``alpha`` (the last one is then ``1 - sum(x)``); `simplex_points`
appends that component.
"""
import numpy as np

LOG_SQRT_2PI = 0.9189385332046727   # log(sqrt(2 pi))


# -- the normal density (the derivatives of norm.cdf, logcdf, sf, logsf) ---------------------

def normal_logpdf(x, loc=0.0, scale=1.0):
    """``scipy.stats.norm.logpdf(x, loc, scale)`` without SciPy's argument checks."""
    z = (x - loc) / scale
    return -0.5 * z ** 2 - np.log(scale) - LOG_SQRT_2PI


# -- Dirichlet: components along the first axis ----------------------------------------------

def simplex_points(x, alpha, total=1.0):
    """`x` with the component ``total - sum(x, axis=0)`` appended along the first axis when
    it has one component fewer than `alpha` (as scipy.stats.dirichlet reads it); `x` as it
    is otherwise. With ``total=0`` it maps a tangent of `x` to the tangent of the points."""
    x = np.asarray(x)
    if np.shape(x)[0] == np.shape(alpha)[0]:
        return x
    last = total - np.sum(x, axis=0, keepdims=True)
    return np.concatenate([x, last.astype(np.result_type(x, 1.0), copy=False)], axis=0)


def simplex_points_vjp(cot, x):
    """The cotangent of `x` in ``simplex_points(x, alpha)`` from the points' cotangent."""
    cot = np.asarray(cot)
    if np.shape(cot)[0] == np.shape(x)[0]:
        return cot
    return cot[:-1] - cot[-1:]


def along_first_axis(v, like):
    """A vector `v` (one value per component) shaped to broadcast along the first axis of
    `like`: ``(k, 1, ..., 1)``."""
    return np.reshape(v, (-1,) + (1,) * (np.ndim(like) - 1))


def sum_after_first_axis(v):
    """`v` summed over every axis but the first (one value per component)."""
    return np.sum(v, axis=tuple(range(1, np.ndim(v))))


# -- multivariate normal: points along the last axis -----------------------------------------

def _mvn_dim(mean, cov):
    """The dimension scipy.stats.multivariate_normal infers from `mean` and `cov`."""
    if mean is not None:
        return int(np.size(mean))
    return np.shape(cov)[0] if np.ndim(cov) >= 2 else 1


def _mvn_check(cov):
    if not isinstance(cov, (int, float, np.ndarray, np.generic, list, tuple)):
        raise NotImplementedError(
            "srcad: scipy.stats.multivariate_normal has a derivative rule for `cov` given as a "
            f"number, a vector of variances or a matrix, not as {type(cov).__name__}")


def mvn_cov(cov, mean=None):
    """The covariance matrix ``multivariate_normal(mean, cov)`` uses: ``cov * I`` for a
    number, ``diag(cov)`` for a vector, the symmetric matrix of the lower triangle of a
    matrix (SciPy's eigendecomposition reads only that triangle)."""
    _mvn_check(cov)
    cov = np.asarray(cov)
    dim = _mvn_dim(mean, cov)
    if cov.ndim < 2 and dim == 1:
        return np.reshape(cov, (1, 1))
    if cov.ndim == 0:
        return cov * np.eye(dim, dtype=np.result_type(cov, 1.0))
    if cov.ndim == 1:
        return np.diag(cov)
    return np.tril(cov) + np.tril(cov, -1).T


def mvn_cov_vjp(cot, cov, mean=None):
    """The cotangent of `cov` in ``mvn_cov(cov, mean)`` from the matrix's cotangent `cot`:
    its trace, its diagonal, or its lower triangle with the upper one folded in."""
    cot = np.asarray(cot)
    if np.ndim(cov) == 0:
        return np.reshape(np.trace(cot), np.shape(cov))
    if np.ndim(cov) == 1:
        return np.reshape(np.diagonal(cot), np.shape(cov))
    return np.tril(cot) + np.tril(cot.T, -1)


def mvn_points(x, mean=None, cov=1):
    """`x` as rows of points, shape ``(..., dim)``, as multivariate_normal reads it: a number
    is one point of dimension 1, a vector one point (or, in dimension 1, one point per
    entry)."""
    x = np.asarray(x)
    dim = _mvn_dim(mean, cov)
    if x.ndim == 0:
        return np.reshape(x, (1,))
    if x.ndim == 1:
        return np.reshape(x, (-1, 1) if dim == 1 else (1, -1))
    return x


def mvn_solve(x, mean=None, cov=1):
    """The residuals times the inverse covariance, ``(x - mean) @ inv(cov)`` (``cov`` as
    `mvn_cov` reads it), one row per point of `x` (as `mvn_points` reads it)."""
    residuals = mvn_points(x, mean, cov) - (0.0 if mean is None else np.reshape(mean, (-1,)))
    covariance = mvn_cov(cov, mean)
    return np.linalg.solve(covariance, residuals[..., None])[..., 0]


def mvn_weighted(cot, s):
    """Each row of `s` (`mvn_solve`'s) times the cotangent of its point's log density
    (`cot`, one value per point, with the axes of length 1 SciPy squeezes away)."""
    return np.reshape(cot, np.shape(s)[:-1] + (1,)) * s


def points_outer(a, b):
    """The sum over the points (rows) of the outer products ``a[n] b[n]^T``: a matrix."""
    dim = np.shape(a)[-1]
    return np.matmul(np.reshape(a, (-1, dim)).T, np.reshape(b, (-1, dim)))
