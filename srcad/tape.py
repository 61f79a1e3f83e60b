"""The tape, trimmed: keep only the saves whose values the adjoint sweep reads.

The reverse transform tags every statement that could save or restore a value (tape
``append``/``pop``, ``v = None`` before a loop, a list's ``pop`` undoing an ``append``)
with ``node.tape = (kind, variable)``, and every loop-counter statement with
``node.counter``. Here a variable's saves are kept only if the adjoint sweep reads the
variable (to-be-recorded analysis); adjoint loops and branches left empty are dropped,
and with them the counters they read. Repeats until nothing changes.
"""
import gast

from .emit import COMPOUND, walk_nodes
from .ir import loaded_names


def _reads(nodes):
    """Names read in `nodes`, not counting the tape statements themselves."""
    names = set()
    for node in nodes:
        if getattr(node, "tape", None):
            continue
        if isinstance(node, COMPOUND):
            for part in ("test", "iter"):
                if getattr(node, part, None) is not None:
                    names |= loaded_names(getattr(node, part))
            names |= _reads(node.body) | _reads(node.orelse)
        else:
            names |= loaded_names(node)
    return names


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


def _needed(adjoint):
    """Variables the adjoint sweep reads after it may have rewound them. A read before the
    first statement that restores the variable sees its final value, which needs no save."""
    needed = set()
    rewound = set()
    for node in adjoint:
        restores = {getattr(n, "tape")[1] for n in walk_nodes([node])
                    if getattr(n, "tape", None) and n.tape[0] in ("pop", "undo")}
        rewound |= restores
        needed |= _reads([node]) & rewound
    return needed


def prune_tape(primal, adjoint):
    """(primal, adjoint, restored): restored maps each variable the adjoint sweep rewinds
    to "pop" (a saved value) or "undo" (a list's append undone)."""
    while True:
        needed = _needed(adjoint)
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
    restored = {}
    for node in walk_nodes(adjoint):
        tape = getattr(node, "tape", None)
        if tape and tape[0] in ("pop", "undo"):
            restored[tape[1]] = tape[0]
    return primal, adjoint, restored


def _count(nodes):
    return sum(1 for _ in walk_nodes(nodes))
