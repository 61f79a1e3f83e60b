"""Sparse Jacobians and Hessians: pattern from the dependency mode, coloring, one
compressed vector-mode sweep, decompression into ``scipy.sparse.csr_array``.

A Jacobian with a few entries per row costs as many forward sweeps as its columns have
colors (or reverse sweeps as its rows have), whatever its size. The pattern comes from
``srcad.jacobian_sparsity`` (dependency mode, dependency.py) or from the user
(``sparsity=``); patterns and colorings are cached per input shape (see `plan_key`).
"""
import ast
import inspect
import textwrap
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


def dependency_code(f, wrt=0):
    """The generated dependency-mode function of `f` (``srcad show --mode deps``)."""
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
    indices, _ = _normalize_wrt(wrt)
    function = _plain_function(f)

    def sparsity_function(*args, **kwargs):
        arguments, keywords = _prepared(function, args, kwargs, indices, "jacobian_sparsity")
        return dependency_pattern(function, indices, arguments, keywords)
    sparsity_function.__name__ = f"jacobian_sparsity_of_{function.__name__}"
    return sparsity_function


def hessian_sparsity(f, wrt=0):
    """``hessian_sparsity(f, wrt=0)(*args)``: the symmetric sparsity pattern of the Hessian
    (a superset of it: the pattern of the Jacobian of srcad's gradient code, symmetrized)."""
    indices, _ = _normalize_wrt(wrt)
    function = _plain_function(f)

    def sparsity_function(*args, **kwargs):
        arguments, keywords = _prepared(function, args, kwargs, indices, "hessian_sparsity")
        return hessian_pattern(function, indices, arguments, keywords)
    sparsity_function.__name__ = f"hessian_sparsity_of_{function.__name__}"
    return sparsity_function


@dataclass
class Plan:
    """A pattern, how its entries are recovered ("forward", "reverse", "star") and the
    color of each column (row, for "reverse")."""

    pattern: object
    method: str
    colors: np.ndarray
    checked: bool = False

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


def colored_jacobian(function, indices, args, keywords, plan):
    """The Jacobian on `plan`'s pattern from one vector-mode sweep with a direction per color."""
    sparse = _sparse()
    m, n = plan.pattern.shape
    if plan.count == 0:
        return sparse.csr_array((m, n))
    seeds = coloring.seeds(plan.colors)
    if plan.method == "forward":
        code = _derivative(function, "jvp_batch", indices, False, args)
        _, tangent = code(*args, *_split_directions(seeds, args, indices), **keywords)
        compressed = np.asarray(tangent).reshape(plan.count, m)
        return coloring.decompress_columns(plan.pattern, plan.colors, compressed)
    value = function(*args, **keywords)
    code = _derivative(function, "vjp_batch", indices, True, args)
    _, cotangents = code(*args, seeds.reshape((plan.count,) + np.shape(value)), **keywords)
    compressed = _flat_rows(cotangents, plan.count)
    return coloring.decompress_rows(plan.pattern, plan.colors, compressed)


def colored_hessian(function, indices, args, keywords, plan):
    """The Hessian on `plan`'s pattern: one vector-mode JVP of the gradient code."""
    sparse = _sparse()
    n = plan.pattern.shape[0]
    if plan.count == 0:
        return sparse.csr_array((n, n))
    code = _derivative(_gradient(function, indices, args), "jvp_batch", indices, False, args)
    seeds = coloring.seeds(plan.colors)
    _, tangents = code(*args, *_split_directions(seeds, args, indices), **keywords)
    compressed = _flat_rows(tangents, plan.count)
    if plan.method == "star":
        return coloring.star_decompress(plan.pattern, plan.colors, compressed)
    return coloring.decompress_columns(plan.pattern, plan.colors, compressed)


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


def probe(function, indices, args, keywords, matrix, hessian=False):
    """Check `matrix` (from a pattern the user gave) against one JVP (Hessian: one HVP)
    along a dense random direction; InputError if they differ."""
    rng = np.random.default_rng(0)
    n = matrix.shape[1]
    direction = rng.uniform(0.5, 1.5, n) * rng.choice([-1.0, 1.0], n)
    pieces = [p[0] for p in _split_directions(direction[None, :], args, indices)]
    target = _gradient(function, indices, args) if hessian else function
    code = _derivative(target, "jvp", indices, False, args)
    _, tangent = code(*args, *pieces, **keywords)
    exact = np.concatenate([np.ravel(t) for t in _as_tuple(tangent)]) if hessian \
        else np.ravel(np.asarray(tangent))
    colored = matrix @ direction
    scale = max(float(np.max(np.abs(exact), initial=0.0)), 1.0)
    wrong = np.nonzero(np.abs(colored - exact) > 1e-8 * scale)[0]
    if wrong.size:
        what = "hessian" if hessian else "jacobian"
        rows = ", ".join(str(int(r)) for r in wrong[:8]) + (", ..." if wrong.size > 8 else "")
        raise InputError(
            f"{function.__qualname__}: the sparsity pattern passed to srcad.{what}(..., sparsity=...) "
            f"misses nonzero entries of the {what} at these inputs: rows {rows} differ from a "
            f"dense probe by up to {float(np.max(np.abs(colored - exact))):.3g}. Pass a pattern "
            "that includes them, or leave `sparsity` out so srcad detects it.")


def _hashable(value):
    if isinstance(value, np.ndarray):
        return ("array", value.shape, value.dtype.str, hash(value.tobytes()))
    hash(value)
    return value


def plan_key(args, keywords, indices):
    """Inputs of the same shapes and dtypes, and equal other arguments, share a pattern;
    None (no caching) when an argument cannot be compared."""
    try:
        return tuple(("wrt", np.shape(a), np.result_type(a).str) if i in indices else _hashable(a)
                     for i, a in enumerate(args)) + tuple(sorted(
                         (k, _hashable(v)) for k, v in keywords.items()))
    except TypeError:
        return None


def has_branches(function, seen=None):
    """Whether `function`'s code, or that of a function of yours it calls by name, has
    branches or `while` loops, whose pattern may change with the values of the inputs
    (such a pattern is not cached)."""
    seen = set() if seen is None else seen
    seen.add(function)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return True
    if any(isinstance(node, (ast.If, ast.IfExp, ast.While, ast.BoolOp, ast.Match))
           for node in ast.walk(tree)):
        return True
    names = {**function.__globals__, **dict(zip(function.__code__.co_freevars,
                                                 [c.cell_contents for c in function.__closure__ or ()]))}
    called = {names.get(node.func.id) for node in ast.walk(tree)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    return any(has_branches(callee, seen) for callee in called
               if inspect.isfunction(callee) and callee not in seen and not _library(callee))


def _library(function):
    return (function.__module__ or "").split(".")[0] in ("numpy", "scipy", "srcad")


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
        self.cached = sparsity is not None or not has_branches(self.function)
        self.__name__ = f"sparse_{kind}_of_{self.function.__name__}"

    def plan(self, arguments, keywords):
        """The pattern and coloring for these inputs (cached, see `plan_key`)."""
        key = plan_key(arguments, keywords, self.indices) if self.cached else None
        if key is not None and key in self.plans:
            return self.plans[key]
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
        return plan

    def __call__(self, *args, **kwargs):
        arguments, keywords = _prepared(self.function, args, kwargs, self.indices, self.kind)
        plan = self.plan(arguments, keywords)
        build = colored_jacobian if self.kind == "jacobian" else colored_hessian
        matrix = build(self.function, self.indices, arguments, keywords, plan)
        if self.check and self.sparsity is not None and not plan.checked:
            probe(self.function, self.indices, arguments, keywords, matrix, self.kind == "hessian")
            plan.checked = True
        return self.blocks(matrix, arguments)

    def blocks(self, matrix, arguments):
        """One block per `wrt` argument (Hessian: per pair) when `wrt` is a tuple."""
        if not self.as_tuple:
            return matrix
        bounds = np.cumsum([0] + _sizes(arguments, self.indices))
        columns = [slice(int(a), int(b)) for a, b in zip(bounds[:-1], bounds[1:])]
        if self.kind == "jacobian":
            return tuple(_sparse().csr_array(matrix[:, c]) for c in columns)
        return tuple(tuple(_sparse().csr_array(matrix[r, :][:, c]) for c in columns) for r in columns)
