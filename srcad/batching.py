"""Vector mode: derivative expressions that carry a leading axis of directions.

In vector mode every tangent (``x_dot``) and adjoint (``x_bar``) has shape
``(directions,) + x.shape``: forward mode pushes all n basis tangents through one sweep,
reverse mode pulls all m basis cotangents through one sweep. A rule's expression works on
that axis unchanged when it is *transparent*: derivative values only meet ufuncs,
operators and srcad's broadcasting helpers (which have batched twins), and any other call
sees primal values only. Otherwise it runs once per direction inside the same sweep
(``stack_directions([... for d in range(directions)])``), which is correct for every rule.
"""

import gast
import numpy as np

from .derivatives import call, name
from .optimize import resolve_callee
from .trees import clone, walk as walk_tree

# helper -> its batched twin, which takes the directions in its first argument
BATCHED_HELPERS = {
    "unbroadcast": "unbroadcast_batch",
    "broadcast_as": "broadcast_as_batch",
    "expand_reduced": "expand_reduced_batch",
    "matmul_vjp_x": "matmul_vjp_x_batch",
    "matmul_vjp_y": "matmul_vjp_y_batch",
}
RUNTIME_NAMES = ("batch_zeros", "batch_align", "batch_items", "directions_of", "direction_of",
                 "stack_directions") \
    + tuple(BATCHED_HELPERS.values())


def _mentions(node, names):
    return any(isinstance(n, gast.Name) and n.id in names for n in walk_tree(node))


def _is_elementwise(function):
    """A ufunc works element by element; a generalized one (np.matmul) does not."""
    return isinstance(function, np.ufunc) and function.signature is None


def transparent_call(node, namespace):
    """Whether a call passes values with the directions axis in front through unchanged:
    an elementwise ufunc, or a helper with a batched twin."""
    helper = node.func.id if isinstance(node.func, gast.Name) else None
    return helper == "batch_align" or helper in BATCHED_HELPERS or \
        _is_elementwise(resolve_callee(node.func, namespace)) and not node.keywords


def transparent(expr, batched, namespace):
    """True when `expr` computes the right thing with the directions axis in front."""
    for node in walk_tree(expr):
        if isinstance(node, (gast.Subscript, gast.Attribute)) and _mentions(node, batched) \
                and not (isinstance(node, gast.Attribute) and not _mentions(node.value, batched)):
            return False
        if isinstance(node, (gast.ListComp, gast.GeneratorExp, gast.Lambda, gast.Tuple, gast.List)) \
                and _mentions(node, batched):
            return False
        if isinstance(node, gast.Call) and _mentions(node, batched):
            helper = node.func.id if isinstance(node.func, gast.Name) else None
            if helper == "batch_align":
                continue
            if helper in BATCHED_HELPERS:
                if any(_mentions(a, batched) for a in node.args[1:]) or any(
                        _mentions(k.value, batched) for k in node.keywords):
                    return False
                continue
            if not _is_elementwise(resolve_callee(node.func, namespace)) or node.keywords:
                return False
    return True


class _RenameHelpers(gast.NodeTransformer):
    """Helpers applied to derivative values become their batched twins (not those applied
    to primal values only)."""

    def __init__(self, batched):
        self.batched = batched

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, gast.Name) and node.func.id in BATCHED_HELPERS \
                and node.args and _mentions(node.args[0], self.batched):
            node.func = name(BATCHED_HELPERS[node.func.id])
        return node


class _PerDirection(gast.NodeTransformer):
    def __init__(self, batched, index):
        self.batched, self.index = batched, index

    def visit_Name(self, node):
        if isinstance(node.ctx, gast.Load) and node.id in self.batched:
            return call("direction_of", name(node.id), name(self.index))
        return node


def batch_expression(expr, batched, namespace, directions, index_name):
    """`expr` rewritten for derivative values that carry the directions axis first."""
    if transparent(expr, batched, namespace):
        return _RenameHelpers(batched).visit(expr)
    element = _PerDirection(batched, index_name).visit(clone(expr))
    loop = gast.comprehension(target=gast.Name(index_name, gast.Store(), None, None),
                              iter=call("range", name(directions)), ifs=[], is_async=0)
    return call("stack_directions", gast.ListComp(elt=element, generators=[loop]))


class _Align(gast.NodeTransformer):
    """Each tangent ``x_dot`` outside srcad's helpers becomes ``batch_align(x_dot, x, ans)``,
    so elementwise operations broadcast it with the directions axis first."""

    def __init__(self, primal_of, ans):
        self.primal_of, self.ans = primal_of, ans

    def visit_Call(self, node):
        if isinstance(node.func, gast.Name) and node.func.id in BATCHED_HELPERS \
                and node.args and isinstance(node.args[0], gast.Name):
            node.args[1:] = [self.visit(a) for a in node.args[1:]]
            return node   # the batched helper takes a lone tangent as it is
        return self.generic_visit(node)

    def visit_Name(self, node):
        if isinstance(node.ctx, gast.Load) and node.id in self.primal_of:
            return call("batch_align", name(node.id), clone(self.primal_of[node.id]),
                        clone(self.ans))
        return node


def align_tangents(expr, primal_of, ans):
    """`expr` with its tangents aligned to the rank of `ans` (see `_Align`)."""
    return _Align(primal_of, ans).visit(expr)
