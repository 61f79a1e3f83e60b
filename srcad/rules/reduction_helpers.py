"""NumPy helpers that the reduction rule templates call (np.prod, np.cumprod, np.max, ...).

Each helper is a pure function of its arguments. Those that carry a derivative have rules
(registered in reductions.py) so generated code can be differentiated again; the weight
helpers (which element is the maximum, how many values a reduction averaged) are
piecewise constant and registered as non-differentiable.

`axis` is what the user passed to the reduction: None, an int or a tuple of ints.
"""
import numpy as np

from .. import arrays, runtime


def _float_dtype(*values):
    return np.result_type(*[v for v in values if v is not None], 1.0)


def _axes(axis, ndim):
    """`axis` as a sorted tuple of non-negative ints (None: every axis)."""
    if axis is None:
        return tuple(range(ndim))
    if isinstance(axis, (tuple, list)):
        return tuple(sorted(int(a) % ndim for a in axis))
    return (int(axis) % ndim,)


def _to_last(x, axes):
    """Move `axes` to the end of `x` and flatten them into one: (kept..., n)."""
    ndim = np.ndim(x)
    kept = [i for i in range(ndim) if i not in axes]
    moved = np.transpose(x, kept + list(axes))
    return moved.reshape(moved.shape[:len(kept)] + (-1,))


def _from_last(y, shape, axes):
    """Undo `_to_last` for an array `y` of shape (kept..., n) and an input of `shape`."""
    kept = [i for i in range(len(shape)) if i not in axes]
    moved_shape = tuple(shape[i] for i in kept) + tuple(shape[i] for i in axes)
    return np.transpose(np.reshape(y, moved_shape), np.argsort(kept + list(axes)))


def prod_others(x, axis=None):
    """For each element of `x`, the product of the other elements reduced with it.

    ``np.prod(x, axis)`` has derivative ``prod_others(x, axis)``. It is computed from
    exclusive cumulative products from both ends, so it is exact when `x` has zeros (no
    division by x): with one zero, the zero's entry is the product of the rest.
    """
    x = x if arrays.is_array(x) else np.asarray(x)
    if x.ndim == 0:
        return np.ones_like(x, dtype=_float_dtype(x))
    axes = _axes(axis, x.ndim)
    flat = _to_last(x, axes)
    ones = arrays.zeros(flat.shape[:-1] + (1,), flat.dtype, flat) + 1
    before = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    after = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    return _from_last(before * after, x.shape, axes)


def extremum_weights(a, ans, axis=None, keepdims=False):
    """Where `a` attains its reduced max (or min) `ans`: 1 / (number of tied elements).

    The cotangent of ``np.max(a, axis)`` is split equally among the tied maximal
    elements, as in JAX.
    """
    expanded = runtime.expand_reduced(ans, a, axis=axis, keepdims=keepdims)
    if arrays.foreign(a, expanded) is None:
        hits = np.asarray(a) == expanded
        count = np.sum(hits, axis=axis, keepdims=True)
        return np.asarray(hits / count, _float_dtype(a))
    hits = arrays.as_float(a == expanded, a)
    return hits / arrays.namespace(hits).sum(hits, axis=axis, keepdims=True)


def ptp_weights(a, axis=None):
    """d np.ptp(a, axis)/da: the max weights minus the min weights (ties split)."""
    high = extremum_weights(a, np.max(a, axis=axis, keepdims=True), axis, keepdims=True)
    low = extremum_weights(a, np.min(a, axis=axis, keepdims=True), axis, keepdims=True)
    return high - low


def reduced_count(a, ans, ddof=0, correction=None):
    """The divisor of np.var / np.std: the number of values reduced into each result,
    minus `ddof` (or NumPy 2's `correction`)."""
    subtract = ddof if correction is None else correction
    return arrays.size_of(np.shape(a)) / arrays.size_of(np.shape(ans)) - subtract


def nan_weights(a, axis=None, mean=False):
    """0 where `a` is NaN, else 1 (np.nansum) or 1 / the count of non-NaN values (np.nanmean)."""
    valid = arrays.as_float(~np.isnan(a), a)
    if mean:
        return valid / np.sum(valid, axis=axis, keepdims=True)
    return valid


def cumsum_vjp(cot, x, axis=None):
    """The cotangent of `x` in ``np.cumsum(x, axis)``: a reversed cumulative sum of `cot`.

    With axis=None, np.cumsum flattens `x`; the result is reshaped back to `x`'s shape.
    """
    if axis is None:
        flat = np.ravel(cot)
        return np.reshape(np.cumsum(flat[::-1])[::-1], np.shape(x))
    flipped = np.flip(cot, axis)
    return np.flip(np.cumsum(flipped, axis=axis), axis)


def _cumprod_partials(flat):
    """W[..., j, i] = d cumprod(flat)_i / d flat_j = prod of flat_k for k <= i, k != j
    (0 for i < j), along the last axis. Exact with zeros; n x n per slice."""
    n = flat.shape[-1]
    eye = np.eye(n, dtype=bool)
    rows = np.where(eye, np.ones((), flat.dtype), flat[..., None, :])
    return np.cumprod(rows, axis=-1) * np.triu(np.ones((n, n), flat.dtype))


def cumprod_jvp(x, t, axis=None):
    """The tangent of ``np.cumprod(x, axis)`` along `t`.

    Without zeros in `x` it is cumprod(x) * cumsum(t / x); with zeros, the exact n x n
    partial products along the axis.
    """
    x = np.asarray(x)
    if np.all(x != 0):
        return np.cumprod(x, axis=axis) * np.cumsum(t / x, axis=axis)
    if axis is None:
        return np.einsum("...j,...ji->...i", np.ravel(t), _cumprod_partials(np.ravel(x)))
    ax = int(axis) % x.ndim
    partials = _cumprod_partials(np.moveaxis(x, ax, -1))
    tangent = np.einsum("...j,...ji->...i", np.moveaxis(np.asarray(t), ax, -1), partials)
    return np.moveaxis(tangent, -1, ax)


def cumprod_vjp(cot, x, axis=None):
    """The cotangent of `x` in ``np.cumprod(x, axis)`` (exact when `x` has zeros)."""
    x = np.asarray(x)
    if np.all(x != 0):
        return cumsum_vjp(cot * np.cumprod(x, axis=axis), x, axis) / x
    if axis is None:
        pulled = np.einsum("...ji,...i->...j", _cumprod_partials(np.ravel(x)), np.ravel(cot))
        return np.reshape(pulled, x.shape)
    ax = int(axis) % x.ndim
    partials = _cumprod_partials(np.moveaxis(x, ax, -1))
    pulled = np.einsum("...ji,...i->...j", partials, np.moveaxis(np.asarray(cot), ax, -1))
    return np.moveaxis(pulled, -1, ax)


def average_weights(a, weights, axis=None):
    """The weights of ``np.average(a, axis, weights)`` broadcast to `a`'s shape (ones for
    weights=None; a 1-d `weights` lies along `axis`)."""
    if weights is None:
        return np.ones(np.shape(a), _float_dtype(a))
    weights = np.asarray(weights)
    if weights.shape != np.shape(a):
        shape = [1] * np.ndim(a)
        shape[int(axis) % np.ndim(a)] = weights.shape[0]
        weights = weights.reshape(shape)
    return np.broadcast_to(weights, np.shape(a))


def average_weights_vjp(cot, a, weights, axis=None):
    """The cotangent of `weights` in ``average_weights(a, weights, axis)``."""
    weights_shape = np.shape(weights)
    if weights_shape == np.shape(a):
        return cot
    keep = int(axis) % np.ndim(a)
    return np.sum(cot, axis=tuple(i for i in range(np.ndim(a)) if i != keep))
