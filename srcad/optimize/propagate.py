"""Copy propagation and forward substitution: a temporary read exactly once (``t1 = x * w``
then ``y = t1 + b``) is replaced by its value where it is used, and an alias
(``t1_bar = x_bar``) by the name it copies wherever it is read, unless a statement in
between changes what the value reads (writing into an array changes its views too).
Never into a loop."""
from ..trees import MAX_DEPTH, depth
from .analysis import (COMPOUND, assigned_anywhere, gast, mutated_by, reads, view_aliases, walk_nodes,
                       written_name)


def inline_temporaries(body, temporaries, is_pure, extra_uses, namespace=None):
    """Substitute each single-use temporary into the one expression that reads it."""
    uses = {}
    for stmt in body:
        for n in reads(stmt):
            uses[n] = uses.get(n, 0) + 1
    for n in extra_uses:
        uses[n] = uses.get(n, 0) + 1
    pinned = set()  # names written in place: their definition must stay a statement
    for stmt in walk_nodes(body):
        name, whole = written_name(stmt)
        if name is not None and not whole:
            pinned.add(name)
        pinned |= mutated_by(stmt)
    return _inline_block(body, temporaries, is_pure, uses, pinned, view_aliases(body, namespace))


def _inline_block(body, temporaries, is_pure, uses, pinned, aliases):
    result = list(body)
    for stmt in result:
        if isinstance(stmt, COMPOUND):
            stmt.body = _inline_block(stmt.body, temporaries, is_pure, uses, pinned, aliases)
            stmt.orelse = _inline_block(stmt.orelse, temporaries, is_pure, uses, pinned, aliases)
    i = 0
    while i < len(result):
        stmt = result[i]
        name, whole = written_name(stmt)
        candidate = whole and name in temporaries and name not in pinned
        if candidate and isinstance(stmt.value, gast.Name) \
                and _propagate_alias(result, i, name, stmt.value.id, uses, aliases):
            continue
        if candidate and uses.get(name) == 1 and is_pure(stmt.value):
            j = _single_use_site(result, i, name)
            if j is not None and not _clobbered(result[i + 1:j], set(reads(stmt.value)), aliases) \
                    and _shallow_enough(stmt.value, result[j]):
                use = result[j]
                if isinstance(use, gast.If):
                    use.test = _Replace(name, stmt.value).visit(use.test)
                else:
                    result[j] = _replaced(use, name, stmt.value)
                del result[i]
                continue
        i += 1
    return result


def _propagate_alias(body, start, name, source, uses, aliases):
    """``t3_bar = y_bar`` read in several later statements of this block: read ``y_bar``
    there instead, when nothing in between writes either name. True if done."""
    sites = []
    for j in range(start + 1, len(body)):
        stmt = body[j]
        if isinstance(stmt, COMPOUND):
            if name in reads(stmt) or name in assigned_anywhere(stmt):
                return False
            continue
        if name in reads(stmt):
            sites.append(j)
            if len(sites) == uses.get(name):
                break   # every read found: the rest of the block cannot read it
        if written_name(stmt)[0] == name:
            break
    if not sites or len(sites) != uses.get(name) or _clobbered(body[start + 1:sites[-1]], {source, name},
                                                               aliases):
        return False
    for j in sites:
        body[j] = _replaced(body[j], name, gast.Name(source, gast.Load(), None, None))
    del body[start]
    uses[source] = uses.get(source, 0) + len(sites) - 1     # read where the alias was
    uses[name] = 0
    return True


def _single_use_site(body, start, name):
    """Where a temporary's one use is, if it can take the expression (not inside a loop)."""
    for j in range(start + 1, len(body)):
        stmt = body[j]
        if isinstance(stmt, COMPOUND):
            if isinstance(stmt, gast.If) and name in reads(stmt.test):
                return j
            if name in reads(stmt) or name in assigned_anywhere(stmt):
                return None
            continue
        if name in reads(stmt):
            return j
        if written_name(stmt)[0] == name:
            return None
    return None


def _shallow_enough(value, use):
    """Substituting keeps expressions at most MAX_DEPTH deep: a sum of 3000 terms stays a
    chain of statements, which prints, compiles and is read without deep recursion."""
    return depth(value) + depth(use.test if isinstance(use, gast.If) else use) <= MAX_DEPTH


def _clobbered(between, names, aliases):
    """True when a statement in `between` may change the value of one of `names`: assigns
    it, or writes into an array it may be a view of (`aliases`)."""
    for stmt in between:
        if isinstance(stmt, COMPOUND):
            if _in_place(assigned_anywhere(stmt), aliases) & names:
                return True
            continue
        written, whole = written_name(stmt)
        changed = {written} if whole else _in_place({written}, aliases)
        if changed & names or _in_place(mutated_by(stmt), aliases) & names:
            return True
    return False


def _in_place(written, aliases):
    """The names whose values writing into the arrays `written` may change."""
    return set(written).union(*(aliases.get(n, ()) for n in written))


def _replaced(stmt, name, value):
    """`stmt` reading `value` where it read `name`; `simplify` looks at it again."""
    stmt = _Replace(name, value).visit(stmt)
    stmt.simplified = False
    return stmt


class _Replace(gast.NodeTransformer):
    def __init__(self, name, value):
        self.name, self.value = name, value

    def visit_Name(self, node):
        if node.id == self.name and isinstance(node.ctx, gast.Load):
            return self.value
        return node


