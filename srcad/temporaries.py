"""Names for the temporaries normalization introduces, read from what they hold.

``w.T`` is held in ``w_T``, ``np.sin(x)`` in ``sin_x``, ``x ** 3`` in ``x_pow_3``, ``h @ W2``
in ``h_W2``, ``x[i]`` in ``x_at_i``: the derivative code reads ``sin_x_bar``, not ``t2_bar``.
An expression whose name would be long (more than `LONGEST` characters) or that has no
short reading (a slice, a display, a lambda) gets ``t1``, ``t2``, ..., and so does one
whose name is taken (by your variables, an earlier temporary or srcad's helpers: a second
``sin_x`` as ``sin_x_1`` would read as a version of a variable). The names depend only on
the code, so the same function always reads the same.
"""
import re

import gast

from .trees import attribute_root

LONGEST = 16
_OPERATORS = {gast.Add: "plus", gast.Sub: "minus", gast.Mult: "times", gast.Div: "over",
              gast.Pow: "pow", gast.MatMult: ""}       # h @ W2 -> h_W2, as in the formula hW₂
_COMMUTATIVE = (gast.Add, gast.Mult)
_COMPARISONS = {gast.Gt: "gt", gast.Lt: "lt", gast.GtE: "ge", gast.LtE: "le", gast.Eq: "eq",
                gast.NotEq: "ne"}
_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")


def name_for(node, is_local, reserved=frozenset()):
    """A short name for a temporary holding `node`'s value, or None (then ``t<n>``).
    `is_local(name)`: whether a name is a variable of the function (``z.mean()`` reads
    ``z_mean``) rather than a module or global (``np.sin(x)`` reads ``sin_x``)."""
    try:
        name = _Reader(is_local).reading(node)
    except _NoReading:
        return None
    if len(name) > LONGEST or not _IDENTIFIER.fullmatch(name) or "_" not in name \
            or name in reserved:
        return None
    return name


class _NoReading(Exception):
    pass


class _Reader:
    def __init__(self, is_local):
        self.is_local = is_local

    def reading(self, node):
        read = self.reading
        if isinstance(node, gast.Name):
            return node.id
        if isinstance(node, gast.Constant):
            return _constant(node.value)
        if isinstance(node, gast.Attribute):
            return f"{read(node.value)}_{node.attr}"
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
            return f"neg_{read(node.operand)}"
        if isinstance(node, gast.BinOp) and type(node.op) in _OPERATORS:
            left, right = node.left, node.right
            if isinstance(node.op, _COMMUTATIVE) and isinstance(left, gast.Constant):
                left, right = right, left   # 2 * x -> x_times_2: a name cannot start with a digit
            word = _OPERATORS[type(node.op)]
            return "_".join(part for part in (read(left), word, read(right)) if part)
        if isinstance(node, gast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARISONS:
            return f"{read(node.left)}_{_COMPARISONS[type(node.ops[0])]}_{read(node.comparators[0])}"
        if isinstance(node, gast.Subscript) and isinstance(node.slice, (gast.Name, gast.Constant)):
            return f"{read(node.value)}_at_{read(node.slice)}"
        if isinstance(node, gast.Call):
            callee = self.callee(node.func)
            if node.keywords:   # x.sum(axis=0) -> x_sum
                if not isinstance(node.func, gast.Attribute) or node.args:
                    raise _NoReading
                return callee
            return "_".join([callee] + [read(a) for a in node.args])
        raise _NoReading

    def callee(self, func):
        """``np.sin`` -> ``sin`` (a module's function by its own name); ``z.mean`` -> ``z_mean``."""
        if isinstance(func, gast.Name):
            return func.id
        if isinstance(func, gast.Attribute):
            root = attribute_root(func.value)
            if isinstance(root, gast.Name) and not self.is_local(root.id):
                return func.attr
            return f"{self.reading(func.value)}_{func.attr}"
        raise _NoReading


def _constant(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _NoReading
    if value == int(value) and abs(value) < 1000:
        return str(int(value)) if value >= 0 else f"neg_{-int(value)}"
    raise _NoReading   # 0.05: no short reading
