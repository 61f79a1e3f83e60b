"""The tape, trimmed: keep only the saves whose values the adjoint sweep reads.

The reverse transform tags every statement that could save or restore a value (tape
``append``/``pop``, ``v = None`` before a loop, a list's ``pop`` undoing an ``append``)
with ``node.tape = (kind, variable)``, and every loop-counter statement with
``node.counter``. Here a variable's saves are kept only if the adjoint sweep reads the
variable (to-be-recorded analysis); adjoint loops and branches left empty are dropped,
and with them the counters they read. Repeats until nothing changes.

A variable the adjoint reads only for its shape (the second argument of ``unbroadcast``
or ``expand_reduced``, the argument of ``zeros_like``) is saved as ``shape_of(v)``, a
small tuple, so that a loop does not keep one array per iteration alive (in a 50-step RNN
that made the gradient 30% slower).
"""
import gast

from .emit import COMPOUND, walk_nodes
from .ir import loaded_names
from .trees import walk as walk_tree

# helper -> the position of the argument it reads only for its shape (and dtype)
SHAPE_ONLY = {"unbroadcast": 1, "expand_reduced": 1, "unbroadcast_batch": 1, "expand_reduced_batch": 1,
              "zeros_like": 0, "batch_zeros": 0}


def _read_expressions(nodes):
    """The expressions `nodes` read (a loop's ``iter``, a branch's ``test``, a simple
    statement whole), nested blocks included, tape statements left out."""
    for node in walk_nodes(nodes):
        if getattr(node, "tape", None):
            continue
        if isinstance(node, COMPOUND):
            yield from (getattr(node, part) for part in ("test", "iter")
                        if getattr(node, part, None) is not None)
        else:
            yield node


def _reads(nodes):
    """Names read in `nodes`, not counting the tape statements themselves."""
    return {name for expression in _read_expressions(nodes) for name in loaded_names(expression)}


def shape_arguments(expression):
    """id() of the nodes `expression` passes to a helper that reads only their shape."""
    return {id(n.args[SHAPE_ONLY[n.func.id]]) for n in walk_tree(expression)
            if isinstance(n, gast.Call) and isinstance(n.func, gast.Name)
            and n.func.id in SHAPE_ONLY and len(n.args) > SHAPE_ONLY[n.func.id]}


def _restores(nodes):
    """variable -> "pop", "undo" or "slots", for each variable the statements in `nodes`
    rewind: a value popped back, a list's append undone, slots of an array written back."""
    restores = {n.tape[1]: n.tape[0] for n in walk_nodes(nodes)
                if getattr(n, "tape", None) and n.tape[0] in ("pop", "undo")}
    restores.update((variable, "pop") for n in walk_nodes(nodes)   # a checkpointed loop's
                    for variable in getattr(n, "restores", ()))     # state, from a snapshot
    restores.update((variable, "slots") for variable in _slots_restored(nodes))
    return restores


def _filter(nodes, keep):
    """`nodes` without the statements `keep` rejects; empty loops and branches go too."""
    result = []
    for node in nodes:
        if not keep(node):
            continue
        if isinstance(node, COMPOUND):
            node.body = _filter(node.body, keep)
            node.orelse = _filter(node.orelse, keep)
            if not _effective(node.body) and not _effective(node.orelse) \
                    and (isinstance(node, gast.If) or getattr(node, "adjoint_loop", False) is not False):
                continue
            if not node.body:
                node.body = [gast.Pass()]
        result.append(node)
    return result


def _effective(nodes):
    return any(not isinstance(n, gast.Pass) for n in nodes)


def _slots_restored(nodes):
    """Arrays whose slots the statements in `nodes` write back (``y[i] = tape.pop()``)."""
    return {n.tape[1] for n in walk_nodes(nodes) if getattr(n, "tape", None) and n.tape[0] == "pop"
            and isinstance(n, gast.Assign) and isinstance(n.targets[0], gast.Subscript)}


def _needed(adjoint, rewound=frozenset()):
    """Variables the adjoint sweep reads after it may have rewound them. A read before the
    first statement that restores the variable sees its final value, which needs no save.
    Each branch of an ``if`` is followed in order; a loop is taken whole (its restores reach
    its reads in the next iteration). Returns (needed, rewound after `adjoint`)."""
    needed = set()
    rewound = set(rewound)
    for node in adjoint:
        reverse = getattr(node, "reverse_step", None)
        if reverse is not None:
            # a checkpointed loop (checkpoint_loops.py): each step is taped and reversed at
            # once, from a restored state, so a save within it matters only to the reads
            # of its own adjoint, or, the last time, to the code after the loop
            needed |= _reads([node]) & rewound
            needed |= _needed(reverse.orelse, rewound)[0]
            rewound |= set(_restores([node]))
            continue
        if getattr(node, "one_step", False):   # a loop of one iteration: its body, in order
            needed |= _reads([gast.Expr(value=node.iter)]) & rewound
            body_needed, rewound = _needed(node.body, rewound)
            needed |= body_needed
            continue
        if isinstance(node, gast.If) and not getattr(node, "tape", None):
            needed |= loaded_names(node.test) & rewound
            body_needed, body_rewound = _needed(node.body, rewound)
            else_needed, else_rewound = _needed(node.orelse, rewound)
            needed |= body_needed | else_needed
            rewound |= body_rewound | else_rewound
            continue
        rewound |= set(_restores([node]))
        needed |= _reads([node]) & rewound
    return needed, rewound


def prune_tape(primal, adjoint, read_after=()):
    """(primal, adjoint, restored): restored maps each variable the adjoint sweep rewinds
    to "pop" (a saved value), "undo" (a list's append undone) or "slots" (an array's slots
    written back). `read_after`: names the code reads after the adjoint sweep (the
    returned derivatives)."""
    while True:
        needed, _ = _needed(adjoint)
        read = _reads(adjoint)
        before = _count(adjoint) + _count(primal)

        def keep(node):
            tape = getattr(node, "tape", None)
            if tape is not None and tape[1] not in needed:
                return False
            counter = getattr(node, "counter", None)
            return counter is None or counter in read
        adjoint = _filter(adjoint, keep)
        primal = _filter(primal, keep)
        if _count(adjoint) + _count(primal) == before:
            break
    _save_shapes_only(primal, _shape_only_reads(adjoint) - set(read_after) - _slots_restored(adjoint))
    return primal, adjoint, _restores(adjoint)


def _shape_only_reads(adjoint):
    """Variables that every read of in the adjoint sweep (tape statements aside) is the
    shape argument of ``unbroadcast(g, x)``, ``expand_reduced(g, x, ...)`` or ``zeros_like(x)``. Reads before
    the sweep first rewinds a variable see its final value, not a saved one: they do not
    count (as in `_needed`, a top-level statement at a time)."""
    shape_reads, other_reads, rewound = set(), set(), set()
    for top in adjoint:
        rewound |= set(_restores([top]))
        for expression in _read_expressions([top]):
            shaped = shape_arguments(expression)
            for n in walk_tree(expression):
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and n.id in rewound:
                    (shape_reads if id(n) in shaped else other_reads).add(n.id)
    return shape_reads - other_reads


def _save_shapes_only(primal, variables):
    """``tape.append(v)`` -> ``tape.append(shape_of(v))`` for the `variables`, when every save
    of v is of the whole variable."""
    saves = {}
    for node in walk_nodes(primal):
        tape = getattr(node, "tape", None)
        if tape and tape[0] == "push" and tape[1] in variables:
            saves.setdefault(tape[1], []).append(node)
    for variable, nodes in saves.items():
        pushed = [node.value.args[0] for node in nodes]
        if all(isinstance(p, gast.Name) and p.id == variable for p in pushed):
            for node in nodes:
                node.value.args[0] = gast.Call(func=gast.Name("shape_of", gast.Load(), None, None),
                                               args=[node.value.args[0]], keywords=[])


def _count(nodes):
    return sum(1 for _ in walk_nodes(nodes))
