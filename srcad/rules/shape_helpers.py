"""Helpers that the shape and data-movement rules call: plain NumPy, pure functions.

Most are adjoints (transposes) of NumPy's linear data-movement functions: ``take_vjp``
scatters back what ``np.take`` gathered, ``tile_vjp`` sums the copies ``np.tile`` made.
Each has derivative rules of its own in rules/shape.py, so generated code that calls one can
be differentiated again (Hessians by forward-over-reverse).

A cotangent keeps the dtype of the incoming cotangent ``g`` (float32 stays float32).
"""
import numpy as np

from .. import arrays
from ..runtime import Cotangents, add_at, unbroadcast


def _float_dtype(like):
    """The floating dtype of an array `like`; float64 for Python numbers and integers."""
    if isinstance(like, (np.ndarray, np.generic)) and np.issubdtype(like.dtype, np.inexact):
        return like.dtype
    if arrays.foreign(like) is not None:
        return arrays.float_dtype(like)
    return np.dtype(np.float64)


def _zeros(shape, like):
    """Zeros of `shape` in the floating dtype and array type of `like`."""
    if arrays.foreign(like) is None:
        return np.zeros(shape, dtype=_float_dtype(like))
    return arrays.zeros(shape, _float_dtype(like), like)


def _axis(axis, ndim):
    return axis % ndim if ndim else 0


# -- broadcasting ------------------------------------------------------------------------

def sum_to_shape(g, like):
    """Sum `g` down to the shape of `like` (undo ``np.broadcast_to``)."""
    return unbroadcast(g, like)


def expand_to_shape(t, like):
    """Broadcast `t` to the shape of `like` (the adjoint of `sum_to_shape`)."""
    return arrays.namespace(t).broadcast_to(t, np.shape(like))


# -- dtype casts -------------------------------------------------------------------------

def _is_array(x):
    return isinstance(x, (np.ndarray, np.generic))


def astype_jvp(t, ans):
    """A tangent `t` carried into the dtype of the cast result `ans` (zero for integer results)."""
    if not _is_array(ans):
        return t
    if np.issubdtype(ans.dtype, np.inexact):
        return np.asarray(t).astype(ans.dtype, copy=False)
    return np.zeros(np.shape(ans), dtype=_float_dtype(t))


def astype_vjp(g, x, ans):
    """The cotangent of ``x.astype(...)``: `g` in the dtype of `x` (zero for integer results)."""
    if _is_array(ans) and not np.issubdtype(ans.dtype, np.inexact):
        return np.zeros(np.shape(x), dtype=_float_dtype(x))
    if _is_array(x) and np.issubdtype(x.dtype, np.inexact):
        return np.reshape(np.asarray(g).astype(x.dtype, copy=False), np.shape(x))
    return np.reshape(g, np.shape(x))


def array_vjp(g, x, ans):
    """The cotangent of ``np.array(x)``: a list (one per item) when `x` is a list or tuple."""
    if isinstance(x, (list, tuple)):
        zero = not (_is_array(ans) and np.issubdtype(ans.dtype, np.inexact))
        g = np.asarray(g)
        return [array_vjp(np.zeros_like(g[i]) if zero else g[i], item, g[i])
                for i, item in enumerate(x)]
    return astype_vjp(g, x, ans)


def array_jvp(t, ans):
    """The tangent of ``np.array(x)`` from the tangent(s) of `x` (a list for a list `x`)."""
    return astype_jvp(np.reshape(np.array(t), np.shape(ans)), ans)


# -- joining and splitting ---------------------------------------------------------------

def concatenate_vjp(g, arrays, axis=0):
    """One cotangent per array of ``np.concatenate(arrays, axis)``."""
    if axis is None:
        sizes = [np.size(a) for a in arrays]
        pieces = np.split(np.ravel(g), np.cumsum(sizes)[:-1])
    else:
        axis = _axis(axis, np.ndim(g))
        sizes = [np.shape(a)[axis] for a in arrays]
        pieces = np.split(g, np.cumsum(sizes)[:-1], axis=axis)
    return [np.reshape(p, np.shape(a)) for p, a in zip(pieces, arrays)]


def stack_vjp(g, arrays, axis=0):
    """One cotangent per array of ``np.stack(arrays, axis)``."""
    axis = _axis(axis, np.ndim(g))
    return [np.take(g, i, axis=axis) for i in range(len(arrays))]


def _promoted_shape(shape, kind):
    """The shape an array of `shape` takes inside hstack/vstack/dstack/column_stack."""
    n = len(shape)
    if kind == "hstack":
        return shape if n else (1,)
    if kind == "vstack":
        return shape if n >= 2 else (1,) + shape if n == 1 else (1, 1)
    if kind == "dstack":
        return {0: (1, 1, 1), 1: (1,) + shape + (1,), 2: shape + (1,)}.get(n, shape)
    if kind == "column_stack":
        return shape if n >= 2 else shape + (1,) if n == 1 else (1, 1)
    raise ValueError(f"unknown stacking {kind!r}")


def stacked_vjp(g, arrays, kind):
    """One cotangent per array of ``np.hstack`` / ``vstack`` / ``dstack`` / ``column_stack``."""
    shapes = [_promoted_shape(np.shape(a), kind) for a in arrays]
    if kind == "hstack":
        axis = 0 if len(shapes[0]) == 1 else 1
    else:
        axis = {"vstack": 0, "dstack": 2, "column_stack": 1}[kind]
    sizes = [s[axis] for s in shapes]
    pieces = np.split(g, np.cumsum(sizes)[:-1], axis=axis)
    return [np.reshape(p, np.shape(a)) for p, a in zip(pieces, arrays)]


def restack(pieces, kind):
    """``np.hstack(pieces)`` etc. by name (the adjoint of `stacked_vjp`)."""
    return getattr(np, kind)(list(pieces))


def _meshgrid_axis(count, position, indexing):
    """The axis along which output `position` of ``np.meshgrid`` of `count` arrays varies."""
    if indexing == "xy" and count > 1 and position < 2:
        return 1 - position
    return position


def meshgrid_vjp(g, xi, position, indexing="xy"):
    """The cotangent of ``xi[position]`` in ``np.meshgrid(*xi)``: its output's cotangent
    ``g[position]`` (dense or sparse) summed over the other axes."""
    cot = g[position]
    axis = _meshgrid_axis(len(xi), position, indexing)
    others = tuple(d for d in range(np.ndim(cot)) if d != axis)
    return np.reshape(np.sum(cot, axis=others), np.shape(xi[position]))


def meshgrid_jvp(t, xi, position, like, indexing="xy"):
    """The tangents of the outputs `like` of ``np.meshgrid(*xi)`` from the tangent `t` of
    ``xi[position]``: `t` spread along its axis, zeros for the other outputs."""
    axis = _meshgrid_axis(len(xi), position, indexing)
    along = [-1 if d == axis else 1 for d in range(np.ndim(like[position]))]
    spread = np.broadcast_to(np.reshape(t, along), np.shape(like[position])).copy()
    return Cotangents(spread if i == position else _zeros(np.shape(out), t)
                      for i, out in enumerate(like))


def _concatenator_piece(items, position, kind):
    """The index of ``items[position]``'s piece in ``np.r_[items]`` (kind "r_", along axis 0)
    or ``np.c_[items]`` ("c_", along the last axis), and the piece's shape there. A slice item
    is a range (np.arange, or np.linspace for a complex step); a 0-d item a vector of one (r_)
    or a 1 x 1 matrix (c_); for c_, a vector is a column."""
    concatenator = np.r_ if kind == "r_" else np.c_
    shapes = []
    for item in items:
        shape = np.shape(concatenator[item]) if isinstance(item, slice) else np.shape(item)
        if kind == "r_":
            shape = shape or (1,)
        elif len(shape) < 2:
            shape = _promoted_shape(shape, "column_stack")
        shapes.append(shape)
    axis = 0 if kind == "r_" else len(shapes[position]) - 1
    start = sum(shape[axis] for shape in shapes[:position])
    index = [slice(None)] * len(shapes[position])
    index[axis] = slice(start, start + shapes[position][axis])
    return tuple(index), shapes[position]


def concatenator_vjp(g, items, position, kind):
    """The cotangent of ``items[position]`` in ``np.r_[items]`` / ``np.c_[items]`` (`kind` "r_"
    or "c_"): its piece of `g`, shaped as the item."""
    index, _ = _concatenator_piece(items, position, kind)
    piece = np.reshape(np.asarray(g)[index], np.shape(items[position]))
    return piece[()] if piece.ndim == 0 else piece


def concatenator_jvp(t, items, position, like, kind):
    """The tangent of ``np.r_[items]`` / ``np.c_[items]`` (shaped as `like`) from the tangent
    `t` of ``items[position]`` alone: `t` in its piece, zeros elsewhere."""
    index, shape = _concatenator_piece(items, position, kind)
    tangent = np.zeros(np.shape(like), dtype=np.result_type(t, 1.0))
    tangent[index] = np.reshape(t, shape)
    return tangent


# -- repetition --------------------------------------------------------------------------

def tile_vjp(g, x, reps):
    """The cotangent of ``np.tile(x, reps)``: the copies summed."""
    reps = (int(reps),) if np.ndim(reps) == 0 else tuple(int(r) for r in reps)
    shape = np.shape(x)
    d = max(len(reps), len(shape))
    reps = (1,) * (d - len(reps)) + reps
    full = (1,) * (d - len(shape)) + shape
    interleaved = [n for pair in zip(reps, full) for n in pair]
    summed = np.sum(np.reshape(g, interleaved), axis=tuple(range(0, 2 * d, 2)))
    return np.reshape(summed, shape)


def _working_shape(shape, axis):
    """(shape, axis) to work along: the flattened array and axis 0 when `axis` is None."""
    if axis is None:
        return (int(np.prod(shape)),), 0
    return shape, _axis(axis, len(shape))


def repeat_vjp(g, x, repeats, axis=None):
    """The cotangent of ``np.repeat(x, repeats, axis)``: each element's copies summed."""
    shape = np.shape(x)
    work, axis = _working_shape(shape, axis)
    n = work[axis]
    if np.size(repeats) == 1:
        r = int(np.ravel(repeats)[0])
        out = np.sum(np.reshape(g, work[:axis] + (n, r) + work[axis + 1:]), axis=axis + 1)
    else:
        owner = np.repeat(np.arange(n), repeats)
        out = _zeros(work, g)
        out = add_at(out, (slice(None),) * axis + (owner,), g)
    return np.reshape(out, shape)


# -- padding -----------------------------------------------------------------------------

_COPY_MODES = ("edge", "reflect", "symmetric", "wrap")


def _pad_pairs(pad_width, ndim):
    """(before, after) per axis, as ``np.pad`` reads `pad_width`."""
    return np.broadcast_to(np.asarray(pad_width, dtype=int), (ndim, 2))


def pad_vjp(g, x, pad_width, mode="constant"):
    """The cotangent of ``np.pad(x, pad_width, mode)``: the centre, plus copies folded back."""
    shape = np.shape(x)
    if mode == "constant":
        pairs = _pad_pairs(pad_width, len(shape))
        return g[tuple(slice(int(b), int(b) + n) for (b, _), n in zip(pairs, shape))]
    if mode not in _COPY_MODES:
        raise NotImplementedError(f"srcad: no derivative of np.pad with mode={mode!r} "
                                  f"(constant, {', '.join(_COPY_MODES)} have one)")
    source = np.pad(np.arange(int(np.prod(shape))).reshape(shape), pad_width, mode=mode)
    out = _zeros(int(np.prod(shape)), g)
    out = add_at(out, np.ravel(source), np.ravel(g))
    return np.reshape(out, shape)


def pad_constant_vjp(g, x, pad_width, c):
    """The cotangent of a scalar ``constant_values=c`` of ``np.pad``: g summed over the padding."""
    if np.size(c) != 1:
        raise NotImplementedError("srcad: np.pad has a derivative with respect to "
                                  "constant_values only when it is one number")
    return np.reshape(np.sum(g) - np.sum(pad_vjp(g, x, pad_width)), np.shape(c))


def pad_constant_jvp(t, x, pad_width):
    """The tangent of ``np.pad(x, pad_width, constant_values=c)`` along c (a scalar)."""
    return np.pad(np.zeros(np.shape(x), dtype=_float_dtype(x)), pad_width, constant_values=t)


# -- diagonals ---------------------------------------------------------------------------

def diag_vjp(g, x, k=0):
    """The cotangent of ``np.diag(x, k)`` (x a vector: a diagonal read; x a matrix: written)."""
    if np.ndim(x) == 1:
        return np.diagonal(g, k).copy()
    out = _zeros(np.shape(x), g)
    i = np.arange(np.shape(g)[0])
    out[i + max(-k, 0), i + max(k, 0)] = g
    return out


def diagonal_vjp(g, x, offset=0, axis1=0, axis2=1):
    """The cotangent of ``np.diagonal(x, offset, axis1, axis2)``: g written on the diagonal."""
    shape = np.shape(x)
    out = _zeros(shape, g)
    moved = np.moveaxis(out, (_axis(axis1, len(shape)), _axis(axis2, len(shape))), (-2, -1))
    i = np.arange(np.shape(g)[-1])
    moved[..., i + max(-offset, 0), i + max(offset, 0)] = g
    return out


def trace_vjp(g, x, offset=0, axis1=0, axis2=1):
    """The cotangent of ``np.trace(x, offset, axis1, axis2)``: g on the whole diagonal."""
    shape = np.shape(x)
    n1, n2 = shape[_axis(axis1, len(shape))], shape[_axis(axis2, len(shape))]
    count = max(0, min(n1 - max(-offset, 0), n2 - max(offset, 0)))
    spread = np.broadcast_to(np.expand_dims(g, -1), np.shape(g) + (count,))
    return diagonal_vjp(spread, x, offset, axis1, axis2)


# -- indexing ----------------------------------------------------------------------------

def take_vjp(g, x, indices, axis=None, mode="raise"):
    """The cotangent of ``np.take(x, indices, axis, mode=mode)``: g added at the indices."""
    shape = np.shape(x)
    work, axis = _working_shape(shape, axis)
    n = work[axis]
    index = np.asarray(indices)
    if mode == "wrap":
        index = np.mod(index, n)
    elif mode == "clip":
        index = np.clip(index, 0, n - 1)
    else:
        index = np.where(index < 0, index + n, index)
    out = _zeros(work, g)
    out = add_at(out, (slice(None),) * axis + (index,), g)
    return np.reshape(out, shape)


def take_along_axis_vjp(g, x, indices, axis=-1):
    """The cotangent of ``np.take_along_axis(x, indices, axis)``: g added at the indices."""
    shape = np.shape(x)
    if axis is None:
        out = _zeros(int(np.prod(shape)), g)
        out = add_at(out, np.asarray(indices), g)
        return np.reshape(out, shape)
    ndim = len(shape)
    axis = _axis(axis, ndim)
    index = np.asarray(indices)
    index = np.where(index < 0, index + shape[axis], index)
    fancy = []
    for dim in range(ndim):
        if dim == axis:
            fancy.append(index)
        else:
            along = [-1 if d == dim else 1 for d in range(ndim)]
            fancy.append(np.arange(shape[dim]).reshape(along))
    out = _zeros(shape, g)
    out = add_at(out, tuple(fancy), g)
    return out


def sort_jvp(t, x, axis=-1):
    """The tangent of ``np.sort(x, axis)``: `t` in the sorting order of `x`."""
    if axis is None:
        return np.ravel(t)[np.argsort(np.ravel(x), kind="stable")]
    return np.take_along_axis(t, np.argsort(x, axis=axis, kind="stable"), axis=axis)


def sort_vjp(g, x, axis=-1):
    """The cotangent of ``np.sort(x, axis)``: g put back where each element came from."""
    if axis is None:
        out = _zeros(np.size(x), g)
        out[np.argsort(np.ravel(x), kind="stable")] = g
        return np.reshape(out, np.shape(x))
    out = _zeros(np.shape(x), g)
    np.put_along_axis(out, np.argsort(x, axis=axis, kind="stable"), g, axis=axis)
    return out


def _sorted_order(items, key=None, reverse=False):
    """The positions of `items` in the order builtin ``sorted(items, key=key,
    reverse=reverse)`` puts them (stable, as sorted is)."""
    items = list(items)
    if key is None:
        return sorted(range(len(items)), key=items.__getitem__, reverse=reverse)
    return sorted(range(len(items)), key=lambda i: key(items[i]), reverse=reverse)


def sorted_jvp(t, items, key=None, reverse=False):
    """The tangent of ``sorted(items, ...)``: a list of the items' tangents `t` in sorted order."""
    return [t[i] for i in _sorted_order(items, key, reverse)]


def sorted_vjp(g, items, key=None, reverse=False):
    """The cotangent of `items` in ``sorted(items, ...)``: ``g[j]`` put back where the j-th
    sorted item came from (a list for a list or tuple of items, an array for an array)."""
    order = _sorted_order(items, key, reverse)
    if isinstance(items, (list, tuple)):
        out = [None] * len(order)
        for j, i in enumerate(order):
            out[i] = g[j]
        return out
    out = _zeros(np.shape(items), np.asarray(g))
    out[order] = np.asarray(g)
    return out


def item_vjp(g, x, args):
    """The cotangent of ``x.item(*args)``: g at that element."""
    out = np.zeros(np.shape(x), dtype=_float_dtype(x))
    if not args:
        out[...] = g
    elif len(args) == 1 and np.ndim(args[0]) == 0:
        out.flat[args[0]] = g
    else:
        out[tuple(args[0]) if len(args) == 1 else tuple(args)] = g
    return out


def item_of(t, args):
    """``t.item(*args)`` (the tangent of ``x.item(*args)``)."""
    return np.asarray(t).item(*args)


# -- constructors whose values depend on an argument -------------------------------------

def arange_slope(ans, part, stop=None):
    """d np.arange(start, stop, step) / d `part` ("start" or "step") for each element:
    ans[i] = start + i * step, so 1 and i; zero for an integer result, and for "start" when
    `stop` is None (np.arange(n): the one argument is the stop, which only sets the length).
    It depends only on shapes, so it has no derivative."""
    dtype = _float_dtype(ans)
    if not np.issubdtype(np.asarray(ans).dtype, np.inexact) or part == "start" and stop is None:
        return np.zeros(np.shape(ans), dtype)
    if part == "start":
        return np.ones(np.shape(ans), dtype)
    return np.arange(np.shape(ans)[0], dtype=dtype)


def linspace_weights(ans, num, endpoint=True, axis=0, which=1):
    """d np.linspace(start, stop, num) / d stop (which=1) or d start (which=0), shaped to
    broadcast against `ans`. It depends only on shapes, so it has no derivative."""
    if isinstance(ans, tuple):
        raise NotImplementedError("srcad: np.linspace(..., retstep=True) has no derivative rule")
    dtype = _float_dtype(ans)
    t = np.linspace(0.0, 1.0, num, endpoint=endpoint).astype(dtype)
    if which == 0:
        t = 1 - t
    ndim = np.ndim(ans)
    return np.reshape(t, [-1 if d == _axis(axis, ndim) else 1 for d in range(ndim)])


# -- deleting, inserting, appending --------------------------------------------------------

def delete_vjp(g, x, obj, axis=None):
    """The cotangent of ``np.delete(x, obj, axis)``: g where the kept elements were, zeros
    at the deleted ones."""
    shape = np.shape(x)
    work, axis = _working_shape(shape, axis)
    kept = np.delete(np.arange(work[axis]), obj)
    out = _zeros(work, g)
    out[(slice(None),) * axis + (kept,)] = np.reshape(g, work[:axis] + (len(kept),) + work[axis + 1:])
    return np.reshape(out, shape)


def _inexact(x):
    return np.issubdtype(np.asarray(x).dtype, np.inexact)


def _insert_sources(arr, obj, values, axis, part):
    """For each element of ``np.insert(arr, obj, values, axis)``: the flat index of the
    element of `arr` (`part` "arr") or of `values` ("values") it holds, -1 where it holds
    one of the other's. NumPy's own np.insert places the indices, so obj may be anything
    it accepts (an index, a list, a slice) and values broadcast as it broadcasts them."""
    size, other = (np.size(arr), np.shape(values)) if part == "arr" else (np.size(values), np.shape(arr))
    own = np.reshape(np.arange(size), np.shape(arr) if part == "arr" else np.shape(values))
    none = np.full(other, -1)
    return np.insert(own, obj, none, axis) if part == "arr" else np.insert(none, obj, own, axis)


def insert_vjp(g, arr, obj, values, axis, part):
    """The cotangent of `arr` (`part` "arr") or of `values` ("values") in
    ``np.insert(arr, obj, values, axis)``: the elements of g each of theirs went to, summed.
    The result has arr's dtype: an integer arr gives values a zero derivative."""
    like = arr if part == "arr" else values
    out = _zeros(np.size(like), g)
    if part == "values" and not _inexact(arr):
        return np.reshape(out, np.shape(like))
    source = np.ravel(_insert_sources(arr, obj, values, axis, part))
    found = source >= 0
    out = add_at(out, source[found], np.ravel(g)[found])
    return np.reshape(out, np.shape(like))


def insert_jvp(t, arr, obj, values, axis, part):
    """The tangent of ``np.insert(arr, obj, values, axis)`` along a tangent `t` of `arr`
    (`part` "arr") or of `values` ("values"), the other held fixed."""
    dtype = _float_dtype(t)
    if part == "arr":
        return np.insert(np.asarray(t, dtype), obj, np.zeros(np.shape(values), dtype), axis)
    zeros = np.zeros(np.shape(arr), dtype)
    if not _inexact(arr):
        return np.insert(zeros, obj, np.zeros(np.shape(values), dtype), axis)
    return np.insert(zeros, obj, t, axis)


def append_vjp(g, arr, values, axis, part):
    """The cotangent of `arr` (`part` "arr") or `values` ("values") in ``np.append(arr, values,
    axis)``: its piece of g (both flattened when axis is None)."""
    if axis is None:
        n = np.size(arr)
        piece = np.ravel(g)[:n] if part == "arr" else np.ravel(g)[n:]
    else:
        axis = _axis(axis, np.ndim(g))
        n = np.shape(arr)[axis]
        index = slice(None, n) if part == "arr" else slice(n, None)
        piece = np.asarray(g)[(slice(None),) * axis + (index,)]
    return np.reshape(piece, np.shape(arr if part == "arr" else values))


def append_jvp(t, arr, values, axis, part):
    """The tangent of ``np.append(arr, values, axis)`` along a tangent `t` of `arr` (`part`
    "arr") or `values` ("values"), the other held fixed."""
    dtype = _float_dtype(t)
    if part == "arr":
        return np.append(np.asarray(t, dtype), np.zeros(np.shape(values), dtype), axis)
    return np.append(np.zeros(np.shape(arr), dtype), np.asarray(t, dtype), axis)


# -- differences ---------------------------------------------------------------------------

def _diff_pieces(a, axis, prepend, append):
    """The lengths along `axis` of prepend, a and append in the array np.diff differences
    (a number is a slice of length 1; None: not given)."""
    ndim = np.ndim(a)
    axis = _axis(axis, ndim)

    def length(v):
        return 0 if v is None else 1 if np.ndim(v) == 0 else np.shape(v)[axis]
    return axis, length(prepend), np.shape(a)[axis], length(append)


def diff_vjp(g, a, n=1, axis=-1, prepend=None, append=None, part="a"):
    """The cotangent of `a`, `prepend` or `append` (`part`) in ``np.diff(a, n, axis, prepend,
    append)``: the n-th difference's adjoint, (-1)^n times the n-th difference of g padded
    with n zeros on both sides, cut into the pieces that were joined."""
    axis, before, middle, _ = _diff_pieces(a, axis, prepend, append)
    pad = [(0, 0)] * np.ndim(g)
    pad[axis] = (n, n)
    full = np.diff(np.pad(np.asarray(g), pad), n, axis=axis) * (-1.0) ** n
    start, stop = {"prepend": (0, before), "a": (before, before + middle),
                   "append": (before + middle, None)}[part]
    piece = full[(slice(None),) * axis + (slice(start, stop),)]
    like = {"a": a, "prepend": prepend, "append": append}[part]
    if np.ndim(like) == 0:
        return np.sum(piece).astype(piece.dtype)
    return piece


def diff_jvp(t, a, n=1, axis=-1, prepend=None, append=None, part="a"):
    """The tangent of ``np.diff(a, n, axis, prepend, append)`` along a tangent `t` of `a`,
    `prepend` or `append` (`part`), the others held fixed."""
    dtype = _float_dtype(t)
    pieces = {"a": a, "prepend": prepend, "append": append}
    pieces = {name: None if value is None else np.zeros(np.shape(value), dtype)
              for name, value in pieces.items()}
    pieces[part] = np.asarray(t, dtype)
    joined = {k: v for k, v in (("prepend", pieces["prepend"]), ("append", pieces["append"]))
              if v is not None}
    return np.diff(pieces["a"], n, axis=axis, **joined)
