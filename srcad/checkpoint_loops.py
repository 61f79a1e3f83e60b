"""Checkpointed loops in reverse mode (``srcad.grad(f, checkpoint=k)``; docs/checkpointing.md).

A loop that is not inside another loop, and whose body computes derivatives, keeps no tape.
The primal sweep runs it as written, after keeping a snapshot of its *state* (the variables
the body reads before it assigns them and that the loop changes); the adjoint sweep follows
`checkpointing.revolve`, the binomial schedule:

    for action, start, end in revolve(len(range(n)), k):
        if action == 'advance':      # the body as written, steps start .. end-1
        elif action == 'snapshot':   snapshots.append((x, h))
        elif action == 'restore':    x, h = snapshots[-1]
        elif action == 'forget':     snapshots.pop()
        else:                        # 'reverse': step `start` taped, then its adjoint

Loops inside a checkpointed loop are taped as usual, within the step. A ``while`` loop or a
loop that breaks counts its iterations in the primal sweep; the schedule starts when the
adjoint sweep reaches the loop, from the snapshot taken before it.
"""
import gast

from .derivatives import assign, call, name
from .ir import Renamer, loaded_names, walk
from .liveness import live_in
from .trees import clone, walk as walk_tree

# methods that change their receiver (a list the loop builds is part of its state)
MUTATING = {"append", "extend", "insert", "pop", "remove", "clear", "update", "setdefault",
            "sort", "reverse", "popitem"}


class CheckpointedLoop:
    """What the adjoint of a checkpointed loop needs from its primal sweep."""

    def __init__(self, snapshots, state, mutated, recompute, taped):
        self.snapshots = snapshots   # name of the snapshot stack
        self.state = state           # the loop's state: the variables a snapshot holds
        self.mutated = mutated       # state variables the body writes into (copied)
        self.recompute = recompute   # the body without tape, for "advance"
        self.taped = taped           # the body with its tape, for "reverse"
        self.schedule = None         # name of the schedule the primal sweep made, if it did


class CheckpointedLoops:
    """ReverseTransform's handling of checkpointed loops (a mixin: see reverse.py)."""

    def checkpoints(self, stmt):
        """True when `stmt`, a loop, is checkpointed: checkpointing is on, it is not inside
        another loop, and something in it has a derivative."""
        return self.checkpoint is not None and self.loop_depth == 0 and any(
            s.target and self.activity.active(s.target) for s in walk(stmt.body))

    def primal_checkpointed_loop(self, stmt):
        self.loop_depth += 1
        try:
            plain = clone(_untaped(self.primal_block(stmt.body)))
            taped = self.primal_block(stmt.body)
        finally:
            self.loop_depth -= 1
        recompute = clone(plain)
        state, mutated = self.loop_state(stmt, plain)
        for copy in (plain, recompute):   # (so that the optimizer fuses them as it does taped)
            self.own_temporaries(stmt, copy, keep=set(state))
        snapshots = self.namer.fresh("snapshots")
        loop = CheckpointedLoop(snapshots, state, mutated, recompute, taped)
        self.checkpointed[id(stmt)] = loop
        *before, primal = self.loop_around(stmt, plain)
        # a state variable the loop may be the first to assign is None in snapshot 0
        bound = {self.rename.get(n, n) for n in self.bound_at[id(stmt)]}
        before = [n for n in before if getattr(n, "tape", ("", ""))[1] not in state] + \
            [assign(v, gast.Constant(None, None)) for v in state if v not in bound]
        before.append(assign(snapshots, gast.List(elts=[self.snapshot(stmt)], ctx=gast.Load()), stmt.origin))
        if stmt.kind == "for" and not stmt.has_break:
            # the trip count is known: this sweep takes the snapshots of the schedule's first
            # sweep as it goes (the state before each step in schedule.forward_snapshots)
            loop.schedule = self.namer.fresh("schedule")
            before.append(assign(loop.schedule, self.schedule(stmt, loop, clone(stmt.iter), taken_forward=True)))
            due = gast.Compare(left=name(stmt.target), ops=[gast.In()], comparators=[gast.Attribute(
                value=name(loop.schedule), attr="forward_snapshots", ctx=gast.Load())])
            primal.body.insert(0, gast.If(test=due, body=[_method_call(snapshots, "append", self.snapshot(stmt))],
                                          orelse=[]))
        return before + [primal]

    def own_temporaries(self, stmt, body, keep):
        """Give the temporaries that `body`, a copy of the loop's body, assigns and alone
        reads names of their own (t1 -> t1_1): each copy's are then read once, as in taped code."""
        inside = {id(s) for s in walk(stmt.body)}
        read_elsewhere = set(keep)
        for s in walk(self.fn.body):
            if id(s) not in inside:
                read_elsewhere |= loaded_names([p for p in (s.expr, s.test, s.iter) if p is not None])
                read_elsewhere |= {a.id for a in s.args if isinstance(a, gast.Name)}
        module = gast.Module(body=body, type_ignores=[])
        assigned = {n.id for n in walk_tree(module) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
        own = sorted((assigned & self.fn.temporaries) - read_elsewhere - live_in(body, set())
                     - set(self.rename) - set(self.rename.values()))
        mapping = {t: self.namer.fresh(t) for t in own}
        Renamer(mapping).visit(module)
        for node in walk_tree(module):
            tape = getattr(node, "tape", None)
            if tape and tape[1] in mapping:
                node.tape = (tape[0], mapping[tape[1]])
        self.fn.temporaries |= set(mapping.values())

    def loop_state(self, stmt, body):
        """(state, mutated): the variables a snapshot must hold to run the loop again from
        it: those the loop assigns that the body reads before assigning them or that were
        bound before the loop (the adjoint of the code before the loop may read them)."""
        renamed = clone(body)
        Renamer(self.rename).visit(gast.Module(body=renamed, type_ignores=[]))
        assigned, mutated = set(), set()
        for node in walk_tree(gast.Module(body=renamed, type_ignores=[])):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
                assigned.add(node.id)
            elif isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store):
                mutated.add(_root(node))
            elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
                    and node.func.attr in MUTATING:
                mutated.add(_root(node.func))
        mutated.discard(None)
        target = {self.rename.get(stmt.target, stmt.target)} if stmt.kind == "for" else set()
        before = {self.rename.get(n, n) for n in self.definite_at.get(id(stmt), ())}
        saved = {s for target_name, s in self.saved.items() if target_name not in before}
        changed = (assigned | mutated) - target - saved - set(self.counters.values())
        state = sorted(changed & (live_in(renamed, target) | before))
        return state, sorted(mutated & set(state))

    def snapshot(self, stmt):
        """``(x, copy_of(h))``: the loop's state (``x`` alone when it is one variable), a copy
        of what the body writes into."""
        loop = self.checkpointed[id(stmt)]
        values = [call("copy_of", name(v)) if v in loop.mutated else name(v) for v in loop.state]
        return values[0] if len(values) == 1 else gast.Tuple(elts=values, ctx=gast.Load())

    def checkpointed_adjoint(self, stmt, adjoint, counter):
        """The adjoint sweep of a checkpointed loop whose one-step adjoint is `adjoint`."""
        loop = self.checkpointed[id(stmt)]
        action, start, end = (self.namer.fresh(n) for n in ("action", "start", "end"))
        schedule = name(loop.schedule) if loop.schedule else self.schedule(stmt, loop, name(counter))
        newest = gast.Subscript(value=name(loop.snapshots), slice=gast.Constant(-1, None), ctx=gast.Load())
        restore = assign(_state_target(loop.state), newest)
        restore.restores = set(loop.state)
        branches = [
            ("advance", [self.steps(stmt, start, end, loop.recompute)]),
            ("snapshot", [_method_call(loop.snapshots, "append", self.snapshot(stmt))]),
            ("restore", [restore] + [assign(v, call("copy_of", name(v))) for v in loop.mutated]),
            ("forget", [_method_call(loop.snapshots, "pop")]),
        ]
        # "reverse": the step taped, then its adjoint (in a loop of its own that sets the
        # loop variable again, as the taped adjoint does: code differentiating this code
        # reads the variable where the loop sets it)
        chain = [self.steps(stmt, start, end, loop.taped)]
        chain += [self.steps(stmt, start, end, adjoint, one_step=True)] if stmt.kind == "for" else adjoint
        for kind, body in reversed(branches):
            test = gast.Compare(left=name(action), ops=[gast.Eq()], comparators=[gast.Constant(kind, None)])
            chain = [gast.If(test=test, body=body, orelse=chain)]
            if kind == "forget":
                reverse_step = chain[0]   # its `else` is the "reverse" branch (tape.py)
        target = gast.Tuple(elts=[gast.Name(n, gast.Store(), None, None) for n in (action, start, end)],
                            ctx=gast.Store())
        node = gast.For(target=target, iter=schedule, body=chain, orelse=[], type_comment=None)
        node.origin = stmt.origin
        node.reverse_step = reverse_step
        return node

    def checkpoint_note(self):
        """The header line of code with checkpointed loops."""
        kind, amount = self.checkpoint
        count = f"{amount} snapshots" if kind == "snapshots" else f"as many snapshots as {amount} bytes hold"
        return f"srcad checkpoint: loops reversed on the binomial schedule, {count} each " \
               "(srcad/checkpointing.py)"

    def schedule(self, stmt, loop, steps, taken_forward=False):
        """``revolve(steps, k)``; k = ``snapshots_within(snapshots[0], budget)`` for
        checkpoint="auto"."""
        if self.checkpoint[0] == "snapshots":
            count = gast.Constant(self.checkpoint[1], None)
        else:
            first = gast.Subscript(value=name(loop.snapshots), slice=gast.Constant(0, None), ctx=gast.Load())
            count = call("snapshots_within", first, gast.Constant(self.checkpoint[1], None))
        node = call("revolve", steps, count)
        if taken_forward:
            node.keywords = [gast.keyword(arg="taken_forward", value=gast.Constant(True, None))]
        return node

    def steps(self, stmt, start, end, body, one_step=False):
        """``for i in range(n)[start:end]: body`` (``for _ in range(start, end)`` for a
        ``while`` loop): steps start .. end-1 of the loop; a ``break`` ends them."""
        if stmt.kind == "for":
            target = stmt.target
            iterations = gast.Subscript(value=clone(stmt.iter), slice=gast.Slice(name(start), name(end), None),
                                        ctx=gast.Load())
        else:
            target = self.namer.fresh("_")
            iterations = call("range", name(start), name(end))
        node = gast.For(target=gast.Name(target, gast.Store(), None, None), iter=iterations,
                        body=clone(body) or [gast.Pass()], orelse=[], type_comment=None)
        node.origin = stmt.origin
        node.one_step = one_step   # (tape.py reads its body as straight-line code)
        return node


def _state_target(state):
    """``x`` or ``x, h``: the target a snapshot is restored into."""
    names = [gast.Name(v, gast.Store(), None, None) for v in state]
    return names[0] if len(names) == 1 else gast.Tuple(elts=names, ctx=gast.Store())


def _untaped(nodes):
    """`nodes` without their tape pushes."""
    result = []
    for node in nodes:
        if getattr(node, "tape", ("",))[0] == "push":
            continue
        for part in ("body", "orelse"):
            if isinstance(getattr(node, part, None), list):
                setattr(node, part, _untaped(getattr(node, part)) or
                        ([gast.Pass()] if part == "body" else []))
        result.append(node)
    return result


def _root(node):
    """The variable a subscript or attribute chain starts from (None: not a variable)."""
    while isinstance(node, (gast.Subscript, gast.Attribute)):
        node = node.value
    return node.id if isinstance(node, gast.Name) else None


def _method_call(receiver, method, *args):
    return gast.Expr(value=gast.Call(func=gast.Attribute(value=name(receiver), attr=method, ctx=gast.Load()),
                                     args=list(args), keywords=[]))
