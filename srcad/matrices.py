"""Whole derivative matrices from the transformations: jacobian, hessian, hvp.

``jacobian(f)`` builds J (shape ``out.shape + arg.shape``, numerator layout, as JAX) from
JVPs (forward mode, one column per input direction) or VJPs (reverse mode, one row per
output direction); in *vector mode* all directions go through one sweep of generated code
with an extra leading axis. ``hessian`` and ``hvp`` are forward-over-reverse: the JVP
transform of the generated gradient code, nothing else.
"""
import numpy as np

from .api import _normalize_wrt, _plain_function, bind_call, check_inputs, where
from .arity import arity_of, has_varargs, with_arity
from .cache import derivative as _derivative
from .errors import InputError, SrcadError

MODES = ("auto", "forward", "reverse")


def derivative(function, mode, indices, as_tuple, args=()):
    """The generated `mode` function (for a function with ``*args``: for as many values
    as `args` gives it)."""
    return _derivative(function, with_arity(mode, arity_of(function, len(args))), indices, as_tuple)


def _basis(values):
    """One-hot directions over the concatenated elements of `values`: a list, per value, of
    arrays of shape (n,) + value.shape, where n is the total size."""
    sizes = [int(np.size(v)) for v in values]
    total = sum(sizes)
    directions, start = [], 0
    for value, size in zip(values, sizes):
        block = np.zeros((total, size), dtype=np.result_type(value, np.float32))
        block[start:start + size] = np.eye(size, dtype=block.dtype)
        directions.append(block.reshape((total,) + np.shape(value)))
        start += size
    return directions


def _split_columns(matrix, values, leading_shape):
    """Cut the last axis of `matrix` (..., n) into one block per value, reshaped."""
    blocks, start = [], 0
    for value in values:
        size = int(np.size(value))
        block = matrix[..., start:start + size]
        blocks.append(block.reshape(leading_shape + np.shape(value)))
        start += size
    return blocks


def forward_jacobian(function, indices, args, vector=True, keywords=None):
    """d outputs / d args[indices] from JVPs: tuple (per output) of tuple (per wrt) blocks."""
    keywords = keywords or {}
    inputs = [args[i] for i in indices]
    directions = _basis(inputs)
    n = directions[0].shape[0]
    if vector:
        tangent_function = derivative(function, "jvp_batch", indices, False, args)
        value, tangent = tangent_function(*args, *directions, **keywords)
        tangents = [np.asarray(t) for t in _as_tuple(tangent)]   # each (n,) + out.shape
    else:
        tangent_function = derivative(function, "jvp", indices, False, args)
        columns = [_as_tuple(tangent_function(*args, *[d[k] for d in directions], **keywords)[1])
                   for k in range(n)]
        value = function(*args, **keywords)
        tangents = [np.stack([np.asarray(c[o]) for c in columns]) for o in range(len(columns[0]))]
    result = []
    for out, t in zip(_as_tuple(value), tangents):
        matrix = np.moveaxis(t.reshape((n, int(np.size(out)))), 0, -1)   # (m, n)
        result.append(tuple(_split_columns(matrix, inputs, np.shape(out))))
    return value, result


def reverse_jacobian(function, indices, args, vector=True, keywords=None):
    """d outputs / d args[indices] from VJPs, one output at a time."""
    keywords = keywords or {}
    value = function(*args, **keywords)
    outputs = _as_tuple(value)
    if isinstance(value, tuple):
        raise SrcadError(f"{where(function)}: jacobian(mode='reverse') of {function.__qualname__}, "
                         "which returns a tuple: use mode='forward', or one output at a time")
    out = outputs[0]
    m = int(np.size(out))
    inputs = [args[i] for i in indices]
    seeds = np.eye(m, dtype=np.result_type(out, np.float32)).reshape((m,) + np.shape(out))
    if vector:
        pull = derivative(function, "vjp_batch", indices, True, args)
        _, rows = pull(*args, seeds, **keywords)   # each (m,) + arg.shape
    else:
        pull = derivative(function, "vjp", indices, True, args)
        pulled = [pull(*args, seeds[k], **keywords)[1] for k in range(m)]
        rows = [np.stack([np.asarray(p[j]) for p in pulled]) for j in range(len(indices))]
    blocks = tuple(np.asarray(r).reshape(np.shape(out) + np.shape(a)) for r, a in zip(rows, inputs))
    return value, [blocks]


def arrays_only(function, arguments, indices, what):
    """Derivative matrices are taken with respect to arrays and numbers; a list, tuple or
    dict argument in `wrt` raises srcad.InputError."""
    for i in indices:
        if isinstance(arguments[i], (list, tuple, dict)):
            kind = type(arguments[i]).__name__
            raise InputError(
                f"{where(function)}: {function.__qualname__}: srcad.{what} differentiates with respect to arrays and "
                f"numbers, but argument {i} is a {kind}; pass np.asarray(...) of it, or use "
                "srcad.grad / vjp / jvp, which take lists, tuples and dicts")


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def choose_mode(function, indices, args, keywords=None):
    """Forward mode when the inputs are fewer than the outputs, else reverse mode."""
    n = sum(int(np.size(args[i])) for i in indices)
    m = sum(int(np.size(o)) for o in _as_tuple(function(*args, **(keywords or {}))))
    return "forward" if n <= m else "reverse"


def jacobian(f, wrt=0, mode="auto", vector=True):
    """``jacobian(f, wrt=0, mode="auto")(*args)``: J with shape ``out.shape + arg.shape``
    (a tuple of those for a tuple `wrt`; per output for a function returning a tuple).

    mode "forward" pushes every input direction through one vector-mode sweep of the JVP
    code (jacfwd), "reverse" pulls every output direction through one sweep of the VJP
    code (jacrev), "auto" picks forward when the inputs are fewer than the outputs.
    `vector=False` makes one JVP/VJP call per direction instead (to compare)."""
    if mode not in MODES:
        raise SrcadError(f"mode must be one of {MODES}, not {mode!r}")
    indices, as_tuple = _normalize_wrt(wrt)
    function = _plain_function(f)

    def jacobian_function(*args, **kwargs):
        arguments, keywords = bind_call(function, args, kwargs)
        check_inputs(function, arguments, indices)
        arrays_only(function, arguments, indices, "jacobian")
        chosen = choose_mode(function, indices, arguments, keywords) if mode == "auto" else mode
        build = forward_jacobian if chosen == "forward" else reverse_jacobian
        value, blocks = build(function, indices, arguments, vector, keywords)
        per_output = [b if as_tuple else b[0] for b in blocks]
        return tuple(per_output) if isinstance(value, tuple) else per_output[0]
    jacobian_function.__name__ = f"jacobian_of_{function.__name__}"
    return jacobian_function


def hessian(f, wrt=0, vector=True):
    """``hessian(f, wrt=0)(*args)``: H with shape ``arg.shape + arg.shape``; for a tuple
    `wrt`, nested tuples ``H[i][j]`` of shape ``arg_i.shape + arg_j.shape``.

    Forward-over-reverse: the vector-mode JVP of srcad's generated gradient code."""
    indices, as_tuple = _normalize_wrt(wrt)
    function = _plain_function(f)
    gradient = None if has_varargs(function) else derivative(function, "grad", indices, True)

    def hessian_function(*args, **kwargs):
        arguments, keywords = bind_call(function, args, kwargs)
        check_inputs(function, arguments, indices)
        arrays_only(function, arguments, indices, "hessian")
        gradient_code = gradient or derivative(function, "grad", indices, True, arguments)
        _, blocks = forward_jacobian(gradient_code, indices, arguments, vector, keywords)
        if as_tuple:
            return tuple(tuple(row) for row in blocks)
        return blocks[0][0]
    hessian_function.__name__ = f"hessian_of_{function.__name__}"
    return hessian_function


def hvp(f, wrt=0):
    """``hvp(f, wrt=0)(*args, v)``: the Hessian-vector product H·v, shaped like the
    argument (a tuple for a tuple `wrt`, with `v` a tuple), without forming H: one JVP of
    the generated gradient code."""
    indices, as_tuple = _normalize_wrt(wrt)
    function = _plain_function(f)
    tangent_of_gradient = None if has_varargs(function) else \
        derivative(derivative(function, "grad", indices, True), "jvp", indices, False)

    def hvp_function(*args, **kwargs):
        *primal, v = args
        arguments, keywords = bind_call(function, primal, kwargs)
        check_inputs(function, arguments, indices)
        arrays_only(function, arguments, indices, "hvp")
        tangent_code = tangent_of_gradient or derivative(
            derivative(function, "grad", indices, True, arguments), "jvp", indices, False)
        vectors = v if as_tuple else (v,)
        _, products = tangent_code(*arguments, *vectors, **keywords)
        return tuple(products) if as_tuple else products[0]
    hvp_function.__name__ = f"hvp_of_{function.__name__}"
    return hvp_function
