"""Stage 3, analyze: which values carry derivatives.

A value is *varied* when it depends differentiably on a `wrt` input, *useful* when the
output depends differentiably on it, and *active* when it is both. Only active
statements get derivative code.
"""
from dataclasses import dataclass

import gast
import numpy as np

from .debugging import debug_nans_check
from .errors import UnsupportedSyntax
from .ir import walk
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
    if stmt.kind in ("effect", "inert", "if", "for", "while", "break"):
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
            raise UnsupportedSyntax(
                "`and` / `or` whose value may be a differentiated value",
                f"{stmt.origin.filename}:{stmt.origin.line}",
                f"`{stmt.origin.text}` would give it no derivative; write `a if condition else b`.")
        if stmt.kind == "effect" and stmt.callee not in HARMLESS_EFFECTS \
                and any(n in varied for n in _operands(stmt)):
            where = f"{stmt.origin.filename}:{stmt.origin.line}"
            instead = IN_PLACE_WRITES.get(_hashable(stmt.callee))
            if instead:
                raise UnsupportedSyntax(
                    f"`{stmt.origin.text}`, which writes into an array in place, on a "
                    "differentiated value", where,
                    f"srcad differentiates item assignment, not writes inside a call: write "
                    f"{instead} instead.")
            raise UnsupportedSyntax(
                "a call whose result is discarded, on a differentiated value", where,
                f"`{stmt.origin.text}` may change its arguments in place, which srcad cannot "
                "see; assign the result to a variable instead.")
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
    return Activity(varied, useful)
