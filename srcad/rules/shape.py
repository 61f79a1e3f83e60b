"""Shape and data movement: views, joins and splits, repeats, pads, diagonals, gathers,
sorting, casts, constructors that take a value, and values with no derivative.

All of these are linear in their array argument, so each rule is another data-movement
call: the VJP undoes the movement (``take`` scatters back, ``tile`` sums its copies), the
JVP moves the tangent the same way. The helpers (rules/shape_helpers.py) have rules too,
at the end of this file, so generated code can be differentiated again.

Templates here never use ``unbroadcast``/``broadcast_as`` directly: the engine drops those
when the other arguments are literal numbers, which is wrong for a shape-changing call;
``sum_to_shape``/``expand_to_shape`` do the same work and are never dropped.
"""
import operator

import numpy as np

from .registry import ZERO, alias, defjvp, defvjp, describe, nondifferentiable, returns_sequence
from .shape_helpers import (  # noqa: F401  (the templates below name them)
    append_jvp, append_vjp, arange_slope, array_jvp, array_vjp, astype_jvp, astype_vjp,
    concatenate_vjp, concatenator_jvp, concatenator_vjp, delete_vjp, diag_vjp, diagonal_vjp,
    diff_jvp, diff_vjp, insert_jvp, insert_vjp, meshgrid_jvp, meshgrid_vjp,
    expand_to_shape, item_of, item_vjp, linspace_weights, pad_constant_jvp, pad_constant_vjp,
    pad_vjp, repeat_vjp, restack, sort_jvp, sort_vjp, stack_vjp, stacked_vjp, sum_to_shape,
    take_along_axis_vjp, take_vjp, tile_vjp, trace_vjp,
)


def linear(fn, signature, vjp, jvp, note=None):
    """Register a function linear in its first parameter (the others: no derivative)."""
    defvjp(fn, signature, vjp)
    defjvp(fn, signature, jvp)
    if note:
        describe(fn, note)


# -- transposes and reshapes -------------------------------------------------------------

defvjp(np.transpose, "x, axes=None", "np.transpose(g, axes=invert_permutation(axes))")
defjvp(np.transpose, "x, axes=None", "np.transpose(x_dot, axes=axes)")

defvjp(np.ndarray.transpose, "x, *axes", "np.transpose(g, axes=invert_permutation(axes))")
defjvp(np.ndarray.transpose, "x, *axes", "x_dot.transpose(*axes)")

defvjp(np.ndarray.T, "x", "np.transpose(g)")
defjvp(np.ndarray.T, "x", "np.transpose(x_dot)")

if hasattr(np, "matrix_transpose"):  # NumPy >= 2.0
    linear(np.matrix_transpose, "x", "np.matrix_transpose(g)", "np.matrix_transpose(x_dot)")
    alias(np.linalg.matrix_transpose, np.matrix_transpose)
    linear(np.ndarray.mT, "x", "np.matrix_transpose(g)", "np.matrix_transpose(x_dot)")

defvjp(np.reshape, "x, shape, order='C', *, copy=None", "np.reshape(g, np.shape(x), order=order)")
defjvp(np.reshape, "x, shape, order='C', *, copy=None", "np.reshape(x_dot, shape, order=order)")

defvjp(np.ndarray.reshape, "x, *shape, order='C', copy=None",
       "np.reshape(g, np.shape(x), order=order)")
defjvp(np.ndarray.reshape, "x, *shape, order='C', copy=None", "x_dot.reshape(*shape, order=order)")

for _fn in (np.ravel, np.ndarray.ravel, np.ndarray.flatten):
    linear(_fn, "x, order='C'", "np.reshape(g, np.shape(x), order=order)",
           "np.ravel(x_dot, order=order)")

for _fn in (np.swapaxes, np.ndarray.swapaxes):
    linear(_fn, "x, axis1, axis2", "np.swapaxes(g, axis1, axis2)",
           "np.swapaxes(x_dot, axis1, axis2)")

linear(np.moveaxis, "x, source, destination", "np.moveaxis(g, destination, source)",
       "np.moveaxis(x_dot, source, destination)")

linear(np.expand_dims, "x, axis", "np.reshape(g, np.shape(x))", "np.expand_dims(x_dot, axis)")
for _fn in (np.squeeze, np.ndarray.squeeze):
    linear(_fn, "x, axis=None", "np.reshape(g, np.shape(x))", "np.squeeze(x_dot, axis=axis)")
for _fn in (np.atleast_1d, np.atleast_2d, np.atleast_3d):
    linear(_fn, "x", "np.reshape(g, np.shape(x))", f"np.{_fn.__name__}(x_dot)",
           "one array only; np.atleast_2d(a, b) returns a list")

linear(np.broadcast_to, "x, shape, subok=False", "sum_to_shape(g, x)",
       "np.broadcast_to(x_dot, shape)")

# -- joining and splitting: list arguments, sequence results ------------------------------

JOIN = "arrays, axis=0, out=None, *, dtype=None, casting='same_kind'"
linear(np.concatenate, JOIN, "concatenate_vjp(g, arrays, axis)",
       "np.concatenate(arrays_dot, axis=axis)")   # np.concat is np.concatenate
linear(np.stack, JOIN, "stack_vjp(g, arrays, axis)", "np.stack(arrays_dot, axis=axis)")
for _fn in (np.hstack, np.vstack):
    linear(_fn, "tup, *, dtype=None, casting='same_kind'",
           f"stacked_vjp(g, tup, '{_fn.__name__}')", f"np.{_fn.__name__}(tup_dot)")
for _fn in (np.dstack, np.column_stack):
    linear(_fn, "tup", f"stacked_vjp(g, tup, '{_fn.__name__}')", f"np.{_fn.__name__}(tup_dot)")

# np.meshgrid(x, y, ...): output i is xi[i] spread along its axis (axes 0 and 1 swapped for
# indexing="xy"); g is the list of the outputs' cotangents, and each input adds its tangent.
MESHGRID = "*xi, copy=True, sparse=False, indexing='xy'"
defvjp(np.meshgrid, MESHGRID, None, None, None, "meshgrid_vjp(g, xi, position, indexing)")
defjvp(np.meshgrid, MESHGRID, None, None, None, "meshgrid_jvp(xi_dot, xi, position, ans, indexing)")
returns_sequence(np.meshgrid)
describe(np.meshgrid, "each input; indexing xy and ij, sparse or dense")

# np.r_[a, b, ...] / np.c_[a, b, ...]: a subscript whose items are the arguments (see
# normalize.py); each item's cotangent is its piece of g, each tangent fills its piece.
for _kind, _concatenator in (("r_", np.r_), ("c_", np.c_)):
    linear(_concatenator, "*items", f"concatenator_vjp(g, items, position, '{_kind}')",
           f"concatenator_jvp(items_dot, items, position, ans, '{_kind}')")
describe(np.r_, "np.r_[a, b, ...]: arrays, numbers and slices (ranges); no string directives")
describe(np.c_, "np.c_[a, b, ...]: vectors (as columns), matrices and numbers; no string "
                "directives")

for _fn in (np.split, np.array_split):
    linear(_fn, "x, indices_or_sections, axis=0", "np.concatenate(g, axis=axis)",
           f"tuple(np.{_fn.__name__}(x_dot, indices_or_sections, axis=axis))")
linear(np.hsplit, "x, indices_or_sections", "np.hstack(g)",
       "tuple(np.hsplit(x_dot, indices_or_sections))")
linear(np.vsplit, "x, indices_or_sections", "np.vstack(g)",
       "tuple(np.vsplit(x_dot, indices_or_sections))")
linear(np.dsplit, "x, indices_or_sections", "np.dstack(g)",
       "tuple(np.dsplit(x_dot, indices_or_sections))")
returns_sequence(np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit)
if hasattr(np, "unstack"):  # NumPy >= 2.1
    linear(np.unstack, "x, *, axis=0", "np.stack(g, axis=axis)",
           "tuple(np.unstack(x_dot, axis=axis))")
    returns_sequence(np.unstack)

# -- repeating, flipping, rolling, padding -------------------------------------------------

linear(np.tile, "x, reps", "tile_vjp(g, x, reps)", "np.tile(x_dot, reps)")
for _fn in (np.repeat, np.ndarray.repeat):
    linear(_fn, "x, repeats, axis=None", "repeat_vjp(g, x, repeats, axis)",
           "np.repeat(x_dot, repeats, axis=axis)")
linear(np.flip, "x, axis=None", "np.flip(g, axis=axis)", "np.flip(x_dot, axis=axis)")
linear(np.fliplr, "x", "np.fliplr(g)", "np.fliplr(x_dot)")
linear(np.flipud, "x", "np.flipud(g)", "np.flipud(x_dot)")
linear(np.rot90, "x, k=1, axes=(0, 1)", "np.rot90(g, -k, axes=axes)",
       "np.rot90(x_dot, k, axes=axes)")
linear(np.roll, "x, shift, axis=None", "np.roll(g, np.negative(shift), axis=axis)",
       "np.roll(x_dot, shift, axis=axis)")

PAD = "x, pad_width, mode='constant', constant_values=0"
defvjp(np.pad, PAD, "pad_vjp(g, x, pad_width, mode)", None, None,
       "pad_constant_vjp(g, x, pad_width, constant_values)")
defjvp(np.pad, PAD, "np.pad(x_dot, pad_width, mode=mode)", None, None,
       "pad_constant_jvp(constant_values_dot, x, pad_width)")
describe(np.pad, "modes constant, edge, reflect, symmetric, wrap; a scalar constant_values "
                 "is differentiable too")

# -- deleting, inserting, appending, differences -------------------------------------------

linear(np.delete, "arr, obj, axis=None", "delete_vjp(g, arr, obj, axis)",
       "np.delete(arr_dot, obj, axis=axis)")
INSERT = "arr, obj, values, axis=None"
defvjp(np.insert, INSERT, "insert_vjp(g, arr, obj, values, axis, 'arr')", None,
       "insert_vjp(g, arr, obj, values, axis, 'values')")
defjvp(np.insert, INSERT, "insert_jvp(arr_dot, arr, obj, values, axis, 'arr')", None,
       "insert_jvp(values_dot, arr, obj, values, axis, 'values')")
describe(np.insert, "arr and values (values broadcast as NumPy does; zero into an integer arr)")
APPEND = "arr, values, axis=None"
defvjp(np.append, APPEND, "append_vjp(g, arr, values, axis, 'arr')",
       "append_vjp(g, arr, values, axis, 'values')")
defjvp(np.append, APPEND, "append_jvp(arr_dot, arr, values, axis, 'arr')",
       "append_jvp(values_dot, arr, values, axis, 'values')")
# np.diff's prepend / append default to "not given" (None here: the helpers leave them out).
DIFF = "a, n=1, axis=-1, prepend=None, append=None"
defvjp(np.diff, DIFF, "diff_vjp(g, a, n, axis, prepend, append, 'a')", None, None,
       "diff_vjp(g, a, n, axis, prepend, append, 'prepend')",
       "diff_vjp(g, a, n, axis, prepend, append, 'append')")
defjvp(np.diff, DIFF, "diff_jvp(a_dot, a, n, axis, prepend, append, 'a')", None, None,
       "diff_jvp(prepend_dot, a, n, axis, prepend, append, 'prepend')",
       "diff_jvp(append_dot, a, n, axis, prepend, append, 'append')")
describe(np.diff, "a, prepend and append")

# -- diagonals and triangles ---------------------------------------------------------------

linear(np.diag, "x, k=0", "diag_vjp(g, x, k)", "np.diag(x_dot, k)")
linear(np.diagflat, "x, k=0", "np.reshape(np.diagonal(g, k), np.shape(x))", "np.diagflat(x_dot, k)")
for _fn in (np.diagonal, np.ndarray.diagonal):
    linear(_fn, "x, offset=0, axis1=0, axis2=1", "diagonal_vjp(g, x, offset, axis1, axis2)",
           "np.diagonal(x_dot, offset, axis1, axis2)")
for _fn in (np.trace, np.ndarray.trace):
    linear(_fn, "x, offset=0, axis1=0, axis2=1, dtype=None, out=None",
           "trace_vjp(g, x, offset, axis1, axis2)", "np.trace(x_dot, offset, axis1, axis2)")
linear(np.tril, "x, k=0", "np.tril(g, k)", "np.tril(x_dot, k)")
linear(np.triu, "x, k=0", "np.triu(g, k)", "np.triu(x_dot, k)")

# -- gathers and sorting -------------------------------------------------------------------

for _fn in (np.take, np.ndarray.take):
    linear(_fn, "x, indices, axis=None, out=None, mode='raise'",
           "take_vjp(g, x, indices, axis, mode)", "np.take(x_dot, indices, axis=axis, mode=mode)")
linear(np.take_along_axis, "x, indices, axis=-1", "take_along_axis_vjp(g, x, indices, axis)",
       "np.take_along_axis(x_dot, indices, axis)")
linear(np.sort, "x, axis=-1, kind=None, order=None, *, stable=None", "sort_vjp(g, x, axis)",
       "sort_jvp(x_dot, x, axis)",
       "the derivative follows the sorting permutation (stable argsort at ties)")

# -- copies and casts ----------------------------------------------------------------------

defvjp(np.copy, "x, order='K', subok=False", "g")
defjvp(np.copy, "x, order='K', subok=False", "np.copy(x_dot)")
defvjp(np.ndarray.copy, "x, order='C'", "g")
defjvp(np.ndarray.copy, "x, order='C'", "x_dot.copy()")

linear(np.ndarray.astype, "x, dtype, order='K', casting='unsafe', subok=True, copy=True",
       "astype_vjp(g, x, ans)", "astype_jvp(x_dot, ans)",
       "the cotangent comes back in the input's dtype; casts to integers have derivative 0")
ARRAY = "x, dtype=None, *, copy=True, order='K', subok=False, ndmin=0, ndmax=0, like=None"
linear(np.array, ARRAY, "array_vjp(g, x, ans)", "array_jvp(x_dot, ans)",
       "also np.array([a, b, ...]) of a list of arrays or numbers")
linear(np.asarray, "x, dtype=None, order=None, *, device=None, copy=None, like=None",
       "array_vjp(g, x, ans)", "array_jvp(x_dot, ans)")
linear(np.asanyarray, "x, dtype=None, order=None, *, device=None, copy=None, like=None",
       "array_vjp(g, x, ans)", "array_jvp(x_dot, ans)")
for _fn in (np.ascontiguousarray, np.asfortranarray):
    linear(_fn, "x, dtype=None, *, like=None", "array_vjp(g, x, ans)", "array_jvp(x_dot, ans)")
linear(np.ndarray.item, "x, *args", "item_vjp(g, x, args)", "item_of(x_dot, args)")

# -- constructors that take a value --------------------------------------------------------

FULL = "shape, fill_value, dtype=None, order='C', *, device=None, like=None"
defvjp(np.full, FULL, None, "astype_vjp(sum_to_shape(g, fill_value), fill_value, ans)")
defjvp(np.full, FULL, None, "expand_to_shape(astype_jvp(fill_value_dot, ans), ans)")
FULL_LIKE = "a, fill_value, dtype=None, order='K', subok=True, shape=None, *, device=None"
defvjp(np.full_like, FULL_LIKE, ZERO, "astype_vjp(sum_to_shape(g, fill_value), fill_value, ans)")
defjvp(np.full_like, FULL_LIKE, ZERO, "expand_to_shape(astype_jvp(fill_value_dot, ans), ans)")

# np.arange(start, stop, step)[i] = start + i * step; the stop (or np.arange(n)'s one
# argument) only sets the length: derivative zero.
ARANGE = "start, stop=None, step=None, dtype=None, *, device=None, like=None"
defvjp(np.arange, ARANGE, "astype_vjp(np.sum(g * arange_slope(ans, 'start', stop)), start, ans)",
       ZERO, "astype_vjp(np.sum(g * arange_slope(ans, 'step')), step, ans)")
defjvp(np.arange, ARANGE, "start_dot * arange_slope(ans, 'start', stop)", ZERO,
       "step_dot * arange_slope(ans, 'step')")
describe(np.arange, "differentiable in start and step; the stop only sets the length")
nondifferentiable(arange_slope)

LINSPACE = ("start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0, *, "
            "device=None")
defvjp(np.linspace, LINSPACE,
       "astype_vjp(sum_to_shape(np.sum(g * linspace_weights(ans, num, endpoint, axis, 0), "
       "axis=axis), start), start, ans)",
       "astype_vjp(sum_to_shape(np.sum(g * linspace_weights(ans, num, endpoint, axis, 1), "
       "axis=axis), stop), stop, ans)")
defjvp(np.linspace, LINSPACE,
       "expand_to_shape(np.expand_dims(start_dot, axis) "
       "* linspace_weights(ans, num, endpoint, axis, 0), ans)",
       "expand_to_shape(np.expand_dims(stop_dot, axis) "
       "* linspace_weights(ans, num, endpoint, axis, 1), ans)")
describe(np.linspace, "differentiable in start and stop (not with retstep=True)")

# -- values with no derivative -------------------------------------------------------------

nondifferentiable(
    np.zeros, np.ones, np.empty, np.zeros_like, np.ones_like, np.empty_like,
    np.eye, np.identity, np.tri, np.indices, np.tril_indices, np.triu_indices,
    np.diag_indices, np.unravel_index, np.ravel_multi_index,
    np.shape, np.ndim, np.size, len, np.ndarray.shape, np.ndarray.ndim, np.ndarray.size,
    np.ndarray.dtype, np.sign,
    # index expressions: np.s_[1:n], np.index_exp[i, :] (their items are indices)
    np.s_, np.index_exp,
    # positions and counts
    np.argmax, np.argmin, np.argsort, np.nonzero, np.flatnonzero, np.argwhere,
    np.count_nonzero, np.searchsorted, np.digitize,
    np.ndarray.argmax, np.ndarray.argmin, np.ndarray.argsort, np.ndarray.nonzero,
    # tests of values
    np.isnan, np.isinf, np.isfinite, np.isclose, np.allclose, np.array_equal,
    # random numbers from shapes (the legacy np.random functions; Generator methods are not
    # resolvable). Not np.random.normal / uniform / choice / permutation: a differentiated
    # loc, scale, bound or array moves their result, and they have no rule.
    np.random.rand, np.random.randn, np.random.standard_normal, np.random.random,
    np.random.random_sample, np.random.randint,
    # comparisons and logic: boolean results carry no derivative
    operator.lt, operator.le, operator.gt, operator.ge, operator.eq, operator.ne,
    operator.not_, operator.is_, operator.is_not, operator.contains, operator.invert,
    np.less, np.less_equal, np.greater, np.greater_equal, np.equal, np.not_equal,
    np.logical_and, np.logical_or, np.logical_not,
)

# -- the helpers' own rules (so generated code can be differentiated again) ----------------
# Each helper is linear in its first argument; the others only give shapes, indices or the
# sorting order, so they contribute ZERO.

defvjp(sum_to_shape, "cot, like", "expand_to_shape(g, cot)", ZERO)
defjvp(sum_to_shape, "cot, like", "sum_to_shape(cot_dot, like)", ZERO)
defvjp(expand_to_shape, "t, like", "sum_to_shape(g, t)", ZERO)
defjvp(expand_to_shape, "t, like", "expand_to_shape(t_dot, like)", ZERO)

defvjp(astype_jvp, "t, like", "astype_vjp(g, t, like)", ZERO)
defjvp(astype_jvp, "t, like", "astype_jvp(t_dot, like)", ZERO)
defvjp(astype_vjp, "cot, x, like", "astype_jvp(g, like)", ZERO, ZERO)
defjvp(astype_vjp, "cot, x, like", "astype_vjp(cot_dot, x, like)", ZERO, ZERO)
defvjp(array_jvp, "t, like", "array_vjp(g, t, like)", ZERO)
defjvp(array_jvp, "t, like", "array_jvp(t_dot, like)", ZERO)
defvjp(array_vjp, "cot, x, like", "array_jvp(g, like)", ZERO, ZERO)
defjvp(array_vjp, "cot, x, like", "array_vjp(cot_dot, x, like)", ZERO, ZERO)

defvjp(concatenate_vjp, "cot, arrays, axis=0", "np.concatenate(g, axis=axis)", ZERO)
defjvp(concatenate_vjp, "cot, arrays, axis=0", "tuple(concatenate_vjp(cot_dot, arrays, axis))",
       ZERO)
defvjp(stack_vjp, "cot, arrays, axis=0", "np.stack(g, axis=axis)", ZERO)
defjvp(stack_vjp, "cot, arrays, axis=0", "tuple(stack_vjp(cot_dot, arrays, axis))", ZERO)
defvjp(stacked_vjp, "cot, arrays, kind", "restack(g, kind)", ZERO)
defjvp(stacked_vjp, "cot, arrays, kind", "tuple(stacked_vjp(cot_dot, arrays, kind))", ZERO)
returns_sequence(concatenate_vjp, stack_vjp, stacked_vjp)
defvjp(restack, "pieces, kind", "stacked_vjp(g, pieces, kind)")
defjvp(restack, "pieces, kind", "restack(pieces_dot, kind)")

# meshgrid_vjp sums the output `position`'s cotangent out of the list `cot`; meshgrid_jvp
# spreads a tangent into such a list (shaped as `like`): adjoint pairs.
defvjp(meshgrid_vjp, "cot, xi, position, indexing='xy'",
       "meshgrid_jvp(g, xi, position, cot, indexing)", ZERO)
defjvp(meshgrid_vjp, "cot, xi, position, indexing='xy'",
       "meshgrid_vjp(cot_dot, xi, position, indexing)", ZERO)
defvjp(meshgrid_jvp, "t, xi, position, like, indexing='xy'",
       "meshgrid_vjp(g, xi, position, indexing)", ZERO, None, ZERO)
defjvp(meshgrid_jvp, "t, xi, position, like, indexing='xy'",
       "meshgrid_jvp(t_dot, xi, position, like, indexing)", ZERO, None, ZERO)
returns_sequence(meshgrid_jvp)

PIECE = "cot, items, position, kind"
defvjp(concatenator_vjp, PIECE, "concatenator_jvp(g, items, position, cot, kind)", ZERO)
defjvp(concatenator_vjp, PIECE, "concatenator_vjp(cot_dot, items, position, kind)", ZERO)
PLACED = "t, items, position, like, kind"
defvjp(concatenator_jvp, PLACED, "concatenator_vjp(g, items, position, kind)", ZERO, None, ZERO)
defjvp(concatenator_jvp, PLACED, "concatenator_jvp(t_dot, items, position, like, kind)", ZERO,
       ZERO, ZERO)

defvjp(tile_vjp, "cot, x, reps", "np.tile(g, reps)", ZERO)
defjvp(tile_vjp, "cot, x, reps", "tile_vjp(cot_dot, x, reps)", ZERO)
defvjp(repeat_vjp, "cot, x, repeats, axis=None", "np.repeat(g, repeats, axis=axis)", ZERO)
defjvp(repeat_vjp, "cot, x, repeats, axis=None", "repeat_vjp(cot_dot, x, repeats, axis)", ZERO)
defvjp(pad_vjp, "cot, x, pad_width, mode='constant'", "np.pad(g, pad_width, mode=mode)", ZERO)
defjvp(pad_vjp, "cot, x, pad_width, mode='constant'", "pad_vjp(cot_dot, x, pad_width, mode)", ZERO)
defvjp(pad_constant_vjp, "cot, x, pad_width, c", "pad_constant_jvp(g, x, pad_width)", ZERO, None,
       ZERO)
defjvp(pad_constant_vjp, "cot, x, pad_width, c", "pad_constant_vjp(cot_dot, x, pad_width, c)",
       ZERO, ZERO, ZERO)
defvjp(pad_constant_jvp, "t, x, pad_width", "pad_constant_vjp(g, x, pad_width, t)", ZERO)
defjvp(pad_constant_jvp, "t, x, pad_width", "pad_constant_jvp(t_dot, x, pad_width)", ZERO)

defvjp(diag_vjp, "cot, x, k=0", "np.diag(g, k)", ZERO)
defjvp(diag_vjp, "cot, x, k=0", "diag_vjp(cot_dot, x, k)", ZERO)
DIAG = "cot, x, offset=0, axis1=0, axis2=1"
defvjp(diagonal_vjp, DIAG, "np.diagonal(g, offset, axis1, axis2)", ZERO)
defjvp(diagonal_vjp, DIAG, "diagonal_vjp(cot_dot, x, offset, axis1, axis2)", ZERO)
defvjp(trace_vjp, DIAG, "np.trace(g, offset, axis1, axis2)", ZERO)
defjvp(trace_vjp, DIAG, "trace_vjp(cot_dot, x, offset, axis1, axis2)", ZERO)

defvjp(take_vjp, "cot, x, indices, axis=None, mode='raise'",
       "np.take(g, indices, axis=axis, mode=mode)", ZERO)
defjvp(take_vjp, "cot, x, indices, axis=None, mode='raise'",
       "take_vjp(cot_dot, x, indices, axis, mode)", ZERO)
defvjp(take_along_axis_vjp, "cot, x, indices, axis=-1", "np.take_along_axis(g, indices, axis)",
       ZERO)
defjvp(take_along_axis_vjp, "cot, x, indices, axis=-1",
       "take_along_axis_vjp(cot_dot, x, indices, axis)", ZERO)
defvjp(sort_jvp, "t, x, axis=-1", "sort_vjp(g, x, axis)", ZERO)
defjvp(sort_jvp, "t, x, axis=-1", "sort_jvp(t_dot, x, axis)", ZERO)
defvjp(sort_vjp, "cot, x, axis=-1", "sort_jvp(g, x, axis)", ZERO)
defjvp(sort_vjp, "cot, x, axis=-1", "sort_vjp(cot_dot, x, axis)", ZERO)
defvjp(item_vjp, "cot, x, args", "item_of(g, args)", ZERO)
defjvp(item_vjp, "cot, x, args", "item_vjp(cot_dot, x, args)", ZERO)
defvjp(item_of, "t, args", "item_vjp(g, t, args)")
defjvp(item_of, "t, args", "item_of(t_dot, args)")

nondifferentiable(linspace_weights)

defvjp(delete_vjp, "cot, x, obj, axis=None", "np.delete(g, obj, axis=axis)", ZERO, ZERO)
defjvp(delete_vjp, "cot, x, obj, axis=None", "delete_vjp(cot_dot, x, obj, axis)", ZERO, ZERO)
# insert_vjp / insert_jvp, append_vjp / append_jvp, diff_vjp / diff_jvp: adjoint pairs, each
# linear in its first argument; the other arguments give positions and shapes.
MOVED = "{0}, arr, obj, values, axis, part"
defvjp(insert_vjp, MOVED.format("cot"), "insert_jvp(g, arr, obj, values, axis, part)", ZERO,
       ZERO, ZERO)
defjvp(insert_vjp, MOVED.format("cot"), "insert_vjp(cot_dot, arr, obj, values, axis, part)",
       ZERO, ZERO, ZERO)
defvjp(insert_jvp, MOVED.format("t"), "insert_vjp(g, arr, obj, values, axis, part)", ZERO,
       ZERO, ZERO)
defjvp(insert_jvp, MOVED.format("t"), "insert_jvp(t_dot, arr, obj, values, axis, part)",
       ZERO, ZERO, ZERO)
APPENDED = "{0}, arr, values, axis, part"
defvjp(append_vjp, APPENDED.format("cot"), "append_jvp(g, arr, values, axis, part)", ZERO,
       ZERO, ZERO)
defjvp(append_vjp, APPENDED.format("cot"), "append_vjp(cot_dot, arr, values, axis, part)",
       ZERO, ZERO, ZERO)
defvjp(append_jvp, APPENDED.format("t"), "append_vjp(g, arr, values, axis, part)", ZERO, ZERO,
       ZERO)
defjvp(append_jvp, APPENDED.format("t"), "append_jvp(t_dot, arr, values, axis, part)", ZERO,
       ZERO, ZERO)
DIFFERENCED = "{0}, a, n=1, axis=-1, prepend=None, append=None, part='a'"
defvjp(diff_vjp, DIFFERENCED.format("cot"), "diff_jvp(g, a, n, axis, prepend, append, part)",
       ZERO, ZERO, ZERO, ZERO, ZERO)
defjvp(diff_vjp, DIFFERENCED.format("cot"),
       "diff_vjp(cot_dot, a, n, axis, prepend, append, part)", ZERO, ZERO, ZERO, ZERO, ZERO)
defvjp(diff_jvp, DIFFERENCED.format("t"), "diff_vjp(g, a, n, axis, prepend, append, part)",
       ZERO, ZERO, ZERO, ZERO, ZERO)
defjvp(diff_jvp, DIFFERENCED.format("t"), "diff_jvp(t_dot, a, n, axis, prepend, append, part)",
       ZERO, ZERO, ZERO, ZERO, ZERO)
