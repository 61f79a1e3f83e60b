"""Normalizing control flow (a part of the normalizer, see normalize.py): ``if``, loops,
conditional expressions, comprehensions, and lists that grow with ``append``.

Loops over arrays, lists, ``enumerate`` and ``zip`` become loops over an index; ``a if c
else b`` and comprehensions become statements; ``reversed(range(n))`` becomes
``range(n)[::-1]`` (a range the adjoint can reverse again)."""

import gast

from .ir import Renamer, Stmt, normalized
from .trees import clone, walk as walk_tree


class ControlFlow:
    """Mixin of `Normalizer`: the statements and expressions that branch or repeat."""

    def condition(self, test):
        """The atom an ``if`` tests: a name, or an inert temporary holding the test's value."""
        if isinstance(test, (gast.Name, gast.Constant)):
            return self.atom(test)
        target = self.temp(test)
        self.body.append(Stmt("inert", target, self.inert(test), self.origin))
        return normalized(gast.Name(target, gast.Load(), None, None))

    def if_statement(self, stmt):
        test = self.condition(stmt.test)
        origin = self.origin
        body, orelse = self.nested(stmt.body), self.nested(stmt.orelse)
        self.body.append(Stmt("if", None, None, origin, test=test, body=body, orelse=orelse))

    def for_statement(self, stmt):
        origin = self.origin
        iterable = stmt.iter
        prologue = []  # (target node, value node) assigned at the top of each iteration
        iterator = None
        if self.is_range(iterable) and isinstance(stmt.target, gast.Name):
            iterator = self.range_expression(iterable)
            loop_var = self.define(stmt.target.id)
        else:
            sequences, targets = self.iteration(iterable, stmt.target)
            lengths = [self.length_of(s) for s in sequences if s is not None]
            if len(lengths) == 1:
                count = lengths[0]
            else:
                count = self.atom(gast.Call(func=gast.Name("min", gast.Load(), None, None),
                                            args=lengths, keywords=[]))
            index_name = targets[0].id if sequences[0] is None else self.fresh("index")
            loop_var = self.define(index_name) if sequences[0] is None else index_name
            self.mutable.add(loop_var)
            self.versions.add(loop_var)
            bounds = [count]
            index = gast.Name(loop_var, gast.Load(), None, None)
            for sequence, target in zip(sequences, targets):
                if sequence is not None:
                    prologue.append((target, gast.Subscript(value=sequence, slice=normalized(index),
                                                            ctx=gast.Load())))
        if iterator is None:
            iterator = gast.Call(func=gast.Name("range", gast.Load(), None, None), args=bounds,
                                 keywords=[])
        outer, self.body = self.body, []
        self.loop_depth += 1
        try:
            for target, value in prologue:
                self.assign(target, value)
            self.block(stmt.body)
            body = self.body
        finally:
            self.body = outer
            self.loop_depth -= 1
        self.origin = origin
        self.body.append(Stmt("for", loop_var, None, origin, iter=iterator, body=body,
                              has_break=_breaks(body)))

    def is_range(self, node):
        """``range(...)``, ``reversed(<range>)`` or ``<range>[a:b:c]``: a range of ints."""
        if _is_call_to(node, range, self.parsed):
            return True
        if _is_call_to(node, reversed, self.parsed) and len(node.args) == 1:
            return self.is_range(node.args[0])
        return isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Slice) \
            and self.is_range(node.value)

    def range_expression(self, node):
        """A range expression with atoms for its bounds; ``reversed(r)`` becomes ``r[::-1]``
        (still a range, so it can be reversed again by the adjoint)."""
        if _is_call_to(node, range, self.parsed):
            return gast.Call(func=gast.Name("range", gast.Load(), None, None),
                             args=[self.atom(a) for a in node.args], keywords=[])
        if isinstance(node, gast.Call):  # reversed(...)
            inner = self.range_expression(node.args[0])
            return gast.Subscript(value=inner, slice=gast.Slice(None, None, gast.Constant(-1, None)),
                                  ctx=gast.Load())
        return gast.Subscript(value=self.range_expression(node.value), slice=self.index(node.slice),
                              ctx=gast.Load())

    def iteration(self, iterable, target):
        """(sequences, targets) of a loop over arrays or lists; None marks the index of
        ``enumerate``."""
        if _is_call_to(iterable, enumerate, self.parsed):
            if len(iterable.args) != 1 or iterable.keywords:
                self.unsupported(iterable, "`enumerate` with a start", "Add the offset to the index.")
            if not (isinstance(target, gast.Tuple) and len(target.elts) == 2
                    and isinstance(target.elts[0], gast.Name)):
                self.unsupported(target, "this `enumerate` target", "Write `for i, x in enumerate(xs)`.")
            sequences, targets = self.iteration(iterable.args[0], target.elts[1])
            return [None] + sequences, [target.elts[0]] + targets
        if _is_star_zip(iterable, target, self.parsed):   # for a, b in zip(*pairs): zip(pairs[0], pairs[1])
            packed = iterable.args[0].value
            iterable = gast.copy_location(gast.Call(func=iterable.func, args=[
                gast.Subscript(value=packed, slice=gast.Constant(i, None), ctx=gast.Load())
                for i in range(len(target.elts))], keywords=[]), iterable)
            if not isinstance(packed, gast.Name):   # evaluate the packed value once
                holder = self.atom(packed)
                for item in iterable.args:
                    item.value = holder
        if _is_call_to(iterable, zip, self.parsed):
            if not isinstance(target, gast.Tuple) or len(target.elts) != len(iterable.args):
                self.unsupported(target, "this `zip` target", "Unpack one name per zipped sequence.")
            return [self.atom(a) for a in iterable.args], list(target.elts)
        return [self.atom(self.as_sequence(iterable))], [target]

    def length_of(self, sequence):
        return self.atom(gast.Call(func=gast.Name("len", gast.Load(), None, None), args=[sequence],
                                   keywords=[]))

    def while_statement(self, stmt):
        origin = self.origin
        test = self.inert(stmt.test)
        body = self.nested(stmt.body, loop=True)
        self.body.append(Stmt("while", None, None, origin, test=test, body=body,
                              has_break=_breaks(body)))

    def if_expression(self, node):
        """``a if c else b`` -> an ``if`` statement assigning a temporary."""
        test = self.condition(node.test)
        target = self.temp()
        origin = self.origin
        branches = []
        for value in (node.body, node.orelse):
            outer, self.body = self.body, []
            self.emit(target, self.operation(value))
            branches.append(self.body)
            self.body = outer
        self.body.append(Stmt("if", None, None, origin, test=test, body=branches[0], orelse=branches[1]))
        return {"kind": "copy", "expr": normalized(gast.Name(target, gast.Load(), None, None)),
                "args": [normalized(gast.Name(target, gast.Load(), None, None))]}

    def comprehension(self, node):
        """``[e for x in xs if c]`` -> a list built by a loop (``{k: v for ...}``: a dict
        filled by item assignment); returns its atom."""
        if len(node.generators) != 1 or node.generators[0].is_async:
            self.unsupported(node, "a comprehension with several `for` clauses",
                             "Write nested loops that append to a list.")
        generator = node.generators[0]
        renames = {}
        for n in walk_tree(generator.target):
            if isinstance(n, gast.Name):
                renames[n.id] = self.fresh(n.id)
        generator = _renamed_copy(generator, renames)
        self.local_names |= set(renames.values())
        self.mutable |= set(renames.values())
        result = self.temp()
        if isinstance(node, gast.DictComp):   # {k: v for ...}: result[k] = v in the loop
            self.mutable.add(result)   # written in the loop: one name throughout
            key, value = _renamed_copy(node.key, renames), _renamed_copy(node.value, renames)
            self.body.append(Stmt("pack", result, gast.Dict(keys=[], values=[]), self.origin, args=[],
                                  keys=[]))
            add = gast.Assign(targets=[gast.Subscript(value=gast.Name(result, gast.Load(), None, None),
                                                      slice=key, ctx=gast.Store())],
                              value=value, type_comment=None)
        else:
            self.body.append(Stmt("pack", result, gast.List(elts=[], ctx=gast.Load()), self.origin, args=[]))
            add = gast.Expr(value=gast.Call(
                func=gast.Attribute(value=gast.Name(result, gast.Load(), None, None), attr="append",
                                    ctx=gast.Load()), args=[_renamed_copy(node.elt, renames)], keywords=[]))
        body = [add]
        for condition in reversed(generator.ifs):
            body = [gast.If(test=condition, body=body, orelse=[])]
        loop = gast.For(target=generator.target, iter=generator.iter, body=body, orelse=[],
                        type_comment=None)
        for n in walk_tree(loop):
            n.lineno = getattr(node, "lineno", 1)
        self.local_names.add(result)
        self.current[result] = result
        self.for_statement(loop)
        return normalized(gast.Name(result, gast.Load(), None, None))

    def is_list_pop(self, value):
        return isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) \
            and value.func.attr == "pop" and self.is_local(value.func.value) \
            and not value.args and not value.keywords

    def is_append(self, value):
        return isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) \
            and value.func.attr == "append" and self.is_local(value.func.value) \
            and len(value.args) == 1 and not value.keywords

    def append(self, call):
        item = self.atom(call.args[0])
        base = self.atom(call.func.value)
        expr = gast.Call(func=gast.Attribute(value=base, attr="append", ctx=gast.Load()),
                         args=[item], keywords=[])
        self.body.append(Stmt("append", None, expr, self.origin, args=[item], base=base.id))

    # -- nested functions ------------------------------------------------------------------


def _reassigned_in_blocks(body):
    """Names assigned (or item-assigned) inside a loop, a branch or a ``try``: they keep
    one name."""
    names = set()
    for stmt in body:
        if isinstance(stmt, (gast.If, gast.For, gast.While, gast.Try)):
            for node in walk_tree(stmt):
                if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
                    names.add(node.id)
                elif isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store) \
                        and isinstance(node.value, gast.Name):
                    names.add(node.value.id)
                elif isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Subscript) \
                        and isinstance(node.target.value, gast.Name):
                    names.add(node.target.value.id)
    return names


def _breaks(body):
    """True when a block (not a nested loop) contains ``break``."""
    for stmt in body:
        if stmt.kind == "break" or stmt.kind == "if" and (_breaks(stmt.body) or _breaks(stmt.orelse)):
            return True
    return False


def _is_star_zip(node, target, parsed):
    """``zip(*v)`` unpacked into a tuple of names, one per sequence in `v`."""
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and len(node.args) == 1 \
        and isinstance(node.args[0], gast.Starred) and not node.keywords \
        and isinstance(target, gast.Tuple) and parsed.resolve(node.func) is zip


def _is_call_to(node, function, parsed):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) \
        and parsed.resolve(node.func) is function \
        and not any(isinstance(a, gast.Starred) for a in node.args)


def _renamed_copy(node, renames):
    return Renamer(renames).visit(clone(node))


