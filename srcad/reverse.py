"""Stage 4b, reverse mode: the primal sweep, then the adjoint statements in reverse order.

The adjoint of ``y`` is ``y_bar``. Its first contribution initializes it, later ones add
to it. Index reads scatter into an adjoint array srcad created itself (never into the
caller's cotangent), and ``y[i] = v`` hands ``y_bar[i]`` to ``v_bar`` and zeroes it.
"""
import gast

from .derivatives import assign, bind, call, instantiate, name, rule_of, template_for
from .forward import Transform, primal_statement, unsupported_pack
from .templates import names_in


def needed_primal_values(fn, activity):
    """Primal versions that the adjoint sweep reads (so they must not be overwritten)."""
    needed = set()
    for stmt in fn.body:
        if stmt.kind == "call" and stmt.target and activity.active(stmt.target):
            rule = rule_of(stmt)
            bound = bind(rule, stmt)
            for param, atom in bound.items():
                if not isinstance(atom, list) and activity.is_active_atom(atom):
                    template = template_for(rule, rule.vjps, param, stmt, "reverse-mode")
                    if template is None:
                        continue
                    expr = instantiate(rule, template, bound, param,
                                       {"g": name("g"), "ans": name(stmt.target)})
                    needed |= names_in(expr) & fn.locals
    return needed


class ReverseTransform(Transform):
    """Builds the body of a VJP function from a normalized function."""

    def __init__(self, fn, activity, namer, rename):
        super().__init__(fn, activity, namer, rename)
        self.defined = set()   # adjoint names assigned so far

    def bar(self, version):
        return self.derived(version, "_bar")

    def primal_sweep(self):
        for stmt in self.fn.body:
            self.body.extend(primal_statement(stmt, self.in_place(stmt)))

    def seed(self, cotangents):
        """Start the adjoint sweep: (output atom, cotangent expression) pairs."""
        for atom, cotangent in cotangents:
            if self.activity.is_active_atom(atom):
                self.accumulate(atom.id, cotangent, None)

    def adjoint_sweep(self):
        for stmt in reversed(self.fn.body):
            if stmt.target and self.activity.active(stmt.target) and self.bar(stmt.target) in self.defined:
                getattr(self, "adjoint_" + stmt.kind)(stmt)

    def wrt_adjoints(self, wrt_names):
        """The adjoint of each `wrt` input (a zero where the output does not depend on it)."""
        return [name(self.bar(w)) if self.bar(w) in self.defined else call("zeros_like", name(w))
                for w in wrt_names]

    # -- emission helpers ------------------------------------------------------------------
    def emit(self, target, value, origin):
        self.body.append(assign(target, value, origin))

    def accumulate(self, version, contribution, origin):
        adjoint = self.bar(version)
        if adjoint in self.defined:
            self.emit(adjoint, gast.BinOp(left=name(adjoint), op=gast.Add(), right=contribution), origin)
            self.owned.add(adjoint)
        else:
            self.emit(adjoint, contribution, origin)
            self.defined.add(adjoint)
            self.owned.discard(adjoint)

    def make_owned(self, version, origin):
        """Make ``version_bar`` an array this code may write into."""
        adjoint = self.bar(version)
        if adjoint not in self.defined:
            self.emit(adjoint, call("zeros_like", name(version)), origin)
            self.defined.add(adjoint)
        elif adjoint not in self.owned:
            self.emit(adjoint, _method(name(adjoint), "copy"), origin)
        self.owned.add(adjoint)
        return adjoint

    # -- one method per statement kind -------------------------------------------------------
    def adjoint_call(self, stmt):
        rule = rule_of(stmt)
        bound = bind(rule, stmt)
        names = {"g": name(self.bar(stmt.target)), "ans": name(stmt.target)}
        contributions = []
        for param, atom in bound.items():
            if isinstance(atom, list) or not self.activity.is_active_atom(atom):
                continue
            template = template_for(rule, rule.vjps, param, stmt, "reverse-mode")
            if template is None:
                continue
            contributions.append((atom.id, instantiate(rule, template, bound, param, names)))
        for version, contribution in contributions:
            self.accumulate(version, contribution, stmt.origin)

    def adjoint_copy(self, stmt):
        self.accumulate(stmt.args[0].id, name(self.bar(stmt.target)), stmt.origin)

    def adjoint_getitem(self, stmt):
        base = stmt.args[0].id
        adjoint = self.make_owned(base, stmt.origin)
        g = name(self.bar(stmt.target))
        if _is_basic_index(stmt.index):
            update = gast.AugAssign(target=gast.Subscript(value=name(adjoint), slice=stmt.index,
                                                          ctx=gast.Store()), op=gast.Add(), value=g)
        else:
            update = gast.Expr(value=call("add_at", name(adjoint), _index_value(stmt.index), g))
        update.origin = stmt.origin
        self.body.append(update)

    def adjoint_setitem(self, stmt):
        g = self.bar(stmt.target)
        value = stmt.args[0]
        in_place = self.in_place(stmt)
        base_active = self.activity.active(stmt.base)
        if self.activity.is_active_atom(value):
            slot = gast.Subscript(value=name(g), slice=stmt.index, ctx=gast.Load())
            if in_place and base_active and g in self.owned:
                slot = _method(slot, "copy")  # y_bar is zeroed in place next
            self.accumulate(value.id, slot, stmt.origin)
        if not base_active:
            return
        if in_place:
            self.make_owned(stmt.target, stmt.origin)
            zeroed = g
        else:
            zeroed = self.namer.fresh(f"{g}_rest")
            self.emit(zeroed, _method(name(g), "copy"), stmt.origin)
        self.emit(gast.Subscript(value=name(zeroed), slice=stmt.index, ctx=gast.Store()),
                  gast.Constant(0.0, None), stmt.origin)
        if not in_place:
            self.accumulate(stmt.base, name(zeroed), stmt.origin)

    def adjoint_pack(self, stmt):
        unsupported_pack(stmt)


def _method(receiver, method):
    return gast.Call(func=gast.Attribute(value=receiver, attr=method, ctx=gast.Load()),
                     args=[], keywords=[])


def _is_basic_index(index):
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return all(isinstance(p, gast.Slice) and all(isinstance(b, (gast.Constant, type(None)))
                                                 for b in (p.lower, p.upper, p.step))
               or isinstance(p, gast.Constant) for p in parts)


def _index_value(index):
    """An index as an ordinary expression: slices become ``slice(...)`` calls."""
    if isinstance(index, gast.Tuple):
        return gast.Tuple(elts=[_index_value(e) for e in index.elts], ctx=gast.Load())
    if isinstance(index, gast.Slice):
        bounds = [b if b is not None else gast.Constant(None, None)
                  for b in (index.lower, index.upper, index.step)]
        return gast.Call(func=name("slice"), args=bounds, keywords=[])
    return index
