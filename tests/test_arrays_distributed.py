"""The Dask tests' derivatives computed on a dask.distributed cluster of 2 worker processes:
the path to a real cluster. srcad has no code for it: the graph its derivative builds is
shipped to the workers as any Dask graph is."""
import numpy as np
import pytest

pytest.importorskip("dask.distributed")

import srcad  # noqa: E402

import array_programs as programs  # noqa: E402
from array_backends import DaskBackend  # noqa: E402

CASES = programs.data(np.random.default_rng(5))
DASK = DaskBackend()


@pytest.fixture(scope="module")
def client():
    from dask.distributed import Client, LocalCluster
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as connected:
        yield connected


def _tuple(value):
    return value if isinstance(value, tuple) else (value,)


@pytest.mark.parametrize("name", ["elementwise_chain", "mlp_loss", "gmm_log_likelihood", "indexing"])
def test_gradient_on_two_workers(client, name):
    function, args, wrt = CASES[name]
    expected = _tuple(srcad.grad(function, wrt)(*args))
    arrays = DASK.args(args)
    gradient = _tuple(srcad.grad(function, wrt)(*arrays))
    computed = client.compute(list(gradient), sync=True)
    assert len(client.scheduler_info()["workers"]) == 2
    for lazy, got, want, i in zip(gradient, computed, expected, _tuple(wrt)):
        DASK.check(lazy, arrays[i])
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)


def test_jacobian_on_two_workers(client):
    x, y = np.linspace(-1, 2, 8), np.linspace(0, 1, 4)
    expected = srcad.jacobian(programs.vector_valued, (0, 1))(x, y)
    lazy = srcad.jacobian(programs.vector_valued, (0, 1))(*DASK.args((x, y)))
    for got, want in zip(client.compute(list(lazy), sync=True), expected):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
