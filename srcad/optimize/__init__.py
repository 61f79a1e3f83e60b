"""Stage 5, optimize: make generated code read like code a careful person wrote, and run
as fast as a gradient written by hand.

Each pass is its own module and never changes a result (the test suite runs with the
optimizer on and off: ``SRCAD_OPTIMIZE=0`` turns it off):

* fold.py       constant folding (and keyword arguments equal to the callee's default)
* algebra.py    0/1 algebra: ``x * 1``, ``x + 0``, ``- -x``, with shape care
* dce.py        dead-code elimination (tape pushes and pops are never dropped alone)
* propagate.py  copy propagation and forward substitution of single-use temporaries
* cse.py        common-subexpression elimination within a block (the adjoint reuses a
                primal value instead of computing it again)

"First contribution initializes" (no ``zeros_like`` then ``+``) is how the reverse
transform accumulates adjoints in the first place (reverse.py).
"""
import os

from ..emit import walk_nodes
from ..trees import clone
from .algebra import ZeroOneAlgebra
from .analysis import COMPOUND, purity_checker, resolve_callee  # noqa: F401  (used by batching.py)
from .cse import eliminate_common_subexpressions
from .dce import eliminate_dead_code
from .fold import ConstantFolder
from .propagate import inline_temporaries


def enabled():
    """False when the environment sets SRCAD_OPTIMIZE=0 (to check the passes change nothing)."""
    return os.environ.get("SRCAD_OPTIMIZE", "1") != "0"


def simplify(body, namespace):
    """Constant folding and 0/1 algebra on every statement srcad wrote (never on the user's
    own primal arithmetic). A statement is simplified once; the passes that substitute
    into one mark it ``simplified = False`` again."""
    folder, algebra = ConstantFolder(namespace), ZeroOneAlgebra()
    for stmt in body:
        if isinstance(stmt, COMPOUND):
            simplify(stmt.body, namespace)
            simplify(stmt.orelse, namespace)
        elif not getattr(stmt, "primal", False) and not getattr(stmt, "simplified", False):
            algebra.visit(folder.visit(stmt))
            stmt.simplified = True
    return body


def simplified(expression, namespace):
    """`expression` as `simplify` will print it (on a copy): the reverse transform asks
    whether an adjoint is still a fresh array after ``g * 1.0`` becomes ``g``."""
    return ZeroOneAlgebra().visit(ConstantFolder(namespace).visit(clone(expression)))


def _size(body):
    return sum(1 for _ in walk_nodes(body))


def optimize(body, live_out, temporaries, namespace, fresh=None):
    """Run every pass until nothing changes (at most a few rounds)."""
    if not enabled():
        return body
    is_pure = purity_checker(namespace)
    for _ in range(4):
        before = _size(body)
        body = simplify(body, namespace)
        body = eliminate_dead_code(body, live_out, is_pure)
        body = inline_temporaries(body, temporaries, is_pure, live_out, namespace)
        if _size(body) == before:
            break
    if fresh is not None:
        body = eliminate_common_subexpressions(body, is_pure, fresh)
    return simplify(body, namespace)
