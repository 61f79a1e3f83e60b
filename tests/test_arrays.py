"""Derivatives on Dask arrays and on a stand-in for CuPy's (and CuPy's, given a GPU): the
derivative code srcad generates computes on the arguments' own array type, and agrees with
the derivative of the same NumPy data (which the rule tests check against finite
differences) to 1e-12."""
import contextlib

import numpy as np
import pytest

pytest.importorskip("dask.array")

import srcad  # noqa: E402

import array_programs as programs  # noqa: E402
from array_backends import all_backends, no_compute  # noqa: E402

CASES = programs.data(np.random.default_rng(5))


def _tuple(value):
    return value if isinstance(value, tuple) else (value,)


def _close(got, expected):
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-12 * max(1.0, np.max(np.abs(expected))))


def _building(backend):
    """While srcad builds a derivative of Dask arrays, nothing is computed."""
    return no_compute() if backend.name == "dask" else contextlib.nullcontext()


@pytest.fixture(params=all_backends())
def backend(request):
    return request.param


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_on_array_type(backend, name):
    function, args, wrt = CASES[name]
    expected = _tuple(srcad.grad(function, wrt)(*args))
    arrays = backend.args(args)
    with _building(backend):
        gradient = _tuple(srcad.grad(function, wrt)(*arrays))
    for got, want, i in zip(gradient, expected, _tuple(wrt)):
        backend.check(got, arrays[i])
        _close(backend.read(got), want)


def test_value_and_grad_value_keeps_its_type(backend):
    function, args, wrt = CASES["mlp_loss"]
    arrays = backend.args(args)
    with _building(backend):
        value, _ = srcad.value_and_grad(function, wrt)(*arrays)
    assert isinstance(value, backend.kind)
    _close(backend.read(value), function(*args))


def test_vjp_and_jvp(backend):
    x, y = np.linspace(-1, 2, 8), np.linspace(0, 1, 4)
    v = np.cos(np.arange(8.0))
    (_, expected_vjp), (_, expected_jvp) = (srcad.vjp(programs.vector_valued, (0, 1))(x, y, v),
                                            srcad.jvp(programs.vector_valued, (0, 1))(x, y, x, y))
    ax, ay, av = backend.args((x, y, v))
    with _building(backend):
        value, pulled = srcad.vjp(programs.vector_valued, (0, 1))(ax, ay, av)
        _, pushed = srcad.jvp(programs.vector_valued, (0, 1))(ax, ay, ax, ay)
    for got, want, like in zip(pulled, expected_vjp, (ax, ay)):
        backend.check(got, like)
        _close(backend.read(got), want)
    backend.check(pushed, av)
    _close(backend.read(pushed), expected_jvp)


@pytest.mark.parametrize("mode", ["forward", "reverse"])
def test_vector_mode_jacobian(backend, mode):
    x, y = np.linspace(-1, 2, 8), np.linspace(0, 1, 4)
    expected = srcad.jacobian(programs.vector_valued, 0, mode=mode)(x, y)
    with _building(backend):
        jacobian = srcad.jacobian(programs.vector_valued, 0, mode=mode)(*backend.args((x, y)))
    assert isinstance(jacobian, backend.kind)
    _close(backend.read(jacobian), expected)


def test_hessian(backend):
    x = np.linspace(-1, 2, 6)
    expected = srcad.hessian(programs.elementwise_chain)(x)
    with _building(backend):
        hessian = srcad.hessian(programs.elementwise_chain)(*backend.args((x,)))
    assert isinstance(hessian, backend.kind)
    _close(backend.read(hessian), expected)


def test_non_scalar_output_is_an_error_not_a_computation(backend):
    (x,) = backend.args((np.ones(4),))
    with _building(backend), pytest.raises(srcad.NotScalarOutput, match="shape"):
        srcad.grad(lambda v: v * 2.0)(x)
