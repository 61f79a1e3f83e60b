"""Operations on gast trees. `clone` and `walk` run thousands of times per transformation
and are written for speed (copy.deepcopy costs 5x more, ast.walk 2x more).

Deep trees: Python compiles expressions nested about 3000 levels deep (a sum of 3000
terms is a BinOp 3000 levels deep), while gast, ast.unparse, NodeTransformers and srcad's
own passes recurse a few frames per level. `parse` and `recursion_room` give them room on
the stack in proportion to the tree's depth (CPython >= 3.11 keeps Python frames off the
C stack, so this costs memory only); the optimizer keeps generated expressions shallow
(``MAX_DEPTH``), so that generated code prints and compiles without such room."""
import ast
import contextlib
import sys

import gast

SCOPES = (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp, gast.Lambda)


def clone(node):
    """A deep copy of a gast tree, with srcad's own node attributes."""
    if isinstance(node, list):
        return [clone(item) for item in node]
    if not isinstance(node, gast.AST):
        return node
    copied = node.__class__.__new__(node.__class__)
    for field, value in node.__dict__.items():
        setattr(copied, field, clone(value) if isinstance(value, (gast.AST, list)) else value)
    return copied


def walk(node):
    """Every node of the tree under `node`, breadth first (the order of ast.walk)."""
    todo = [node]
    for node in todo:            # the list grows while it is read
        for field in node._fields:
            value = getattr(node, field, None)
            if type(value) is list:
                todo.extend(item for item in value if isinstance(item, gast.AST))
            elif isinstance(value, gast.AST):
                todo.append(value)
        yield node


def attribute_root(node):
    """What an attribute chain starts from: ``x`` of ``x.a.b`` (`node` itself otherwise)."""
    while isinstance(node, gast.Attribute):
        node = node.value
    return node


def in_nested_scopes(node):
    """ids of the nodes under `node` that are inside a comprehension or lambda, whose
    names are their own."""
    return {id(inner) for scope in walk(node) if isinstance(scope, SCOPES) for inner in walk(scope)}


# Python frames a pass may spend per level of a tree (gast's converters: 4, plus 2 per list),
# and what a transformation needs besides (its own calls, a callee transformed on the way).
FRAMES_PER_LEVEL = 8
PIPELINE_FRAMES = 400
MAX_DEPTH = 40        # the optimizer builds no deeper expression than this
# Before Python 3.11 every Python frame takes C stack too: stay well inside 8 MB (deeper
# trees then raise srcad's error instead of overflowing the C stack).
CEILING = None if sys.version_info >= (3, 11) else 12_000


def depth(node):
    """The number of levels of nodes in the tree under `node` (gast or ast), counted
    without recursion."""
    deepest, todo = 0, [(node, 1)]
    while todo:
        node, level = todo.pop()
        deepest = max(deepest, level)
        for field in node._fields:
            value = getattr(node, field, None)
            if type(value) is list:
                todo.extend((item, level + 1) for item in value if isinstance(item, (gast.AST, ast.AST)))
            elif isinstance(value, (gast.AST, ast.AST)):
                todo.append((value, level + 1))
    return deepest


def deepest_statement(node):
    """(line, levels) of the statement holding the deepest expression under `node`."""
    best, todo = (getattr(node, "lineno", 1), 0), [(node, 0, getattr(node, "lineno", 1))]
    while todo:
        node, level, line = todo.pop()
        if isinstance(node, (gast.stmt, ast.stmt)):
            level, line = 0, getattr(node, "lineno", line)
        if level > best[1]:
            best = (line, level)
        for field in node._fields:
            value = getattr(node, field, None)
            for item in value if type(value) is list else [value]:
                if isinstance(item, (gast.AST, ast.AST)):
                    todo.append((item, level + 1, line))
    return best


@contextlib.contextmanager
def recursion_room(levels):
    """Room on Python's stack, for the duration, for a transformation of a tree `levels`
    deep, wherever on the stack it starts (a callee may be transformed on its first call,
    deep inside a recursion): the recursion limit is raised when it is too low, then put back."""
    needed = _stack_depth() + PIPELINE_FRAMES + FRAMES_PER_LEVEL * levels
    if CEILING is not None:
        needed = min(needed, CEILING)
    before = sys.getrecursionlimit()
    if needed <= before:
        yield
        return
    sys.setrecursionlimit(needed)
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def _stack_depth():
    frame, count = sys._getframe(1), 0
    while frame is not None:
        frame, count = frame.f_back, count + 1
    return count


def parse(source):
    """`gast.parse`, for source nested as deep as Python compiles."""
    tree = ast.parse(source)
    with recursion_room(depth(tree)):
        return gast.ast_to_gast(tree)
