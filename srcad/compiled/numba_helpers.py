"""numba's versions of the runtime helpers generated code calls (``numba.extending.overload``:
inside compiled code, a call of ``srcad.runtime.unbroadcast`` runs these; the NumPy helpers
themselves are unchanged). Each chooses its code from the types numba infers, so a helper
that does nothing for these types (``unbroadcast`` of two floats) compiles to nothing. A
case not handled here (no implementation for those types) is a CompileError naming the line.
"""
import numpy as np
from numba import types
from numba.cpython.unsafe.tuple import tuple_setitem
from numba.extending import overload, overload_method, register_jitable
from numba.np.numpy_support import as_dtype

from .. import runtime
from ..errors import NotScalarOutput
from ..rules import elementwise_helpers, reduction_helpers

_SCALAR = (types.Number, types.Boolean)


def _is_scalar(t):
    return isinstance(t, _SCALAR)


def _is_array(t):
    return isinstance(t, types.Array)


@overload(runtime.seed_cotangent)
def _seed_cotangent(y, function_name):
    if isinstance(y, types.Float):   # 1 of y's own type (not y * 0 + 1: nan where y is inf)
        one = as_dtype(y).type(1)
        return lambda y, function_name: one
    if isinstance(y, (types.Integer, types.Boolean)):
        return lambda y, function_name: 1.0
    if _is_array(y) and isinstance(y.dtype, (types.Float, types.Integer)):
        def seed(y, function_name):
            if y.ndim != 0:
                raise NotScalarOutput("srcad.grad needs a scalar output, and the compiled "
                                      "derivative got an array: use srcad.vjp")
            return 1.0
        return seed
    return None


@overload(runtime.zeros_like)
def _zeros_like(x):
    if _is_scalar(x):
        return lambda x: 0.0
    if _is_array(x):
        return lambda x: np.zeros_like(x)
    if isinstance(x, types.NoneType):
        return lambda x: None
    return None


@overload(runtime.shape_of)
def _shape_of(x):
    """The tape keeps the value itself (numba's tape holds one type: no SavedShape)."""
    return lambda x: x


@overload(runtime.copy_of)
def _copy_of(x):
    if _is_scalar(x):
        return lambda x: x
    if _is_array(x):
        return lambda x: x.copy()
    return None


@overload(runtime.unbroadcast)
def _unbroadcast(g, x):
    if _is_scalar(x):
        if _is_scalar(g):
            return lambda g, x: g
        if _is_array(g):
            return lambda g, x: np.sum(g)
        return None
    if not (_is_array(x) and _is_array(g)) or g.ndim < x.ndim:
        return None

    if g.ndim > x.ndim:
        return lambda g, x: _sum_to(g, x.shape)

    def unbroadcast(g, x):
        if g.shape == x.shape:
            return g + 0   # nothing to sum (a copy: one type for both branches)
        return _sum_to(g, x.shape)
    return unbroadcast


def _sum_to_impl(g, shape):
    """`g` summed over its leading axes and over the axes where `shape` has 1."""
    out = np.zeros(shape, g.dtype)
    flat = out.reshape(-1)
    extra = g.ndim - len(shape)
    strides = np.zeros(len(shape), np.int64)
    step = 1
    for d in range(len(shape) - 1, -1, -1):
        strides[d] = step if shape[d] != 1 else 0
        step *= shape[d]
    values = np.ascontiguousarray(g).reshape(-1)
    for k in range(values.size):
        rest, offset = k, 0
        for d in range(g.ndim - 1, extra - 1, -1):
            offset += (rest % g.shape[d]) * strides[d - extra]
            rest //= g.shape[d]
        flat[offset] += values[k]
    return out


def _sum_to(g, shape):
    return _sum_to_impl(g, shape)


@overload(_sum_to)
def _sum_to_overload(g, shape):
    return _sum_to_impl


@overload(runtime.broadcast_as)
def _broadcast_as(t, ans):
    if _is_scalar(ans):
        return lambda t, ans: t
    if _is_array(ans) and (_is_scalar(t) or _is_array(t)):
        return lambda t, ans: t + np.zeros(ans.shape, ans.dtype)
    return None


@overload(runtime.expand_reduced, prefer_literal=True)
def _expand_reduced(g, x, axis=None, keepdims=False):
    if _is_scalar(x):
        return lambda g, x, axis=None, keepdims=False: g
    if not _is_array(x):
        return None
    no_axis = axis is None or isinstance(axis, (types.NoneType, types.Omitted))
    keep = isinstance(keepdims, types.BooleanLiteral) and keepdims.literal_value or \
        isinstance(keepdims, types.Omitted) and keepdims.value
    if no_axis and _is_scalar(g):
        return lambda g, x, axis=None, keepdims=False: np.full(x.shape, g)
    if keep and _is_array(g) and (no_axis or isinstance(axis, types.Integer)):
        return lambda g, x, axis=None, keepdims=False: g + np.zeros(x.shape, g.dtype)
    if not isinstance(axis, types.Integer) or not _is_array(g):
        return None

    def expand(g, x, axis=None, keepdims=False):
        return np.expand_dims(g, axis) + np.zeros(x.shape, g.dtype)
    return expand


@overload(runtime.matmul_vjp_x)
def _matmul_vjp_x(g, x, y):
    if not (_is_array(x) and _is_array(y)):
        return None
    if x.ndim == 2 and y.ndim == 2:
        return lambda g, x, y: g @ np.ascontiguousarray(y.T)
    if x.ndim == 1 and y.ndim == 2:
        return lambda g, x, y: np.ascontiguousarray(y) @ g
    if x.ndim == 2 and y.ndim == 1:
        return lambda g, x, y: np.outer(g, y)
    if x.ndim == 1 and y.ndim == 1:
        return lambda g, x, y: g * y
    return None


@overload(runtime.matmul_vjp_y)
def _matmul_vjp_y(g, x, y):
    if not (_is_array(x) and _is_array(y)):
        return None
    if x.ndim == 2 and y.ndim == 2:
        return lambda g, x, y: np.ascontiguousarray(x.T) @ g
    if x.ndim == 1 and y.ndim == 2:
        return lambda g, x, y: np.outer(x, g)
    if x.ndim == 2 and y.ndim == 1:
        return lambda g, x, y: np.ascontiguousarray(x.T) @ g
    if x.ndim == 1 and y.ndim == 1:
        return lambda g, x, y: g * x
    return None


@overload(runtime.dot_vjp_x)
def _dot_vjp_x(g, x, y):
    """np.dot of arrays of at most two dimensions is x @ y: its cotangents are matmul's."""
    if _is_array(x) and _is_array(y) and x.ndim <= 2 and y.ndim <= 2:
        return lambda g, x, y: runtime.matmul_vjp_x(g, x, y)
    return None


@overload(runtime.dot_vjp_y)
def _dot_vjp_y(g, x, y):
    if _is_array(x) and _is_array(y) and x.ndim <= 2 and y.ndim <= 2:
        return lambda g, x, y: runtime.matmul_vjp_y(g, x, y)
    return None


@overload(elementwise_helpers.maximum_weight)
def _maximum_weight(x, y, larger):
    """Always float weights (the NumPy helper returns the bool mask when nothing ties: a
    type that depends on the data, which compiled code cannot have)."""
    if _is_scalar(x) and _is_scalar(y):
        def scalar_weight(x, y, larger):
            if x == y:
                return 0.5
            return 1.0 if (x > y) == larger else 0.0
        return scalar_weight
    if _is_array(x) or _is_array(y):
        def array_weight(x, y, larger):
            wins = (x > y) if larger else (x < y)
            return wins * 1.0 + (x == y) * 0.5
        return array_weight
    return None


@overload(reduction_helpers.extremum_weights, prefer_literal=True)
def _extremum_weights(a, ans, axis=None, keepdims=False):
    if _is_array(a) and (_is_scalar(ans) or _is_array(ans) and _is_none(axis)) and (_is_none(axis) or a.ndim == 1):
        def weights(a, ans, axis=None, keepdims=False):
            hits = (a == ans) * 1.0
            return hits / np.sum(hits)
        return weights
    if not (_is_array(a) and _is_array(ans) and isinstance(axis, types.Integer)):
        return None
    keep = _literal_bool(keepdims)
    if keep is None or ans.ndim != a.ndim - (not keep):
        return None

    def weights(a, ans, axis=None, keepdims=False):
        expanded = ans if keep else np.expand_dims(ans, axis)
        hits = (a == expanded) * 1.0
        return hits / np.expand_dims(np.sum(hits, axis=axis), axis)
    return weights


def _size_of(x):
    """The number of values of `x` (1 for a number)."""


@overload(_size_of)
def _size_of_overload(x):
    if _is_array(x):
        return lambda x: x.size
    if _is_scalar(x):
        return lambda x: 1
    return None


@overload(reduction_helpers.reduced_count)
def _reduced_count(a, ans, ddof=0, correction=None):
    """The divisor of np.mean, np.var and np.std."""
    if not ((_is_array(a) or _is_scalar(a)) and (_is_array(ans) or _is_scalar(ans))):
        return None
    if _is_none(correction):
        return lambda a, ans, ddof=0, correction=None: _size_of(a) / _size_of(ans) - ddof
    return lambda a, ans, ddof=0, correction=None: _size_of(a) / _size_of(ans) - correction


def _literal_bool(t):
    """The value of a literal or omitted bool argument (None: known only at run time)."""
    if isinstance(t, types.BooleanLiteral):
        return t.literal_value
    if isinstance(t, types.Omitted):
        return bool(t.value)
    if isinstance(t, bool):
        return t
    return None


@register_jitable
def _extremum_kept(a, axis, larger):
    """np.max (`larger`) or np.min of `a` over `axis`, keeping that axis (NaN propagates)."""
    ndim = a.ndim
    if axis < 0:
        axis += ndim
    if axis < 0 or axis >= ndim:
        raise ValueError("axis out of bounds")
    before, after, n = 1, 1, a.shape[axis]
    for d in range(axis):
        before *= a.shape[d]
    for d in range(axis + 1, ndim):
        after *= a.shape[d]
    if n == 0:
        raise ValueError("zero-size array to reduction operation which has no identity")
    values = np.ascontiguousarray(a).reshape((before, n, after))
    out = np.empty((before, 1, after), a.dtype)
    for i in range(before):
        for k in range(after):
            best = values[i, 0, k]
            for j in range(1, n):
                v = values[i, j, k]
                if v != v or (v > best if larger else v < best):
                    best = v
                    if v != v:
                        break
            out[i, 0, k] = best
    return out.reshape(tuple_setitem(a.shape, axis, 1))


def _extremum_over_axis(larger):
    """numba's np.max / np.min lack axis= and keepdims=: these add them (an integer axis;
    keepdims a literal bool), leaving every other call to numba's own implementation."""
    def typer(a, axis=None, out=None, keepdims=False):
        keep = _literal_bool(keepdims)
        if _is_array(a) and _is_none(axis) and _is_none(out) and keep:
            if larger:
                return lambda a, axis=None, out=None, keepdims=False: np.full(_ones_shape(a), np.max(a))
            return lambda a, axis=None, out=None, keepdims=False: np.full(_ones_shape(a), np.min(a))
        if not (_is_array(a) and isinstance(axis, types.Integer) and _is_none(out)) or keep is None:
            return None
        if keep:
            return lambda a, axis=None, out=None, keepdims=False: _extremum_kept(a, axis, larger)
        if a.ndim == 1:
            return lambda a, axis=None, out=None, keepdims=False: _extremum_kept(a, axis, larger)[0]
        return lambda a, axis=None, out=None, keepdims=False: np.sum(_extremum_kept(a, axis, larger), axis=axis)
    return typer


for _function, _larger in ((np.max, True), (np.amax, True), (np.min, False), (np.amin, False)):
    overload(_function, prefer_literal=True)(_extremum_over_axis(_larger))


@register_jitable
def _ones_shape(a):
    """(1, 1, ...) for each axis of `a`: the shape of a reduction over all, with keepdims."""
    shape = a.shape
    for d in range(a.ndim):
        shape = tuple_setitem(shape, d, 1)
    return shape


@overload(np.mean, prefer_literal=True)
def _mean_over_axis(a, axis=None, dtype=None, out=None, keepdims=False):
    """numba's np.mean lacks axis= and keepdims=: the sum over the axis (numba's) divided by
    its length."""
    if not (_is_array(a) and _is_none(dtype) and _is_none(out)):
        return None
    keep = _literal_bool(keepdims)
    if _is_none(axis) and keep:
        return lambda a, axis=None, dtype=None, out=None, keepdims=False: np.full(_ones_shape(a), np.mean(a))
    if keep is None or not isinstance(axis, types.Integer):
        return None
    if keep:
        def mean_kept(a, axis=None, dtype=None, out=None, keepdims=False):
            axis = axis + a.ndim if axis < 0 else axis
            return np.expand_dims(np.sum(a, axis=axis), axis) / a.shape[axis]
        return mean_kept

    def mean(a, axis=None, dtype=None, out=None, keepdims=False):
        axis = axis + a.ndim if axis < 0 else axis
        return np.sum(a, axis=axis) / a.shape[axis]
    return mean


def _is_none(t):
    return t is None or isinstance(t, (types.NoneType, types.Omitted))


@overload(elementwise_helpers.scaled_power)
def _scaled_power(c, x, e, power=None):
    if not _is_none(power):
        return None

    def scaled_power(c, x, e, power=None):
        return c * x ** (e * (c != 0))
    return scaled_power


@overload(elementwise_helpers.power_log)
def _power_log(x, like):
    if _is_scalar(x):
        return lambda x, like: np.log(x if x != 0 else 1.0)
    if _is_array(x):
        return lambda x, like: np.log(np.where(x == 0, 1.0, x))
    return None


@overload(runtime.add_at)
def _add_at(target, index, values):
    """Only for an index that names each element once (an int, ints, a slice): then
    ``target[index] += values`` is np.add.at."""
    single = isinstance(index, (types.Integer, types.SliceType)) or (
        isinstance(index, types.BaseTuple) and all(isinstance(i, (types.Integer, types.SliceType))
                                                   for i in index))
    if not (_is_array(target) and single):
        return None

    def add_at(target, index, values):
        target[index] += values
        return target
    return add_at


@overload(runtime.add_each)
def _add_each(a, b):
    """Numbers and arrays (a list or tuple of cotangents has no numba version)."""
    if (_is_scalar(a) or _is_array(a)) and (_is_scalar(b) or _is_array(b)):
        return lambda a, b: a + b
    return None


@overload_method(types.Float, "copy")
def _float_copy(x):
    """``x.copy()`` of a NumPy scalar, as generated code writes for values that may be arrays."""
    return lambda x: x


@overload(runtime.directions_of)
def _directions_of(value):
    """The number of directions in vector mode: the leading axis of a tangent array."""
    if _is_array(value) and value.ndim >= 1:
        return lambda value: value.shape[0]
    return None
