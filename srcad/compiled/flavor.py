"""The flavor of generated code a compile target accepts: rewrites of the generated body,
chosen by ``Options.compile`` (the engine generates one kind of code; these passes adapt
it, and ``srcad show --compile numba`` prints the result).

numba: ``reversed(range(...))``, which numba lacks, is the equivalent counting-down range
(``range(n - 1, -1, -1)``, also of a range cut short by a ``break``); ``np.matmul(a, b)`` is
``a @ b``; and the tape, one list of every saved value (floats, arrays,
``None`` before a first assignment), is one list per saved variable (``tape_row``), each
holding values of one type, as numba's lists must; and runs of elementwise statements
are fused into one loop each (fusion.py).
"""
import gast

from .fusion import fuse


def for_target(body, target, returned=None):
    """The statements `body` (returning `returned`) in the flavor of compile target
    `target` ("": unchanged)."""
    if target.startswith("numba"):
        for stmt in body:
            for node in gast.walk(stmt):
                if isinstance(node, gast.For):
                    node.iter = _counting_down(node.iter) or node.iter
                for field, value in gast.iter_fields(node):
                    if _is_matmul_call(value):
                        setattr(node, field, gast.BinOp(value.args[0], gast.MatMult(), value.args[1]))
                    elif isinstance(value, list):
                        value[:] = [gast.BinOp(v.args[0], gast.MatMult(), v.args[1])
                                    if _is_matmul_call(v) else v for v in value]
        body = _tape_per_variable(body, returned)
        body = fuse(body, returned, parallel="parallel" in target)
    return body


def _tape_statements(body, tape):
    """[(receiver Name, variable)] of the pushes and pops of `tape` in `body`."""
    found = []
    for node in (n for stmt in body for n in gast.walk(stmt)):
        tag = getattr(node, "tape", None)
        if tag and tag[0] in ("push", "pop"):
            call = node.value
            receiver = call.func.value if isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) else None
            if isinstance(receiver, gast.Name) and receiver.id == tape:
                found.append((receiver, tag[1]))
    return found


def _names(nodes, name):
    return [n for node in nodes for n in gast.walk(node) if isinstance(n, gast.Name) and n.id == name]


def tapes_across(forward, backward, tape):
    """The tape a split derivative's forward part hands its backward part (in `saved`), one
    list per variable: a tuple of them, in sorted order, on both sides. Left as it is unless
    both parts save and restore the same variables."""
    pushes, pops = _tape_statements(forward.body, tape), _tape_statements(backward.body, tape)
    variables = sorted({v for _, v in pushes})
    if not pushes or variables != sorted({v for _, v in pops}):
        return
    init = _empty_list_at(forward.body, tape)
    unpack, copy = backward.body[1:3] if isinstance(backward.body[0], gast.Expr) else backward.body[:2]
    if init is None or not (isinstance(copy, gast.Assign) and _names([copy.targets[0]], tape)) or \
            len(_names(forward.body, tape)) != len(pushes) + 2 or \
            len(_names(backward.body, tape)) != len(pops) + 3:
        return
    per_variable = [f"{tape}_{v}" for v in variables]
    for receiver, variable in pushes + pops:
        receiver.id = f"{tape}_{variable}"
    for node in forward.body + [unpack]:   # the `saved` tuple holds the tuple of lists
        _replace_name(node, tape, per_variable)
    index = forward.body.index(init)
    forward.body[index:index + 1] = [_assign_list(name, []) for name in per_variable]
    index = backward.body.index(copy)
    backward.body[index:index + 1] = [
        gast.Assign(targets=[gast.Name(name, gast.Store(), None, None)],
                    value=gast.Call(func=gast.Name("list", gast.Load(), None, None),
                                    args=[gast.Name(name, gast.Load(), None, None)], keywords=[]),
                    type_comment=None) for name in per_variable]


def _replace_name(tree, old, names):
    """Each Name `old` inside a tuple in `tree` -> a tuple of `names` (same context)."""
    for node in gast.walk(tree):
        if isinstance(node, gast.Tuple):
            node.elts = [gast.Tuple(elts=[gast.Name(n, type(e.ctx)(), None, None) for n in names],
                                    ctx=type(e.ctx)())
                         if isinstance(e, gast.Name) and e.id == old else e for e in node.elts]


def _empty_list_at(body, tape):
    return next((stmt for stmt in body if isinstance(stmt, gast.Assign)
                 and isinstance(stmt.value, gast.List) and not stmt.value.elts
                 and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
                 and stmt.targets[0].id == tape), None)


def _assign_list(name, elts):
    return gast.Assign(targets=[gast.Name(name, gast.Store(), None, None)],
                       value=gast.List(elts=elts, ctx=gast.Load()), type_comment=None)


def _tape_per_variable(body, returned):
    """``tape.append(row)`` / ``row = tape.pop()`` -> ``tape_row.append(row)`` / ``row =
    tape_row.pop()``, and ``tape = []`` -> one empty list per variable (only when the tape
    is made here and used for nothing else: a split derivative passes it on)."""
    init = next((i for i, stmt in enumerate(body) if isinstance(stmt, gast.Assign)
                 and isinstance(stmt.value, gast.List) and not stmt.value.elts
                 and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)), None)
    if init is None:
        return body
    tape = body[init].targets[0].id
    receivers = _tape_statements(body, tape)
    variables = list(dict.fromkeys(variable for _, variable in receivers))
    uses = sum(isinstance(n, gast.Name) and n.id == tape for stmt in body for n in gast.walk(stmt))
    if not receivers or uses != len(receivers) + 1 or returned is not None and _names([returned], tape):
        return body
    for receiver, variable in receivers:
        receiver.id = f"{tape}_{variable}"
    lists = [gast.Assign(targets=[gast.Name(f"{tape}_{v}", gast.Store(), None, None)],
                         value=gast.List(elts=[], ctx=gast.Load()), type_comment=None)
             for v in variables]
    return body[:init] + lists + body[init + 1:]


def _is_matmul_call(node):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
        and node.func.attr == "matmul" and isinstance(node.func.value, gast.Name) \
        and len(node.args) == 2 and not node.keywords


def _call_of(node, name):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
        and node.func.id == name and not node.keywords


def _counting_down(node):
    """``range(b - 1, a - 1, -1)`` for ``reversed(range(a, b))`` (unit or constant positive
    step), None for anything else."""
    if _is_reversal(node):   # range(...)[::-1], as the derivative of derivative code reads
        node = gast.Call(func=gast.Name("reversed", gast.Load(), None, None), args=[node.value], keywords=[])
    if not (_call_of(node, "reversed") and len(node.args) == 1):
        return None
    inner, count = node.args[0], None
    if isinstance(inner, gast.Subscript) and isinstance(inner.slice, gast.Slice) and \
            inner.slice.lower is None and inner.slice.step is None and inner.slice.upper is not None:
        inner, count = inner.value, inner.slice.upper   # range(...)[:count], after a break
    if not _call_of(inner, "range"):
        return None
    bounds = inner.args
    start, stop = (gast.Constant(0, None), bounds[0]) if len(bounds) == 1 else bounds[:2]
    if count is not None:
        if len(bounds) == 3:
            return None
        reached = count if _is_zero(start) else gast.BinOp(start, gast.Add(), count)
        stop = gast.Call(func=gast.Name("min", gast.Load(), None, None), args=[stop, reached], keywords=[])
    step = bounds[2] if len(bounds) == 3 else gast.Constant(1, None)
    if not (isinstance(step, gast.Constant) and type(step.value) is int and step.value > 0):
        return None
    if step.value == 1:
        last = _minus(stop, 1)
    else:   # the last value the range reaches: start + (stop - start - 1) // step * step
        span = gast.BinOp(_minus(gast.BinOp(stop, gast.Sub(), start), 1), gast.FloorDiv(), step)
        last = gast.BinOp(start, gast.Add(), gast.BinOp(span, gast.Mult(), step))
    end = gast.UnaryOp(gast.USub(), gast.Constant(1, None)) if _is_zero(start) else _minus(start, 1)
    negative_step = gast.UnaryOp(gast.USub(), gast.Constant(step.value, None))
    return gast.Call(func=gast.Name("range", gast.Load(), None, None), args=[last, end, negative_step],
                     keywords=[])


def _is_reversal(node):
    cut = node.slice if isinstance(node, gast.Subscript) else None
    step = cut.step if isinstance(cut, gast.Slice) and cut.lower is None and cut.upper is None else None
    if isinstance(step, gast.UnaryOp) and isinstance(step.op, gast.USub) and isinstance(step.operand, gast.Constant):
        return step.operand.value == 1
    return isinstance(step, gast.Constant) and step.value == -1


def _is_zero(node):
    return isinstance(node, gast.Constant) and node.value == 0 and type(node.value) is int


def _minus(node, k):
    if isinstance(node, gast.Constant) and type(node.value) is int:
        return gast.Constant(node.value - k, None)
    return gast.BinOp(node, gast.Sub(), gast.Constant(k, None))
