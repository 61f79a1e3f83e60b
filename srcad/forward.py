"""Stage 4a, forward mode: after each active statement, the statement of its tangent.

The tangent of ``y`` is ``y_dot``. The result is the body of a JVP function that returns
the primal output and its tangent. Forward mode needs no tape.
"""
import gast

from .derivatives import add_all, assign, bind, call, instantiate, name, rule_of, template_for
from .errors import UnsupportedSyntax


def primal_statement(stmt, in_place):
    """The statement that computes `stmt` as the user wrote it (operands normalized).

    Primal statements are marked so the optimizer never rewrites the user's arithmetic.
    """
    nodes = _primal_nodes(stmt, in_place)
    for node in nodes:
        node.primal = True
    return nodes


def _primal_nodes(stmt, in_place):
    if stmt.kind == "effect":
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


def unsupported_pack(stmt):
    raise UnsupportedSyntax("a tuple or list of differentiated values",
                            f"{stmt.origin.filename}:{stmt.origin.line}",
                            "Build the array with item assignment (y = np.zeros(n); y[i] = ...) instead.")


class Transform:
    """What both transforms share: the function, its activity, names, in-place versions.

    `rename` maps each version written by ``y[i] = v`` in place to the array's name.
    """

    def __init__(self, fn, activity, namer, rename):
        self.fn, self.activity, self.namer, self.rename = fn, activity, namer, rename
        self.body = []
        self.owned = set()   # derivative arrays this code created, safe to write into

    def derived(self, version, suffix):
        return self.namer.derived(self.rename.get(version, version), suffix)

    def in_place(self, stmt):
        return stmt.kind == "setitem" and \
            self.rename.get(stmt.target, stmt.target) == self.rename.get(stmt.base, stmt.base)


class ForwardTransform(Transform):
    """Builds the JVP body of a normalized function."""

    def dot(self, version):
        return self.derived(version, "_dot")

    def has_tangent(self, atom):
        return isinstance(atom, gast.Name) and atom.id in self.activity.varied

    def run(self):
        for stmt in self.fn.body:
            self.body.extend(primal_statement(stmt, self.in_place(stmt)))
            if stmt.target and self.activity.active(stmt.target):
                getattr(self, "tangent_" + stmt.kind)(stmt)
        return self.body

    def emit(self, target, value, stmt):
        self.body.append(assign(target, value, stmt.origin))
        if isinstance(target, str):
            self.owned.discard(target)

    def tangent_call(self, stmt):
        rule = rule_of(stmt)
        bound = bind(rule, stmt)
        terms = []
        for param, atom in bound.items():
            if isinstance(atom, list) or not self.has_tangent(atom):
                continue
            template = template_for(rule, rule.jvps, param, stmt, "forward-mode")
            if template is None:
                continue
            names = {"ans": name(stmt.target)}
            names.update({f"{p}_dot": name(self.dot(a.id)) for p, a in bound.items()
                          if not isinstance(a, list) and self.has_tangent(a)})
            terms.append(instantiate(rule, template, bound, param, names))
        if terms:
            self.emit(self.dot(stmt.target), add_all(terms), stmt)
        else:
            self.emit(self.dot(stmt.target), call("zeros_like", name(stmt.target)), stmt)

    def tangent_copy(self, stmt):
        self.emit(self.dot(stmt.target), name(self.dot(stmt.args[0].id)), stmt)

    def tangent_getitem(self, stmt):
        source = gast.Subscript(value=name(self.dot(stmt.args[0].id)), slice=stmt.index,
                                ctx=gast.Load())
        self.emit(self.dot(stmt.target), source, stmt)

    def tangent_setitem(self, stmt):
        target_dot = self.dot(stmt.target)
        if stmt.base in self.activity.varied:
            base_dot = self.dot(stmt.base)
            if base_dot != target_dot or base_dot not in self.owned:
                self.emit(target_dot, gast.Call(func=gast.Attribute(
                    value=name(base_dot), attr="copy", ctx=gast.Load()), args=[], keywords=[]), stmt)
        else:
            self.emit(target_dot, call("zeros_like", name(stmt.target)), stmt)
        self.owned.add(target_dot)
        value = stmt.args[0]
        value_dot = name(self.dot(value.id)) if self.has_tangent(value) else gast.Constant(0.0, None)
        self.emit(gast.Subscript(value=name(target_dot), slice=stmt.index, ctx=gast.Store()),
                  value_dot, stmt)

    def tangent_pack(self, stmt):
        unsupported_pack(stmt)

    def output_tangents(self):
        """The tangent atom of each output (a zero when the output does not vary)."""
        tangents = []
        for atom in self.fn.outputs:
            if self.has_tangent(atom):
                tangents.append(name(self.dot(atom.id)))
            else:
                tangents.append(call("zeros_like", atom))
        return tangents
