"""Dead-code elimination: drop statements whose results are never read.

Calls that may have effects (tape pushes and pops, in-place ``add_at``, unknown functions)
always stay, so the tape's order is never disturbed."""
import gast

from .analysis import COMPOUND, reads, written_name


def eliminate_dead_code(body, live_out, is_pure):
    """Drop statements whose results are never read (effects and impure calls stay)."""
    live = set(live_out)
    kept = []
    for stmt in reversed(body):
        if isinstance(stmt, COMPOUND):
            inner_live = live | (set(reads(stmt)) if not isinstance(stmt, gast.If) else set())
            stmt.body = eliminate_dead_code(stmt.body, inner_live, is_pure) or [gast.Pass()]
            stmt.orelse = eliminate_dead_code(stmt.orelse, inner_live, is_pure)
            live.update(reads(stmt))
            kept.append(stmt)
            continue
        name, whole = written_name(stmt)
        if name is not None:
            value = stmt.value
            if name not in live and is_pure(value):
                continue
            if whole:
                live.discard(name)
        live.update(reads(stmt))
        kept.append(stmt)
    kept.reverse()
    return kept


