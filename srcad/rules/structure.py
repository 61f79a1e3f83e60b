"""Dependency structure of the rules: which input elements each output element depends on.

The dependency mode (dependency.py) reads this table to build sparsity patterns. A rule's
structure is one of

- ``"elementwise"``: each output element depends on the elements of its (broadcast)
  operands at the same position. Every elementwise ufunc, and every rule registered with
  ``defelementwise``, has it without an entry here.
- ``"moves"``: the call only moves, copies or drops elements (indexing, reshapes,
  transposes, concatenation, padding with a constant): srcad calls it again on arrays of
  element ids in place of its differentiable arguments and reads off where each output
  element came from.
- a dict of templates, one per differentiable parameter (``a_dep`` is the dependencies of
  argument ``a``, ``ans`` the result), whose results are united: reductions, matrix products.

A rule without a structure is taken to make every output element depend on everything its
inputs depend on: never too small, only too large.
"""
import operator

import numpy as np

from .. import runtime
from . import shape_helpers
from .registry import lookup

REDUCTION = {"a": "reduce_deps(a_dep, axis, keepdims)"}
MATMUL = {"x": "matmul_deps(x_dep, x, y, ans, 'x')", "y": "matmul_deps(y_dep, x, y, ans, 'y')"}

ELEMENTWISE = (
    np.where, np.clip, np.ndarray.clip, np.nan_to_num, np.sinc, np.real, np.imag, np.absolute,
    np.negative, np.positive, np.conjugate, np.ndarray.copy, np.ndarray.astype, float, pow,
    operator.add, operator.sub, operator.mul, operator.truediv, operator.pow, operator.neg,
    operator.pos, operator.mod, abs, runtime.copy_of, runtime.broadcast_as,
)
MOVES = (
    np.transpose, np.ndarray.transpose, np.ndarray.T, np.reshape, np.ndarray.reshape, np.ravel,
    np.ndarray.ravel, np.ndarray.flatten, np.swapaxes, np.ndarray.swapaxes, np.moveaxis,
    np.expand_dims, np.squeeze, np.ndarray.squeeze, np.atleast_1d, np.atleast_2d, np.atleast_3d,
    np.broadcast_to, np.concatenate, np.stack, np.hstack, np.vstack, np.dstack, np.column_stack,
    np.split, np.array_split, np.hsplit, np.vsplit, np.dsplit, np.tile, np.repeat,
    np.ndarray.repeat, np.flip, np.fliplr, np.flipud, np.rot90, np.roll, np.pad, np.delete,
    np.insert, np.append, np.diag, np.diagflat, np.diagonal, np.ndarray.diagonal, np.tril,
    np.triu, np.take, np.ndarray.take, np.take_along_axis, np.array, np.asarray, np.asanyarray,
    np.ascontiguousarray, np.asfortranarray, np.copy, np.r_, np.c_, runtime.expand_reduced,
    shape_helpers.expand_to_shape, shape_helpers.concatenate_vjp,
    shape_helpers.stack_vjp,
)
TEMPLATES: dict = {
    **{f: REDUCTION for f in (np.sum, np.ndarray.sum, np.mean, np.ndarray.mean, np.prod,
                              np.ndarray.prod, np.max, np.ndarray.max, np.amax, np.min,
                              np.ndarray.min, np.amin, np.ptp, np.var, np.ndarray.var, np.std,
                              np.ndarray.std, np.nansum, np.nanmean)},
    np.cumsum: {"a": "cumulative_deps(a_dep, axis, ans)"},
    np.ndarray.cumsum: {"a": "cumulative_deps(a_dep, axis, ans)"},
    np.cumprod: {"a": "cumulative_deps(a_dep, axis, ans)"},
    np.ndarray.cumprod: {"a": "cumulative_deps(a_dep, axis, ans)"},
    np.trace: {"x": "reduce_deps(diagonal_deps(x_dep, offset, axis1, axis2), -1, False)"},
    np.ndarray.trace: {"x": "reduce_deps(diagonal_deps(x_dep, offset, axis1, axis2), -1, False)"},
    np.matmul: MATMUL, operator.matmul: MATMUL, runtime.matmul_any: MATMUL,
    runtime.unbroadcast: {"value": "unbroadcast_deps(value_dep, like)"},
    np.diff: {"a": "diff_deps(n, axis, a_dep, prepend, append)",
              "prepend": "diff_deps(n, axis, a, prepend_dep, append)",
              "append": "diff_deps(n, axis, a, prepend, append_dep)"},
    shape_helpers.sum_to_shape: {"cot": "unbroadcast_deps(cot_dep, like)"},
}


def _operators_of_ufuncs():
    """The rules that elementwise ufuncs share with other callables (``operator.add`` is
    ``np.add``'s rule)."""
    return {id(lookup(f)) for f in vars(np).values()
            if isinstance(f, np.ufunc) and f.signature is None and lookup(f) is not None}


def register():
    for fn in ELEMENTWISE:
        _set(fn, "elementwise")
    for fn in MOVES:
        _set(fn, "moves")
    for fn, templates in TEMPLATES.items():
        _set(fn, templates)


def _set(fn, structure):
    rule = lookup(fn)
    if rule is not None and rule.structure is None:
        rule.structure = structure


def structure_of(callee, rule):
    """The structure of a call of `callee` by `rule`: "elementwise", "moves", a dict of
    templates, or None (everything depends on everything)."""
    if rule.structure is not None:
        return rule.structure
    if isinstance(callee, np.ufunc) and callee.signature is None or id(rule) in _ELEMENTWISE_RULES:
        return "elementwise"
    return None


register()
_ELEMENTWISE_RULES = _operators_of_ufuncs()
