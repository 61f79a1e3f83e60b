"""The Dask tests' derivatives computed on a dask.distributed cluster of 2 worker processes:
the path to a real cluster. srcad has no code for it: the graph its derivative builds is
shipped to the workers as any Dask graph is. One test (one cluster, one round trip), so
that pytest-xdist runs it on one worker."""
import numpy as np
import pytest

pytest.importorskip("dask.distributed")

import srcad  # noqa: E402

import array_programs as programs  # noqa: E402
from array_backends import DaskBackend  # noqa: E402

CASES = programs.data(np.random.default_rng(5))
DASK = DaskBackend()


def _tuple(value):
    return value if isinstance(value, tuple) else (value,)


def _derivatives():
    """(lazy Dask derivatives, the NumPy ones, the arguments they are derivatives of)."""
    lazy, expected, likes = [], [], []
    for name in ("elementwise_chain", "mlp_loss", "gmm_log_likelihood", "indexing", "python_loop"):
        function, args, wrt = CASES[name]
        arrays = DASK.args(args)
        lazy += _tuple(srcad.grad(function, wrt)(*arrays))
        expected += _tuple(srcad.grad(function, wrt)(*args))
        likes += [arrays[i] for i in _tuple(wrt)]
    x, y = np.linspace(-1, 2, 8), np.linspace(0, 1, 4)
    lazy += srcad.jacobian(programs.vector_valued, (0, 1))(*DASK.args((x, y)))
    expected += srcad.jacobian(programs.vector_valued, (0, 1))(x, y)
    return lazy, expected, likes


def test_derivatives_on_two_worker_processes():
    from dask.distributed import Client, LocalCluster
    lazy, expected, likes = _derivatives()
    for derivative, like in zip(lazy, likes):
        DASK.check(derivative, like)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as cluster, \
            Client(cluster) as client:
        computed = client.compute(lazy, sync=True)
        assert len(client.scheduler_info()["workers"]) == 2
    for got, want in zip(computed, expected):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
