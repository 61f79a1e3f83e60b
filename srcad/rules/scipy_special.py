"""scipy.special: rules registered once the user's code imports scipy.special (SciPy is not
a dependency, and srcad never imports it: see `register_when_imported`).

The derivative of each special function is written with NumPy and scipy.special
functions that have rules themselves (digamma -> polygamma(1, .) -> polygamma(2, .) ...),
so second derivatives work too.
"""
import numpy as np  # noqa: F401  (templates call np.exp, np.log, np.sum)

from .registry import defjvp, defvjp, describe, elementwise, register_when_imported


def _register():
    global scipy            # the templates below call scipy.special functions
    import scipy.special
    special = scipy.special
    elementwise(special.erf, "1.1283791670955126 * np.exp(-x ** 2)")
    elementwise(special.erfc, "-1.1283791670955126 * np.exp(-x ** 2)")
    elementwise(special.erfinv, "0.886226925452758 * np.exp(ans ** 2)")
    elementwise(special.expit, "ans * (1 - ans)")
    describe(special.expit, "the logistic sigmoid")
    elementwise(special.logit, "1 / (x * (1 - x))")
    elementwise(special.ndtr, "0.3989422804014327 * np.exp(-0.5 * x ** 2)")
    elementwise(special.log_ndtr, "0.3989422804014327 * np.exp(-0.5 * x ** 2 - ans)")
    elementwise(special.ndtri, "2.5066282746310002 * np.exp(0.5 * ans ** 2)")
    elementwise(special.entr, "-np.log(x) - 1")
    elementwise(special.gammaln, "scipy.special.digamma(x)")
    elementwise(special.gamma, "ans * scipy.special.digamma(x)")
    elementwise(special.digamma, "scipy.special.polygamma(1, x)")
    defvjp(special.polygamma, "n, x", None, "g * scipy.special.polygamma(n + 1, x)")
    defjvp(special.polygamma, "n, x", None, "x_dot * scipy.special.polygamma(n + 1, x)")
    describe(special.polygamma, "n is not differentiable")

    defvjp(special.xlogy, "x, y", "unbroadcast(g * np.log(y), x)", "unbroadcast(g * x / y, y)")
    defjvp(special.xlogy, "x, y", "x_dot * np.log(y)", "y_dot * x / y")
    defvjp(special.xlog1py, "x, y", "unbroadcast(g * np.log1p(y), x)",
           "unbroadcast(g * x / (1 + y), y)")
    defjvp(special.xlog1py, "x, y", "x_dot * np.log1p(y)", "y_dot * x / (1 + y)")

    # b=1.0 stands for "no scale factors" (SciPy's b=None), so the templates can multiply by b.
    lse = "a, axis=None, b=1.0, keepdims=False"
    weight = "np.exp(a - expand_reduced(ans, a, axis=axis, keepdims=keepdims))"
    expand = "expand_reduced(g, a, axis=axis, keepdims=keepdims)"
    defvjp(special.logsumexp, lse, f"unbroadcast({expand} * b * {weight}, a)", None,
           f"unbroadcast({expand} * {weight}, b)")
    defjvp(special.logsumexp, lse,
           f"np.sum(a_dot * b * {weight}, axis=axis, keepdims=keepdims)", None,
           f"np.sum(b_dot * {weight}, axis=axis, keepdims=keepdims)")
    describe(special.logsumexp, "axis, keepdims and the scale factors b; not return_sign=True")

    defvjp(special.softmax, "x, axis=None", "ans * (g - np.sum(g * ans, axis=axis, keepdims=True))")
    defjvp(special.softmax, "x, axis=None",
           "ans * (x_dot - np.sum(x_dot * ans, axis=axis, keepdims=True))")
    defvjp(special.log_softmax, "x, axis=None",
           "g - np.exp(ans) * np.sum(g, axis=axis, keepdims=True)")
    defjvp(special.log_softmax, "x, axis=None",
           "x_dot - np.sum(np.exp(ans) * x_dot, axis=axis, keepdims=True)")


register_when_imported("scipy.special", _register)
