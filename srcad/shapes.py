"""Stage 3b, analyze: which values certainly have the same shape.

Reverse mode undoes broadcasting with ``unbroadcast(g, x)`` and forward mode broadcasts a
lone tangent with ``broadcast_as(t, ans)``; both need ``x``'s value at run time (in a
loop, a tape entry). When ``x`` certainly has the shape of the result, both are the
identity and are left out. A value gets a *shape class*: a parameter its own, a unary
ufunc's (or one-argument ``math`` function's) result its argument's, a binary ufunc's result its operands' when they agree (a
literal number broadcasts to anything), and any other value a class of its own. A
variable assigned in several places keeps a class only if all of them agree.

Some classes are also known to be 0-d (*scalar*): a full reduction (``np.sum(x)``), and,
once ``grad`` has checked that the output is a scalar, the output's class and the
classes of the operands of every elementwise operation that made it (broadcasting to
shape ``()`` needs operands of shape ``()``). Two scalar classes have the same shape.

Some values have a known number of dimensions (`ndims`), and some a known length
(`length`): arrays made by ``np.zeros(n)`` or ``np.zeros((n, 3))`` and their copies and
item-assigned versions. ``y[i] = v`` into
such an array at as many ints as it has dimensions writes one element (`scalar_item`),
so reverse mode need not sum the slot's cotangent back to the shape of ``v``.
"""
import operator

import gast
import numpy as np

from .bindings import integers
from .ir import walk
from .rules import lookup

LITERAL = ("literal",)
BINARY_OPERATORS = {operator.add, operator.sub, operator.mul, operator.truediv, operator.pow}
UNARY_OPERATORS = {operator.neg, operator.pos, abs}
FULL_REDUCTIONS = {np.sum, np.mean, np.prod, np.max, np.min, np.amax, np.amin}
ARRAY_MAKERS = {np.zeros, np.ones, np.empty, np.full}      # the shape first
COPIES = {np.copy, np.ndarray.copy}


def _is_number(atom):
    return isinstance(atom, gast.Constant) and isinstance(atom.value, (int, float)) \
        and not isinstance(atom.value, bool)


class ShapeClasses:
    """`same(atom, target)`: True when `atom` certainly has the shape of `target`."""

    def __init__(self, fn):
        self.fn = fn
        self.classes = {p: ("param", p) for p in fn.params + fn.kwonly}
        definitions = {}
        for stmt in walk(fn.body):
            if stmt.target and stmt.kind not in ("for",):
                definitions.setdefault(stmt.target, []).append(stmt)
        for p in fn.params + fn.kwonly:
            definitions.setdefault(p, []).insert(0, None)
        self.definitions = definitions
        self.integers = integers(fn)
        for _ in range(len(definitions) + 2):
            if not self._round():
                break
        self.scalar = set()
        self.operands = {}      # label of an elementwise result -> the atoms it was made from
        for stmt in walk(fn.body):
            if stmt.kind != "call" or stmt.kwargs or not stmt.target:
                continue
            label = self._label(stmt, stmt.target)
            if _is_elementwise(stmt.callee, len(stmt.args)):
                self.operands.setdefault(label, []).extend(stmt.args)
            elif stmt.callee in FULL_REDUCTIONS and len(stmt.args) == 1:
                self.scalar.add(label)
        self.made = self._made()
        self.ndims = {version: ndim for version, (ndim, _) in self.made.items()}

    def _round(self):
        changed = False
        for variable, stmts in self.definitions.items():
            labels = {self._label(stmt, variable) for stmt in stmts}
            labels.discard(None)
            if not labels:
                continue
            label = labels.pop() if len(labels) == 1 else ("variable", variable)
            if self.classes.get(variable) != label:
                self.classes[variable] = label
                changed = True
        return changed

    def of(self, atom):
        if _is_number(atom):
            return LITERAL
        if isinstance(atom, gast.Name):
            return self.classes.get(atom.id, ("free", atom.id))
        return ("unknown", id(atom))

    def _label(self, stmt, variable):
        if stmt is None:
            return ("param", variable)
        own = ("value", id(stmt))
        if stmt.kind == "copy":
            label = self.of(stmt.args[0])
            return None if label is None else label
        if stmt.kind != "call" or stmt.kwargs:
            return own
        callee = stmt.callee
        rule = lookup(callee)
        if rule is None or not rule.differentiable:
            return own
        args = stmt.args
        if len(args) == 1 and (_is_elementwise(callee, 1) or getattr(callee, "__module__", None) == "math"):
            return self.of(args[0])
        if _is_elementwise(callee, len(args)):
            left, right = self.of(args[0]), self.of(args[1])
            if left is None or right is None:
                return None
            if left == LITERAL:
                return right
            if right == LITERAL or left == right:
                return left
        return own

    def _made(self):
        """version -> (number of dimensions, length of the first axis or None), where it is
        certain: arrays made by ``np.zeros(shape)`` and its siblings, their copies and their
        item-assigned versions (a variable assigned in several places only if all of them
        agree)."""
        made = {}
        for variable, stmts in self.definitions.items():
            found = {self._made_by(stmt, made) for stmt in stmts if not (
                stmt is not None and stmt.kind == "setitem" and stmt.base == variable)}
            if len(found) == 1 and None not in found:
                made[variable] = found.pop()
        return made

    def _made_by(self, stmt, made):
        if stmt is None:
            return None
        if stmt.kind == "call" and stmt.callee in ARRAY_MAKERS and stmt.args:
            return self._shape_argument(stmt.args[0])
        if stmt.kind == "copy" or stmt.kind == "call" and stmt.callee in COPIES and len(stmt.args) == 1:
            return made.get(getattr(stmt.args[0], "id", None))
        if stmt.kind == "setitem":
            return made.get(stmt.base)
        return None

    def _shape_argument(self, atom):
        """(how many numbers a shape argument holds, the first if it is a literal): (1, n)
        for a number, (k, ...) for a k-tuple."""
        if isinstance(atom, gast.Constant) and type(atom.value) is int:
            return 1, atom.value
        if isinstance(atom, gast.Name) and atom.id in self.integers:
            return 1, None
        if isinstance(atom, gast.Name):
            stmts = self.definitions.get(atom.id, [])
            if len(stmts) == 1 and stmts[0] is not None and stmts[0].kind == "pack" \
                    and stmts[0].keys is None and stmts[0].args:
                first = stmts[0].args[0]
                return len(stmts[0].args), \
                    first.value if isinstance(first, gast.Constant) and type(first.value) is int else None
        return None

    def length(self, version):
        """The length of the first axis of `version`, where it is a known constant."""
        return self.made.get(version, (None, None))[1]

    def scalar_item(self, base, index):
        """True when ``base[index]`` is certainly a single element: as many ints as `base`
        has dimensions."""
        ndim = self.ndims.get(base)
        parts = index.elts if isinstance(index, gast.Tuple) else [index]
        return ndim is not None and len(parts) == ndim and all(self._is_int(p) for p in parts)

    def _is_int(self, atom):
        if isinstance(atom, gast.UnaryOp) and isinstance(atom.op, gast.USub):
            atom = atom.operand
        return isinstance(atom, gast.Constant) and type(atom.value) is int or \
            isinstance(atom, gast.Name) and atom.id in self.integers

    def assume_scalar(self, atom):
        """`atom` is certainly 0-d (``grad`` checks its output): so are the operands of the
        elementwise operations that made it, and theirs."""
        pending = [self.of(atom)]
        while pending:
            label = pending.pop()
            if label in self.scalar or label is None or label[0] not in ("param", "value"):
                continue          # a variable whose definitions disagree says nothing of each
            self.scalar.add(label)
            pending.extend(self.of(operand) for operand in self.operands.get(label, ()))

    def same(self, atom, target):
        label, target_label = self.of(atom), self.classes.get(target)
        if label in self.scalar and target_label in self.scalar:
            return True
        return label not in (None, LITERAL) and label == target_label \
            and not str(label[0]).startswith("unknown")


def _is_elementwise(callee, arity):
    """An arithmetic operator or elementwise ufunc applied to `arity` operands (and nothing
    else). Generalized ufuncs such as ``np.matmul`` and two-output ones are not elementwise."""
    if isinstance(callee, np.ufunc):
        return callee.nin == arity and callee.nout == 1 and callee.signature is None
    return callee in (UNARY_OPERATORS if arity == 1 else BINARY_OPERATORS if arity == 2 else ())
