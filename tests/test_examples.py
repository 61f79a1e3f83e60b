"""The examples run and their derivatives agree with their references."""
import io
import pathlib
import sys

import numpy as np
import pytest

from srcad.testing import check_grads

sys.path.insert(0, str(pathlib.Path(__file__).parent.parent / "examples"))

import newton_sqrt  # noqa: E402
import recursive_determinant  # noqa: E402
import rk4_sensitivity  # noqa: E402
import rnn_gradient  # noqa: E402


def test_rk4_sensitivity_matches_finite_differences():
    jacobian, numeric = rk4_sensitivity.main()
    np.testing.assert_allclose(jacobian, numeric, rtol=1e-6, atol=1e-6)


def test_rnn_gradient_matches_finite_differences():
    srcad_value, numeric = rnn_gradient.main()
    assert abs(srcad_value - numeric) < 1e-6 * max(1.0, abs(numeric))


def test_recursive_determinant_matches_jacobi_formula():
    gradient, exact = recursive_determinant.main()
    np.testing.assert_allclose(gradient, exact, rtol=1e-10, atol=1e-12)


def test_newton_sqrt_runs(capsys):
    newton_sqrt.main()
    assert "exact" in capsys.readouterr().out


import forward_vs_reverse  # noqa: E402
import kmeans_newton  # noqa: E402


def test_kmeans_newton_step_is_lloyds_update():
    centers, points = kmeans_newton.main(steps=2)
    np.testing.assert_allclose(kmeans_newton.newton_step(centers, points),
                               kmeans_newton.lloyd_step(centers, points), atol=1e-12)


def test_forward_vs_reverse_times_both_modes():
    forward, reverse = forward_vs_reverse.jacobian_times(5, 3)
    assert forward > 0 and reverse > 0


def test_dask_gradient_matches_numpy_on_the_same_data():
    import dask_gradient
    result, data, report = dask_gradient.main(elements=4e4, quiet=True)
    expected = dask_gradient.gradient("gmm", data.compute())
    for got, want in zip(result, expected):
        np.testing.assert_allclose(got, want, rtol=1e-10)
    assert report["chunks"] == 8 and len(report["worker_peak_mb"]) == 2


import real_code  # noqa: E402


def test_real_code_matches_finite_differences(capsys):
    (model, model_numeric), (rates, rates_numeric), (in_place, in_place_numeric) = real_code.main()
    np.testing.assert_allclose(model, model_numeric, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(rates, rates_numeric, rtol=1e-6, atol=1e-8)
    for got, numeric in zip(in_place, in_place_numeric):
        np.testing.assert_allclose(got, numeric, rtol=1e-6, atol=1e-8)
    assert "step 4" in capsys.readouterr().out


import sparse_newton  # noqa: E402


def test_sparse_newton_converges_quadratically():
    norms = sparse_newton.main(side=20, show=False)
    assert norms[-1] < 1e-11 and len(norms) <= 6
    assert norms[-1] < norms[-2] ** 1.5   # quadratic: the Jacobian is exact


def test_train_mlp_learns_the_digits():
    pytest.importorskip("sklearn", reason="examples/train_mlp.py needs the [examples] extra")
    import train_mlp
    out = io.StringIO()
    losses, accuracy = train_mlp.train(out=out)
    assert accuracy >= 0.95
    assert len(losses) == 20 and losses[-1] < losses[0] / 10
    lines = out.getvalue().splitlines()
    assert lines[0] == f"epoch  1/20 [{'#' * 30}] 45/45  loss {losses[0]:.4f}"
    assert lines[-1].startswith("test accuracy: ")


def test_train_mlp_gradient_matches_finite_differences():
    import train_mlp
    rng = np.random.default_rng(1)
    weights = train_mlp.initial_weights(rng, sizes=(6, 5, 3))
    X, Y = rng.random((4, 6)), np.eye(3)[[0, 2, 1, 2]]
    check_grads(train_mlp.loss, (*weights, X, Y), wrt=(0, 1, 2, 3))
