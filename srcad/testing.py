"""Checking derivatives: `check_grads`, in the spirit of torch.autograd.gradcheck.

Compares forward mode (J·t) and reverse mode (uᵀJ) with central finite differences in
float64 along random directions, and with each other: u·(J t) == (uᵀJ)·t.
"""
import copy
import dataclasses

import numpy as np

from .api import jvp, vjp


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def _is_value(x):
    """A leaf that has a derivative: a real number or a float array."""
    return isinstance(x, (float, np.floating)) or isinstance(x, np.ndarray) and x.dtype.kind == "f"


def _numeric(x):
    """A number or an array: an argument or result that is one leaf, not a structure."""
    return isinstance(x, (int, float, np.number, np.ndarray))


def _map(function, *trees, leaf=_is_value):
    """`function` on the `leaf` leaves of `trees` (alike: dicts, lists, tuples, NamedTuples,
    dataclasses, plain objects), rebuilt as the first; other leaves (by default those
    without a derivative: ints, strings) are kept from the first tree."""
    first = trees[0]
    if isinstance(first, dict):
        return type(first)((k, _map(function, *(t[k] for t in trees), leaf=leaf)) for k in first)
    if isinstance(first, (list, tuple)):
        items = [_map(function, *(t[i] for t in trees), leaf=leaf) for i in range(len(first))]
        return type(first)(*items) if hasattr(first, "_fields") else type(first)(items)
    if dataclasses.is_dataclass(first) and not isinstance(first, type):
        return dataclasses.replace(first, **{f.name: _map(function, *(getattr(t, f.name) for t in trees),
                                                          leaf=leaf)
                                             for f in dataclasses.fields(first) if f.init})
    if hasattr(first, "__dict__") and not callable(first):
        rebuilt = copy.copy(first)
        for name, value in vars(first).items():
            setattr(rebuilt, name, _map(function, *(getattr(t, name) for t in trees), leaf=leaf))
        return rebuilt
    return function(*trees) if leaf(first) else first


def _random_like(value, rng):
    def draw(leaf):
        sample = rng.standard_normal(np.shape(leaf))
        return float(sample) if not isinstance(leaf, np.ndarray) else sample
    return draw(value) if _numeric(value) else _map(draw, value)


def _inner(a, b):
    """The sum of the products of matching leaves of `a` and `b`, in float64."""
    products = []
    _map(lambda x, y: products.append(float(np.sum(np.asarray(x, dtype=np.float64)
                                                    * np.asarray(y, dtype=np.float64)))),
         _as_tuple(a), _as_tuple(b), leaf=_numeric)
    return sum(products)


def _shift(args, wrt, tangents, step):
    def moved_leaf(leaf, t):
        shifted = np.asarray(leaf, dtype=np.float64) + step * np.asarray(t)
        return float(shifted) if np.ndim(leaf) == 0 and not isinstance(leaf, np.ndarray) else shifted
    moved = list(args)
    for i, t in zip(wrt, tangents):
        # a dict, list, tuple or object of values: each of its values moves
        moved[i] = moved_leaf(args[i], t) if _numeric(args[i]) else _map(moved_leaf, args[i], t)
    return moved


def numerical_jvp(f, args, wrt, tangents, eps=1e-6):
    """Central finite difference of f along `tangents`, in float64."""
    ahead = _as_tuple(f(*_shift(args, wrt, tangents, eps)))
    behind = _as_tuple(f(*_shift(args, wrt, tangents, -eps)))
    return tuple((np.asarray(a, np.float64) - np.asarray(b, np.float64)) / (2 * eps)
                 for a, b in zip(ahead, behind))


def _close(what, got, expected, rtol, atol):
    got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=rtol, atol=atol):
        raise AssertionError(
            f"{what}: derivative mismatch\n  srcad:    {got!r}\n  expected: {expected!r}\n"
            f"  max abs difference: {np.max(np.abs(got - expected)) if got.shape == expected.shape else 'shape differs'}")


def check_grads(f, args, wrt=0, modes=("forward", "reverse"), eps=1e-6, rtol=1e-5, atol=1e-6,
                directions=2, seed=0, compile=None):
    """Raise AssertionError unless srcad's derivatives of `f` at `args` are right.

    `args` is the tuple of positional arguments; `wrt` an int or tuple of ints; `modes`
    any of "forward" and "reverse". Each direction draws random tangents t for the `wrt`
    arguments and a random cotangent u for the output. `compile`: check the derivatives
    compiled for that target (``"numba"``).
    """
    args = tuple(args)
    wrt_tuple = (wrt,) if isinstance(wrt, int) else tuple(wrt)
    rng = np.random.default_rng(seed)
    value = f(*args)
    forward = jvp(f, wrt, compile=compile) if "forward" in modes else None
    reverse = vjp(f, wrt, compile=compile) if "reverse" in modes else None
    for _ in range(directions):
        tangents = tuple(_random_like(args[i], rng) for i in wrt_tuple)
        numeric = numerical_jvp(f, args, wrt_tuple, tangents, eps)
        cotangent = tuple(_random_like(v, rng) for v in _as_tuple(value))
        if not isinstance(value, tuple):
            cotangent = cotangent[0]
        if forward is not None:
            primal, tangent_out = forward(*args, *tangents)
            _close("forward mode: value", _as_tuple(primal)[0], _as_tuple(value)[0], 1e-12, 1e-12)
            for k, (got, expected) in enumerate(zip(_as_tuple(tangent_out), numeric)):
                _close(f"forward mode (J·t), output {k}", got, expected, rtol, atol)
        if reverse is not None:
            primal, pulled = reverse(*args, cotangent)
            _close("reverse mode: value", _as_tuple(primal)[0], _as_tuple(value)[0], 1e-12, 1e-12)
            pulled = pulled if isinstance(wrt, tuple) else (pulled,)
            for i, p in zip(wrt_tuple, pulled):
                if _numeric(args[i]) and np.shape(p) != np.shape(args[i]):
                    raise AssertionError(f"reverse mode: cotangent of argument {i} has shape "
                                         f"{np.shape(p)}, expected {np.shape(args[i])}")
            _close("reverse mode (uᵀJ)·t against finite differences", _inner(pulled, tangents),
                   _inner(cotangent, numeric), rtol, atol)
            if forward is not None:
                _close("forward vs reverse: u·(J t) == (uᵀJ)·t", _inner(pulled, tangents),
                       _inner(cotangent, tangent_out), 1e-9, 1e-9)
