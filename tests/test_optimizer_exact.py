"""The optimizer never changes a result, bit for bit: every derivative below is computed
with the optimizer on and off (``SRCAD_OPTIMIZE=0``) and compared exactly, dtype included.
(The rest of the suite runs both ways too, against finite differences and closed forms.)"""
import numpy as np
import pytest

import srcad
from srcad.bench.reference import WORKLOADS
from test_control_flow import CASES, HARDER


def _leaves(value):
    if isinstance(value, (tuple, list)):
        return [leaf for item in value for leaf in _leaves(item)]
    return [np.asarray(value)]


def _random_like(value, rng):
    return rng.normal(size=np.shape(value)) if np.ndim(value) else float(rng.normal())


def _derivatives(function, args):
    """VJP with respect to every float argument, a JVP along each argument alone, and the
    gradient (random directions, the same each call)."""
    rng = np.random.default_rng(0)
    wrt = tuple(i for i, a in enumerate(args) if not isinstance(a, int))   # ints: not differentiable
    value = function(*args)
    results = [srcad.vjp(function, wrt)(*args, _random_like(value, rng))]
    results += [srcad.jvp(function, k)(*args, _random_like(args[k], rng)) for k in wrt]
    if np.ndim(value) == 0:
        results.append(srcad.grad(function, wrt)(*args))
    return results


def _assert_identical(optimized, plain):
    for got, expected in zip(_leaves(optimized), _leaves(plain)):
        assert got.dtype == expected.dtype and got.shape == expected.shape
        np.testing.assert_array_equal(got, expected)


CALLS = [pytest.param(f, args, id=f.__name__) for f, args in CASES + HARDER] + [
    pytest.param(w.function, w.args(), id=w.name) for w in WORKLOADS if w.name != "elementwise_chain"]


@pytest.mark.parametrize("function, args", CALLS)
def test_optimized_and_plain_code_give_the_same_bits(function, args, monkeypatch):
    optimized = _derivatives(function, args)
    monkeypatch.setenv("SRCAD_OPTIMIZE", "0")
    _assert_identical(optimized, _derivatives(function, args))
