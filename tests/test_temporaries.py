"""Temporaries are named after what they hold (issue 13): `w_T`, `sin_x`, `x_pow_3`, `h_W2`;
`t<n>` for long expressions and taken names; deterministic, and never a user's name."""
import gast
import numpy as np

import srcad
from srcad.temporaries import name_for
from srcad.testing import check_grads
from srcad.transform import generate


def layer(x, w, W2):
    h = np.tanh(x @ w.T)
    return np.sum(np.sin(x) * x ** 3) + np.sum(h @ W2)


def shadowing(x):
    sin_x = 2.0 * x                       # the user's own sin_x
    return np.sum(np.sin(x) * sin_x)      # np.sin(x) cannot be named sin_x


def long_one(activation, target):
    return np.mean((activation - target) ** 2)


ARGS = (np.array([[0.5, -1.0, 2.0]]), np.array([[0.3, 0.1, -0.2], [1.0, 0.5, 0.2]]),
        np.array([[0.7], [-0.4]]))


def test_short_expressions_name_their_temporaries():
    source = generate(layer, "vjp", (0, 1, 2)).source
    for line in ("w_T = w.T", "sin_x = np.sin(x)", "x_pow_3 = x ** 3", "h_W2 = h @ W2"):
        assert f"    {line}\n" in source, source
    assert "sin_x_bar" in source or "x_pow_3_bar" in source or "w_T_bar" in source
    check_grads(layer, ARGS, wrt=(0, 1, 2))


def test_names_are_the_same_every_time():
    assert generate(layer, "vjp", (0, 1)).source == generate(layer, "vjp", (0, 1)).source


def test_a_user_name_is_never_taken_over():
    source = generate(shadowing, "vjp", (0,)).source
    assert "    sin_x = 2.0 * x\n" in source and "sin_x = np.sin" not in source
    assert "t1 = np.sin(x)" in source
    check_grads(shadowing, (np.array([0.3, -1.2]),))


def test_long_expressions_fall_back_to_numbers():
    source = generate(long_one, "grad", (0,)).source
    assert "t1 = activation - target" in source    # activation_minus_target: too long
    check_grads(long_one, (np.array([0.3, 2.0]), np.array([1.0, 0.5])))


def _expression(text):
    return gast.parse(text).body[0].value


def test_readings():
    local = {"x", "z", "h", "W2", "w", "i"}.__contains__
    cases = {"w.T": "w_T", "np.sin(x)": "sin_x", "x ** 3": "x_pow_3", "h @ W2": "h_W2",
             "2 * x": "x_times_2", "x[i]": "x_at_i", "-x": "neg_x", "z.mean()": "z_mean",
             "x.sum(axis=0)": "x_sum", "x > 0": "x_gt_0", "np.dot(w, x) + 1": "dot_w_x_plus_1",
             "0.05 * x": None, "x[1:]": None, "[x, z]": None, "foo()": None,
             "np.log(np.sin(x ** 3) ** 2)": None}
    for text, expected in cases.items():
        assert name_for(_expression(text), local) == expected, text
    assert name_for(_expression("np.sin(x)"), local, reserved={"sin_x"}) is None
    assert name_for(_expression("cfg.scale(x)"), local) == "scale_x"   # a global's method
