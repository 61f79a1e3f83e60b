"""Custom derivative rules as plain Python (issue 13, section 2b): ``@srcad.custom_vjp`` /
``@srcad.custom_jvp`` with ``@f.defvjp`` / ``@f.defjvp``, checked against finite
differences in both modes, in vector mode, in second derivatives, and their errors."""
import re

import numpy as np
import pytest

import srcad
from srcad.optimize import enabled as optimizer_enabled
from srcad.testing import check_grads, numerical_jvp


# -- a function with both rules -------------------------------------------------------------------

@srcad.custom_vjp
def hypot(x, y):
    return np.sqrt(x * x + y * y)


@hypot.defvjp
def hypot_vjp(g, ans, x, y):
    return g * x / ans, g * y / ans


@hypot.defjvp
def hypot_jvp(ans, x, y, x_dot, y_dot):
    return (x * x_dot + y * y_dot) / ans


def uses_hypot(a, b):
    h = hypot(a, b)
    return np.sum(np.log1p(h) * a)


def uses_hypot_twice(a, b):
    return np.sum(hypot(a, b) * hypot(b, 2.0))


def in_a_loop(a, n):
    s = a
    for i in range(n):
        s = hypot(s, a) * 0.5
    return np.sum(s)


def broadcast_hypot(a, s):
    return np.sum(hypot(a, s) ** 2)


def plain_hypot(a, b):      # the same function without custom rules, for reference
    h = np.sqrt(a * a + b * b)
    return np.sum(np.log1p(h) * a)


A, B = np.array([3.0, 1.0, -0.5]), np.array([4.0, 2.0, 0.7])


def test_both_modes_against_finite_differences():
    for wrt in (0, 1, (0, 1)):
        check_grads(uses_hypot, (A, B), wrt=wrt)
        check_grads(hypot, (A, B), wrt=wrt)
    check_grads(uses_hypot_twice, (A, B), wrt=(0, 1))
    check_grads(in_a_loop, (A, 3))
    check_grads(hypot, (3.0, 4.0), wrt=(0, 1))
    # hypot_vjp's cotangent of a scalar s has the shape s broadcasts to: summed back
    check_grads(hypot, (A, 2.5), wrt=(0, 1))
    check_grads(broadcast_hypot, (A, 2.5), wrt=(0, 1))
    check_grads(srcad.grad(broadcast_hypot, wrt=(0, 1)), (A, 2.5), wrt=(0, 1))
    value, gradient = srcad.value_and_grad(uses_hypot, wrt=(0, 1))(A, B)
    assert value == uses_hypot(A, B)
    for ours, plain in zip(gradient, srcad.grad(plain_hypot, wrt=(0, 1))(A, B)):
        np.testing.assert_allclose(ours, plain, rtol=1e-13)


def test_the_rule_is_called_once_per_call_in_both_modes():
    reverse = srcad.source(srcad.grad(uses_hypot, wrt=(0, 1)))
    assert len(re.findall(r"\bhypot_vjp\(", reverse)) == 1
    assert "h_grads = custom_cotangents(hypot_vjp(" in reverse
    assert "b_bar = h_grads[1]" in reverse
    forward = srcad.source(srcad.jvp(uses_hypot, wrt=1))
    assert len(re.findall(r"\bhypot_jvp\(", forward)) == 1
    assert "hypot_jvp(h, a, b, zeros_like(a), b_dot)" in forward   # a has no tangent: a zero


COUNTS = {"vjp": 0, "jvp": 0}


@srcad.custom_jvp
def counted(x, y):
    return x * y


@counted.defvjp
def counted_vjp(g, ans, x, y):
    COUNTS["vjp"] += 1
    return g * y, g * x


@counted.defjvp
def counted_jvp(ans, x, y, x_dot, y_dot):
    COUNTS["jvp"] += 1
    return x_dot * y + x * y_dot


def uses_counted(x, y):
    return np.sum(counted(x, y) ** 2)


@pytest.mark.parametrize("optimize", ["1", "0"])
def test_one_call_of_the_rule_also_without_the_optimizer(optimize, monkeypatch):
    monkeypatch.setenv("SRCAD_OPTIMIZE", optimize)
    x, y = np.array([1.0, 2.0]), np.array([-0.5, 3.0])
    COUNTS.update(vjp=0, jvp=0)
    gx, gy = srcad.grad(uses_counted, wrt=(0, 1))(x, y)
    srcad.jvp(uses_counted, wrt=(0, 1))(x, y, np.ones(2), np.ones(2))
    assert COUNTS == {"vjp": 1, "jvp": 1}
    np.testing.assert_allclose(gx, 2 * x * y * y, rtol=1e-15)
    np.testing.assert_allclose(gy, 2 * x * y * x, rtol=1e-15)


# -- vector mode and second derivatives ----------------------------------------------------------

def vector_out(a, b):
    return hypot(a, b) * a


def numerical_jacobian(f, x, eps=1e-6):
    columns = []
    for j in range(x.size):
        step = np.zeros_like(x)
        step[j] = eps
        columns.append((f(x + step) - f(x - step)) / (2 * eps))
    return np.stack(columns, axis=-1)


def test_jacobians_in_vector_mode():
    expected_a = numerical_jacobian(lambda a: vector_out(a, B), A)
    expected_b = numerical_jacobian(lambda b: vector_out(A, b), B)
    for mode in ("forward", "reverse"):
        ja, jb = srcad.jacobian(vector_out, wrt=(0, 1), mode=mode)(A, B)
        np.testing.assert_allclose(ja, expected_a, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(jb, expected_b, rtol=1e-7, atol=1e-9)
        both = srcad.jacobian(vector_out, wrt=(0, 1), mode=mode, vector=False)(A, B)
        np.testing.assert_allclose(both[0], ja, rtol=1e-12)


def test_hessian_through_a_differentiable_vjp():
    # forward-over-reverse: the gradient calls hypot_vjp, which srcad differentiates like any
    # function of yours; hypot's own call in the gradient uses its JVP rule
    hessian = srcad.hessian(uses_hypot, wrt=(0, 1))(A, B)
    plain = srcad.hessian(plain_hypot, wrt=(0, 1))(A, B)
    gradient = srcad.grad(uses_hypot, wrt=(0, 1))
    for i in range(2):
        for j in range(2):
            np.testing.assert_allclose(hessian[i][j], plain[i][j], rtol=1e-12, atol=1e-14)
            numeric = numerical_jacobian(lambda v: gradient(*[v if k == j else (A, B)[k]
                                                              for k in range(2)])[i], (A, B)[j])
            np.testing.assert_allclose(hessian[i][j], numeric, rtol=1e-6, atol=1e-8)
    check_grads(srcad.grad(uses_hypot, wrt=(0, 1)), (A, B), wrt=(0, 1))
    source = srcad.source(srcad.jvp(srcad.grad(uses_hypot, wrt=(0, 1)), wrt=(0, 1)))
    assert "jvp_of(hypot_vjp," in source
    hvp = srcad.hvp(uses_hypot)(A, B, np.array([1.0, -1.0, 0.5]))
    np.testing.assert_allclose(hvp, plain[0][0] @ np.array([1.0, -1.0, 0.5]), rtol=1e-12)


# -- one rule only: clear errors for the other mode -----------------------------------------------

@srcad.custom_vjp
def softplus(x):
    return np.log1p(np.exp(x))


@softplus.defvjp
def softplus_vjp(g, ans, x):
    return (g / (1.0 + np.exp(-x)),)


def uses_softplus(x):
    return np.sum(softplus(x) ** 2)


@srcad.custom_jvp
def cubed(x):
    return x ** 3


@cubed.defjvp
def cubed_jvp(ans, x, x_dot):
    return 3.0 * x ** 2 * x_dot


def uses_cubed(x):
    return np.sum(np.sin(cubed(x)))


@srcad.custom_vjp
def no_rules(x):
    return x * 2.0


def uses_no_rules(x):
    return np.sum(no_rules(x))


X = np.array([0.3, -1.2, 0.8])


def test_only_a_vjp_rule():
    check_grads(uses_softplus, (X,), modes=("reverse",))
    check_grads(softplus, (X,), modes=("reverse",))
    with pytest.raises(srcad.NoDerivativeRule, match=r"no forward-mode derivative rule for .*softplus.*"
                       r"with a VJP rule only.*@softplus\.defjvp") as info:
        srcad.jvp(uses_softplus)(X, X)
    assert "test_custom_rules.py:" in str(info.value)
    with pytest.raises(srcad.NoDerivativeRule, match=r"hessian.*@softplus\.defjvp.*mode='reverse'"):
        srcad.hessian(uses_softplus)(X)
    # reverse over reverse needs the VJP only: the Hessian, against finite differences
    hessian = srcad.jacobian(srcad.grad(uses_softplus), mode="reverse")(X)
    np.testing.assert_allclose(hessian, numerical_jacobian(srcad.grad(uses_softplus), X),
                               rtol=1e-6, atol=1e-8)


def test_only_a_jvp_rule():
    check_grads(uses_cubed, (X,), modes=("forward",))
    _, tangent = srcad.jvp(cubed)(X, np.ones(3))
    np.testing.assert_allclose(tangent, numerical_jvp(cubed, (X,), (0,), (np.ones(3),))[0], rtol=1e-8)
    with pytest.raises(srcad.NoDerivativeRule, match=r"no reverse-mode derivative rule .*"
                       r"with a JVP rule only.*@cubed\.defvjp"):
        srcad.grad(uses_cubed)(X)


def test_no_rule_yet():
    with pytest.raises(srcad.NoDerivativeRule, match=r"with no rule yet.*@no_rules\.defvjp"):
        srcad.grad(uses_no_rules)(X)
    with pytest.raises(srcad.NoDerivativeRule, match=r"with no rule yet.*@no_rules\.defjvp"):
        srcad.jvp(uses_no_rules)(X, X)
    assert no_rules(X) is not None and uses_no_rules(X) == np.sum(X * 2.0)   # still callable


# -- what a rule returns is checked ------------------------------------------------------------

@srcad.custom_vjp
def bare(x):
    return x * 2.0


@bare.defvjp
def bare_vjp(g, ans, x):
    return g * 2.0           # not a tuple


@srcad.custom_vjp
def wrong_shape(x):
    return np.sum(x)


@wrong_shape.defvjp
def wrong_shape_vjp(g, ans, x):
    return (g,)              # a scalar for an array argument: forgot to broadcast


@wrong_shape.defjvp
def wrong_shape_jvp(ans, x, x_dot):
    return x_dot             # an array for a scalar result


@srcad.custom_vjp
def scale_by(x, k):
    return x * k


@scale_by.defvjp
def scale_by_vjp(g, ans, x, k):
    return g * k, None       # k gets no cotangent: zero


@scale_by.defjvp
def scale_by_jvp(ans, x, k, x_dot, k_dot):
    return x_dot * k


def uses_bare(x):
    return np.sum(bare(x))


def uses_wrong_shape(x):
    return wrong_shape(x) * 2.0


def uses_scale_by(x, k):
    return np.sum(scale_by(x, k))


def test_a_vjp_must_return_a_tuple():
    with pytest.raises(srcad.SrcadError, match=r"bare_vjp returned a ndarray; it must return a "
                                               r"tuple of 1 cotangent"):
        srcad.grad(uses_bare)(X)


def test_shapes_are_checked():
    with pytest.raises(srcad.InputError, match=r"wrong_shape_vjp returned a cotangent of shape \(\) "
                                               r"for parameter 0, which has shape \(3,\)"):
        srcad.grad(uses_wrong_shape)(X)
    with pytest.raises(srcad.InputError, match=r"wrong_shape_jvp returned a tangent of shape \(3,\), "
                                               r"but the function's result has shape \(\)"):
        srcad.jvp(uses_wrong_shape)(X, X)


def test_none_is_a_zero_cotangent():
    k = np.array([2.0, -1.0, 0.5])
    gx, gk = srcad.grad(uses_scale_by, wrt=(0, 1))(X, k)
    np.testing.assert_array_equal(gx, k)
    np.testing.assert_array_equal(gk, np.zeros(3))   # as the rule says (it treats k as constant)
    check_grads(uses_scale_by, (X, k), wrt=0)


# -- signatures: defaults and keyword-only parameters --------------------------------------------

@srcad.custom_vjp
def weigh(x, w=2.0, *, power=2):
    return w * x ** power


@weigh.defvjp
def weigh_vjp(g, ans, x, w, *, power=2):
    return g * w * power * x ** (power - 1), g * x ** power


@weigh.defjvp
def weigh_jvp(ans, x, w, x_dot, w_dot, *, power=2):
    return w * power * x ** (power - 1) * x_dot + x ** power * w_dot


def uses_weigh(x, w):
    return np.sum(weigh(x) + weigh(x, w, power=3))


def test_defaults_and_keyword_only_parameters():
    w = np.array([0.5, 1.5, -1.0])
    check_grads(uses_weigh, (X, w), wrt=(0, 1))
    check_grads(weigh, (X, w), wrt=(0, 1))


def test_bad_signatures_are_clear_errors():
    def star(*xs):
        return xs[0]

    def array_default(x, w=np.ones(2)):
        return x * w

    with pytest.raises(srcad.SrcadError, match=r"takes \*args or \*\*kwargs"):
        srcad.custom_vjp(star)
    with pytest.raises(srcad.SrcadError, match=r"default of .*`w`.* is not a literal"):
        srcad.custom_vjp(array_default)
    with pytest.raises(srcad.SrcadError, match=r"must take \(g, ans, x, y\)"):
        hypot.defvjp(lambda g, x: (g, g))
    with pytest.raises(srcad.SrcadError, match=r"must take \(ans, x, y, x_dot, y_dot\)"):
        hypot.defjvp(lambda ans, x, y: ans)
    with pytest.raises(srcad.SrcadError, match=r"takes one function.*not JAX's pair \(fwd, bwd\)"):
        hypot.defvjp(hypot_vjp, hypot_vjp)


# -- names: rule functions with the same name, and redefined rules -----------------------------

def make_scaler(factor):
    @srcad.custom_vjp
    def scaler(x):
        return factor * x

    @scaler.defvjp
    def scaler_vjp(g, ans, x):
        return (factor * g,)

    @scaler.defjvp
    def scaler_jvp(ans, x, x_dot):
        return factor * x_dot
    return scaler


TWICE, THRICE = make_scaler(2.0), make_scaler(3.0)


def uses_both_scalers(x):
    return np.sum(TWICE(x) * THRICE(x) + TWICE(x))


def test_rule_functions_with_the_same_name_are_kept_apart():
    check_grads(uses_both_scalers, (X,))
    np.testing.assert_allclose(srcad.grad(uses_both_scalers)(X), 12.0 * X + 2.0, rtol=1e-15)
    source = srcad.source(srcad.grad(uses_both_scalers))
    assert "scaler_vjp(" in source and "scaler_vjp_2(" in source


@srcad.custom_vjp
def redefined(x):
    return x * 3.0


@redefined.defvjp
def redefined_vjp(g, ans, x):
    return (g * 3.0,)


def uses_redefined(x):
    return np.sum(redefined(x))


def test_a_redefined_rule_is_used():
    np.testing.assert_array_equal(srcad.grad(uses_redefined)(X), np.full(3, 3.0))
    original = redefined_vjp

    def redefined_vjp_doubled(g, ans, x):   # a straight-through rule on purpose
        return (g * 6.0,)
    try:
        redefined.defvjp(redefined_vjp_doubled)
        np.testing.assert_array_equal(srcad.grad(uses_redefined)(X), np.full(3, 6.0))
    finally:
        redefined.defvjp(original)
    np.testing.assert_array_equal(srcad.grad(uses_redefined)(X), np.full(3, 3.0))


@srcad.custom_vjp
def doubled(x):
    return 2.0 * x


doubled.defvjp(lambda g, ans, x: (2.0 * g,))
doubled.defjvp(lambda ans, x, x_dot: 2.0 * x_dot)


def uses_doubled(x):
    return np.sum(doubled(x) ** 2)


def test_lambda_rules_are_named_after_the_function():
    check_grads(uses_doubled, (X,))
    assert "doubled_vjp(" in srcad.source(srcad.grad(uses_doubled))
    assert "doubled_jvp(" in srcad.source(srcad.jvp(uses_doubled))


def test_the_decorated_function_stays_itself():
    assert hypot(3.0, 4.0) == 5.0 and hypot.__name__ == "hypot"
    assert srcad.custom_jvp is srcad.custom_vjp
    assert hypot.defvjp(hypot_vjp) is hypot_vjp      # registering again returns the rule


def test_with_debug_nans_and_a_hook():
    gradient = srcad.grad(uses_hypot, wrt=(0, 1), debug_nans=True)(A, B)
    for ours, plain in zip(gradient, srcad.grad(plain_hypot, wrt=(0, 1))(A, B)):
        np.testing.assert_allclose(ours, plain, rtol=1e-13)
    with pytest.raises(srcad.NonFiniteDerivative, match="hypot"), np.errstate(all="ignore"):
        srcad.grad(uses_hypot, debug_nans=True)(np.zeros(2), np.zeros(2))


def test_the_custom_vjp_docs_example_prints_what_the_docs_show(tmp_path):
    from doc_examples import SOURCES, blocks, generated, run, section
    text = section("Custom rules in Python: custom_vjp, custom_jvp")
    python = blocks(text, "python")
    assert (SOURCES / "safe_norm.py").read_text() == python[1]
    assert run(python[2], "api_custom.py", tmp_path) == blocks(text, "text")[0]
    if optimizer_enabled():
        assert generated("safe_norm.py", "distance", "vjp", (0, 1)) == python[3]
        assert generated("safe_norm.py", "distance", "jvp", (0,)) == python[4]
