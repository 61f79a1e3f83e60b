"""Sparse Jacobians and Hessians: pattern from the dependency mode, coloring, one
compressed vector-mode sweep, decompression into ``scipy.sparse.csr_array``.

A Jacobian with a few entries per row costs as many forward sweeps as its columns have
colors (or reverse sweeps as its rows have), whatever its size. The pattern comes from
``srcad.jacobian_sparsity`` (dependency mode, dependency.py) or from the user
(``sparsity=``); patterns and colorings are cached per input shape (see `plan_key`)
and verified at each reuse by one more direction in the same sweep.
"""
from dataclasses import dataclass

import numpy as np

from . import coloring
from .api import _normalize_wrt, _plain_function, bind_call, check_inputs
from .dependencies import _sparse, input_deps, pattern_of
from .errors import InputError, SrcadError

JACOBIAN_MODES = ("auto", "forward", "reverse")
HESSIAN_COLORINGS = ("star", "column")


def _derivative(function, mode, indices, as_tuple, args):
    from .matrices import derivative
    return derivative(function, mode, indices, as_tuple, args)


def _sizes(args, indices):
    return [int(np.size(args[i])) for i in indices]


def _as_tuple(value):
    return value if isinstance(value, tuple) else (value,)


def dependency_pattern(function, indices, args, keywords=None):
    """The Boolean (output size, input size) pattern of `function` at `args`, from its
    dependency mode (outputs of a tuple stacked, inputs of a tuple `indices` side by side)."""
    columns = sum(_sizes(args, indices))
    deps, first = [], 0
    for i in indices:
        deps.append(input_deps(args[i], first, columns))
        first += int(np.size(args[i]))
    code = _derivative(function, "deps", indices, False, args)
    _, out = code(*args, *deps, **(keywords or {}))
    return pattern_of(list(out) if isinstance(out, tuple) else out, columns)


def dependency_code(f, wrt=0, compile=None):
    """The generated dependency-mode function of `f` (``srcad show --mode deps``)."""
    if compile:
        raise SrcadError("the dependency mode is not compiled: leave out compile= (--compile)")
    indices, _ = _normalize_wrt(wrt)
    return _derivative(_plain_function(f), "deps", indices, False, ())


def _gradient(function, indices, args):
    return _derivative(function, "grad", indices, True, args)


def hessian_pattern(function, indices, args, keywords=None):
    """The symmetric pattern of the Hessian: the dependencies of srcad's gradient code."""
    pattern = dependency_pattern(_gradient(function, indices, args), indices, args, keywords)
    return _sparse().csr_array(pattern + pattern.T)


def _prepared(function, args, kwargs, indices, what):
    from .matrices import arrays_only
    arguments, keywords = bind_call(function, args, kwargs)
    check_inputs(function, arguments, indices)
    arrays_only(function, arguments, indices, what)
    return arguments, keywords


def jacobian_sparsity(f, wrt=0):
    """``jacobian_sparsity(f, wrt=0)(*args)``: the sparsity pattern of the Jacobian, a
    Boolean ``scipy.sparse.csr_array`` of shape (output size, input size), inputs and
    outputs flattened in C order (several `wrt` side by side, several outputs stacked).

    Found by running f's dependency mode on `args`: exact for elementwise operations,
    indexing, slicing, reshapes and concatenation, a superset elsewhere; for code with
    branches, the pattern of the branches these inputs take."""
    return _pattern_function(f, wrt, "jacobian_sparsity", dependency_pattern)


def hessian_sparsity(f, wrt=0):
    """``hessian_sparsity(f, wrt=0)(*args)``: the symmetric sparsity pattern of the Hessian
    (a superset of it: the pattern of the Jacobian of srcad's gradient code, symmetrized)."""
    return _pattern_function(f, wrt, "hessian_sparsity", hessian_pattern)


def _pattern_function(f, wrt, what, pattern):
    """``what(f, wrt)``: the function of f's arguments that returns `pattern` at them."""
    indices, _ = _normalize_wrt(wrt)
    function = _plain_function(f)

    def sparsity_function(*args, **kwargs):
        arguments, keywords = _prepared(function, args, kwargs, indices, what)
        return pattern(function, indices, arguments, keywords)
    sparsity_function.__name__ = f"{what}_of_{function.__name__}"
    return sparsity_function


@dataclass
class Plan:
    """A pattern, how its entries are recovered ("forward", "reverse", "star") and the
    color of each column (row, for "reverse")."""

    pattern: object
    method: str
    colors: np.ndarray

    @property
    def count(self):
        return int(self.colors.max()) + 1 if self.colors.size else 0


def jacobian_plan(pattern, mode="auto", order="saturation"):
    """Column coloring for forward mode, row coloring for reverse, or the one with fewer
    colors ("auto", forward on a tie; rows are not colored when they cannot need fewer
    colors than the columns have: a column's entries all need different row colors)."""
    if mode in ("auto", "forward"):
        forward = Plan(pattern, "forward", coloring.column_coloring(pattern, order))
        column_entries = np.bincount(pattern.indices, minlength=pattern.shape[1])
        if mode == "forward" or forward.count <= column_entries.max(initial=0):
            return forward
    reverse = Plan(pattern, "reverse", coloring.row_coloring(pattern, order))
    return reverse if mode == "reverse" or reverse.count < forward.count else forward


def hessian_plan(pattern, method="star", order="smallest_last"):
    if method == "star":
        return Plan(pattern, "star", coloring.star_coloring(pattern, order))
    return Plan(pattern, "column", coloring.column_coloring(pattern, order))


def _split_directions(matrix, args, indices):
    """Cut (k, n) directions into one (k,) + shape array per differentiated argument."""
    pieces, start = [], 0
    for i in indices:
        size = int(np.size(args[i]))
        pieces.append(matrix[:, start:start + size].reshape((matrix.shape[0],) + np.shape(args[i])))
        start += size
    return pieces


def _flat_rows(values, count):
    return np.concatenate([np.asarray(v).reshape(count, -1) for v in values], axis=1)


def dense_direction(size, seed=0):
    """A direction with every component away from zero (random sizes and signs)."""
    rng = np.random.default_rng(seed)
    return rng.uniform(0.5, 1.5, size) * rng.choice([-1.0, 1.0], size)


def _with_probe(seeds, probe):
    return seeds if probe is None else np.vstack([seeds, probe[None, :]])


def colored_jacobian(function, indices, args, keywords, plan, probe=None):
    """The Jacobian on `plan`'s pattern from one vector-mode sweep with a direction per
    color, and, with a `probe` direction, that direction's exact product in the same
    sweep (J @ probe forward, probe @ J reverse): (matrix, product or None)."""
    sparse = _sparse()
    m, n = plan.pattern.shape
    if plan.count == 0 and probe is None:
        return sparse.csr_array((m, n)), None
    seeds = _with_probe(coloring.seeds(plan.colors, plan.count), probe)
    if plan.method == "forward":
        code = _derivative(function, "jvp_batch", indices, False, args)
        _, tangent = code(*args, *_split_directions(seeds, args, indices), **keywords)
        compressed = np.asarray(tangent).reshape(len(seeds), m)
        matrix = coloring.decompress_columns(plan.pattern, plan.colors, compressed)
    else:
        value = function(*args, **keywords)
        code = _derivative(function, "vjp_batch", indices, True, args)
        _, cotangents = code(*args, seeds.reshape((len(seeds),) + np.shape(value)), **keywords)
        compressed = _flat_rows(cotangents, len(seeds))
        matrix = coloring.decompress_rows(plan.pattern, plan.colors, compressed)
    return matrix, None if probe is None else compressed[-1]


def colored_hessian(function, indices, args, keywords, plan, probe=None):
    """The Hessian on `plan`'s pattern: one vector-mode JVP of the gradient code (with a
    `probe` direction, also H @ probe): (matrix, product or None)."""
    sparse = _sparse()
    n = plan.pattern.shape[0]
    if plan.count == 0 and probe is None:
        return sparse.csr_array((n, n)), None
    code = _derivative(_gradient(function, indices, args), "jvp_batch", indices, False, args)
    seeds = _with_probe(coloring.seeds(plan.colors, plan.count), probe)
    _, tangents = code(*args, *_split_directions(seeds, args, indices), **keywords)
    compressed = _flat_rows(tangents, len(seeds))
    decompress = coloring.star_decompress if plan.method == "star" else coloring.decompress_columns
    return decompress(plan.pattern, plan.colors, compressed), None if probe is None else compressed[-1]


def missed(matrix, probe, product, reverse=False):
    """Where `matrix` times `probe` differs from the exact `product` (the rows, for J @ v;
    the columns, for v @ J): the entries a pattern left out (beyond rounding)."""
    colored = matrix.T @ probe if reverse else matrix @ probe
    size = abs(matrix.T if reverse else matrix) @ np.abs(probe) + np.abs(product)
    return np.nonzero(np.abs(colored - product) > 1e-8 * size + 1e-300)[0]


def user_pattern(sparsity, shape, function, what):
    """The user's `sparsity` (any scipy.sparse or dense Boolean array) as a csr_array."""
    sparse = _sparse()
    pattern = sparse.csr_array(sparse.coo_array(np.asarray(sparsity) if not sparse.issparse(sparsity)
                                                else sparsity) != 0)
    if pattern.shape != shape:
        raise InputError(f"{function.__qualname__}: srcad.{what}(sparsity=...) got a pattern of shape "
                         f"{pattern.shape}, but the matrix has shape {shape} (outputs x inputs, "
                         "flattened)")
    return pattern


def too_small(function, what, where, reverse):
    """The error for a pattern the user gave that misses entries."""
    kind = "columns" if reverse else "rows"
    shown = ", ".join(str(int(i)) for i in where[:8]) + (", ..." if where.size > 8 else "")
    return InputError(
        f"{function.__qualname__}: the sparsity pattern passed to srcad.{what}(..., sparsity=...) "
        f"misses nonzero entries of the {what} at these inputs: {kind} {shown} differ from a "
        "dense probe. Pass a pattern that includes them, or leave `sparsity` out so srcad "
        "detects it.")


def _key_of(value):
    """Arrays by shape and dtype, other values by value."""
    if isinstance(value, np.ndarray):
        return ("array", value.shape, value.dtype.str)
    hash(value)
    return value


def plan_key(args, keywords, indices):
    """Inputs whose arrays have the same shapes and dtypes, and whose other arguments are
    equal, share a plan (it is verified at each reuse, see `SparseDerivative.__call__`);
    None (no caching) when an argument cannot be compared."""
    try:
        return tuple(("wrt", np.shape(a), np.result_type(a).str) if i in indices else _key_of(a)
                     for i, a in enumerate(args)) + tuple(sorted(
                         (k, _key_of(v)) for k, v in keywords.items()))
    except TypeError:
        return None


class SparseDerivative:
    """``jacobian(f, sparse=True)`` / ``hessian(f, sparse=True)``: plans cached per
    `plan_key`, matrices from one colored sweep."""

    def __init__(self, f, wrt, kind, mode, sparsity, check, order):
        self.indices, self.as_tuple = _normalize_wrt(wrt)
        self.function = _plain_function(f)
        self.kind, self.mode, self.sparsity, self.check, self.order = kind, mode, sparsity, check, order
        allowed = JACOBIAN_MODES if kind == "jacobian" else HESSIAN_COLORINGS
        if mode not in allowed:
            raise SrcadError(f"srcad.{kind}(sparse=True): {'mode' if kind == 'jacobian' else 'coloring'} "
                             f"must be one of {allowed}, not {mode!r}")
        self.plans = {}
        self.__name__ = f"sparse_{kind}_of_{self.function.__name__}"

    def plan(self, arguments, keywords, again=False):
        """The pattern and coloring for these inputs (cached, see `plan_key`; `again`:
        detected again) and whether it was made for these very inputs."""
        key = plan_key(arguments, keywords, self.indices)
        if key is not None and key in self.plans and not again:
            return self.plans[key], False
        function, indices = self.function, self.indices
        n = sum(_sizes(arguments, indices))
        if self.kind == "jacobian":
            value = function(*arguments, **keywords)
            if isinstance(value, tuple):
                raise SrcadError(f"srcad.jacobian(sparse=True) of {function.__qualname__}, which "
                                 "returns a tuple: differentiate one output at a time")
            if self.sparsity is not None:
                pattern = user_pattern(self.sparsity, (int(np.size(value)), n), function, "jacobian")
            else:
                pattern = dependency_pattern(function, indices, arguments, keywords)
            plan = jacobian_plan(pattern, self.mode, self.order or "saturation")
        else:
            if self.sparsity is not None:
                pattern = user_pattern(self.sparsity, (n, n), function, "hessian")
                pattern = _sparse().csr_array(pattern + pattern.T)
            else:
                pattern = hessian_pattern(function, indices, arguments, keywords)
            plan = hessian_plan(pattern, self.mode, self.order or "smallest_last")
        if key is not None:
            self.plans[key] = plan
        return plan, True

    def __call__(self, *args, **kwargs):
        """The matrix at `args`. A pattern srcad detected at other inputs is verified by one
        more direction in the same sweep (a dense probe) and detected again here if it
        misses entries (branches, indices computed from the values); a pattern you gave is
        verified so with `check=True`, and a missed entry is an InputError."""
        arguments, keywords = _prepared(self.function, args, kwargs, self.indices, self.kind)
        plan, fresh = self.plan(arguments, keywords)
        given = self.sparsity is not None
        verify = self.check if given else not fresh
        matrix, where = self.evaluate(plan, arguments, keywords, verify)
        if where is not None and where.size:
            if given:
                raise too_small(self.function, self.kind, where, plan.method == "reverse")
            plan, _ = self.plan(arguments, keywords, again=True)
            matrix, _ = self.evaluate(plan, arguments, keywords, False)
        return self.blocks(matrix, arguments)

    def evaluate(self, plan, arguments, keywords, verify):
        """(matrix, where a probe found it wrong, or None without a probe)."""
        reverse = plan.method == "reverse"
        probe = dense_direction(plan.pattern.shape[0] if reverse else plan.pattern.shape[1]) \
            if verify else None
        build = colored_jacobian if self.kind == "jacobian" else colored_hessian
        matrix, product = build(self.function, self.indices, arguments, keywords, plan, probe)
        return matrix, None if probe is None else missed(matrix, probe, product, reverse)

    def blocks(self, matrix, arguments):
        """One block per `wrt` argument (Hessian: per pair) when `wrt` is a tuple."""
        if not self.as_tuple:
            return matrix
        bounds = np.cumsum([0] + _sizes(arguments, self.indices))
        columns = [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]
        if self.kind == "jacobian":
            return tuple(_sparse().csr_array(matrix[:, c]) for c in columns)
        return tuple(tuple(_sparse().csr_array(matrix[r, :][:, c]) for c in columns) for r in columns)
