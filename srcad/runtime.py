"""Helpers that generated code calls. Each one has derivative rules, so generated
code can itself be differentiated again (see rules/runtime_rules.py)."""
import functools
import sys

import numpy as np

from . import arrays
from .dynamic import Fields
from .errors import InputError, NotScalarOutput, UnsupportedSyntax
from .objects import is_object, zero_fields


_PY_SCALARS = (float, int)
_NUMPY_SCALARS = frozenset({np.float64, np.float32, np.float16, np.longdouble, np.complex128, np.complex64})


class SavedShape:
    """What the tape keeps of a value whose adjoint needs only its shape (the value that
    ``unbroadcast`` or ``expand_reduced`` sums or broadcasts to, or ``zeros_like`` copies
    the shape and dtype of): a loop then holds one small tuple per iteration instead of an
    array."""
    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape, self.dtype = shape, dtype

    def __repr__(self):
        return f"SavedShape({self.shape}, {self.dtype})"


def shape_of(x):
    """`x` as the tape saves it when the adjoint reads only its shape: a NumPy array as its
    shape and dtype, anything else as it is (a scalar is as small as its shape, and an
    array of another type keeps its type for ``zeros_like``)."""
    if type(x) is np.ndarray:
        return SavedShape(x.shape, x.dtype)
    return x


def _shape(x):
    return x.shape if type(x) is SavedShape else np.shape(x)


def unbroadcast(g, x):
    """Sum `g` over the axes that broadcasting added to or stretched in `x`."""
    kind = type(g)
    if kind is float or kind in _NUMPY_SCALARS and type(x) is kind:
        return g          # a Python float, or two NumPy scalars: nothing was broadcast
    g_shape = getattr(g, "shape", None)
    if g_shape is not None and g_shape == getattr(x, "shape", None):
        return g          # same shape (NumPy scalars too): the common case, kept cheap
    if type(x) in _PY_SCALARS:
        return g if type(g) in _PY_SCALARS or np.ndim(g) == 0 else np.sum(g)
    if isinstance(x, (list, tuple)) and _list_cotangent(g, x):
        return g
    x_shape = _shape(x)
    g_shape = np.shape(g)
    if g_shape == x_shape:
        return g
    xp = np if type(g) is np.ndarray else arrays.namespace(g)
    extra = len(g_shape) - len(x_shape)
    if extra > 0:
        g = xp.sum(g, axis=tuple(range(extra)))
    elif extra:           # ``h[0] = v`` with v of shape (1, 3): NumPy drops v's leading 1s
        g = xp.reshape(g, (1,) * -extra + g_shape)
    stretched = tuple(i for i, n in enumerate(x_shape) if n == 1 and np.shape(g)[i] != 1)
    if stretched:
        g = xp.sum(g, axis=stretched, keepdims=True)
    return g


def _list_cotangent(g, x):
    """Whether `g` is already the cotangent of the list `x`, item by item (else it must be
    one of an array that `x` broadcasts to). A list `x` that grew into `g` was concatenated
    or repeated: an error, never a silently wrong sum."""
    if isinstance(g, (list, tuple)):
        if len(g) != len(x):
            raise _list_arithmetic(f"a list of {len(x)} items became one of {len(g)}")
        return True
    try:
        fits = np.broadcast_shapes(np.shape(x), np.shape(g)) == np.shape(g)
    except ValueError:
        fits = False
    if not fits:
        raise _list_arithmetic(f"a list of shape {np.shape(x)} became shape {np.shape(g)}")
    return False


def broadcast_as(t, ans):
    """Broadcast tangent `t` to the shape of `ans` (a no-op when they already agree)."""
    if type(ans) in _PY_SCALARS:
        return t
    t_shape = getattr(t, "shape", None)
    if t_shape is not None and t_shape == getattr(ans, "shape", None):
        return t
    if isinstance(ans, (list, tuple)):
        raise _list_arithmetic("`+` or `*` made a list here")
    if isinstance(t, (list, tuple)):
        t = np.asarray(t)   # the tangent of a list that NumPy read as an array
    shape = np.shape(ans)
    if np.shape(t) == shape:
        return t
    numpy = type(t) in arrays.NUMPY_TYPES and type(ans) in arrays.NUMPY_TYPES
    xp = np if numpy else arrays.namespace(t, ans)
    if np.ndim(t) > len(shape):   # a (1, 3) value in a (3,) slot: its leading 1s go
        t = xp.reshape(t, np.shape(t)[np.ndim(t) - len(shape):])
    if not numpy and arrays.foreign(t) is None:
        return arrays.broadcast_like(t, shape, ans)   # a number or NumPy array to ans's type
    return xp.broadcast_to(t, shape)


def zeros_like(x):
    """A zero of the same shape and dtype as `x`; a plain 0.0 for Python scalars; a list
    (dict) of zeros for a tuple or list (dict) of values."""
    if type(x) is float or type(x) is int:
        return 0.0
    if type(x) is np.ndarray or type(x) is SavedShape:
        return np.zeros(x.shape, x.dtype)   # np.zeros_like costs 1 µs more
    if x is None:  # a variable not yet assigned (the tape saves it before a loop)
        return None
    if is_object(x) and not isinstance(x, tuple):
        return zero_fields(x, zeros_like)
    if isinstance(x, (list, tuple)):
        return Cotangents(zeros_like(v) for v in x)
    if isinstance(x, dict):   # a Fields, so that derivatives add with + and +=
        return Fields((k, zeros_like(v)) for k, v in x.items())
    return arrays.namespace(x).zeros_like(x)


class Cotangents(list):
    """The derivative of a tuple or list: ``+`` and ``+=`` add item by item (not concatenate),
    so ``t_bar[1] += g`` works when item 1 is itself a tuple; a slice is a `Cotangents`
    too, so ``t_bar[1:] += g`` adds into items 1, 2, ... Added to an array (the derivative
    of the same list read as an array by NumPy), the result is an array."""

    def __getitem__(self, index):
        items = list.__getitem__(self, index)
        return Cotangents(items) if isinstance(index, slice) else items

    def copy(self):
        return Cotangents(self)

    def __add__(self, other):
        if isinstance(other, np.ndarray):
            return np.asarray(self) + other
        return Cotangents(add_each(a, b) for a, b in _pairs(self, other))

    def __radd__(self, other):
        if isinstance(other, np.ndarray):
            return other + np.asarray(self)
        return Cotangents(add_each(a, b) for a, b in _pairs(other, self))

    def __iadd__(self, other):
        if isinstance(other, np.ndarray):
            return np.asarray(self) + other
        for i, value in _pairs(range(len(self)), other):
            self[i] = add_each(self[i], value) if isinstance(self[i], (list, tuple, dict)) \
                or self[i] is None or value is None else _iadd(self[i], value)
        return self


def _pairs(a, b):
    """``zip(a, b)`` of two derivatives of one list, which must have its length."""
    if len(a) != len(b):
        raise _list_arithmetic(f"derivatives of {len(a)} and {len(b)} items met")
    return zip(a, b)


def _list_arithmetic(what):
    """The error for a list that `+` concatenated or `*` repeated where srcad took the
    operation for arithmetic (it cannot see that an argument is a list)."""
    return UnsupportedSyntax(
        f"`+` or `*` on a list that srcad took for arithmetic ({what})", _user_line(),
        "srcad differentiates `+` and `*` on lists as concatenation and repetition when it "
        "can see the operands are lists (a list or tuple display, list(...), tuple(...), or "
        "a slice or concatenation of one); write list(a) + list(b) or list(a) * n, or "
        "np.asarray(...) for arithmetic.")


def _user_line():
    """The user's file:line that the generated statement running now came from."""
    from .loader import ORIGIN_MARK, origin_of
    frame = sys._getframe(1)
    while frame is not None:
        origin = origin_of(frame.f_code.co_filename, frame.f_lineno)
        if origin is not None:
            return origin.rpartition(ORIGIN_MARK)[2].rstrip(")")
        frame = frame.f_back
    return "derivative code srcad generated"


def _iadd(a, b):
    a += b
    return a


def add_each(a, b):
    """``a + b`` for derivative values; tuples, lists and dicts add element by element;
    None (the value of a variable not yet assigned) counts as zero."""
    if a is None or b is None:
        return b if a is None else a
    if isinstance(a, Fields) or isinstance(b, Fields):
        return a + b if isinstance(a, Fields) else b + a
    if isinstance(a, (list, tuple)):
        if isinstance(b, np.ndarray):
            return np.asarray(a) + b
        return Cotangents(add_each(x, y) for x, y in _pairs(a, b))
    if isinstance(a, dict):
        return {k: add_each(a[k], b[k]) for k in a}
    total = a + b
    if isinstance(a, np.ndarray) and isinstance(total, np.ndarray) and total.dtype != a.dtype:
        total = total.astype(a.dtype)  # as ``a += b`` would: the derivative keeps a's dtype
    return total


def unrepeated(g, x):
    """The cotangent of the list `x` in ``x * n``: the sum of the n slices of `g`, len(x)
    items each."""
    size = len(x)
    total = g[:size]
    for start in range(size, len(g), size or 1):
        total = add_each(total, g[start:start + size])
    return total


def repeated_like(g, like):
    """`g`, a list, repeated to the length of `like` (the adjoint of `unrepeated`)."""
    return list(g) * (len(like) // len(g)) if len(g) else list(g)


def copy_of(x):
    """A copy that later in-place writes cannot reach (lists and dicts copied deeply)."""
    if isinstance(x, (list, tuple)):
        return Cotangents(copy_of(v) for v in x) if isinstance(x, Cotangents) else [copy_of(v) for v in x]
    if isinstance(x, dict):
        return type(x)((k, copy_of(v)) for k, v in x.items())
    if isinstance(x, np.ndarray | np.generic):
        return x.copy()
    return arrays.copy(x) if arrays.foreign(x) is not None else x


def owned_items(x, axis=0):
    """A copy of the cotangent `x` of a list that the adjoint may pop from and write into:
    a list, one item per item, even when NumPy read the list as an array (``np.sum(xs)``)
    and gave its cotangent as one (items along `axis`: 1 when `x` carries directions)."""
    if arrays.is_array(x) and np.ndim(x) > axis:
        before = (slice(None),) * axis
        return Cotangents(copy_of(x[before + (i,)]) for i in range(np.shape(x)[axis]))
    return copy_of(x)


def items_like(g, value, axis=0):
    """The cotangent of `owned_items`'s argument `value`: the items `g`, stacked back into
    one array along `axis` when `value` was an array."""
    if arrays.is_array(value) and np.ndim(value) >= 1 and isinstance(g, (list, tuple)):
        return arrays.namespace(value).stack([arrays.asarray_like(item, value) for item in g], axis=axis)
    return g


def seed_cotangent(y, function_name):
    """The cotangent 1 that starts reverse mode; `grad` needs a scalar output."""
    if type(y) is float:
        return 1.0
    if isinstance(y, np.generic) and isinstance(y, np.floating):
        return type(y)(1)   # a NumPy scalar: 1 of its own dtype, cheaply
    kind = _dtype_kind(getattr(y, "dtype", None))
    if kind is None and not isinstance(y, (int, float)) or kind not in (None, "f", "i", "u", "b"):
        what = f"dtype {y.dtype}" if kind is not None else type(y).__name__
        raise NotScalarOutput(
            f"{_caller_origin()}srcad.grad needs {function_name} to return a real number, but it returned a "
            f"value of {what} ({y!r:.60}). Return the scalar to differentiate (for several "
            "outputs, use srcad.vjp or srcad.jacobian).")
    if np.ndim(y) != 0:
        if arrays.size_of(np.shape(y)) == 1:    # a (1, 1) product: as PyTorch's backward() does
            raise SizeOneOutput(y)
        raise NotScalarOutput(
            f"{_caller_origin()}srcad.grad needs {function_name} to return a scalar, but it returned shape "
            f"{np.shape(y)}. Use srcad.vjp to pull back a cotangent of that shape "
            "(PyTorch's y.backward(gradient=v)), or srcad.jvp for forward mode."
        )
    if isinstance(y, np.generic | np.ndarray):
        return np.ones_like(y)[()]
    return arrays.namespace(y).ones_like(y) if arrays.foreign(y) is not None else 1.0


def _dtype_kind(dtype):
    """NumPy's kind letter of `dtype` (also of another library's dtype), or None."""
    if dtype is None:
        return None
    kind = getattr(dtype, "kind", None)
    if kind is None:
        try:
            kind = np.dtype(str(dtype).rpartition(".")[2]).kind
        except TypeError:
            return None
    return kind


def _caller_origin():
    """``file:line: `` of the user's function whose generated code called the helper that
    calls this (empty outside generated code)."""
    from .loader import function_origin
    where = function_origin(sys._getframe(2).f_code.co_filename)
    return f"{where}: " if where else ""


class SizeOneOutput(NotScalarOutput):
    """Raised by `seed_cotangent` for an output of size 1 that is not 0-d: the gradient
    function catches it and pulls back a cotangent of ones of that shape instead."""

    def __init__(self, value):
        super().__init__(f"an output of shape {np.shape(value)}")
        self.value = value


def grad_of_size_one(generated, *args, **kwargs):
    """The gradient (or value and gradient) of a function whose output has one element but
    is not 0-d, as the VJP with a cotangent of ones."""
    from .cache import derivative
    from .arity import split_arity, with_arity
    function, mode, wrt, _, as_tuple = generated.__srcad_origin__
    mode, arity = split_arity(mode)
    value = function(*args, **kwargs)
    pullback = derivative(function, with_arity("vjp", arity), wrt, as_tuple, generated.__srcad_options__)
    _, gradient = pullback(*args, np.ones_like(value), **kwargs)
    return gradient if mode == "grad" else (value, gradient)


def rederive(generated, *args, **kwargs):
    """Called by generated code whose names no longer refer to the objects it was derived
    for (``cfg.act = np.sinh`` after a gradient through ``np.sin``): derive the function
    again for what its names refer to now, and call that."""
    from .cache import derivative
    function, mode, wrt, part, as_tuple = generated.__srcad_origin__
    fresh = derivative(function, mode, wrt, as_tuple, generated.__srcad_options__)
    return (fresh[part] if isinstance(fresh, tuple) else fresh)(*args, **kwargs)


SEQUENCE_TYPES = frozenset({list, tuple, dict})


def for_sequences(generated, *args, **kwargs):
    """Called by a derivative made for arrays and numbers when an argument is a list, tuple
    or dict: the derivative made for those arguments (which reads them as NumPy does where
    they meet NumPy functions, and as Python does elsewhere), called."""
    from dataclasses import replace
    from .cache import derivative
    function, mode, wrt, part, as_tuple = generated.__srcad_origin__
    options = generated.__srcad_options__
    lists = {i for i, a in enumerate(args) if type(a) in SEQUENCE_TYPES or is_object(a)}
    options = replace(options, sequence_args=tuple(sorted(lists | set(options.sequence_args))))
    fresh = derivative(function, mode, wrt, as_tuple, options)
    return (fresh[part] if isinstance(fresh, tuple) else fresh)(*args, **kwargs)


def bind_captured(function, **captured):
    """A nested function (or lambda) as a value: srcad lifts it to module level, with the
    variables it captures as keyword-only parameters; this binds them."""
    return functools.partial(function, **captured)


def check_input(x, position, name, entry):
    """Differentiated inputs must be real floating point (arrays, NumPy or Python floats,
    or lists, tuples and dicts of them); integers, booleans and complex numbers raise."""
    if isinstance(x, (list, tuple)):
        for item in x:
            check_input(item, position, name, entry)
        return
    if isinstance(x, dict):
        for item in x.values():
            check_input(item, position, name, entry)
        return
    dtype = getattr(x, "dtype", None)
    kind = _dtype_kind(dtype) if dtype is not None else (
        "b" if isinstance(x, bool) else "i" if isinstance(x, int) else
        "c" if isinstance(x, complex) else "f" if isinstance(x, float) else None)
    if kind in (None, "f"):
        return
    what = {"b": "boolean", "i": "integer", "u": "integer", "c": "complex"}.get(kind, f"{dtype}")
    fix = ("complex derivatives are not supported; differentiate the real and imaginary parts "
           "as separate real inputs" if kind == "c" else
           f"pass floats (e.g. `np.asarray({name}, dtype=float)` or `float({name})`), or leave "
           f"argument {position} out of `wrt`")
    raise InputError(f"{entry}: argument {position} (`{name}`) is {what} "
                     f"({type(x).__name__}{'' if dtype is None else ' of dtype ' + str(dtype)}), "
                     f"but srcad differentiates with respect to real floating-point values only, "
                     f"as JAX and PyTorch do: {fix}.")


def stop_gradient(x):
    """Return `x` unchanged; derivatives do not flow through it (torch's detach)."""
    return x


def expand_reduced(g, x, axis=None, keepdims=False):
    """Broadcast the cotangent of a reduction over `axis` back to the shape of `x`."""
    if type(x) is SavedShape or type(x) is np.ndarray or arrays.foreign(x, g) is None:
        if not keepdims and axis is not None:
            g = np.expand_dims(g, axis)
        return np.broadcast_to(g, _shape(x))
    shape = _shape(x)
    if not keepdims and axis is not None:
        xp = arrays.namespace(g)
        for a in sorted(a % len(shape) for a in ((axis,) if isinstance(axis, int) else axis)):
            g = xp.expand_dims(g, axis=a)
    return arrays.broadcast_like(g, shape, x)   # in x's type, chunked as x is


def invert_permutation(axes):
    """The axes that undo ``np.transpose(x, axes)`` (None stays None)."""
    if axes is None or axes == ():
        return None
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = axes[0]
    return tuple(int(i) for i in np.argsort([axis % len(axes) for axis in axes]))


def matmul_vjp_x(g, x, y):
    """Cotangent of `x` in ``x @ y`` (also ``np.dot`` for arrays of at most 2 dimensions)."""
    if type(x) is np.ndarray and type(y) is np.ndarray and x.ndim == 2 == y.ndim:
        return g @ y.T          # two matrices: the common case, kept cheap
    x_ndim, y_ndim = np.ndim(x), np.ndim(y)
    if x_ndim == 0 or y_ndim == 0:
        return unbroadcast(g * y, x)
    xp = arrays.namespace(g, x, y)
    if y_ndim == 1:
        return g * y if x_ndim == 1 else unbroadcast(g[..., None] * y, x)
    if x_ndim == 1:
        return unbroadcast(xp.matmul(y, g[..., None])[..., 0], x)
    return unbroadcast(xp.matmul(g, arrays.swap_last(y)), x)


def matmul_vjp_y(g, x, y):
    """Cotangent of `y` in ``x @ y``."""
    if type(x) is np.ndarray and type(y) is np.ndarray and x.ndim == 2 == y.ndim:
        return x.T @ g
    x_ndim, y_ndim = np.ndim(x), np.ndim(y)
    if x_ndim == 0 or y_ndim == 0:
        return unbroadcast(g * x, y)
    xp = arrays.namespace(g, x, y)
    if x_ndim == 1:
        return g * x if y_ndim == 1 else unbroadcast(x[..., None] * g[..., None, :], y)
    if y_ndim == 1:
        return unbroadcast(xp.matmul(g[..., None, :], x)[..., 0, :], y)
    return unbroadcast(xp.matmul(arrays.swap_last(x), g), y)


PURE_HELPERS = frozenset({"invert_permutation"})


def matmul_any(x, y):
    """``x @ y``, or ``x * y`` when either is a scalar (the products ``np.dot`` allows)."""
    if np.ndim(x) == 0 or np.ndim(y) == 0:
        return x * y
    return arrays.namespace(x, y).matmul(x, y)


def add_at(target, index, values):
    """``target[index] += values`` that accumulates repeated indices (``np.add.at``), in
    place; returns `target`. A list (the derivative of a list) or dict takes one index,
    slice or key: ``target[index] = target[index] + values``."""
    if isinstance(target, (list, dict)):
        target[index] = add_each(target[index], values)
        return target
    if type(target) is not np.ndarray and arrays.foreign(target) is not None:
        return arrays.scatter_add(target, index, values)   # Dask: a new graph, not a write
    np.add.at(target, index, values)
    return target


def scatter_add(like, index, values):
    """A zero array shaped like `like` with `values` added at `index` (repeats accumulate)."""
    if isinstance(like, (list, tuple, dict)):
        return add_at(zeros_like(like), index, values)
    result = np.zeros_like(like) if type(like) is np.ndarray else zeros_like(like)
    return add_at(result, index, values)


def dot_vjp_x(g, x, y):
    """Cotangent of `x` in ``np.dot(x, y)`` (which contracts x's last axis with y's second-to-last)."""
    if np.ndim(x) == 0 or np.ndim(y) <= 2:
        return matmul_vjp_x(g, x, y)
    x_free = np.ndim(x) - 1
    y_free = list(range(x_free, x_free + np.ndim(y) - 2)) + [np.ndim(g) - 1]
    return np.tensordot(g, y, axes=(y_free, list(range(np.ndim(y) - 2)) + [np.ndim(y) - 1]))


def dot_vjp_y(g, x, y):
    """Cotangent of `y` in ``np.dot(x, y)``."""
    if np.ndim(x) == 0 or np.ndim(y) <= 2:
        return matmul_vjp_y(g, x, y)
    x_free = np.ndim(x) - 1
    contracted = np.tensordot(x, g, axes=(list(range(x_free)), list(range(x_free))))
    return np.moveaxis(contracted, 0, -2)


# -- vector mode: derivative values carry a leading axis of directions ---------------------------

def batch_zeros(x, directions):
    """Zero derivatives of `x` for each of `directions` directions: shape (directions,) + x.shape."""
    if x is None:
        return None
    if is_object(x) and not isinstance(x, tuple):
        return zero_fields(x, lambda v: batch_zeros(v, directions))
    if isinstance(x, (list, tuple)):
        return Cotangents(batch_zeros(v, directions) for v in x)
    if isinstance(x, dict):
        return {k: batch_zeros(v, directions) for k, v in x.items()}
    if isinstance(x, np.ndarray | np.generic | SavedShape):
        return np.zeros((directions,) + _shape(x), dtype=x.dtype)
    if arrays.foreign(x) is not None:
        return arrays.zeros((directions,) + _shape(x), arrays.float_dtype(x), x)
    return np.zeros((directions,) + _shape(x), dtype=np.float64)


def batch_items(g, like):
    """The batched cotangent `g` of the array NumPy made of the list `like`, as the list's
    own cotangent: one batched cotangent per item."""
    if isinstance(like, (list, tuple)) and arrays.is_array(g):
        return Cotangents(g[:, i] for i in range(len(like)))
    return g


def directions_of(value):
    """How many directions a batched derivative value carries."""
    while isinstance(value, (list, tuple, dict)):
        value = next(iter(value.values())) if isinstance(value, dict) else value[0]
    return np.shape(value)[0]


def batch_align(t, x, ans):
    """Give the batched derivative `t` of `x` as many axes as `ans` has, so elementwise
    operations broadcast it against ``ans``-shaped values with the directions axis first."""
    missing = np.ndim(ans) - np.ndim(x)
    if missing == 0 or t is None:    # None: the zero derivative of a value not made yet
        return t
    t = _array(t)
    if missing < 0:       # ``h[0] = v`` with v of shape (1, 3): the slot has v's 1s dropped
        return _reshape(t, t.shape[:1] + t.shape[1 - missing:])
    return _reshape(t, t.shape[:1] + (1,) * missing + t.shape[1:])


def _array(t):
    """`t` as an array: itself if it is one (of any library), else a NumPy array."""
    return t if type(t) is np.ndarray or arrays.is_array(t) else np.asarray(t)


def _reshape(t, shape):
    return t.reshape(shape) if type(t) is np.ndarray else arrays.namespace(t).reshape(t, shape)


def unbroadcast_batch(g, x):
    """`unbroadcast` of each direction: sum (directions,) + ans.shape down to (directions,) + x.shape."""
    g = _array(g)
    x_shape = _shape(x)
    extra = g.ndim - 1 - len(x_shape)
    if extra > 0:
        g = arrays.namespace(g).sum(g, axis=tuple(range(1, 1 + extra)))
    elif extra:
        g = _reshape(g, g.shape[:1] + (1,) * -extra + g.shape[1:])
    stretched = tuple(i + 1 for i, n in enumerate(x_shape) if n == 1 and g.shape[i + 1] != 1)
    if stretched:
        g = arrays.namespace(g).sum(g, axis=stretched, keepdims=True)
    return g


def broadcast_as_batch(t, ans):
    """`broadcast_as` of each direction: (directions,) + x.shape -> (directions,) + ans.shape."""
    t = _array(t)
    missing = np.ndim(ans) - (t.ndim - 1)
    if missing > 0:
        t = _reshape(t, t.shape[:1] + (1,) * missing + t.shape[1:])
    return arrays.namespace(t).broadcast_to(t, t.shape[:1] + np.shape(ans))


def expand_reduced_batch(g, x, axis=None, keepdims=False):
    """`expand_reduced` of each direction."""
    g = _array(g)
    x_shape = _shape(x)
    ndim = len(x_shape)
    if axis is None:
        g = _reshape(g, g.shape[:1] + (1,) * ndim) if not keepdims else g
    elif not keepdims:
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        for a in sorted(a % ndim for a in axes):
            g = arrays.namespace(g).expand_dims(g, axis=a + 1)
    return arrays.namespace(g).broadcast_to(g, g.shape[:1] + x_shape)


def _per_direction(helper):
    def batched(g, *args, **kwargs):
        return stack_directions([helper(one, *args, **kwargs) for one in g])
    batched.__name__ = f"{helper.__name__}_batch"
    batched.__qualname__ = batched.__name__
    batched.__doc__ = f"`{helper.__name__}` of each direction (its first argument carries them)."
    return batched


def matmul_vjp_x_batch(g, x, y):
    """`matmul_vjp_x` of each direction."""
    x_ndim, y_ndim = np.ndim(x), np.ndim(y)
    g = _array(g)
    xp = arrays.namespace(g, x, y)
    if x_ndim >= 2 and y_ndim >= 2:
        return unbroadcast_batch(xp.matmul(g, arrays.swap_last(y)), x)
    if x_ndim == 2 and y_ndim == 1:                 # (a, n) @ (n,): outer(g, y) per direction
        return g[:, :, None] * y
    if x_ndim == 1 and y_ndim == 2:                 # (n,) @ (n, m)
        return xp.matmul(g, arrays.swap_last(y))
    if x_ndim == 1 and y_ndim == 1:
        return g[:, None] * y
    return stack_directions([matmul_vjp_x(one, x, y) for one in g])


def matmul_vjp_y_batch(g, x, y):
    """`matmul_vjp_y` of each direction."""
    x_ndim, y_ndim = np.ndim(x), np.ndim(y)
    g = _array(g)
    xp = arrays.namespace(g, x, y)
    if x_ndim >= 2 and y_ndim >= 2:
        return unbroadcast_batch(xp.matmul(arrays.swap_last(x), g), y)
    if x_ndim == 2 and y_ndim == 1:                 # (a, n) @ (n,): g @ x per direction
        return xp.matmul(g, x)
    if x_ndim == 1 and y_ndim == 2:                 # (n,) @ (n, m): outer(x, g)
        return x[:, None] * g[:, None, :]
    if x_ndim == 1 and y_ndim == 1:
        return g[:, None] * x
    return stack_directions([matmul_vjp_y(one, x, y) for one in g])


def direction_of(value, d):
    """Direction `d` of a batched derivative value (lists and tuples item by item)."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return Cotangents(direction_of(v, d) for v in value)
    if isinstance(value, dict):
        return type(value)((k, direction_of(v, d)) for k, v in value.items())
    if isinstance(value, (int, float)):   # a constant (`d_bar[k] = 0.0`): the same in every direction
        return value
    return value[d]


def stack_directions(values):
    """The inverse of `direction_of`: one batched value from a list of per-direction values."""
    first = values[0]
    if first is None:
        return None
    if isinstance(first, (list, tuple)):
        return Cotangents(stack_directions([v[i] for v in values]) for i in range(len(first)))
    if isinstance(first, dict):
        return type(first)((k, stack_directions([v[k] for v in values])) for k in first)
    if type(first) is np.ndarray or arrays.foreign(*values) is None:
        return np.stack([np.asarray(v) for v in values])
    like = arrays.foreign(*values)
    return arrays.namespace(like).stack([arrays.asarray_like(v, like) for v in values])


def reshape_batch(t, like, order="C"):
    """Each direction of `t` reshaped to the shape of `like`."""
    t = _array(t)
    if order != "C":
        return np.stack([np.reshape(one, np.shape(like), order=order) for one in t])
    return t.reshape(t.shape[:1] + np.shape(like))


def transpose_batch(t, axes=None):
    """Each direction of `t` transposed (``axes`` of one direction, or None to reverse)."""
    t = _array(t)
    if axes is None or axes == ():
        order = tuple(range(t.ndim - 1, 0, -1))
    else:
        if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
            axes = axes[0]
        order = tuple(a % (t.ndim - 1) + 1 for a in axes)
    return np.transpose(t, (0,) + order)


def reduce_batch(reduction, t, x, axis=None, keepdims=False):
    """`reduction` (np.sum, np.mean) of each direction over `axis` of one direction."""
    ndim = np.ndim(x)
    if axis is None:
        axes = tuple(range(1, ndim + 1))
    else:
        axes = tuple(a % ndim + 1 for a in ((axis,) if isinstance(axis, int) else axis))
    return reduction(t, axis=axes, keepdims=keepdims)


def matmul_jvp_x_batch(t, x, y):
    """``x_dot @ y`` for each direction of the tangent `t` of `x`."""
    t = _array(t)
    x_ndim, y_ndim = np.ndim(x), np.ndim(y)
    if x_ndim == 1:
        product = np.matmul(t, y)   # t is (directions, n): a matrix whose rows are directions
        return product if y_ndim <= 2 else np.moveaxis(product, -2, 0)
    if y_ndim > x_ndim:             # y has more batch axes: put the directions in front of them
        t = t.reshape(t.shape[:1] + (1,) * (y_ndim - x_ndim) + t.shape[1:])
    return np.matmul(t, y)


def matmul_jvp_y_batch(x, t, y):
    """``x @ y_dot`` for each direction of the tangent `t` of `y`."""
    t = _array(t)
    x_ndim, y_ndim = np.ndim(x), np.ndim(y)
    if y_ndim == 1:
        return np.moveaxis(np.matmul(x, t.T), -1, 0)
    if x_ndim > y_ndim:
        t = t.reshape(t.shape[:1] + (1,) * (x_ndim - y_ndim) + t.shape[1:])
    return np.matmul(x, t)
