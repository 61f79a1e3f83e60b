"""Stage 5, optimize: make generated code read like code a careful person wrote.

Passes over a straight-line list of statements: expression simplification (constant
folding, 0/1 algebra, default keyword arguments dropped), dead-code elimination, and
forward substitution of single-use temporaries.
"""
import inspect
import operator

import gast
import numpy as np

from . import runtime
from .rules import lookup

_FOLD = {gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
         gast.Div: operator.truediv, gast.Pow: operator.pow}


def _number(node):
    """The value of a numeric literal node (``2``, ``-1.5``), else None."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = _number(node.operand)
        return None if inner is None else -inner
    if isinstance(node, gast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return node.value
    return None


def _literal(value):
    if isinstance(value, (int, float)) and value < 0:
        return gast.UnaryOp(op=gast.USub(), operand=gast.Constant(-value, None))
    return gast.Constant(value, None)


def _negate(node):
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return node.operand
    return gast.UnaryOp(op=gast.USub(), operand=node)


class Simplifier(gast.NodeTransformer):
    """Algebraic clean-up of one expression. Never changes a value or a shape."""

    def __init__(self, namespace):
        self.namespace = namespace

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, gast.USub):
            operand = node.operand
            if isinstance(operand, gast.UnaryOp) and isinstance(operand.op, gast.USub):
                return operand.operand
            if isinstance(operand, gast.Constant) and _number(operand) is not None and operand.value < 0:
                return gast.Constant(-operand.value, None)
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        left, right, op = node.left, node.right, type(node.op)
        a, b = _number(left), _number(right)
        if a is not None and b is not None and op in _FOLD:
            try:
                value = _FOLD[op](a, b)
            except (ZeroDivisionError, OverflowError):
                return node
            if isinstance(value, float) and value.is_integer() and isinstance(a, int) and isinstance(b, int) \
                    and op is not gast.Div:
                value = int(value)
            return _literal(value)
        if op is gast.Mult:
            if a == 1:
                return right
            if b == 1:
                return left
            if a == -1:
                return _negate(right)
            if b == -1:
                return _negate(left)
            if isinstance(right, gast.BinOp) and isinstance(right.op, gast.Div) and _number(right.left) == 1:
                return gast.BinOp(left=left, op=gast.Div(), right=right.right)
        if op is gast.Div and b == 1:
            return left
        if op is gast.Pow and b == 1:
            return left
        if op in (gast.Add, gast.Sub):
            if b == 0:
                return left
            if a == 0:
                return right if op is gast.Add else _negate(right)
            if isinstance(right, gast.UnaryOp) and isinstance(right.op, gast.USub):
                flipped = gast.Sub() if op is gast.Add else gast.Add()
                return gast.BinOp(left=left, op=flipped, right=right.operand)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        function = resolve_callee(node.func, self.namespace)
        if function is None:
            return node
        if getattr(function, "__name__", None) in runtime.PURE_HELPERS and \
                all(_is_constant(a) for a in node.args) and function.__module__ == runtime.__name__:
            value = function(*[_constant_value(a) for a in node.args])
            return _constant_node(value)
        if isinstance(function, np.ufunc) and not node.keywords and node.args \
                and all(_number(a) is not None for a in node.args):
            value = function(*[_number(a) for a in node.args])
            if np.isfinite(value):  # a Python float literal stays weakly typed (float32-safe)
                return _literal(float(value))
        node.keywords = [k for k in node.keywords if not _is_default(function, k)]
        return node



def resolve_callee(func, namespace):
    """The object a called name or dotted attribute refers to in `namespace`, or None."""
    if isinstance(func, gast.Name):
        return namespace.get(func.id)
    if isinstance(func, gast.Attribute):
        base = resolve_callee(func.value, namespace)
        return getattr(base, func.attr, None) if base is not None else None
    return None


PURE_METHODS = {"copy"}


def purity_checker(namespace):
    """is_pure(expr): every call in `expr` is to a function with a derivative rule or to a
    srcad helper (other than the in-place ``add_at``), so it may be moved or dropped."""
    def is_pure(expr):
        for node in gast.walk(expr):
            if not isinstance(node, gast.Call):
                continue
            function = resolve_callee(node.func, namespace)
            if function is None:  # a method of a value, such as x.sum()
                if isinstance(node.func, gast.Attribute) and (
                        node.func.attr in PURE_METHODS
                        or lookup(getattr(np.ndarray, node.func.attr, None)) is not None):
                    continue
                return False
            module = getattr(function, "__module__", None) or ""
            if function is runtime.add_at or (lookup(function) is None and module != runtime.__name__
                                              and not module.startswith("srcad.rules.")):
                return False
        return True
    return is_pure


def _is_constant(node):
    if isinstance(node, gast.Tuple):
        return all(_is_constant(e) for e in node.elts)
    return isinstance(node, gast.Constant) or _number(node) is not None


def _constant_value(node):
    if isinstance(node, gast.Tuple):
        return tuple(_constant_value(e) for e in node.elts)
    number = _number(node)
    return number if number is not None else node.value


def _constant_node(value):
    if isinstance(value, tuple):
        return gast.Tuple(elts=[_constant_node(v) for v in value], ctx=gast.Load())
    return _literal(value) if isinstance(value, (int, float)) else gast.Constant(value, None)


def _is_default(function, keyword):
    """True when a keyword argument passes the function's own default value."""
    if not isinstance(keyword.value, gast.Constant):
        return False
    try:
        parameter = inspect.signature(function).parameters.get(keyword.arg)
    except (TypeError, ValueError):
        return False
    if parameter is None or parameter.default is inspect.Parameter.empty:
        return False
    default = parameter.default
    value = keyword.value.value
    return type(default) is type(value) and default == value or (default is None and value is None)


# -- statement-level passes ----------------------------------------------------------------

def reads(node):
    """Names a statement or expression reads (the base of ``a[i] = v`` counts)."""
    return [n.id for n in gast.walk(node) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)]


def written_name(stmt):
    """(name, whole) for the variable a statement writes: whole=False for ``a[i] = v``."""
    if isinstance(stmt, gast.Assign):
        target = stmt.targets[0]
    elif isinstance(stmt, gast.AugAssign):
        target = stmt.target
    else:
        return None, False
    if isinstance(target, gast.Name):
        return target.id, isinstance(stmt, gast.Assign)
    if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
        return target.value.id, False
    return None, False


def mutated_by(stmt):
    """Names an ``Expr`` statement may change in place (its call's arguments)."""
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
        return {a.id for a in stmt.value.args if isinstance(a, gast.Name)}
    return set()


from .emit import COMPOUND, walk_nodes


def assigned_anywhere(stmt):
    """Every name a statement (with its nested blocks) assigns or writes into."""
    names = {n.id for n in gast.walk(stmt) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
    for node in gast.walk(stmt):
        if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store) \
                and isinstance(node.value, gast.Name):
            names.add(node.value.id)
        if isinstance(node, gast.Expr):
            names |= mutated_by(node)
    return names


def eliminate_dead_code(body, live_out, is_pure):
    """Drop statements whose results are never read (effects and impure calls stay)."""
    live = set(live_out)
    kept = []
    for stmt in reversed(body):
        if isinstance(stmt, COMPOUND):
            inner_live = live | (set(reads(stmt)) if not isinstance(stmt, gast.If) else set())
            stmt.body = eliminate_dead_code(stmt.body, inner_live, is_pure) or [gast.Pass()]
            stmt.orelse = eliminate_dead_code(stmt.orelse, inner_live, is_pure)
            live.update(reads(stmt))
            kept.append(stmt)
            continue
        name, whole = written_name(stmt)
        if name is not None:
            value = stmt.value
            if name not in live and is_pure(value):
                continue
            if whole:
                live.discard(name)
        live.update(reads(stmt))
        kept.append(stmt)
    kept.reverse()
    return kept


def inline_temporaries(body, temporaries, is_pure, extra_uses):
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
    return _inline_block(body, temporaries, is_pure, uses, pinned)


def _inline_block(body, temporaries, is_pure, uses, pinned):
    result = list(body)
    for stmt in result:
        if isinstance(stmt, COMPOUND):
            stmt.body = _inline_block(stmt.body, temporaries, is_pure, uses, pinned)
            stmt.orelse = _inline_block(stmt.orelse, temporaries, is_pure, uses, pinned)
    i = 0
    while i < len(result):
        stmt = result[i]
        name, whole = written_name(stmt)
        if whole and name in temporaries and name not in pinned and uses.get(name) == 1 \
                and is_pure(stmt.value):
            j = _single_use_site(result, i, name)
            if j is not None and not _clobbered(result[i + 1:j], set(reads(stmt.value))):
                use = result[j]
                if isinstance(use, gast.If):
                    use.test = _Replace(name, stmt.value).visit(use.test)
                else:
                    result[j] = _Replace(name, stmt.value).visit(use)
                del result[i]
                continue
        i += 1
    return result


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


def _clobbered(between, names):
    for stmt in between:
        if isinstance(stmt, COMPOUND):
            if assigned_anywhere(stmt) & names:
                return True
            continue
        written, _ = written_name(stmt)
        if written in names or mutated_by(stmt) & names:
            return True
    return False


class _Replace(gast.NodeTransformer):
    def __init__(self, name, value):
        self.name, self.value = name, value

    def visit_Name(self, node):
        if node.id == self.name and isinstance(node.ctx, gast.Load):
            return self.value
        return node


def simplify(body, namespace):
    simplifier = Simplifier(namespace)
    for stmt in body:
        if isinstance(stmt, COMPOUND):
            simplify(stmt.body, namespace)
            simplify(stmt.orelse, namespace)
        elif not getattr(stmt, "primal", False):
            simplifier.visit(stmt)
    return body


def optimize(body, live_out, temporaries, namespace):
    """Run every pass until nothing changes (at most a few rounds)."""
    is_pure = purity_checker(namespace)
    for _ in range(4):
        before = sum(1 for _ in walk_nodes(body))
        body = simplify(body, namespace)
        body = eliminate_dead_code(body, live_out, is_pure)
        body = inline_temporaries(body, temporaries, is_pure, live_out)
        if sum(1 for _ in walk_nodes(body)) == before:
            break
    return simplify(body, namespace)
