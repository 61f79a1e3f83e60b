"""Stage 4b, reverse mode: the primal sweep, then the adjoint statements in reverse order.

The adjoint of ``y`` is ``y_bar``. Its first contribution initializes it, later ones add
to it; an assignment to ``y`` ends its adjoint (earlier values of ``y`` are other values).
Index reads scatter into an adjoint array srcad created itself (never into the caller's
cotangent), and ``y[i] = v`` hands ``y_bar[i]`` to ``v_bar`` and zeroes it.

Loops and branches: the adjoint of ``if`` re-tests the recorded condition; the adjoint of
a loop runs its iterations backwards (``reversed(range(...))``, or as many iterations as a
counter recorded for ``while`` and loops that ``break``). A value the adjoint reads is
saved on the tape (a list: ``append`` before it is overwritten, ``pop`` to restore it
when the adjoint sweep passes the assignment again); values the adjoint never reads are
not saved.
"""
import gast
import numpy as np

from .aliasing import copies
from .checkpoint_loops import CheckpointedLoops
from .bindings import assigned_in, integers, mark_bindings, mark_definite
from .contexts import marker
from .derivatives import assign, bind, call, instantiate, name, rule_of, store, template_for
from .forward import Transform, primal_statement
from .normalize_functions import DynamicCallee
from .normalize_syntax import FunctionValue
from .ir import walk
from .optimize import simplified
from .tape import shape_arguments
from .trees import walk as walk_tree
from .sequences import list_operation



def needed_primal_values(fn, activity, shapes, values_only=False):
    """Primal versions the adjoint of a rule reads, and the arguments of user calls (what
    their forward parts save may be their arguments): used to decide in-place item writes.
    `values_only`: leave out the rules' reads of a value's shape alone (``unbroadcast(g, x)``)
    and the user calls."""
    needed = set()
    for stmt in walk(fn.body):
        if stmt.kind == "usercall" and stmt.target and activity.active(stmt.target) and not values_only:
            needed |= {a.id for a in stmt.args + list(stmt.kwargs.values())
                       if isinstance(a, gast.Name)} & fn.locals
        if stmt.kind == "call" and stmt.target and activity.active(stmt.target) \
                and not isinstance(stmt.callee, FunctionValue):   # its adjoint reads no value
            rule = rule_of(stmt)
            bound = bind(rule, stmt)
            for param, atom in bound.items():
                if not isinstance(atom, list) and activity.is_active_atom(atom):
                    template = template_for(rule, rule.vjps, param, stmt, "reverse-mode")
                    if template is None:
                        continue
                    expr = instantiate(rule, template, bound, param,
                                       {"g": name("g"), "ans": name(stmt.target)},
                                       same_shape=shapes.same(atom, stmt.target))
                    shaped = shape_arguments(expr) if values_only else ()
                    needed |= {n.id for n in walk_tree(expr) if isinstance(n, gast.Name)
                               and id(n) not in shaped} & fn.locals
    return needed


def _marker(node, kind, variable):
    """Tag a tape statement so it can be dropped when `variable` is never read back."""
    node.tape = (kind, variable)
    return node


def _method(receiver, method, *args):
    return gast.Call(func=gast.Attribute(value=receiver, attr=method, ctx=gast.Load()),
                     args=list(args), keywords=[])


def _expr(value, origin=None):
    node = gast.Expr(value=value)
    node.origin = origin
    return node


class ReverseTransform(CheckpointedLoops, Transform):
    """Builds the body of a VJP function from a normalized function.

    `state` maps each adjoint name that currently holds a value to "set" (it may be shared
    with another array) or "owned" (created here, safe to write into); an absent name is zero.
    `checkpoint`: None (loops keep a tape), ("snapshots", k) or ("memory", bytes): outer
    loops are checkpointed (checkpoint_loops.py).
    """

    def __init__(self, fn, activity, namer, rename, linker, shapes=None, checkpoint=None):
        super().__init__(fn, activity, namer, rename, shapes)
        self.checkpoint = checkpoint
        self.loop_depth = 0
        self.checkpointed = {}  # id(loop stmt) -> CheckpointedLoop
        self.linker = linker
        self.tape = namer.fresh("tape")   # tape_1 when differentiating code that has a tape
        self.state = {}
        self.primal_of = {}    # adjoint name -> primal version
        self.saved = {}        # user-call target -> name of what its forward parts saved
        self.counters = {}     # id(loop stmt) -> iteration counter name
        self.bound_at = {}     # id(loop stmt) -> names possibly bound when the loop starts
        self.integers = integers(fn)
        self.definite_at = {}  # id(if or loop stmt) -> names certainly bound when it starts
        self.maybe_none = set()  # adjoints that may hold None (zero where the value never existed)

    def bar(self, version):
        adjoint = self.derived(version, "_bar")
        self.primal_of[adjoint] = self.rename.get(version, version)
        return adjoint

    @property
    def defined(self):
        return set(self.state)

    # -- the primal sweep --------------------------------------------------------------------
    def primal_sweep(self):
        params = set(self.fn.params) | set(self.fn.kwonly)
        mark_bindings(self.fn.body, params, self.bound_at)
        mark_definite(self.fn.body, params, self.definite_at)
        needed = needed_primal_values(self.fn, self.activity, self.shapes, values_only=True)
        self.copied, self.copied_arguments = copies(self.fn, needed, self.rename, self.shapes)
        nodes = self.primal_block(self.fn.body)
        # what a user call saved is set with its value: None until then, so that the tape
        # can save it before a second call overwrites it (dropped when nothing is saved)
        return [_marker(assign(saved, gast.Constant(None, None)), "init", saved)
                for saved in sorted(self.saved.values())] + nodes

    def primal_block(self, block):
        nodes = []
        for stmt in block:
            if stmt.kind == "if":
                nodes.append(gast.If(test=stmt.test, body=self.primal_block(stmt.body) or [gast.Pass()],
                                     orelse=self.primal_block(stmt.orelse)))
            elif stmt.kind in ("for", "while"):
                nodes.extend(self.primal_loop(stmt))
            elif stmt.kind == "break":
                nodes.append(gast.Break())
            else:
                computed = self.primal_simple(stmt)
                nodes.extend(self.save_overwritten(stmt))
                nodes.extend(computed)
            nodes[-1].origin = getattr(nodes[-1], "origin", None) or stmt.origin
        return nodes

    def primal_simple(self, stmt):
        copied = self.copied_arguments.get(id(stmt), ())   # the callee may keep them: copies
        if stmt.kind == "usercall" and self.activity.active(stmt.target):
            # one name per target: calls that assign the same variable (in both branches of
            # an ``if``, in a loop) assign what they saved to the same variable too
            saved = self.saved.get(stmt.target) or \
                self.namer.fresh(f"{self.rename.get(stmt.target, stmt.target)}_saved")
            self.saved[stmt.target] = saved
            fwd, _ = self.linker.split(stmt, self.active_params(stmt))
            target = gast.Tuple(elts=[gast.Name(stmt.target, gast.Store(), None, None),
                                      gast.Name(saved, gast.Store(), None, None)], ctx=gast.Store())
            node = assign(target, _user_call(fwd, stmt, copied=copied), stmt.origin)
            node.primal = True
            return [node]
        nodes = primal_statement(stmt, self.in_place(stmt))
        if copied:
            nodes[-1].value = _user_call(stmt.expr.func, stmt, copied=copied)
        if id(stmt) in self.copied:   # a view the adjoint reads, of an array written later
            array = stmt.kind == "getitem" and stmt.args[0].id not in self.sequences \
                or stmt.kind == "call" and stmt.target not in self.sequences and _array_method(stmt.callee)
            nodes[-1].value = _method(nodes[-1].value, "copy") if array else call("copy_of", nodes[-1].value)
        return nodes

    def save_overwritten(self, stmt):
        """Tape pushes before `stmt` overwrites values the adjoint may need."""
        if not stmt.maybe_bound:
            return []
        if stmt.kind == "setitem" and self.in_place(stmt):
            base = self.rename.get(stmt.base, stmt.base)
            slot = gast.Subscript(value=name(base), slice=stmt.index, ctx=gast.Load())
            return [_marker(_expr(_method(name(self.tape), "append", call("copy_of", slot))), "push", base)]
        nodes = []
        for variable in self.written(stmt):
            nodes.append(_marker(_expr(_method(name(self.tape), "append", name(variable))), "push", variable))
        return nodes

    def written(self, stmt):
        if stmt.writes:   # a `try` kept as written: what it assigns, where already bound
            return [w for w in stmt.writes if w in (stmt.maybe_bound or ())]
        if stmt.kind in ("append", "effect", "setitem") or not stmt.target:
            return []
        names = [stmt.target]
        if stmt.kind == "usercall" and stmt.target in self.saved:
            names.append(self.saved[stmt.target])
        return names

    def primal_loop(self, stmt):
        if self.checkpoints(stmt):
            return self.primal_checkpointed_loop(stmt)
        self.loop_depth += 1
        try:
            body = self.primal_block(stmt.body)
        finally:
            self.loop_depth -= 1
        return self.loop_around(stmt, body)

    def loop_around(self, stmt, body):
        """The loop of `stmt` with primal `body`, after the ``v = None`` of variables it
        may be the first to assign and its iteration counter (``while`` and ``break``)."""
        assigned = assigned_in(stmt.body)
        if self.loop_depth == 0:   # (inside another loop, a counter may hold a value to save)
            assigned |= {self.counters[id(s)] for s in walk(stmt.body) if id(s) in self.counters}
        nodes = [_marker(assign(variable, gast.Constant(None, None)), "init", variable)
                 for variable in sorted(assigned - self.bound_at[id(stmt)])]
        if stmt.kind == "while" or stmt.has_break:
            counter = self.namer.fresh("iterations")
            self.counters[id(stmt)] = counter
            if self.bound_at.get(("counter", id(stmt))):
                nodes.append(_marker(_expr(_method(name(self.tape), "append", name(counter))), "push", counter))
            nodes.append(_counter(assign(counter, gast.Constant(0, None)), counter))
            body.insert(0, _counter(gast.AugAssign(target=gast.Name(counter, gast.Store(), None, None),
                                                   op=gast.Add(), value=gast.Constant(1, None)), counter))
        if stmt.kind == "while":
            loop = gast.While(test=stmt.test, body=body, orelse=[])
        else:
            loop = gast.For(target=gast.Name(stmt.target, gast.Store(), None, None), iter=stmt.iter,
                            body=body, orelse=[], type_comment=None)
        loop.origin = stmt.origin
        return nodes + [loop]

    # -- the adjoint sweep -------------------------------------------------------------------
    def seed(self, cotangents):
        """Start the adjoint sweep: (output atom, cotangent expression) pairs."""
        for atom, cotangent in cotangents:
            if self.activity.is_active_atom(atom):
                self.accumulate(atom.id, cotangent, None)

    def adjoint_sweep(self):
        self.body.extend(self.adjoint_block(self.fn.body))

    def adjoint_block(self, block):
        outer, self.body = self.body, []
        try:
            for stmt in reversed(block):
                if stmt.kind == "if":
                    self.adjoint_if(stmt)
                elif stmt.kind in ("for", "while"):
                    self.adjoint_loop(stmt)
                elif stmt.kind != "break":
                    self.adjoint_simple(stmt)
            return self.body
        finally:
            self.body = outer

    def adjoint_simple(self, stmt):
        if stmt.kind == "context":   # the adjoint statements of a `with` block run in it too
            self.body.append(marker(gast.Expr(value=stmt.expr), stmt))
        written = stmt.base if stmt.kind in ("append", "pop") else stmt.target
        if stmt.kind == "pop" and self.activity.active(stmt.target) and self.bar(stmt.target) in self.state:
            written = stmt.target  # the popped value's adjoint goes back into the list's
        if written and self.activity.active(written) and self.bar(written) in self.state:
            contributions = getattr(self, "adjoint_" + stmt.kind)(stmt)
            if contributions is not None:
                self.pass_back(stmt, contributions)
        elif stmt.target and stmt.kind != "setitem":
            self.state.pop(self.bar(stmt.target), None)
        if stmt.kind == "append":
            self.body.append(_marker(_expr(_method(name(stmt.base), "pop")), "undo", stmt.base))
        if stmt.kind == "pop":  # put the value back: the list is as it was before the pop
            self.body.append(_marker(_expr(_method(name(stmt.base), "append", name(stmt.target))),
                                     "undo", stmt.base))
        for variable in reversed(self.written(stmt) if stmt.maybe_bound else []):
            self.body.append(_marker(assign(variable, _method(name(self.tape), "pop")), "pop", variable))
        if stmt.kind == "setitem" and stmt.maybe_bound and self.in_place(stmt):
            base = self.rename.get(stmt.base, stmt.base)
            slot = gast.Subscript(value=name(base), slice=stmt.index, ctx=gast.Store())
            self.body.append(_marker(assign(slot, _method(name(self.tape), "pop")), "pop", base))

    def adjoint_if(self, stmt):
        before = dict(self.state)
        body = self.adjoint_block(stmt.body)
        after_body, self.state = self.state, dict(before)
        orelse = self.adjoint_block(stmt.orelse)
        after_orelse = self.state
        self.state = self.merge(after_body, body, after_orelse, orelse, stmt)
        node = gast.If(test=stmt.test, body=body or [gast.Pass()], orelse=orelse)
        node.origin = stmt.origin
        self.body.append(node)

    def zero(self, adjoint, stmt):
        """``v_bar = zeros_like(v)``; None where v may not exist yet when `stmt` starts (only
        a path on which v exists can use it later)."""
        primal = self.primal_of[adjoint]
        if primal in self.definite_at.get(id(stmt), ()):
            return assign(adjoint, self.zeros(name(primal)), stmt.origin)
        self.maybe_none.add(adjoint)
        return assign(adjoint, gast.Constant(None, None), stmt.origin)

    def merge(self, state_a, nodes_a, state_b, nodes_b, stmt):
        """Adjoints set on one path only are zero-initialized on the other."""
        merged = {}
        for adjoint in sorted(set(state_a) | set(state_b)):
            for state, nodes in ((state_a, nodes_a), (state_b, nodes_b)):
                if adjoint not in state:
                    nodes.append(self.zero(adjoint, stmt))
                    state[adjoint] = "owned"
            merged[adjoint] = "owned" if state_a[adjoint] == state_b[adjoint] == "owned" else "set"
        return merged

    def adjoint_loop(self, stmt):
        entry = dict(self.state)
        for _ in range(4):
            self.state = dict(entry)
            maybe_none = set(self.maybe_none)
            body = self.adjoint_block(stmt.body)
            exit_state = self.state
            zero_first = [a for a in exit_state if a not in entry]
            downgrade = [a for a in entry if entry[a] == "owned" and exit_state.get(a) != "owned"]
            if not zero_first and not downgrade and self.maybe_none == maybe_none:
                break    # (an adjoint that became maybe None: the next iteration adds with add_each)
            for adjoint in zero_first:
                self.body.append(self.zero(adjoint, stmt))
                entry[adjoint] = "owned"
            for adjoint in downgrade:
                entry[adjoint] = "set"
        for adjoint in [a for a in entry if a not in exit_state]:
            # the value is assigned in the loop and read after it: its adjoint starts each
            # earlier iteration at zero, shaped like that iteration's value (the tape has
            # restored it by now), which need not be the shape of the later one
            body.append(assign(adjoint, self.zeros(name(self.primal_of[adjoint])), stmt.origin))
        self.state = entry
        counter = self.counters.get(id(stmt))
        if id(stmt) in self.checkpointed:
            self.body.append(self.checkpointed_adjoint(stmt, body, counter))
            return
        if not body:
            body = [gast.Pass()]
        if stmt.kind == "while":
            loop = gast.For(target=gast.Name(self.namer.fresh("_"), gast.Store(), None, None),
                            iter=call("range", name(counter)), body=body, orelse=[], type_comment=None)
        else:
            iterations = stmt.iter
            if counter:
                iterations = gast.Subscript(value=iterations, slice=gast.Slice(None, name(counter), None),
                                            ctx=gast.Load())
            loop = gast.For(target=gast.Name(stmt.target, gast.Store(), None, None),
                            iter=call("reversed", iterations), body=body, orelse=[], type_comment=None)
        loop.origin = stmt.origin
        loop.adjoint_loop = counter
        self.body.append(loop)
        if counter and self.bound_at.get(("counter", id(stmt))):
            self.body.append(_marker(assign(counter, _method(name(self.tape), "pop")), "pop", counter))

    def wrt_adjoints(self, wrt_names):
        """The adjoint of each `wrt` input (a zero where the output does not depend on it)."""
        return [name(self.bar(w)) if self.bar(w) in self.state else self.zeros(name(w))
                for w in wrt_names]

    def pass_back(self, stmt, contributions):
        """Add each (version, contribution) to the adjoint of `version`, then end the
        target's adjoint: its earlier values are different values. A contribution to the
        target itself (``x = x * w``) is added last, after the target's adjoint is used."""
        onto_target = [c for version, c in contributions if version == stmt.target]
        for version, contribution in contributions:
            if version != stmt.target:
                self.accumulate(version, contribution, stmt.origin)
        adjoint = self.bar(stmt.target)
        previous = self.state.pop(adjoint, None)
        if onto_target == [name(adjoint)] or len(onto_target) == 1 and \
                isinstance(onto_target[0], gast.Name) and onto_target[0].id == adjoint:
            self.state[adjoint] = previous  # x = x + c: x's adjoint passes on unchanged
            return
        if onto_target:
            total = onto_target[0]
            for contribution in onto_target[1:]:
                total = gast.BinOp(left=total, op=gast.Add(), right=contribution)
            self.accumulate(stmt.target, total, stmt.origin)

    # -- emission helpers ------------------------------------------------------------------
    def emit(self, target, value, origin):
        self.body.append(assign(target, value, origin))

    def accumulate(self, version, contribution, origin):
        adjoint = self.bar(version)
        if adjoint in self.state:
            if version in self.sequences or adjoint in self.maybe_none:
                self.emit(adjoint, call("add_each", name(adjoint), contribution), origin)
            elif self.state[adjoint] == "owned":
                # an array this code made and nothing else holds: add in place, no new array
                update = gast.AugAssign(target=store(adjoint), op=gast.Add(), value=contribution)
                update.origin = origin
                self.body.append(update)
            else:
                self.emit(adjoint, gast.BinOp(left=name(adjoint), op=gast.Add(), right=contribution), origin)
            self.state[adjoint] = "owned"
        else:
            self.emit(adjoint, contribution, origin)
            # fresh as the optimizer will print it: `g * 1.0` becomes `g`, which is not
            fresh = _fresh(contribution) and _fresh(simplified(contribution, self.namespace))
            self.state[adjoint] = "owned" if fresh else "set"

    def make_owned(self, version, origin):
        """Make ``version_bar`` a value this code may write into."""
        adjoint = self.bar(version)
        if adjoint not in self.state:
            self.emit(adjoint, self.zeros(name(self.rename.get(version, version))), origin)
        elif adjoint in self.maybe_none:
            self.emit(adjoint, call("add_each", self.zeros(name(self.rename.get(version, version))),
                                    name(adjoint)), origin)
        elif self.state[adjoint] != "owned":
            if version in self.sequences:   # a list NumPy may have read as an array: owned_items
                copied = call("copy_of" if self.batch else "owned_items", name(adjoint))
            else:
                copied = _method(name(adjoint), "copy")
            self.emit(adjoint, copied, origin)
        self.state[adjoint] = "owned"
        return adjoint

    # -- one method per statement kind -------------------------------------------------------
    def adjoint_call(self, stmt):
        if isinstance(stmt.callee, FunctionValue):   # a lambda's captured variables
            g = name(self.bar(stmt.target))
            return [(a.id, call("field_of", g, gast.Constant(k, None))) for k, a in stmt.kwargs.items()
                    if self.activity.is_active_atom(a)]
        operation = list_operation(stmt, self.values)
        if operation:
            return self.adjoint_list_operation(stmt, operation)
        rule = rule_of(stmt)
        if not rule.differentiable:
            return []
        bound = bind(rule, stmt)
        names = {"g": name(self.bar(stmt.target)), "ans": name(stmt.target)}
        if rule.joint is not None:   # a custom_vjp function: one call of its rule for all arguments
            return rule.joint.vjp_contributions(self, stmt, bound, names)
        lists = self.list_params(bound, stmt)
        contributions = []
        for param, atom in bound.items():
            if isinstance(atom, list):
                for position, element in enumerate(atom):
                    if self.activity.is_active_atom(element):
                        template = template_for(rule, rule.vjps, param, stmt, "reverse-mode")
                        if template is not None:
                            contributions.append((element.id, self.batched(instantiate(
                                rule, template, bound, param,
                                {**names, "position": gast.Constant(position, None)}))))
                continue
            if not self.activity.is_active_atom(atom):
                continue
            template = template_for(rule, rule.vjps, param, stmt, "reverse-mode")
            if template is None:
                continue
            template = self.arrays_in(template, lists, bound, stmt)
            if self.batch and param in rule.vector_vjps and param not in lists:
                contributions.append((atom.id, instantiate(rule, rule.vector_vjps[param], bound, param, names)))
                continue
            contribution = self.batched(instantiate(
                rule, template, bound, param, names, same_shape=self.shapes.same(atom, stmt.target)))
            if self.batch and param in lists:   # one cotangent per item, as the list's others
                contribution = call("batch_items", contribution, atom)
            contributions.append((atom.id, contribution))
        return contributions

    def adjoint_list_operation(self, stmt, operation):
        """``a + b`` of lists: `a` gets the first len(a) items of the cotangent, `b` the
        rest; ``a * n``: `a` gets the sum of the n slices of len(a) items."""
        g = name(self.bar(stmt.target))
        contributions = []
        if operation == "concat":
            first, second = stmt.args
            parts = (gast.Slice(None, call("len", first), None),
                     gast.Slice(call("len", first), None, None))
            for atom, part in zip((first, second), parts):
                if self.activity.is_active_atom(atom):
                    contributions.append((atom.id, gast.Subscript(value=g, slice=part, ctx=gast.Load())))
            return contributions
        sequence = next(a for a in stmt.args if self.values.is_sequence(a))
        if self.activity.is_active_atom(sequence):
            contributions.append((sequence.id, call("unrepeated", g, sequence)))
        return contributions

    def adjoint_usercall(self, stmt):
        active = self.active_params(stmt)
        _, bwd = self.linker.split(stmt, active)
        pulled = call(bwd, name(self.saved[stmt.target]), name(self.bar(stmt.target)))
        if isinstance(stmt.callee, DynamicCallee):   # found again from the called value
            pulled.args.insert(0, stmt.args[0])
        if len(active) == 1:
            return [(active[0][1].id, pulled)]
        grads = self.namer.fresh(f"{self.rename.get(stmt.target, stmt.target)}_grads")
        self.emit(grads, pulled, stmt.origin)
        return [(atom.id, gast.Subscript(value=name(grads), slice=gast.Constant(position, None),
                                         ctx=gast.Load())) for position, (_, atom) in enumerate(active)]

    def adjoint_copy(self, stmt):
        if self.activity.is_active_atom(stmt.args[0]):
            return [(stmt.args[0].id, name(self.bar(stmt.target)))]
        return []

    def adjoint_inert(self, stmt):
        return []

    def adjoint_pack(self, stmt):
        g = name(self.bar(stmt.target))
        keys = stmt.keys if stmt.keys is not None else range(len(stmt.args))
        return [(atom.id, gast.Subscript(value=g, slice=gast.Constant(key, None), ctx=gast.Load()))
                for key, atom in zip(keys, stmt.args) if self.activity.is_active_atom(atom)]

    def adjoint_append(self, stmt):
        adjoint = self.make_owned(stmt.base, stmt.origin)
        item = stmt.args[0]
        popped = _method(name(adjoint), "pop")
        if self.activity.is_active_atom(item):
            self.accumulate(item.id, popped, stmt.origin)
        else:
            self.body.append(_expr(popped, stmt.origin))

    def adjoint_pop(self, stmt):
        adjoint = self.make_owned(stmt.base, stmt.origin)
        g = self.bar(stmt.target)
        value = name(g) if g in self.state else self.zeros(name(stmt.target))
        self.body.append(_expr(_method(name(adjoint), "append", value), stmt.origin))
        return []

    def adjoint_getitem(self, stmt):
        base = stmt.args[0].id
        g = name(self.bar(stmt.target))
        undo = None if self.batch or base in self.sequences else _undo_new_axes(stmt.index)
        if undo is not None:   # x[None, :] is x itself with an axis added: take it off again
            return [(base, g if undo == () else gast.Subscript(value=g, slice=undo, ctx=gast.Load()))]
        adjoint = self.make_owned(base, stmt.origin)
        if base in self.sequences:  # an item of a tuple or list: maybe a tuple or None itself
            slot = gast.Subscript(value=name(adjoint), slice=stmt.index, ctx=gast.Load())
            update = assign(gast.Subscript(value=name(adjoint), slice=stmt.index, ctx=gast.Store()),
                            call("add_each", slot, g))
        elif _is_basic_index(stmt.index, self.integers):
            update = gast.AugAssign(target=gast.Subscript(value=name(adjoint), slice=self.batch_index(stmt.index),
                                                          ctx=gast.Store()), op=gast.Add(), value=g)
        else:
            update = assign(adjoint, call("add_at", name(adjoint),
                                          _index_value(self.batch_index(stmt.index)), g))
        update.origin = stmt.origin
        self.body.append(update)
        return []

    def adjoint_setitem(self, stmt):
        g = self.bar(stmt.target)
        value = stmt.args[0]
        in_place = self.in_place(stmt)
        base_active = self.activity.active(stmt.base)
        index = stmt.index if stmt.base in self.sequences else self.batch_index(stmt.index)
        if self.activity.is_active_atom(value):
            slot = gast.Subscript(value=name(g), slice=index, ctx=gast.Load())
            if not self.shapes.scalar_item(stmt.base, stmt.index):
                # ``h[t] = v`` broadcasts v over the slot: v's cotangent is the slot's, summed
                slot = call("unbroadcast_batch" if self.batch else "unbroadcast", slot, value)
            if in_place and base_active and self.state.get(g) == "owned":
                slot = _method(slot, "copy")  # y_bar is zeroed in place next
            self.accumulate(value.id, slot, stmt.origin)
        if not base_active:
            if not in_place:
                self.state.pop(g, None)
            return
        if in_place:
            self.make_owned(stmt.target, stmt.origin)
            zeroed = g
        else:
            zeroed = self.namer.fresh(f"{g}_rest")
            self.emit(zeroed, _method(name(g), "copy"), stmt.origin)
        self.emit(gast.Subscript(value=name(zeroed), slice=index, ctx=gast.Store()),
                  gast.Constant(0.0, None), stmt.origin)
        if not in_place:
            self.state.pop(g, None)
            self.accumulate(stmt.base, name(zeroed), stmt.origin)


def _array_method(callee):
    """A method or attribute of NumPy arrays (``x.T``, ``x.reshape``): its value has ``.copy()``."""
    return getattr(callee, "__objclass__", None) is np.ndarray


def _counter(node, counter):
    node.counter = counter
    return node


def _user_call(function, stmt, extra=(), copied=()):
    """``function(*extra, *args, **kwargs)`` of a user call, passing ``copy_of(a)`` for each
    argument `a` in `copied`."""
    def argument(atom):
        return call("copy_of", atom) if isinstance(atom, gast.Name) and atom.id in copied else atom
    return gast.Call(func=name(function) if isinstance(function, str) else function,
                     args=list(extra) + [argument(a) for a in stmt.args],
                     keywords=[gast.keyword(arg=k, value=argument(v)) for k, v in stmt.kwargs.items()])


def _fresh(expression):
    """Arithmetic always makes a new value, which nothing else holds (so it may be written
    into); a name or a call may hand back an array that something else holds."""
    return isinstance(expression, gast.BinOp) or \
        isinstance(expression, gast.UnaryOp) and isinstance(expression.op, (gast.USub, gast.UAdd))


def _undo_new_axes(index):
    """For an index made of ``None``, ``:`` and ``...`` only (a view of every element, with
    axes added), the index that takes the added axes off again: ``[None, :]`` -> ``[0, :]``;
    () when it adds none (``x[:]``); None for any other index."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    undone = []
    for part in parts:
        if isinstance(part, gast.Constant) and part.value is None:
            undone.append(gast.Constant(0, None))
        elif isinstance(part, gast.Constant) and part.value is Ellipsis:
            undone.append(gast.Constant(Ellipsis, None))
        elif isinstance(part, gast.Slice) and part.lower is part.upper is part.step is None:
            undone.append(gast.Slice(None, None, None))
        else:
            return None
    if all(isinstance(part, gast.Slice) for part in undone):
        return ()               # (g[0, :], not g[0]: the array API wants every axis indexed)
    return gast.Tuple(elts=undone, ctx=gast.Load()) if len(undone) > 1 else undone[0]


def _is_basic_index(index, integers):
    """Ints (negative ones too), slices of them and names known to hold ints (loop
    counters): ``+=`` is then exact."""
    def known(node):
        if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
            node = node.operand   # x[-1], x[1:-1]
        return node is None or isinstance(node, gast.Constant) \
            or isinstance(node, gast.Name) and node.id in integers
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return all(isinstance(p, gast.Slice) and all(known(b) for b in (p.lower, p.upper, p.step))
               or isinstance(p, (gast.Constant, gast.Name, gast.UnaryOp)) and known(p) for p in parts)


def _index_value(index):
    """An index as an ordinary expression: slices become ``slice(...)`` calls."""
    if isinstance(index, gast.Tuple):
        return gast.Tuple(elts=[_index_value(e) for e in index.elts], ctx=gast.Load())
    if isinstance(index, gast.Slice):
        bounds = [b if b is not None else gast.Constant(None, None)
                  for b in (index.lower, index.upper, index.step)]
        return gast.Call(func=name("slice"), args=bounds, keywords=[])
    return index
