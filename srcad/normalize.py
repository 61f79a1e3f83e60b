"""Stage 2, normalize: a parsed function -> one operation per statement (A-normal form).

Desugars augmented assignment, tuple unpacking, method calls and attribute reads on
arrays (``x.sum()`` is a call of ``np.ndarray.sum`` with ``x`` first), and gives each
reassignment of a variable a new version name so every value is defined once.
"""
import ast
import collections.abc
import inspect
import operator

import gast
import numpy as np

from .aliasing import check_views
from .errors import SrcadError, UnsupportedSyntax, report
from .ir import NormalFunction, Origin, Stmt, assigned_names, keywords, loaded_names, normalized
from .linking import LazyDerivative
from .dicts import METHODS as DICT_METHODS, merged
from .objects import read_attribute, record_fields, record_of
from .runtime import bind_captured, copy_of
from .names import Namer
from .namespaces import namespace_names, standard_function
from .normalize_flow import ControlFlow, _reassigned_in_blocks
from .normalize_functions import (LiftedFunction, NestedFunctions, _CallAliases, _PassCaptured,
                                  _transformation_name, is_dynamic_callable, is_user_function)
from .normalize_syntax import FunctionValue, HANDLED, SyntaxSupport, is_generator, plain_args
from .parse import MISSING
from .restructure import restructure
from .temporaries import name_for
from .rules import lookup
from .trees import attribute_root as _root, clone, walk as walk_tree
from .written_out import WRITTEN_OUT

BINARY_OPERATORS = {
    gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
    gast.Div: operator.truediv, gast.Pow: operator.pow, gast.MatMult: operator.matmul,
    gast.FloorDiv: operator.floordiv, gast.Mod: operator.mod,
    gast.BitAnd: operator.and_, gast.BitOr: operator.or_, gast.BitXor: operator.xor,
    gast.LShift: operator.lshift, gast.RShift: operator.rshift,
}
UNARY_OPERATORS = {
    gast.USub: operator.neg, gast.UAdd: operator.pos, gast.Not: operator.not_,
    gast.Invert: operator.invert,
}
COMPARISONS = {
    gast.Lt: operator.lt, gast.LtE: operator.le, gast.Gt: operator.gt, gast.GtE: operator.ge,
    gast.Eq: operator.eq, gast.NotEq: operator.ne, gast.Is: operator.is_,
    gast.IsNot: operator.is_not, gast.In: operator.contains, gast.NotIn: operator.contains,
}

_HINTS = {
    "Try": "Move error handling outside the differentiated function.",
    "With": "Move the `with` block outside the differentiated function.",
    "Lambda": "Define the function with `def` (nested or at module level).",
    "AsyncFunctionDef": "Async functions cannot be differentiated.",
    "Global": "Pass the value as an argument instead.",
    "Nonlocal": "Pass the value as an argument instead.",
    "Delete": "Remove the `del` statement; names go out of scope on their own.",
    "ClassDef": "Define classes at module level.",
    "Yield": "Generators cannot be differentiated; return a value.",
    "YieldFrom": "Generators cannot be differentiated; return a value.",
    "Await": "Async functions cannot be differentiated.",
    "AsyncFor": "Async functions cannot be differentiated.",
    "AsyncWith": "Async functions cannot be differentiated.",
    "Raise": "Check inputs before calling the differentiated function.",
    "Assert": "Check inputs before calling the differentiated function.",
    "Import": "Import at module level.",
    "ImportFrom": "Import at module level.",
    "NamedExpr": "Assign the value in its own statement.",
    "SetComp": "Build a list instead.",
    "Set": "Use a list or tuple.",
    "Match": "Use `if`/`elif`.",
}


def _construct(node):
    names = {"Try": "`try` statement", "With": "`with` statement", "Lambda": "lambda",
             "Global": "`global`", "Nonlocal": "`nonlocal`", "Delete": "`del`",
             "ClassDef": "class definition", "Yield": "`yield`", "YieldFrom": "`yield from`",
             "Await": "`await`", "AsyncFunctionDef": "`async def`", "AsyncFor": "`async for`",
             "AsyncWith": "`async with`", "Raise": "`raise`", "Assert": "`assert`",
             "Import": "`import`", "ImportFrom": "`import`", "NamedExpr": "`:=`",
             "SetComp": "set comprehension", "DictComp": "dict comprehension", "Set": "set literal",
             "Match": "`match` statement"}
    kind = type(node).__name__
    return names.get(kind, kind), _HINTS.get(kind, "")


class Normalizer(ControlFlow, NestedFunctions, SyntaxSupport):
    """Walks a function body once, appending normalized statements to the current block.
    Control flow (normalize_flow.py), nested functions (normalize_functions.py) and the
    statements around the numerics (normalize_syntax.py: guards, ``with``, lambdas,
    generators, ``*args``) are its mixins. `arity`: how many values ``*args`` holds."""

    def __init__(self, parsed, arity=None):
        self.parsed = parsed
        self.arity = arity
        self.node = parsed.node
        self.body = []
        self.namer = Namer(n.id for n in walk_tree(self.node) if isinstance(n, gast.Name))
        self.fresh = self.namer.fresh
        self.current = {}        # user name -> current version name
        self.versions = set()
        self.array_of = {}       # version -> the version that created its array (copies, y[i] = v)
        self.user_of = {}        # version -> the user's name of the variable
        self.origin = None
        self.temp_count = 0
        self.temporaries = set()  # names normalization invented (t1, t2, ..., out)
        self.lifted = {}          # nested def name -> (module-level gast def, captured names)
        self.loop_depth = 0
        self.unpacked = set()     # values unpacked into several names (tuples)
        self.derivative_bindings = []   # srcad.grad(g) inside: (name, g, mode, wrt, as_tuple)
        self.derivatives = {}     # (g, mode, wrt, as_tuple) -> its DerivativeOf, bound once
        self.derivative_aliases = {}   # slope -> the srcad.grad(g) call assigned to it
        self.assignments = {}     # user name -> how many times the function (not a nested def) assigns it

    # -- names -------------------------------------------------------------------------
    def define(self, user_name):
        """A new version of `user_name`: the name itself the first time, then name_1, ...

        Names assigned inside a loop or branch keep one name (they are reassigned)."""
        if user_name in self.mutable or user_name not in self.current:
            version = user_name
        else:
            version = self.fresh(user_name)
        self.namer.taken.add(version)
        self.current[user_name] = version
        self.user_of[version] = user_name
        self.versions.add(version)
        return version

    def temp(self, holds=None):
        """A new temporary, named after the expression it `holds` when that is short and
        the name is free (temporaries.py), else ``t<n>``."""
        name = holds is not None and name_for(holds, self.is_local_name, _reserved())
        if not name or name in self.namer.taken:   # not sin_x_1: it would read as a version
            self.temp_count += 1
            name = f"t{self.temp_count}"
        name = self.fresh(name)
        self.versions.add(name)
        self.temporaries.add(name)
        return name

    def is_local_name(self, name):
        return name in self.local_names or name in self.lifted

    def where(self, node):
        return self.parsed.where(node)

    def unsupported(self, node, construct=None, hint=""):
        raise self.unsupported_error(node, construct, hint)

    def unsupported_error(self, node, construct=None, hint=""):
        default_construct, default_hint = _construct(node)
        return UnsupportedSyntax(construct or default_construct, self.where(node), hint or default_hint)

    def set_origin(self, stmt):
        self.origin = Origin(self.parsed.filename, self.parsed.line_of(stmt),
                             self.parsed.source_line(stmt),
                             self.context_at(getattr(stmt, "lineno", 1)))

    # -- statements ----------------------------------------------------------------------
    def run(self):
        fn = self.node
        args = fn.args
        body = list(fn.body)
        if body and isinstance(body[0], gast.Expr) and isinstance(body[0].value, gast.Constant) \
                and isinstance(body[0].value.value, str):
            body = body[1:]  # docstring
        body = self.prepare(body)
        self.check_supported(body)
        fn.body = body
        self.lift_nested_functions(fn)
        restructure(fn, self.fresh, self.where)
        body = fn.body
        self.local_names = assigned_names(fn)
        self.namespaces = namespace_names(
            fn, lambda node: MISSING if self.is_local(_root(node)) else self.parsed.resolve(node))
        self.mutable = _reassigned_in_blocks(body)
        params = [self.define(a.id) for a in args.args]
        values = self.vararg_parameters()
        kwonly = [self.define(a.id) for a in args.kwonlyargs]
        kwarg = self.define(args.kwarg.id) if args.kwarg else None
        if not body or not isinstance(body[-1], gast.Return):
            raise SrcadError(f"{self.where(fn)}: {fn.name} must end with `return <value>` to be "
                             "differentiated")
        self.set_origin(fn)
        self.pack_varargs(values)
        self.copy_written_arguments(body, args)
        self.set_origin(fn)
        self.block(body[:-1])
        self.set_origin(body[-1])
        outputs, returns_tuple = self.returned(body[-1])
        return NormalFunction(
            name=fn.name, params=params + values, kwonly=kwonly,
            defaults=[] if values else list(args.defaults),   # *args follows them: all passed
            kw_defaults=list(args.kw_defaults), kwarg=kwarg, body=self.body, outputs=outputs,
            returns_tuple=returns_tuple, locals=set(self.versions), taken=self.namer.taken,
            temporaries=self.temporaries, parsed=self.parsed,
            lifted=[node for node, _ in self.lifted.values()], unpacked=self.unpacked,
            derivative_bindings=self.derivative_bindings,
        )

    def check_supported(self, body):
        for stmt in body:
            for node in walk_tree(stmt):
                if type(node).__name__ in _HINTS and type(node).__name__ not in HANDLED:
                    report(self.unsupported_error(node))
                if isinstance(node, (gast.For, gast.While)) and node.orelse:
                    report(self.unsupported_error(node, "`else` on a loop", "Use a flag variable instead."))
                if isinstance(node, gast.FunctionDef) and node.decorator_list:
                    report(self.unsupported_error(node, "a decorated nested function",
                                                  "Define it at module level."))

    def block(self, stmts):
        for stmt in stmts:
            self.set_origin(stmt)
            try:
                self.statement(stmt)
            except SrcadError as error:   # collected by `srcad check`, which goes on
                report(error)
                for user_name in sorted(assigned_names(stmt) - set(self.current)):
                    self.define(user_name)   # assigned all the same, as far as the rest can tell

    def nested(self, stmts, loop=False):
        """Normalize `stmts` into a new block and return it."""
        outer, self.body = self.body, []
        self.loop_depth += loop
        try:
            self.block(stmts)
            return self.body
        finally:
            self.body = outer
            self.loop_depth -= loop

    def statement(self, stmt):
        if self.syntax_statement(stmt):   # assert, raise, import, try, with (normalize_syntax.py)
            return None
        if isinstance(stmt, gast.Assign):
            if len(stmt.targets) == 1:
                return self.assign(stmt.targets[0], stmt.value)
            value = self.atom(stmt.value)
            for target in stmt.targets:
                self.assign(target, value)
            return None
        if isinstance(stmt, gast.AnnAssign):
            if stmt.value is None:
                return None
            return self.assign(stmt.target, stmt.value)
        if isinstance(stmt, gast.AugAssign):
            return self.augmented(stmt)
        if isinstance(stmt, gast.Expr):
            if isinstance(stmt.value, gast.Constant):
                return None
            if self.is_append(stmt.value):
                return self.append(stmt.value)
            operation = self.operation(stmt.value)
            if operation["kind"] == "pop":  # a discarded pop still moves the list's derivative
                self.emit(self.temp(), operation)
                return None
            if operation["kind"] in ("call", "usercall"):
                operation["kind"] = "effect"
            self.emit(None, operation)
            return None
        if isinstance(stmt, gast.Pass):
            return None
        if isinstance(stmt, gast.If):
            return self.if_statement(stmt)
        if isinstance(stmt, gast.For):
            return self.for_statement(stmt)
        if isinstance(stmt, gast.While):
            return self.while_statement(stmt)
        if isinstance(stmt, gast.Break):
            self.body.append(Stmt("break", None, None, self.origin))
            return None
        if isinstance(stmt, gast.Return):
            return self.unsupported(stmt, "`return` here", "Return at the end of the function.")
        return self.unsupported(stmt)

    # -- control flow ----------------------------------------------------------------------
    def inert(self, node):
        """A copy of a non-differentiable expression (a test) with names at their current
        version; it is kept as written."""
        node = _CallAliases(self.alias_calls(node)).visit(clone(node))   # slope(x), slope = srcad.grad(g)
        node = _PassCaptured(self.lifted, self.is_transformation).visit(node)
        for child in walk_tree(node):
            if isinstance(child, (gast.Lambda, gast.ListComp, gast.GeneratorExp, gast.DictComp,
                                  gast.SetComp, gast.NamedExpr)):
                self.unsupported(child, hint="Compute the value in its own statement first.")
        for child in walk_tree(node):
            if isinstance(child, gast.Name) and isinstance(child.ctx, gast.Load) \
                    and not getattr(child, "derivative_binding", False):
                if child.id in self.local_names:
                    if child.id not in self.current:
                        raise SrcadError(f"{self.where(child)}: `{child.id}` is used before it is assigned")
                    child.id = self.current[child.id]
                elif child.id not in self.lifted:
                    self.require_defined(child)
        return node

    def assign(self, target, value):
        if isinstance(target, gast.Name) and self.derivative_alias(target, value):
            return
        if isinstance(target, gast.Name):
            self.emit(target.id, self.operation(value), user_name=True)
        elif isinstance(target, (gast.Tuple, gast.List)):
            self.unpack(target, value)
        elif isinstance(target, gast.Subscript):
            self.setitem(target, value)
        elif isinstance(target, gast.Attribute):
            self.unsupported(target, f"setting the attribute `{_written(target)}`",
                             "srcad differentiates values, not objects that change: return the new "
                             "value (or build a new object) instead of storing it in an attribute.")
        else:
            self.unsupported(target, f"assignment to {type(target).__name__.lower()}",
                             "Assign to a plain variable or an array item.")

    def unpack(self, target, value):
        stars = [i for i, e in enumerate(target.elts) if isinstance(e, gast.Starred)]
        if stars:
            return self.starred_unpack(target, value, stars[0])
        if isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(target.elts):
            atoms = [self.atom(v) for v in value.elts]  # every right side before any target
            for element, atom in zip(target.elts, atoms):
                self.assign(element, atom)
            return
        whole = self.atom(self.as_sequence(value))   # a, b = zip(*pairs): of a list
        items = self.known_tuples.get(whole.id) if isinstance(whole, gast.Name) else None
        if items is not None and len(items) == len(target.elts):   # a, b = args
            for element, atom in zip(target.elts, items):
                self.assign(element, atom)
            return
        if isinstance(whole, gast.Name):
            self.unpacked.add(whole.id)  # a tuple (or a sequence): its derivative is a list
        for i, element in enumerate(target.elts):
            item = gast.Subscript(value=whole, slice=gast.Constant(value=i, kind=None),
                                  ctx=gast.Load())
            self.assign(element, item)

    def starred_unpack(self, target, value, star):
        """``a, *rest, z = xs`` as ``a = xs[0]; rest = list(xs[1:-1]); z = xs[-1]``."""
        whole = self.atom(self.as_sequence(value))
        after = len(target.elts) - star - 1

        def item(index):
            return gast.Subscript(value=whole, slice=gast.Constant(index, None), ctx=gast.Load())
        for i in range(star):
            self.assign(target.elts[i], item(i))
        middle = gast.Subscript(value=whole, slice=gast.Slice(gast.Constant(star, None),
                                                              gast.Constant(-after, None) if after else None,
                                                              None), ctx=gast.Load())
        self.assign(target.elts[star].value,
                    gast.Call(func=gast.Name("list", gast.Load(), None, None), args=[middle], keywords=[]))
        for j in range(after):
            self.assign(target.elts[star + 1 + j], item(j - after))

    def copy_written_arguments(self, body, args):
        """``x[0] = a * b`` into a parameter `x`: the derivative code takes a copy of `x` on
        entry (``x_1 = copy_of(x)``), so that it never changes the caller's array; your
        function itself, called as usual, still writes into it as NumPy does."""
        parameters = {a.id for a in args.args + args.kwonlyargs}
        written = {}
        for stmt in body:
            for node in walk_tree(stmt):
                targets = node.targets if isinstance(node, gast.Assign) else \
                    [node.target] if isinstance(node, gast.AugAssign) else []
                for target in targets:
                    for item in walk_tree(target):
                        if isinstance(item, gast.Subscript) and isinstance(item.value, gast.Name) \
                                and item.value.id in parameters:
                            written.setdefault(item.value.id, stmt)
        for parameter in sorted(written, key=lambda p: written[p].lineno):
            self.set_origin(written[parameter])
            atom = normalized(gast.Name(self.current[parameter], gast.Load(), None, None))
            expr = gast.Call(func=gast.Name("copy_of", gast.Load(), None, None), args=[atom], keywords=[])
            self.emit(parameter, self.call_op(copy_of, expr, [atom]), user_name=True)
            copy = self.current[parameter]
            self.array_of[copy] = f"{copy} (a copy)"   # not the caller's array any more

    def setitem(self, target, value):
        if not isinstance(target.value, gast.Name) or target.value.id not in self.local_names:
            self.unsupported(target, "item assignment into something other than a local array",
                             "Assign into an array created inside the function.")
        user_name = target.value.id
        index = self.index(target.slice)
        value_atom = self.atom(value)
        base = self.current_version(target.value)
        self.check_not_shared(user_name, base, target)
        version = self.define(user_name)
        self.array_of[version] = self.array_of.get(base, base)
        expr = gast.Assign(targets=[gast.Subscript(value=gast.Name(base, gast.Load(), None, None),
                                                   slice=index, ctx=gast.Store())],
                           value=value_atom, type_comment=None)
        self.body.append(Stmt("setitem", version, expr, self.origin, args=[value_atom],
                              index=index, base=base))

    def check_not_shared(self, user_name, version, node):
        """Item assignment must not write into an argument or an array another name holds."""
        array = self.array_of.get(version, version)
        if array in [a.id for a in self.node.args.args + self.node.args.kwonlyargs]:
            self.unsupported(node, f"item assignment into argument `{array}`",
                             f"It would change the caller's array; write `{user_name} = {array}.copy()` first.")
        for other, other_version in self.current.items():
            if other != user_name and self.array_of.get(other_version, other_version) == array:
                self.unsupported(node, f"item assignment into `{user_name}`, the same array as `{other}`",
                                 f"Make a copy first: `{user_name} = {user_name}.copy()`.")

    def augmented(self, stmt):
        target = stmt.target
        if isinstance(target, gast.Name):
            load = gast.Name(target.id, gast.Load(), None, None)
            return self.assign(target, gast.BinOp(left=load, op=stmt.op, right=stmt.value))
        if isinstance(target, gast.Subscript):
            if not isinstance(target.value, gast.Name):
                return self.unsupported(target, "augmented assignment into an expression")
            index = self.index(target.slice)
            read = gast.Subscript(value=target.value, slice=index, ctx=gast.Load())
            new_value = gast.BinOp(left=read, op=stmt.op, right=stmt.value)
            store = gast.Subscript(value=target.value, slice=index, ctx=gast.Store())
            return self.setitem(store, new_value)
        return self.unsupported(target, f"augmented assignment to the attribute `{_written(target)}`",
                                "Compute the new value in a variable and return it.")

    def returned(self, stmt):
        value = stmt.value
        if value is None:
            raise SrcadError(f"{self.where(stmt)}: `return` without a value cannot be differentiated")
        if isinstance(value, gast.Tuple):
            return [self.atom(v) for v in value.elts], True
        if isinstance(value, (gast.Name, gast.Constant)):
            return [self.atom(value)], False
        operation = self.operation(value)
        output = self.fresh("out")
        self.versions.add(output)
        self.temporaries.add(output)
        self.emit(output, operation)
        return [normalized(gast.Name(output, gast.Load(), None, None))], False

    def emit(self, user_target, operation, user_name=False):
        target = None
        if user_target is not None:
            target = self.define(user_target) if user_name else user_target
            source = operation["expr"]
            if operation["kind"] == "copy" and isinstance(source, gast.Name) and source.id in self.versions:
                self.array_of[target] = self.array_of.get(source.id, source.id)
            else:   # a new value: no longer the array it held before (a loop's `a = f(a)`)
                self.array_of.pop(target, None)
            if operation["kind"] in ("call", "getitem", "pack", "usercall") \
                    and target in loaded_names(source):
                # x = f(x): compute into a temporary first, so that derivative code can
                # still read the old x (the optimizer folds it back where that is safe)
                value = self.temp()
                self.body.append(Stmt(target=value, origin=self.origin, **operation))
                operation = {"kind": "copy", "expr": normalized(gast.Name(value, gast.Load(), None, None))}
                operation["args"] = [operation["expr"]]
        self.body.append(Stmt(target=target, origin=self.origin, **operation))
        if operation["kind"] == "pack" and target is not None:
            self.note_pack(target, operation)
        return target

    # -- expressions ---------------------------------------------------------------------
    def current_version(self, name_node):
        return self.current.get(name_node.id, name_node.id)

    def is_local(self, node):
        return isinstance(node, gast.Name) and node.id in self.local_names

    def atom(self, node):
        """An operand: a Name or Constant, emitting a temporary for anything compound."""
        if isinstance(node, gast.Constant) or getattr(node, "normalized", False):
            return node
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub) \
                and isinstance(node.operand, gast.Constant):
            return node  # -1 stays a literal
        if isinstance(node, gast.Name):
            if node.id in self.derivative_aliases:
                self.unsupported(node, f"using `{node.id}`, a derivative function, other than by calling it",
                                 f"Call it where its value is needed: `{node.id}(...)`.")
            if node.id in self.local_names:
                if node.id not in self.current:
                    raise SrcadError(f"{self.where(node)}: `{node.id}` is used before it is assigned")
                return normalized(gast.Name(self.current[node.id], gast.Load(), None, None))
            if node.id in self.lifted:   # a nested function (a lambda) as a value
                return self.function_value(node)
            self.require_defined(node)
            return normalized(gast.Name(node.id, gast.Load(), None, None))
        if isinstance(node, gast.Attribute) and self.parsed.resolve(node) is not MISSING \
                and not self.is_local(_root(node)):
            return node  # a module constant such as np.pi
        operation = self.operation(node)
        target = self.temp(node)
        self.emit(target, operation)
        return normalized(gast.Name(target, gast.Load(), None, None))

    def require_defined(self, node):
        if self.parsed.resolve(node) is MISSING:
            raise SrcadError(f"{self.where(node)}: name `{node.id}` is not defined")

    def operation(self, node):
        """Normalize the top-level operation of an expression; operands become atoms."""
        if isinstance(node, (gast.Name, gast.Constant)) or (
                isinstance(node, gast.Attribute) and not self.is_local(_root(node))
                and self.parsed.resolve(node) is not MISSING):
            atom = self.atom(node)
            return {"kind": "copy", "expr": atom, "args": [atom]}
        if isinstance(node, gast.BinOp):
            left, right = self.atom(node.left), self.atom(node.right)
            return self.call_op(BINARY_OPERATORS[type(node.op)],
                                gast.BinOp(left=left, op=node.op, right=right), [left, right])
        if isinstance(node, gast.UnaryOp):
            if isinstance(node.operand, gast.Constant) and isinstance(node.op, gast.USub):
                return {"kind": "copy", "expr": node, "args": [node]}
            operand = self.atom(node.operand)
            return self.call_op(UNARY_OPERATORS[type(node.op)],
                                gast.UnaryOp(op=node.op, operand=operand), [operand])
        if isinstance(node, gast.Compare):
            if len(node.ops) != 1:
                self.unsupported(node, "chained comparison", "Compare two values at a time.")
            left, right = self.atom(node.left), self.atom(node.comparators[0])
            expr = gast.Compare(left=left, ops=node.ops, comparators=[right])
            return self.call_op(COMPARISONS[type(node.ops[0])], expr, [left, right])
        if self.is_list_pop(node):
            base = self.atom(node.func.value)
            expr = gast.Call(func=gast.Attribute(value=base, attr="pop", ctx=gast.Load()), args=[],
                             keywords=[])
            return {"kind": "pop", "expr": expr, "base": base.id}
        if isinstance(node, gast.Call):
            return self.call(node)
        if isinstance(node, gast.Subscript):
            holder = self.computing_subscript(node.value)
            if holder is not MISSING:
                return self.object_subscript(node, holder)
            base = self.atom(node.value)
            index = self.index(node.slice)
            item = self.known_item(base, index)   # args[0] of a tuple srcad built: that value
            if item is not None:
                return {"kind": "copy", "expr": item, "args": [item]}
            expr = gast.Subscript(value=base, slice=index, ctx=gast.Load())
            return {"kind": "getitem", "expr": expr, "args": [base], "index": index,
                    "callee": operator.getitem}
        if isinstance(node, gast.Attribute):
            unknown = _Unknown(f"the attribute `{_written(node)}`")
            receiver = self.atom(node.value)
            descriptor = getattr(np.ndarray, node.attr, MISSING)
            expr = gast.Attribute(value=receiver, attr=node.attr, ctx=gast.Load())
            if descriptor is MISSING and node.attr not in CONTAINER_METHODS:   # a field: objects.py
                return self.call_op(read_attribute, expr, [receiver, gast.Constant(node.attr, None)])
            return self.call_op(descriptor if descriptor is not MISSING else unknown, expr, [receiver])
        if isinstance(node, (gast.Tuple, gast.List)):
            atoms = [self.atom(e) for e in node.elts]
            return {"kind": "pack", "expr": type(node)(elts=atoms, ctx=gast.Load()), "args": atoms}
        if isinstance(node, gast.Dict):
            if any(k is None for k in node.keys):   # {**d, "b": y}
                return self.merged_dict(node)
            if not all(isinstance(k, gast.Constant) for k in node.keys):
                self.unsupported(node, "a dict with computed keys", "Use constant keys.")
            atoms = [self.atom(v) for v in node.values]
            return {"kind": "pack", "expr": gast.Dict(keys=node.keys, values=atoms), "args": atoms,
                    "keys": [k.value for k in node.keys]}
        if isinstance(node, gast.IfExp):
            return self.if_expression(node)
        if isinstance(node, (gast.ListComp, gast.GeneratorExp, gast.DictComp)):
            atom = self.comprehension(node)
            return {"kind": "copy", "expr": atom, "args": [atom]}
        if isinstance(node, gast.JoinedStr):   # an f-string: text, no derivative
            return {"kind": "inert", "expr": self.inert(node), "args": []}
        if isinstance(node, gast.BoolOp):
            if not all(isinstance(v, (gast.Compare, gast.BoolOp, gast.Call, gast.Constant))
                       or isinstance(v, gast.UnaryOp) and isinstance(v.op, gast.Not)
                       for v in node.values):
                self.unsupported(node, "`and`/`or` on values",
                                 "`and`/`or` give truth values here; write `a if condition else b`.")
            expr = self.inert(node)
            return {"kind": "inert", "expr": expr, "args": self.value_operands(expr)}
        return self.unsupported(node)

    def merged_dict(self, node):
        """``{**a, "k": v, **b}`` as ``merged(merged(a, {"k": v}), b)`` (dicts.py)."""
        parts, pending = [], ([], [])
        for key, value in zip(node.keys, node.values):
            if key is None:
                if pending[0]:
                    parts.append(self.atom(gast.Dict(keys=pending[0], values=pending[1])))
                    pending = ([], [])
                parts.append(self.atom(value))
            else:
                pending[0].append(key)
                pending[1].append(value)
        if pending[0]:
            parts.append(self.atom(gast.Dict(keys=pending[0], values=pending[1])))
        result = parts[0]
        for part in parts[1:-1]:
            result = self.atom_of(self.merge_op(result, part))
        return self.merge_op(result, parts[-1]) if len(parts) > 1 else \
            self.call_op(merged, gast.Call(func=gast.Name("merged", gast.Load(), None, None),
                                           args=[result, gast.Dict(keys=[], values=[])], keywords=[]),
                         [result, gast.Dict(keys=[], values=[])])

    def merge_op(self, a, b):
        return self.call_op(merged, gast.Call(func=gast.Name("merged", gast.Load(), None, None),
                                              args=[a, b], keywords=[]), [a, b])

    def atom_of(self, operation):
        target = self.temp()
        self.emit(target, operation)
        return normalized(gast.Name(target, gast.Load(), None, None))

    def value_operands(self, node):
        """The local names read by the calls whose value ``a and b`` / ``a or b`` may return
        (``np.sum(x) or 1.0``); a call declared non-differentiable (``np.any``) returns none.
        The value of ``and``/``or`` carries no derivative, so activity analysis rejects these
        names when they are differentiated."""
        if isinstance(node, gast.BoolOp):
            return [name for value in node.values for name in self.value_operands(value)]
        if not isinstance(node, gast.Call):
            return []           # a comparison, `not ...` or a constant
        func = node.func
        if isinstance(func, gast.Attribute) and _is_method_call(func, self):
            callee = getattr(np.ndarray, func.attr, MISSING)
        else:
            callee = self.parsed.resolve(func)
        rule = lookup(callee) if callee is not MISSING else None
        if rule is not None and not rule.differentiable:
            return []
        return [normalized(gast.Name(name, gast.Load(), None, None))
                for name in sorted(loaded_names(node)) if name in self.versions]

    def computing_subscript(self, node):
        """The object of ``obj[key]`` when `obj` is a free name (``np.r_``, ``np.mgrid``) that is
        not a container: its ``__getitem__`` computes a value from the key. MISSING otherwise
        (a local value, an array, a list, a dict: ``a[i]`` reads an item)."""
        if not isinstance(node, (gast.Name, gast.Attribute)) or self.is_local(_root(node)):
            return MISSING
        obj = self.parsed.resolve(node)
        if obj is MISSING or isinstance(obj, CONTAINERS):
            return MISSING
        return obj

    def object_subscript(self, node, obj):
        """``np.r_[a, b]`` is the call ``np.r_.__getitem__((a, b))``: a statement that calls
        `obj` with the items of the key (a slice ``0:n`` becomes ``slice(0, n, None)``). Its
        rule (np.r_, np.c_), a non-differentiable declaration (np.s_) or a NoDerivativeRule
        error says what a differentiated item gives; without this a key was only an index."""
        key = node.slice
        several = isinstance(key, gast.Tuple)
        items = [self.atom(_slice_call(e) if isinstance(e, gast.Slice) else e)
                 for e in (key.elts if several else [key])]
        written = gast.Tuple(elts=items, ctx=gast.Load()) if several else items[0]
        if any(isinstance(a, gast.Constant) and isinstance(a.value, str) for a in items):
            # np.r_['0,2', a, b]: a string selects what the object does; no rule can see that
            obj = _Unknown(f"{_dotted(node.value)}[...] with a string in its key")
        expr = gast.Subscript(value=node.value, slice=written, ctx=gast.Load())
        return self.call_op(obj, expr, items)

    def call_op(self, callee, expr, args, kwargs=None):
        return {"kind": "call", "expr": expr, "callee": callee, "args": args,
                "kwargs": kwargs or {}}

    def record(self, node, cls, fields):
        """``P(a, b=c)`` of a NamedTuple or a plain dataclass (`record_fields`) as
        ``record_of(P, (a, c))`` (a dataclass: ``{'w': a, 'b': c}``), whose derivative is the
        derivative of the packed values: the object's derivative in srcad's own form."""
        given = dict(zip(fields, node.args))
        given.update((k.arg, k.value) for k in node.keywords)
        if len(node.args) > len(fields) or not set(given) <= set(fields) \
                or len(given) < len(node.args) + len(node.keywords):   # a field given twice
            raise SrcadError(f"{self.where(node)}: {cls.__name__}(...) takes the fields "
                             f"{', '.join(fields)}, not these arguments")
        ordered = [name for name in fields if name in given]
        if issubclass(cls, tuple):
            if ordered != fields[:len(ordered)]:
                self.unsupported(node, f"leaving out a field of {cls.__name__} before one you pass",
                                 "Pass the fields in order, up to the last one you give.")
            packed = gast.Tuple(elts=[given[name] for name in ordered], ctx=gast.Load())
        else:
            packed = gast.Dict(keys=[gast.Constant(name, None) for name in ordered],
                               values=[given[name] for name in ordered])
        cls_atom, values = self.atom(node.func), self.atom(gast.copy_location(packed, node))
        expr = gast.Call(func=gast.Name("record_of", gast.Load(), None, None), args=[cls_atom, values],
                         keywords=[])
        return self.call_op(record_of, expr, [cls_atom, values])

    def call(self, node):
        func = node.func
        if isinstance(func, gast.Name) and func.id in self.derivative_aliases:
            return self.alias_call(node)
        if isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) \
                and func.value.id in self.namespaces:
            return self.namespace_call(node)
        if isinstance(func, gast.Attribute) and _is_method_call(func, self):
            unknown = _Unknown(f"the method call `{_written(node)}`")
            receiver = self.atom(func.value)
            args, kwargs = self.call_arguments(node)
            method = getattr(np.ndarray, func.attr, MISSING)
            if method is MISSING and func.attr in DICT_METHODS:   # d.get(k), d.items(): dicts.py
                helper = DICT_METHODS[func.attr]
                expr = gast.Call(func=gast.Name(helper.__name__, gast.Load(), None, None),
                                 args=[receiver] + args, keywords=keywords(kwargs))
                return self.call_op(helper, expr, [receiver] + plain_args(args), kwargs)
            if method is MISSING and func.attr not in CONTAINER_METHODS:   # an object's method
                return self.dynamic_call(node, receiver, func.attr)
            callee = method if method is not MISSING else unknown
            expr = gast.Call(func=gast.Attribute(value=receiver, attr=func.attr, ctx=gast.Load()),
                             args=args, keywords=keywords(kwargs))
            return self.call_op(callee, expr, [receiver] + plain_args(args), kwargs)
        if isinstance(func, gast.Name) and func.id in self.lifted:
            return self.lifted_call(node)
        if isinstance(func, gast.Call) and _transformation_name(self.parsed.resolve(func.func)):
            return self.derivative_call(node)
        if self.is_local(func) or not isinstance(func, (gast.Name, gast.Attribute)):
            return self.dynamic_call(node, self.atom(func))   # a function value, a call's result
        callee = self.parsed.resolve(func)
        if callee is MISSING:
            raise SrcadError(f"{self.where(node)}: cannot resolve the function `{_dotted(func)}`")
        if _transformation_name(callee):
            self.unsupported(node, f"srcad.{callee.__name__}(...) used as a value",
                             f"Call it where it is needed, `srcad.{callee.__name__}(g)(x)`, or assign "
                             "it to a name and call that name.")
        if isinstance(callee, LazyDerivative):  # generated code calling generated code
            callee = callee.resolve()
        if callee is dict and not node.args and all(k.arg for k in node.keywords):   # dict(a=x)
            return self.operation(gast.Dict(keys=[gast.Constant(k.arg, None) for k in node.keywords],
                                            values=[k.value for k in node.keywords]))
        fields = record_fields(callee)
        if fields is not None and not any(isinstance(a, gast.Starred) for a in node.args) \
                and all(k.arg for k in node.keywords):   # Point(x, y=2.0): a record of values
            return self.record(node, callee, fields)
        if callee is bind_captured and node.args and isinstance(node.args[0], gast.Name):
            kwargs = {k.arg: self.atom(k.value) for k in node.keywords}   # generated code, again
            expr = gast.Call(func=func, args=node.args, keywords=keywords(kwargs))
            return {"kind": "call", "expr": expr, "args": [], "kwargs": kwargs,
                    "callee": FunctionValue(node.args[0].id, list(kwargs), None)}
        if is_dynamic_callable(callee):   # a global object's method, a partial: see dynamic.py
            return self.dynamic_call(node, self.atom(func))
        versions = WRITTEN_OUT.get(callee) if _hashable(callee) else None
        if versions and len(node.args) < len(versions) and versions[len(node.args)] \
                and not node.keywords and not any(isinstance(a, gast.Starred) for a in node.args):
            args, kwargs = self.call_arguments(node)   # map, functools.reduce: written_out.py
            written_out = versions[len(node.args)]
            expr = gast.Call(func=gast.Name(written_out.__name__, gast.Load(), None, None), args=args,
                             keywords=keywords(kwargs))
            return {"kind": "usercall", "expr": expr, "callee": written_out, "args": plain_args(args),
                    "kwargs": kwargs}
        args, kwargs = self.call_arguments(node)
        expr = gast.Call(func=func, args=args, keywords=keywords(kwargs))
        operation = self.call_op(callee, expr, plain_args(args), kwargs)
        if is_user_function(callee):
            operation["kind"] = "usercall"
            if is_generator_function(callee):   # run to its end: the list of its values
                values = self.temp()
                self.emit(values, operation)
                atom = normalized(gast.Name(values, gast.Load(), None, None))
                return self.call_op(list, gast.Call(func=gast.Name("list", gast.Load(), None, None),
                                                    args=[atom], keywords=[]), [atom])
        return operation

    def namespace_call(self, node):
        """``xp.sin(x)`` with `xp` a namespace variable: a call with the rule of the standard
        function of that name, emitted as written (it runs on whatever module `xp` is)."""
        func = node.func
        namespace = self.atom(func.value)
        args, kwargs = self.call_arguments(node)
        callee = standard_function(func.attr) or _Unknown(f"`{_written(func)}`")
        expr = gast.Call(func=gast.Attribute(value=namespace, attr=func.attr, ctx=gast.Load()),
                         args=args, keywords=keywords(kwargs))
        operation = self.call_op(callee, expr, plain_args(args), kwargs)
        operation["namespace"] = namespace.id
        return operation

    def index(self, node):
        """An index expression with atoms inside: ints, names, slices, None, Ellipsis."""
        if isinstance(node, gast.Tuple):
            return gast.Tuple(elts=[self.index(e) for e in node.elts], ctx=gast.Load())
        if isinstance(node, gast.Slice):
            return gast.Slice(*(self.atom(part) if part is not None else None
                                for part in (node.lower, node.upper, node.step)))
        return self.atom(node)


class _Unknown:
    """A method or attribute srcad has no entry for (kept for error messages)."""

    def __init__(self, name):
        self.__name__ = self.__qualname__ = name
        self.__module__ = ""     # named as written (``.foo()``), not as srcad.normalize..foo()

    def __repr__(self):
        return self.__name__


# methods of lists, dicts, strings and sets, which srcad does not send to dynamic.py
CONTAINER_METHODS = frozenset(name for kind in (list, dict, str, set, tuple) for name in dir(kind)
                              if not name.startswith("_"))
CONTAINERS = (np.ndarray, np.generic, collections.abc.Sequence, collections.abc.Mapping)


def _slice_call(node):
    """``a:b:c`` in a key as the expression ``slice(a, b, c)``."""
    bounds = [part if part is not None else gast.Constant(None, None)
              for part in (node.lower, node.upper, node.step)]
    return gast.Call(func=gast.Name("slice", gast.Load(), None, None), args=bounds, keywords=[])


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _is_method_call(func, normalizer):
    """``x.sum()`` or ``f(x).sum()``: an attribute of a local or computed value."""
    root = _root(func)
    return not isinstance(root, gast.Name) or normalizer.is_local(root)


def _dotted(node):
    if isinstance(node, gast.Name):
        return node.id
    if isinstance(node, gast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    return _written(node)


def _written(node):
    """The source of an expression of the user's code, for error messages."""
    try:
        return ast.unparse(gast.gast_to_ast(clone(node)))
    except Exception:   # noqa: BLE001  (a message must not fail)
        return type(node).__name__


def is_generator_function(callee):
    """A generator function of the user's (a nested one too): srcad calls it for its list."""
    if isinstance(callee, LiftedFunction):
        return is_generator(callee.node)
    return inspect.isgeneratorfunction(callee)


def normalize(parsed, arity=None):
    """A `NormalFunction` for a `ParsedFunction` (`arity`: the number of values its
    ``*args`` holds, when it has one). Raises `UnsupportedSyntax` where NumPy views would
    make the function read a value other than the one srcad differentiates."""
    normalizer = Normalizer(parsed, arity)
    fn = normalizer.run()
    fn.user_of = normalizer.user_of
    check_views(fn, normalizer.user_of)
    return fn


def coalesce_setitems(fn, keep=frozenset()):
    """Let ``y[i] = v`` update `y` in place: map each new version to the old version's name.

    A version in `keep` (its old value is still needed, by the adjoint) is not coalesced;
    the primal then copies the array before writing into it. Returns {version: name}.
    """
    rename = {}
    for stmt in fn.body:
        if stmt.kind == "setitem" and stmt.base not in keep:
            rename[stmt.target] = rename.get(stmt.base, stmt.base)
    return rename


def _reserved():
    """Names generated code uses for srcad's helpers: no temporary takes one."""
    if not _RESERVED:
        from . import runtime
        from .rules.registry import all_free_names
        _RESERVED.update(all_free_names(), (n for n in vars(runtime) if not n.startswith("_")))
    return _RESERVED


_RESERVED: set = set()
