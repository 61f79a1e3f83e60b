"""Issue 12, the derivative-rule items: the scipy.stats densities statistical models call,
np.nan_to_num, np.linalg.eig, and NumPy callables real code uses (np.delete, np.insert,
np.append, np.diff, np.interp, np.polyval; np.put / np.put_along_axis write in place and
raise a clear error).

Every check is against central finite differences (`check_grads`, or Jacobians built column
by column below) or an independent closed form, in forward and reverse mode; the densities
also through second derivatives (srcad.hessian: Laplace approximations, Newton steps).
"""
import subprocess
import sys

import numpy as np
import pytest

import srcad
from srcad.rules import lookup
from srcad.rules.registry import callable_name
from srcad.testing import check_grads

try:
    import scipy.stats
    from scipy import stats
    from scipy.stats import norm
except ImportError:  # pragma: no cover - SciPy is optional
    scipy = stats = norm = None

MODES = ("forward", "reverse")
needs_scipy = pytest.mark.skipif(stats is None, reason="SciPy is not installed")


def fd_jacobian(f, args, wrt, eps=1e-6):
    """d f / d args[wrt] by central differences: shape f(...).shape + args[wrt].shape."""
    x = np.asarray(args[wrt], dtype=np.float64)
    columns = []
    for k in range(x.size):
        step = np.zeros(x.size)
        step[k] = eps
        ahead, behind = list(args), list(args)
        ahead[wrt] = x + step.reshape(x.shape)
        behind[wrt] = x - step.reshape(x.shape)
        if np.ndim(args[wrt]) == 0 and not isinstance(args[wrt], np.ndarray):
            ahead[wrt], behind[wrt] = float(ahead[wrt]), float(behind[wrt])
        columns.append((np.asarray(f(*ahead)) - np.asarray(f(*behind))) / (2 * eps))
    out_shape = np.shape(f(*args))
    return np.moveaxis(np.array(columns), 0, -1).reshape(out_shape + x.shape)


def assert_jacobians(f, args, wrt=(0,), rtol=1e-6, atol=1e-7):
    """srcad.jacobian in both modes (vector mode: all directions in one sweep) against finite
    differences, for each argument in `wrt`."""
    for mode in MODES:
        blocks = srcad.jacobian(f, wrt=wrt, mode=mode)(*args)
        blocks = blocks if isinstance(blocks, tuple) else (blocks,)
        for i, block in zip(wrt, blocks):
            np.testing.assert_allclose(block, fd_jacobian(f, args, i), rtol=rtol, atol=atol,
                                       err_msg=f"{mode} Jacobian w.r.t. argument {i}")


def assert_second_derivatives(f, args, wrt):
    """The gradient w.r.t. every argument in `wrt`, differentiated again w.r.t. all of them
    (mixed second derivatives included), in both modes, against finite differences."""
    check_grads(srcad.grad(f, wrt=wrt), args, wrt=wrt, modes=MODES, rtol=1e-5, atol=1e-6)


def rng(seed):
    return np.random.default_rng(seed)


def spd(n, seed):
    a = rng(seed).normal(size=(n, n))
    return a @ a.T + n * np.eye(n)


# ---------------------------------------------------------------------------------------
# scipy.stats: the densities, all their parameters, first and second derivatives
# ---------------------------------------------------------------------------------------

def norm_model(x, loc, scale):
    return np.sum(norm.logpdf(x, loc, scale)) + np.sum(stats.norm.logcdf(x, loc=loc, scale=scale))


def norm_probabilities(x, loc, scale):
    return (scipy.stats.norm.pdf(x, loc, scale) + stats.norm.cdf(x, loc, scale)
            + stats.norm.sf(x, loc, scale) * stats.norm.logsf(x, loc, scale))


def t_model(x, df, loc, scale):
    return np.sum(stats.t.logpdf(x, df, loc, scale))


def gamma_model(x, a, loc, scale):
    return np.sum(stats.gamma.logpdf(x, a, loc, scale))


def beta_model(x, a, b, loc, scale):
    return np.sum(stats.beta.logpdf(x, a, b, loc=loc, scale=scale))


def poisson_model(mu):
    return np.sum(stats.poisson.logpmf(np.array([0, 2, 5, 1]), mu))


def dirichlet_model(x, alpha):
    return np.sum(stats.dirichlet.logpdf(x, alpha))


def mvn_model(x, mean, cov):
    return np.sum(stats.multivariate_normal.logpdf(x, mean, cov))


def densities():
    r = rng(0)
    x, loc, scale = r.normal(size=5), r.normal(size=5), r.uniform(0.5, 2.0, 5)
    return [
        (norm_model, (x, loc, scale), (0, 1, 2)),
        (t_model, (x, r.uniform(2.0, 6.0, 5), loc, scale), (0, 1, 2, 3)),
        (gamma_model, (r.uniform(1.0, 3.0, 5), r.uniform(1.5, 4.0, 5), r.uniform(-0.5, 0.5, 5),
                       scale), (0, 1, 2, 3)),
        (beta_model, (r.uniform(0.2, 0.8, 5), r.uniform(1.5, 4.0, 5), r.uniform(1.5, 4.0, 5),
                      -0.1, 1.3), (0, 1, 2, 3, 4)),
        (poisson_model, (r.uniform(0.5, 4.0, 4),), (0,)),
        (dirichlet_model, (np.array([[0.2, 0.1], [0.3, 0.5], [0.1, 0.2]]), r.uniform(0.5, 3.0, 4)),
         (0, 1)),
        (mvn_model, (r.normal(size=(4, 3)), r.normal(size=3), spd(3, 1)), (0, 1, 2)),
        (mvn_model, (r.normal(size=(4, 3)), r.normal(size=3), r.uniform(0.5, 2.0, 3)), (0, 1, 2)),
        (mvn_model, (r.normal(size=3), r.normal(size=3), 1.5), (0, 1, 2)),
    ]


DENSITY_IDS = ["norm", "t", "gamma", "beta", "poisson", "dirichlet", "mvn", "mvn_variances",
               "mvn_isotropic"]


@needs_scipy
@pytest.mark.parametrize("index", range(len(DENSITY_IDS)), ids=DENSITY_IDS)
def test_densities_against_finite_differences(index):
    f, args, wrt = densities()[index]
    check_grads(f, args, wrt=wrt, modes=MODES)


@needs_scipy
@pytest.mark.parametrize("index", range(len(DENSITY_IDS)), ids=DENSITY_IDS)
def test_densities_second_derivatives(index):
    f, args, wrt = densities()[index]
    assert_second_derivatives(f, args, wrt)


@needs_scipy
def test_norm_functions_vector_mode_jacobians():
    r = rng(1)
    args = (r.normal(size=4), r.normal(size=4), r.uniform(0.5, 2.0, 4))
    assert_jacobians(norm_probabilities, args, wrt=(0, 1, 2))


def mvn_points(x, mean, cov):
    return stats.multivariate_normal.logpdf(x, mean, cov)


def dirichlet_points(x, alpha):
    return stats.dirichlet.logpdf(x, alpha)


def t_points(x, df, scale):
    return stats.t.logpdf(x, df, 0.5, scale)


@needs_scipy
def test_multivariate_densities_vector_mode_jacobians():
    r = rng(2)
    assert_jacobians(mvn_points, (r.normal(size=(5, 3)), r.normal(size=3), spd(3, 3)),
                     wrt=(0, 1, 2), rtol=1e-5, atol=1e-7)
    assert_jacobians(dirichlet_points, (np.array([[0.2, 0.1, 0.3], [0.3, 0.5, 0.2]]),
                                        r.uniform(0.5, 3.0, 3)), wrt=(0, 1), rtol=1e-5)
    assert_jacobians(t_points, (r.normal(size=4), r.uniform(2.0, 5.0, 4), 1.3), wrt=(0, 1, 2),
                     rtol=1e-5)


def norm_from_import(x):
    return np.sum(norm.logpdf(x, 0.5, 2.0))


def norm_from_module(x):
    return np.sum(stats.norm.logpdf(x, 0.5, 2.0))


def norm_fully_spelled(x):
    return np.sum(scipy.stats.norm.logpdf(x, 0.5, 2.0))


@needs_scipy
def test_every_spelling_finds_the_rule_and_the_closed_form():
    x = rng(3).normal(size=6)
    expected = -(x - 0.5) / 2.0 ** 2     # d log N(x; 0.5, 2) / dx
    for f in (norm_from_import, norm_from_module, norm_fully_spelled):
        np.testing.assert_allclose(srcad.grad(f)(x), expected, rtol=1e-14)
        _, tangent = srcad.jvp(f)(x, np.ones(6))
        np.testing.assert_allclose(tangent, np.sum(expected), rtol=1e-13)
        for _ in range(3):   # the cached derivative is used again, not derived anew each call
            np.testing.assert_allclose(srcad.grad(f)(x), expected, rtol=1e-14)


@needs_scipy
def test_each_distribution_has_its_own_rule_and_name():
    """norm.logpdf and t.logpdf are the same function bound to different objects."""
    assert stats.norm.logpdf.__func__ is stats.t.logpdf.__func__
    assert lookup(stats.norm.logpdf) is not lookup(stats.t.logpdf)
    assert callable_name(stats.norm.logpdf) == "scipy.stats.norm.logpdf"
    assert lookup(stats.norm.logpdf).name == "scipy.stats.norm.logpdf"
    assert callable_name(stats.multivariate_normal.logpdf) == "scipy.stats.multivariate_normal.logpdf"
    assert lookup(stats.cauchy.logpdf) is None


def cauchy_model(x):
    return np.sum(stats.cauchy.logpdf(x))


def norm_ppf_model(q):
    return np.sum(norm.ppf(q))


@needs_scipy
@pytest.mark.parametrize("mode", MODES)
def test_a_method_without_a_rule_is_named_as_written(mode):
    transform = srcad.grad if mode == "reverse" else srcad.jvp
    with pytest.raises(srcad.NoDerivativeRule, match=r"scipy\.stats\.cauchy\.logpdf") as error:
        transform(cauchy_model)
    assert "rv_continuous" not in str(error.value)
    with pytest.raises(srcad.NoDerivativeRule, match=r"scipy\.stats\.norm\.ppf"):
        transform(norm_ppf_model)


DIST = None


def global_distribution(x):
    return np.sum(DIST.logpdf(x))


@needs_scipy
def test_a_rebound_distribution_is_differentiated_anew(monkeypatch):
    """The derivative of DIST.logpdf depends on which object DIST is: rebinding it to another
    distribution must not reuse the first one's rule."""
    x = rng(4).normal(size=4)
    monkeypatch.setitem(globals(), "DIST", stats.norm)
    gradient = srcad.grad(global_distribution)
    np.testing.assert_allclose(gradient(x), -x, rtol=1e-14)
    monkeypatch.setitem(globals(), "DIST", stats.cauchy)
    with pytest.raises(srcad.NoDerivativeRule, match=r"scipy\.stats\.cauchy\.logpdf"):
        gradient(x)
    monkeypatch.setitem(globals(), "DIST", stats.norm)
    np.testing.assert_allclose(gradient(x), -x, rtol=1e-14)


def test_srcad_never_imports_scipy_stats_and_registers_its_rules_once_the_user_does():
    pytest.importorskip("scipy.stats")
    script = (
        "import sys, numpy as np, srcad\n"
        "from srcad.rules import lookup\n"
        "assert 'scipy' not in sys.modules\n"
        "from scipy import stats\n"
        "assert lookup(stats.norm.logpdf).name == 'scipy.stats.norm.logpdf'\n"
        "assert lookup(stats.multivariate_normal.logpdf) is not None\n"
        "print('ok')\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr


def mvn_single(x, mean, cov):
    return stats.multivariate_normal.logpdf(x, mean, cov)


@needs_scipy
def test_mvn_closed_forms_and_the_lower_triangle():
    """d/dx = -inv(S) (x - m); d2/dx2 = -inv(S); d/dS = (inv(S) r r^T inv(S) - inv(S)) / 2 on
    the lower triangle, folded (SciPy reads only the lower triangle of cov)."""
    r = rng(5)
    x, mean, cov = r.normal(size=3), r.normal(size=3), spd(3, 6)
    inverse = np.linalg.inv(cov)
    residual = x - mean
    gx, gm, gc = srcad.grad(mvn_single, wrt=(0, 1, 2))(x, mean, cov)
    np.testing.assert_allclose(gx, -inverse @ residual, rtol=1e-12)
    np.testing.assert_allclose(gm, inverse @ residual, rtol=1e-12)
    full = 0.5 * (inverse @ np.outer(residual, residual) @ inverse - inverse)
    np.testing.assert_allclose(gc, np.tril(full + full.T) - np.diag(np.diag(full)), atol=1e-13)
    np.testing.assert_allclose(srcad.hessian(mvn_single)(x, mean, cov), -inverse, rtol=1e-12)
    # noise in the upper triangle changes neither the value nor the derivatives
    noisy = cov + np.triu(r.normal(size=(3, 3)), 1)
    assert mvn_single(x, mean, noisy) == mvn_single(x, mean, cov)
    for got, expected in zip(srcad.grad(mvn_single, wrt=(0, 1, 2))(x, mean, noisy), (gx, gm, gc)):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
    check_grads(mvn_single, (x, mean, noisy), wrt=(0, 1, 2), modes=MODES)


def poisson_glm_posterior(beta, features, counts):
    rate = np.exp(features @ beta)
    return np.sum(stats.poisson.logpmf(counts, rate)) + np.sum(norm.logpdf(beta, 0.0, 2.0))


@needs_scipy
def test_laplace_approximation_hessian_of_a_poisson_regression():
    """The Hessian of a Poisson GLM log posterior with a N(0, 2^2) prior is
    -X^T diag(exp(X beta)) X - I / 4 (independent closed form)."""
    r = rng(7)
    features = r.normal(size=(8, 3)) * 0.5
    counts = r.poisson(2.0, size=8)
    beta = r.normal(size=3) * 0.3
    rate = np.exp(features @ beta)
    expected = -features.T @ (rate[:, None] * features) - np.eye(3) / 4
    np.testing.assert_allclose(srcad.hessian(poisson_glm_posterior)(beta, features, counts),
                               expected, rtol=1e-12, atol=1e-13)
    gradient = srcad.grad(poisson_glm_posterior)(beta, features, counts)
    np.testing.assert_allclose(gradient, features.T @ (counts - rate) - beta / 4, rtol=1e-12,
                               atol=1e-13)


def t_df_only(df):
    return np.sum(stats.t.logpdf(np.array([-1.0, 0.3, 2.0]), df))


def gamma_shape_only(a):
    return np.sum(stats.gamma.logpdf(np.array([0.5, 1.5]), a))


@needs_scipy
def test_shape_parameters_as_python_floats():
    check_grads(t_df_only, (3.5,), modes=MODES)
    check_grads(gamma_shape_only, (2.5,), modes=MODES)


def poisson_of_k(k, mu):
    return np.sum(stats.poisson.logpmf(k, mu))


@needs_scipy
def test_poisson_counts_have_derivative_zero_the_rate_a_closed_form():
    k, mu = np.array([0.0, 2.0, 5.0]), np.array([1.5, 2.5, 4.0])
    gk, gmu = srcad.grad(poisson_of_k, wrt=(0, 1))(k, mu)
    np.testing.assert_array_equal(gk, np.zeros(3))
    np.testing.assert_allclose(gmu, k / mu - 1, rtol=1e-14)


# ---------------------------------------------------------------------------------------
# np.nan_to_num
# ---------------------------------------------------------------------------------------

def nan_to_num_square(x):
    return np.nan_to_num(x, nan=0.5, posinf=3.0, neginf=-3.0) ** 2


def nan_to_num_fill(x, c):
    return np.nan_to_num(x, nan=c, posinf=2.0 * c, neginf=-c)


def test_nan_to_num_derivative_is_one_where_finite_zero_where_replaced():
    x = np.array([0.5, np.nan, -1.5, np.inf, -np.inf])
    _, pulled = srcad.vjp(nan_to_num_square)(x, np.ones(5))
    np.testing.assert_array_equal(pulled, [1.0, 0.0, -3.0, 0.0, 0.0])
    _, tangent = srcad.jvp(nan_to_num_square)(x, np.ones(5))
    np.testing.assert_array_equal(tangent, [1.0, 0.0, -3.0, 0.0, 0.0])
    # the replacement values: d/dc of [x0, c, x2, 2c, -c] is [0, 1, 0, 2, -1]
    _, (gx, gc) = srcad.vjp(nan_to_num_fill, wrt=(0, 1))(x, 0.7, np.ones(5))
    np.testing.assert_array_equal(gx, [1.0, 0.0, 1.0, 0.0, 0.0])
    assert gc == 2.0
    _, tangent = srcad.jvp(nan_to_num_fill, wrt=1)(x, 0.7, 1.0)
    np.testing.assert_array_equal(tangent, [0.0, 1.0, 0.0, 2.0, -1.0])


# ---------------------------------------------------------------------------------------
# np.interp and np.polyval
# ---------------------------------------------------------------------------------------

XP = np.array([-1.0, 0.0, 0.5, 2.0])


def interp_model(x, xp, fp):
    return np.sin(np.interp(x, xp, fp)) * x


def interp_bounds(x, fp, left, right):
    return np.interp(x, XP, fp, left=left, right=right)


def interp_plain(x, fp):
    return np.interp(x, XP, fp)


def interp_periodic(x, fp):
    return np.interp(x, XP, fp, period=3.0)


def polyval_model(p, x):
    return np.sum(np.polyval(p, x) ** 2)


def polyval_plain(p, x):
    return np.polyval(p, x)


def test_interp_against_finite_differences_and_second_derivatives():
    r = rng(8)
    x = np.array([-1.6, -0.3, 0.2, 1.1, 1.9, 2.4])
    args = (x, XP, r.normal(size=4))
    check_grads(interp_model, args, wrt=(0, 1, 2), modes=MODES)
    assert_jacobians(interp_model, args, wrt=(0, 1, 2))
    assert_second_derivatives(interp_sum_of_squares, args, (0, 1, 2))
    check_grads(interp_bounds, (x, r.normal(size=4), 0.4, -0.6), wrt=(0, 1, 2, 3), modes=MODES)


def interp_sum_of_squares(x, xp, fp):
    return np.sum(interp_model(x, xp, fp) ** 2)


def test_interp_closed_form_slopes_knots_and_outside():
    fp = np.array([1.0, 3.0, 2.0, 5.0])
    slopes = np.diff(fp) / np.diff(XP)                   # 2, -2, 2
    x = np.array([-2.0, -0.5, 0.0, 0.25, 0.5, 2.0, 3.0])  # outside, inside, knots, outside
    expected = [0.0, slopes[0], slopes[1], slopes[1], slopes[2], slopes[2], 0.0]
    _, pulled = srcad.vjp(interp_plain)(x, fp, np.ones(7))
    np.testing.assert_array_equal(pulled, expected)
    _, tangent = srcad.jvp(interp_plain)(x, fp, np.ones(7))
    np.testing.assert_array_equal(tangent, expected)
    # d/dfp: the hat weights; outside, the end value is repeated (left / right not given)
    _, gfp = srcad.vjp(interp_plain, wrt=1)(np.array([-2.0, 0.25, 3.0]), fp, np.ones(3))
    np.testing.assert_allclose(gfp, [1.0, 0.5, 0.5, 1.0], rtol=1e-15)


@pytest.mark.parametrize("mode", MODES)
def test_interp_with_period_is_a_clear_error(mode):
    x, fp = np.array([0.3, 1.2]), np.arange(4.0)
    with pytest.raises(NotImplementedError, match="period"):
        if mode == "reverse":
            srcad.grad(interp_periodic_sum)(x, fp)
        else:
            srcad.jvp(interp_periodic)(x, fp, np.ones(2))


def interp_periodic_sum(x, fp):
    return np.sum(interp_periodic(x, fp))


def test_polyval_closed_form_and_second_derivatives():
    r = rng(9)
    p, x = r.normal(size=4), r.normal(size=(2, 3))
    _, pulled = srcad.vjp(polyval_plain, wrt=(0, 1))(p, x, np.ones((2, 3)))
    np.testing.assert_allclose(pulled[1], np.polyval(np.polyder(p), x), rtol=1e-13)
    np.testing.assert_allclose(pulled[0], [np.sum(x ** 3), np.sum(x ** 2), np.sum(x), 6.0],
                               rtol=1e-13)
    check_grads(polyval_model, (p, x), wrt=(0, 1), modes=MODES)
    assert_second_derivatives(polyval_model, (p, x), (0, 1))
    assert_jacobians(polyval_plain, (p, x), wrt=(0, 1))


# ---------------------------------------------------------------------------------------
# np.delete, np.insert, np.append, np.diff
# ---------------------------------------------------------------------------------------

def delete_model(x):
    return np.sum(np.delete(x, [0, 2], axis=1) ** 3)


def insert_model(arr, values):
    return np.sum(np.sin(np.insert(arr, [1, 2], values, axis=0)) * np.arange(20.0).reshape(5, 4))


def insert_broadcast(arr, value):
    return np.insert(arr, 1, value, axis=1)


def insert_into_integers(arr, value):
    return np.insert(arr, 1, value)


def append_model(arr, values):
    return np.sum(np.append(arr, values) ** 3)


def diff_model(a, prepend, append):
    return np.sum(np.diff(a, n=2, axis=1, prepend=prepend, append=append) ** 3)


def diff_plain(a):
    return np.diff(a)


def array_models():
    r = rng(10)
    return [
        (delete_model, (r.normal(size=(3, 4)),), (0,)),
        (insert_model, (r.normal(size=(3, 4)), r.normal(size=(2, 4))), (0, 1)),
        (append_model, (r.normal(size=(3, 2)), r.normal(size=3)), (0, 1)),
        (diff_model, (r.normal(size=(3, 4)), 0.3, r.normal(size=(3, 2))), (0, 1, 2)),
    ]


ARRAY_IDS = ["delete", "insert", "append", "diff"]


@pytest.mark.parametrize("index", range(len(ARRAY_IDS)), ids=ARRAY_IDS)
def test_array_functions_first_and_second_derivatives(index):
    f, args, wrt = array_models()[index]
    check_grads(f, args, wrt=wrt, modes=MODES)
    assert_second_derivatives(f, args, wrt)


def test_array_functions_vector_mode_jacobians():
    r = rng(11)
    assert_jacobians(insert_broadcast, (r.normal(size=(3, 2)), r.normal(size=(3, 1))), wrt=(0, 1))
    assert_jacobians(insert_broadcast, (r.normal(size=(3, 2)), 0.5), wrt=(0, 1))
    assert_jacobians(diff_plain, (r.normal(size=(2, 5)),))


def test_diff_closed_form():
    """The adjoint of the first difference: d sum(w * diff(a)) / da = [-w0, w0 - w1, ..., w_last]."""
    a, w = np.arange(5.0) ** 2, np.array([1.0, 2.0, 4.0, 8.0])
    _, pulled = srcad.vjp(diff_plain)(a, w)
    np.testing.assert_array_equal(pulled, [-1.0, -1.0, -2.0, -4.0, 8.0])


@pytest.mark.parametrize("mode", MODES)
def test_insert_into_an_integer_array_gives_values_derivative_zero(mode):
    """np.insert keeps arr's dtype: a float inserted into integers is truncated."""
    arr = np.array([1, 2, 3])
    if mode == "reverse":
        value, pulled = srcad.vjp(insert_into_integers, wrt=1)(arr, 2.7, np.ones(4))
        assert pulled == 0.0
    else:
        value, tangent = srcad.jvp(insert_into_integers, wrt=1)(arr, 2.7, 1.0)
        np.testing.assert_array_equal(tangent, np.zeros(4))
    np.testing.assert_array_equal(value, [1, 2, 2, 3])


# ---------------------------------------------------------------------------------------
# np.linalg.eig, np.linalg.eigvals
# ---------------------------------------------------------------------------------------

def real_spectrum(n, seed):
    p = rng(seed).normal(size=(n, n)) + n * np.eye(n)
    return p @ np.diag(np.arange(1.0, n + 1) * 1.5) @ np.linalg.inv(p)


def eig_model(a):
    w, v = np.linalg.eig(a)
    signs = np.sign(v[0])
    return np.sum(w ** 2) + np.sum(np.sin(v * signs) * np.arange(9.0).reshape(3, 3))


def eig_vectors(a):
    w, v = np.linalg.eig(a)
    return v * np.sign(v[0])


def eigvals_model(a):
    return np.sum(np.linalg.eigvals(a) ** 3)


def eig_of_symmetric(a):
    w, v = np.linalg.eig(a)
    return np.sort(w)


def eigh_of_symmetric(a):
    return np.linalg.eigh(a)[0]


def test_eig_against_finite_differences():
    a = real_spectrum(3, 12)
    check_grads(eig_model, (a,), modes=MODES)
    check_grads(eigvals_model, (a,), modes=MODES)
    assert_jacobians(eig_vectors, (a,), rtol=1e-5, atol=1e-7)


def test_eig_eigenvalue_derivative_closed_form():
    """d w_i / dA = inv(V)^T e_i e_i^T V^T (left eigenvector times right one); for a
    symmetric matrix eig's eigenvalues and eigh's have the same derivative along a
    symmetric direction."""
    a = real_spectrum(3, 13)
    w, v = np.linalg.eig(a)
    left = np.linalg.inv(v)
    _, pulled = srcad.vjp(eigvals_model)(a, 1.0)
    np.testing.assert_allclose(pulled, sum(3 * w[i] ** 2 * np.outer(left[i], v[:, i])
                                           for i in range(3)), rtol=1e-10)
    s = spd(3, 14)
    direction = spd(3, 15)
    _, got = srcad.jvp(eig_of_symmetric)(s, direction)
    _, expected = srcad.jvp(eigh_of_symmetric)(s, direction)
    np.testing.assert_allclose(got, expected, rtol=1e-10)


ROTATION = np.array([[0.0, -1.0], [1.0, 0.0]])


def eig_of_rotation(t):
    w, v = np.linalg.eig(ROTATION * t)
    return np.real(w[0])


def eigvals_of_rotation(t):
    return np.real(np.sum(np.linalg.eigvals(ROTATION * t)))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, name", [(eig_of_rotation, "np.linalg.eig"),
                                     (eigvals_of_rotation, "np.linalg.eigvals")])
def test_complex_eigenvalues_are_a_clear_error_naming_the_call(f, name, mode):
    """A rotation has eigenvalues +-i: no silently wrong real part, an error naming the call
    and the user's line."""
    with pytest.raises(srcad.NoDerivativeRule, match="complex eigenvalues") as error:
        if mode == "reverse":
            srcad.grad(f)(1.5)
        else:
            srcad.jvp(f)(1.5, 1.0)
    message = str(error.value)
    assert name in message and "test_issue12_rules.py:" in message


# ---------------------------------------------------------------------------------------
# np.put / np.put_along_axis: in-place writes are a clear error that says what to write
# ---------------------------------------------------------------------------------------

def put_model(x):
    a = np.zeros(4)
    np.put(a, [0, 2], x)
    return np.sum(a)


def put_along_axis_model(x):
    a = np.zeros((2, 3))
    np.put_along_axis(a, np.array([[0], [2]]), x, axis=1)
    return np.sum(a)


def item_assignment_instead(x):
    a = np.zeros(4)
    a[[0, 2]] = x
    return np.sum(a * np.arange(4.0))


def take_along_axis_model(x):
    return np.sum(np.take_along_axis(x, np.array([[0, 2], [1, 1]]), axis=1) ** 2)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, hint", [(put_model, r"a\[ind\] = v"),
                                     (put_along_axis_model, r"a\[i, ind\] = v")])
def test_in_place_writes_raise_and_say_what_to_write(f, hint, mode):
    transform = srcad.grad if mode == "reverse" else srcad.jvp
    with pytest.raises(srcad.UnsupportedSyntax, match=hint) as error:
        transform(f)(np.ones(2) if f is put_model else np.ones((2, 1)))
    assert "test_issue12_rules.py:" in str(error.value) and "in place" in str(error.value)


def test_what_the_error_suggests_works():
    check_grads(item_assignment_instead, (np.array([0.5, -1.5]),), modes=MODES)
    check_grads(take_along_axis_model, (rng(16).normal(size=(2, 3)),), modes=MODES)
