"""``with`` blocks in generated code.

The normalizer flattens a ``with`` block: its statements are ordinary statements whose
origin lists the blocks they are in (`Origin.context`, outermost first), and a "context"
statement marks where the block is entered. The transforms treat them as any statements;
`wrap_contexts`, run on each generated function after the optimizer, puts every run of
statements from one block, primal or derivative, back inside the block's ``with``::

    with np.errstate(divide='ignore'):
        y = np.log(x)
        y_dot = x_dot / x

The adjoint sweep enters the context manager again (a second ``with`` with the same
expression, without its ``as`` name), so its statements run under the same settings. The
markers stay in the code until then, so that the optimizer and the split into forward and
backward parts see the names the ``with`` line reads.
"""
import gast

from .trees import clone


class Region:
    """One ``with`` item: its context expression (names at their versions, set when the
    normalizer reaches it), its ``as`` name, and the lines of its body."""

    def __init__(self, first_line, last_line):
        self.first_line, self.last_line = first_line, last_line
        self.expr = None
        self.as_name = None
        self.origin = None      # the ``with`` line, for the comment above the block

    def contains(self, line):
        return self.first_line <= line <= self.last_line


def marker(node, stmt):
    """Tag the statement emitted for a "context" statement."""
    node.context_marker = True
    node.primal = True
    node.origin = stmt.origin
    return node


def wrap_contexts(body):
    """`body` with each run of statements of a ``with`` block inside that block (the
    adjoint sweep, from its first statement on, apart from the primal one)."""
    start = next((i for i, stmt in enumerate(body) if getattr(stmt, "sweep", None) == "adjoint"),
                 len(body))
    return _wrap(body[:start], 0, False) + _wrap(body[start:], 0, True)


def _region(stmt, depth):
    context = getattr(getattr(stmt, "origin", None), "context", ())
    return context[depth] if len(context) > depth else None


def _wrap(block, depth, adjoint):
    result, i = [], 0
    while i < len(block):
        stmt = block[i]
        region = _region(stmt, depth)
        if region is None:
            _wrap_nested(stmt, depth, adjoint)
            result.append(stmt)
            i += 1
            continue
        end = j = i + 1
        while j < len(block):   # the run: statements of `region`, and srcad's own between them
            other = block[j]
            if _region(other, depth) is region:
                end = j + 1
            elif getattr(other, "origin", None) is not None:
                break
            j += 1
        inside = [s for s in block[i:end] if not getattr(s, "context_marker", False)]
        if inside:
            result.append(_with(region, _wrap(inside, depth + 1, adjoint), adjoint))
        i = end
    return result


def _wrap_nested(stmt, depth, adjoint):
    for field in ("body", "orelse"):
        block = getattr(stmt, field, None)
        if isinstance(block, list) and block and isinstance(block[0], gast.stmt):
            setattr(stmt, field, _wrap(block, depth, adjoint))


def _with(region, body, adjoint):
    target = None
    if region.as_name is not None and not adjoint:
        target = gast.Name(region.as_name, gast.Store(), None, None)
    node = gast.With(items=[gast.withitem(context_expr=clone(region.expr), optional_vars=target)],
                     body=body, type_comment=None)
    node.origin = region.origin
    if adjoint:
        node.sweep = "adjoint"   # where the comment of the adjoint sweep goes (transform.py)
    return node
