"""The array type of a value, and the few operations srcad's helpers make in that type.

Generated code and helpers compute on the arguments' own array type. NumPy arrays, Python
numbers and arrays that implement NumPy's dispatch protocols (``__array_function__`` /
``__array_ufunc__``: Dask, CuPy) are computed on through `numpy`, whose functions hand
them to their own implementation. Any other array is computed on through its
``__array_namespace__()`` (the array API standard: array_api_strict, ...). Helpers call
`namespace` only off their NumPy fast paths. See docs/arrays.md.
"""
import math

import numpy as np

# the types that NumPy computes on directly (checked first, so NumPy stays on its fast path)
NUMPY_TYPES = frozenset({np.ndarray, float, int, bool, np.float64, np.float32, np.float16,
                    np.longdouble, np.int64, np.int32, np.bool_})


def is_numpy(x):
    """Whether `x` is a NumPy array or scalar, or a Python number."""
    return type(x) in NUMPY_TYPES or isinstance(x, (np.ndarray, np.generic, int, float, complex))


def is_array(x):
    """Whether `x` is an array of some library (not a number, list or None)."""
    kind = type(x)
    return kind is np.ndarray or hasattr(kind, "__array_function__") \
        or hasattr(kind, "__array_namespace__")


def _foreign(x):
    kind = type(x)
    if kind in NUMPY_TYPES or x is None:
        return False
    return not isinstance(x, (np.ndarray, np.generic, int, float, complex)) \
        and (hasattr(kind, "__array_function__") or hasattr(kind, "__array_namespace__"))


def namespace(*values):
    """The module to compute on `values` with: `numpy` unless one of them is an array that
    NumPy cannot dispatch (then its ``__array_namespace__()``)."""
    for value in values:
        if _foreign(value) and not hasattr(type(value), "__array_function__"):
            return value.__array_namespace__()
    return np


def foreign(*values):
    """The first of `values` that is an array of another library than NumPy, or None."""
    for value in values:
        if _foreign(value):
            return value
    return None


def float_dtype(*values):
    """The floating dtype that derivatives of `values` take (``np.result_type(*values, 1.0)``
    for NumPy; the first foreign array's dtype if floating, else its namespace's float64)."""
    array = foreign(*values)
    if array is None:
        return np.result_type(*[v for v in values if v is not None], 1.0)
    xp = namespace(array)
    dtype = array.dtype
    floating = xp.isdtype(dtype, "real floating") if hasattr(xp, "isdtype") and xp is not np \
        else np.issubdtype(dtype, np.floating)
    return dtype if floating else xp.float64


def as_float(value, *values):
    """`value` (weights, masks) in the floating dtype of `values`, in its own array type."""
    dtype = float_dtype(value, *values)
    if foreign(value, *values) is None:
        return np.asarray(value, dtype)
    if not _foreign(value):
        return asarray_like(value, foreign(*values), dtype)
    if value.dtype == dtype:
        return value
    xp = namespace(value)
    return value.astype(dtype) if xp is np else xp.astype(value, dtype)


def size_of(shape):
    """The number of elements of an array of `shape` (no data read: lazy arrays stay lazy)."""
    return math.prod(shape)


def asarray_like(value, like, dtype=None):
    """`value` (a number or an array) as an array of `like`'s type (on its device)."""
    xp = namespace(like)
    if xp is np:
        if is_numpy(like):
            return np.asarray(value, dtype)
        return np.asarray(value, dtype=dtype, like=like)
    return xp.asarray(value, dtype=dtype)


def broadcast_like(value, shape, like):
    """`value` broadcast to `shape` in the array type of `like`, chunked as `like` is when it
    is a chunked (Dask) array of that shape: each chunk of the result then meets the chunk
    of `like` it lines up with, and the whole array is never materialized."""
    xp = namespace(like, value)
    if not _foreign(value):
        value = asarray_like(value, like)
    result = xp.broadcast_to(value, shape)
    chunks = getattr(like, "chunks", None)
    if chunks is not None and getattr(result, "chunks", chunks) != chunks \
            and tuple(map(sum, chunks)) == tuple(shape):
        result = result.rechunk(chunks)
    return result


def zeros(shape, dtype, like):
    """Zeros of `shape` and `dtype` in the array type of `like`."""
    xp = namespace(like)
    if xp is np and not is_numpy(like):
        return np.zeros(shape, dtype, like=like)
    return xp.zeros(shape, dtype=dtype)


def swap_last(x):
    """`x` with its last two axes swapped (the matrix transpose of a stack)."""
    xp = namespace(x)
    return np.swapaxes(x, -1, -2) if xp is np else xp.matrix_transpose(x)


def copy(x):
    """A copy of the array `x` that in-place writes to `x` do not reach."""
    xp = namespace(x)
    if xp is np:
        method = getattr(x, "copy", None)
        return method() if method is not None else x
    return xp.asarray(x, copy=True)


def _is_basic(index):
    """Whether `index` selects without integer or boolean arrays (no element twice)."""
    items = index if isinstance(index, tuple) else (index,)
    return all(item is None or item is Ellipsis or isinstance(item, (int, slice, np.integer))
               for item in items)


def scatter_add(target, index, values):
    """``target[index] += values`` with repeated integer indices accumulating, for an array
    other than NumPy's; returns the result (`target` itself where it can be written to).

    A basic index (ints, slices) selects each element once: ``target[index] = target[index]
    + values`` is exact, and works for Dask (which records it in the graph). For integer
    arrays known on the host, the values of repeated indices are summed first (a small
    one-hot product), so that each element is written once."""
    if _is_basic(index):
        target[index] = target[index] + values
        return target
    items = index if isinstance(index, tuple) else (index,)
    arrays = [i for i, item in enumerate(items) if not _is_basic(item)]
    if len(arrays) != 1 or not is_numpy(items[arrays[0]]) and not isinstance(items[arrays[0]], list):
        np.add.at(target, index, values)   # CuPy implements ufunc.at; Dask raises here
        return target
    position = arrays[0]
    chosen = np.asarray(items[position])
    if chosen.dtype == bool:
        target[index] = target[index] + values
        return target
    unique, inverse = np.unique(chosen.ravel(), return_inverse=True)
    if unique.size == chosen.size:
        target[index] = target[index] + values
        return target
    combine = np.zeros((unique.size, chosen.size), dtype=getattr(values, "dtype", np.float64))
    combine[inverse, np.arange(chosen.size)] = 1
    summed = _combine_repeats(values, asarray_like(combine, target), chosen.shape, position, items)
    reduced = items[:position] + (unique,) + items[position + 1:]
    reduced = reduced if isinstance(index, tuple) else reduced[0]
    target[reduced] = target[reduced] + summed
    return target


def _combine_repeats(values, combine, index_shape, position, items):
    """`values` (as ``target[index]`` shaped them) with the entries of equal indices summed:
    the axes the integer array `index_shape` produced, at the position NumPy put them,
    contracted with the (unique, len(index)) matrix `combine`."""
    xp = namespace(values, combine)
    leading = sum(1 for item in items[:position] if isinstance(item, slice))
    ndim = len(index_shape)
    values = xp.reshape(values, values.shape[:leading] + (math.prod(index_shape),)
                        + values.shape[leading + ndim:])
    summed = xp.tensordot(combine, values, axes=([1], [leading]))
    return xp.moveaxis(summed, 0, leading)
