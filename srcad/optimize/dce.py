"""Dead-code elimination: drop statements whose results are never read.

Calls that may have effects (tape pushes and pops, in-place ``add_at``, unknown functions)
always stay, so the tape's order is never disturbed. Liveness is tracked per element for
arrays read only at constant indices: when the code after ``y_bar[1] = 0.0`` reads only
``y_bar[0]``, the write is dead. A defensive ``v = v.copy()`` that nothing writes into
afterwards is dropped too. Both apply to srcad's own statements, never to the user's."""
import gast

from ..trees import walk as walk_tree
from .analysis import COMPOUND, assigned_anywhere, reads, written_name


def eliminate_dead_code(body, live_out, is_pure):
    """Drop statements whose results are never read (effects and impure calls stay)."""
    body = _drop_dead(body, set(live_out), is_pure)
    return _drop_needless_copies(body, is_pure)


def _drop_dead(body, live, is_pure):
    slots = {}       # name -> constant indices read, for names read at nothing else
    kept = []
    for stmt in reversed(body):
        if isinstance(stmt, COMPOUND):
            live |= set(slots)
            slots.clear()
            inner_live = live | (set(reads(stmt)) if not isinstance(stmt, gast.If) else set())
            stmt.body = _drop_dead(stmt.body, set(inner_live), is_pure) or [gast.Pass()]
            stmt.orelse = _drop_dead(stmt.orelse, set(inner_live), is_pure)
            live.update(reads(stmt))
            kept.append(stmt)
            continue
        name, whole = written_name(stmt)
        if name is not None and name not in live and is_pure(stmt.value) \
                and not getattr(stmt, "context_marker", False) and (
                name not in slots or not whole and not getattr(stmt, "primal", False)
                and _unread_slot(_written_index(stmt), slots[name])):
            continue
        if whole:
            live.discard(name)
            slots.pop(name, None)
        _note_reads(stmt, live, slots)
        kept.append(stmt)
    kept.reverse()
    return kept


def _constant_index(subscript):
    """``v[2]`` / ``v[0, 1]`` -> (2,) / (0, 1): non-negative int literals only, else None."""
    parts = subscript.slice.elts if isinstance(subscript.slice, gast.Tuple) else [subscript.slice]
    if all(isinstance(p, gast.Constant) and type(p.value) is int and p.value >= 0 for p in parts):
        return tuple(p.value for p in parts)
    return None


def _written_index(stmt):
    target = stmt.targets[0] if isinstance(stmt, gast.Assign) else stmt.target
    return _constant_index(target) if isinstance(target, gast.Subscript) else None


def _unread_slot(index, read):
    """True when `index` certainly selects none of the elements the `read` indices select
    (indices of equal length that differ select disjoint parts of an array)."""
    return index is not None and all(len(r) == len(index) and r != index for r in read)


def _note_reads(stmt, live, slots):
    at_slot = {}
    for node in walk_tree(stmt):
        if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Load) \
                and isinstance(node.value, gast.Name):
            index = _constant_index(node)
            if index is not None:
                at_slot[id(node.value)] = index
    for node in walk_tree(stmt):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
            if node.id in live:
                continue
            if id(node) in at_slot:
                slots.setdefault(node.id, set()).add(at_slot[id(node)])
            else:
                live.add(node.id)
                slots.pop(node.id, None)


def _drop_needless_copies(body, is_pure):
    """``v = v.copy()`` protects the array v held from writes through v; with none later
    (before v is assigned again), the copy is dead. Only copies in the function's own
    body, whose every later statement is in `body` (a copy in a loop or a branch may be
    followed by writes after it, or in the next iteration)."""
    return [stmt for i, stmt in enumerate(body)
            if not (_self_copy(stmt) and not getattr(stmt, "primal", False)
                    and not _written_into(stmt.targets[0].id, body[i + 1:], is_pure))]


def _self_copy(stmt):
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
        return False
    value = stmt.value
    return isinstance(value, gast.Call) and not value.args and isinstance(value.func, gast.Attribute) \
        and value.func.attr == "copy" and isinstance(value.func.value, gast.Name) \
        and value.func.value.id == stmt.targets[0].id


def _written_into(variable, rest, is_pure):
    """Whether a statement of `rest` may write into the array `variable` holds: an item
    write, ``+=``, or an impure call it is passed to, up to a plain assignment of it."""
    for stmt in rest:
        if isinstance(stmt, COMPOUND):
            if variable in assigned_anywhere(stmt) or _passed_to_impure_call(variable, stmt, is_pure):
                return True
            continue
        name, whole = written_name(stmt)
        if name == variable and not (whole and isinstance(stmt, gast.Assign)):
            return True
        if _passed_to_impure_call(variable, stmt, is_pure):
            return True
        if name == variable:
            return False       # assigned again: later writes go into another array
    return False


def _passed_to_impure_call(variable, stmt, is_pure):
    return any(isinstance(node, gast.Call) and not is_pure(node)
               and any(isinstance(a, gast.Name) and a.id == variable for a in node.args)
               for node in walk_tree(stmt))
