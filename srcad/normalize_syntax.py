"""Normalizing the Python written around the numerics (a part of the normalizer, see
normalize.py): guards (``assert``, ``raise``), local imports, ``try`` around code without
derivatives, ``with`` blocks, lambdas, generator functions, ``*args`` and ``**kwargs``.

* ``assert`` and ``raise`` run in the primal as written and have no derivative; so do a
  local ``import`` (its names resolve as module-level imports do) and a ``try`` whose
  statements read and write no differentiated value (activity.py checks that).
* A ``with`` block is flattened: its statements are ordinary statements tagged with the
  block (contexts.py puts the generated statements back inside it).
* A lambda is a nested ``def``: ``sq = lambda v: v * v`` defines ``sq``, a lambda written
  inside an expression becomes ``<function>_lambda``, lifted like any nested function.
* A generator function runs to the end and returns the list of what it yields.
* ``*args`` is specialized to the number of values it holds at a call: its values are
  parameters of their own (``args_0``, ``args_1``, ...) and ``args`` is their tuple;
  ``f(*args)`` passes them one by one. ``**kwargs`` is passed through as a dict.
"""
import importlib
import importlib.util

import gast

from .contexts import Region
from .errors import SrcadError, UnsupportedSyntax
from .ir import Stmt, assigned_names, keywords, normalized
from .trees import attribute_root, clone, walk as walk_tree

HANDLED = {"Try", "With", "Raise", "Assert", "Import", "ImportFrom", "Lambda", "Yield", "YieldFrom"}
ITERATOR_BUILTINS = (zip, map, filter, enumerate, reversed, iter)
_NESTED = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)


def own_nodes(nodes):
    """The nodes under `nodes` (nested functions, lambdas and classes, but not what is
    inside them)."""
    todo = list(nodes)
    for node in todo:
        yield node
        if isinstance(node, _NESTED):
            continue
        for field in node._fields:
            value = getattr(node, field, None)
            children = value if isinstance(value, list) else [value]
            todo.extend(c for c in children if isinstance(c, gast.AST))


def is_generator(function_node):
    return any(isinstance(n, (gast.Yield, gast.YieldFrom)) for n in own_nodes(function_node.body))


def lambda_line(node):
    """The line a lifted lambda came from, or None for a nested def."""
    return getattr(node, "lambda_line", None)


def _at(node, like):
    """`node` (and every node under it) at the line of `like`."""
    for child in walk_tree(node):
        if "lineno" in getattr(child, "_attributes", ()) and getattr(child, "lineno", None) is None:
            child.lineno, child.col_offset = like.lineno, getattr(like, "col_offset", 0)
            child.end_lineno, child.end_col_offset = like.lineno, getattr(like, "col_offset", 0)
    return node


def _name(identifier, ctx=None):
    return gast.Name(identifier, ctx or gast.Load(), None, None)


_IN_TRY = {gast.Yield: "`yield`", gast.YieldFrom: "`yield from`", gast.Global: "`global`",
           gast.Nonlocal: "`nonlocal`", gast.FunctionDef: "a `def`", gast.ClassDef: "a class",
           gast.Delete: "`del`"}


class SyntaxSupport:
    """Mixin of `Normalizer`: the statements and expressions listed in the module docstring."""

    arity = None        # how many values *args holds (the derivative is specialized to it)
    regions = ()        # the `with` blocks of the function (contexts.Region)

    # -- before anything else ------------------------------------------------------------------
    def prepare(self, body):
        """The body with generators, ``with`` blocks and lambdas rewritten (see above)."""
        self.known_tuples, self.known_dicts = {}, {}   # version -> its items, for f(*t), f(**d)
        self.imported = {}     # name -> what a local import binds it to
        for node in own_nodes(body):
            if isinstance(node, gast.Try):
                self.check_try(node)
            elif isinstance(node, gast.FunctionDef):   # lambdas get names of their own
                self.namer.taken.add(node.name)
        if is_generator(self.node):
            body = self.generator_as_list(body)
        self.regions = []
        body = self.flatten_with(body)
        self.check_defaults(body)
        return self.lambdas_as_defs(body)

    def generator_as_list(self, body):
        """``yield v`` -> ``yielded.append(v)``; every return returns the list."""
        result = self.fresh("yielded")
        for node in own_nodes(body):
            if isinstance(node, gast.While) and isinstance(node.test, gast.Constant) and node.test.value \
                    and not any(isinstance(n, (gast.Break, gast.Return)) for n in own_nodes(node.body)):
                self.unsupported(node, "a generator that never ends (`while True` without `break` "
                                 "or `return`)", "srcad runs a generator to its end and uses the list "
                                 "of its values; give the loop an end.")
        rewritten = _Yields(self, result).visit_block(body)
        start = _at(gast.Assign(targets=[_name(result, gast.Store())],
                                value=gast.List(elts=[], ctx=gast.Load()), type_comment=None), self.node)
        end = _at(gast.Return(value=_name(result)), body[-1] if body else self.node)
        return [start] + rewritten + [end]

    def flatten_with(self, body):
        """``with a as v: body`` -> a "context" marker for each item, then the body; the
        statements of the body are in the block by their lines (`context_at`)."""
        flat = []
        for stmt in body:
            if isinstance(stmt, gast.With):
                first = stmt.body[0].lineno if stmt.body else stmt.lineno
                for item in stmt.items:
                    region = Region(first, stmt.end_lineno)
                    self.regions.append(region)
                    if item.optional_vars is None:
                        enter = gast.Expr(value=item.context_expr)
                    else:   # `as v`: an assignment, so that `v` is a local name
                        enter = gast.Assign(targets=[item.optional_vars], value=item.context_expr,
                                            type_comment=None)
                    enter = _at(enter, stmt)
                    enter.end_lineno = max(stmt.lineno, first - 1)   # the `with` line(s)
                    enter.region = region
                    flat.append(enter)
                flat.extend(self.flatten_with(stmt.body))
                continue
            for field in ("body", "orelse"):
                if isinstance(stmt, (gast.If, gast.For, gast.While)):
                    setattr(stmt, field, self.flatten_with(getattr(stmt, field)))
            flat.append(stmt)
        return flat

    def context_at(self, line):
        """The ``with`` blocks a line of the function is in, outermost first."""
        return tuple(r for r in self.regions if r.contains(line))

    def check_defaults(self, body):
        """A nested function is lifted to module level: its defaults cannot read locals."""
        local = assigned_names(gast.Module(body=body, type_ignores=[])) | {
            a.id for a in self.node.args.args + self.node.args.kwonlyargs}
        for node in own_nodes(body):
            if isinstance(node, (gast.FunctionDef, gast.Lambda)):
                for default in node.args.defaults + [d for d in node.args.kw_defaults if d is not None]:
                    for name in walk_tree(default):
                        if isinstance(name, gast.Name) and name.id in local:
                            kind = "lambda" if isinstance(node, gast.Lambda) else f"`{node.name}`"
                            self.unsupported(default, f"a default value of a nested {kind} that reads "
                                             f"the local variable `{name.id}`",
                                             f"Use `{name.id}` in the body: the function reads it when "
                                             "called.")

    def lambdas_as_defs(self, body):
        """``sq = lambda v: v * v`` (`sq` assigned nowhere else) -> ``def sq(v): return v * v``;
        any other lambda -> a nested def named after the function. Either is lifted to
        module level, and a call passes what it captures as it is at the call, which is
        what the lambda would read."""
        assigned = {}
        for node in own_nodes(body):
            if isinstance(node, gast.Name) and isinstance(node.ctx, (gast.Store, gast.Param)):
                assigned[node.id] = assigned.get(node.id, 0) + 1
        named = {node.targets[0].id for node in own_nodes(body)
                 if isinstance(node, gast.Assign) and isinstance(node.value, gast.Lambda)
                 and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name)
                 and assigned[node.targets[0].id] == 1}
        parameters = {a.id for a in self.node.args.args + self.node.args.kwonlyargs}
        result = []
        for stmt in body:
            if isinstance(stmt, gast.FunctionDef):
                result.append(stmt)
                continue
            defs = []
            stmt = _Lambdas(self, defs, named - parameters).visit(stmt)
            result.extend(defs)
            result.append(stmt)
        return result

    # -- statements ----------------------------------------------------------------------------
    def syntax_statement(self, stmt):
        """Normalize a statement of this mixin; False if it is not one."""
        if isinstance(stmt, (gast.Assert, gast.Raise)):
            self.guard(stmt)
        elif isinstance(stmt, (gast.Import, gast.ImportFrom)):
            self.local_import(stmt)
        elif isinstance(stmt, gast.Try):
            self.try_statement(stmt)
        elif getattr(stmt, "region", None) is not None:
            self.enter_context(stmt)
        else:
            return False
        return True

    def guard(self, stmt):
        node = self.kept_as_written(stmt)
        self.body.append(Stmt("guard", None, node, self.origin, args=self.local_atoms(node)))

    def local_import(self, stmt):
        """Run in the primal as written; its names resolve for derivative rules now."""
        package = self.parsed.function.__globals__.get("__package__")
        for alias in stmt.names:
            try:
                if isinstance(stmt, gast.Import):
                    module = importlib.import_module(alias.name)
                    bound = alias.asname or alias.name.partition(".")[0]
                    value = module if alias.asname else importlib.import_module(bound)
                else:
                    source = importlib.util.resolve_name("." * stmt.level + (stmt.module or ""), package) \
                        if stmt.level else stmt.module
                    module = importlib.import_module(source)
                    bound = alias.asname or alias.name
                    value = getattr(module, alias.name, None)
                    if value is None:
                        value = importlib.import_module(f"{source}.{alias.name}")
            except (ImportError, ValueError, TypeError) as error:
                raise SrcadError(f"{self.where(stmt)}: cannot run `{self.origin.text}` while "
                                 f"transforming the function ({error})") from None
            earlier = self.imported.get(bound, value)
            if earlier is not value:   # imported twice, as two objects: no rule can be chosen
                value = TwoImports(bound, earlier, value)
            self.imported[bound] = self.parsed.namespace[bound] = value
            self.namer.taken.add(bound)
        self.body.append(Stmt("guard", None, clone(stmt), self.origin))

    def check_try(self, stmt):
        """What a ``try`` kept as written cannot contain."""
        for node in own_nodes([stmt]):
            if isinstance(node, (gast.Return, gast.Break, gast.Continue)):
                word = type(node).__name__.lower()
                self.unsupported(node, f"`{word}` inside a `try` statement",
                                 f"Assign a variable in the `try` and {word} after it.")
            construct = _IN_TRY.get(type(node))
            if construct:
                self.unsupported(node, f"{construct} inside a `try` statement",
                                 "Move it out of the `try`.")

    def try_statement(self, stmt):
        """Kept as written when its statements involve no differentiated value (activity.py
        raises otherwise); the variables it assigns keep their names (see `mutable`)."""
        handler_names = {h.name.id for h in stmt.handlers if isinstance(h.name, gast.Name)}
        writes = set()
        for node in own_nodes([stmt]):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
                writes.add(node.id)
            elif isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store) \
                    and isinstance(node.value, gast.Name):
                writes.add(node.value.id)
        writes -= handler_names
        node = self.kept_as_written(stmt)
        versions = tuple(sorted(self.define(w) for w in writes if w in self.local_names))
        self.body.append(Stmt("guard", None, node, self.origin, args=self.local_atoms(node),
                              writes=versions))

    def enter_context(self, stmt):
        """The marker of a ``with`` item: the block's statements follow, flattened."""
        region = stmt.region
        region.expr = self.kept_as_written(stmt.value)
        region.origin = self.origin
        target = stmt.targets[0] if isinstance(stmt, gast.Assign) else None
        if target is not None:
            if not isinstance(target, gast.Name):
                self.unsupported(target, "`with ... as` a tuple or an attribute", "Write `as name`.")
            region.as_name = self.define(target.id)
        origin = self.origin.__class__(self.origin.filename, self.origin.line, self.origin.text,
                                       self.origin.context + (region,))
        self.body.append(Stmt("context", region.as_name, region.expr, origin))

    # -- expressions kept as written -----------------------------------------------------------
    def kept_as_written(self, node):
        """A copy of `node` that runs as written, its local names at their current versions
        (names bound inside its comprehensions are left alone)."""
        return _KeptAsWritten(self).visit(clone(node))

    def local_atoms(self, node):
        return [normalized(_name(n)) for n in sorted(
            {c.id for c in walk_tree(node) if isinstance(c, gast.Name) and isinstance(c.ctx, gast.Load)}
            & self.versions)]

    def function_value(self, node):
        """A nested function (a lambda) used as a value: the lifted function, with the
        variables it captures bound (``bind_captured(f_lambda, w=w)``)."""
        lifted, captured = self.lifted[node.id]
        if not captured:
            return normalized(_name(node.id))
        kwargs = {c: self.atom(_name(c)) for c in captured}
        target = self.temp()
        expr = gast.Call(func=_name("bind_captured"), args=[_name(node.id)], keywords=keywords(kwargs))
        self.emit(target, {"kind": "call", "expr": expr, "args": [], "kwargs": kwargs,
                           "callee": FunctionValue(node.id, captured, lifted)})
        return normalized(_name(target))

    def captured_value(self, identifier):
        """`function_value` as an expression inside code kept as written."""
        captured = self.lifted[identifier][1]
        if not captured:
            return _name(identifier)
        return gast.Call(func=_name("bind_captured"), args=[_name(identifier)], keywords=[
            gast.keyword(arg=c, value=_name(self.current.get(c, c))) for c in captured])

    # -- *args and **kwargs --------------------------------------------------------------------
    def vararg_parameters(self):
        """The parameters that stand for the values of *args at this arity."""
        vararg = self.node.args.vararg
        if vararg is None:
            return []
        if self.arity is None:
            self.unsupported(self.node, f"`*{vararg.id}` in a function whose calls srcad cannot see",
                             "Call it with its arguments written out (srcad specializes it to "
                             "their number).")
        names = [self.fresh(f"{vararg.id}_{i}") for i in range(self.arity)]
        self.versions.update(names)
        return names

    def pack_varargs(self, names):
        """``args = (args_0, args_1)`` at the top of the body."""
        vararg = self.node.args.vararg
        if vararg is None:
            return
        atoms = [normalized(_name(n)) for n in names]
        self.emit(vararg.id, {"kind": "pack", "expr": gast.Tuple(elts=atoms, ctx=gast.Load()),
                              "args": atoms}, user_name=True)

    def note_pack(self, target, operation):
        """Remember the items of a tuple (a dict with constant keys) that nothing reassigns."""
        if target in self.mutable or any(isinstance(a, gast.Name) and a.id in self.mutable
                                         for a in operation["args"]):
            return
        expr = operation["expr"]
        if isinstance(expr, gast.Tuple):
            self.known_tuples[target] = list(operation["args"])
        elif isinstance(expr, gast.Dict) and all(isinstance(k, str) for k in operation.get("keys") or ()):
            self.known_dicts[target] = dict(zip(operation["keys"], operation["args"]))

    def known_item(self, base, index):
        """The atom ``t[i]`` is, for a tuple `t` srcad built and a constant `i`; else None."""
        items = self.known_tuples.get(base.id) if isinstance(base, gast.Name) else None
        if items is None:
            return None
        position = index.value if isinstance(index, gast.Constant) else (
            -index.operand.value if isinstance(index, gast.UnaryOp) and isinstance(index.op, gast.USub)
            and isinstance(index.operand, gast.Constant) else None)
        if type(position) is not int or not -len(items) <= position < len(items):
            return None
        return items[position]

    def call_arguments(self, node):
        """The atoms of a call's positional and keyword arguments: ``*t`` of a tuple srcad
        built (``*args``, ``(a, b)``) and ``**d`` of a dict with constant keys are passed
        item by item; any other ``*v`` / ``**v`` stays as written (activity.py checks that no
        derivative flows through it)."""
        args = []
        for arg in node.args:
            if isinstance(arg, gast.Starred):
                atom = self.atom(arg.value)
                items = self.known_tuples.get(atom.id) if isinstance(atom, gast.Name) else None
                if items is not None:
                    args.extend(items)
                else:
                    args.append(gast.Starred(value=atom, ctx=gast.Load()))
            else:
                args.append(self.atom(arg))
        kwargs = {}
        for keyword in node.keywords:
            if keyword.arg is not None:
                kwargs[keyword.arg] = self.atom(keyword.value)
                continue
            atom = self.atom(keyword.value)
            items = self.known_dicts.get(atom.id) if isinstance(atom, gast.Name) else None
            if items is not None:
                kwargs.update(items)
            elif None in kwargs:
                self.unsupported(keyword.value, "two `**` arguments whose keys srcad cannot see",
                                 "Merge them into one dict first.")
            else:
                kwargs[None] = atom
        return args, kwargs

    def holds_dict(self, node):
        """Whether `node` may be a dict: a local value (or an attribute of one: `model.params`),
        or a global or captured dict."""
        return self.is_local(attribute_root(node)) or isinstance(self.parsed.resolve(node), dict)

    def as_sequence(self, node):
        """A loop over ``zip(*pairs)`` (or another iterator a builtin returns, outside the
        loops srcad reads itself) runs over ``list(...)`` of it."""
        if isinstance(node, gast.Call) and (
                isinstance(node.func, gast.Name) and not self.is_local(node.func)
                and self.parsed.resolve(node.func) in ITERATOR_BUILTINS
                or isinstance(node.func, gast.Attribute) and node.func.attr in ("items", "keys", "values")
                and not node.args and self.holds_dict(node.func.value)):   # d.items()
            return _at(gast.Call(func=_name("list"), args=[node], keywords=[]), node)
        return node


def starred_atoms(stmt):
    """The atoms a call passes as ``*v`` (a list) and ``**v`` (or None) without srcad
    seeing their items."""
    call = stmt.expr if isinstance(stmt.expr, gast.Call) else None
    stars = [a.value for a in call.args if isinstance(a, gast.Starred)] if call is not None else []
    return stars, stmt.kwargs.get(None)


def plain_args(args):
    """The call's positional atoms, ``*v`` as `v`."""
    return [a.value if isinstance(a, gast.Starred) else a for a in args]


class TwoImports:
    """A name two local imports bind to different objects: srcad cannot tell which one a
    call reaches when it chooses derivative rules (named as written in the error)."""

    def __init__(self, name, first, second):
        self.__module__ = ""
        self.__name__ = self.__qualname__ = (
            f"`{name}`, which the function imports as two objects ({_label(first)}, {_label(second)})")

    def __call__(self, *args, **kwargs):   # never called: generated code runs the imports
        raise TypeError(self.__name__)


def _label(obj):
    return f"{getattr(obj, '__module__', None) or ''}.{getattr(obj, '__name__', obj)}".lstrip(".")


class FunctionValue:
    """A nested function (or lambda) with the variables it captures, used as a value: named
    as written in error messages."""

    def __init__(self, name, captured, node):
        line = lambda_line(node)
        self.__module__ = ""
        self.description = f"the lambda at line {line}" if line else f"the nested function `{name}`"
        self.captured = captured
        self.__name__ = self.__qualname__ = self.description


def _lambda_def(lam, name, like, line):
    node = gast.FunctionDef(name=name, args=lam.args, body=[_at(gast.Return(value=lam.body), lam)],
                            decorator_list=[], returns=None, type_comment=None, type_params=[])
    node.lambda_line = line
    return _at(node, like)


class _Lambdas(gast.NodeTransformer):
    """Replaces each lambda (not inside a nested def) by the name of a nested def."""

    def __init__(self, normalizer, defs, named):
        self.normalizer, self.defs, self.named = normalizer, defs, named

    def visit_FunctionDef(self, node):
        return node

    def visit_Assign(self, node):
        target = node.targets[0]
        if isinstance(node.value, gast.Lambda) and isinstance(target, gast.Name) \
                and target.id in self.named:
            self.defs.append(_lambda_def(self.generic_visit(node.value), target.id, node,
                                         self.normalizer.parsed.line_of(node)))
            return gast.copy_location(gast.Pass(), node)
        return self.generic_visit(node)

    def visit_Lambda(self, node):
        name = self.normalizer.fresh(f"{self.normalizer.node.name}_lambda")
        self.defs.append(_lambda_def(node, name, node, self.normalizer.parsed.line_of(node)))
        return gast.copy_location(_name(name), node)


class _Yields(gast.NodeTransformer):
    """``yield v`` -> ``result.append(v)``, ``yield from it`` -> a loop appending its
    items, ``return`` -> ``return result``."""

    def __init__(self, normalizer, result):
        self.normalizer, self.result = normalizer, result

    def visit_block(self, block):
        return [self.visit(stmt) for stmt in block]

    def visit_FunctionDef(self, node):
        return node

    visit_Lambda = visit_ClassDef = visit_FunctionDef

    def visit_Expr(self, node):
        value = node.value
        if isinstance(value, gast.Yield):
            item = self.visit(value.value) if value.value is not None else gast.Constant(None, None)
            return _at(gast.Expr(value=self.append(item)), node)
        if isinstance(value, gast.YieldFrom):
            item = self.normalizer.fresh("item")
            loop = gast.For(target=_name(item, gast.Store()), iter=self.visit(value.value),
                            body=[gast.Expr(value=self.append(_name(item)))], orelse=[], type_comment=None)
            return _at(loop, node)
        return self.generic_visit(node)

    def append(self, item):
        return gast.Call(func=gast.Attribute(value=_name(self.result), attr="append", ctx=gast.Load()),
                         args=[item], keywords=[])

    def visit_Return(self, node):
        return _at(gast.Return(value=_name(self.result)), node)

    def visit_Yield(self, node):
        self.normalizer.unsupported(node, "a `yield` whose value is used",
                                    "Write `yield value` as a statement of its own.")

    visit_YieldFrom = visit_Yield


class _KeptAsWritten(gast.NodeTransformer):
    """Renames the local names of code kept as written to their current versions; calls of
    nested functions pass what the function captures."""

    def __init__(self, normalizer):
        self.normalizer = normalizer
        self.shadowed = set()

    def visit_Name(self, node):
        normalizer = self.normalizer
        if not isinstance(node.ctx, gast.Load) or node.id in self.shadowed:
            return node
        if node.id in normalizer.lifted:
            return gast.copy_location(normalizer.captured_value(node.id), node)
        if node.id in normalizer.local_names:
            if node.id not in normalizer.current:
                raise SrcadError(f"{normalizer.where(node)}: `{node.id}` is used before it is assigned")
            node.id = normalizer.current[node.id]
        else:
            normalizer.require_defined(node)
        return node

    def visit_Call(self, node):
        func = node.func
        if isinstance(func, gast.Name) and func.id in self.normalizer.lifted \
                and func.id not in self.shadowed:
            node.args = [self.visit(a) for a in node.args]
            node.keywords = [self.visit(k) for k in node.keywords]
            passed = {k.arg for k in node.keywords}
            node.keywords += [gast.keyword(arg=c, value=self.visit(_name(c)))
                              for c in self.normalizer.lifted[func.id][1] if c not in passed]
            return node
        return self.generic_visit(node)

    def _comprehension(self, node, parts):
        generators = node.generators
        generators[0].iter = self.visit(generators[0].iter)
        outer = self.shadowed
        self.shadowed = outer | {n.id for g in generators for n in walk_tree(g.target)
                                 if isinstance(n, gast.Name)}
        for position, generator in enumerate(generators):
            if position:
                generator.iter = self.visit(generator.iter)
            generator.ifs = [self.visit(c) for c in generator.ifs]
        for part in parts:
            setattr(node, part, self.visit(getattr(node, part)))
        self.shadowed = outer
        return node

    def visit_ListComp(self, node):
        return self._comprehension(node, ["elt"])

    visit_SetComp = visit_GeneratorExp = visit_ListComp

    def visit_DictComp(self, node):
        return self._comprehension(node, ["key", "value"])

    def visit_Lambda(self, node):
        outer = self.shadowed
        self.shadowed = outer | assigned_names(node.args)
        node.body = self.visit(node.body)
        self.shadowed = outer
        return node

    def visit_NamedExpr(self, node):
        self.normalizer.unsupported(node, hint="Assign the value in its own statement.")
