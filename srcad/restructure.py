"""Stage 1b, restructure: early exits -> structured code, before normalization.

After this pass every ``break`` ends the block it is in, ``continue`` is gone, and the
function has one ``return`` at its end:

* the statements after an ``if`` whose branch leaves the block (``break``, ``continue``,
  ``return``) move into the branches that fall through (``if c: break`` + rest becomes
  ``if c: break`` / ``else: rest``);
* ``return e`` inside a loop becomes ``result = e; returned = True; break``, followed after
  the loop by ``if returned: return result``;
* the remaining returns, at the ends of top-level branches, assign one output variable.
"""

import gast

from .errors import UnsupportedSyntax
from .trees import clone, walk as walk_tree

EXITS = (gast.Break, gast.Continue, gast.Return)
LEAVES = EXITS + (gast.Raise,)   # control never reaches the statement after these
LOOPS = (gast.For, gast.While)


def _name(identifier, ctx=None):
    return gast.Name(identifier, ctx or gast.Load(), None, None)


def _located(node, like):
    for child in walk_tree(node):
        if hasattr(like, "lineno"):
            child.lineno = getattr(child, "lineno", like.lineno)
            child.end_lineno = getattr(child, "end_lineno", getattr(like, "end_lineno", like.lineno))
            child.col_offset = getattr(child, "col_offset", getattr(like, "col_offset", 0))
    return node


def leaves(block):
    """True when control never reaches the end of `block` (it ends in an exit)."""
    if not block:
        return False
    last = block[-1]
    if isinstance(last, LEAVES):
        return True
    if isinstance(last, gast.If):
        return leaves(last.body) and leaves(last.orelse)
    return False


def _may_exit(stmt):
    """True when an ``if`` contains an exit of the enclosing block (not of a nested loop)."""
    def search(block):
        for child in block:
            if isinstance(child, EXITS):
                return True
            if isinstance(child, gast.If) and (search(child.body) or search(child.orelse)):
                return True
        return False
    return isinstance(stmt, gast.If) and (search(stmt.body) or search(stmt.orelse))


def hoist_rest(block):
    """Move statements that follow an exiting ``if`` into its falling-through branches."""
    result = []
    for position, stmt in enumerate(block):
        if isinstance(stmt, EXITS):
            result.append(stmt)
            return result  # code after an exit never runs
        if _may_exit(stmt):
            rest = block[position + 1:]
            stmt.body = hoist_rest(stmt.body + ([] if leaves(stmt.body) else clone(rest)))
            stmt.orelse = hoist_rest(stmt.orelse + ([] if leaves(stmt.orelse) else rest))
            result.append(stmt)
            return result
        if isinstance(stmt, gast.If):
            stmt.body, stmt.orelse = hoist_rest(stmt.body), hoist_rest(stmt.orelse)
        elif isinstance(stmt, LOOPS):
            stmt.body = hoist_rest(stmt.body)
        result.append(stmt)
    return result


def drop_continues(block):
    """``continue`` at the end of a loop body's path does nothing once the rest is hoisted."""
    result = []
    for stmt in block:
        if isinstance(stmt, gast.Continue):
            continue
        if isinstance(stmt, gast.If):
            stmt.body, stmt.orelse = drop_continues(stmt.body), drop_continues(stmt.orelse)
        elif isinstance(stmt, LOOPS):
            stmt.body = drop_continues(stmt.body)
        result.append(stmt)
    return result


class _Returns:
    """Rewrites returns inside loops into a flag, a result variable and a ``break``."""

    def __init__(self, fresh):
        self.fresh = fresh

    def block(self, block, in_loop):
        result = []
        for stmt in block:
            if isinstance(stmt, LOOPS):
                if self._contains_return(stmt.body):
                    flag, value = self.fresh("returned"), self.fresh("result")
                    stmt.body = self.loop_body(stmt.body, flag, value)
                    result.append(_located(gast.Assign(targets=[_name(flag, gast.Store())],
                                                       value=gast.Constant(False, None), type_comment=None), stmt))
                    result.append(stmt)
                    result.append(_located(gast.If(test=_name(flag), body=[
                        gast.Return(value=_name(value))], orelse=[]), stmt))
                    continue
            elif isinstance(stmt, gast.If):
                stmt.body, stmt.orelse = self.block(stmt.body, in_loop), self.block(stmt.orelse, in_loop)
            result.append(stmt)
        return result

    def loop_body(self, block, flag, value):
        result = []
        for stmt in self.block(block, True):
            if isinstance(stmt, gast.Return):
                result += [_located(s, stmt) for s in (
                    gast.Assign(targets=[_name(value, gast.Store())], value=stmt.value, type_comment=None),
                    gast.Assign(targets=[_name(flag, gast.Store())], value=gast.Constant(True, None),
                                type_comment=None),
                    gast.Break())]
            elif isinstance(stmt, gast.If):
                stmt.body = self.loop_body(stmt.body, flag, value)
                stmt.orelse = self.loop_body(stmt.orelse, flag, value)
                result.append(stmt)
            else:
                result.append(stmt)
        return result

    @staticmethod
    def _contains_return(block):
        return any(isinstance(n, gast.Return) for s in block for n in walk_tree(s)
                   if not isinstance(n, gast.FunctionDef))


def single_exit(body, fresh, where):
    """Returns at the ends of top-level branches -> assignments to one output, one return."""
    returns = []

    def collect(block):
        for stmt in block:
            if isinstance(stmt, gast.Return):
                returns.append(stmt)
            elif isinstance(stmt, gast.If):
                collect(stmt.body)
                collect(stmt.orelse)
    collect(body)
    if len(returns) <= 1 and (not returns or body[-1] is returns[0]):
        return body
    if any(r.value is None for r in returns):
        raise UnsupportedSyntax("`return` without a value", where(returns[0]),
                                "Return the value the function computes.")
    arities = {len(r.value.elts) if isinstance(r.value, gast.Tuple) else None for r in returns}
    if len(arities) == 1 and None not in arities:
        outputs = [fresh("out") for _ in range(arities.pop())]
        target = gast.Tuple(elts=[_name(o, gast.Store()) for o in outputs], ctx=gast.Store())
        final = gast.Tuple(elts=[_name(o) for o in outputs], ctx=gast.Load())
    else:
        output = fresh("out")
        target, final = _name(output, gast.Store()), _name(output)

    def replace(block):
        result = []
        for stmt in block:
            if isinstance(stmt, gast.Return):
                result.append(_located(gast.Assign(targets=[clone(target)], value=stmt.value,
                                                   type_comment=None), stmt))
                continue
            if isinstance(stmt, gast.If):
                stmt.body, stmt.orelse = replace(stmt.body), replace(stmt.orelse)
            result.append(stmt)
        return result
    body = replace(body)
    body.append(_located(gast.Return(value=final), returns[-1]))
    return body


def restructure(node, fresh, where):
    """Restructure a FunctionDef's body in place (see the module docstring)."""
    body = _Returns(fresh).block(node.body, False)
    body = drop_continues(hoist_rest(body))
    node.body = single_exit(body, fresh, where)
    return node
