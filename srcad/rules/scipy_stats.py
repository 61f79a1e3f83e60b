"""scipy.stats: the densities statistical models call, registered once the user's code imports
scipy.stats (SciPy is not a dependency, and srcad never imports it: see
`register_when_imported`).

``scipy.stats.norm`` is an object (an ``rv_continuous`` instance) and ``norm.logpdf`` a method
bound to it; every continuous distribution shares the same function underneath. So the rules
are keyed by the bound method (``norm.logpdf == t.logpdf`` is False: a bound method compares
its object too), however the user's code reaches it: ``scipy.stats.norm.logpdf``,
``stats.norm.logpdf`` or ``from scipy.stats import norm`` then ``norm.logpdf``. Errors name
them the same way (`registry.callable_name`).

The locations, scales and shape parameters are differentiable, as are the points; only
discrete arguments have derivative zero (poisson's ``k`` and its integer shift ``loc``).
Every template is written with NumPy, scipy.special and the helpers of stats_helpers.py,
all of which have rules, so second derivatives (``srcad.hessian`` of a log density) work.
The derivatives hold inside the support (``x > loc`` for gamma, ``loc < x < loc + scale``
for beta, ``mu > 0`` for poisson, points inside the simplex for dirichlet).
"""
import numpy as np  # noqa: F401  (templates call np.exp, np.log, ...)

from .registry import ZERO, defjvp, defvjp, describe, register_when_imported
from .shape_helpers import expand_to_shape, sum_to_shape  # noqa: F401  (templates name them)
from .stats_helpers import (  # noqa: F401  (the templates below name them)
    along_first_axis, mvn_cov, mvn_cov_vjp, mvn_points, mvn_solve, mvn_weighted, normal_logpdf,
    points_outer, simplex_points, simplex_points_vjp, sum_after_first_axis,
)


def _rules(fn, signature, vjps, jvps):
    """Register the VJP and JVP templates of `fn`, by parameter name (a parameter without
    one is not differentiable)."""
    params = [part.split("=")[0].strip() for part in signature.split(",")]
    defvjp(fn, signature, *[vjps.get(p) for p in params])
    defjvp(fn, signature, *[jvps.get(p) for p in params])


def _by_partials(fn, signature, partials, scale_by=""):
    """Rules of `fn` from its partial derivatives ``d fn / d param`` (templates that may use
    ``ans``); `scale_by` multiplies each (``ans * ``: the derivative of ``exp(logpdf)``)."""
    vjps, jvps = {}, {}
    for param, partial in partials.items():
        if partial == ZERO:
            vjps[param] = jvps[param] = ZERO
            continue
        vjps[param] = f"unbroadcast(g * {scale_by}({partial}), {param})"
        jvps[param] = f"{param}_dot * {scale_by}({partial})"
    _rules(fn, signature, vjps, jvps)


# z = (x - loc) / scale. log N = -z ** 2 / 2 - log(scale) - log(2 pi) / 2.
NORMAL = "x, loc=0, scale=1"
NORMAL_LOGPDF = {
    "x": "(loc - x) / scale ** 2",
    "loc": "(x - loc) / scale ** 2",
    "scale": "(((x - loc) / scale) ** 2 - 1) / scale",
}
# d Phi(z) / d (x, loc, scale) = N(x; loc, scale) * (1, -1, -z)
NORMAL_CDF = {
    "x": "np.exp(normal_logpdf(x, loc, scale){shift})",
    "loc": "-np.exp(normal_logpdf(x, loc, scale){shift})",
    "scale": "-(x - loc) / scale * np.exp(normal_logpdf(x, loc, scale){shift})",
}


def _normal_cdf_rules(fn, sign, shift):
    """Rules of a normal cdf-like function: `sign` -1 for the survival function, `shift`
    `` - ans`` for the logarithm of either."""
    partials = {p: ("-(" + t.format(shift=shift) + ")" if sign < 0 else t.format(shift=shift))
                for p, t in NORMAL_CDF.items()}
    _by_partials(fn, NORMAL, partials)


# Multivariate normal, points in rows: s = (x - mean) @ inv(cov) (`mvn_solve`), and
# logpdf = -(dim log(2 pi) + log det(cov) + sum(s * (x - mean), axis=-1)) / 2 per point.
S = "mvn_solve(x, mean, cov)"
COV = "mvn_cov(cov, mean)"
COV_DOT = "mvn_cov(cov_dot, mean)"
PRECISION = f"np.linalg.inv({COV})"
MVN = "x, mean=None, cov=1, allow_singular=False"
MVN_VJPS = {
    "x": f"np.reshape(-mvn_weighted(g, {S}), np.shape(x))",
    "mean": f"sum_to_shape(mvn_weighted(g, {S}), mean)",
    "cov": f"mvn_cov_vjp(0.5 * points_outer(mvn_weighted(g, {S}), {S}) "
           f"- 0.5 * np.sum(g) * {PRECISION}, cov, mean)",
}
MVN_JVPS = {
    "x": f"np.reshape(-np.sum(mvn_points(x_dot, mean, cov) * {S}, axis=-1), np.shape(ans))",
    "mean": f"np.reshape(np.sum(np.reshape(mean_dot, (-1,)) * {S}, axis=-1), np.shape(ans))",
    "cov": f"np.reshape(0.5 * np.sum(np.matmul({S}, {COV_DOT}) * {S}, axis=-1) "
           f"- 0.5 * np.trace(np.linalg.solve({COV}, {COV_DOT})), np.shape(ans))",
}

# Dirichlet, components along the first axis: points X = simplex_points(x, alpha),
# logpdf = lgamma(sum(alpha)) - sum(lgamma(alpha)) + sum((alpha - 1) * log(X), axis=0).
ALPHA = "along_first_axis(alpha, x)"
POINTS = "simplex_points(x, alpha)"
ALPHA_SCORE = (f"np.log({POINTS}) - scipy.special.digamma({ALPHA}) "
               "+ scipy.special.digamma(np.sum(alpha))")


def _register():
    global scipy            # the templates below call scipy.special functions
    import scipy.special
    import scipy.stats
    stats = scipy.stats

    # -- the normal distribution ---------------------------------------------------------
    _by_partials(stats.norm.logpdf, NORMAL, NORMAL_LOGPDF)
    _by_partials(stats.norm.pdf, NORMAL, NORMAL_LOGPDF, scale_by="ans * ")
    _normal_cdf_rules(stats.norm.cdf, 1, "")
    _normal_cdf_rules(stats.norm.logcdf, 1, " - ans")
    _normal_cdf_rules(stats.norm.sf, -1, "")
    _normal_cdf_rules(stats.norm.logsf, -1, " - ans")
    for method in ("logpdf", "pdf", "cdf", "logcdf", "sf", "logsf"):
        describe(getattr(stats.norm, method), "x, loc and scale")

    # -- Student's t: w = (df + 1) / (df scale ** 2 + (x - loc) ** 2) -----------------------
    w = "(df + 1) / (df * scale ** 2 + (x - loc) ** 2)"
    _by_partials(stats.t.logpdf, "x, df, loc=0, scale=1", {
        "x": f"{w} * (loc - x)",
        "df": "0.5 * (scipy.special.digamma((df + 1) / 2) - scipy.special.digamma(df / 2) "
              f"- 1 / df - np.log1p((x - loc) ** 2 / (df * scale ** 2)) + {w} * (x - loc) ** 2 / df)",
        "loc": f"{w} * (x - loc)",
        "scale": f"({w} * (x - loc) ** 2 - 1) / scale",
    })
    describe(stats.t.logpdf, "x, df, loc and scale")

    # -- gamma and beta: y = (x - loc) / scale -----------------------------------------------
    _by_partials(stats.gamma.logpdf, "x, a, loc=0, scale=1", {
        "x": "(a - 1) / (x - loc) - 1 / scale",
        "a": "np.log((x - loc) / scale) - scipy.special.digamma(a)",
        "loc": "1 / scale - (a - 1) / (x - loc)",
        "scale": "((x - loc) / scale - a) / scale",
    })
    describe(stats.gamma.logpdf, "x, the shape a, loc and scale; for x > loc")
    _by_partials(stats.beta.logpdf, "x, a, b, loc=0, scale=1", {
        "x": "(a - 1) / (x - loc) - (b - 1) / (loc + scale - x)",
        "a": "np.log((x - loc) / scale) - scipy.special.digamma(a) + scipy.special.digamma(a + b)",
        "b": "np.log((loc + scale - x) / scale) - scipy.special.digamma(b) "
             "+ scipy.special.digamma(a + b)",
        "loc": "(b - 1) / (loc + scale - x) - (a - 1) / (x - loc)",
        "scale": "(b - 1) / (loc + scale - x) - (a + b - 1) / scale",
    })
    describe(stats.beta.logpdf, "x, a, b, loc and scale; for loc < x < loc + scale")

    # -- poisson: k log(mu) - mu - lgamma(k + 1), k shifted by the integer loc ----------------
    _by_partials(stats.poisson.logpmf, "k, mu, loc=0", {
        "k": ZERO, "mu": "(k - loc) / mu - 1", "loc": ZERO})
    describe(stats.poisson.logpmf, "the rate mu (> 0); k and loc are integers: derivative zero")

    # -- dirichlet ---------------------------------------------------------------------------
    _rules(stats.dirichlet.logpdf, "x, alpha", {
        "x": f"simplex_points_vjp(g * ({ALPHA} - 1) / {POINTS}, x)",
        "alpha": f"sum_after_first_axis(g * ({ALPHA_SCORE}))",
    }, {
        "x": f"np.sum(({ALPHA} - 1) * simplex_points(x_dot, alpha, 0.0) / {POINTS}, axis=0)",
        "alpha": f"np.sum(along_first_axis(alpha_dot, x) * ({ALPHA_SCORE}), axis=0)",
    })
    describe(stats.dirichlet.logpdf, "x (components on the first axis; one fewer than alpha: "
                                     "the last is 1 - sum) and alpha; x inside the simplex")

    # -- multivariate normal -----------------------------------------------------------------
    _rules(stats.multivariate_normal.logpdf, MVN, MVN_VJPS, MVN_JVPS)
    describe(stats.multivariate_normal.logpdf,
             "x, mean and cov (a number, variances, or a matrix: its lower triangle, as SciPy "
             "reads it); cov nonsingular")

    _helper_rules()


def _helper_rules():
    """Rules of the helpers, so derivative code can be differentiated again."""
    _by_partials(normal_logpdf, "x, loc=0.0, scale=1.0", NORMAL_LOGPDF)
    describe(normal_logpdf, "srcad helper: the normal log density, for norm.cdf's derivatives")

    defvjp(simplex_points, "x, alpha, total=1.0", "simplex_points_vjp(g, x)", ZERO)
    defjvp(simplex_points, "x, alpha, total=1.0", "simplex_points(x_dot, alpha, 0.0)", ZERO)
    describe(simplex_points, "srcad helper: dirichlet's points, the last component appended")
    defvjp(simplex_points_vjp, "cot, x", "simplex_points(g, cot, 0.0)", ZERO)
    defjvp(simplex_points_vjp, "cot, x", "simplex_points_vjp(cot_dot, x)", ZERO)
    defvjp(along_first_axis, "v, like", "np.reshape(g, np.shape(v))", ZERO)
    defjvp(along_first_axis, "v, like", "along_first_axis(v_dot, like)", ZERO)
    defvjp(sum_after_first_axis, "v", "expand_to_shape(along_first_axis(g, v), v)")
    defjvp(sum_after_first_axis, "v", "sum_after_first_axis(v_dot)")

    # mvn_cov is linear in cov, mvn_cov_vjp its adjoint; mvn_points reshapes x.
    defvjp(mvn_cov, "cov, mean=None", "mvn_cov_vjp(g, cov, mean)", ZERO)
    defjvp(mvn_cov, "cov, mean=None", "mvn_cov(cov_dot, mean)", ZERO)
    defvjp(mvn_cov_vjp, "cot, cov, mean=None", "mvn_cov(g, mean)", ZERO, ZERO)
    defjvp(mvn_cov_vjp, "cot, cov, mean=None", "mvn_cov_vjp(cot_dot, cov, mean)", ZERO, ZERO)
    defvjp(mvn_points, "x, mean=None, cov=1", "np.reshape(g, np.shape(x))", ZERO, ZERO)
    defjvp(mvn_points, "x, mean=None, cov=1", "mvn_points(x_dot, mean, cov)", ZERO, ZERO)
    defvjp(mvn_weighted, "cot, s", "np.reshape(np.sum(g * s, axis=-1), np.shape(cot))",
           "mvn_weighted(cot, g)")
    defjvp(mvn_weighted, "cot, s", "mvn_weighted(cot_dot, s)", "mvn_weighted(cot, s_dot)")
    defvjp(points_outer, "a, b", "np.matmul(b, np.transpose(g))", "np.matmul(a, g)")
    defjvp(points_outer, "a, b", "points_outer(a_dot, b)", "points_outer(a, b_dot)")
    # s = (x - mean) @ P with P = inv(cov) symmetric: ds = (dx - dmean) @ P - s @ dcov @ P.
    solve = "x, mean=None, cov=1"
    defvjp(mvn_solve, solve, f"np.reshape(np.matmul(g, {PRECISION}), np.shape(x))",
           f"-sum_to_shape(np.matmul(g, {PRECISION}), mean)",
           f"mvn_cov_vjp(-points_outer(ans, np.matmul(g, {PRECISION})), cov, mean)")
    defjvp(mvn_solve, solve, f"np.matmul(mvn_points(x_dot, mean, cov), {PRECISION})",
           f"-expand_to_shape(np.matmul(np.reshape(mean_dot, (-1,)), {PRECISION}), ans)",
           f"-np.matmul(ans, np.matmul({COV_DOT}, {PRECISION}))")
    describe(mvn_solve, "srcad helper: (x - mean) @ inv(cov), one row per point")


register_when_imported("scipy.stats", _register)
