"""Common-subexpression elimination within a block of derivative code: a pure call computed
twice (say ``np.linalg.solve(a.T, g)`` in two rules' contributions, or ``np.cos(x)`` in
two tangents) is computed once into a temporary, before its first use, when nothing in
between changes what it reads. The user's own statements are left as written (a random
draw, for one, must happen exactly as often as the user wrote it)."""
from collections import Counter

import gast

from ..trees import in_nested_scopes, walk as walk_tree
from .analysis import COMPOUND, assigned_anywhere, mutated_by, reads, written_name


FRESH_BUFFERS = {"zeros_like", "batch_zeros", "copy_of", "scatter_add", "copy"}  # written into later


def _fresh_buffer(call):
    func = call.func
    return (func.id if isinstance(func, gast.Name) else getattr(func, "attr", None)) in FRESH_BUFFERS


def _candidates(stmt, is_pure):
    """Pure calls with arguments inside one statement (not inside a comprehension, whose
    variables exist only there)."""
    value = getattr(stmt, "value", None)
    if value is None or isinstance(stmt, COMPOUND) or getattr(stmt, "primal", False):
        return []   # the user's own statements are never rewritten
    scoped = in_nested_scopes(value)
    return [n for n in walk_tree(value) if isinstance(n, gast.Call) and n.args and is_pure(n)
            and id(n) not in scoped and not _fresh_buffer(n)]


def _key(node):
    """A value that is equal exactly for equal expressions (as ``gast.dump``, but cheaper)."""
    if isinstance(node, list):
        return tuple(_key(item) for item in node)
    if not isinstance(node, gast.AST):
        return type(node).__name__, repr(node)      # 1, 1.0 and True are different literals
    if isinstance(node, gast.expr_context):
        return None
    return (type(node).__name__,) + tuple(_key(getattr(node, field, None)) for field in node._fields)


def _writes(stmt):
    if isinstance(stmt, COMPOUND):
        return assigned_anywhere(stmt)
    name, _ = written_name(stmt)
    return ({name} if name else set()) | mutated_by(stmt)


class _Substitute(gast.NodeTransformer):
    def __init__(self, key, name):
        self.key, self.name = key, name

    def visit_Call(self, node):
        if _key(node) == self.key:
            return gast.Name(self.name, gast.Load(), None, None)
        return self.generic_visit(node)


def eliminate_common_subexpressions(body, is_pure, fresh):
    """Rewrite `body` (and its nested blocks) so each repeated pure call is computed once."""
    for stmt in body:
        if isinstance(stmt, COMPOUND):
            stmt.body = eliminate_common_subexpressions(stmt.body, is_pure, fresh)
            stmt.orelse = eliminate_common_subexpressions(stmt.orelse, is_pure, fresh)
    result = list(body)
    calls = [_call_keys(stmt) for stmt in result]     # each statement's calls, counted by key
    writes = [_writes(stmt) for stmt in result]
    i = 0
    while i < len(result):
        for call in _candidates(result[i], is_pure):
            key = _key(call)
            uses = _uses_until_clobbered(result, calls, writes, i, set(reads(call)), key)
            if len(uses) < 2 and calls[i][key] < 2:
                continue
            name = fresh("common")
            hoisted = gast.Assign(targets=[gast.Name(name, gast.Store(), None, None)], value=call,
                                  type_comment=None)
            hoisted.origin = getattr(result[i], "origin", None)
            hoisted.sweep = getattr(result[i], "sweep", None)
            for j in uses:
                result[j] = _Substitute(key, name).visit(result[j])
                result[j].simplified = False
                calls[j] = _call_keys(result[j])
            result.insert(i, hoisted)
            calls.insert(i, _call_keys(hoisted))
            writes.insert(i, {name})
            break
        i += 1
    return result


def _call_keys(stmt):
    return Counter(_key(n) for n in walk_tree(stmt) if isinstance(n, gast.Call))


def _uses_until_clobbered(body, calls, writes, start, inputs, key):
    """Statements from `start` on that compute the call `key` (reading `inputs`), up to one
    that changes those inputs."""
    uses = []
    for j in range(start, len(body)):
        if isinstance(body[j], COMPOUND):
            break
        if calls[j][key] and not getattr(body[j], "primal", False):
            uses.append(j)
        if writes[j] & inputs:
            break
    return uses
