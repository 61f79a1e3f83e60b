"""Stage 3d, analyze: which values may hold a Python list, tuple or dict at run time.

srcad sees no types. A parameter may receive a list; so may a value copied, sliced,
indexed, concatenated (``a + b``) or repeated (``a * 3``) from one. Where such a value is
an operand of a NumPy function, NumPy reads it as an array, and the rule's templates must
too: ``2 * x`` on the list ``[3.0]`` repeats it. Where it is an operand of ``+`` or ``*``,
Python concatenates or repeats, which has derivatives of its own.

Most values are certainly not sequences, and their derivative code stays as it is. Some
operations fail on a list, so when the function runs to the end they *prove* that an
operand is none: ``x ** 2``, ``-x``, ``x * 0.5``, ``x.T``, ``x[:, 0]``. A proof holds for
the value the operand has there: along the block the proving statement is in, up to the
next assignment of that variable, and inside nested blocks that do not assign it.
"""
import math
import operator

import gast
import numpy as np

from . import runtime
from .objects import record_of
from .bindings import integers as integer_names
from .ir import walk
from .rules import lookup
from .templates import names_in
from .trees import clone

# operators that raise TypeError for a list, tuple or dict operand when the other operand
# is a Python number (``+`` and ``*`` too, except ``list * int``, which repeats)
_ARITHMETIC = {operator.add, operator.sub, operator.mul, operator.truediv, operator.floordiv,
               operator.mod, operator.pow, operator.matmul, operator.lt, operator.le,
               operator.gt, operator.ge, operator.and_, operator.or_, operator.xor,
               operator.lshift, operator.rshift}
# ... and those that raise when both operands are the same list (x * x; not x + x, x < x)
_SELF_ARITHMETIC = {operator.sub, operator.mul, operator.truediv, operator.floordiv,
                    operator.mod, operator.pow, operator.matmul}
_UNARY = {operator.neg, operator.pos, operator.invert, operator.abs, abs}
# Templates left as they are: of callables that take a list as the list it is (joining
# arrays, copies, sums of derivatives), whose rules give one derivative per item, and of
# ``+`` and ``*``, which on a list concatenate or repeat it (`list_operation`) or meet an
# array (their templates then combine the list with arrays only).
SEQUENCE_CALLABLES = {list, tuple, sum, np.array, np.asarray, np.stack, np.concatenate, np.hstack,
                      np.vstack, np.dstack, np.column_stack, np.linalg.multi_dot,
                      runtime.add_each, runtime.copy_of, runtime.add_at, runtime.scatter_add,
                      runtime.unrepeated, runtime.repeated_like, operator.add, operator.mul,
                      record_of}
# Every other operator on a list raises, or meets an array, NumPy's (``w - ps``): in its
# templates, the other operands are arrays.
OPERATORS = {getattr(operator, n) for n in dir(operator) if not n.startswith("_")
             and callable(getattr(operator, n))} | {abs}


def templates_read_lists(callee):
    """Whether `callee`'s templates must be left as they are (see SEQUENCE_CALLABLES): also
    array methods that lists, tuples or dicts have too (``x.copy()``), which on a list are
    the list's own."""
    attribute = _attribute_name(callee)
    if attribute and any(hasattr(kind, attribute) for kind in (list, tuple, dict)):
        return True
    return _member(callee, SEQUENCE_CALLABLES)


def is_operator(callee):
    return _member(callee, OPERATORS)


def _member(callee, members):
    try:
        return callee in members
    except TypeError:   # unhashable
        return False


def _number(atom):
    """The value of a literal number atom (``2``, ``-1.5``), else None."""
    if isinstance(atom, gast.UnaryOp) and isinstance(atom.op, (gast.USub, gast.UAdd)):
        atom = atom.operand
    if isinstance(atom, gast.Constant) and isinstance(atom.value, (int, float, complex)) \
            and not isinstance(atom.value, bool):
        return atom.value
    return None


def _name(atom):
    return atom.id if isinstance(atom, gast.Name) else None


def _attribute_name(callee):
    """``T`` for np.ndarray.T, ``sum`` for np.ndarray.sum; None for anything else."""
    name = getattr(callee, "__name__", None)
    if name and getattr(np.ndarray, name, None) is callee:
        return name
    return None


def proved_not_sequences(stmt):
    """Operand names that `stmt` proves are not lists, tuples or dicts (it would raise)."""
    if stmt.kind == "getitem":
        parts = stmt.index.elts if isinstance(stmt.index, gast.Tuple) else []
        if any(isinstance(p, gast.Slice) or isinstance(p, gast.Constant) and p.value in (None, Ellipsis)
               for p in parts):
            return {_name(stmt.args[0])} - {None}   # lists take no tuple index
        return set()
    if stmt.kind != "call" or not stmt.args:
        return set()
    callee, args = stmt.callee, stmt.args
    if _member(callee, _UNARY) and len(args) == 1:
        return {_name(args[0])} - {None}
    if _member(callee, _ARITHMETIC) and len(args) == 2:
        if _member(callee, _SELF_ARITHMETIC) and _name(args[0]) and _name(args[0]) == _name(args[1]):
            return {_name(args[0])}   # x * x: a list times a list raises
        proved = set()
        for atom, other in ((args[0], args[1]), (args[1], args[0])):
            number = _number(other)
            if number is None or callee is operator.mul and isinstance(number, int):
                continue   # [x] * 2 repeats
            proved.add(_name(atom))
        return proved - {None}
    attribute = _attribute_name(callee)
    if attribute and not any(hasattr(kind, attribute) for kind in (list, tuple, dict)):
        return {_name(args[0])} - {None}   # x.T, x.shape, x.sum(): only arrays have them
    if getattr(callee, "__module__", None) == "math" and \
            getattr(math, getattr(callee, "__name__", ""), None) is callee:
        return {_name(a) for a in args} - {None}
    return set()


def _certainly_makes_sequence(stmt):
    if stmt.kind == "pack":
        return True
    if stmt.kind == "call":
        rule = lookup(stmt.callee)
        return stmt.callee in (list, tuple) or bool(rule and rule.sequence_output)
    return False


def _shaped_like_first_argument(stmt):
    """``zeros_like(ps)`` in generated code (differentiated again): a list when `ps` is one."""
    return stmt.kind == "call" and stmt.callee is runtime.zeros_like and len(stmt.args) == 1


class SequenceValues:
    """Which versions may hold (`maybe`) or certainly hold (`certain`) a list, tuple or dict,
    and which operands each statement may see as one (`may_be_sequence`)."""

    def __init__(self, fn, varied=frozenset()):
        self.fn, self.varied = fn, varied
        self.integers = integer_names(fn)
        self.definitions = {}
        for stmt in walk(fn.body):
            if stmt.target and stmt.kind not in ("for", "if", "while"):
                self.definitions.setdefault(stmt.target, []).append(stmt)
        self.proved = {}   # id(stmt) -> names certainly not sequences when stmt runs
        self._prove_block(fn.body, frozenset())
        self.maybe = self._maybe()
        self.certain = self._certain()

    # -- which values may be sequences -----------------------------------------------------
    def _may_make_sequence(self, stmt, maybe):
        def seq(atom):   # an item or a slice of an array is no list
            return _name(atom) in maybe and _name(atom) not in self.proved.get(id(stmt), ())
        if _certainly_makes_sequence(stmt) or stmt.kind == "usercall":
            return True
        if stmt.kind in ("copy", "getitem"):
            return seq(stmt.args[0])
        if stmt.kind == "pop":
            return stmt.base in maybe
        if stmt.kind == "setitem":
            return stmt.base in maybe
        if _shaped_like_first_argument(stmt):
            return seq(stmt.args[0])
        if stmt.kind == "call" and stmt.callee is operator.add and len(stmt.args) == 2:
            return all(seq(a) for a in stmt.args)
        if stmt.kind == "call" and stmt.callee is operator.mul and len(stmt.args) == 2:
            a, b = stmt.args
            return seq(a) and self._may_be_int(b) or seq(b) and self._may_be_int(a)
        return False

    def _may_be_int(self, atom):
        """A differentiated value is never an int (inputs in `wrt` are floating point)."""
        number = _number(atom)
        if number is not None:
            return isinstance(number, int)
        return isinstance(atom, gast.Name) and atom.id not in self.varied

    def _maybe(self):
        params = self.fn.params if self.fn.sequence_params is None else self.fn.sequence_params
        maybe = set(params) | set(self.fn.kwonly) | set(self.fn.unpacked)
        changed = True
        while changed:
            changed = False
            for target, stmts in self.definitions.items():
                if target not in maybe and any(self._may_make_sequence(s, maybe) for s in stmts):
                    maybe.add(target)
                    changed = True
        return maybe

    def _certainly_sequence(self, stmt, certain):
        if _certainly_makes_sequence(stmt):
            return True
        args = [_name(a) for a in stmt.args]
        if stmt.kind == "copy":
            return args[0] in certain
        if stmt.kind == "getitem":
            return args[0] in certain and isinstance(stmt.index, gast.Slice)
        if stmt.kind == "setitem":
            return stmt.base in certain
        if _shaped_like_first_argument(stmt):
            return args[0] in certain
        if stmt.kind == "call" and stmt.callee is operator.add and len(args) == 2:
            return args[0] in certain and args[1] in certain
        if stmt.kind == "call" and stmt.callee is operator.mul and len(args) == 2:
            return any(args[i] in certain and self.is_int(stmt.args[1 - i]) for i in (0, 1))
        return False

    def is_int(self, atom):
        number = _number(atom)
        return isinstance(number, int) if number is not None else _name(atom) in self.integers

    def _certain(self):
        params = set(self.fn.params) | set(self.fn.kwonly)
        certain = {t for t in self.definitions if t not in params}
        changed = True
        while changed:
            changed = False
            for target in sorted(certain):
                if not all(self._certainly_sequence(s, certain) for s in self.definitions[target]):
                    certain.discard(target)
                    changed = True
        return certain

    # -- proofs ----------------------------------------------------------------------------
    def _prove_block(self, block, outer):
        assigned = [_assigned(stmt) for stmt in block]
        proofs = [proved_not_sequences(stmt) if not stmt.blocks else set() for stmt in block]
        proved = [set(outer) for _ in block]
        for variable in set().union(*proofs) if proofs else ():
            start = 0
            for position in range(len(block) + 1):
                if position == len(block) or variable in assigned[position]:
                    segment = range(start, position)
                    if any(variable in proofs[k] for k in segment):
                        for k in segment:
                            proved[k].add(variable)
                    start = position + 1
        for stmt, names in zip(block, proved):
            self.proved[id(stmt)] = frozenset(names)
            for inner in stmt.blocks:
                self._prove_block(inner, frozenset(names))

    # -- queries ---------------------------------------------------------------------------
    def may_be_sequence(self, atom, stmt):
        """True when `atom` may hold a list, tuple or dict when `stmt` runs."""
        name = _name(atom)
        return name in self.maybe and name not in self.proved.get(id(stmt), ())

    def is_sequence(self, atom):
        return _name(atom) in self.certain


def _assigned(stmt):
    names = {s.target for s in walk([stmt]) if s.target}
    return names


# -- derivative templates on values that may be lists ----------------------------------------

def read_as_arrays(template, names, everywhere=frozenset(), opaque=None, arrays=frozenset()):
    """`template` with each of `names` read as ``np.asarray(name)`` wherever Python would
    treat a list differently from the array NumPy made of it: as an operand of an operator
    whose other operand is not certainly an array (``2 * x``, ``x ** (y - 1)``, ``-x``), as
    the receiver of an attribute or an index (``x.T``, ``x[i]``), or as the whole value.
    Arguments of calls stay as they are: NumPy functions and srcad's helpers take lists.
    Names in `everywhere` are read as arrays wherever they occur, except as arguments of
    calls for which `opaque(call)` is true; names in `arrays` are certainly arrays."""
    names = set(names) | set(everywhere)
    if not names & names_in(template):
        return template
    converter = _ReadAsArrays(names, everywhere, opaque, set(arrays) | {"g", "ans"})
    return converter.convert(clone(template), safe=False)[0]


def _asarray(node):
    return gast.Call(func=gast.Attribute(value=gast.Name("np", gast.Load(), None, None),
                                         attr="asarray", ctx=gast.Load()),
                     args=[node], keywords=[])


class _ReadAsArrays:
    """Rewrites a template; `convert(node, safe)` returns (node, certainly an array).
    `safe`: a bare name in `names` here is left for the parent to decide."""

    def __init__(self, names, everywhere, opaque, arrays):
        self.names, self.everywhere, self.opaque = names, everywhere, opaque
        self.arrays = arrays   # g and ans: what NumPy makes of a list is an array

    def _bare(self, node):
        return isinstance(node, gast.Name) and node.id in self.names

    def _array(self, node):
        """`node` converted unless it is certainly an array already."""
        node, known = self.convert(node, safe=True)
        if self._bare(node):
            return _asarray(node), True
        return node, known

    def convert(self, node, safe):
        if isinstance(node, gast.Name):
            if node.id in self.everywhere:
                return _asarray(node), True
            if node.id in self.names:
                return (node, False) if safe else (_asarray(node), True)
            return node, node.id in self.arrays
        if isinstance(node, gast.Constant):
            return node, False
        if isinstance(node, (gast.BinOp, gast.Compare)):
            operands = [node.left, node.right] if isinstance(node, gast.BinOp) \
                else [node.left] + list(node.comparators)
            converted = [self.convert(o, safe=True) for o in operands]
            known = any(k for _, k in converted)
            result = []
            for operand, operand_known in converted:
                if self._bare(operand) and not known:
                    operand, known = _asarray(operand), True
                result.append(operand)
            if isinstance(node, gast.BinOp):
                node.left, node.right = result
            else:
                node.left, node.comparators = result[0], result[1:]
            return node, known and isinstance(node, gast.BinOp)
        if isinstance(node, gast.UnaryOp):
            node.operand, known = self._array(node.operand)
            return node, known
        if isinstance(node, (gast.Subscript, gast.Attribute)):
            node.value, known = self._array(node.value)
            if isinstance(node, gast.Subscript):
                node.slice = self.convert(node.slice, safe=True)[0]
            return node, known and isinstance(node, gast.Subscript) or \
                isinstance(node, gast.Attribute) and known and node.attr in ("T", "real", "imag")
        if isinstance(node, gast.Call):
            if isinstance(node.func, gast.Attribute) and not _is_module(node.func.value):
                node.func.value = self._array(node.func.value)[0]   # a method: x.sum()
            opaque = self.opaque is not None and self.opaque(node)
            node.args = [a if opaque and isinstance(a, gast.Name) else self.convert(a, safe=True)[0]
                         for a in node.args]
            for keyword in node.keywords:
                if not (opaque and isinstance(keyword.value, gast.Name)):
                    keyword.value = self.convert(keyword.value, safe=True)[0]
            return node, not (isinstance(node.func, gast.Name) and node.func.id in ("list", "tuple"))
        if isinstance(node, gast.IfExp):
            node.test = self.convert(node.test, safe=False)[0]
            node.body, body_known = self.convert(node.body, safe=safe)
            node.orelse, orelse_known = self.convert(node.orelse, safe=safe)
            return node, body_known and orelse_known
        if isinstance(node, (gast.Tuple, gast.List)):
            node.elts = [self.convert(e, safe=True)[0] for e in node.elts]
            return node, False
        if isinstance(node, gast.Starred):
            node.value = self.convert(node.value, safe=True)[0]
            return node, False
        if isinstance(node, gast.Slice):
            for part in ("lower", "upper", "step"):
                if getattr(node, part) is not None:
                    setattr(node, part, self.convert(getattr(node, part), safe=False)[0])
            return node, False
        return node, False


def _is_module(node):
    """``np`` in ``np.sin``: a module name, not a value (templates name modules by name)."""
    return isinstance(node, gast.Name) and node.id in ("np", "math", "scipy", "special")


def list_operation(stmt, values):
    """"concat" for ``a + b`` of two lists (tuples), "repeat" for ``a * n`` / ``n * a`` of a
    list and an int, None for anything else: for values srcad can see are sequences."""
    if stmt.kind != "call" or len(stmt.args) != 2 or stmt.kwargs:
        return None
    a, b = stmt.args
    if stmt.callee is operator.add and values.is_sequence(a) and values.is_sequence(b):
        return "concat"
    if stmt.callee is operator.mul and (values.is_sequence(a) and values.is_int(b)
                                        or values.is_sequence(b) and values.is_int(a)):
        return "repeat"
    return None
