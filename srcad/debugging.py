"""The NaN/Inf finder: ``srcad.grad(f, debug_nans=True)`` (or ``SRCAD_DEBUG_NANS=1``).

With the option on, a last pass over each generated function (after the optimizer, so the
ordinary statements are exactly those of the ordinary code) adds, after every statement
that computes a derivative (``x_bar = ...``, ``h_dot = ...``, ``x_bar[i] += ...``), a call

    debug_nans_check(x_bar, 'x_bar', 'model.py:12', 't', 'x')

naming the variable, your line (the statement's origin) and the primal values of that line.
The check costs one pass over the array when the derivative is finite. When it is not, it
raises `srcad.NonFiniteDerivative` naming your line and the variable, and saying whether
the primal values there were already not finite (``np.log(0.0)`` is ``-inf``) or the
derivative alone is (``np.sqrt`` at 0 is finite, its derivative is not). The primal values
are looked up by name in the generated function's frame, and only then: a name that is not
bound at that point is left out.

A derivative argument (the cotangent of a VJP, the tangents of a JVP) is checked on entry.
With the option off nothing here runs and the generated code is the ordinary code.
"""
import linecache
import math
import sys

import gast
import numpy as np

from .derivatives import call, name
from .emit import COMPOUND
from .errors import NonFiniteDerivative
from .loader import ORIGIN_MARK, generated_lines
from .trees import walk as walk_tree

ARGUMENT = "argument"   # the `where` of a derivative passed in as an argument
_NO_CHECK_CALLS = {"zeros_like", "batch_zeros"}   # values that are zero, hence finite


def add_finite_checks(body, params, derived, shown_path):
    """`body` with a `debug_nans_check` call after each statement that assigns a derivative
    variable (a name in `derived`), and one for each derivative parameter on entry.

    `shown_path(filename)` is how the file is named in the generated code."""
    local = set(params) | {n.id for stmt in body for n in walk_tree(stmt)
                           if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
    primal = local - set(derived)
    results = _primal_results(body, primal)
    checks = [_check(p, ARGUMENT, ()) for p in params if p in derived]
    return checks + _checked(body, derived, primal, results, shown_path)


def _checked(body, derived, primal, results, shown_path):
    checked = []
    for stmt in body:
        if isinstance(stmt, COMPOUND):
            stmt.body = _checked(stmt.body, derived, primal, results, shown_path)
            stmt.orelse = _checked(stmt.orelse, derived, primal, results, shown_path)
        checked.append(stmt)
        origin = getattr(stmt, "origin", None)
        written = _derivatives_written(stmt, derived)
        if not written or origin is None or isinstance(stmt, COMPOUND):
            continue
        read = {n.id for n in walk_tree(stmt.value) if isinstance(n, gast.Name)
                and isinstance(n.ctx, gast.Load) and n.id in primal}
        primals = sorted(read | results.get(origin, set()))
        where = f"{shown_path(origin.filename)}:{origin.line}"
        for variable in written:
            check = _check(variable, where, primals)
            check.origin = origin
            checked.append(check)
    return checked


def _check(variable, where, primals):
    arguments = [name(variable)] + [gast.Constant(text, None) for text in (variable, where, *primals)]
    return gast.Expr(value=call("debug_nans_check", *arguments))


def _derivatives_written(stmt, derived):
    """The derivative variables `stmt` writes, unless its value cannot make them non-finite
    (a constant, a zero, a copy of another derivative, which was checked)."""
    if isinstance(stmt, gast.AugAssign):
        targets = [stmt.target]
    elif isinstance(stmt, gast.Assign):
        targets = stmt.targets
        if _trivially_finite(stmt.value, derived):
            return []
    else:
        return []
    written = []
    for target in targets:
        for node in (target.elts if isinstance(target, gast.Tuple) else [target]):
            base = node.value if isinstance(node, gast.Subscript) else node
            if isinstance(base, gast.Name) and base.id in derived and base.id not in written:
                written.append(base.id)
    return written


def _trivially_finite(value, derived):
    if isinstance(value, gast.Constant):
        return True
    if isinstance(value, gast.Name):
        return value.id in derived
    if isinstance(value, gast.Call):
        func = value.func
        if isinstance(func, gast.Name) and func.id in _NO_CHECK_CALLS:
            return True
        return isinstance(func, gast.Attribute) and func.attr == "copy" and not value.args \
            and isinstance(func.value, gast.Name) and func.value.id in derived
    return False


def _primal_results(body, primal):
    """origin -> the primal names the statements of that line assign (the line's values)."""
    results = {}
    for stmt in body:
        if isinstance(stmt, COMPOUND):
            for inner, names in _primal_results(stmt.body + stmt.orelse, primal).items():
                results.setdefault(inner, set()).update(names)
            continue
        origin = getattr(stmt, "origin", None)
        if origin is None or not getattr(stmt, "primal", False) or not isinstance(stmt, gast.Assign):
            continue
        for target in stmt.targets:
            for node in (target.elts if isinstance(target, gast.Tuple) else [target]):
                if isinstance(node, gast.Name) and node.id in primal:
                    results.setdefault(origin, set()).add(node.id)
    return results


# -- run time -----------------------------------------------------------------------------------

def debug_nans_check(value, variable, where, *primals):
    """Raise srcad.NonFiniteDerivative unless the derivative `value` is finite (called by
    code generated with ``debug_nans``; `primals` are names of the frame that called)."""
    if _finite(value):
        return
    frame = sys._getframe(1)
    raise _error(value, variable, where, primals, frame)


def _finite(value):
    kind = type(value)
    if kind is float or kind is np.float64:
        return math.isfinite(value)
    if kind is np.ndarray:
        if value.dtype.kind != "f":
            return value.dtype.kind != "c" or bool(np.isfinite(value).all())
        # one pass: a nan or inf makes the sum non-finite (a non-finite sum may be an overflow)
        return math.isfinite(value.sum()) or bool(np.isfinite(value).all())
    if value is None or kind is int or kind is bool:
        return True
    if isinstance(value, (list, tuple)):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    try:
        return bool(np.all(np.isfinite(value)))
    except TypeError:                        # not a number: nothing to check
        return True


def _describe(value):
    """What is not finite in `value`: ``is nan``, ``has 2 nan of its 6 elements (shape
    (2, 3))``, ``has at [1]: ...`` for an item of a tuple or list."""
    if isinstance(value, (list, tuple, dict)):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        return "; ".join(f"at [{k!r}] {_describe(v)}" for k, v in items if not _finite(v))
    array = np.asarray(value)
    if array.ndim == 0:
        return f"is {array.item()!r}"
    nan, inf = int(np.isnan(array).sum()), int(np.isinf(array).sum())
    kinds = [f"{count} {what}" for count, what in ((nan, "nan"), (inf, "inf")) if count]
    return f"has {' and '.join(kinds)} of its {array.size} elements (shape {array.shape})"


def place(where, yours="your line "):
    """``your line model.py:12 (`y = np.sqrt(x)`)``; for a line of generated code (in a
    derivative of a derivative), that line and the line of yours it came from."""
    path, _, line = where.rpartition(":")
    if not line.isdigit():
        return where
    text = linecache.getline(path, int(line)).strip()
    shown = f"{where} (`{text}`)" if text else where
    lines = generated_lines(path)
    if not lines:
        return f"{yours}{shown}"
    origin = next((lines[i].strip()[2:] for i in range(int(line) - 2, -1, -1)
                   if lines[i].lstrip().startswith("#") and ORIGIN_MARK in lines[i]
                   and lines[i].rstrip().endswith(")")), None)
    if origin is None:
        return f"line {shown} of derivative code"
    code, _, at = origin.rpartition(ORIGIN_MARK)
    return f"line {shown} of derivative code, from your line {at.rstrip(')')} (`{code.strip()}`)"


def _error(value, variable, where, primals, frame):
    generated = f"{frame.f_code.co_filename}:{frame.f_lineno}"
    if where == ARGUMENT:
        return NonFiniteDerivative(
            f"srcad debug_nans: the derivative `{variable}` passed to {frame.f_code.co_name} "
            f"{_describe(value)}: a cotangent or tangent you pass in must be finite.",
            variable, where)
    bad, good = [], []
    for primal in primals:
        if primal in frame.f_locals:
            (good if _finite(frame.f_locals[primal]) else bad).append(primal)
    message = (f"srcad debug_nans: at {place(where)}, the derivative "
               f"`{variable}` {_describe(value)}; it is the first derivative that is not finite "
               f"(checked in the code srcad generated, {generated}). ")
    if bad:
        values = "; ".join(f"`{p}` {_describe(frame.f_locals[p])}" for p in bad)
        message += (f"The primal value was already not finite there: {values}. Fix the "
                    "computation of that line, or its inputs, first.")
    else:
        shown = f" ({', '.join(f'`{p}`' for p in good)})" if good else ""
        message += (f"The primal values of that line{shown} are finite: the derivative itself is "
                    "infinite or undefined there (as for np.sqrt at 0, np.log at 0, a division "
                    "by 0, or an overflow). Keep the inputs away from that point, or write the "
                    "line so that its derivative exists (np.sqrt(x + eps), np.where(...)).")
    return NonFiniteDerivative(message, variable, where, bad)

