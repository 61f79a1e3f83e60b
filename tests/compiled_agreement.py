"""The check the compiled-code tests share: a derivative made with ``compile=`` gives the
NumPy derivative's numbers (to 1e-12) and shapes, in reverse and forward mode, on random
cotangents and tangents (tests/test_compile_numba.py, tests/test_fusion.py)."""
import numpy as np

import srcad


def _random_like(value, rng):
    shape = np.shape(value)
    return rng.standard_normal(shape) if shape else float(rng.standard_normal())


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def same_as_numpy(function, args, wrt, compile="numba"):
    """The VJP and the JVP of `function` made with `compile` equal the NumPy ones."""
    rng = np.random.default_rng(0)
    value = function(*args)
    cotangent = tuple(_random_like(v, rng) for v in value) if isinstance(value, tuple) \
        else _random_like(value, rng)
    tangents = [_random_like(args[i], rng) for i in wrt]
    for transform, extra in ((srcad.vjp, [cotangent]), (srcad.jvp, tangents)):
        expected = transform(function, wrt)(*args, *extra)
        got = transform(function, wrt, compile=compile)(*args, *extra)
        for a, b in zip(_as_tuple(got[1]) + _as_tuple(got[0]), _as_tuple(expected[1]) + _as_tuple(expected[0])):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)
            assert np.shape(a) == np.shape(b)
