"""A stand-in for CuPy's arrays: it computes with NumPy underneath but follows CuPy's rules,
so a test catches any NumPy leak in srcad without a GPU.

Like CuPy, `StrictArray` implements NumPy's dispatch protocols (``__array_ufunc__``,
``__array_function__``): ``np.sin(a)`` and ``np.sum(a)`` return StrictArrays. Like CuPy, it
refuses implicit conversion (``np.asarray(a)`` raises) and NumPy-array operands
(``a + np.ones(3)`` raises): NumPy arrays live on the host, CuPy's on the device. Unlike
CuPy, it also refuses ``bool(a)`` and ``float(a)``, as a lazy (Dask) array would make them
compute: srcad must not branch on the data.
"""
import numpy as np


class NumPyLeak(TypeError):
    """A NumPy array met a StrictArray (or was asked to become one implicitly)."""


def _unwrap(value):
    if isinstance(value, StrictArray):
        return value.data
    if isinstance(value, np.ndarray):
        raise NumPyLeak(f"a NumPy array of shape {value.shape} met a StrictArray")
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap(v) for k, v in value.items()}
    return value


def _index(index):
    """An index, unwrapped; NumPy integer and boolean arrays are allowed in it, as CuPy
    moves them to the device."""
    if isinstance(index, np.ndarray):
        return index
    if isinstance(index, tuple):
        return tuple(_index(i) for i in index)
    return _unwrap(index)


# explicit conversions from the host, which CuPy allows (cupy.asarray(numpy_array))
_CONSTRUCTORS = {np.asarray, np.array, np.asanyarray, np.ascontiguousarray}


def _wrap(value):
    if isinstance(value, np.ndarray):
        return StrictArray(value)
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


class StrictArray(np.lib.mixins.NDArrayOperatorsMixin):
    """An array that keeps its data to itself (see the module docstring)."""

    __slots__ = ("data",)

    def __init__(self, data):
        self.data = np.asarray(data)

    # -- NumPy's protocols, as CuPy implements them -----------------------------------
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if "out" in kwargs:
            kwargs["out"] = _unwrap(kwargs["out"])
        if method == "at":   # np.add.at(a, index, values): CuPy's scatter-add
            target, index, *values = inputs
            ufunc.at(_unwrap(target), _index(index), *_unwrap(values))
            return None
        result = getattr(ufunc, method)(*_unwrap(inputs), **kwargs)
        return _wrap(np.asarray(result) if isinstance(result, np.generic) else result)

    def __array_function__(self, func, types, args, kwargs):
        if not all(issubclass(t, (StrictArray, np.ndarray)) for t in types):
            return NotImplemented
        if func in _CONSTRUCTORS:
            return StrictArray(func(*[_index(a) for a in args], **_unwrap(kwargs)))
        result = func(*_unwrap(args), **_unwrap(kwargs))
        return _wrap(np.asarray(result) if isinstance(result, np.generic) else result)

    def __array__(self, dtype=None, copy=None):
        raise NumPyLeak("implicit conversion of a StrictArray to a NumPy array")

    def __bool__(self):
        raise NumPyLeak("bool() of a StrictArray: a branch on the data")

    def __float__(self):
        raise NumPyLeak("float() of a StrictArray: the data read on the host")

    def __len__(self):
        return len(self.data)

    def __iter__(self):
        return (StrictArray(row) for row in self.data)

    # -- the ndarray attributes CuPy's arrays have ------------------------------------
    shape = property(lambda self: self.data.shape)
    ndim = property(lambda self: self.data.ndim)
    size = property(lambda self: self.data.size)
    dtype = property(lambda self: self.data.dtype)
    T = property(lambda self: StrictArray(self.data.T))

    def __getitem__(self, index):
        return StrictArray(self.data[_index(index)])

    def __setitem__(self, index, value):
        self.data[_index(index)] = _unwrap(value)

    def copy(self):
        return StrictArray(self.data.copy())

    def reshape(self, *shape, **kwargs):
        return StrictArray(self.data.reshape(*shape, **kwargs))

    def astype(self, dtype, copy=True):
        return StrictArray(self.data.astype(dtype, copy=copy))

    def _reduction(name):
        function = getattr(np, name)

        def method(self, *args, **kwargs):
            return function(self, *args, **kwargs)
        method.__name__ = name
        return method

    sum, mean, prod, max, min, var, std = map(_reduction, ("sum", "mean", "prod", "max", "min",
                                                          "var", "std"))

    def get(self):
        """The data on the host, as a NumPy array (CuPy's explicit transfer)."""
        return self.data.copy()

    def __repr__(self):
        return f"StrictArray({self.data!r})"


def strict(value):
    """`value` (a NumPy array or number) as a StrictArray."""
    return StrictArray(np.asarray(value, dtype=float))
