"""What the dependency mode's generated code calls: `Deps`, which input elements each
element of a value depends on, and one helper per kind of rule structure (rules/structure.py).

A `Deps` holds, for a value of shape `shape`, a Boolean sparse matrix `rows` of shape
(value size, number of inputs): row k lists the input elements element k depends on
(None: no dependency at all). Moves are computed by calling the very same operation on an
array of element ids (1, 2, ...; 0 for "no element") and gathering the rows it picked.
SciPy is imported when a pattern is first built.
"""
import numpy as np


def _sparse():
    try:
        import scipy.sparse
    except ImportError:   # pragma: no cover - scipy is in the test extra
        from .errors import SrcadError
        raise SrcadError("sparsity patterns and sparse Jacobians need SciPy: pip install scipy") from None
    return scipy.sparse


class Deps:
    """The dependencies of a value of shape `shape` (see the module docstring)."""

    __slots__ = ("shape", "rows")

    def __init__(self, shape, rows):
        self.shape, self.rows = tuple(shape), rows

    @property
    def size(self):
        return int(np.prod(self.shape, dtype=np.int64))

    def ids(self, first=1):
        """This value's element ids, `first` onwards, in its shape."""
        return np.arange(first, first + self.size, dtype=np.int64).reshape(self.shape)

    def copy(self):
        return Deps(self.shape, self.rows)   # rows are never written in place

    def __getitem__(self, index):
        return moved_deps(lambda ids: ids[index], self)

    def __setitem__(self, index, value):
        value = value if isinstance(value, Deps) else no_deps(value)
        written = _gather([self, value], _written_ids(self, index, value))
        self.rows = written.rows

    def __repr__(self):
        entries = 0 if self.rows is None else self.rows.nnz
        return f"<Deps of shape {self.shape}: {entries} dependencies>"


def _written_ids(deps, index, value):
    ids = deps.ids().copy()
    ids[index] = value.ids(deps.size + 1)
    return ids


def input_deps(value, first, columns):
    """The dependencies of input `value`, whose elements are columns `first`, `first + 1`, ...
    of `columns`."""
    sparse = _sparse()
    size = int(np.size(value))
    rows = sparse.csr_array((np.ones(size, bool), np.arange(first, first + size),
                             np.arange(size + 1)), shape=(size, columns))
    return Deps(np.shape(value), rows)


def no_deps(value):
    """The dependencies of a value that depends on no input (a list: of each item)."""
    if isinstance(value, (list, tuple)):
        return [no_deps(v) for v in value]
    return Deps(np.shape(value), None)


def _columns(deps):
    return next((d.rows.shape[1] for d in deps if d.rows is not None), None)


def _flat(values):
    """The `Deps` in `values` (nested lists flattened), in order."""
    for value in values:
        if isinstance(value, (list, tuple)):
            yield from _flat(value)
        else:
            yield value


def _gather(deps, ids):
    """A `Deps` shaped like `ids`, whose element k has the rows of element ids[k] of the
    concatenation of `deps` (ids from 1; 0: no dependency)."""
    columns = _columns(deps)
    ids = np.asarray(ids)
    if columns is None:
        return Deps(ids.shape, None)
    sparse = _sparse()
    stacked = sparse.vstack([d.rows if d.rows is not None else sparse.csr_array((d.size, columns), dtype=bool)
                             for d in deps], format="csr")
    flat = ids.ravel()
    (picked,) = np.nonzero(flat > 0)
    select = sparse.csr_array((np.ones(picked.size, bool), (picked, flat[picked] - 1)),
                              shape=(flat.size, stacked.shape[0]))
    return Deps(ids.shape, select @ stacked)


def union_deps(*deps):
    """Element by element union of dependencies of the same shape."""
    present = [d.rows for d in deps if d.rows is not None]
    if not present:
        return deps[0]
    total = present[0]
    for rows in present[1:]:
        total = total + rows
    return Deps(deps[0].shape, total)


def broadcast_deps(deps, like):
    """`deps` broadcast to the shape of `like`."""
    shape = np.shape(like)
    if deps.shape == shape or deps.rows is None:
        return Deps(shape, deps.rows)
    return _gather([deps], np.broadcast_to(deps.ids(), shape))


def elementwise_deps(ans, *deps):
    """An elementwise operation: the union of its operands' dependencies, broadcast."""
    return union_deps(*[broadcast_deps(d, ans) for d in deps])


def moved_deps(operation, *deps):
    """An operation that only moves elements: `operation` run on element ids (a list of
    `Deps` gives a list of ids) tells where each element of its result comes from. Anything
    else than ids of its inputs (it computed with them) makes the result depend on all
    of them."""
    flat, first = list(_flat(deps)), [1]

    def ids_of(value):
        if isinstance(value, (list, tuple)):
            return [ids_of(v) for v in value]
        ids = value.ids(first[0])
        first[0] += value.size
        return ids
    moved = operation(*[ids_of(d) for d in deps])
    outputs = moved if isinstance(moved, (list, tuple)) else [moved]
    if not all(_are_ids(o, first[0]) for o in outputs):
        return dense_deps(moved, *flat)
    results = [_gather(flat, np.asarray(o).astype(np.int64)) for o in outputs]
    return results if isinstance(moved, (list, tuple)) else results[0]


def _are_ids(value, end):
    value = np.asarray(value)
    if value.dtype.kind not in "iuf" or value.size == 0:
        return value.size == 0
    return bool(np.all((value >= 0) & (value < end) & (value == np.round(value))))


def dense_deps(ans, *deps):
    """Every element of `ans` (each, for a list) depends on everything `deps` depend on."""
    if isinstance(ans, (list, tuple)):
        return [dense_deps(a, *deps) for a in ans]
    flat = list(_flat(deps))
    columns = _columns(flat)
    shape = np.shape(ans)
    if columns is None:
        return Deps(shape, None)
    sparse = _sparse()
    everything = np.unique(np.concatenate([d.rows.indices for d in flat if d.rows is not None]))
    size = int(np.prod(shape, dtype=np.int64))
    rows = sparse.csr_array((np.ones(size * everything.size, bool), np.tile(everything, size),
                             np.arange(size + 1) * everything.size), shape=(size, columns))
    return Deps(shape, rows)


def _axes(axis, ndim):
    if axis is None:
        return tuple(range(ndim))
    return tuple(sorted({int(a) % ndim for a in np.atleast_1d(axis)})) if ndim else ()


def reduce_deps(deps, axis=None, keepdims=False):
    """A reduction over `axis`: each result element depends on its whole reduced slice."""
    axes = _axes(axis, len(deps.shape))
    kept = [d for d in range(len(deps.shape)) if d not in axes]
    shape = tuple(1 if d in axes else n for d, n in enumerate(deps.shape)) if keepdims \
        else tuple(deps.shape[d] for d in kept)
    if deps.rows is None:
        return Deps(shape, None)
    sparse = _sparse()
    groups = np.transpose(deps.ids(0), kept + list(axes)).reshape(
        int(np.prod([deps.shape[d] for d in kept], dtype=np.int64)), -1)
    outputs, length = groups.shape
    select = sparse.csr_array((np.ones(groups.size, bool), groups.ravel(),
                               np.arange(outputs + 1) * length), shape=(outputs, deps.size))
    return Deps(shape, select @ deps.rows)


def cumulative_deps(deps, axis, ans):
    """A cumulative sum or product: each element depends (at most) on its whole slice."""
    if axis is None:
        return dense_deps(ans, deps)
    return broadcast_deps(reduce_deps(deps, axis, keepdims=True), ans)


def diagonal_deps(deps, offset=0, axis1=0, axis2=1):
    return moved_deps(lambda ids: np.diagonal(ids, offset, axis1, axis2), deps)


def diff_deps(n, axis, a, prepend=None, append=None):
    """``np.diff(a, n, axis, prepend, append)``: element k depends on elements k ... k + n of
    the joined array along `axis` (each of `a`, `prepend`, `append` a `Deps` or a value
    without dependencies)."""
    a = a if isinstance(a, Deps) else no_deps(a)
    axis = int(axis) % len(a.shape)
    edge = a.shape[:axis] + (1,) + a.shape[axis + 1:]   # where numpy puts a scalar prepend/append
    parts = [p if isinstance(p, Deps) else no_deps(p) for p in (prepend, a, append) if p is not None]
    joined = moved_deps(lambda *ids: np.concatenate(
        [np.broadcast_to(i, edge) if np.ndim(i) == 0 else i for i in ids], axis), *parts)
    before = (slice(None),) * axis
    for _ in range(int(n)):
        joined = union_deps(joined[before + (slice(1, None),)], joined[before + (slice(None, -1),)])
    return joined


def unbroadcast_deps(deps, like):
    """`unbroadcast(value, like)`: sums over the axes broadcasting added to `like`'s shape."""
    shape = np.shape(like)
    lead = len(deps.shape) - len(shape)
    reduced = reduce_deps(deps, tuple(range(lead))) if lead > 0 else deps
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and reduced.shape[i] != 1)
    if stretched:
        reduced = reduce_deps(reduced, stretched, keepdims=True)
    return Deps(shape, reduced.rows)


def matmul_deps(deps, x, y, ans, side):
    """``x @ y``: a result element depends on its row of `x` and its column of `y` (not on
    which of their products are zero)."""
    if np.ndim(x) == 0 or np.ndim(y) == 0:
        return broadcast_deps(deps, ans)
    if side == "x":
        rows = reduce_deps(deps, -1, keepdims=np.ndim(y) > 1 and np.ndim(x) > 1)
    else:
        rows = reduce_deps(deps, -2 if np.ndim(y) > 1 else None, keepdims=np.ndim(x) > 1 and np.ndim(y) > 1)
    return broadcast_deps(rows, ans)


def pattern_of(deps, columns):
    """The Boolean sparse matrix (value size, `columns`) of `deps` (of a tuple: stacked)."""
    sparse = _sparse()
    parts = [d.rows if d.rows is not None else sparse.csr_array((d.size, columns), dtype=bool)
             for d in _flat(deps if isinstance(deps, (list, tuple)) else [deps])]
    return sparse.csr_array(sparse.vstack(parts, format="csr")) if len(parts) > 1 else parts[0].tocsr()


RUNTIME_NAMES = ("no_deps", "union_deps", "broadcast_deps", "elementwise_deps", "moved_deps",
                 "dense_deps", "reduce_deps", "cumulative_deps", "diagonal_deps", "diff_deps",
                 "unbroadcast_deps", "matmul_deps")
