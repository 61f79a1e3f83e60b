"""The array types the array tests run on: how to make one from NumPy data, how to read it
back, and what a derivative of that type looks like."""
import importlib.util

import numpy as np
import pytest

from strict_array import StrictArray


class Backend:
    """An array library, as the tests see it."""

    def __init__(self, name, make, read, kind):
        self.name, self.make, self.read, self.kind = name, make, read, kind

    def __repr__(self):
        return self.name

    def args(self, values):
        return tuple(self.make(np.asarray(v)) for v in values)

    def check(self, derivative, like):
        """`derivative` is an array of this library, shaped (and for Dask chunked) as
        `like`, the argument it is the derivative of."""
        assert isinstance(derivative, self.kind), type(derivative)
        assert derivative.shape == like.shape


def halves(a):
    """Dask chunks: the rows of a data array (8 or more) cut in two, so every program
    crosses a chunk boundary; a smaller array (parameters) in one chunk."""
    if a.ndim == 0 or a.shape[0] < 8:
        return a.shape
    return ((a.shape[0] + 1) // 2,) + a.shape[1:]


class DaskBackend(Backend):
    def __init__(self):
        import dask.array as da
        super().__init__("dask", lambda a: da.from_array(a, chunks=halves(a)),
                         lambda y: np.asarray(y.compute()), da.Array)

    def check(self, derivative, like):
        super().check(derivative, like)
        assert derivative.chunks == like.chunks, (derivative.chunks, like.chunks)


def strict_backend():
    return Backend("strict", StrictArray, lambda y: y.get(), StrictArray)


def cupy_backend():
    """CuPy, when it and a GPU are there; else a skip mark."""
    if importlib.util.find_spec("cupy") is None:
        return pytest.param(None, marks=pytest.mark.skip(reason="cupy is not installed"))
    import cupy
    try:
        gpus = cupy.cuda.runtime.getDeviceCount()
    except Exception:     # no driver
        gpus = 0
    if not gpus:
        return pytest.param(None, marks=pytest.mark.skip(reason="no GPU"))
    return Backend("cupy", cupy.asarray, cupy.asnumpy, cupy.ndarray)


def all_backends():
    return [pytest.param(DaskBackend(), id="dask"), pytest.param(strict_backend(), id="strict"),
            cupy_backend()]


def no_compute():
    """A context in which any Dask computation fails the test: a derivative of Dask arrays
    is built as a graph, never computed on the way."""
    from dask.callbacks import Callback

    class Refuse(Callback):
        def _start(self, dsk):
            raise AssertionError("a Dask graph was computed while the derivative was built")
    return Refuse()
