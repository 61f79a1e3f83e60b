"""numba's versions of the helpers of fused loops (srcad/fused.py), decided on the types
numba infers: a scalar or 0-d array is read whole, an array element by element."""
import numba
import numpy as np
from numba import types
from numba.extending import overload

from .. import fused


def _is_array(t):
    return isinstance(t, types.Array) and t.ndim > 0


def _arrays(values):
    return [k for k, t in enumerate(values) if _is_array(t)]


def _function(text, name="impl", **names):
    scope = dict(names, np=np)
    exec(text, scope)
    return scope[name]


@overload(fused.same_shape)
def _same_shape(*values):
    arrays = _arrays(values)
    if not arrays or any(values[k].dtype != types.float64 or values[k].ndim != values[arrays[0]].ndim
                         for k in arrays):
        return lambda *values: False
    first = arrays[0]
    tests = [f"values[{k}].flags.c_contiguous" for k in arrays] + \
        [f"values[{k}].shape == values[{first}].shape" for k in arrays[1:]]
    return _function("def impl(*values):\n    return " + " and ".join(tests))


@overload(fused.holds_array)
def _holds_array(*values):
    answer = bool(_arrays(values))
    return lambda *values: answer


@overload(fused.size)
def _size(*values):
    arrays = _arrays(values)
    if not arrays:
        return lambda *values: 0
    return _function(f"def impl(*values):\n    return values[{arrays[0]}].size")


@overload(fused.empty)
def _empty(*values):
    arrays = _arrays(values)
    if not arrays:
        return lambda *values: 0.0
    widest = max(arrays, key=lambda k: values[k].ndim)
    return _function(f"def impl(*values):\n    return np.empty(values[{widest}].shape)")


@overload(fused.at, inline="always")
def _at(value, i):
    if _is_array(value):
        if value.ndim == 1:
            return lambda value, i: value[i]
        if value.layout == "C":
            return lambda value, i: value.flat[i]
        return lambda value, i: value.ravel()[i]   # never runs: same_shape refuses such arrays
    if isinstance(value, types.Array):
        return lambda value, i: value[()]
    return lambda value, i: value


@overload(fused.owned)
def _owned(value, *values):
    if _is_array(value):
        return lambda value, *values: value
    return lambda value, *values: fused.empty(*values)


@overload(fused.store, inline="always")
def _store(array, i, value):
    if _is_array(array) and array.ndim == 1:
        def impl(array, i, value):
            array[i] = value
            return array
        return impl
    if _is_array(array) and array.layout == "C":
        def impl(array, i, value):
            array.flat[i] = value
            return array
        return impl
    if _is_array(array):
        return lambda array, i, value: array   # never runs: same_shape refuses such arrays
    return lambda array, i, value: value
