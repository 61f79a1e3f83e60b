"""Constant folding: arithmetic on literals (``2 * 0.5`` -> ``1.0``), a ufunc of literals
(``np.cos(0.0)`` -> ``1.0``, kept a Python float so float32 code stays float32), srcad's
pure helpers of constants, keyword arguments that pass the callee's own default, and
``list`` of a list or tuple display (``list([a, b])`` -> ``[a, b]``)."""
import gast
import numpy as np

from .. import runtime
from .analysis import (FOLD, constant_node, constant_value, is_constant, is_default, literal, number,
                       resolve_callee)


class ConstantFolder(gast.NodeTransformer):
    """Evaluates what can be evaluated when the code is generated. Never changes a value."""

    def __init__(self, namespace):
        self.namespace = namespace

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, gast.USub) and number(node.operand) is not None:
            return literal(-number(node.operand))
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        a, b, op = number(node.left), number(node.right), type(node.op)
        if a is None or b is None or op not in FOLD:
            return node
        try:
            value = FOLD[op](a, b)
        except (ZeroDivisionError, OverflowError):
            return node
        if isinstance(value, float) and value.is_integer() and isinstance(a, int) \
                and isinstance(b, int) and op is not gast.Div:
            value = int(value)
        return literal(value)

    def visit_Call(self, node):
        self.generic_visit(node)
        function = resolve_callee(node.func, self.namespace)
        if function is None:
            return node
        if getattr(function, "__name__", None) in runtime.PURE_HELPERS and \
                all(is_constant(a) for a in node.args) and function.__module__ == runtime.__name__:
            return constant_node(function(*[constant_value(a) for a in node.args]))
        if isinstance(function, np.ufunc) and not node.keywords and node.args \
                and all(number(a) is not None for a in node.args):
            value = function(*[number(a) for a in node.args])
            if np.isfinite(value):  # a Python float literal stays weakly typed (float32-safe)
                return literal(float(value))
        if function is list and len(node.args) == 1 and not node.keywords \
                and isinstance(node.args[0], (gast.List, gast.Tuple)) \
                and not any(isinstance(e, gast.Starred) for e in node.args[0].elts):
            return gast.List(elts=node.args[0].elts, ctx=gast.Load())   # list([a, b]) is [a, b]
        node.keywords = [k for k in node.keywords if not is_default(function, k)]
        return node
