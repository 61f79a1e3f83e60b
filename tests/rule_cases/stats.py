"""Rule cases for scipy.stats (srcad/rules/scipy_stats.py) and its helpers
(srcad/rules/stats_helpers.py), when SciPy is installed.

Importing scipy.stats here registers the rules (srcad registers them once the user's code
imports scipy.stats). Points are inside each distribution's support and away from its
boundaries; the Dirichlet points are on the simplex (its full form through a softmax, so that
finite differences stay on it).
"""
import numpy as np

from srcad.rules import stats_helpers as sh

from . import RuleCase, uniform

try:
    import scipy.stats
    from scipy import stats
    from scipy.stats import norm
except ImportError:  # pragma: no cover - SciPy is optional
    scipy = stats = norm = None


# ---------------------------------------------------------------------------------------
# the normal distribution, spelled the three ways users write it
# ---------------------------------------------------------------------------------------

def norm_logpdf(x):
    return norm.logpdf(x)


def norm_logpdf_all(x, loc, scale):
    return scipy.stats.norm.logpdf(x, loc, scale)


def norm_logpdf_keywords(x, loc, scale):
    return stats.norm.logpdf(x, loc=loc, scale=scale)


def norm_pdf(x, loc, scale):
    return stats.norm.pdf(x, loc, scale)


def norm_cdf(x, loc, scale):
    return stats.norm.cdf(x, loc, scale)


def norm_cdf_default(x):
    return norm.cdf(x)


def norm_logcdf(x, loc, scale):
    return stats.norm.logcdf(x, loc, scale)


def norm_sf(x, loc, scale):
    return stats.norm.sf(x, loc, scale)


def norm_logsf(x, loc, scale):
    return stats.norm.logsf(x, loc=loc, scale=scale)


# ---------------------------------------------------------------------------------------
# t, gamma, beta, poisson
# ---------------------------------------------------------------------------------------

def t_logpdf(x, df, loc, scale):
    return stats.t.logpdf(x, df, loc, scale)


def t_logpdf_standard(x, df):
    return stats.t.logpdf(x, df)


def gamma_logpdf(x, a, loc, scale):
    return stats.gamma.logpdf(x, a, loc=loc, scale=scale)


def gamma_logpdf_shape(x, a):
    return stats.gamma.logpdf(x, a)


def beta_logpdf(x, a, b, loc, scale):
    return stats.beta.logpdf(x, a, b, loc, scale)


def beta_logpdf_unit(x, a, b):
    return stats.beta.logpdf(x, a, b)


def poisson_logpmf(mu):
    return stats.poisson.logpmf(np.array([0, 1, 3, 7]), mu)


def poisson_logpmf_shifted(mu):
    return stats.poisson.logpmf(np.array([2, 3, 6]), mu, loc=1)


def poisson_logpmf_of_k(k, mu):
    return stats.poisson.logpmf(k, mu)


# ---------------------------------------------------------------------------------------
# dirichlet and the multivariate normal
# ---------------------------------------------------------------------------------------

def dirichlet_logpdf(x, alpha):
    return stats.dirichlet.logpdf(x, alpha)


def dirichlet_on_simplex(z, alpha):
    e = np.exp(z)
    return stats.dirichlet.logpdf(e / np.sum(e, axis=0), alpha)


def mvn_logpdf(x, mean, cov):
    return stats.multivariate_normal.logpdf(x, mean, cov)


def mvn_logpdf_keywords(x, mean, cov):
    return stats.multivariate_normal.logpdf(x, mean=mean, cov=cov)


def mvn_logpdf_cov_only(x, cov):
    return stats.multivariate_normal.logpdf(x, cov=cov)


def mvn_logpdf_standard(x):
    return stats.multivariate_normal.logpdf(x)


def spd(n, seed):
    """A well-conditioned symmetric positive definite matrix."""
    a = uniform((n, n), seed=seed)
    return a @ a.T + n * np.eye(n)


def lower_only(n, seed):
    """A matrix whose upper triangle is noise: SciPy reads the lower one."""
    m = spd(n, seed)
    return m + np.triu(uniform((n, n), seed=seed + 1), 1)


# ---------------------------------------------------------------------------------------
# the helpers
# ---------------------------------------------------------------------------------------

def h_normal_logpdf(x, loc, scale):
    return sh.normal_logpdf(x, loc, scale)


def h_simplex_points(x, alpha):
    return sh.simplex_points(x, alpha)


def h_simplex_points_vjp(cot, x):
    return sh.simplex_points_vjp(cot, x)


def h_along_first_axis(v, like):
    return sh.along_first_axis(v, like)


def h_sum_after_first_axis(v):
    return sh.sum_after_first_axis(v)


def h_mvn_cov(cov, mean):
    return sh.mvn_cov(cov, mean)


def h_mvn_cov_vjp(cot, cov, mean):
    return sh.mvn_cov_vjp(cot, cov, mean)


def h_mvn_points(x, mean, cov):
    return sh.mvn_points(x, mean, cov)


def h_mvn_solve(x, mean, cov):
    return sh.mvn_solve(x, mean, cov)


def h_mvn_weighted(cot, s):
    return sh.mvn_weighted(cot, s)


def h_points_outer(a, b):
    return sh.points_outer(a, b)


VEC = (5,)
CASES = []
if stats is not None:
    _x, _loc, _scale = uniform(VEC, seed=1), uniform(VEC, seed=2), uniform(VEC, 0.5, 2.0, seed=3)
    _normal = (_x, _loc, _scale)
    _all = (0, 1, 2)
    _nlp = stats.norm.logpdf
    CASES += [
        RuleCase((_nlp,), norm_logpdf, (_x,), name="from_import"),
        RuleCase((_nlp,), norm_logpdf, (uniform("float", seed=4),), name="float"),
        RuleCase((_nlp,), norm_logpdf_all, _normal, wrt=_all),
        RuleCase((_nlp,), norm_logpdf_all, (uniform((3, 4), seed=5), uniform((4,), seed=6),
                                            uniform((3, 1), 0.5, 2.0, seed=7)), wrt=_all,
                 name="broadcast"),
        RuleCase((_nlp,), norm_logpdf_keywords, (_x, 0.3, 1.7), wrt=_all, name="floats"),
        RuleCase((stats.norm.pdf,), norm_pdf, _normal, wrt=_all),
        RuleCase((stats.norm.cdf,), norm_cdf, _normal, wrt=_all),
        RuleCase((stats.norm.cdf,), norm_cdf_default, (_x,), name="default"),
        RuleCase((stats.norm.logcdf,), norm_logcdf, _normal, wrt=_all),
        RuleCase((stats.norm.logcdf,), norm_logcdf, (np.array([-6.0, -1.0, 2.0]), 0.5, 1.5),
                 wrt=_all, name="tails"),
        RuleCase((stats.norm.sf,), norm_sf, _normal, wrt=_all),
        RuleCase((stats.norm.logsf,), norm_logsf, _normal, wrt=_all),
        RuleCase((stats.norm.logsf,), norm_logsf, (np.array([6.0, 1.0, -2.0]), 0.5, 1.5),
                 wrt=_all, name="tails"),
        RuleCase((stats.t.logpdf,), t_logpdf, (_x, uniform(VEC, 1.5, 6.0, seed=8), _loc, _scale),
                 wrt=(0, 1, 2, 3)),
        RuleCase((stats.t.logpdf,), t_logpdf_standard, (_x, 3.5), wrt=(0, 1), name="df_float"),
        RuleCase((stats.gamma.logpdf,), gamma_logpdf,
                 (uniform(VEC, 1.0, 3.0, seed=9), uniform(VEC, 1.5, 4.0, seed=10),
                  uniform(VEC, -0.5, 0.5, seed=11), _scale), wrt=(0, 1, 2, 3)),
        RuleCase((stats.gamma.logpdf,), gamma_logpdf_shape, (uniform(VEC, 0.5, 3.0, seed=12), 2.5),
                 wrt=(0, 1), name="shape_float"),
        RuleCase((stats.beta.logpdf,), beta_logpdf,
                 (uniform(VEC, 0.2, 0.8, seed=13), uniform(VEC, 1.5, 4.0, seed=14),
                  uniform(VEC, 1.5, 4.0, seed=15), -0.1, 1.3), wrt=(0, 1, 2, 3, 4)),
        RuleCase((stats.beta.logpdf,), beta_logpdf_unit,
                 (uniform(VEC, 0.2, 0.8, seed=16), 0.7, uniform(VEC, 0.6, 3.0, seed=17)),
                 wrt=(0, 1, 2), name="unit"),
        RuleCase((stats.poisson.logpmf,), poisson_logpmf, (uniform((4,), 0.5, 5.0, seed=18),)),
        RuleCase((stats.poisson.logpmf,), poisson_logpmf, (2.5,), name="float"),
        RuleCase((stats.poisson.logpmf,), poisson_logpmf_shifted, (uniform((3,), 0.5, 5.0, seed=19),)),
        # k is an integer: a float k (rounded by nothing) is still given derivative zero
        RuleCase((stats.poisson.logpmf,), poisson_logpmf_of_k, (np.array([1.0, 4.0]), 2.5),
                 differentiable=False, name="k"),
        RuleCase((stats.dirichlet.logpdf,), dirichlet_logpdf,
                 (np.array([0.2, 0.3, 0.1]), uniform((4,), 0.5, 3.0, seed=20)), wrt=(0, 1),
                 name="short"),
        RuleCase((stats.dirichlet.logpdf,), dirichlet_logpdf,
                 (np.array([[0.2, 0.1, 0.4], [0.3, 0.5, 0.2]]), uniform((3,), 0.5, 3.0, seed=21)),
                 wrt=(0, 1), name="short_points"),
        RuleCase((stats.dirichlet.logpdf,), dirichlet_on_simplex,
                 (uniform((4,), seed=22), uniform((4,), 0.5, 3.0, seed=23)), wrt=(0, 1),
                 name="full"),
        RuleCase((stats.dirichlet.logpdf,), dirichlet_on_simplex,
                 (uniform((3, 2), seed=24), uniform((3,), 0.5, 3.0, seed=25)), wrt=(0, 1),
                 name="full_points"),
    ]
    _mvn = stats.multivariate_normal.logpdf
    CASES += [
        RuleCase((_mvn,), mvn_logpdf, (uniform((6, 3), seed=30), uniform((3,), seed=31),
                                       spd(3, 32)), wrt=(0, 1, 2), name="points"),
        RuleCase((_mvn,), mvn_logpdf, (uniform((3,), seed=33), uniform((3,), seed=34),
                                       spd(3, 35)), wrt=(0, 1, 2), name="one_point"),
        RuleCase((_mvn,), mvn_logpdf, (uniform((2, 4, 3), seed=36), uniform((3,), seed=37),
                                       lower_only(3, 38)), wrt=(0, 1, 2), name="stack_lower"),
        RuleCase((_mvn,), mvn_logpdf, (uniform((4, 3), seed=39), uniform((3,), seed=40),
                                       uniform((3,), 0.5, 2.0, seed=41)), wrt=(0, 1, 2),
                 name="variances"),
        RuleCase((_mvn,), mvn_logpdf, (uniform((4, 3), seed=42), uniform((3,), seed=43), 1.7),
                 wrt=(0, 1, 2), name="isotropic"),
        RuleCase((_mvn,), mvn_logpdf, (uniform((5,), seed=44), 0.3, 1.7), wrt=(0, 1, 2),
                 name="dim1"),
        RuleCase((_mvn,), mvn_logpdf, (uniform((1, 3), seed=45), uniform((3,), seed=46),
                                       spd(3, 47)), wrt=(0, 1, 2), name="squeezed"),
        RuleCase((_mvn,), mvn_logpdf_keywords, (uniform((4, 2), seed=48), uniform((2,), seed=49),
                                                spd(2, 50)), wrt=(0, 1, 2)),
        RuleCase((_mvn,), mvn_logpdf_cov_only, (uniform((4, 3), seed=51), spd(3, 52)),
                 wrt=(0, 1)),
        RuleCase((_mvn,), mvn_logpdf_standard, (uniform((4,), seed=53),)),
    ]
    _m, _c = uniform((3,), seed=60), spd(3, 61)
    CASES += [
        RuleCase((sh.normal_logpdf,), h_normal_logpdf, _normal, wrt=_all),
        RuleCase((sh.simplex_points,), h_simplex_points,
                 (uniform((2, 3), 0.1, 0.3, seed=62), np.ones(3)), name="short"),
        RuleCase((sh.simplex_points,), h_simplex_points, (uniform((3,), seed=63), np.ones(3)),
                 name="full"),
        RuleCase((sh.simplex_points_vjp,), h_simplex_points_vjp,
                 (uniform((3, 2), seed=64), np.ones((2, 2))), name="short"),
        RuleCase((sh.simplex_points_vjp,), h_simplex_points_vjp,
                 (uniform((3,), seed=65), np.ones(3)), name="full"),
        RuleCase((sh.along_first_axis,), h_along_first_axis,
                 (uniform((3,), seed=66), np.ones((3, 2, 2)))),
        RuleCase((sh.sum_after_first_axis,), h_sum_after_first_axis, (uniform((3, 2, 2), seed=67),)),
        RuleCase((sh.mvn_cov,), h_mvn_cov, (lower_only(3, 68), None), name="matrix"),
        RuleCase((sh.mvn_cov,), h_mvn_cov, (uniform((3,), seed=69), _m), name="variances"),
        RuleCase((sh.mvn_cov,), h_mvn_cov, (1.5, _m), name="isotropic"),
        RuleCase((sh.mvn_cov_vjp,), h_mvn_cov_vjp, (uniform((3, 3), seed=70), _c, None),
                 name="matrix"),
        RuleCase((sh.mvn_cov_vjp,), h_mvn_cov_vjp, (uniform((3, 3), seed=71), np.ones(3), _m),
                 name="variances"),
        RuleCase((sh.mvn_cov_vjp,), h_mvn_cov_vjp, (uniform((3, 3), seed=72), 1.5, _m),
                 name="isotropic"),
        RuleCase((sh.mvn_points,), h_mvn_points, (uniform((3,), seed=73), _m, _c)),
        RuleCase((sh.mvn_points,), h_mvn_points, (uniform((3,), seed=74), 0.0, 1.0), name="dim1"),
        RuleCase((sh.mvn_solve,), h_mvn_solve, (uniform((4, 3), seed=75), _m, lower_only(3, 76)),
                 wrt=(0, 1, 2)),
        RuleCase((sh.mvn_solve,), h_mvn_solve, (uniform((3,), seed=77), _m, uniform((3,), 0.5, 2.0, seed=78)),
                 wrt=(0, 1, 2), name="variances"),
        RuleCase((sh.mvn_weighted,), h_mvn_weighted, (uniform((2, 4), seed=79),
                                                      uniform((2, 4, 3), seed=80)), wrt=(0, 1)),
        RuleCase((sh.mvn_weighted,), h_mvn_weighted, (0.7, uniform((1, 3), seed=81)), wrt=(0, 1),
                 name="squeezed"),
        RuleCase((sh.points_outer,), h_points_outer, (uniform((2, 4, 3), seed=82),
                                                      uniform((2, 4, 3), seed=83)), wrt=(0, 1)),
    ]
