"""Stage 4a, forward mode: after each active statement, the statement of its tangent.

The tangent of ``y`` is ``y_dot``. The result is the body of a JVP function that returns
the primal output and its tangent. Forward mode needs no tape.
"""
import inspect

import gast

from . import runtime
from .contexts import marker
from .derivatives import add_all, assign, bind, call, instantiate, name, rule_of, template_for
from .errors import SrcadError, UnsupportedSyntax
from .ir import keywords
from .normalize_functions import DerivativeOf, DynamicCallee, LiftedFunction
from .normalize_syntax import FunctionValue
from .batching import align_tangents, batch_expression, transparent, transparent_call
from .callees import returns_sequence
from .ir import walk
from .rules import lookup
from .sequences import (SequenceValues, is_operator, list_operation, read_as_arrays,
                        templates_read_lists)
from .shapes import ShapeClasses


def primal_statement(stmt, in_place):
    """The statement that computes `stmt` as the user wrote it (operands normalized).

    Primal statements are marked so the optimizer never rewrites the user's arithmetic.
    """
    nodes = _primal_nodes(stmt, in_place)
    for node in nodes:
        node.primal = True
    return nodes


def _primal_nodes(stmt, in_place):
    if stmt.kind == "guard":     # assert, raise, import, try: as written
        stmt.expr.origin = stmt.origin
        return [stmt.expr]
    if stmt.kind == "context":   # where a `with` block starts (contexts.py)
        node = assign(stmt.target, stmt.expr) if stmt.target else gast.Expr(value=stmt.expr)
        return [marker(node, stmt)]
    if stmt.kind in ("effect", "append"):
        node = gast.Expr(value=stmt.expr)
        node.origin = stmt.origin
        return [node]
    if stmt.kind == "setitem":
        if in_place:
            stmt.expr.origin = stmt.origin
            return [stmt.expr]
        copy_first = assign(stmt.target, gast.Call(
            func=gast.Attribute(value=name(stmt.base), attr="copy", ctx=gast.Load()),
            args=[], keywords=[]), stmt.origin)
        write = assign(gast.Subscript(value=name(stmt.target), slice=stmt.index, ctx=gast.Store()),
                       stmt.args[0], stmt.origin)
        return [copy_first, write]
    return [assign(stmt.target, stmt.expr, stmt.origin)]


class Transform:
    """What both transforms share: the function, its activity, names, in-place versions.

    `rename` maps each version written by ``y[i] = v`` in place to the array's name.
    """

    def __init__(self, fn, activity, namer, rename, shapes=None):
        self.fn, self.activity, self.namer, self.rename = fn, activity, namer, rename
        self.shapes = shapes or ShapeClasses(fn)
        self.values = SequenceValues(fn, activity.varied)   # which values may be lists
        self.sequences = sequence_values(fn) | self.values.certain
        self.body = []
        self.owned = set()   # derivative arrays this code created, safe to write into
        self.batch = None    # vector mode: the name holding the number of directions
        self.namespace = {}

    def vector_mode(self, directions, namespace):
        """Derivative values carry a leading axis of `directions` directions."""
        self.batch, self.namespace = directions, namespace

    def zeros(self, value):
        """A zero derivative for `value` (with the directions axis in vector mode)."""
        if self.batch:
            return call("batch_zeros", value, name(self.batch))
        return call("zeros_like", value)

    def batch_index(self, index):
        """In vector mode, index derivative values past their directions axis."""
        if not self.batch:
            return index
        parts = index.elts if isinstance(index, gast.Tuple) else [index]
        return gast.Tuple(elts=[gast.Slice(None, None, None)] + list(parts), ctx=gast.Load())

    def batched(self, expr):
        """A rule's expression, made to work on derivative values with directions."""
        if not self.batch:
            return expr
        derived = {n for n in self.namer.derived_names.values()}
        return batch_expression(expr, derived, self.namespace, self.batch,
                                self.namer.fresh("direction"))

    def derived(self, version, suffix):
        return self.namer.derived(self.rename.get(version, version), suffix)

    def in_place(self, stmt):
        return stmt.kind == "setitem" and \
            self.rename.get(stmt.target, stmt.target) == self.rename.get(stmt.base, stmt.base)

    def list_params(self, bound, stmt):
        """The parameters of a NumPy function's rule whose argument may be a list (tuple) here,
        which NumPy reads as an array. In vector mode (Jacobians, whose inputs are arrays) only
        values srcad sees are lists, which are read as arrays once per direction: a list
        display, a slice or a concatenation of one. An operator (``w - ps``) reads a list as
        an array when its other operand is one; where every operand may be a list, srcad
        takes them for arrays."""
        if templates_read_lists(stmt.callee):
            return set()
        atoms = {p: a for p, a in bound.items() if isinstance(a, gast.Name)}
        if self.batch:
            return {p for p, atom in atoms.items() if self.values.is_sequence(atom)}
        lists = {p for p, atom in atoms.items() if self.values.may_be_sequence(atom, stmt)}
        return set() if is_operator(stmt.callee) and lists == set(atoms) else lists

    def arrays_in(self, template, params, bound, stmt, tangents=False):
        """`template` reading the arguments of `params` (and their tangents, with `tangents`)
        as the arrays NumPy made of them. The other operands of an operator that ran on a
        list are arrays. In vector mode a list's tangent is a list of tangents with
        directions: read as an array everywhere, the rule then runs once per direction (see
        batching.py)."""
        if not params:
            return template
        dots = {f"{p}_dot" for p in params} if tangents else set()
        arrays = set()
        if is_operator(stmt.callee):
            arrays = {p for p in bound if p not in params}
            arrays |= {f"{p}_dot" for p in arrays}
        if self.batch:
            return read_as_arrays(template, params, everywhere=dots, opaque=self.runs_per_direction,
                                  arrays=arrays)
        return read_as_arrays(template, params | dots, arrays=arrays)

    def runs_per_direction(self, call_node):
        """Whether vector mode runs a call on derivative values once per direction (any call
        but an elementwise ufunc or a helper with a batched twin; see batching.py)."""
        return not transparent_call(call_node, self.namespace)

    def active_params(self, stmt):
        """(parameter index, atom) of each differentiated argument of a user-function call
        (``*args`` counts the values of this call, see `call_arity`)."""
        params = callee_parameters(stmt.callee, call_arity(stmt))
        bound = dict(zip(params, stmt.args))
        keywords = {k: v for k, v in stmt.kwargs.items() if k is not None}   # not **d
        extra = [k for k in keywords if k not in params]
        if extra and not takes_kwargs(stmt.callee) or set(keywords) & set(bound) \
                or len(stmt.args) > len(params):
            raise SrcadError(f"{stmt.origin.filename}:{stmt.origin.line}: the call `{stmt.origin.text}` "
                             f"does not match the parameters of {stmt.callee.__name__}")
        for k in extra:   # into **kwargs, which srcad passes through as a dict
            if isinstance(keywords[k], gast.Name) and keywords[k].id in self.activity.varied:
                raise UnsupportedSyntax(
                    f"a differentiated value passed to `**kwargs` of {stmt.callee.__name__}",
                    f"{stmt.origin.filename}:{stmt.origin.line}",
                    f"In `{stmt.origin.text}`, `{k}` is not a parameter of its own; name it in the "
                    f"signature of {stmt.callee.__name__} (srcad passes **kwargs through undifferentiated).")
            del keywords[k]
        bound.update(keywords)
        return [(params.index(p), a) for p, a in sorted(bound.items(), key=lambda i: params.index(i[0]))
                if isinstance(a, gast.Name) and a.id in self.activity.varied]


class ForwardTransform(Transform):
    """Builds the JVP body of a normalized function."""

    def dot(self, version):
        return self.derived(version, "_dot")

    def has_tangent(self, atom):
        return isinstance(atom, gast.Name) and atom.id in self.activity.varied

    def __init__(self, fn, activity, namer, rename, linker):
        super().__init__(fn, activity, namer, rename)
        self.linker = linker

    def run(self, wrt_names):
        """The JVP body. A parameter outside `wrt` that a loop or branch later makes varied
        starts with a zero tangent."""
        starts = [assign(self.dot(p), self.zeros(name(p)))
                  for p in self.fn.params + self.fn.kwonly
                  if p in self.activity.varied and p not in wrt_names and self.activity.active(p)]
        return starts + self.block(self.fn.body)

    def block(self, stmts):
        outer, self.body = self.body, []
        try:
            for stmt in stmts:
                self.statement(stmt)
            return self.body
        finally:
            self.body = outer

    def statement(self, stmt):
        if stmt.kind == "if":
            node = gast.If(test=stmt.test, body=self.block(stmt.body) or [gast.Pass()],
                           orelse=self.block(stmt.orelse))
        elif stmt.kind == "for":
            node = gast.For(target=gast.Name(stmt.target, gast.Store(), None, None), iter=stmt.iter,
                            body=self.block(stmt.body) or [gast.Pass()], orelse=[], type_comment=None)
        elif stmt.kind == "while":
            node = gast.While(test=stmt.test, body=self.block(stmt.body) or [gast.Pass()], orelse=[])
        elif stmt.kind == "break":
            node = gast.Break()
        else:
            written = stmt.base if stmt.kind in ("append", "pop") else stmt.target
            active = written and self.activity.active(written)
            if stmt.kind == "pop" and self.activity.active(stmt.target):
                active = True
            if stmt.kind == "pack" and stmt.target in self.activity.varied:
                active = True  # a list that varied values are appended to later
            if not (active and stmt.kind == "usercall"):
                self.body.extend(primal_statement(stmt, self.in_place(stmt)))
            if active:
                getattr(self, "tangent_" + stmt.kind)(stmt)
            return
        node.origin = stmt.origin
        self.body.append(node)

    def emit(self, target, value, stmt):
        self.body.append(assign(target, value, stmt.origin))
        if isinstance(target, str):
            self.owned.discard(target)

    def tangent_call(self, stmt):
        if isinstance(stmt.callee, FunctionValue):   # a lambda with what it captures
            captured = {k: name(self.dot(a.id)) for k, a in stmt.kwargs.items() if self.has_tangent(a)}
            self.emit(self.dot(stmt.target), gast.Call(func=name("Fields"), args=[],
                                                       keywords=keywords(captured)), stmt)
            return
        operation = list_operation(stmt, self.values)
        if operation:
            return self.tangent_list_operation(stmt, operation)
        rule = rule_of(stmt)
        if not rule.differentiable:
            self.emit(self.dot(stmt.target), self.zeros(name(stmt.target)), stmt)
            return
        bound = bind(rule, stmt)
        if rule.joint is not None:   # a custom_jvp function: one call of its rule for all tangents
            self.emit(self.dot(stmt.target), rule.joint.jvp_term(self, stmt, bound), stmt)
            return
        lists = self.list_params(bound, stmt)
        terms = []
        for param, atom in bound.items():
            if isinstance(atom, list):
                terms.extend(self.vararg_terms(rule, bound, param, atom, stmt))
                continue
            if not self.has_tangent(atom):
                continue
            template = template_for(rule, rule.jvps, param, stmt, "forward-mode")
            if template is None:
                continue
            template = self.arrays_in(template, lists, bound, stmt, tangents=True)
            names = {"ans": name(stmt.target)}
            names.update({f"{p}_dot": name(self.dot(a.id)) for p, a in bound.items()
                          if not isinstance(a, list) and self.has_tangent(a)})
            same_shape = self.shapes.same(atom, stmt.target)
            if self.batch and param in rule.vector_jvps and param not in lists:
                terms.append(instantiate(rule, rule.vector_jvps[param], bound, param, names))
                continue
            term = instantiate(rule, template, bound, param, names, same_shape=same_shape)
            if self.batch:
                derived = set(self.namer.derived_names.values())
                if not same_shape and transparent(term, derived, self.namespace):
                    primal_of = {self.dot(a.id): a for p, a in bound.items()
                                 if not isinstance(a, list) and self.has_tangent(a)}
                    term = align_tangents(term, primal_of, name(stmt.target))
                term = self.batched(term)
            terms.append(term)
        if terms and stmt.callee is runtime.add_each:
            # an adjoint that may be None (zero): so may its tangent, which `+` cannot add
            total = terms[0]
            for term in terms[1:]:
                total = call("add_each", total, term)
            self.emit(self.dot(stmt.target), total, stmt)
        elif terms:
            self.emit(self.dot(stmt.target), add_all(terms), stmt)
        else:
            self.emit(self.dot(stmt.target), self.zeros(name(stmt.target)), stmt)

    def tangent_list_operation(self, stmt, operation):
        """``a + b`` of lists concatenates their tangents, ``a * n`` repeats them."""
        parts = [call("list", self.tangent_or_zero(a)) if self.values.is_sequence(a) else a
                 for a in stmt.args]
        op = gast.Add() if operation == "concat" else gast.Mult()
        self.emit(self.dot(stmt.target), gast.BinOp(left=parts[0], op=op, right=parts[1]), stmt)

    def vararg_terms(self, rule, bound, param, atoms, stmt):
        """One term per varied argument passed to a ``*args`` parameter."""
        terms = []
        for position, atom in enumerate(atoms):
            if not self.has_tangent(atom):
                continue
            template = template_for(rule, rule.jvps, param, stmt, "forward-mode")
            if template is not None:
                terms.append(self.batched(instantiate(rule, template, bound, param, {
                    "ans": name(stmt.target), "position": gast.Constant(position, None),
                    f"{param}_dot": name(self.dot(atom.id))})))
        return terms

    def tangent_copy(self, stmt):
        source = stmt.args[0]
        tangent = name(self.dot(source.id)) if self.has_tangent(source) else self.zeros(name(stmt.target))
        self.emit(self.dot(stmt.target), tangent, stmt)

    def tangent_getitem(self, stmt):
        if not self.has_tangent(stmt.args[0]):
            self.emit(self.dot(stmt.target), self.zeros(name(stmt.target)), stmt)
            return
        index = stmt.index if stmt.args[0].id in self.sequences else self.batch_index(stmt.index)
        source = gast.Subscript(value=name(self.dot(stmt.args[0].id)), slice=index, ctx=gast.Load())
        self.emit(self.dot(stmt.target), source, stmt)

    def tangent_setitem(self, stmt):
        target_dot = self.dot(stmt.target)
        if stmt.base in self.activity.varied:
            base_dot = self.dot(stmt.base)
            if base_dot != target_dot or base_dot not in self.owned:
                self.emit(target_dot, gast.Call(func=gast.Attribute(
                    value=name(base_dot), attr="copy", ctx=gast.Load()), args=[], keywords=[]), stmt)
        else:
            self.emit(target_dot, self.zeros(name(stmt.target)), stmt)
        self.owned.add(target_dot)
        value = stmt.args[0]
        value_dot = name(self.dot(value.id)) if self.has_tangent(value) else gast.Constant(0.0, None)
        if self.batch and self.has_tangent(value):
            slot = gast.Subscript(value=name(stmt.target), slice=stmt.index, ctx=gast.Load())
            value_dot = call("batch_align", value_dot, value, slot)
        index = stmt.index if stmt.base in self.sequences else self.batch_index(stmt.index)
        self.emit(gast.Subscript(value=name(target_dot), slice=index, ctx=gast.Store()), value_dot, stmt)

    def tangent_or_zero(self, atom):
        return name(self.dot(atom.id)) if self.has_tangent(atom) else self.zeros(atom)

    def tangent_pack(self, stmt):
        # a varied pack gets a tangent even where the output does not need it (a list that
        # varied values are appended to later); an item the output does not need has no
        # tangent of its own then: zeros stand in for it
        tangents = [name(self.dot(a.id)) if self.activity.is_active_atom(a) else self.zeros(a)
                    for a in stmt.args]
        if stmt.keys is not None:
            value = gast.Dict(keys=[gast.Constant(k, None) for k in stmt.keys], values=tangents)
        else:
            value = type(stmt.expr)(elts=tangents, ctx=gast.Load())
        self.emit(self.dot(stmt.target), value, stmt)

    def tangent_append(self, stmt):
        node = gast.Expr(value=gast.Call(func=gast.Attribute(
            value=name(self.dot(stmt.base)), attr="append", ctx=gast.Load()),
            args=[self.tangent_or_zero(stmt.args[0])], keywords=[]))
        node.origin = stmt.origin
        self.body.append(node)

    def tangent_pop(self, stmt):
        if stmt.base in self.activity.varied:
            value = _method_call(name(self.dot(stmt.base)), "pop")
        else:
            value = self.zeros(name(stmt.target))
        self.emit(self.dot(stmt.target), value, stmt)

    def tangent_usercall(self, stmt):
        active = self.active_params(stmt)
        jvp = self.linker.jvp(stmt, active)
        tangents = gast.Tuple(elts=[name(self.dot(a.id)) for _, a in active], ctx=gast.Load())
        target = gast.Tuple(elts=[gast.Name(stmt.target, gast.Store(), None, None),
                                  gast.Name(self.dot(stmt.target), gast.Store(), None, None)],
                            ctx=gast.Store())
        node = assign(target, gast.Call(func=name(jvp), args=[tangents] + list(stmt.args), keywords=[
            gast.keyword(arg=k, value=v) for k, v in stmt.kwargs.items()]), stmt.origin)
        node.primal = True
        self.body.append(node)

    def output_tangents(self):
        """The tangent atom of each output (a zero when the output does not vary)."""
        tangents = []
        for atom in self.fn.outputs:
            if self.has_tangent(atom):
                tangents.append(name(self.dot(atom.id)))
            else:
                tangents.append(self.zeros(atom))
        return tangents


def sequence_values(fn, given=()):
    """Variables holding tuples, lists or dicts of values (their derivatives are lists).
    `given`: parameters known to hold them. A call of a user function returns one when
    that function does (callees.py)."""
    sequences = set(fn.unpacked) | set(given)
    for stmt in walk(fn.body):
        if stmt.kind == "pack" or (stmt.kind == "usercall" and returns_sequence(stmt, sequences)):
            sequences.add(stmt.target)
        elif stmt.kind == "call" and (getattr(lookup(stmt.callee), "sequence_output", False)
                                      or stmt.callee in (list, tuple)):
            sequences.add(stmt.target)
        elif stmt.kind in ("copy", "call") and stmt.args and isinstance(stmt.args[0], gast.Name) \
                and stmt.args[0].id in sequences and (stmt.kind == "copy" or stmt.callee is runtime.zeros_like):
            sequences.add(stmt.target)
    return sequences


def _method_call(receiver, method):
    return gast.Call(func=gast.Attribute(value=receiver, attr=method, ctx=gast.Load()), args=[],
                     keywords=[])


def callee_parameters(callee, arity=None):
    """Parameter names of a user function (positional, then keyword-only); ``*args`` as
    `arity` parameters of their own (``*0``, ``*1``, ...), as srcad specializes it."""
    if isinstance(callee, DerivativeOf):
        return callee.parameters(callee_parameters(callee.function))
    if isinstance(callee, DynamicCallee):
        return callee.parameters(arity)
    if isinstance(callee, LiftedFunction):
        args = callee.node.args
        values = [f"*{i}" for i in range(arity or 0)] if args.vararg else []
        return [a.id for a in args.args] + values + [a.id for a in args.kwonlyargs]
    parameters = inspect.signature(callee, follow_wrapped=False).parameters.values()
    names = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    if any(p.kind == p.VAR_POSITIONAL for p in parameters):
        names += [f"*{i}" for i in range(arity or 0)]
    return names + [p.name for p in parameters if p.kind == p.KEYWORD_ONLY]


def takes_kwargs(callee):
    if isinstance(callee, DynamicCallee):
        return True
    if isinstance(callee, LiftedFunction):
        return callee.node.args.kwarg is not None
    if isinstance(callee, DerivativeOf):
        return False
    return any(p.kind == p.VAR_KEYWORD for p in inspect.signature(callee, follow_wrapped=False).parameters.values())


def call_arity(stmt):
    """How many values a call passes to the callee's ``*args`` (None: it has none)."""
    callee = stmt.callee
    if isinstance(callee, DynamicCallee):   # argument 0 is the called value
        return len(stmt.args) - 1
    if isinstance(callee, LiftedFunction):
        args = callee.node.args
        named = len(args.posonlyargs) + len(args.args) if args.vararg else None
    elif isinstance(callee, DerivativeOf) or not inspect.isfunction(callee):
        named = None
    else:
        code = callee.__code__
        named = code.co_argcount if code.co_flags & inspect.CO_VARARGS else None
    return None if named is None else max(0, len(stmt.args) - named)
