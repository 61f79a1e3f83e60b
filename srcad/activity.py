"""Stage 3, analyze: which values carry derivatives.

A value is *varied* when it depends differentiably on a `wrt` input, *useful* when the
output depends differentiably on it, and *active* when it is both. Only active
statements get derivative code.
"""
from dataclasses import dataclass

import gast
import numpy as np

from .debugging import debug_nans_check
from .errors import UnsupportedSyntax, report
from .ir import walk
from .normalize_syntax import FunctionValue, starred_atoms
from .rules import lookup

HARMLESS_EFFECTS = (print, debug_nans_check)   # calls that read their arguments only
# NumPy functions that write into an argument and return None: what to write instead
IN_PLACE_WRITES = {
    np.put: "the item assignment `a[ind] = v` (for a 1-d `a`; reshape first otherwise)",
    np.put_along_axis: "the item assignment `a[i, ind] = v` with index arrays, or build the "
                       "result with np.where",
    np.copyto: "`dst = src`, or `dst = np.where(where, src, dst)`",
    np.place: "the item assignment `a[mask] = v`",
    np.putmask: "`a = np.where(mask, v, a)`",
    np.fill_diagonal: "the item assignment `a[i, i] = v` with `i = np.arange(n)`",
}


def _hashable(callee):
    try:
        hash(callee)
        return callee
    except TypeError:
        return None


@dataclass
class Activity:
    varied: set
    useful: set

    def active(self, name):
        return name in self.varied and name in self.useful

    def is_active_atom(self, atom):
        return isinstance(atom, gast.Name) and self.active(atom.id)


def _carries_derivative(stmt):
    """False for statements whose result has zero derivative (argmax, shape, comparisons)."""
    if stmt.kind in ("effect", "inert", "if", "for", "while", "break", "guard", "context"):
        return False
    if stmt.kind == "call":
        rule = lookup(stmt.callee)
        return rule is None or rule.differentiable
    return True


def _operands(stmt):
    """The local names whose derivatives flow into `stmt.target`."""
    names = [a.id for a in stmt.args if isinstance(a, gast.Name)]
    names += [v.id for v in stmt.kwargs.values() if isinstance(v, gast.Name)]
    if stmt.kind in ("setitem", "pop"):
        names.append(stmt.base)
    return names


def _only_called(target, statements):
    """Whether the function value `target` only reaches calls of user functions (which
    dynamic.py differentiates with respect to what it captures)."""
    readers = [s for s in statements if target in _operands(s)]
    return all(s.kind == "usercall" and target not in [v.id for v in s.kwargs.values()
                                                       if isinstance(v, gast.Name)] for s in readers)


def _is_varied(atom, varied):
    return isinstance(atom, gast.Name) and atom.id in varied


def _written(stmt):
    """The variable whose value a statement's derivative flows into."""
    return stmt.base if stmt.kind == "append" else stmt.target


def analyze(fn, wrt_names):
    """The `Activity` of a `NormalFunction` differentiated with respect to `wrt_names`.

    Loops and branches are handled by iterating to a fixed point over all statements
    (a variable is varied if any of its assignments is)."""
    statements = list(walk(fn.body))
    varied = set(wrt_names)
    changed = True
    while changed:
        changed = False
        for stmt in statements:
            written = _written(stmt)
            if written and written not in varied and _carries_derivative(stmt) \
                    and any(n in varied for n in _operands(stmt)):
                varied.add(written)
                changed = True
    for stmt in statements:
        if stmt.kind == "inert" and any(n in varied for n in _operands(stmt)):
            report(UnsupportedSyntax(
                "`and` / `or` whose value may be a differentiated value",
                f"{stmt.origin.filename}:{stmt.origin.line}",
                f"`{stmt.origin.text}` would give it no derivative; write `a if condition else b`."))
        if stmt.kind == "effect" and stmt.callee not in HARMLESS_EFFECTS \
                and any(n in varied for n in _operands(stmt)):
            where = f"{stmt.origin.filename}:{stmt.origin.line}"
            instead = IN_PLACE_WRITES.get(_hashable(stmt.callee))
            if instead:
                report(UnsupportedSyntax(
                    f"`{stmt.origin.text}`, which writes into an array in place, on a "
                    "differentiated value", where,
                    f"srcad differentiates item assignment, not writes inside a call: write "
                    f"{instead} instead."))
            else:
                report(UnsupportedSyntax(
                    "a call whose result is discarded, on a differentiated value", where,
                    f"`{stmt.origin.text}` may change its arguments in place, which srcad "
                    "cannot see; assign the result to a variable instead."))
        if stmt.kind == "guard" and isinstance(stmt.expr, gast.Try) and (
                any(n in varied for n in _operands(stmt)) or any(w in varied for w in stmt.writes)):
            report(UnsupportedSyntax(
                "a `try` statement around differentiated values",
                f"{stmt.origin.filename}:{stmt.origin.line}",
                "srcad differentiates the statements it sees, and an exception may skip any of "
                "them; compute the differentiated values outside the `try`, or move the "
                "`try` outside the differentiated function."))
    useful = {o.id for o in fn.outputs if isinstance(o, gast.Name)}
    changed = True
    while changed:
        changed = False
        for stmt in reversed(statements):
            if _written(stmt) in useful and _carries_derivative(stmt):
                new = {n for n in _operands(stmt) if n in fn.locals} - useful
                if new:
                    useful |= new
                    changed = True
    for stmt in statements:
        if isinstance(stmt.callee, FunctionValue) and stmt.target in varied and stmt.target in useful \
                and not _only_called(stmt.target, statements):
            captured = [c for c, a in stmt.kwargs.items() if _is_varied(a, varied)]
            report(UnsupportedSyntax(
                f"passing {stmt.callee.description} as a value when it reads the differentiated "
                f"{'value' if len(captured) == 1 else 'values'} {', '.join(f'`{c}`' for c in captured)}",
                f"{stmt.origin.filename}:{stmt.origin.line}",
                f"In `{stmt.origin.text}`, srcad cannot see where the function is called, so no "
                "derivative can flow through what it reads; call it directly, or pass the value "
                "as an argument."))
        stars, double = starred_atoms(stmt)
        if stmt.target in varied and stmt.target in useful and (
                stars or double is not None and (stmt.kind == "call" or _is_varied(double, varied))):
            report(UnsupportedSyntax(
                "passing `*v` or `**v` whose items srcad cannot see to a call a derivative flows through",
                f"{stmt.origin.filename}:{stmt.origin.line}",
                f"In `{stmt.origin.text}`, pass the values one by one (or as a tuple or dict "
                "built in the function), so that srcad knows where each derivative goes."))
    return Activity(varied, useful)
