"""Rule cases for shape and data movement (srcad/rules/shape.py).

Each function is a module-level def (srcad reads its source); CASES lists the checks.
Cases whose ``extra["needs"]`` is set use an engine contract that may not have landed yet:
"sequence" (a callable that returns a tuple or list of arrays), "list" (a list or tuple of
arrays as one argument). ``extra["float32"]`` asks for a dtype check as well: run the
derivatives again on float32 copies of the (float64) args, and expect float32 cotangents and
a tangent of the output's dtype. (check_grads itself needs float64: its finite differences
and its forward-vs-reverse comparison at 1e-9 are too fine for float32 arithmetic.)
"""
import numpy as np

from . import RuleCase, uniform

F32 = {"float32": True}
SEQ = {"needs": "sequence"}
LIST = {"needs": "list"}


def _id(shape):
    return "x".join(map(str, shape)) or "0d"


# ---------------------------------------------------------------------------------------
# Transposes and reshapes
# ---------------------------------------------------------------------------------------

def transpose_default(x):
    return np.transpose(x)


def transpose_axes(x):
    return np.transpose(x, (1, 0, 2))


def transpose_method_args(x):
    return x.transpose(2, 0, 1)


def transpose_T(x):
    return x.T * np.arange(np.shape(x)[-1] * np.shape(x)[0]).reshape(np.shape(x.T))


def matrix_transpose_fn(x):
    return np.matrix_transpose(x)


def matrix_transpose_mT(x):
    return x.mT


def matrix_transpose_linalg(x):
    return np.linalg.matrix_transpose(x)


def reshape_fn(x):
    return np.reshape(x, (3, -1))


def reshape_order_f(x):
    return np.reshape(x, (2, 6), order="F")


def reshape_method(x):
    return x.reshape(4, 3)


def reshape_method_tuple(x):
    return x.reshape((-1,))


def ravel_fn(x):
    return np.ravel(x)


def ravel_order_f(x):
    return np.ravel(x, order="F")


def ravel_method(x):
    return x.ravel()


def flatten_method(x):
    return x.flatten()


def flatten_method_f(x):
    return x.flatten("F")


def swapaxes_fn(x):
    return np.swapaxes(x, 0, -1)


def swapaxes_method(x):
    return x.swapaxes(1, 0)


def moveaxis_fn(x):
    return np.moveaxis(x, 0, -1)


def moveaxis_many(x):
    return np.moveaxis(x, [0, 1], [-1, -2])


def expand_dims_fn(x):
    return np.expand_dims(x, 0)


def expand_dims_tuple(x):
    return np.expand_dims(x, axis=(0, -1))


def squeeze_fn(x):
    return np.squeeze(x)


def squeeze_axis(x):
    return np.squeeze(x, axis=1)


def squeeze_method(x):
    return x.squeeze()


def broadcast_to_fn(x):
    return np.broadcast_to(x, (2, 3, 4))


def broadcast_to_int(x):
    return np.broadcast_to(x, 4) * np.arange(4.0)


def atleast_1d_fn(x):
    return np.atleast_1d(x)


def atleast_2d_fn(x):
    return np.atleast_2d(x)


def atleast_3d_fn(x):
    return np.atleast_3d(x)


VEC, MAT, CUBE = (5,), (3, 4), (2, 3, 4)

CASES = [
    RuleCase((np.transpose,), transpose_default, (uniform(MAT, seed=1),), name="matrix"),
    RuleCase((np.transpose,), transpose_default, (uniform(CUBE, seed=1),), name="3d"),
    RuleCase((np.transpose,), transpose_axes, (uniform(CUBE, seed=2),)),
    RuleCase((np.ndarray.transpose,), transpose_method_args, (uniform(CUBE, seed=3),)),
    RuleCase((np.ndarray.T,), transpose_T, (uniform(MAT, seed=4),)),
    RuleCase((np.matrix_transpose,), matrix_transpose_fn, (uniform(CUBE, seed=5),)),
    RuleCase((np.ndarray.mT,), matrix_transpose_mT, (uniform(MAT, seed=5),)),
    RuleCase((np.linalg.matrix_transpose,), matrix_transpose_linalg, (uniform(CUBE, seed=5),)),
    RuleCase((np.reshape,), reshape_fn, (uniform(MAT, seed=6),), name="matrix"),
    RuleCase((np.reshape,), reshape_fn, (uniform((12,), seed=6),), name="vector"),
    RuleCase((np.reshape,), reshape_order_f, (uniform(MAT, seed=7),)),
    RuleCase((np.ndarray.reshape,), reshape_method, (uniform(MAT, seed=8),)),
    RuleCase((np.ndarray.reshape,), reshape_method_tuple, (uniform(CUBE, seed=8),)),
    RuleCase((np.ravel,), ravel_fn, (uniform(CUBE, seed=9),), name="3d"),
    RuleCase((np.ravel,), ravel_fn, (uniform(MAT, seed=9),), name="float32", extra=F32),
    RuleCase((np.ravel,), ravel_order_f, (uniform(MAT, seed=10),)),
    RuleCase((np.ndarray.ravel,), ravel_method, (uniform(MAT, seed=11),)),
    RuleCase((np.ndarray.flatten,), flatten_method, (uniform(CUBE, seed=12),)),
    RuleCase((np.ndarray.flatten,), flatten_method_f, (uniform(MAT, seed=12),)),
    RuleCase((np.swapaxes,), swapaxes_fn, (uniform(CUBE, seed=13),)),
    RuleCase((np.ndarray.swapaxes,), swapaxes_method, (uniform(MAT, seed=14),)),
    RuleCase((np.moveaxis,), moveaxis_fn, (uniform(CUBE, seed=15),)),
    RuleCase((np.moveaxis,), moveaxis_many, (uniform(CUBE, seed=15),), name="lists"),
    RuleCase((np.expand_dims,), expand_dims_fn, (uniform(VEC, seed=16),), name="vector"),
    RuleCase((np.expand_dims,), expand_dims_fn, (uniform("float", seed=201),), name="float"),
    RuleCase((np.expand_dims,), expand_dims_tuple, (uniform(MAT, seed=16),), name="tuple"),
    RuleCase((np.squeeze,), squeeze_fn, (uniform((3, 1, 4, 1), seed=17),)),
    RuleCase((np.squeeze,), squeeze_axis, (uniform((3, 1, 4), seed=17),), name="axis"),
    RuleCase((np.ndarray.squeeze,), squeeze_method, (uniform((1, 5), seed=18),)),
    RuleCase((np.broadcast_to,), broadcast_to_fn, (uniform((3, 1), seed=19),), name="stretch"),
    RuleCase((np.broadcast_to,), broadcast_to_fn, (uniform((4,), seed=19),), name="prepend"),
    RuleCase((np.broadcast_to,), broadcast_to_fn, (uniform((), seed=19),), name="0d"),
    RuleCase((np.broadcast_to,), broadcast_to_int, (uniform((), seed=19),), name="int_shape"),
    RuleCase((np.atleast_1d,), atleast_1d_fn, (uniform("float", seed=202),), name="float"),
    RuleCase((np.atleast_1d,), atleast_1d_fn, (uniform(MAT, seed=20),), name="matrix"),
    RuleCase((np.atleast_2d,), atleast_2d_fn, (uniform(VEC, seed=21),), name="vector"),
    RuleCase((np.atleast_2d,), atleast_2d_fn, (uniform((), seed=21),), name="0d"),
    RuleCase((np.atleast_3d,), atleast_3d_fn, (uniform(MAT, seed=22),), name="matrix"),
    RuleCase((np.atleast_3d,), atleast_3d_fn, (uniform(VEC, seed=22),), name="vector"),
]


# ---------------------------------------------------------------------------------------
# Joining and splitting (list arguments and sequence results: new engine contracts)
# ---------------------------------------------------------------------------------------

def concatenate_pair(a, b):
    return np.concatenate([a, b])


def concatenate_axis1(a, b):
    return np.concatenate((a, b), axis=1)


def concatenate_axis_none(a, b):
    return np.concatenate([a, b], axis=None)


def concatenate_with_constant(a):
    return np.concatenate([a, np.ones(2), a * a])


def concat_alias(a, b):
    return np.concat([a, b], axis=-1)


def stack_pair(a, b):
    return np.stack([a, b])


def stack_axis_last(a, b):
    return np.stack((a, b, a), axis=-1)


def hstack_fn(a, b):
    return np.hstack([a, b])


def vstack_fn(a, b):
    return np.vstack([a, b])


def dstack_fn(a, b):
    return np.dstack([a, b])


def column_stack_fn(a, b):
    return np.column_stack([a, b])


def split_sections(x):
    first, second, third = np.split(x, 3)
    return first * 2.0 + third * second


def split_indices_axis1(x):
    parts = np.split(x, [1, 3], axis=1)
    return np.sum(parts[0]) + np.sum(parts[2] ** 2)


def split_one_used(x):
    parts = np.split(x, 2)
    return parts[1] * 3.0


def array_split_uneven(x):
    parts = np.array_split(x, 3)
    return np.sum(parts[0] ** 2) + np.sum(parts[1]) * np.sum(parts[2])


def hsplit_fn(x):
    left, right = np.hsplit(x, 2)
    return left * right


def vsplit_fn(x):
    top, bottom = np.vsplit(x, 2)
    return top - 2.0 * bottom


def dsplit_fn(x):
    front, back = np.dsplit(x, 2)
    return front * back


def unstack_fn(x):
    rows = np.unstack(x)
    return rows[0] * rows[2]


def unstack_axis(x):
    cols = np.unstack(x, axis=1)
    return cols[1] ** 2 + cols[0]


CASES += [
    RuleCase((np.concatenate,), concatenate_pair, (uniform(VEC, seed=30), uniform((3,), seed=31)),
             wrt=(0, 1), name="vectors", extra=LIST),
    RuleCase((np.concatenate,), concatenate_pair, (uniform(MAT, seed=30), uniform((2, 4), seed=31)),
             wrt=(0, 1), name="matrices", extra=LIST),
    RuleCase((np.concatenate,), concatenate_axis1, (uniform(MAT, seed=32), uniform((3, 2), seed=33)),
             wrt=(0, 1), extra=LIST),
    RuleCase((np.concatenate,), concatenate_axis1, (uniform(MAT, seed=32), uniform((3, 2), seed=33)),
             wrt=(0, 1), name="float32", extra={**LIST, **F32}),
    RuleCase((np.concatenate,), concatenate_axis_none,
             (uniform(MAT, seed=34), uniform((2, 2), seed=35)), wrt=(0, 1), extra=LIST),
    RuleCase((np.concatenate,), concatenate_with_constant, (uniform((3,), seed=36),), extra=LIST),
    RuleCase((np.concatenate,), concat_alias, (uniform(MAT, seed=37), uniform((3, 1), seed=37)),
             wrt=(0, 1), extra=LIST),
    RuleCase((np.stack,), stack_pair, (uniform(VEC, seed=38), uniform(VEC, seed=39)),
             wrt=(0, 1), extra=LIST),
    RuleCase((np.stack,), stack_axis_last, (uniform(MAT, seed=40), uniform(MAT, seed=41)),
             wrt=(0, 1), extra=LIST),
    RuleCase((np.hstack,), hstack_fn, (uniform(VEC, seed=42), uniform((2,), seed=43)),
             wrt=(0, 1), name="vectors", extra=LIST),
    RuleCase((np.hstack,), hstack_fn, (uniform(MAT, seed=42), uniform((3, 2), seed=43)),
             wrt=(0, 1), name="matrices", extra=LIST),
    RuleCase((np.vstack,), vstack_fn, (uniform((4,), seed=44), uniform(MAT, seed=45)),
             wrt=(0, 1), extra=LIST),
    RuleCase((np.dstack,), dstack_fn, (uniform(MAT, seed=46), uniform((3, 4, 2), seed=47)),
             wrt=(0, 1), extra=LIST),
    RuleCase((np.column_stack,), column_stack_fn, (uniform((3,), seed=48), uniform((3, 2), seed=49)),
             wrt=(0, 1), extra=LIST),
    RuleCase((np.split,), split_sections, (uniform((6,), seed=50),), extra=SEQ),
    RuleCase((np.split,), split_indices_axis1, (uniform((2, 5), seed=51),), extra=SEQ),
    RuleCase((np.split,), split_one_used, (uniform((4, 3), seed=52),), extra=SEQ),
    RuleCase((np.split,), split_one_used, (uniform((4, 3), seed=52),), name="float32",
             extra={**SEQ, **F32}),
    RuleCase((np.array_split,), array_split_uneven, (uniform((7,), seed=53),), extra=SEQ),
    RuleCase((np.hsplit,), hsplit_fn, (uniform((3, 4), seed=54),), name="matrix", extra=SEQ),
    RuleCase((np.hsplit,), hsplit_fn, (uniform((6,), seed=54),), name="vector", extra=SEQ),
    RuleCase((np.vsplit,), vsplit_fn, (uniform((4, 3), seed=55),), extra=SEQ),
    RuleCase((np.dsplit,), dsplit_fn, (uniform((2, 3, 4), seed=56),), extra=SEQ),
    RuleCase((np.unstack,), unstack_fn, (uniform((3, 4), seed=57),), extra=SEQ),
    RuleCase((np.unstack,), unstack_axis, (uniform((3, 4), seed=57),), name="axis", extra=SEQ),
]


def meshgrid_pair(x, y, indexing):
    xx, yy = np.meshgrid(x, y, indexing=indexing)
    return np.sin(xx) * yy ** 2 + xx * np.arange(np.size(xx)).reshape(np.shape(xx))


def meshgrid_three(x, y, z, indexing):
    grids = np.meshgrid(x, y * 2.0, z, indexing=indexing)
    return grids[0] * grids[1] + grids[2] ** 2


def meshgrid_one_used(x, y):
    _, yy = np.meshgrid(x, y)
    return yy ** 2


def meshgrid_sparse(x, y):
    xx, yy = np.meshgrid(x, y, sparse=True, indexing="ij")
    return xx * np.exp(yy)


CASES += [
    RuleCase((np.meshgrid,), meshgrid_pair, (uniform((3,), seed=60), uniform((4,), seed=61), _ix),
             wrt=(0, 1), name=_ix, extra=SEQ)
    for _ix in ("xy", "ij")
] + [
    RuleCase((np.meshgrid,), meshgrid_three, (uniform((3,), seed=62), uniform((2,), seed=63),
                                              uniform((4,), seed=64), _ix),
             wrt=(0, 1, 2), name=_ix, extra=SEQ)
    for _ix in ("xy", "ij")
] + [
    RuleCase((np.meshgrid,), meshgrid_one_used, (uniform((3,), seed=65), uniform((2,), seed=66)),
             wrt=(0, 1), extra=SEQ),
    RuleCase((np.meshgrid,), meshgrid_one_used, (uniform((3,), seed=65), uniform((2,), seed=66)),
             wrt=(0, 1), name="float32", extra={**SEQ, **F32}),
    RuleCase((np.meshgrid,), meshgrid_sparse, (uniform((3,), seed=67), uniform((2,), seed=68)),
             wrt=(0, 1), extra=SEQ),
]


def r_pair(a, b):
    return np.r_[a, b]


def r_vector_and_number(x):
    return np.r_[x, 0.0, 2.0 * x[:2]] ** 2


def r_numbers(s, t):
    return np.r_[s, t * s, 1.5]


def r_one_item(x):
    return np.r_[x] * 3.0


def r_with_range(x):
    return np.r_[x, 0:3] * np.r_[1:4, x]


def r_with_linspace(x):
    return np.r_[0:1:4j, x] ** 2


def c_pair(a, b):
    return np.c_[a, b]


def c_with_number(x):
    return np.c_[x, 2.0 * x] * np.c_[x[:1], 0.5]


CASES += [
    RuleCase((np.r_,), r_pair, (uniform(VEC, seed=60), uniform((3,), seed=61)), wrt=(0, 1),
             name="vectors", extra=F32),
    RuleCase((np.r_,), r_pair, (uniform(MAT, seed=62), uniform((1, 4), seed=63)), wrt=(0, 1),
             name="matrices"),
    RuleCase((np.r_,), r_pair, (uniform((), seed=64), uniform(VEC, seed=65)), wrt=(0, 1),
             name="0d"),
    RuleCase((np.r_,), r_vector_and_number, (uniform(VEC, seed=66),), extra=F32),
    RuleCase((np.r_,), r_numbers, (uniform("float", seed=67), uniform("float", seed=68)),
             wrt=(0, 1)),
    RuleCase((np.r_,), r_one_item, (uniform(MAT, seed=69),)),
    RuleCase((np.r_,), r_with_range, (uniform((2,), seed=70),)),
    RuleCase((np.r_,), r_with_linspace, (uniform(VEC, seed=71),)),
    RuleCase((np.c_,), c_pair, (uniform(VEC, seed=72), uniform(VEC, seed=73)), wrt=(0, 1),
             name="vectors", extra=F32),
    RuleCase((np.c_,), c_pair, (uniform(MAT, seed=74), uniform((3,), seed=75)), wrt=(0, 1),
             name="matrix_vector"),
    RuleCase((np.c_,), c_pair, (uniform((2, 3, 2), seed=76), uniform((2, 3, 1), seed=77)),
             wrt=(0, 1), name="3d"),
    RuleCase((np.c_,), c_with_number, (uniform((1,), seed=78),)),
]


# ---------------------------------------------------------------------------------------
# Repeating, flipping, rolling, padding
# ---------------------------------------------------------------------------------------

def tile_int(x):
    return np.tile(x, 3)


def tile_tuple(x):
    return np.tile(x, (2, 1, 2))


def repeat_flat(x):
    return np.repeat(x, 2)


def repeat_axis(x):
    return np.repeat(x, 3, axis=1)


def repeat_counts(x):
    return np.repeat(x, [1, 0, 2], axis=0)


def repeat_method(x):
    return x.repeat(2, axis=-1)


def flip_all(x):
    return np.flip(x)


def flip_axis(x):
    return np.flip(x, axis=1)


def fliplr_fn(x):
    return np.fliplr(x)


def flipud_fn(x):
    return np.flipud(x)


def rot90_fn(x):
    return np.rot90(x)


def rot90_k_axes(x):
    return np.rot90(x, 3, axes=(1, 2))


def roll_flat(x):
    return np.roll(x, 2)


def roll_axis(x):
    return np.roll(x, -1, axis=0)


def roll_tuple(x):
    return np.roll(x, (1, 2), axis=(0, 1))


def pad_constant(x):
    return np.pad(x, 2)


def pad_pairs(x):
    return np.pad(x, ((1, 0), (2, 3)), constant_values=1.5)


def pad_value(x, c):
    return np.pad(x, 1, constant_values=c)


def pad_edge(x):
    return np.pad(x, (1, 2), mode="edge")


def pad_reflect(x):
    return np.pad(x, 2, mode="reflect")


def pad_symmetric(x):
    return np.pad(x, ((1, 1), (0, 2)), mode="symmetric")


def pad_wrap(x):
    return np.pad(x, 3, mode="wrap")


CASES += [
    RuleCase((np.tile,), tile_int, (uniform(VEC, seed=60),), name="vector"),
    RuleCase((np.tile,), tile_int, (uniform(MAT, seed=60),), name="matrix"),
    RuleCase((np.tile,), tile_tuple, (uniform(MAT, seed=61),), name="promote"),
    RuleCase((np.tile,), tile_tuple, (uniform(CUBE, seed=61),), name="3d"),
    RuleCase((np.tile,), tile_tuple, (uniform(MAT, seed=61),), name="float32", extra=F32),
    RuleCase((np.repeat,), repeat_flat, (uniform(MAT, seed=62),)),
    RuleCase((np.repeat,), repeat_axis, (uniform(MAT, seed=63),)),
    RuleCase((np.repeat,), repeat_counts, (uniform((3, 2), seed=64),)),
    RuleCase((np.ndarray.repeat,), repeat_method, (uniform(CUBE, seed=65),)),
    RuleCase((np.flip,), flip_all, (uniform(MAT, seed=66),)),
    RuleCase((np.flip,), flip_axis, (uniform(CUBE, seed=66),)),
    RuleCase((np.fliplr,), fliplr_fn, (uniform(MAT, seed=67),)),
    RuleCase((np.flipud,), flipud_fn, (uniform(VEC, seed=67),)),
    RuleCase((np.rot90,), rot90_fn, (uniform(MAT, seed=68),)),
    RuleCase((np.rot90,), rot90_k_axes, (uniform(CUBE, seed=68),)),
    RuleCase((np.roll,), roll_flat, (uniform(MAT, seed=69),)),
    RuleCase((np.roll,), roll_axis, (uniform(MAT, seed=69),)),
    RuleCase((np.roll,), roll_tuple, (uniform(MAT, seed=69),)),
    RuleCase((np.pad,), pad_constant, (uniform(VEC, seed=70),), name="vector"),
    RuleCase((np.pad,), pad_constant, (uniform(MAT, seed=70),), name="matrix"),
    RuleCase((np.pad,), pad_pairs, (uniform(MAT, seed=71),)),
    RuleCase((np.pad,), pad_value, (uniform(MAT, seed=72), 0.5), wrt=(0, 1)),
    RuleCase((np.pad,), pad_edge, (uniform(MAT, seed=73),)),
    RuleCase((np.pad,), pad_reflect, (uniform((4, 5), seed=74),)),
    RuleCase((np.pad,), pad_value, (uniform(MAT, seed=72), 0.5), wrt=(0, 1), name="float32",
             extra=F32),
    RuleCase((np.pad,), pad_symmetric, (uniform(MAT, seed=75),)),
    RuleCase((np.pad,), pad_wrap, (uniform((5,), seed=76),)),
]


# ---------------------------------------------------------------------------------------
# Diagonals and triangles
# ---------------------------------------------------------------------------------------

def diag_of_vector(x):
    return np.diag(x)


def diag_of_vector_k(x):
    return np.diag(x, k=-1)


def diag_of_matrix(x):
    return np.diag(x)


def diag_of_matrix_k(x):
    return np.diag(x, 1)


def diagflat_fn(x):
    return np.diagflat(x, -1)


def diagonal_fn(x):
    return np.diagonal(x)


def diagonal_offset_axes(x):
    return np.diagonal(x, offset=-1, axis1=1, axis2=2)


def diagonal_method(x):
    return x.diagonal(1)


def trace_fn(x):
    return np.trace(x)


def trace_offset(x):
    return np.trace(x, offset=1)


def trace_axes(x):
    return np.trace(x, axis1=0, axis2=2)


def trace_method(x):
    return x.trace()


def tril_fn(x):
    return np.tril(x)


def tril_k(x):
    return np.tril(x, k=-1)


def triu_fn(x):
    return np.triu(x, 1)


CASES += [
    RuleCase((np.diag,), diag_of_vector, (uniform(VEC, seed=80),), name="vector"),
    RuleCase((np.diag,), diag_of_vector_k, (uniform(VEC, seed=80),), name="vector"),
    RuleCase((np.diag,), diag_of_matrix, (uniform(MAT, seed=81),), name="matrix"),
    RuleCase((np.diag,), diag_of_matrix_k, (uniform(MAT, seed=81),), name="matrix"),
    RuleCase((np.diag,), diag_of_matrix_k, (uniform((4, 3), seed=81),), name="tall"),
    RuleCase((np.diagflat,), diagflat_fn, (uniform((2, 2), seed=82),)),
    RuleCase((np.diagonal,), diagonal_fn, (uniform(MAT, seed=83),), name="matrix"),
    RuleCase((np.diagonal,), diagonal_fn, (uniform((3, 3, 2), seed=83),), name="3d"),
    RuleCase((np.diagonal,), diagonal_offset_axes, (uniform(CUBE, seed=84),)),
    RuleCase((np.ndarray.diagonal,), diagonal_method, (uniform(MAT, seed=85),)),
    RuleCase((np.trace,), trace_fn, (uniform((3, 3), seed=86),), name="square"),
    RuleCase((np.trace,), trace_fn, (uniform(CUBE, seed=86),), name="3d"),
    RuleCase((np.trace,), trace_fn, (uniform((3, 3), seed=86),), name="float32", extra=F32),
    RuleCase((np.trace,), trace_offset, (uniform(MAT, seed=87),)),
    RuleCase((np.trace,), trace_axes, (uniform(CUBE, seed=87),)),
    RuleCase((np.ndarray.trace,), trace_method, (uniform(MAT, seed=88),)),
    RuleCase((np.tril,), tril_fn, (uniform(MAT, seed=89),), name="matrix"),
    RuleCase((np.tril,), tril_fn, (uniform(CUBE, seed=89),), name="batched"),
    RuleCase((np.tril,), tril_k, (uniform((4, 4), seed=89),)),
    RuleCase((np.triu,), triu_fn, (uniform(MAT, seed=90),), name="matrix"),
    RuleCase((np.triu,), triu_fn, (uniform(CUBE, seed=90),), name="batched"),
]


# ---------------------------------------------------------------------------------------
# Gathers and sorting
# ---------------------------------------------------------------------------------------

def take_flat(x):
    return np.take(x, [0, 3, 3, -1])


def take_axis(x):
    return np.take(x, [[2, 0], [2, 2]], axis=1)


def take_scalar_index(x):
    return np.take(x, 2, axis=0)


def take_wrap(x):
    return np.take(x, [5, -7, 1], mode="wrap")


def take_clip(x):
    return np.take(x, [9, -3, 1], axis=0, mode="clip")


def take_method(x):
    return x.take([1, 1, 0], axis=-1)


def take_along_axis_fn(x):
    return np.take_along_axis(x, np.argsort(x, axis=1), axis=1)


def take_along_axis_repeat(x):
    return np.take_along_axis(x, np.array([[0, 0], [2, 1], [1, 1]]), 1)


def take_along_axis_rows(x):
    return np.take_along_axis(x, np.array([[2, 0, 0, 1]]), axis=0)


def sort_fn(x):
    return np.sort(x) * np.arange(np.shape(x)[-1])


def sort_squared(x):
    return np.sort(x) ** 2


def sort_axis0(x):
    return np.sort(x, axis=0) ** 2


def sort_none(x):
    return np.sort(x, axis=None) * np.linspace(0.0, 1.0, np.size(x))


CASES += [
    RuleCase((np.take,), take_flat, (uniform(MAT, seed=100),), name="matrix"),
    RuleCase((np.take,), take_flat, (uniform(VEC, seed=100),), name="vector"),
    RuleCase((np.take,), take_axis, (uniform(CUBE, seed=101),)),
    RuleCase((np.take,), take_axis, (uniform(CUBE, seed=101),), name="float32", extra=F32),
    RuleCase((np.take,), take_scalar_index, (uniform(MAT, seed=102),)),
    RuleCase((np.take,), take_wrap, (uniform(VEC, seed=103),)),
    RuleCase((np.take,), take_clip, (uniform(MAT, seed=104),)),
    RuleCase((np.ndarray.take,), take_method, (uniform(MAT, seed=105),)),
    RuleCase((np.take_along_axis, np.argsort), take_along_axis_fn, (uniform(MAT, seed=106),)),
    RuleCase((np.take_along_axis,), take_along_axis_repeat, (uniform((3, 3), seed=107),)),
    RuleCase((np.take_along_axis,), take_along_axis_rows, (uniform((3, 4), seed=108),)),
    RuleCase((np.sort,), sort_fn, (uniform(VEC, seed=109),), name="vector"),
    RuleCase((np.sort,), sort_fn, (uniform(MAT, seed=109),), name="matrix"),
    RuleCase((np.sort,), sort_squared, (uniform(VEC, seed=109),), extra=F32),
    RuleCase((np.sort,), sort_axis0, (uniform(CUBE, seed=110),)),
    RuleCase((np.sort,), sort_none, (uniform(MAT, seed=111),)),
]


# ---------------------------------------------------------------------------------------
# Copies, casts, arrays from values
# ---------------------------------------------------------------------------------------

def copy_fn(x):
    return np.copy(x) * x


def copy_order(x):
    return np.copy(x, order="F")


def copy_method(x):
    return x.copy() * 2.0


def astype_float64(x):
    return x.astype(np.float64) ** 2


def astype_string_dtype(x):
    return x.astype("float64", copy=False) * x


def astype_int(x):
    return x.astype(int) * 1.0 + x


def array_of_array(x):
    return np.array(x) * x


def array_dtype(x):
    return np.array(x, dtype=np.float64)


def array_ndmin(x):
    return np.array(x, ndmin=3)


def array_of_list(a, b):
    return np.array([a, b, a * b])


def array_of_scalars(x):
    return np.array([x[0] ** 2, 1.0, x[1] * x[0]])


def asarray_fn(x):
    return np.asarray(x) ** 2


def asarray_dtype(x):
    return np.asarray(x, dtype=float)


def asarray_of_list(a, b):
    return np.asarray((a, b))


def asanyarray_fn(x):
    return np.asanyarray(x) * x


def ascontiguousarray_fn(x):
    return np.ascontiguousarray(x.T)


def asfortranarray_fn(x):
    return np.asfortranarray(x) + 1.0


def item_fn(x):
    return x.item() * 2.0


def item_index(x):
    return x.item(3) ** 2 + x.item(1, 2)


def full_fn(c):
    return np.full((2, 3), c)


def full_array(c):
    return np.full((4, 3), c) * np.arange(3.0)


def full_dtype(c):
    return np.full(3, c, dtype=np.float64)


def full_like_fn(x, c):
    return np.full_like(x, c) * x


def linspace_fn(a, b):
    return np.linspace(a, b, 5)


def linspace_no_end(a, b):
    return np.linspace(a, b, num=4, endpoint=False)


def linspace_arrays(a, b):
    return np.linspace(a, b, 3, axis=-1)


def linspace_start_only(a):
    return np.linspace(a, 1.0, 6) ** 2


def arange_start(x):
    return np.arange(x, x + 3.0) ** 2


def arange_start_step(start, step):
    return np.arange(start, 2.0, step) ** 2


def arange_stop_only(stop):
    return np.arange(stop) * stop


CASES += [
    RuleCase((np.arange,), arange_start, (0.3,)),
    RuleCase((np.arange,), arange_start, (uniform((), seed=205),), name="0d", extra=F32),
    RuleCase((np.arange,), arange_start_step, (0.25, 0.4), wrt=(0, 1)),
    RuleCase((np.arange,), arange_stop_only, (4.5,)),
]

CASES += [
    RuleCase((np.copy,), copy_fn, (uniform(MAT, seed=120),)),
    RuleCase((np.copy,), copy_order, (uniform(MAT, seed=120),), name="order"),
    RuleCase((np.ndarray.copy,), copy_method, (uniform(VEC, seed=121),)),
    RuleCase((np.ndarray.astype,), astype_float64, (uniform(MAT, seed=123),), extra=F32),
    RuleCase((np.ndarray.astype,), astype_string_dtype, (uniform(VEC, seed=122),)),
    RuleCase((np.ndarray.astype,), astype_int, (uniform(VEC, seed=124),)),
    RuleCase((np.array,), array_of_array, (uniform(MAT, seed=125),)),
    RuleCase((np.array,), array_dtype, (uniform(VEC, seed=126),), extra=F32),
    RuleCase((np.array,), array_ndmin, (uniform(VEC, seed=127),)),
    RuleCase((np.array,), array_of_list, (uniform(VEC, seed=128), uniform(VEC, seed=129)),
             wrt=(0, 1), extra=LIST),
    RuleCase((np.array,), array_of_scalars, (uniform((2,), seed=130),), extra=LIST),
    RuleCase((np.asarray,), asarray_fn, (uniform(MAT, seed=131),)),
    RuleCase((np.asarray,), asarray_fn, (uniform("float", seed=203),), name="float"),
    RuleCase((np.asarray,), asarray_dtype, (uniform(MAT, seed=132),), extra=F32),
    RuleCase((np.asarray,), asarray_of_list, (uniform(VEC, seed=133), uniform(VEC, seed=134)),
             wrt=(0, 1), extra=LIST),
    RuleCase((np.asanyarray,), asanyarray_fn, (uniform(VEC, seed=135),)),
    RuleCase((np.ascontiguousarray,), ascontiguousarray_fn, (uniform(MAT, seed=136),)),
    RuleCase((np.asfortranarray,), asfortranarray_fn, (uniform(MAT, seed=137),)),
    RuleCase((np.ndarray.item,), item_fn, (uniform((1, 1), seed=138),)),
    RuleCase((np.ndarray.item,), item_index, (uniform(MAT, seed=139),)),
    RuleCase((np.full,), full_fn, (uniform("float", seed=204),), name="float"),
    RuleCase((np.full,), full_fn, (uniform((), seed=140),), name="0d"),
    RuleCase((np.full,), full_array, (uniform((3,), seed=141),), name="broadcast"),
    RuleCase((np.full,), full_dtype, (uniform((), seed=142),), extra=F32),
    RuleCase((np.full,), full_fn, (uniform((), seed=142),), name="float32", extra=F32),
    RuleCase((np.full_like,), full_like_fn, (uniform(MAT, seed=143), 0.7), wrt=(0, 1)),
    RuleCase((np.linspace,), linspace_fn, (0.3, 2.0), wrt=(0, 1), name="floats"),
    RuleCase((np.linspace,), linspace_no_end, (uniform((), seed=144), uniform((), seed=145)),
             wrt=(0, 1)),
    RuleCase((np.linspace,), linspace_arrays, (uniform((2,), seed=146), uniform((3, 2), seed=147)),
             wrt=(0, 1)),
    RuleCase((np.linspace,), linspace_start_only, (0.4,)),
    RuleCase((np.linspace,), linspace_arrays, (uniform((2,), seed=148), uniform((2,), seed=149)),
             wrt=(0, 1), name="float32", extra=F32),
]


# ---------------------------------------------------------------------------------------
# No derivative: the result passes through, its derivative is zero
# ---------------------------------------------------------------------------------------

def nd_argmax(x):
    return np.argmax(x) * 1.0


def nd_argmin(x):
    return np.argmin(x, axis=0) * 1.0


def nd_argsort(x):
    return np.argsort(x) * 1.0


def nd_method_positions(x):
    return (x.argmax() + x.argmin() + x.argsort()[0] + x.nonzero()[0][0]) * 1.0


def nd_nonzero(x):
    return np.nonzero(x > 0.0)[0] * 1.0


def nd_flatnonzero(x):
    return np.flatnonzero(x > 0.0) * 1.0


def nd_argwhere(x):
    return np.argwhere(x > 0.0) * 1.0


def nd_count_nonzero(x):
    return np.count_nonzero(x > 0.0) * 1.0


def nd_searchsorted(x):
    return np.searchsorted(np.array([-1.0, 0.0, 1.0]), x) * 1.0


def nd_digitize(x):
    return np.digitize(x, np.array([-1.0, 0.0, 1.0])) * 1.0


def nd_constructors(x):
    n = np.shape(x)[0]
    return (np.zeros(n) + np.ones(n) + np.arange(n) + np.eye(n)[0] + np.identity(n)[1]
            + np.tri(n)[-1] + np.zeros_like(x) + np.ones_like(x) + 0.0 * np.empty(n).size
            + 0.0 * np.empty_like(x).size)   # .size: empty arrays hold anything, NaN too


def nd_index_builders(x):
    n = np.shape(x)[0]
    rows, cols = np.triu_indices(n)
    lower, _ = np.tril_indices(n)
    diag, _ = np.diag_indices(n)
    flat = np.ravel_multi_index((rows, cols), (n, n))
    first, _ = np.unravel_index(flat, (n, n))
    grid = np.indices((2, 2))
    return (np.sum(rows) + np.sum(lower) + np.sum(diag) + np.sum(first) + np.sum(grid)) * 1.0


def nd_shape_queries(x):
    return (np.shape(x)[0] + np.ndim(x) + np.size(x) + len(x) + x.shape[1] + x.ndim + x.size) * 1.0


def nd_value_tests(x):
    return (np.isnan(x) * 1.0 + np.isinf(x) + np.isfinite(x) + np.isclose(x, 0.5)
            + np.allclose(x, x) + np.array_equal(x, x))


def nd_random(x):
    np.random.seed(0)
    n = np.shape(x)[0]
    return (np.random.rand(n) + np.random.randn(n) + np.random.standard_normal(n)
            + np.random.random(n) + np.random.random_sample(n) + np.random.randint(0, 3, size=n)
            + x * 0.0)


def nd_index_expressions(x):
    k = x.astype(int)[0]        # an index that varies with x (an integer: derivative zero)
    return x[np.s_[k]] * x + x[np.index_exp[k][0]] + x[np.s_[np.argmax(x):]][0]


def nd_sign(x):
    return np.sign(x)


CASES += [
    RuleCase((np.argmax,), nd_argmax, (uniform(MAT, seed=150),), differentiable=False),
    RuleCase((np.argmin,), nd_argmin, (uniform(MAT, seed=151),), differentiable=False),
    RuleCase((np.argsort,), nd_argsort, (uniform(VEC, seed=152),), differentiable=False),
    RuleCase((np.ndarray.argmax, np.ndarray.argmin, np.ndarray.argsort, np.ndarray.nonzero),
             nd_method_positions, (uniform(VEC, low=0.5, seed=153),), differentiable=False),
    RuleCase((np.nonzero,), nd_nonzero, (uniform(VEC, seed=154),), differentiable=False),
    RuleCase((np.flatnonzero,), nd_flatnonzero, (uniform(MAT, seed=155),), differentiable=False),
    RuleCase((np.argwhere,), nd_argwhere, (uniform(MAT, seed=156),), differentiable=False),
    RuleCase((np.count_nonzero,), nd_count_nonzero, (uniform(MAT, seed=157),), differentiable=False),
    RuleCase((np.searchsorted,), nd_searchsorted, (uniform(VEC, seed=158),), differentiable=False),
    RuleCase((np.digitize,), nd_digitize, (uniform(VEC, seed=159),), differentiable=False),
    RuleCase((np.zeros, np.ones, np.eye, np.identity, np.tri, np.zeros_like,
              np.ones_like, np.empty, np.empty_like), nd_constructors, (uniform((3,), seed=160),),
             differentiable=False),
    RuleCase((np.triu_indices, np.tril_indices, np.diag_indices, np.ravel_multi_index,
              np.unravel_index, np.indices), nd_index_builders, (uniform((3,), seed=161),),
             differentiable=False),
    RuleCase((np.shape, np.ndim, np.size, len, np.ndarray.shape, np.ndarray.ndim,
              np.ndarray.size), nd_shape_queries, (uniform(MAT, seed=162),), differentiable=False),
    RuleCase((np.isnan, np.isinf, np.isfinite, np.isclose, np.allclose, np.array_equal),
             nd_value_tests, (uniform(MAT, seed=163),), differentiable=False),
    RuleCase((np.random.rand, np.random.randn, np.random.standard_normal, np.random.random,
              np.random.random_sample, np.random.randint),
             nd_random, (uniform((3,), seed=164),), differentiable=False),
    RuleCase((np.s_, np.index_exp), nd_index_expressions, (uniform((3,), 0.2, 0.9, seed=166),)),
    RuleCase((np.sign,), nd_sign, (uniform(MAT, seed=165),), differentiable=False),
]


# ---------------------------------------------------------------------------------------
# The helpers' own rules (the code generated for the rules above calls these helpers; their
# rules let that code be differentiated again)
# ---------------------------------------------------------------------------------------

from srcad.rules.shape_helpers import (  # noqa: E402
    arange_slope, array_jvp, array_vjp, astype_jvp, astype_vjp, concatenate_vjp,
    concatenator_jvp, concatenator_vjp, diag_vjp, diagonal_vjp,
    expand_to_shape, item_of, item_vjp, linspace_weights, meshgrid_jvp, meshgrid_vjp,
    pad_constant_jvp, pad_constant_vjp, pad_vjp, repeat_vjp, restack, sort_jvp, sort_vjp,
    sorted_jvp, sorted_vjp, stack_vjp, stacked_vjp, sum_to_shape, take_along_axis_vjp, take_vjp,
    tile_vjp, trace_vjp,
)

X23 = uniform((2, 3), seed=300)
X33 = uniform((3, 3), seed=301)
X234 = uniform((2, 3, 4), seed=302)


def h_sum_to_shape(g):
    return sum_to_shape(g, np.ones((3, 1)))


def h_expand_to_shape(t):
    return expand_to_shape(t, X234)


def h_astype_jvp(t):
    return astype_jvp(t, X23)


def h_astype_jvp_int(t):
    return astype_jvp(t, np.ones((2, 3), dtype=int))


def h_astype_vjp(g):
    return astype_vjp(g, X23, X23)


def h_array_jvp(t):
    return array_jvp(t, np.ones((1, 2, 3)))


def h_array_vjp(g):
    return array_vjp(g, X23, np.ones((1, 2, 3)))


def h_concatenate_vjp(g):
    parts = concatenate_vjp(g, [X23, np.ones((1, 3))], 0)
    return parts[0] * 2.0 + np.sum(parts[1])


def h_stack_vjp(g):
    parts = stack_vjp(g, [X23, X23], -1)
    return parts[0] * parts[1]


def h_stacked_vjp(g):
    parts = stacked_vjp(g, [np.ones(3), X23], "vstack")
    return np.sum(parts[0] ** 2) + np.sum(parts[1])


def h_restack(a, b):
    return restack([a, b], "hstack")


def h_tile_vjp(g):
    return tile_vjp(g, X23, (2, 1, 2))


def h_repeat_vjp(g):
    return repeat_vjp(g, X23, 2)


def h_repeat_vjp_counts(g):
    return repeat_vjp(g, uniform((3, 2), seed=303), [1, 0, 2], 0)


def h_pad_vjp(g):
    return pad_vjp(g, X23, 2)


def h_pad_vjp_reflect(g):
    return pad_vjp(g, X23, ((1, 1), (2, 2)), "reflect")


def h_pad_constant_vjp(g):
    return pad_constant_vjp(g, X23, 1, 0.0)


def h_pad_constant_jvp(t):
    return pad_constant_jvp(t, X23, 1)


def h_diag_vjp_of_vector(g):
    return diag_vjp(g, np.ones(3), 0)


def h_diag_vjp_of_matrix(g):
    return diag_vjp(g, X23, 1)


def h_diagonal_vjp(g):
    return diagonal_vjp(g, X234, -1, 1, 2)


def h_trace_vjp(g):
    return trace_vjp(g, X234, 0, 0, 2)


def h_take_vjp(g):
    return take_vjp(g, X23, [[0, 2], [5, 5]])


def h_take_vjp_axis(g):
    return take_vjp(g, X23, [2, 0, 2], 1, "wrap")


def h_take_along_axis_vjp(g):
    return take_along_axis_vjp(g, X23, np.array([[0, 0], [2, 1]]), 1)


def h_sort_jvp(t):
    return sort_jvp(t, X23, 1)


def h_sort_vjp(g):
    return sort_vjp(g, X23, None)


def h_item_vjp(g):
    return item_vjp(g, X23, (1, 2))


def h_item_of(t):
    return item_of(t, (4,)) ** 2


def h_linspace_weights(x):
    return linspace_weights(x, 3, True, 0, 1)


def h_arange_slope(x):
    return arange_slope(x, "step") + arange_slope(x, "start", 4.0)


MESH_XI = (np.ones(3), np.ones(4))
MESH_LIKE = np.meshgrid(*MESH_XI, indexing="ij")


def h_meshgrid_vjp(a, b):
    return meshgrid_vjp([a, b], MESH_XI, 0, "xy") ** 2 + np.sum(meshgrid_vjp([a, b], MESH_XI, 1))


def h_meshgrid_jvp(t):
    grids = meshgrid_jvp(t, MESH_XI, 1, MESH_LIKE, "ij")
    return grids[1] ** 2 + grids[0]


SORTED_ITEMS = np.array([0.3, -0.9, 0.1, 0.7])


def h_sorted_jvp(t, a, b):
    s = sorted_jvp(t, SORTED_ITEMS, None, True)
    pair = sorted_jvp([a, b], [0.5, -0.5], abs)
    return s[0] * s[1] + s[3] ** 2 + pair[0] * pair[1] ** 2


def h_sorted_vjp(a, b, c):
    """The cotangent of sorted's result is a list (one per item)."""
    first, second = sorted_vjp([a, b * 2.0], [0.5, -0.5])
    return sorted_vjp([a, b, c * a, c], SORTED_ITEMS, abs) ** 2 + first * second


R_ITEMS = (np.ones(2), 0.5, slice(0, 3), np.ones(1))      # np.r_[...] has 7 elements
C_ITEMS = (np.ones(2), X23, 0.5 * np.ones((2, 1)))        # np.c_[...] is 2 x 5


def h_concatenator_vjp(g, h):
    return concatenator_vjp(g, R_ITEMS, 3, "r_") * concatenator_vjp(g, R_ITEMS, 1, "r_") \
        + np.sum(concatenator_vjp(h, C_ITEMS, 1, "c_") ** 2)


def h_concatenator_jvp(t, s):
    return concatenator_jvp(t, R_ITEMS, 0, np.ones(7), "r_") ** 2 \
        + np.sum(concatenator_jvp(s, C_ITEMS, 0, np.ones((2, 5)), "c_") ** 2)


CASES += [
    RuleCase((sum_to_shape,), h_sum_to_shape, (uniform((2, 3, 4), seed=310),)),
    RuleCase((expand_to_shape,), h_expand_to_shape, (uniform((3, 1), seed=311),)),
    RuleCase((astype_jvp,), h_astype_jvp, (uniform((2, 3), seed=312),)),
    RuleCase((astype_jvp,), h_astype_jvp_int, (uniform((2, 3), seed=312),), name="int"),
    RuleCase((astype_vjp,), h_astype_vjp, (uniform((2, 3), seed=313),)),
    RuleCase((array_jvp,), h_array_jvp, (uniform((2, 3), seed=314),)),
    RuleCase((array_vjp,), h_array_vjp, (uniform((1, 2, 3), seed=315),)),
    RuleCase((concatenate_vjp,), h_concatenate_vjp, (uniform((3, 3), seed=316),), extra=SEQ),
    RuleCase((stack_vjp,), h_stack_vjp, (uniform((2, 3, 2), seed=317),), extra=SEQ),
    RuleCase((stacked_vjp,), h_stacked_vjp, (uniform((3, 3), seed=318),), extra=SEQ),
    RuleCase((restack,), h_restack, (uniform((2, 2), seed=319), uniform((2, 3), seed=320)),
             wrt=(0, 1), extra=LIST),
    RuleCase((tile_vjp,), h_tile_vjp, (uniform((2, 2, 6), seed=321),)),
    RuleCase((repeat_vjp,), h_repeat_vjp, (uniform((12,), seed=322),)),
    RuleCase((repeat_vjp,), h_repeat_vjp_counts, (uniform((3, 2), seed=323),), name="counts"),
    RuleCase((pad_vjp,), h_pad_vjp, (uniform((6, 7), seed=324),)),
    RuleCase((pad_vjp,), h_pad_vjp_reflect, (uniform((4, 7), seed=325),), name="reflect"),
    RuleCase((pad_constant_vjp,), h_pad_constant_vjp, (uniform((4, 5), seed=326),)),
    RuleCase((pad_constant_jvp,), h_pad_constant_jvp, (uniform("float", seed=327),)),
    RuleCase((diag_vjp,), h_diag_vjp_of_vector, (uniform((3, 3), seed=328),)),
    RuleCase((diag_vjp,), h_diag_vjp_of_matrix, (uniform((2,), seed=329),), name="matrix"),
    RuleCase((diagonal_vjp,), h_diagonal_vjp, (uniform((2, 2), seed=330),)),
    RuleCase((trace_vjp,), h_trace_vjp, (uniform((3,), seed=331),)),
    RuleCase((take_vjp,), h_take_vjp, (uniform((2, 2), seed=332),)),
    RuleCase((take_vjp,), h_take_vjp_axis, (uniform((2, 3), seed=333),), name="axis"),
    RuleCase((take_along_axis_vjp,), h_take_along_axis_vjp, (uniform((2, 2), seed=334),)),
    RuleCase((sort_jvp,), h_sort_jvp, (uniform((2, 3), seed=335),)),
    RuleCase((sort_vjp,), h_sort_vjp, (uniform((6,), seed=336),)),
    RuleCase((item_vjp,), h_item_vjp, (uniform("float", seed=337),)),
    RuleCase((item_of,), h_item_of, (uniform((2, 3), seed=338),)),
    RuleCase((linspace_weights,), h_linspace_weights, (uniform((3,), seed=339),),
             differentiable=False),
    RuleCase((arange_slope,), h_arange_slope, (uniform((3,), seed=340),), differentiable=False),
    RuleCase((meshgrid_vjp,), h_meshgrid_vjp, (uniform((4, 3), seed=345), uniform((4, 3), seed=346)),
             wrt=(0, 1), extra=LIST),
    RuleCase((meshgrid_jvp,), h_meshgrid_jvp, (uniform((4,), seed=347),), extra=SEQ),
    RuleCase((sorted_jvp,), h_sorted_jvp, (uniform((4,), seed=348), 0.3, -0.8), wrt=(0, 1, 2),
             extra=SEQ),
    RuleCase((sorted_vjp,), h_sorted_vjp, (0.6, 0.3, -0.8), wrt=(0, 1, 2), extra=LIST),
    RuleCase((concatenator_vjp,), h_concatenator_vjp,
             (uniform((7,), seed=341), uniform((2, 5), seed=343)), wrt=(0, 1)),
    RuleCase((concatenator_jvp,), h_concatenator_jvp,
             (uniform((2,), seed=342), uniform((2,), seed=344)), wrt=(0, 1)),
]
