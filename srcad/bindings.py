"""Stage 3c, analyze: which names may or must already hold a value at each statement,
and which names certainly hold ints. Reverse mode uses it to decide where the tape must
save an overwritten value, where a zero must be None (the variable may not exist yet),
and where ``x_bar[i] += g`` is an exact scatter (i an int)."""
import operator

import gast

from .ir import walk

INTEGER_OPERATIONS = {operator.add, operator.sub, operator.mul, operator.floordiv, operator.mod,
                      operator.neg, len, int}


def integers(fn):
    """Names that certainly hold ints: loop counters and int arithmetic on them."""
    integers = {s.target for s in walk(fn.body) if s.kind == "for"}
    candidates = [s for s in walk(fn.body) if s.kind == "call" and s.callee in INTEGER_OPERATIONS]
    definitions = {}
    for stmt in walk(fn.body):
        if stmt.target:
            definitions.setdefault(stmt.target, []).append(stmt)

    def is_int(atom):
        return isinstance(atom, gast.Constant) and type(atom.value) is int \
            or isinstance(atom, gast.Name) and atom.id in integers
    changed = True
    while changed:
        changed = False
        for stmt in candidates:
            if stmt.target not in integers and len(definitions[stmt.target]) == 1 and (
                    stmt.callee in (len, int) or all(is_int(a) for a in stmt.args)):
                integers.add(stmt.target)
                changed = True
    return integers


def assigned_in(block):
    names = set()
    for stmt in walk(block):
        if stmt.kind not in ("append", "effect", "setitem", "break") and stmt.target:
            names.add(stmt.target)
        names.update(stmt.writes)
    return names


def mark_bindings(block, bound, loops, depth=0):
    """Set `maybe_bound` on each assignment whose variable may already hold a value, and
    record the names bound when each loop starts. Returns the names bound after `block`."""
    for stmt in block:
        if stmt.kind == "if":
            bound = mark_bindings(stmt.body, set(bound), loops, depth) \
                | mark_bindings(stmt.orelse, set(bound), loops, depth)
        elif stmt.kind in ("for", "while"):
            loops[id(stmt)] = set(bound)
            inside = bound | assigned_in(stmt.body)
            if stmt.kind == "for":
                inside.add(stmt.target)
            loops[("counter", id(stmt))] = depth > 0  # a nested loop's counter is overwritten
            mark_bindings(stmt.body, set(inside), loops, depth + 1)
            bound = inside
        else:
            if stmt.writes:   # a `try` kept as written: the names it may overwrite
                stmt.maybe_bound = tuple(w for w in stmt.writes if w in bound)
                bound = bound | set(stmt.writes)
            elif stmt.kind == "setitem":
                stmt.maybe_bound = True
            elif stmt.target:
                stmt.maybe_bound = stmt.target in bound
                bound = bound | {stmt.target}
    return bound


def mark_definite(block, bound, starts):
    """Record, for each branch and loop, the names certainly bound when it starts."""
    for stmt in block:
        if stmt.kind == "if":
            starts[id(stmt)] = set(bound)
            bound = mark_definite(stmt.body, set(bound), starts) & mark_definite(stmt.orelse, set(bound), starts)
        elif stmt.kind in ("for", "while"):
            starts[id(stmt)] = set(bound)
            mark_definite(stmt.body, set(bound) | ({stmt.target} if stmt.kind == "for" else set()), starts)
        elif stmt.target and stmt.kind != "break":
            bound = bound | {stmt.target}
    return bound
