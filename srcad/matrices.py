"""Whole derivative matrices from the transformations: jacobian, hessian, hvp.

``jacobian(f)`` builds J (shape ``out.shape + arg.shape``, numerator layout, as JAX) from
JVPs (forward mode, one column per input direction) or VJPs (reverse mode, one row per
output direction); in *vector mode* all directions go through one sweep of generated code
with an extra leading axis. ``hessian`` and ``hvp`` are forward-over-reverse: the JVP
transform of the generated gradient code, nothing else.
"""
import warnings

import numpy as np

from . import arrays
from .api import _checkpointing, _normalize_wrt, _plain_function, bind_call, check_inputs, where
from .arity import arity_of, has_varargs, with_arity
from .cache import derivative as _derivative
from .compiled import usable
from .errors import InputError, SrcadError
from .objects import is_object
from .options import make as make_options

MODES = ("auto", "forward", "reverse")


def derivative(function, mode, indices, as_tuple, args=(), options=None):
    """The generated `mode` function (for a function with ``*args``: for as many values
    as `args` gives it)."""
    return _derivative(function, with_arity(mode, arity_of(function, len(args))), indices, as_tuple,
                       options)


def _options(compile, checkpoint=None, checkpoint_memory="256MB"):
    """The options of the code a matrix is built from (checkpointing: reverse mode only)."""
    return usable(make_options(compile=compile, **_checkpointing(checkpoint, checkpoint_memory)))


def _size(value):
    """The number of elements of `value`, from its shape (a lazy array is not computed)."""
    return arrays.size_of(np.shape(value))


def _as_array(value):
    return value if arrays.is_array(value) else np.asarray(value)


def _stack(values):
    """np.stack of arrays of one library, in that library."""
    return arrays.namespace(*values).stack([_as_array(v) for v in values])


def _basis(values):
    """One-hot directions over the concatenated elements of `values`: a list, per value, of
    arrays of shape (n,) + value.shape, where n is the total size."""
    sizes = [_size(v) for v in values]
    total = sum(sizes)
    directions, start = [], 0
    for value, size in zip(values, sizes):
        block = np.zeros((total, size), dtype=_dtype(value))
        block[start:start + size] = np.eye(size, dtype=block.dtype)
        block = block.reshape((total,) + np.shape(value))
        directions.append(block if arrays.foreign(value) is None else arrays.asarray_like(block, value))
        start += size
    return directions


def _dtype(value):
    """The dtype of derivatives of `value` (at least float32)."""
    return np.result_type(np.asarray(value), np.float32) if arrays.foreign(value) is None \
        else arrays.float_dtype(value)


def _split_columns(matrix, values, leading_shape):
    """Cut the last axis of `matrix` (..., n) into one block per value, reshaped."""
    blocks, start = [], 0
    for value in values:
        size = _size(value)
        block = matrix[..., start:start + size]
        blocks.append(block.reshape(leading_shape + np.shape(value)))
        start += size
    return blocks


def forward_jacobian(function, indices, args, vector=True, keywords=None, options=None):
    """d outputs / d args[indices] from JVPs: tuple (per output) of tuple (per wrt) blocks."""
    keywords = keywords or {}
    inputs = [args[i] for i in indices]
    directions = _basis(inputs)
    n = directions[0].shape[0]
    def one_sweep():
        tangent_function = derivative(function, "jvp_batch", indices, False, args, options)
        value, tangent = tangent_function(*args, *directions, **keywords)
        return value, [_as_array(t) for t in _as_tuple(tangent)]   # each (n,) + out.shape

    def one_per_direction():
        tangent_function = derivative(function, "jvp", indices, False, args, options)
        columns = [_as_tuple(tangent_function(*args, *[d[k] for d in directions], **keywords)[1])
                   for k in range(n)]
        value = function(*args, **keywords)
        return value, [_stack([c[o] for c in columns]) for o in range(len(columns[0]))]
    value, tangents = _vector_or_each(function, one_sweep, one_per_direction, vector)
    result = []
    for out, t in zip(_as_tuple(value), tangents):
        matrix = arrays.namespace(t).moveaxis(t.reshape((n, _size(out))), 0, -1)   # (m, n)
        result.append(tuple(_split_columns(matrix, inputs, np.shape(out))))
    return value, result


def reverse_jacobian(function, indices, args, vector=True, keywords=None, options=None):
    """d outputs / d args[indices] from VJPs, one output at a time."""
    keywords = keywords or {}
    value = function(*args, **keywords)
    outputs = _as_tuple(value)
    if isinstance(value, tuple):
        raise SrcadError(f"{where(function)}: jacobian(mode='reverse') of {function.__qualname__}, "
                         "which returns a tuple: use mode='forward', or one output at a time")
    out = outputs[0]
    m = _size(out)
    inputs = [args[i] for i in indices]
    seeds = np.eye(m, dtype=_dtype(out)).reshape((m,) + np.shape(out))
    if arrays.foreign(out) is not None:
        seeds = arrays.asarray_like(seeds, out)
    def one_sweep():
        pull = derivative(function, "vjp_batch", indices, True, args, options)
        return pull(*args, seeds, **keywords)[1]   # each (m,) + arg.shape

    def one_per_direction():
        pull = derivative(function, "vjp", indices, True, args, options)
        pulled = [pull(*args, seeds[k], **keywords)[1] for k in range(m)]
        return [_stack([p[j] for p in pulled]) for j in range(len(indices))]
    rows = _vector_or_each(function, one_sweep, one_per_direction, vector)
    blocks = tuple(_as_array(r).reshape(np.shape(out) + np.shape(a)) for r, a in zip(rows, inputs))
    return value, [blocks]


_FELL_BACK = set()   # functions whose vector mode failed once (warned)


def _vector_or_each(function, one_sweep, one_per_direction, vector):
    """The vector-mode sweep (one call for every direction); if its code fails on a value
    it was not made for (a case srcad's vector mode does not cover yet), one call per
    direction instead, with one warning per function: never a crash where the ordinary
    derivative works. srcad's own errors (no rule, unsupported syntax) are raised."""
    if not vector:
        return one_per_direction()
    try:
        return one_sweep()
    except SrcadError:
        raise
    except Exception as error:   # noqa: BLE001  (whatever the batched code raised)
        result = one_per_direction()   # raises if the function itself fails here
        if function not in _FELL_BACK:
            _FELL_BACK.add(function)
            warnings.warn(f"srcad: vector mode of {function.__qualname__} failed "
                          f"({type(error).__name__}: {str(error).splitlines()[0][:200]}); computed "
                          "one direction at a time instead (vector=False). Please report this.",
                          RuntimeWarning, stacklevel=4)
        return result


def arrays_only(function, arguments, indices, what):
    """Derivative matrices are taken with respect to arrays and numbers; a list, tuple or
    dict argument, or an object, in `wrt` raises srcad.InputError."""
    for i in indices:
        if isinstance(arguments[i], (list, tuple, dict)) or is_object(arguments[i]):
            kind = type(arguments[i]).__name__
            raise InputError(
                f"{where(function)}: {function.__qualname__}: srcad.{what} differentiates with respect to arrays and "
                f"numbers, but argument {i} is a {kind}; pass np.asarray(...) of it, or use "
                "srcad.grad / vjp / jvp, which take lists, tuples, dicts and objects")


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def choose_mode(function, indices, args, keywords=None):
    """Forward mode when the inputs are fewer than the outputs, else reverse mode."""
    n = sum(_size(args[i]) for i in indices)
    m = sum(_size(o) for o in _as_tuple(function(*args, **(keywords or {}))))
    return "forward" if n <= m else "reverse"


def jacobian(f, wrt=0, mode="auto", vector=True, sparse=False, sparsity=None, check=False,
             order=None, *, checkpoint=None, checkpoint_memory="256MB", compile=None):
    """``jacobian(f, wrt=0, mode="auto")(*args)``: J with shape ``out.shape + arg.shape``
    (a tuple of those for a tuple `wrt`; per output for a function returning a tuple).

    mode "forward" pushes every input direction through one vector-mode sweep of the JVP
    code (jacfwd), "reverse" pulls every output direction through one sweep of the VJP
    code (jacrev), "auto" picks forward when the inputs are fewer than the outputs.
    `vector=False` makes one JVP/VJP call per direction instead (to compare). `compile`:
    as for srcad.grad (the JVP or VJP code compiled with numba).

    `sparse=True` returns a ``scipy.sparse.csr_array`` of shape (output size, input size)
    from one sweep with a direction per color of its sparsity pattern (see docs/sparse.md):
    the pattern is detected (or `sparsity`, checked on one dense probe with `check=True`),
    colored by `order` ("largest_first" or "smallest_last"), and cached per input shape.
    `checkpoint`, `checkpoint_memory`: the reverse mode's loops, as for `srcad.grad`."""
    if sparse or sparsity is not None:
        from .sparse import SparseDerivative
        return SparseDerivative(f, wrt, "jacobian", mode, sparsity, check, order)
    if mode not in MODES:
        raise SrcadError(f"mode must be one of {MODES}, not {mode!r}")
    indices, as_tuple = _normalize_wrt(wrt)
    function = _plain_function(f)
    forward_options = _options(compile)
    reverse_options = _options(compile, checkpoint, checkpoint_memory)

    def jacobian_function(*args, **kwargs):
        arguments, keywords = bind_call(function, args, kwargs)
        check_inputs(function, arguments, indices)
        arrays_only(function, arguments, indices, "jacobian")
        chosen = choose_mode(function, indices, arguments, keywords) if mode == "auto" else mode
        if chosen == "forward":
            value, blocks = forward_jacobian(function, indices, arguments, vector, keywords, forward_options)
        else:
            value, blocks = reverse_jacobian(function, indices, arguments, vector, keywords, reverse_options)
        per_output = [b if as_tuple else b[0] for b in blocks]
        return tuple(per_output) if isinstance(value, tuple) else per_output[0]
    jacobian_function.__name__ = f"jacobian_of_{function.__name__}"
    return jacobian_function


def hessian(f, wrt=0, vector=True, sparse=False, sparsity=None, check=False, coloring="star",
            order=None, *, checkpoint=None, checkpoint_memory="256MB", compile=None):
    """``hessian(f, wrt=0)(*args)``: H with shape ``arg.shape + arg.shape``; for a tuple
    `wrt`, nested tuples ``H[i][j]`` of shape ``arg_i.shape + arg_j.shape``.

    Forward-over-reverse: the vector-mode JVP of srcad's generated gradient code (made with
    `checkpoint`, `checkpoint_memory` as for `srcad.grad`; `compile`: that JVP compiled
    with numba).
    `sparse=True`: a ``scipy.sparse.csr_array`` (n, n) from one such sweep with a direction
    per color of a star `coloring` of its pattern ("column": distance-2), see `jacobian`."""
    if sparse or sparsity is not None:
        from .sparse import SparseDerivative
        return SparseDerivative(f, wrt, "hessian", coloring, sparsity, check, order)
    indices, as_tuple = _normalize_wrt(wrt)
    function = _plain_function(f)
    gradient_options = _options(None, checkpoint, checkpoint_memory)
    options = _options(compile)
    gradient = None if has_varargs(function) else \
        derivative(function, "grad", indices, True, (), gradient_options)

    def hessian_function(*args, **kwargs):
        arguments, keywords = bind_call(function, args, kwargs)
        check_inputs(function, arguments, indices)
        arrays_only(function, arguments, indices, "hessian")
        gradient_code = gradient or derivative(function, "grad", indices, True, arguments, gradient_options)
        _, blocks = forward_jacobian(gradient_code, indices, arguments, vector, keywords, options)
        if as_tuple:
            return tuple(tuple(row) for row in blocks)
        return blocks[0][0]
    hessian_function.__name__ = f"hessian_of_{function.__name__}"
    return hessian_function


def hvp(f, wrt=0, *, checkpoint=None, checkpoint_memory="256MB", compile=None):
    """``hvp(f, wrt=0)(*args, v)``: the Hessian-vector product H·v, shaped like the
    argument (a tuple for a tuple `wrt`, with `v` a tuple), without forming H: one JVP of
    the generated gradient code (made with `checkpoint`, `checkpoint_memory` as for
    `srcad.grad`; `compile`: that JVP compiled with numba)."""
    indices, as_tuple = _normalize_wrt(wrt)
    function = _plain_function(f)
    gradient_options = _options(None, checkpoint, checkpoint_memory)
    options = _options(compile)
    tangent_of_gradient = None if has_varargs(function) else derivative(
        derivative(function, "grad", indices, True, (), gradient_options), "jvp", indices, False, (), options)

    def hvp_function(*args, **kwargs):
        *primal, v = args
        arguments, keywords = bind_call(function, primal, kwargs)
        check_inputs(function, arguments, indices)
        arrays_only(function, arguments, indices, "hvp")
        tangent_code = tangent_of_gradient or derivative(
            derivative(function, "grad", indices, True, arguments, gradient_options), "jvp", indices, False,
            (), options)
        vectors = v if as_tuple else (v,)
        _, products = tangent_code(*arguments, *vectors, **keywords)
        return tuple(products) if as_tuple else products[0]
    hvp_function.__name__ = f"hvp_of_{function.__name__}"
    return hvp_function
