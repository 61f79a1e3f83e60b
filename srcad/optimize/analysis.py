"""What the optimizer passes know about statements and expressions: which names a
statement reads and writes, what a call refers to, which expressions are pure, literals."""
import inspect
import operator
from types import ModuleType

import gast
import numpy as np

from .. import runtime
from ..aliasing import VIEW_NAMES, VIEWS
from ..emit import COMPOUND, walk_nodes  # noqa: F401  (the passes use them)
from ..rules import lookup
from ..trees import walk as walk_tree

FOLD = {gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
         gast.Div: operator.truediv, gast.Pow: operator.pow}


def number(node):
    """The value of a numeric literal node (``2``, ``-1.5``), else None."""
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = number(node.operand)
        return None if inner is None else -inner
    if isinstance(node, gast.Constant) and isinstance(node.value, (int, float)) \
            and not isinstance(node.value, bool):
        return node.value
    return None


def literal(value):
    if isinstance(value, (int, float)) and value < 0:
        return gast.UnaryOp(op=gast.USub(), operand=gast.Constant(-value, None))
    return gast.Constant(value, None)


def negate(node):
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return node.operand
    return gast.UnaryOp(op=gast.USub(), operand=node)


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
        for node in walk_tree(expr):
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
            if function is runtime.add_at or _draws_random_numbers(function) or (
                    lookup(function) is None and module != runtime.__name__
                    and not module.startswith("srcad.rules.")):
                return False
        return True
    return is_pure


def _draws_random_numbers(function):
    """np.random.normal and friends change the generator's state: never dropped or merged."""
    owner = getattr(function, "__self__", None)
    return isinstance(owner, (np.random.RandomState, np.random.Generator)) \
        or (getattr(function, "__module__", None) or "").startswith("numpy.random")


def is_constant(node):
    if isinstance(node, gast.Tuple):
        return all(is_constant(e) for e in node.elts)
    return isinstance(node, gast.Constant) or number(node) is not None


def constant_value(node):
    if isinstance(node, gast.Tuple):
        return tuple(constant_value(e) for e in node.elts)
    value = number(node)
    return value if value is not None else node.value


def constant_node(value):
    if isinstance(value, tuple):
        return gast.Tuple(elts=[constant_node(v) for v in value], ctx=gast.Load())
    return literal(value) if isinstance(value, (int, float)) else gast.Constant(value, None)


def is_default(function, keyword):
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


def reads(node):
    """Names a statement or expression reads (the base of ``a[i] = v`` counts)."""
    return [n.id for n in walk_tree(node) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)]


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


def view_aliases(body, namespace=None):
    """name -> the names that may share its memory in `body`: ``t = y[i]``, ``t = y.T``,
    ``t = y.reshape(...)``, ``t = np.transpose(y)`` and ``t = y`` make ``t`` a view (or
    the same array) of ``y``, so writing into one changes the other."""
    namespace = {"np": np} if namespace is None else namespace
    parent = {}

    def find(n):
        while parent.setdefault(n, n) != n:
            n = parent[n]
        return n
    for stmt in walk_nodes(body):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            source = _viewed(stmt.value, namespace)
            if source is not None:
                parent[find(stmt.targets[0].id)] = find(source)
    classes = {}
    for n in list(parent):
        classes.setdefault(find(n), set()).add(n)
    return {n: members for members in classes.values() if len(members) > 1 for n in members}


def _viewed(value, namespace):
    """The name `value` may be a view of (or be), else None."""
    if isinstance(value, gast.Call):
        if resolve_callee(value.func, namespace) in VIEWS:    # np.reshape(y, s)
            value = value.args[0] if value.args else None
        elif isinstance(value.func, gast.Attribute) and value.func.attr in VIEW_NAMES \
                and not isinstance(resolve_callee(value.func.value, namespace), ModuleType):
            value = value.func                                 # y.reshape(2, 2)
        else:
            return None
    if isinstance(value, gast.Attribute) and value.attr in VIEW_NAMES or isinstance(value, gast.Subscript):
        value = value.value                                    # y.T, y[i]
    return value.id if isinstance(value, gast.Name) else None


def assigned_anywhere(stmt):
    """Every name a statement (with its nested blocks) assigns or writes into."""
    names = {n.id for n in walk_tree(stmt) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
    for node in walk_tree(stmt):
        if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store) \
                and isinstance(node.value, gast.Name):
            names.add(node.value.id)
        if isinstance(node, gast.Expr):
            names |= mutated_by(node)
    return names


