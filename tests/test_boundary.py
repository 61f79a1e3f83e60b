"""What crosses the boundary of a derivative: which arguments can be differentiated, how
derivative functions are called (defaults, keywords, the trailing cotangent or tangents),
the shapes of cotangents and tangents, and the output `grad` accepts; and the note srcad
adds to an error raised inside generated code (issue 11, items 7 and 9; issue 12's calling
conventions)."""
import numpy as np
import pytest

import srcad
from srcad.testing import check_grads


def weighted_sum(x):
    s = 0.0
    for i in range(3):
        s = s + x[i] * 0.5
    return s


def total(x):
    return np.sum(x * x)


NOT_REAL = [np.array([1, 2, 3]), np.array([True, False, True]), 3, True, np.int64(2),
            np.array([1.0 + 1.0j, 2.0, 0.5])]


@pytest.mark.parametrize("value", NOT_REAL, ids=lambda v: type(v).__name__ + str(getattr(v, "dtype", "")))
@pytest.mark.parametrize("transformation", ["grad", "value_and_grad", "vjp", "jvp", "jacobian_forward",
                                            "jacobian_reverse", "hessian", "hvp"])
def test_only_real_floating_point_arguments_are_differentiated(value, transformation):
    function = weighted_sum if np.ndim(value) else total
    calls = {
        "grad": lambda: srcad.grad(function)(value),
        "value_and_grad": lambda: srcad.value_and_grad(function)(value),
        "vjp": lambda: srcad.vjp(function)(value, 1.0),
        "jvp": lambda: srcad.jvp(function)(value, np.ones(np.shape(value))),
        "jacobian_forward": lambda: srcad.jacobian(function, mode="forward")(value),
        "jacobian_reverse": lambda: srcad.jacobian(function, mode="reverse")(value),
        "hessian": lambda: srcad.hessian(function)(value),
        "hvp": lambda: srcad.hvp(function)(value, np.ones(np.shape(value))),
    }
    with pytest.raises(srcad.InputError, match=r"argument 0 \(`x`\) is (integer|boolean|complex)"):
        calls[transformation]()


def test_the_integer_loop_example_gets_an_error_and_floats_work():
    with pytest.raises(srcad.InputError, match="integer"):
        srcad.grad(weighted_sum)(np.array([1, 2, 3]))
    np.testing.assert_allclose(srcad.grad(weighted_sum)(np.array([1.0, 2.0, 3.0])), [0.5, 0.5, 0.5])
    check_grads(weighted_sum, (np.array([1.0, 2.0, 3.0]),))


def scaled(x, n):
    return x * n


def test_integer_arguments_outside_wrt_are_fine():
    assert srcad.grad(scaled)(2.0, 3) == 3.0
    assert srcad.jvp(scaled)(2.0, 3, 1.0) == (6.0, 3.0)
    with pytest.raises(srcad.InputError):
        srcad.grad(scaled, wrt=1)(2.0, 3)


@pytest.mark.parametrize("wrt", [True, False, 1.0, "0", (0, True), (), [0]])
def test_bad_wrt_values(wrt):
    with pytest.raises(srcad.SrcadError, match="wrt"):
        srcad.grad(total, wrt=wrt)


def test_numpy_integers_are_positions():
    np.testing.assert_allclose(srcad.grad(total, wrt=np.int64(0))(np.ones(2)), 2 * np.ones(2))


def returns_text(x):
    return "abc"


def returns_complex(x):
    return x * (1.0 + 2.0j)


@pytest.mark.parametrize("function", [returns_text, returns_complex])
def test_grad_of_a_non_real_output_is_an_error(function):
    with pytest.raises(srcad.NotScalarOutput, match="real number"):
        srcad.grad(function)(1.0)


def row_times_column(x, w):
    return x @ w


def scaled_product(x, w):
    return 2.0 * (x @ w) + np.sum(x)


@pytest.mark.parametrize("function", [row_times_column, scaled_product])
def test_grad_of_an_output_of_size_one(function):
    x, w = np.array([[0.5, -1.0, 2.0]]), np.array([[1.0], [2.0], [3.0]])
    assert function(x, w).shape == (1, 1)
    gx, gw = srcad.grad(function, wrt=(0, 1))(x, w)
    _, (vx, vw) = srcad.vjp(function, wrt=(0, 1))(x, w, np.ones((1, 1)))
    np.testing.assert_allclose(gx, vx, rtol=1e-12)
    np.testing.assert_allclose(gw, vw, rtol=1e-12)
    assert gx.shape == x.shape and gw.shape == w.shape
    value, gradient = srcad.value_and_grad(function)(x, w)
    np.testing.assert_allclose(value, function(x, w))
    np.testing.assert_allclose(gradient, gx)
    check_grads(function, (x, w), wrt=(0, 1))


def test_grad_of_a_vector_output_is_still_an_error():
    with pytest.raises(srcad.NotScalarOutput, match=r"shape \(3,\)"):
        srcad.grad(lambda_free_double)(np.ones(3))


def lambda_free_double(x):
    return x * 2.0


def test_cotangent_and_tangent_shapes_must_match():
    with pytest.raises(srcad.InputError, match=r"cotangent has shape \(2, 3\).*output has shape \(3,\)"):
        srcad.vjp(lambda_free_double)(np.ones(3), np.ones((2, 3)))
    with pytest.raises(srcad.InputError, match=r"tangent of argument 0 has shape \(2, 3\)"):
        srcad.jvp(lambda_free_double)(np.ones(3), np.ones((2, 3)))
    with pytest.raises(srcad.InputError, match="cotangent has shape"):
        srcad.vjp(total)(np.ones(3), np.ones(3))


def power_law(x, power=3, scale=2.0):
    return scale * x ** power


def keyword_only(x, *, scale=2.0):
    return scale * x ** 2


def test_vjp_and_jvp_take_defaults_and_keywords():
    x = 1.5
    assert srcad.vjp(power_law)(x, 1.0) == pytest.approx((2 * x ** 3, 6 * x ** 2))
    assert srcad.vjp(power_law)(x, 1.0, scale=3.0) == pytest.approx((3 * x ** 3, 9 * x ** 2))
    assert srcad.vjp(power_law)(x, 2, 1.0) == pytest.approx((2 * x ** 2, 4 * x))
    assert srcad.vjp(power_law)(x, 2, 1.0, 1.0) == pytest.approx((x ** 2, 2 * x))
    assert srcad.jvp(power_law)(x, 1.0, power=2) == pytest.approx((2 * x ** 2, 4 * x))
    assert srcad.jvp(keyword_only)(x, 1.0, scale=1.0) == pytest.approx((x ** 2, 2 * x))
    assert srcad.vjp(keyword_only)(x, 1.0) == pytest.approx((2 * x ** 2, 4 * x))
    np.testing.assert_allclose(srcad.jacobian(power_law)(np.ones(2), scale=5.0), 15 * np.eye(2))
    np.testing.assert_allclose(srcad.hessian(keyword_only)(x, scale=5.0), 10.0)
    np.testing.assert_allclose(srcad.hvp(keyword_only)(x, 2.0, scale=5.0), 20.0)


def mismatched(x, w):
    y = x * w
    return np.sum(y)


def test_errors_inside_generated_code_say_where_they_came_from():
    with pytest.raises(ValueError) as info:
        srcad.grad(mismatched)(np.ones(3), np.ones(4))
    notes = "\n".join(getattr(info.value, "__notes__", []))
    assert "srcad: raised in derivative code srcad generated" in notes
    assert "`y = x * w`" in notes and "test_boundary.py:" in notes and "report" in notes
