"""The helpers of fused loops (compiled/fusion.py), as Python runs them.

numba compiles its own versions (compiled/numba_fusion.py); these are what you get calling
them yourself, e.g. in a debugger. A value is an *array* here when it is a NumPy array of
at least one dimension; scalars and 0-d arrays are read whole by every element.
"""
import numpy as np


def _arrays(values):
    return [v for v in values if isinstance(v, np.ndarray) and v.ndim > 0]


def same_shape(*values):
    """Whether the loop can run: some value is an array, and every array is a float64
    C-contiguous array of one shape."""
    arrays = _arrays(values)
    return bool(arrays) and all(a.dtype == np.float64 and a.flags.c_contiguous
                                and a.shape == arrays[0].shape for a in arrays)


def holds_array(*values):
    """Whether some value is an array (so a value computed from them is one)."""
    return bool(_arrays(values))


def size(*values):
    """The number of elements of the arrays among `values` (they have one shape)."""
    arrays = _arrays(values)
    return arrays[0].size if arrays else 0


def empty(*values):
    """A new float64 array of the arrays' shape, for a value computed from `values`."""
    arrays = _arrays(values)
    return np.empty(max(arrays, key=np.ndim).shape) if arrays else 0.0


def at(value, i):
    """Element `i` (in C order) of an array; a scalar or 0-d array is its own every element."""
    if isinstance(value, np.ndarray):
        return value.reshape(-1)[i] if value.ndim else value[()]
    return value


def owned(value, *values):
    """Where ``value += ...`` writes: `value` itself when it is an array (NumPy adds in
    place), else a new array as `empty` makes."""
    return value if isinstance(value, np.ndarray) and value.ndim else empty(*values)


def store(array, i, value):
    """``array``'s element `i` (in C order) = `value`; returns `array`. For a value computed
    from scalars only (`array` is a scalar too), returns `value`."""
    if isinstance(array, np.ndarray) and array.ndim:
        array.reshape(-1)[i] = value
        return array
    return value
