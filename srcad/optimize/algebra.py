"""0/1 algebra: ``x * 1``, ``x / 1``, ``x ** 1``, ``x + 0``, ``0 + x``, ``x * -1``, ``- -x``,
``a + -b`` -> ``a - b``: each gives the same value, bit for bit (``g * (1 / x)`` is not
``g / x``: it rounds twice). Rules that could change a shape (``0 * x`` is a zero *of x's
shape*) are left alone."""
import gast

from .analysis import negate, number


class ZeroOneAlgebra(gast.NodeTransformer):
    """Removes multiplications by 1 and additions of 0. Never changes a value or a shape."""

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        operand = node.operand
        if isinstance(node.op, gast.USub) and isinstance(operand, gast.UnaryOp) \
                and isinstance(operand.op, gast.USub):
            return operand.operand
        return node

    def visit_BinOp(self, node):
        self.generic_visit(node)
        left, right, op = node.left, node.right, type(node.op)
        a, b = number(left), number(right)
        if op is gast.Mult:
            if a == 1:
                return right
            if b == 1:
                return left
            if a == -1:
                return negate(right)
            if b == -1:
                return negate(left)
        if op in (gast.Div, gast.Pow) and b == 1:
            return left
        if op in (gast.Add, gast.Sub):
            if b == 0:
                return left
            if a == 0:
                return right if op is gast.Add else negate(right)
            if isinstance(right, gast.UnaryOp) and isinstance(right.op, gast.USub):
                flipped = gast.Sub() if op is gast.Add else gast.Add()
                return gast.BinOp(left=left, op=flipped, right=right.operand)
        return node
