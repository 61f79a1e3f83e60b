"""Stage 4d, dependency mode: forward mode whose companion values are dependencies.

After each active statement comes the statement of its dependencies, ``y_dep``: which
input elements each element of ``y`` depends on (a `dependencies.Deps`). The rule table
says how (rules/structure.py): elementwise operations unite their operands', reductions
their reduced slices', moves (indexing, reshapes, concatenation) run again on element ids,
anything else depends on everything its arguments depend on. Item reads and writes,
copies, lists, control flow and calls of your own functions are forward mode's own code:
the generated function follows the branches the given inputs take.
"""
import gast

from .derivatives import bind, call, instantiate, name, rule_of, template_for
from .forward import ForwardTransform
from .rules.registry import ZERO
from .rules.structure import structure_of
from .sequences import list_operation
from .templates import parse_expression

_TEMPLATES: dict = {}   # template text -> parsed template


def _template(text):
    if text not in _TEMPLATES:
        _TEMPLATES[text] = parse_expression(text)
    return _TEMPLATES[text]


class DependencyTransform(ForwardTransform):
    """Builds the body of a dependency-mode function (``f_deps(x, x_dep)``)."""

    def dot(self, version):
        return self.derived(version, "_dep")

    def zeros(self, value):
        return call("no_deps", value)

    def tangent_call(self, stmt):
        operation = list_operation(stmt, self.values)
        if operation:
            return self.tangent_list_operation(stmt, operation)
        rule = rule_of(stmt)
        if not rule.differentiable:
            return self.emit(self.dot(stmt.target), self.zeros(name(stmt.target)), stmt)
        if rule.joint is not None:   # a custom_jvp function: no structure known
            return self.emit(self.dot(stmt.target), self.dense(stmt), stmt)
        bound = bind(rule, stmt)
        data = self.data_arguments(rule, bound, stmt)
        structure = structure_of(stmt.callee, rule)
        varied = [(p, a) for p, a in data if self.has_tangent(a)]
        ans = name(stmt.target)
        if not varied:   # derivatives flow through none of its arguments (zero templates)
            value = self.zeros(ans)
        elif structure == "elementwise":
            value = call("elementwise_deps", ans, *[name(self.dot(a.id)) for _, a in varied])
        elif structure == "moves":
            value = self.moved(stmt, data)
        elif isinstance(structure, dict) and all(p in structure for p, _ in varied):
            names = {"ans": ans, **{f"{p}_dep": name(self.dot(a.id)) for p, a in varied}}
            terms = [instantiate(rule, _template(structure[p]), bound, p, names) for p, _ in varied]
            value = terms[0] if len(terms) == 1 else call("union_deps", *terms)
        else:
            value = self.dense(stmt, varied)
        self.emit(self.dot(stmt.target), value, stmt)

    def data_arguments(self, rule, bound, stmt):
        """(parameter, argument) of the arguments derivatives flow through (a ``*args``
        parameter gives one pair per argument); a varied argument without a rule is an error."""
        pairs = []
        for param, atom in bound.items():
            template = rule.jvps.get(param)
            if template is None or template == ZERO:
                if any(self.has_tangent(a) for a in (atom if isinstance(atom, list) else [atom])):
                    template_for(rule, rule.jvps, param, stmt, "forward-mode")
                continue
            pairs.extend((param, a) for a in (atom if isinstance(atom, list) else [atom]))
        return pairs

    def dependencies_of(self, atom):
        return name(self.dot(atom.id)) if self.has_tangent(atom) else self.zeros(atom)

    def dense(self, stmt, varied=None):
        if varied is None:
            varied = [(None, a) for a in stmt.args if self.has_tangent(a)]
        return call("dense_deps", name(stmt.target), *[name(self.dot(a.id)) for _, a in varied])

    def moved(self, stmt, data):
        """``moved_deps(lambda x_ids: <the call on x_ids>, x_dep)``: the same operation on
        element ids; a number literal passed for an array becomes 0 (no element)."""
        names, replaced, deps = {}, {}, []
        for _, atom in data:
            if isinstance(atom, gast.Name):
                if atom.id not in names:
                    names[atom.id] = self.derived(atom.id, "_ids")
                    deps.append(self.dependencies_of(atom))
            else:
                replaced[id(atom)] = gast.Constant(0, None)
        operation = gast.Lambda(
            args=gast.arguments(args=[gast.Name(n, gast.Param(), None, None) for n in names.values()],
                                posonlyargs=[], vararg=None, kwonlyargs=[], kw_defaults=[],
                                kwarg=None, defaults=[]),
            body=_renamed(stmt.expr, names, replaced))
        return call("moved_deps", operation, *deps)


def _renamed(node, names, replaced):
    """A copy of `node` with the names in `names` renamed and the nodes in `replaced` replaced."""
    if id(node) in replaced:
        return replaced[id(node)]
    if isinstance(node, list):
        return [_renamed(n, names, replaced) for n in node]
    if not isinstance(node, gast.AST):
        return node
    if isinstance(node, gast.Name) and node.id in names:
        return gast.Name(names[node.id], gast.Load(), None, None)
    copied = node.__class__.__new__(node.__class__)
    for field, value in node.__dict__.items():
        setattr(copied, field, _renamed(value, names, replaced)
                if isinstance(value, (gast.AST, list)) else value)
    return copied
